// After QC, customer service decides (Art. 14). Accept: every unit leaves the pending bin by
// its QC grade (A sellable, B rework, C defective; a scanned bin per grade, else the zone's
// first bin) and a return's refund becomes due. Reject: only when QC found customer-caused
// damage, with the reason; the goods go back at the customer's cost.
import { useEffect, useState } from "preact/hooks";
import { authLost } from "../act.js";
import { ApiError, getToken, graphql } from "../api.js";
import { answer } from "../feedback.js";
import { html } from "../html.js";
import { t } from "../i18n.js";
import { newKey } from "../outbox.js";
import { NotOpen, StepError, TicketLine, checkScan, isThisTicket, mutation, useStep } from "./casework.js";
import { RefundBreakdown } from "./refund.js";
import { ScanField } from "./scan-field.js";
import { identify } from "./stock.js";
import { NoteField, TaskScreen, bilingual, productName, when } from "./task.js";

const DECIDE = mutation("decideReturn", "DecideReturnInput");
const TAGS = "query Tags { defectTags(includeInactive: true) { code nameZh nameEn } }";
const ZONE_OF_GRADE = { A: "SELLABLE", B: "REWORK", C: "DEFECTIVE" };
const GRADE_OF_ZONE = { SELLABLE: "A", REWORK: "B", DEFECTIVE: "C" };

function useTagNames() {
  const [names, setNames] = useState({});
  useEffect(() => {
    graphql(TAGS).then(
      (data) => setNames(Object.fromEntries(data.defectTags.map((tag) => [tag.code, bilingual(tag)]))),
      (error) => { if (error instanceof ApiError && error.kind === "auth") authLost(); },
    );
  }, []);
  return names;
}

// Photos need the bearer token: fetched with it in the header (never in the URL) and shown
// from a blob. A tap shows it full width.
function Photo({ sha }) {
  const [url, setUrl] = useState(null);
  const [failed, setFailed] = useState(false);
  const [big, setBig] = useState(false);
  useEffect(() => {
    let made = null;
    let live = true;
    fetch(`/photos/${sha}`, { headers: { authorization: `Bearer ${getToken()}` } })
      .then((response) => (response.ok ? response.blob() : Promise.reject(new Error(String(response.status)))))
      .then((blob) => { if (live) { made = URL.createObjectURL(blob); setUrl(made); } })
      .catch(() => live && setFailed(true));
    return () => { live = false; if (made) URL.revokeObjectURL(made); };
  }, [sha]);
  if (failed) return html`<span class="muted">${t("decide.photoMissing")}</span>`;
  if (!url) return null;
  return html`<img src=${url} alt=${t("inspect.photo")} class=${big ? "big" : ""} data-sha=${sha} onClick=${() => setBig(!big)} />`;
}

function QcResults({ ticket, qc }) {
  const tags = useTagNames();
  return html`
    <section class="card" id="qc-results"><h2>${t("decide.qc")}</h2>
      ${qc.length === 0 && html`<p class="error">${t("decide.noQc")}</p>`}
      <ul class="history">${qc.map((i) => {
        const line = ticket.lines.find((l) => l.id === i.lineId);
        const defects = [...i.defectTags.map((code) => tags[code] ?? code), i.defectText].filter(Boolean);
        return html`
          <li key=${i.id} data-grade=${i.grade} data-responsibility=${i.responsibility}>
            <strong>${productName(line?.product)}</strong>
            <span>${[`${i.quantity} × ${i.passed ? t("inspect.passed") : t("inspect.failed")}`, `${t("inspect.grade")} ${i.grade}`,
              t(`responsibility.${i.responsibility}`)].join(" · ")}</span>
            ${defects.length > 0 && html`<span class="muted">${defects.join(" · ")}</span>`}
            ${i.note && html`<span class="muted">${i.note}</span>`}
            <span class="when">${when(i.at)} · ${i.inspector.displayName}</span>
            ${i.photos.length > 0 && html`<span class="thumbs">${i.photos.map((sha) => html`<${Photo} key=${sha} sha=${sha} />`)}</span>`}
          </li>`;
      })}</ul>
    </section>`;
}

function Plan({ units, bins }) {
  return html`
    <section class="card" id="put-away-plan"><h2>${t("decide.where")}</h2>
      <ul class="lines">${Object.entries(units).map(([grade, count]) => html`
        <li key=${grade} data-grade=${grade} data-bin=${bins[grade] ?? ""}>
          <strong>${t("decide.gradeTo", { grade, count, zone: t(`zone.${ZONE_OF_GRADE[grade]}`) })}</strong>
          <span class="muted">${bins[grade] ? html`<span class="code">${bins[grade]}</span>` : t("decide.defaultBin")}</span>
        </li>`)}</ul>
      <p class="muted">${t("decide.scanBin")}</p>
    </section>`;
}

export default function Decide({ ticket, step, done }) {
  const accept = step === "accept";
  const action = accept ? "ACCEPT" : "REJECT";
  const qc = ticket.inspections.filter((i) => i.stage === "QC");
  const units = {};
  for (const i of qc) if (i.grade) units[i.grade] = (units[i.grade] ?? 0) + i.quantity;
  const customerDamage = qc.some((i) => i.responsibility === "CUSTOMER");
  const [bins, setBins] = useState({});
  const [note, setNote] = useState("");
  const { busy, error, run } = useStep(done);

  const scanBin = async (code) => {
    if (isThisTicket(ticket, code)) { checkScan(ticket, code); return; }
    const hit = await identify(code);
    if (!hit) return;
    if (hit.kind !== "LOCATION") { answer(false, t("decide.notABin", { code })); return; }
    const place = hit.location;
    const grade = GRADE_OF_ZONE[place.zoneKind];
    if (place.warehouse.code !== ticket.warehouseCode || !units[grade]) {
      const zone = t(`zone.${place.zoneKind}`);
      answer(false, `${t("error.code.WRONG_ZONE")}\n${t("decide.wrongBin", { bin: place.code, zone, warehouse: place.warehouse.code })}`);
      return;
    }
    setBins((old) => ({ ...old, [grade]: place.code }));
    answer(true, t("decide.binSet", { grade, bin: place.code }));
  };

  const decide = () => run({
    name: "decideReturn",
    query: DECIDE,
    input: {
      idempotencyKey: newKey(step),
      ticketNumber: ticket.number,
      decision: action,
      note: note.trim(),
      putAway: accept ? Object.entries(bins).map(([grade, locationCode]) => ({ grade, locationCode })) : [],
    },
    label: t("case.queuedLabel", { action: t(`action.${action}`), number: ticket.number }),
    success: (payload) => (accept
      ? t("decide.accepted", { number: ticket.number, status: t(`status.${payload.ticket.status}`) })
      : t("decide.rejected", { number: ticket.number })),
  });

  const ready = accept ? qc.length > 0 : customerDamage && note.trim();
  return html`
    <${TaskScreen} id="decide" title=${t(`action.${action}`)}>
      <${ScanField} onScan=${accept ? scanBin : (code) => checkScan(ticket, code)} />
      <${TicketLine} ticket=${ticket} />
      <${NotOpen} ticket=${ticket} action=${action} />
      <${QcResults} ticket=${ticket} qc=${qc} />
      ${accept && html`<${Plan} units=${units} bins=${bins} />`}
      ${accept && (ticket.kind === "RETURN" ? html`<${RefundBreakdown} ticket=${ticket} />` : html`<p class="card muted" id="no-refund">${t("decide.exchangeNoRefund")}</p>`)}
      <section class="card" id="decide-form">
        ${!accept && html`<p class=${customerDamage ? "muted" : "error"} id="reject-rule">
          ${customerDamage ? t("decide.rejectEffect") : t("decide.rejectNeedsCustomer")}</p>`}
        <${NoteField} id="decide-note" value=${note} onInput=${setNote} label=${accept ? t("act.note") : t("decide.rejectWhy")} />
        <button id="decide-confirm" type="button" class="primary wide" disabled=${busy || !ready} onClick=${decide}>
          ${t(`action.${action}`)}</button>
      </section>
      <${StepError} error=${error} />
    <//>`;
}

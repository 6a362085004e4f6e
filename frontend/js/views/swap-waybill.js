// Finance swaps the waybill of a parcel that was stranded in another city (Art. 16.2): the
// customer got a reship from stock on a new waybill; now that the stranded goods are back
// and put away, the old waybill is voided and points at the new one (its record stays).
import { useState } from "preact/hooks";
import { answer } from "../feedback.js";
import { html } from "../html.js";
import { t } from "../i18n.js";
import { newKey } from "../outbox.js";
import { NotOpen, StepError, TicketLine, mutation, useStep } from "./casework.js";
import { ScanField } from "./scan-field.js";
import { NoteField, TaskScreen, when } from "./task.js";

const SWAP = mutation("swapWaybill", "TicketNoteInput", "inboundWaybills { waybill status replacedBy }");

export default function SwapWaybill({ ticket, done }) {
  const old = ticket.inboundWaybills.filter((w) => w.status === "ACTIVE");
  const reship = ticket.shipments.find((s) => s.purpose === "RESHIP");
  const [checked, setChecked] = useState(null);
  const [note, setNote] = useState("");
  const { busy, error, run } = useStep(done);

  const onScan = (code) => {
    const hit = old.find((w) => w.waybill.toUpperCase() === code.trim().toUpperCase());
    if (hit) setChecked(hit.waybill);
    answer(Boolean(hit), hit ? t("swap.scanOk", { waybill: hit.waybill }) : t("swap.scanWrong", { code }));
  };
  const swap = () => run({
    name: "swapWaybill",
    query: SWAP,
    input: { idempotencyKey: newKey("swap"), ticketNumber: ticket.number, note: note.trim() },
    label: t("case.queuedLabel", { action: t("action.SWAP_WAYBILL"), number: ticket.number }),
    success: () => t("swap.done", { old: old.map((w) => w.waybill).join(", ") }),
  });

  return html`
    <${TaskScreen} id="swap-waybill" title=${t("action.SWAP_WAYBILL")}>
      <${ScanField} onScan=${onScan} />
      <${TicketLine} ticket=${ticket} />
      <${NotOpen} ticket=${ticket} action="SWAP_WAYBILL" />
      <section class="card" id="swap-old"><h2>${t("swap.old")}</h2>
        ${old.length === 0 && html`<p class="error">${t("swap.noneActive")}</p>`}
        <ul class="lines">${old.map((w) => html`
          <li key=${w.waybill} data-waybill=${w.waybill} data-checked=${checked === w.waybill ? "1" : "0"}>
            <strong class="code">${w.waybill}</strong>
            <span class="muted">${w.courier}${w.arrivedAt && ` · ${t("swap.arrived", { at: when(w.arrivedAt) })}`}</span>
            ${checked === w.waybill && html`<span class="wanted">${t("swap.checked")}</span>`}
          </li>`)}</ul>
        <p class="muted">${t("swap.scanHint")}</p>
      </section>
      <section class="card" id="swap-new"><h2>${t("swap.new")}</h2>
        ${reship ? html`<p><strong class="code">${reship.waybill}</strong> · ${reship.courier}${reship.shippedAt && ` · ${when(reship.shippedAt)}`}</p>`
          : html`<p class="error">${t("swap.noReship")}</p>`}
      </section>
      <section class="card" id="swap-form">
        <p>${t("swap.explain")}</p>
        <${NoteField} id="swap-note" value=${note} onInput=${setNote} />
        <button id="swap-confirm" type="button" class="primary wide" disabled=${busy || old.length === 0 || !reship} onClick=${swap}>
          ${t("action.SWAP_WAYBILL")}</button>
      </section>
      <${StepError} error=${error} />
    <//>`;
}

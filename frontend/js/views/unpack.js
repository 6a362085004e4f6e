// Unpack and label (拆包并标识客户名称, Art. 10/20): count what is in the parcel per line, scan
// the pending-zone bin the goods go to, confirm; then print the label with the customer's
// name (and an exchange's wanted goods) for the goods waiting in that bin.
import { useState } from "preact/hooks";
import { act, authLost } from "../act.js";
import { getToken } from "../api.js";
import { answer } from "../feedback.js";
import { html } from "../html.js";
import { language, t } from "../i18n.js";
import { newKey } from "../outbox.js";
import { ScanField } from "./scan-field.js";
import { identify } from "./stock.js";
import { Stepper, TaskScreen, productName } from "./task.js";

const UNPACK = `mutation Unpack($input: UnpackReturnInput!) { unpackReturn(input: $input) {
  ticket { number status pendingLocationCode } replayed userErrors { code message field } } }`;

const backToScan = () => document.getElementById("scan-input")?.focus();

// The label as a printable page, fetched with the bearer token (never put in a URL) and
// printed from a hidden frame, so no pop-up blocker is involved.
async function printLabel(ticket) {
  let response;
  try {
    response = await fetch(`${ticket.label.printUrl}?format=html`, { headers: { authorization: `Bearer ${getToken()}` } });
  } catch {
    answer(false, t("unpack.printOffline"));
    return false;
  }
  if (response.status === 401) { authLost(); return false; }
  if (!response.ok) { answer(false, t("unpack.printFailed", { status: response.status })); return false; }
  const page = await response.text();
  document.getElementById("label-print")?.remove();
  const frame = document.createElement("iframe");
  frame.id = "label-print";
  frame.dataset.number = ticket.number;
  frame.title = t("unpack.print");
  frame.style.cssText = "position:fixed;left:-200mm;top:0;width:100mm;height:60mm;border:0";
  frame.addEventListener("load", () => { frame.contentWindow.focus(); frame.contentWindow.print(); }, { once: true });
  frame.srcdoc = page;
  document.body.append(frame);
  return true;
}

export function PrintLabel({ ticket, reprint = false }) {
  const [printed, setPrinted] = useState(reprint);
  const print = async () => {
    if (await printLabel(ticket)) setPrinted(true);
    backToScan();
  };
  return html`<button id="print-label" type="button" class="wide" onClick=${print}>
    ${printed ? t("unpack.reprint") : t("unpack.print")}</button>`;
}

function LabelText({ ticket }) {
  const need = language() === "en" ? ticket.label.exchangeNeedEn : ticket.label.exchangeNeed;
  return html`
    <section class="card result" id="unpack-label">
      <h2>${t("unpack.done", { bin: ticket.pendingLocationCode ?? "" })}</h2>
      <p><span class="code">${ticket.number}</span> · ${ticket.customerName}</p>
      ${need && html`<p class="wanted">${need}</p>`}
      <${PrintLabel} ticket=${ticket} />
    </section>`;
}

export default function Unpack({ ticket, done, reload }) {
  const [counts, setCounts] = useState(() => Object.fromEntries(ticket.lines.map((l) => [l.id, l.quantity])));
  const [bin, setBin] = useState(null);
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState(null); // { unpacked: ticket } | { queued: true }

  const onScan = async (code) => {
    const found = await identify(code);
    if (!found) return;
    const place = found.location;
    if (found.kind !== "LOCATION") {
      answer(false, t("unpack.scanPendingBin"));
    } else if (place.zoneKind !== "PENDING") {
      answer(false, `${t("error.code.WRONG_ZONE")}\n${t("unpack.notPending", { code: place.code, zone: t(`zone.${place.zoneKind}`) })}`);
    } else if (place.warehouse.code !== ticket.warehouseCode) {
      answer(false, `${t("error.code.WRONG_ZONE")}\n${t("unpack.otherWarehouse", { code: place.code, warehouse: ticket.warehouseCode })}`);
    } else {
      setBin(place.code);
      answer(true, `${t("scan.location")}\n${place.code}`);
    }
  };

  const confirm = async () => {
    setBusy(true);
    const result = await act({
      name: "unpackReturn",
      query: UNPACK,
      input: {
        idempotencyKey: newKey("unpack"),
        ticketNumber: ticket.number,
        pendingLocationCode: bin,
        lines: ticket.lines.map((l) => ({ lineId: l.id, quantityReceived: counts[l.id] })),
      },
      label: t("unpack.queuedLabel", { number: ticket.number }),
      success: (payload) => `${t("unpack.unpacked")}\n${payload.ticket.pendingLocationCode}`,
    });
    setBusy(false);
    if (result.ok) { setOutcome({ unpacked: { ...ticket, ...result.payload.ticket } }); reload(); }
    else if (result.queued) setOutcome({ queued: true });
    backToScan();
  };

  if (outcome) {
    return html`
      <${TaskScreen} id="unpack" title=${t("action.UNPACK")} onBack=${done}>
        ${outcome.unpacked ? html`<${LabelText} ticket=${outcome.unpacked} />` : html`<section class="card result result-queued" id="unpack-queued"><h2>${t("outbox.saved")}</h2>
              <p class="muted">${t("unpack.labelLater")}</p></section>`}
        <button id="unpack-back" type="button" class="primary wide" onClick=${done}>${t("unpack.backToTicket")}</button>
      <//>`;
  }

  const total = Object.values(counts).reduce((a, b) => a + b, 0);
  return html`
    <${TaskScreen} id="unpack" title=${t("action.UNPACK")}>
      <${ScanField} onScan=${onScan} />
      <p class="muted"><span class="code">${ticket.number}</span> · ${ticket.customerName}</p>
      <section class="card" id="unpack-lines"><h2>${t("unpack.counted")}</h2>
        <ul class="lines">${ticket.lines.map((line) => html`
          <li key=${line.id} data-line=${line.id} data-sku=${line.product.sku}>
            <strong>${productName(line.product)}</strong>
            <span class="muted"><span class="sku">${line.product.sku}</span> · ${t("unpack.applied", { n: line.quantity })}</span>
            <${Stepper} id=${`count-${line.id}`} value=${counts[line.id]} max=${line.quantity} label=${productName(line.product)}
              onChange=${(n) => { setCounts((old) => ({ ...old, [line.id]: n })); backToScan(); }} />
          </li>`)}</ul>
      </section>
      <section class=${`card${bin ? " result" : ""}`} id="unpack-bin" data-bin=${bin ?? ""}>
        <h2>${bin ? html`${t("unpack.bin")}: <span class="code">${bin}</span>` : t("unpack.scanPendingBin")}</h2>
      </section>
      <button id="unpack-confirm" type="button" class="primary wide pinned" disabled=${!bin || busy || total === 0} onClick=${confirm}>
        ${t("unpack.confirm", { n: total })}</button>
    <//>`;
}

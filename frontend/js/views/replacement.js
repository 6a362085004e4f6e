// The exchange's replacement order (更新订单, Art. 21): once the original has arrived, customer
// service creates the order for the wanted goods, which the warehouse then ships (Art. 22).
// The goods were reserved when the application was approved, if the shelves had them; if
// not, creating the order reserves them now or is refused (not enough stock).
import { useEffect, useState } from "preact/hooks";
import { authLost } from "../act.js";
import { ApiError, graphql } from "../api.js";
import { html } from "../html.js";
import { t } from "../i18n.js";
import { newKey } from "../outbox.js";
import { StepError, TicketLine, checkScan, mutation, useStep } from "./casework.js";
import { ScanField } from "./scan-field.js";
import { NoteField, TaskScreen, productName } from "./task.js";

const CREATE = mutation("createReplacementOrder", "TicketNoteInput", "replacementReserved shipments { purpose status orderNumber }");
const AVAILABLE = `query Available($filter: StockLevelFilter) { stockLevels(filter: $filter, first: 100) { nodes { available } } }`;

// Sellable units of a wanted product in the ticket's warehouse (the first 100 bins).
function useAvailable(sku, warehouseCode, needed) {
  const [available, setAvailable] = useState(null);
  useEffect(() => {
    if (!needed) return;
    graphql(AVAILABLE, { filter: { sku, warehouseCode, zoneKind: "SELLABLE" } }).then(
      (data) => setAvailable(data.stockLevels.nodes.reduce((sum, level) => sum + level.available, 0)),
      (error) => { if (error instanceof ApiError && error.kind === "auth") authLost(); },
    );
  }, [sku, warehouseCode, needed]);
  return available;
}

function Wanted({ line, ticket }) {
  const available = useAvailable(line.wantedProduct.sku, ticket.warehouseCode, !ticket.replacementReserved);
  return html`
    <li data-sku=${line.wantedProduct.sku}>
      <strong>${line.quantity} × ${productName(line.wantedProduct)}</strong>
      <span class="muted"><span class="sku">${line.wantedProduct.sku}</span> · ${t("replacement.instead", { name: productName(line.product) })}</span>
      ${available !== null && html`<span class=${available >= line.quantity ? "muted" : "error"}>${t("replacement.available", { count: available })}</span>`}
    </li>`;
}

export default function Replacement({ ticket, done }) {
  const [note, setNote] = useState("");
  const { busy, error, run } = useStep(done);
  const wanted = ticket.lines.filter((l) => l.wantedProduct);
  const existing = ticket.shipments.find((s) => s.purpose === "REPLACEMENT");
  const order = `${ticket.number}-R`;

  const create = () => run({
    name: "createReplacementOrder",
    query: CREATE,
    input: { idempotencyKey: newKey("replacement"), ticketNumber: ticket.number, note: note.trim() },
    label: t("case.queuedLabel", { action: t("step.replacement"), number: ticket.number }),
    success: (payload) => t("replacement.created", {
      order: payload.ticket.shipments.find((s) => s.purpose === "REPLACEMENT")?.orderNumber ?? order,
    }),
  });

  return html`
    <${TaskScreen} id="replacement" title=${t("step.replacement")}>
      <${ScanField} onScan=${(code) => checkScan(ticket, code)} />
      <${TicketLine} ticket=${ticket} />
      <section class="card" id="replacement-wanted" data-reserved=${ticket.replacementReserved ? "1" : "0"}>
        <h2>${t("replacement.wanted")}</h2>
        <ul class="lines">${wanted.map((line) => html`<${Wanted} key=${line.id} line=${line} ticket=${ticket} />`)}</ul>
        <p class=${ticket.replacementReserved ? "wanted" : "muted"} id="replacement-reserved">
          ${ticket.replacementReserved ? t("replacement.reserved") : t("replacement.notReserved")}</p>
      </section>
      <section class="card" id="replacement-form">
        ${existing ? html`<p class="error" id="replacement-exists">${t("replacement.exists", { order: existing.orderNumber ?? order })}</p>` : html`
          <p>${t("replacement.explain", { order })}</p>
          <${NoteField} id="replacement-note" value=${note} onInput=${setNote} />
          <button id="replacement-confirm" type="button" class="primary wide" disabled=${busy || wanted.length === 0} onClick=${create}>
            ${t("step.replacement")}</button>`}
      </section>
      <${StepError} error=${error} />
    <//>`;
}

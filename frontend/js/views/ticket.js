// Ticket detail: what the case is, the goods, inspections, money, shipments, notes and the
// full history, updating live; the steps this person may take now are the big buttons.
import { go, ticketPath } from "../router.js";
import { getToken } from "../api.js";
import { html } from "../html.js";
import { t } from "../i18n.js";
import { lookUp } from "../lookup.js";
import { useTicket } from "../tickets.js";
import { ScanField } from "./scan-field.js";
import { Field, Freshness, TaskScreen, TicketSummary, money, productName, when } from "./task.js";

const CASE_LEADS = new Set(["ADMIN", "CUSTOMER_SERVICE", "SUPERVISOR", "CS_MANAGER", "CS_DIRECTOR"]);
const CS = new Set(["ADMIN", "CUSTOMER_SERVICE", "CS_MANAGER"]);
const SHIPPING = new Set(["ADMIN", "WAREHOUSE", "LOGISTICS"]);
const REPLACEMENT_FROM = new Set(["UNPACKED", "INITIAL_INSPECTED", "QC_INSPECTED", "PUT_AWAY"]);
// Moves that stop or undo the case are offered, but not as the obvious next step.
const SIDE_MOVES = new Set(["HOLD", "CANCEL", "REOPEN"]);

// Steps that are not moves of the flow but still belong on the ticket: notes, reassigning,
// the exchange's replacement order and its shipment.
export function extraSteps(ticket, role) {
  const steps = ["note"];
  if (CASE_LEADS.has(role)) steps.push("assign");
  if (ticket.kind === "EXCHANGE" && REPLACEMENT_FROM.has(ticket.status)) {
    const replacement = ticket.shipments.find((s) => s.purpose === "REPLACEMENT");
    if (!replacement && CS.has(role)) steps.push("replacement");
    if (replacement?.status === "OPEN" && SHIPPING.has(role)) steps.push("ship-replacement");
  }
  return steps;
}

// An <img> cannot send the bearer header: GET /photos takes the token as ?token=.
const photoUrl = (sha) => `/photos/${sha}?token=${encodeURIComponent(getToken() ?? "")}`;

function Lines({ ticket }) {
  return html`
    <section class="card" id="ticket-lines"><h2>${t("ticket.goods")}</h2>
      <ul class="lines">${ticket.lines.map((line) => html`
        <li key=${line.id} data-sku=${line.product.sku}>
          <strong>${productName(line.product)}</strong> <span class="sku">${line.product.sku}</span>
          <span class="muted">${t("ticket.lineCounts", { quantity: line.quantity, received: line.quantityReceived, graded: line.quantityGraded })}</span>
          ${line.wantedProduct && html`<span class="wanted">${t("ticket.wants", { name: productName(line.wantedProduct) })}</span>`}
        </li>`)}</ul>
    </section>`;
}

function Inspections({ ticket }) {
  if (!ticket.inspections.length) return null;
  return html`
    <section class="card" id="ticket-inspections"><h2>${t("ticket.inspections")}</h2>
      <ul class="history">${ticket.inspections.map((i) => html`
        <li key=${i.id} data-stage=${i.stage} data-passed=${i.passed ? "1" : "0"}>
          <span class="when">${when(i.at)} · ${i.inspector.displayName}</span>
          <span>${t(`stage.${i.stage}`)} · ${i.quantity} × ${i.passed ? t("inspect.passed") : t("inspect.failed")}
            ${i.grade && html` · ${t("inspect.grade")} ${i.grade}`} · ${t(`responsibility.${i.responsibility}`)}</span>
          ${(i.defectTags.length > 0 || i.defectText) && html`<span class="muted">${[...i.defectTags, i.defectText].filter(Boolean).join(" · ")}</span>`}
          ${i.photos.length > 0 && html`<span class="thumbs">${i.photos.map((sha) => html`<img key=${sha} src=${photoUrl(sha)} alt=${t("inspect.photo")} width="64" height="64" loading="lazy" />`)}</span>`}
        </li>`)}</ul>
    </section>`;
}

function Money({ ticket }) {
  return html`
    <section class="card" id="ticket-money"><h2>${t("ticket.money")}</h2>
      <dl>
        <${Field} label=${t("ticket.refundDue")}>${money(ticket.refundDue)}<//>
        <${Field} label=${t("ticket.refunded")}>${money(ticket.refunded)}<//>
        <${Field} label=${t("ticket.shippingFee")}>${money(ticket.shippingFee)} · ${t(`payer.${ticket.shippingFeePayer}`)}<//>
      </dl>
      ${ticket.refunds.map((r) => html`<p class="muted" key=${r.at}>${when(r.at)} · ${money(r.amount)} · ${r.paymentReference} · ${r.issuedBy.displayName}</p>`)}
    </section>`;
}

function Shipments({ ticket }) {
  const all = [...ticket.inboundWaybills.map((w) => ({ ...w, inbound: true })), ...ticket.shipments];
  if (!all.length) return null;
  return html`
    <section class="card" id="ticket-shipments"><h2>${t("ticket.shipments")}</h2>
      <ul class="history">${all.map((s, i) => html`
        <li key=${i}><span class="code">${s.waybill ?? "–"}</span> · ${s.courier}
          · ${s.inbound ? t("ticket.inbound") : t(`purpose.${s.purpose}`)} · ${s.status}</li>`)}</ul>
    </section>`;
}

function Notes({ ticket }) {
  if (!ticket.notes.length) return null;
  return html`
    <section class="card" id="ticket-notes"><h2>${t("ticket.notes")}</h2>
      <ul class="history">${ticket.notes.map((n, i) => html`
        <li key=${i}><span class="when">${when(n.at)} · ${n.author.displayName}</span><span>${n.text}</span></li>`)}</ul>
    </section>`;
}

function History({ ticket }) {
  return html`
    <section class="card" id="ticket-history"><h2>${t("ticket.history")}</h2>
      <ol class="history">${[...ticket.history].reverse().map((e, i) => html`
        <li key=${i} data-action=${e.action}>
          <span class="when">${when(e.at)} · ${e.actor.displayName}</span>
          <span>${t(`action.${e.action}`)}${e.toStatus && html` → ${t(`status.${e.toStatus}`)}`}</span>
        </li>`)}</ol>
    </section>`;
}

export default function TicketDetail({ user, number }) {
  const { ticket, at, stale, missing } = useTicket(number);
  if (missing) return html`<${TaskScreen} id="ticket" title=${number}><p class="error">${t("error.unknownTicket", { number })}</p><//>`;
  if (!ticket) return html`<${TaskScreen} id="ticket" title=${number}><p class="loading">${t("app.loading")}</p><//>`;
  const steps = [...ticket.myActions.map((a) => ({ slug: a, label: t(`action.${a}`), primary: !SIDE_MOVES.has(a) })),
    ...extraSteps(ticket, user.role).map((s) => ({ slug: s, label: t(`step.${s}`), primary: false }))];
  return html`
    <${TaskScreen} id="ticket" title=${t("ticket.heading")}>
      <${ScanField} onScan=${(code) => lookUp(code)} />
      <${Freshness} at=${at} stale=${stale} />
      <${TicketSummary} ticket=${ticket} />
      <nav class="steps" id="ticket-steps">${steps.map((s) => html`
        <button key=${s.slug} type="button" class=${s.primary ? "primary" : ""} data-step=${s.slug}
          onClick=${() => go(ticketPath(ticket.number, s.slug))}>${s.label}</button>`)}</nav>
      <${Lines} ticket=${ticket} />
      <${Inspections} ticket=${ticket} />
      <${Money} ticket=${ticket} />
      <${Shipments} ticket=${ticket} />
      <${Notes} ticket=${ticket} />
      <${History} ticket=${ticket} />
    <//>`;
}

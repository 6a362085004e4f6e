// A customer's application (Art. 6-8, 18): what was asked for, within which window, who pays
// the shipping (Art. 24); then approve (an exchange's wanted goods are reserved at once) or
// decline with one of the policy's reasons (Art. 26).
import { useEffect, useState } from "preact/hooks";
import { authLost } from "../act.js";
import { ApiError, graphql } from "../api.js";
import { html } from "../html.js";
import { t } from "../i18n.js";
import { newKey } from "../outbox.js";
import { NotOpen, StepError, checkScan, mutation, useStep } from "./casework.js";
import { ScanField } from "./scan-field.js";
import { Field, NoteField, TaskScreen, TicketSummary, money, productName, when } from "./task.js";

const WINDOW = "query Window($number: String!) { returnTicket(number: $number) { windowDeadline windowOverrideReason } }";
const APPROVE = mutation("approveReturn", "TicketNoteInput", "replacementReserved");
const DECLINE = mutation("declineReturn", "DeclineReturnInput", "declineCode");
const CODES = ["NO_PRIOR_APPLICATION", "MISSING_DETAILS", "WINDOW_EXPIRED", "OTHER"];

// The return window is not part of the shared ticket read: asked for here.
function useWindow(number) {
  const [term, setTerm] = useState(null);
  useEffect(() => {
    graphql(WINDOW, { number }).then(
      (data) => setTerm(data.returnTicket),
      (error) => { if (error instanceof ApiError && error.kind === "auth") authLost(); },
    );
  }, [number]);
  return term;
}

function ApplicationCard({ ticket }) {
  const term = useWindow(ticket.number);
  const late = term?.windowDeadline && new Date(term.windowDeadline) < new Date();
  return html`
    <section class="card" id="application">
      <h2>${t("apply.heading")}</h2>
      <dl>
        <${Field} label=${t("apply.phone")}>${ticket.customerPhone || "–"}<//>
        <${Field} label=${t("apply.details")}>${ticket.details || "–"}<//>
        <${Field} label=${t("apply.deadline")}>
          <span class=${late ? "error" : ""} id="window-deadline">${term?.windowDeadline ? when(term.windowDeadline) : "–"}</span>
          ${term?.windowOverrideReason && html`<br /><span class="muted">${t("apply.overridden", { reason: term.windowOverrideReason })}</span>`}<//>
        <${Field} label=${t("ticket.shippingFee")}>${t(`payer.${ticket.shippingFeePayer}`)}
          ${ticket.shippingFeePayerNote && html`<br /><span class="muted">${ticket.shippingFeePayerNote}</span>`}<//>
      </dl>
      <ul class="lines">${ticket.lines.map((line) => html`
        <li key=${line.id} data-sku=${line.product.sku}>
          <strong>${productName(line.product)}</strong>
          <span class="muted"><span class="sku">${line.product.sku}</span> · ${line.quantity} × ${money(line.unitPricePaid)}</span>
          ${line.wantedProduct && html`<span class="wanted">${t("ticket.wants", { name: productName(line.wantedProduct) })}</span>`}
        </li>`)}</ul>
    </section>`;
}

function Approve({ ticket, busy, onConfirm }) {
  const [note, setNote] = useState("");
  return html`
    <section class="card" id="approve-form">
      ${ticket.kind === "EXCHANGE" && html`<p class="wanted" id="reserve-note">${t("apply.reserveNote")}</p>`}
      <${NoteField} id="approve-note" value=${note} onInput=${setNote} />
      <button id="approve-confirm" type="button" class="primary wide" disabled=${busy} onClick=${() => onConfirm({ note: note.trim() })}>
        ${t("action.APPROVE")}</button>
    </section>`;
}

function Decline({ busy, onConfirm }) {
  const [code, setCode] = useState(null);
  const [note, setNote] = useState("");
  const ready = code && (code !== "OTHER" || note.trim());
  return html`
    <section class="card" id="decline-form">
      <h2>${t("apply.declineWhy")}</h2>
      <div class="choice two" id="decline-codes" role="group" aria-label=${t("apply.declineWhy")}>${CODES.map((c) => html`
        <button key=${c} type="button" data-code=${c} aria-pressed=${code === c} onClick=${() => setCode(c)}>${t(`decline.${c}`)}</button>`)}</div>
      <${NoteField} id="decline-note" value=${note} onInput=${setNote}
        label=${code === "OTHER" ? `${t("act.note")}${t("case.required")}` : t("act.note")} />
      ${!ready && html`<p class="muted" id="decline-hint">${code ? t("apply.sayWhy") : t("apply.pickCode")}</p>`}
      <button id="decline-confirm" type="button" class="primary wide" disabled=${busy || !ready}
        onClick=${() => onConfirm({ code, note: note.trim() })}>${t("action.DECLINE")}</button>
    </section>`;
}

export default function Application({ ticket, step, done }) {
  const approve = step === "approve";
  const action = approve ? "APPROVE" : "DECLINE";
  const { busy, error, run } = useStep(done);
  const confirm = (given) => run({
    name: approve ? "approveReturn" : "declineReturn",
    query: approve ? APPROVE : DECLINE,
    input: { idempotencyKey: newKey(step), ticketNumber: ticket.number, ...given },
    label: t("case.queuedLabel", { action: t(`action.${action}`), number: ticket.number }),
    success: (payload) => {
      if (!approve) return t("apply.declined", { number: ticket.number });
      if (ticket.kind !== "EXCHANGE") return t("apply.approved", { number: ticket.number });
      return t(payload.ticket.replacementReserved ? "apply.approvedReserved" : "apply.approvedNotReserved", { number: ticket.number });
    },
  });
  return html`
    <${TaskScreen} id="application-step" title=${t(`action.${action}`)}>
      <${ScanField} onScan=${(code) => checkScan(ticket, code)} />
      <${NotOpen} ticket=${ticket} action=${action} />
      <${TicketSummary} ticket=${ticket} />
      <${ApplicationCard} ticket=${ticket} />
      ${approve ? html`<${Approve} ticket=${ticket} busy=${busy} onConfirm=${confirm} />` : html`<${Decline} busy=${busy} onConfirm=${confirm} />`}
      <${StepError} error=${error} />
    <//>`;
}

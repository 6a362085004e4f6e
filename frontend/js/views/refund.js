// Finance pays the refund (Art. 15): the accepted goods' value, less the shipping when the
// customer pays it (Art. 24), never more than the order paid. Part payments add up to at most
// what is due; the server refuses more (REFUND_EXCEEDS_DUE). A scan fills the payment reference.
import { useState } from "preact/hooks";
import { answer } from "../feedback.js";
import { html } from "../html.js";
import { t } from "../i18n.js";
import { newKey } from "../outbox.js";
import { MONEY, NotOpen, StepError, TicketLine, isThisTicket, mutation, useStep } from "./casework.js";
import { ScanField } from "./scan-field.js";
import { Field, NoteField, TaskScreen, money, productName, when } from "./task.js";

const REFUND = mutation("issueRefund", "IssueRefundInput", "refundDue refunded");

// Amounts in cents, so sums and comparisons are exact; `due` is the server's once fixed.
const cents = (value) => Math.round(Number(value) * 100);
const yuan = (c) => money(c / 100);

function refundParts(ticket) {
  const goods = ticket.lines.reduce((sum, l) => sum + cents(l.unitPricePaid) * l.quantityReceived, 0);
  const shipping = ticket.shippingFeePayer === "CUSTOMER" ? cents(ticket.shippingFee) : 0;
  const computed = Math.max(0, goods - shipping);
  const fixed = ticket.refundDue !== null;
  const due = fixed ? cents(ticket.refundDue) : computed;
  const refunded = cents(ticket.refunded);
  return { goods, shipping, computed, fixed, due, refunded, left: Math.max(0, due - refunded) };
}

export function RefundBreakdown({ ticket }) {
  const p = refundParts(ticket);
  return html`
    <section class="card" id="refund-breakdown" data-due=${(p.due / 100).toFixed(2)} data-left=${(p.left / 100).toFixed(2)}>
      <h2>${t("refund.breakdown")}</h2>
      <ul class="lines">${ticket.lines.map((l) => html`
        <li key=${l.id} data-sku=${l.product.sku}><strong>${productName(l.product)}</strong>
          <span class="muted">${l.quantityReceived} × ${money(l.unitPricePaid)} = ${yuan(cents(l.unitPricePaid) * l.quantityReceived)}</span></li>`)}</ul>
      <dl>
        <${Field} label=${t("refund.goods")}>${yuan(p.goods)}<//>
        <${Field} label=${t("ticket.shippingFee")}>
          ${p.shipping ? html`<span id="refund-shipping">− ${yuan(p.shipping)}</span> · ${t("refund.customerPays")}` : html`${yuan(0)} · ${t(`payer.${ticket.shippingFeePayer}`)}`}<//>
        ${p.fixed && p.due < p.computed && html`<${Field} label=${t("refund.capped")}>${t("refund.cappedWhy")}<//>`}
        <${Field} label=${t("ticket.refundDue")}>${yuan(p.due)}${!p.fixed && html` · ${t("refund.estimate")}`}<//>
        ${p.fixed && html`
          <${Field} label=${t("ticket.refunded")}>${yuan(p.refunded)}<//>
          <${Field} label=${t("refund.left")}><strong id="refund-left">${yuan(p.left)}</strong><//>`}
      </dl>
    </section>`;
}

function Payments({ ticket }) {
  if (!ticket.refunds.length) return null;
  return html`<section class="card" id="refund-payments"><h2>${t("refund.payments")}</h2>
    <ul class="history">${ticket.refunds.map((r) => html`
      <li key=${r.at}><span class="when">${when(r.at)} · ${r.issuedBy.displayName}</span>
        <span>${money(r.amount)} · <span class="code">${r.paymentReference || "–"}</span></span></li>`)}</ul></section>`;
}

export default function Refund({ ticket, done }) {
  const { left } = refundParts(ticket);
  const [amount, setAmount] = useState((left / 100).toFixed(2));
  const [reference, setReference] = useState("");
  const [note, setNote] = useState("");
  const { busy, error, run, clear } = useStep(done);
  const valid = MONEY.test(amount) && (cents(amount) > 0 || left === 0);

  const onScan = (code) => {
    if (isThisTicket(ticket, code)) { answer(true, t("case.scanThis", { number: ticket.number })); return; }
    setReference(code);
    answer(true, `${t("refund.reference")}\n${code}`);
  };
  const pay = () => run({
    name: "issueRefund",
    query: REFUND,
    input: { idempotencyKey: newKey("refund"), ticketNumber: ticket.number, amount, paymentReference: reference.trim(), note: note.trim() },
    label: t("case.queuedLabel", { action: t("action.REFUND"), number: ticket.number }),
    success: (payload) => {
      const rest = cents(payload.ticket.refundDue) - cents(payload.ticket.refunded);
      return rest > 0 ? t("refund.part", { amount: yuan(rest) }) : t("refund.paid", { amount: money(amount), number: ticket.number });
    },
  });

  return html`
    <${TaskScreen} id="refund" title=${t("action.REFUND")}>
      <${ScanField} onScan=${onScan} />
      <${TicketLine} ticket=${ticket} />
      <${NotOpen} ticket=${ticket} action="REFUND" />
      <${RefundBreakdown} ticket=${ticket} />
      <section class="card" id="refund-form">
        <label for="refund-amount">${t("refund.amount")}
          <input id="refund-amount" inputmode="decimal" autocomplete="off" value=${amount} onInput=${(e) => { setAmount(e.target.value.trim()); clear(); }} /></label>
        ${!valid && html`<p class="error">${t("case.badMoney")}</p>`}
        ${valid && cents(amount) > left && html`<p class="error" id="refund-over">${t("refund.over", { amount: yuan(left) })}</p>`}
        <label for="refund-reference">${t("refund.reference")}
          <input id="refund-reference" autocomplete="off" autocapitalize="characters" value=${reference} onInput=${(e) => setReference(e.target.value)} /></label>
        <p class="muted">${t("refund.scanHint")}</p>
        <${NoteField} id="refund-note" value=${note} onInput=${setNote} />
        <button id="refund-confirm" type="button" class="primary wide" disabled=${busy || !valid} onClick=${pay}>
          ${left === 0 ? t("refund.nothingDue") : t("refund.pay", { amount: valid ? money(amount) : "–" })}</button>
      </section>
      <${StepError} error=${error} />
      <${Payments} ticket=${ticket} />
    <//>`;
}

// Pieces every task screen shares: the title bar with "back", the last-known-data age line,
// a ticket's summary card, a big quantity stepper and a labelled field.
import { html } from "../html.js";
import { clockTime, dateTime, duration, language, t } from "../i18n.js";

export function TaskScreen({ id, title, onBack = () => history.back(), children }) {
  return html`
    <div id=${id} class="task">
      <div class="who">
        <h2>${title}</h2>
        <button id="back" type="button" class="secondary" onClick=${onBack}>${t("app.back")}</button>
      </div>
      ${children}
    </div>`;
}

// "As of 10:42 (3 min ago)": shown when the screen shows what it read before going offline.
export function Freshness({ at, stale }) {
  if (!stale || !at) return null;
  const time = clockTime(at);
  const age = duration(Math.max(0, Math.floor((Date.now() - at) / 1000)));
  return html`<p class="stale" data-stale="1">${t("data.asOf", { time, age })}</p>`;
}

export const productName = (p) => (p ? (language() === "en" ? p.nameEn : p.nameZh) : "");
export const bilingual = (item) => (item ? (language() === "en" ? item.nameEn : item.nameZh) : "");
export const money = (value) => (value === null || value === undefined ? "–" : `¥${Number(value).toFixed(2)}`);
export const when = (iso) => (iso ? dateTime(iso) : "");

export function Field({ label, children }) {
  return html`<div class="field"><dt>${label}</dt><dd>${children}</dd></div>`;
}

export function TicketSummary({ ticket }) {
  return html`
    <section class="card ticket-summary" data-number=${ticket.number} data-status=${ticket.status}>
      <h2><span class="code">${ticket.number}</span> · <span class="status">${t(`status.${ticket.status}`)}</span></h2>
      <dl>
        <${Field} label=${t("ticket.kind")}>${t(`kind.${ticket.kind}`)} · ${t(`source.${ticket.source}`)}<//>
        <${Field} label=${t("scan.customer")}>${ticket.customerName || "–"}<//>
        ${ticket.reason && html`<${Field} label=${t("ticket.reason")}>${bilingual(ticket.reason)}<//>`}
        ${ticket.order && html`<${Field} label=${t("scan.order")}>${ticket.order.number}<//>`}
        <${Field} label=${t("ticket.assignee")}>${ticket.assignee.displayName}<//>
      </dl>
    </section>`;
}

// A quantity with big −1 / +1 / all buttons; never below `min` or above `max`.
export function Stepper({ id, value, max, min = 0, onChange, label }) {
  const set = (n) => onChange(Math.max(min, Math.min(max, n)));
  return html`
    <div class="stepper" id=${id} role="group" aria-label=${label}>
      <button type="button" class="step" aria-label=${t("qty.less")} onClick=${() => set(value - 1)} disabled=${value <= min}>−1</button>
      <output class="qty" aria-live="polite">${value}</output>
      <button type="button" class="step" aria-label=${t("qty.more")} onClick=${() => set(value + 1)} disabled=${value >= max}>+1</button>
      <button type="button" class="step all" onClick=${() => set(max)} disabled=${value >= max}>${t("qty.all", { n: max })}</button>
    </div>`;
}

// A note every step may carry.
export function NoteField({ value, onInput, id = "note", label = t("act.note") }) {
  return html`<label for=${id}>${label}
    <textarea id=${id} rows="2" value=${value} onInput=${(e) => onInput(e.target.value)}></textarea></label>`;
}

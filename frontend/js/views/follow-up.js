// The follow-up call (回访, Art. 25.1), for customer service once a case is done: the
// customer's name and number (a tap dials it), the calls made so far and which attempt this
// is. Reached: the satisfaction 1-5, what the customer said, and any new problem (reopen this
// ticket, or a new application on the same order). Not reached: the attempt is recorded; the
// third failed one ends the follow-up. Either end closes the ticket.
import { useEffect, useState } from "preact/hooks";
import { graphql } from "../api.js";
import { html } from "../html.js";
import { t } from "../i18n.js";
import { newKey } from "../outbox.js";
import { NotOpen, StepError, TicketLine, checkScan, mutation, useStep } from "./casework.js";
import { ScanField } from "./scan-field.js";
import { Stepper, TaskScreen, bilingual, productName, when } from "./task.js";

const RECORD = mutation("recordFollowUp", "RecordFollowUpInput", "followUps { attempt outcome }");
const REASONS = "query Reasons { returnReasons { code nameZh nameEn } }";
const MAX_FAILED = 3;
const ENDS_ROUND = new Set(["REACHED", "UNREACHABLE"]);

// This call's number: one more than the failed calls since the last call that ended a round.
export function attemptNumber(calls) {
  let failed = 0;
  for (const call of calls) failed = ENDS_ROUND.has(call.outcome) ? 0 : failed + 1;
  return failed + 1;
}

function Customer({ ticket, attempt }) {
  const phone = ticket.customerPhone.replace(/[^\d+]/g, "");
  return html`
    <section class="card" id="follow-up-customer">
      <h2>${ticket.customerName || "–"}</h2>
      ${phone ? html`<a id="follow-up-dial" class="button-link dial" href=${`tel:${phone}`}>${t("followUp.dial", { phone: ticket.customerPhone })}</a>`
        : html`<p class="error">${t("followUp.noPhone")}</p>`}
      <p id="follow-up-attempt" data-attempt=${attempt}>${t("followUp.attempt", { n: attempt, max: MAX_FAILED })}</p>
    </section>`;
}

function Calls({ calls }) {
  if (!calls.length) return html`<p class="muted card" id="follow-up-calls-none">${t("followUp.noCalls")}</p>`;
  return html`
    <section class="card" id="follow-up-calls"><h2>${t("followUp.calls", { n: calls.length })}</h2>
      <ol class="history">${calls.map((c, i) => html`
        <li key=${i} data-outcome=${c.outcome} data-attempt=${c.attempt}>
          <span class="when">${when(c.at)} · ${c.caller.displayName}</span>
          <span>${t("followUp.callLine", { n: c.attempt })} · ${t(`followUp.outcome.${c.outcome}`)}${c.satisfaction && ` · ${t("followUp.score", { n: c.satisfaction })}`}</span>
          ${c.feedback && html`<span class="muted">${c.feedback}</span>`}
          ${c.newProblem !== "NONE" && html`<span class="wanted">${t(`followUp.problem.${c.newProblem}`)}${c.linkedTicketNumber && html` ·
            <a class="code" href=${`#/ticket/${encodeURIComponent(c.linkedTicketNumber)}`}>${c.linkedTicketNumber}</a>`}</span>`}
        </li>`)}</ol>
    </section>`;
}

function Choice({ id, label, options, value, onPick, name, className = "two" }) {
  return html`<p class="group-label" id=${`${id}-label`}>${label}</p>
    <div class=${`choice ${className}`} id=${id} role="group" aria-labelledby=${`${id}-label`}>${options.map((o) => html`
      <button key=${String(o)} type="button" data-value=${String(o)} aria-pressed=${value === o} onClick=${() => onPick(o)}>${name(o)}</button>`)}</div>`;
}

// The new application raised on this call: kind, reason, which of this ticket's goods.
function NewTicket({ ticket, value, onChange }) {
  const [reasons, setReasons] = useState([]);
  useEffect(() => { graphql(REASONS).then((data) => setReasons(data.returnReasons), () => {}); }, []);
  const set = (patch) => onChange({ ...value, ...patch });
  const setLine = (sku, patch) => set({ lines: value.lines.map((l) => (l.sku === sku ? { ...l, ...patch } : l)) });
  return html`
    <section id="follow-up-new-ticket">
      <${Choice} id="new-kind" label=${t("ticket.kind")} options=${["RETURN", "EXCHANGE"]} value=${value.kind}
        name=${(k) => t(`kind.${k}`)} onPick=${(kind) => set({ kind })} />
      <label for="new-reason">${t("ticket.reason")}
        <select id="new-reason" value=${value.reasonCode} onChange=${(e) => set({ reasonCode: e.target.value })}>
          <option value="">${t("followUp.pickReason")}</option>
          ${reasons.map((r) => html`<option key=${r.code} value=${r.code}>${bilingual(r)}</option>`)}
        </select></label>
      <ul class="lines">${ticket.lines.map((line) => {
        const chosen = value.lines.find((l) => l.sku === line.product.sku);
        return html`<li key=${line.id} data-sku=${line.product.sku}>
          <strong>${productName(line.product)}</strong> <span class="sku">${line.product.sku}</span>
          <${Stepper} id=${`new-qty-${line.id}`} value=${chosen.quantity} max=${line.quantity} label=${t("followUp.quantity")}
            onChange=${(quantity) => setLine(line.product.sku, { quantity })} />
          ${value.kind === "EXCHANGE" && html`<label for=${`new-wanted-${line.id}`}>${t("followUp.wantedSku")}
            <input id=${`new-wanted-${line.id}`} autocomplete="off" autocapitalize="characters" value=${chosen.wantedSku}
              onInput=${(e) => setLine(line.product.sku, { wantedSku: e.target.value.trim() })} /></label>`}
        </li>`;
      })}</ul>
    </section>`;
}

export default function FollowUp({ ticket, done }) {
  const calls = ticket.followUps ?? [];
  const attempt = attemptNumber(calls);
  const [reached, setReached] = useState(null);
  const [satisfaction, setSatisfaction] = useState(null);
  const [feedback, setFeedback] = useState("");
  const [problem, setProblem] = useState("NONE");
  const [newTicket, setNewTicket] = useState(() => ({
    kind: "RETURN", reasonCode: "", lines: ticket.lines.map((l) => ({ sku: l.product.sku, quantity: 0, wantedSku: "" })),
  }));
  const { busy, error, run } = useStep(done);

  const lines = newTicket.lines.filter((l) => l.quantity > 0);
  const newTicketReady = newTicket.reasonCode && lines.length > 0 && (newTicket.kind === "RETURN" || lines.every((l) => l.wantedSku));
  const ready = reached === false
    || (reached === true && satisfaction !== null && (problem === "NONE" || feedback.trim()) && (problem !== "NEW_TICKET" || newTicketReady));
  const submit = () => {
    const input = { idempotencyKey: newKey("follow-up"), ticketNumber: ticket.number, reached, feedback: feedback.trim() };
    if (reached) {
      Object.assign(input, { satisfaction, newProblem: problem });
      if (problem === "NEW_TICKET") {
        input.newTicket = { kind: newTicket.kind, reasonCode: newTicket.reasonCode, details: feedback.trim(),
          lines: lines.map((l) => ({ sku: l.sku, quantity: l.quantity, ...(newTicket.kind === "EXCHANGE" && { wantedSku: l.wantedSku }) })) };
      }
    }
    return run({
      name: "recordFollowUp",
      query: RECORD,
      input,
      label: t("case.queuedLabel", { action: t("action.FOLLOW_UP_CALL"), number: ticket.number }),
      success: (payload) => {
        const last = payload.ticket.followUps[payload.ticket.followUps.length - 1];
        return `${t(`followUp.outcome.${last.outcome}`)}\n${payload.ticket.number} → ${t(`status.${payload.ticket.status}`)}`;
      },
    });
  };

  return html`
    <${TaskScreen} id="follow-up" title=${t("action.FOLLOW_UP_CALL")}>
      <${ScanField} onScan=${(code) => checkScan(ticket, code)} />
      <${TicketLine} ticket=${ticket} />
      <${NotOpen} ticket=${ticket} action="FOLLOW_UP_CALL" />
      <${Customer} ticket=${ticket} attempt=${attempt} />
      <section class="card" id="follow-up-form">
        <${Choice} id="follow-up-reached" label=${t("followUp.reachedQuestion")} options=${[true, false]} value=${reached}
          name=${(r) => (r ? t("followUp.reached") : t("followUp.notReached"))} onPick=${setReached} />
        ${reached === false && html`<p class="muted" id="follow-up-not-reached">${attempt >= MAX_FAILED ? t("followUp.lastAttempt") : t("followUp.again")}</p>`}
        ${reached && html`
          <${Choice} id="follow-up-score" label=${t("followUp.satisfaction")} options=${[1, 2, 3, 4, 5]} value=${satisfaction}
            name=${String} onPick=${setSatisfaction} className="five" />
          <p class="muted">${t("followUp.scale")}</p>
          <${Choice} id="follow-up-problem" label=${t("followUp.newProblem")} options=${["NONE", "REOPEN", "NEW_TICKET"]} value=${problem}
            name=${(p) => t(`followUp.problem.${p}`)} onPick=${setProblem} className="three" />
          ${problem === "NEW_TICKET" && html`<${NewTicket} ticket=${ticket} value=${newTicket} onChange=${setNewTicket} />`}`}
        ${reached !== null && html`<label for="follow-up-feedback">${t("followUp.feedback")}${reached && problem !== "NONE" ? t("case.required") : ""}
          <textarea id="follow-up-feedback" rows="3" value=${feedback} onInput=${(e) => setFeedback(e.target.value)}></textarea></label>`}
        <button id="follow-up-confirm" type="button" class="primary wide" disabled=${busy || !ready} onClick=${submit}>${t("followUp.record")}</button>
      </section>
      <${StepError} error=${error} />
      <${Calls} calls=${calls} />
    <//>`;
}

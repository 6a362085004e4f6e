// Looking after a case: notes, the responsible person (责任到人), hold / resume / cancel /
// reopen / close with a reason, linking an exception parcel to its application (Art. 26.1)
// and registering this ticket's parcel on arrival (Art. 9). One form, driven by CASEWORK.
// Also the pieces the other customer-service and finance steps share.
import { useEffect, useState } from "preact/hooks";
import { act, authLost } from "../act.js";
import { ApiError, graphql } from "../api.js";
import { answer } from "../feedback.js";
import { html } from "../html.js";
import { t } from "../i18n.js";
import { newKey } from "../outbox.js";
import { actionName } from "../router.js";
import { ScanField } from "./scan-field.js";
import { identify } from "./stock.js";
import { NoteField, TaskScreen } from "./task.js";

// A ticket mutation with the payload every step reads back.
export const mutation = (name, type, fields = "") => `mutation Step($input: ${type}!) { ${name}(input: $input) {
  ticket { number status ${fields} } userErrors { code message field } } }`;

export const MONEY = /^\d{1,9}(\.\d{1,2})?$/;
const backToScan = () => document.getElementById("scan-input")?.focus();

export function isThisTicket(ticket, code) {
  const wanted = code.trim().toUpperCase();
  const codes = [ticket.number, ...ticket.inboundWaybills.map((w) => w.waybill), ...ticket.shipments.map((s) => s.waybill)];
  return codes.some((c) => c && c.toUpperCase() === wanted);
}

// The ticket's label or one of its waybills scanned: green; anything else: red, named.
export function checkScan(ticket, code) {
  const ok = isThisTicket(ticket, code);
  answer(ok, ok ? t("case.scanThis", { number: ticket.number }) : t("case.scanOther", { code, number: ticket.number }));
  return ok;
}

export function TicketLine({ ticket }) {
  const who = ticket.customerName || "–";
  return html`<p class="muted ticket-line"><span class="code">${ticket.number}</span> · ${who} · <span class="status">${t(`status.${ticket.status}`)}</span></p>`;
}

// Shown when the ticket moved on (or was never at this step): the server would refuse.
export function NotOpen({ ticket, action }) {
  if (ticket.myActions.includes(action)) return null;
  return html`<p class="error" id="not-open">${t("case.notOpen", { status: t(`status.${ticket.status}`) })}</p>`;
}

// Runs the step's mutation; back to the ticket when done (or saved offline), else the
// refusal stays on screen under its name.
export function useStep(done) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null);
  const run = async (options) => {
    setBusy(true);
    setError(null);
    const result = await act(options);
    setBusy(false);
    if (result.ok || result.queued) done();
    else setError(result.error);
    return result;
  };
  return { busy, error, run, clear: () => setError(null) };
}

export function StepError({ error }) {
  if (!error) return null;
  const [first, ...rest] = error.split("\n");
  return html`<section id="step-error" class="card result result-error" role="alert">
    <h2>${first}</h2>${rest.length > 0 && html`<p>${rest.join("\n")}</p>`}</section>`;
}

const change = (name) => ({ name, type: "ChangeTicketInput", text: "reason" });

// step → mutation, input type, the text field it carries (and whether it is required), the
// field it needs besides; `extra` steps are not moves of the flow (no myActions check).
const CASEWORK = {
  note: { name: "addTicketNote", type: "AddTicketNoteInput", text: "text", required: true, extra: true },
  assign: { name: "assignTicket", type: "AssignTicketInput", text: "note", needs: "assignee", extra: true, fields: "assignee { displayName }" },
  hold: { ...change("holdTicket"), required: true },
  resume: change("resumeTicket"),
  cancel: { ...change("cancelTicket"), required: true },
  reopen: { ...change("reopenTicket"), required: true },
  close: change("closeTicket"),
  link: { name: "linkExceptionParcel", type: "LinkExceptionParcelInput", text: "note", needs: "applicationNumber" },
  receive: { name: "registerParcel", type: "RegisterParcelInput", text: "note", ticketField: "code" },
};

const USERS = "query Staff { users(first: 100) { nodes { username displayName role active } } }";

function People({ ticket, value, onPick }) {
  const [people, setPeople] = useState(null);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    graphql(USERS).then(
      (data) => setPeople(data.users.nodes.filter((u) => u.active && u.role !== "PARTNER" && u.username !== ticket.assignee.username)),
      (error) => { if (error instanceof ApiError && error.kind === "auth") authLost(); setFailed(true); },
    );
  }, []);
  return html`
    <p>${t("case.current", { name: ticket.assignee.displayName })}</p>
    ${people && html`<div class="choice two" id="people" role="group" aria-label=${t("case.assignTo")}>${people.map((u) => html`
      <button key=${u.username} type="button" data-username=${u.username} aria-pressed=${value === u.username}
        onClick=${() => onPick(u.username)}>${u.displayName}<br /><small>${t(`role.${u.role}`)}</small></button>`)}</div>`}
    ${failed && html`<label for="assignee">${t("case.username")}
      <input id="assignee" autocomplete="off" autocapitalize="none" value=${value} onInput=${(e) => onPick(e.target.value.trim())} /></label>`}
    ${!people && !failed && html`<p class="loading">${t("app.loading")}</p>`}`;
}

function Application({ found }) {
  if (!found) return html`<p class="muted">${t("case.linkHint")}</p>`;
  return html`<section class="card result" id="link-target" data-number=${found.number}>
    <h2><span class="code">${found.number}</span> · ${t(`status.${found.status}`)}</h2>
    <p>${found.customerName}</p>
    ${found.status !== "APPROVED" && html`<p class="error">${t("case.linkNotApproved")}</p>`}</section>`;
}

export default function Casework({ ticket, step, done }) {
  const spec = CASEWORK[step];
  const action = actionName(step);
  const title = t(spec.extra ? `step.${step}` : `action.${action}`);
  const [text, setText] = useState("");
  const [extra, setExtra] = useState("");
  const [freight, setFreight] = useState("");
  const [found, setFound] = useState(null);
  const { busy, error, run } = useStep(done);

  const ready = (!spec.required || text.trim()) && (!spec.needs || extra) && (!freight || MONEY.test(freight));
  const submit = () => {
    const input = {
      idempotencyKey: newKey(step),
      [spec.ticketField ?? "ticketNumber"]: ticket.number,
      [spec.text]: text.trim(),
      ...(spec.needs && { [spec.needs]: extra }),
      ...(freight && { shippingFee: freight }),
    };
    return run({
      name: spec.name,
      query: mutation(spec.name, spec.type, spec.fields),
      input,
      label: t("case.queuedLabel", { action: title, number: ticket.number }),
      success: (payload) => (step === "assign"
        ? t("case.assigned", { name: payload.ticket.assignee.displayName })
        : `${title}\n${payload.ticket.number} → ${t(`status.${payload.ticket.status}`)}`),
    });
  };

  const link = async (code) => {
    const hit = await identify(code);
    if (!hit) return;
    if (!hit.ticket) { answer(false, t("error.unknownCode", { code })); return; }
    if (hit.ticket.number === ticket.number) { answer(false, t("case.linkSelf")); return; }
    setFound(hit.ticket);
    setExtra(hit.ticket.number);
    const approved = hit.ticket.status === "APPROVED";
    answer(approved, approved ? `${t("scan.ticket")}\n${hit.ticket.number}` : t("case.linkNotApproved"));
  };
  // The parcel in hand is this ticket's: registering it is the scan itself.
  const receive = (code) => {
    if (!isThisTicket(ticket, code)) checkScan(ticket, code);
    else if (!ready) answer(false, t("case.badMoney"));
    else if (!busy) submit();
  };
  const onScan = (code) => {
    if (step === "link") link(code);
    else if (step === "receive") receive(code);
    else checkScan(ticket, code);
  };

  const label = `${t(spec.text === "reason" ? "case.reason" : "act.note")}${spec.required ? t("case.required") : ""}`;
  return html`
    <${TaskScreen} id="casework" title=${title}>
      <${ScanField} onScan=${onScan} />
      <${TicketLine} ticket=${ticket} />
      ${!spec.extra && html`<${NotOpen} ticket=${ticket} action=${action} />`}
      <section class="card" id="casework-form" data-step=${step}>
        <p class="muted">${t(`case.explain.${step}`)}</p>
        ${step === "assign" && html`<${People} ticket=${ticket} value=${extra} onPick=${setExtra} />`}
        ${step === "link" && html`<${Application} found=${found} />`}
        ${step === "receive" && html`<label for="freight">${t("case.freight")}
          <input id="freight" inputmode="decimal" enterkeyhint="done" autocomplete="off" value=${freight}
            onInput=${(e) => setFreight(e.target.value.trim())} onKeyDown=${(e) => { if (e.key === "Enter") backToScan(); }} /></label>
          ${freight && !MONEY.test(freight) && html`<p class="error">${t("case.badMoney")}</p>`}`}
        <${NoteField} id="case-text" value=${text} onInput=${setText} label=${label} />
        <button id="casework-confirm" type="button" class="primary wide" disabled=${busy || !ready} onClick=${submit}>${title}</button>
      </section>
      <${StepError} error=${error} />
    <//>`;
}

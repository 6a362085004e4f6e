// Corrective and preventive actions (纠正预防措施, Art. 25.3):
//   #/corrective                 the list by status, due dates, overdue ones marked
//   #/corrective/new             a supervisor's proposal (corrective-form.js)
//   #/corrective/<number>        one action: what it says, its history, its effect, and one
//                                big button per move the caller may make now (myActions)
//   #/corrective/<number>/<move> that move's form: approve, send back (a reason), mark
//                                implemented, verify (an effect note, the figures shown),
//                                resubmit (the proposal revised)
import { useCallback, useEffect, useRef, useState } from "preact/hooks";
import { authLost, networkOrServer } from "../act.js";
import { ApiError, graphql } from "../api.js";
import { html } from "../html.js";
import { t } from "../i18n.js";
import { newKey } from "../outbox.js";
import { actionName, actionSlug, go } from "../router.js";
import { count, day, percent } from "./charts.js";
import { StepError, useStep } from "./casework.js";
import { PAYLOAD, ProposalForm, isoDay } from "./corrective-form.js";
import { Field, Freshness, NoteField, TaskScreen, bilingual, productName, when } from "./task.js";

const STATUSES = ["PROPOSED", "SENT_BACK", "MANAGER_APPROVED", "DIRECTOR_APPROVED", "IMPLEMENTED", "VERIFIED"];
const DONE = new Set(["IMPLEMENTED", "VERIFIED"]);
const PROPOSERS = new Set(["SUPERVISOR", "ADMIN"]);
const LIST = `query Actions($status: CorrectiveActionStatus, $after: String) {
  correctiveActions(status: $status, first: 50, after: $after) {
    nodes { number status rootCause dueDate myActions owner { displayName }
      reasons { code nameZh nameEn } products { sku nameZh nameEn } }
    pageInfo { hasNextPage endCursor } } }`;
const FIGURES = "tickets units shippedUnits returnRate qcUnits customerUnits customerDamageShare";
const ONE = `query Action($number: String!) { correctiveAction(number: $number) {
  number status rootCause action dueDate proposedAt implementedAt verifiedAt effectNote myActions
  owner { username displayName } proposedBy { displayName }
  reasons { code nameZh nameEn } products { sku nameZh nameEn } exampleTickets
  history { at actor { displayName } move fromStatus toStatus note }
  effect { beforeFrom beforeTo afterFrom afterTo rows { dimension key before { ${FIGURES} } after { ${FIGURES} } } } } }`;
const ANALYTICS = "totals { tickets units shippedUnits returnRate } inspections { customerDamage { inspectedUnits customerUnits share } }";
const PREVIEW = `query Effect($before: AnalyticsFilter!, $after: AnalyticsFilter!) {
  before: returnAnalytics(filter: $before) { ${ANALYTICS} } after: returnAnalytics(filter: $after) { ${ANALYTICS} } }`;

// The move forms: mutation, input type, the text it carries and whether it is required.
const MOVES = {
  APPROVE: { name: "approveCorrectiveAction", type: "ApproveCorrectiveActionInput", text: "note", required: false },
  SEND_BACK: { name: "sendBackCorrectiveAction", type: "SendBackCorrectiveActionInput", text: "reason", required: true },
  MARK_IMPLEMENTED: { name: "markCorrectiveActionImplemented", type: "MarkCorrectiveActionImplementedInput", text: "note", required: false },
  VERIFY: { name: "verifyCorrectiveAction", type: "VerifyCorrectiveActionInput", text: "effectNote", required: true },
};
const moveQuery = (spec) => `mutation Move($input: ${spec.type}!) { ${spec.name}(input: $input) { ${PAYLOAD} } }`;

export const overdue = (action, today = isoDay(new Date())) => !DONE.has(action.status) && action.dueDate < today;
const actionPath = (number, move) => `corrective/${encodeURIComponent(number)}${move ? `/${actionSlug(move)}` : ""}`;

function Due({ action }) {
  const late = overdue(action);
  return html`<span class=${late ? "due overdue" : "due"} data-overdue=${late ? "1" : "0"}>
    ${t("ca.dueOn", { date: day(action.dueDate, "long") })}${late && html` · <strong>${t("ca.overdue")}</strong>`}</span>`;
}

function List({ user }) {
  const [filter, setFilter] = useState("ALL");
  const [state, setState] = useState({ nodes: null, pageInfo: null, error: null });
  // the filter chosen now: an answer for an earlier choice that arrives late is dropped
  const chosen = useRef(filter);
  chosen.current = filter;
  const load = useCallback(async (after = null) => {
    try {
      const status = STATUSES.includes(filter) ? filter : null;
      const page = (await graphql(LIST, { status, after })).correctiveActions;
      if (chosen.current !== filter) return;
      setState((old) => ({ nodes: after ? [...old.nodes, ...page.nodes] : page.nodes, pageInfo: page.pageInfo, error: null }));
    } catch (error) {
      if (error instanceof ApiError && error.kind === "auth") { authLost(); return; }
      if (chosen.current === filter) setState((old) => ({ ...old, error: networkOrServer(error) }));
    }
  }, [filter]);
  useEffect(() => { setState({ nodes: null, pageInfo: null, error: null }); load(); }, [load]);
  const shown = state.nodes && (filter === "MINE" ? state.nodes.filter((a) => a.myActions.length > 0) : state.nodes);
  return html`
    <${TaskScreen} id="corrective" title=${t("task.corrective")}>
      ${PROPOSERS.has(user.role) && html`<button id="ca-new" type="button" class="primary wide" onClick=${() => go("corrective/new")}>${t("ca.new")}</button>`}
      <section class="card">
        <label for="ca-filter">${t("ca.show")}
          <select id="ca-filter" value=${filter} onChange=${(e) => setFilter(e.target.value)}>
            <option value="ALL">${t("ca.all")}</option>
            <option value="MINE">${t("ca.mine")}</option>
            ${STATUSES.map((s) => html`<option key=${s} value=${s}>${t(`ca.status.${s}`)}</option>`)}
          </select></label>
      </section>
      ${state.error && html`<p class="error">${state.error}</p>`}
      ${!shown && !state.error && html`<p class="loading">${t("app.loading")}</p>`}
      ${shown && html`<section class="card" id="ca-list" data-filter=${filter} data-count=${shown.length}>
        ${!shown.length && html`<p class="muted">${t("ca.empty")}</p>`}
        <ul class="tickets">${shown.map((a) => html`
          <li key=${a.number} data-number=${a.number} data-status=${a.status} data-overdue=${overdue(a) ? "1" : "0"}>
            <a href=${`#/${actionPath(a.number)}`} class="row-link">
              <span class="number">${a.number}</span>
              <span class="status">${t(`ca.status.${a.status}`)}${a.myActions.length > 0 && html` · <strong class="yours">${t("ca.yourTurn")}</strong>`}</span>
              <span class="age">${a.rootCause}</span>
              <span class="age">${a.owner.displayName} · <${Due} action=${a} /></span>
            </a>
          </li>`)}</ul>
        ${state.pageInfo?.hasNextPage && html`<button id="ca-more" type="button" class="wide" onClick=${() => load(state.pageInfo.endCursor)}>${t("ca.more")}</button>`}
      </section>`}
    <//>`;
}

const cacheKey = (number) => `corrective:${number}`;

function useAction(number) {
  const [state, setState] = useState(() => {
    try { return { ...JSON.parse(localStorage.getItem(cacheKey(number))), stale: false }; } catch { return { stale: false }; }
  });
  const reload = useCallback(async () => {
    try {
      const action = (await graphql(ONE, { number })).correctiveAction;
      const fresh = { action, at: Date.now(), missing: !action };
      try { localStorage.setItem(cacheKey(number), JSON.stringify(fresh)); } catch { /* storage full: still shown */ }
      setState({ ...fresh, stale: false });
    } catch (error) {
      if (error instanceof ApiError && error.kind === "auth") { authLost(); return; }
      setState((old) => ({ ...old, stale: true }));
    }
  }, [number]);
  useEffect(() => {
    reload();
    addEventListener("online", reload);
    return () => removeEventListener("online", reload);
  }, [reload]);
  return { ...state, reload };
}

function Summary({ action }) {
  return html`
    <section class="card" id="ca-summary" data-number=${action.number} data-status=${action.status}>
      <h2><span class="code">${action.number}</span> · <span class="status">${t(`ca.status.${action.status}`)}</span></h2>
      <dl>
        <${Field} label=${t("ca.rootCause")}>${action.rootCause}<//>
        <${Field} label=${t("ca.action")}>${action.action}<//>
        <${Field} label=${t("ca.owner")}>${action.owner.displayName}<//>
        <${Field} label=${t("ca.due")}><${Due} action=${action} /><//>
        <${Field} label=${t("ca.proposedBy")}>${action.proposedBy.displayName} · ${when(action.proposedAt)}<//>
        ${action.implementedAt && html`<${Field} label=${t("ca.implementedAt")}>${when(action.implementedAt)}<//>`}
        ${action.reasons.length > 0 && html`<${Field} label=${t("ca.reasons")}>${action.reasons.map(bilingual).join(" · ")}<//>`}
        ${action.products.length > 0 && html`<${Field} label=${t("ca.products")}>${action.products.map((p) => `${productName(p)} (${p.sku})`).join(" · ")}<//>`}
        ${action.exampleTickets.length > 0 && html`<${Field} label=${t("ca.exampleTickets")}>${action.exampleTickets.map((n) => html`
          <a key=${n} class="code ticket-link" href=${`#/ticket/${encodeURIComponent(n)}`}>${n}</a> `)}<//>`}
        ${action.effectNote && html`<${Field} label=${t("ca.effectNote")}><span id="ca-effect-note">${action.effectNote}</span><//>`}
      </dl>
    </section>`;
}

function History({ action }) {
  return html`
    <section class="card" id="ca-history"><h2>${t("ticket.history")}</h2>
      <ol class="history">${[...action.history].reverse().map((e, i) => html`
        <li key=${i} data-move=${e.move}>
          <span class="when">${when(e.at)} · ${e.actor.displayName}</span>
          <span>${t(`ca.move.${e.move}`)} → ${t(`ca.status.${e.toStatus}`)}</span>
          ${e.note && html`<span class="muted">${e.note}</span>`}
        </li>`)}</ol>
    </section>`;
}

// One figure before and after: "12 → 7".
const pair = (before, after, show) => `${show(before)} → ${show(after)}`;

// Each linked reason and product, before the proposal and after the implementation.
function Effect({ id, title, effect, names }) {
  return html`
    <section class="card" id=${id}><h2>${title}</h2>
      <p class="muted">${t("ca.periods", { before: `${day(effect.beforeFrom, "long")}–${day(effect.beforeTo, "long")}`, after: `${day(effect.afterFrom, "long")}–${day(effect.afterTo, "long")}` })}</p>
      <ul class="lines">${effect.rows.map((r) => html`
        <li key=${`${r.dimension}:${r.key}`} data-dimension=${r.dimension} data-key=${r.key}
          data-before-units=${r.before.units} data-after-units=${r.after.units}>
          <strong>${names[`${r.dimension}:${r.key}`] ?? r.key}</strong>
          <span>${t("ca.units")}: ${pair(r.before.units, r.after.units, count)} · ${t("dash.returnRate")}: ${pair(r.before.returnRate, r.after.returnRate, percent)}</span>
          <span class="muted">${t("dash.customerDamage")}: ${pair(r.before.customerDamageShare, r.after.customerDamageShare, percent)}</span>
        </li>`)}</ul>
    </section>`;
}

const linkNames = (action) => Object.fromEntries([
  ...action.reasons.map((r) => [`REASON:${r.code}`, bilingual(r)]),
  ...action.products.map((p) => [`PRODUCT:${p.sku}`, `${productName(p)} (${p.sku})`]),
]);

// The figures verification will store, as they stand now (the same periods, to this moment).
function usePreview(action) {
  const [effect, setEffect] = useState(null);
  useEffect(() => {
    if (!action.implementedAt) return;
    const proposed = new Date(action.proposedAt).getTime();
    const implemented = new Date(action.implementedAt).getTime();
    const length = Math.max(Date.now() - implemented, 1000);
    const span = { beforeFrom: new Date(proposed - length).toISOString(), beforeTo: action.proposedAt,
      afterFrom: action.implementedAt, afterTo: new Date(implemented + length).toISOString() };
    const figures = (a) => ({ ...a.totals, qcUnits: a.inspections.customerDamage.inspectedUnits,
      customerUnits: a.inspections.customerDamage.customerUnits, customerDamageShare: a.inspections.customerDamage.share });
    const subjects = [...[...action.reasons].sort((a, b) => a.code.localeCompare(b.code)).map((r) => ["REASON", r.code, { reasonCode: r.code }]),
      ...[...action.products].sort((a, b) => a.sku.localeCompare(b.sku)).map((p) => ["PRODUCT", p.sku, { sku: p.sku }])];
    Promise.all(subjects.map(async ([dimension, key, only]) => {
      const found = await graphql(PREVIEW, { before: { ...only, createdFrom: span.beforeFrom, createdTo: span.beforeTo },
        after: { ...only, createdFrom: span.afterFrom, createdTo: span.afterTo } });
      return { dimension, key, before: figures(found.before), after: figures(found.after) };
    })).then((rows) => setEffect({ ...span, rows }), () => setEffect(null));
  }, [action.number, action.implementedAt]);
  return effect;
}

function MoveForm({ action, move, done }) {
  const spec = MOVES[move];
  const [text, setText] = useState("");
  const { busy, error, run } = useStep(done);
  const preview = usePreview(move === "VERIFY" ? action : { ...action, implementedAt: null });
  const title = t(`ca.move.${move}`);
  const submit = () => run({
    name: spec.name,
    query: moveQuery(spec),
    input: { idempotencyKey: newKey(`ca-${actionSlug(move)}`), number: action.number, [spec.text]: text.trim() },
    label: t("ca.queuedLabel", { move: title, number: action.number }),
    success: (p) => `${title}\n${p.correctiveAction.number} → ${t(`ca.status.${p.correctiveAction.status}`)}`,
  });
  return html`
    ${move === "VERIFY" && (preview
      ? html`<${Effect} id="ca-preview" title=${t("ca.effectSoFar")} effect=${preview} names=${linkNames(action)} />`
      : html`<p class="loading">${t("app.loading")}</p>`)}
    <section class="card" id="ca-move" data-move=${move}>
      <p class="muted">${t(`ca.explain.${move}`)}</p>
      <${NoteField} id="ca-text" value=${text} onInput=${setText}
        label=${`${t(`ca.text.${spec.text}`)}${spec.required ? t("case.required") : ""}`} />
      <button id="ca-confirm" type="button" class="primary wide" disabled=${busy || (spec.required && !text.trim())} onClick=${submit}>${title}</button>
    </section>
    <${StepError} error=${error} />`;
}

function Detail({ number, move }) {
  const { action, at, stale, missing, reload } = useAction(number);
  const back = () => { reload(); location.replace(`#/${actionPath(number)}`); };
  if (missing) return html`<${TaskScreen} id="ca-detail" title=${number}><p class="error">${t("ca.unknown", { number })}</p><//>`;
  if (!action) return html`<${TaskScreen} id="ca-detail" title=${number}><p class="loading">${t("app.loading")}</p><//>`;
  if (move && !action.myActions.includes(move)) {
    return html`<${TaskScreen} id="ca-detail" title=${t(`ca.move.${move}`)}><${Summary} action=${action} />
      <p class="error" id="not-open">${t("ca.notOpen", { status: t(`ca.status.${action.status}`) })}</p><//>`;
  }
  if (move === "RESUBMIT") {
    return html`<${TaskScreen} id="ca-detail" title=${t("ca.move.RESUBMIT")}>
      <p class="muted ticket-line"><span class="code">${number}</span> · ${t(`ca.status.${action.status}`)}</p>
      <${ProposalForm} action=${action} onDone=${back} /><//>`;
  }
  if (move) {
    return html`<${TaskScreen} id="ca-detail" title=${t(`ca.move.${move}`)}>
      <${Summary} action=${action} /><${MoveForm} action=${action} move=${move} done=${back} /><//>`;
  }
  return html`
    <${TaskScreen} id="ca-detail" title=${t("ca.heading")}>
      <${Freshness} at=${at} stale=${stale} />
      <${Summary} action=${action} />
      ${action.myActions.length > 0 && html`<nav class="steps" id="ca-moves">${action.myActions.map((m) => html`
        <button key=${m} type="button" class=${m === "SEND_BACK" ? "" : "primary"} data-move=${m}
          onClick=${() => go(actionPath(number, m))}>${t(`ca.move.${m}`)}</button>`)}</nav>`}
      ${action.effect && html`<${Effect} id="ca-effect" title=${t("ca.effect")} effect=${action.effect} names=${linkNames(action)} />`}
      <${History} action=${action} />
    <//>`;
}

export default function Corrective({ user, arg }) {
  if (!arg) return html`<${List} user=${user} />`;
  if (arg === "new") {
    return html`<${TaskScreen} id="ca-detail" title=${t("ca.new")}>
      <${ProposalForm} onDone=${(number) => location.replace(number ? `#/${actionPath(number)}` : "#/corrective")} /><//>`;
  }
  const [number, slug] = arg.split("/");
  return html`<${Detail} key=${number} number=${number} move=${slug ? actionName(slug) : null} />`;
}

// A corrective action's proposal (the after-sales supervisor, Art. 25.3), new or revised
// after a send-back: the reasons it answers (tap), the products and example tickets (scan
// or type their SKU, barcode, ticket number or waybill), the root cause, the action, its
// owner and due date. Revising resubmits it for both approvals.
import { useEffect, useState } from "preact/hooks";
import { authLost } from "../act.js";
import { ApiError, graphql } from "../api.js";
import { answer } from "../feedback.js";
import { html } from "../html.js";
import { t } from "../i18n.js";
import { newKey } from "../outbox.js";
import { StepError, useStep } from "./casework.js";
import { ScanField } from "./scan-field.js";
import { identify } from "./stock.js";
import { NoteField, bilingual, productName } from "./task.js";

const REASONS = "query Reasons { returnReasons { code nameZh nameEn } }";
const STAFF = "query Staff { users(first: 100) { nodes { username displayName role active } } }";
export const PAYLOAD = "correctiveAction { number status myActions } replayed userErrors { code message field }";
const PROPOSE = `mutation Propose($input: ProposeCorrectiveActionInput!) { proposeCorrectiveAction(input: $input) { ${PAYLOAD} } }`;
const REVISE = `mutation Revise($input: ReviseCorrectiveActionInput!) { reviseCorrectiveAction(input: $input) { ${PAYLOAD} } }`;

// YYYY-MM-DD of a local day, as <input type=date> and the API's Date want it.
const backToScan = () => document.getElementById("scan-input")?.focus({ preventScroll: true });

export const isoDay = (d) => `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}-${String(d.getDate()).padStart(2, "0")}`;

function useList(query, pick) {
  const [items, setItems] = useState(null);
  useEffect(() => {
    graphql(query).then(
      (data) => setItems(pick(data)),
      (error) => { if (error instanceof ApiError && error.kind === "auth") authLost(); setItems([]); },
    );
  }, []);
  return items;
}

function Removable({ id, items, label, onRemove }) {
  if (!items.length) return html`<p class="muted" id=${`${id}-none`}>${t("ca.noneYet")}</p>`;
  return html`<ul class="chips picked" id=${id}>${items.map((item) => html`
    <li key=${item.code} data-code=${item.code}><span>${label(item)}</span>
      <button type="button" class="chip remove" aria-label=${t("ca.remove", { name: item.code })} onClick=${() => { onRemove(item.code); backToScan(); }}>×</button></li>`)}</ul>`;
}

export function ProposalForm({ action = null, onDone }) {
  const reasons = useList(REASONS, (data) => data.returnReasons);
  const staff = useList(STAFF, (data) => data.users.nodes.filter((u) => u.active && u.role !== "PARTNER"));
  const [picked, setPicked] = useState(() => new Set(action?.reasons.map((r) => r.code) ?? []));
  const [products, setProducts] = useState(() => action?.products.map((p) => ({ code: p.sku, product: p })) ?? []);
  const [tickets, setTickets] = useState(() => action?.exampleTickets.map((n) => ({ code: n })) ?? []);
  const [rootCause, setRootCause] = useState(action?.rootCause ?? "");
  const [what, setWhat] = useState(action?.action ?? "");
  const [owner, setOwner] = useState(action?.owner.username ?? "");
  const [due, setDue] = useState(action?.dueDate ?? "");
  const [note, setNote] = useState("");
  const { busy, error, run } = useStep(() => {});
  const today = isoDay(new Date());

  // After a tap the scan field takes the focus back: a wedge scanner types into the focus.
  const toggle = (code) => {
    setPicked((old) => {
      const next = new Set(old);
      if (next.has(code)) next.delete(code); else next.add(code);
      return next;
    });
    backToScan();
  };
  const add = (list, setList, item, message) => {
    if (list.some((i) => i.code === item.code)) { answer(false, t("ca.already", { code: item.code })); return; }
    setList([...list, item]);
    answer(true, message);
  };
  const onScan = async (code) => {
    const hit = await identify(code);
    if (!hit) return;
    if (hit.kind === "PRODUCT") add(products, setProducts, { code: hit.product.sku, product: hit.product }, `${t("scan.product")}\n${hit.product.sku}`);
    else if (hit.ticket) add(tickets, setTickets, { code: hit.ticket.number }, `${t("scan.ticket")}\n${hit.ticket.number}`);
    else answer(false, t("ca.notProductOrTicket", { code }));
  };

  const ready = rootCause.trim() && what.trim() && owner && due >= today && (picked.size > 0 || products.length > 0);
  const submit = async () => {
    const fields = {
      rootCause: rootCause.trim(), action: what.trim(), owner, dueDate: due,
      reasonCodes: [...picked], skus: products.map((p) => p.code), exampleTickets: tickets.map((k) => k.code),
    };
    const result = await run(action
      ? { name: "reviseCorrectiveAction", query: REVISE, input: { idempotencyKey: newKey("ca-revise"), number: action.number, fields, note: note.trim() },
          label: t("ca.queuedLabel", { move: t("ca.move.RESUBMIT"), number: action.number }), success: (p) => t("ca.resubmitted", { number: p.correctiveAction.number }) }
      : { name: "proposeCorrectiveAction", query: PROPOSE, input: { idempotencyKey: newKey("ca-propose"), fields },
          label: t("ca.move.PROPOSE"), success: (p) => t("ca.proposed", { number: p.correctiveAction.number }) });
    if (result.ok) onDone(result.payload.correctiveAction.number);
    else if (result.queued) onDone(action?.number ?? null);
  };

  return html`
    <${ScanField} onScan=${onScan} />
    <section class="card" id="ca-form" data-mode=${action ? "revise" : "propose"}>
      <h3>${t("ca.reasons")}</h3>
      ${!reasons && html`<p class="loading">${t("app.loading")}</p>`}
      ${reasons && html`<div class="chips" id="ca-reasons" role="group" aria-label=${t("ca.reasons")}>${reasons.map((r) => html`
        <button key=${r.code} type="button" class="chip" data-code=${r.code} aria-pressed=${picked.has(r.code)} onClick=${() => toggle(r.code)}>${bilingual(r)}</button>`)}</div>`}
      <h3>${t("ca.products")}</h3>
      <${Removable} id="ca-products" items=${products} label=${(p) => `${productName(p.product)} · ${p.code}`}
        onRemove=${(code) => setProducts(products.filter((p) => p.code !== code))} />
      <h3>${t("ca.exampleTickets")}</h3>
      <${Removable} id="ca-tickets" items=${tickets} label=${(k) => k.code} onRemove=${(code) => setTickets(tickets.filter((k) => k.code !== code))} />
      <p class="muted">${t("ca.scanHint")}</p>
      <label for="ca-root-cause">${t("ca.rootCause")}${t("case.required")}
        <textarea id="ca-root-cause" rows="3" value=${rootCause} onInput=${(e) => setRootCause(e.target.value)}></textarea></label>
      <label for="ca-action">${t("ca.action")}${t("case.required")}
        <textarea id="ca-action" rows="3" value=${what} onInput=${(e) => setWhat(e.target.value)}></textarea></label>
      <label for="ca-owner">${t("ca.owner")}
        <select id="ca-owner" value=${owner} onChange=${(e) => setOwner(e.target.value)}>
          <option value="">${t("ca.pickOwner")}</option>
          ${(staff ?? []).map((u) => html`<option key=${u.username} value=${u.username}>${u.displayName} · ${t(`role.${u.role}`)}</option>`)}
        </select></label>
      <label for="ca-due">${t("ca.due")}
        <input id="ca-due" type="date" min=${today} value=${due} onInput=${(e) => setDue(e.target.value)} /></label>
      ${due && due < today && html`<p class="error">${t("ca.duePast")}</p>`}
      ${action && html`<${NoteField} id="ca-note" value=${note} onInput=${setNote} />`}
      <button id="ca-submit" type="button" class="primary wide" disabled=${busy || !ready} onClick=${submit}>
        ${action ? t("ca.move.RESUBMIT") : t("ca.move.PROPOSE")}</button>
      ${!ready && html`<p class="muted" id="ca-missing">${t("ca.needs")}</p>`}
    </section>
    <${StepError} error=${error} />`;
}

// Transfer (调库): scan the bin to take from, the product, the bin to put into; set the
// quantity (each further scan of the product counts one more), confirm. Then the screen is
// ready for the next transfer. Goods in the pending zone wait for QC and cannot be moved here.
import { useState } from "preact/hooks";
import { act, authLost, networkOrServer } from "../act.js";
import { ApiError, graphql } from "../api.js";
import { answer } from "../feedback.js";
import { html } from "../html.js";
import { t } from "../i18n.js";
import { newKey } from "../outbox.js";
import { ScanField } from "./scan-field.js";
import { identify } from "./stock.js";
import { Stepper, TaskScreen, productName } from "./task.js";

const TRANSFER = `mutation Transfer($input: TransferStockInput!) { transferStock(input: $input) {
  movement { id quantity } levels { onHand available location { code } } replayed userErrors { code message field } } }`;
const AVAILABLE = `query Here($sku: String, $code: String) {
  stockLevels(filter: { sku: $sku, locationCode: $code }, first: 1) { nodes { available } } }`;
// Who may move stock (backend/domain/auth/permissions.py, transferStock).
const MOVERS = new Set(["ADMIN", "WAREHOUSE"]);

const backToScan = () => document.getElementById("scan-input")?.focus();
const EMPTY = { from: null, product: null, available: 0, to: null, quantity: 1 };

async function availableAt(sku, code) {
  try {
    const nodes = (await graphql(AVAILABLE, { sku, code })).stockLevels.nodes;
    return nodes[0]?.available ?? 0;
  } catch (error) {
    if (error instanceof ApiError && error.kind === "auth") authLost();
    else answer(false, networkOrServer(error));
    return null;
  }
}

function Scanned({ step, label, current, children }) {
  return html`
    <li data-step=${step} data-done=${children ? "1" : "0"} aria-current=${current ? "step" : "false"}>
      <span class="muted">${label}</span>
      <span>${children || html`<span class=${current ? "next" : "muted"}>${t("transfer.waiting")}</span>`}</span>
    </li>`;
}

const place = (l) => html`<strong class="code">${l.code}</strong> <span class="muted">${t(`zone.${l.zoneKind}`)}</span>`;

export default function Transfer({ user }) {
  const [move, setMove] = useState(EMPTY);
  const [busy, setBusy] = useState(false);
  const [last, setLast] = useState(null);
  if (!MOVERS.has(user.role)) {
    return html`<${TaskScreen} id="transfer" title=${t("task.transfer")}><p class="error">${t("transfer.notAllowed")}</p><//>`;
  }
  const step = !move.from ? "from" : !move.product ? "product" : !move.to ? "to" : "ready";

  const onScan = async (code) => {
    const found = await identify(code);
    if (!found) return;
    if (step === "from") {
      if (found.kind !== "LOCATION") answer(false, t("transfer.scanBin"));
      else if (found.location.zoneKind === "PENDING") answer(false, `${t("error.code.PENDING_NEEDS_QC")}\n${found.location.code}`);
      else { setMove({ ...EMPTY, from: found.location }); answer(true, `${t("transfer.from")}\n${found.location.code}`); }
      return;
    }
    if (step === "product") {
      if (found.kind !== "PRODUCT") { answer(false, t("transfer.scanProduct")); return; }
      const available = await availableAt(found.product.sku, move.from.code);
      if (available === null) return;
      if (available < 1) {
        answer(false, `${t("error.code.INSUFFICIENT_STOCK")}\n${t("transfer.noneHere", { sku: found.product.sku, code: move.from.code })}`);
        return;
      }
      setMove((old) => ({ ...old, product: found.product, available, quantity: 1 }));
      answer(true, `${productName(found.product)}\n${t("transfer.availableHere", { n: available })}`);
      return;
    }
    if (found.kind === "PRODUCT" && found.product.sku === move.product.sku) {
      if (move.quantity >= move.available) { answer(false, `${t("error.code.INSUFFICIENT_STOCK")}\n${t("transfer.availableHere", { n: move.available })}`); return; }
      setMove((old) => ({ ...old, quantity: old.quantity + 1 }));
      answer(true, `+1 · ${move.quantity + 1}`);
    } else if (found.kind !== "LOCATION") {
      answer(false, t("transfer.scanBin"));
    } else if (found.location.code === move.from.code) {
      answer(false, `${t("error.code.SAME_LOCATION")}\n${found.location.code}`);
    } else {
      setMove((old) => ({ ...old, to: found.location }));
      answer(true, `${t("transfer.to")}\n${found.location.code}`);
    }
  };

  const confirm = async () => {
    setBusy(true);
    const { from, product, to, quantity } = move;
    const result = await act({
      name: "transferStock",
      query: TRANSFER,
      input: { idempotencyKey: newKey("transfer"), sku: product.sku, fromLocationCode: from.code, toLocationCode: to.code, quantity },
      label: t("transfer.queuedLabel", { n: quantity, sku: product.sku, from: from.code, to: to.code }),
      success: () => `${t("transfer.done", { n: quantity })}\n${from.code} → ${to.code}`,
    });
    setBusy(false);
    if (result.ok || result.queued) {
      const after = (code) => result.payload?.levels.find((l) => l.location.code === code)?.onHand;
      setLast({ product, quantity, from: from.code, to: to.code, queued: Boolean(result.queued), left: after(from.code), now: after(to.code) });
      setMove(EMPTY);
    }
    backToScan();
  };

  const prompt = { from: t("transfer.scanFrom"), product: t("transfer.scanProduct"), to: t("transfer.scanTo"), ready: t("transfer.ready") }[step];
  return html`
    <${TaskScreen} id="transfer" title=${t("task.transfer")}>
      <${ScanField} onScan=${onScan} />
      <p class="next" id="transfer-next" data-step=${step} role="status">${prompt}</p>
      <section class="card">
        <ol class="lines" id="transfer-steps">
          <${Scanned} step="from" label=${t("transfer.from")} current=${step === "from"}>${move.from && place(move.from)}<//>
          <${Scanned} step="product" label=${t("scan.product")} current=${step === "product"}>${move.product && html`
            <strong>${productName(move.product)}</strong> <span class="muted">${t("transfer.availableHere", { n: move.available })}</span>
            <span class="sku">${move.product.sku}</span>`}<//>
          <${Scanned} step="to" label=${t("transfer.to")} current=${step === "to"}>${move.to && place(move.to)}<//>
        </ol>
        ${move.product && html`<${Stepper} id="transfer-qty" value=${move.quantity} min=${1} max=${move.available} label=${t("transfer.quantity")}
          onChange=${(quantity) => { setMove((old) => ({ ...old, quantity })); backToScan(); }} />`}
      </section>
      <button id="transfer-confirm" type="button" class="primary wide pinned" disabled=${step !== "ready" || busy} onClick=${confirm}>
        ${t("transfer.confirm", { n: move.quantity })}</button>
      ${move.from && html`<button id="transfer-restart" type="button" class="wide" onClick=${() => { setMove(EMPTY); backToScan(); }}>${t("transfer.restart")}</button>`}
      ${last && html`
        <section id="transfer-last" class=${`card result${last.queued ? " result-queued" : ""}`} role="status">
          <h2>${last.queued ? t("outbox.saved") : t("transfer.done", { n: last.quantity })}</h2>
          <p>${productName(last.product)} <span class="sku">${last.product.sku}</span></p>
          <p><span class="code">${last.from}</span>${last.left !== undefined && ` (${t("transfer.left", { n: last.left })})`}
            → <span class="code">${last.to}</span>${last.now !== undefined && ` (${t("transfer.now", { n: last.now })})`}</p>
        </section>`}
    <//>`;
}

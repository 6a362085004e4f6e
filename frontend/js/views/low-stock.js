// Low stock (#/low-stock): products whose available sellable stock is at or below their
// reorder point, the most short first, with recent demand and a suggested reorder quantity.
// Live: each lowStockAlert (a product just went low) reads the list again and marks the
// products that went low while the screen was open. The last list is kept for offline use.
import { useCallback, useEffect, useRef, useState } from "preact/hooks";
import { authLost, networkOrServer } from "../act.js";
import { ApiError, follow, graphql } from "../api.js";
import { html } from "../html.js";
import { t } from "../i18n.js";
import { count, score } from "./charts.js";
import { Field, Freshness, TaskScreen, productName, when } from "./task.js";

const WAREHOUSES = "query Warehouses { warehouses { code name } }";
const ITEM = `product { sku nameZh nameEn } warehouse { code name } available reorderPoint safetyStock
  belowSince dailyDemand suggestedQuantity`;
const LIST = `query LowStock($warehouseCode: String, $after: String) {
  lowStock(warehouseCode: $warehouseCode, first: 100, after: $after) { nodes { ${ITEM} } pageInfo { hasNextPage endCursor } } }`;
const ALERT = `subscription Alert($warehouseCode: String) { lowStockAlert(warehouseCode: $warehouseCode) { product { sku } warehouse { code } } }`;
const MAX_PAGES = 5;
const cacheKey = (warehouse) => `low-stock:${warehouse}`;

async function allItems(warehouseCode) {
  const items = [];
  let after = null;
  for (let n = 0; n < MAX_PAGES; n += 1) {
    const page = (await graphql(LIST, { warehouseCode, after })).lowStock;
    items.push(...page.nodes);
    if (!page.pageInfo.hasNextPage) break;
    after = page.pageInfo.endCursor;
  }
  return items;
}

function cached(warehouse) {
  try { return { ...JSON.parse(localStorage.getItem(cacheKey(warehouse))), stale: false }; } catch { return { stale: false }; }
}

function useLowStock(warehouse) {
  const [state, setState] = useState(() => cached(warehouse));
  const [alerts, setAlerts] = useState(0);
  // the warehouse chosen now: a list for an earlier choice that arrives late is only cached
  const chosen = useRef(warehouse);
  chosen.current = warehouse;
  const load = useCallback(async () => {
    try {
      const fresh = { items: await allItems(warehouse || null), at: Date.now() };
      try { localStorage.setItem(cacheKey(warehouse), JSON.stringify(fresh)); } catch { /* storage full: still shown */ }
      if (chosen.current === warehouse) setState({ ...fresh, stale: false, error: null });
    } catch (error) {
      if (error instanceof ApiError && error.kind === "auth") { authLost(); return; }
      if (chosen.current === warehouse) setState((old) => ({ ...old, stale: true, error: old.items ? null : networkOrServer(error) }));
    }
  }, [warehouse]);
  useEffect(() => {
    setState(cached(warehouse));
    load();
    return follow(ALERT, { warehouseCode: warehouse || null }, () => { setAlerts((n) => n + 1); load(); }, 150);
  }, [load]);
  return { ...state, alerts };
}

function Item({ item, fresh }) {
  const p = item.product;
  return html`
    <li data-sku=${p.sku} data-warehouse=${item.warehouse.code} data-available=${item.available}
      data-suggested=${item.suggestedQuantity} data-new=${fresh ? "1" : "0"} class=${fresh ? "fresh" : ""}>
      <a class="row-link" href=${`#/stock/${encodeURIComponent(p.sku)}`}>
        <strong>${productName(p)}</strong><span class="code">${item.warehouse.code}</span>
        <span class="sku age">${p.sku}${fresh ? html` · <strong class="stale">${t("low.justNow")}</strong>` : ""}</span>
      </a>
      <dl>
        <${Field} label=${t("stock.available")}><strong class="short">${count(item.available)}</strong> / ${t("low.reorderPoint", { n: count(item.reorderPoint) })}<//>
        <${Field} label=${t("low.suggested")}><strong>${count(item.suggestedQuantity)}</strong> · ${t("low.safety", { n: count(item.safetyStock) })}<//>
        <${Field} label=${t("low.demand")}>${t("low.perDay", { n: score(item.dailyDemand) })}<//>
        ${item.belowSince && html`<${Field} label=${t("low.since")}>${when(item.belowSince)}<//>`}
      </dl>
    </li>`;
}

export default function LowStock() {
  const [warehouse, setWarehouse] = useState(() => localStorage.getItem("low-stock:warehouse") ?? "");
  const [warehouses, setWarehouses] = useState([]);
  const opened = useRef(Date.now());
  const { items, at, stale, error, alerts } = useLowStock(warehouse);
  useEffect(() => { graphql(WAREHOUSES).then((data) => setWarehouses(data.warehouses), () => {}); }, []);
  const pick = (code) => { setWarehouse(code); localStorage.setItem("low-stock:warehouse", code); };
  const isFresh = (item) => item.belowSince && new Date(item.belowSince).getTime() >= opened.current;
  return html`
    <${TaskScreen} id="low-stock" title=${t("task.low-stock")}>
      <section class="card">
        <label for="low-warehouse">${t("dash.warehouse")}
          <select id="low-warehouse" value=${warehouse} onChange=${(e) => pick(e.target.value)}>
            <option value="">${t("dash.allWarehouses")}</option>
            ${warehouses.map((w) => html`<option key=${w.code} value=${w.code}>${w.name}</option>`)}
          </select></label>
      </section>
      <${Freshness} at=${at} stale=${stale} />
      <p id="low-alerts" class="muted" role="status" data-alerts=${alerts}>${alerts > 0 ? t("low.alerts", { n: alerts }) : ""}</p>
      ${error && html`<section class="card result result-error" role="status"><h2>${error}</h2></section>`}
      ${!items && !error && html`<p class="loading">${t("app.loading")}</p>`}
      ${items && html`
        <section class="card" id="low-list" data-warehouse=${warehouse} data-count=${items.length}>
          <h2>${t("low.count", { n: count(items.length) })}</h2>
          ${!items.length && html`<p class="muted">${t("low.none")}</p>`}
          <ul class="tickets low">${items.map((item) => html`
            <${Item} key=${`${item.warehouse.code}:${item.product.sku}`} item=${item} fresh=${isFresh(item)} />`)}</ul>
        </section>`}
    <//>`;
}

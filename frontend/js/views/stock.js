// Stock lookup (#/stock/<code>): a scanned product shows where it lies, zone by zone; a
// scanned bin shows what lies in it. The last answer per code is kept for offline use and
// shown with its age; stock changes elsewhere reload it live.
import { useCallback, useEffect, useState } from "preact/hooks";
import { authLost, networkOrServer } from "../act.js";
import { ApiError, QUERIES, graphql, subscribe } from "../api.js";
import { answer } from "../feedback.js";
import { html } from "../html.js";
import { t } from "../i18n.js";
import { go } from "../router.js";
import { ScanField } from "./scan-field.js";
import { Freshness, TaskScreen, productName } from "./task.js";

const LEVELS = `query Levels($filter: StockLevelFilter, $after: String) {
  stockLevels(filter: $filter, first: 100, after: $after) {
    nodes { onHand reserved available product { sku nameZh nameEn }
      location { code name zoneKind warehouse { code name } } }
    pageInfo { hasNextPage endCursor } } }`;
const CHANGED = `subscription Changed($sku: String, $warehouseCode: String) {
  stockChanged(sku: $sku, warehouseCode: $warehouseCode) { sku locationCode } }`;
const ZONES = ["RECEIVING", "SELLABLE", "PENDING", "DEFECTIVE", "REWORK", "SCRAP"];
const MAX_PAGES = 10;
const cacheKey = (code) => `stock:${code}`;

// What a scanned code is (scan query), or null after answering the failure with a red flash.
export async function identify(code) {
  try {
    return (await graphql(QUERIES.scan, { code })).scan;
  } catch (error) {
    if (error instanceof ApiError && error.kind === "auth") authLost();
    else answer(false, networkOrServer(error));
    return null;
  }
}

async function allLevels(filter) {
  const levels = [];
  let after = null;
  for (let n = 0; n < MAX_PAGES; n += 1) {
    const page = (await graphql(LEVELS, { filter, after })).stockLevels;
    levels.push(...page.nodes);
    if (!page.pageInfo.hasNextPage) break;
    after = page.pageInfo.endCursor;
  }
  return levels;
}

const sum = (levels) => levels.reduce(
  (total, l) => ({ onHand: total.onHand + l.onHand, reserved: total.reserved + l.reserved, available: total.available + l.available }),
  { onHand: 0, reserved: 0, available: 0 },
);

function cached(code) {
  try { return JSON.parse(localStorage.getItem(cacheKey(code))); } catch { return null; }
}

function useStock(code) {
  const [state, setState] = useState(() => ({ ...cached(code), stale: true, error: null }));
  const load = useCallback(async () => {
    try {
      const found = (await graphql(QUERIES.scan, { code })).scan;
      if (found.kind !== "PRODUCT" && found.kind !== "LOCATION") {
        setState({ stale: false, error: t("stock.notStock", { code }), kind: found.kind });
        return;
      }
      const filter = found.kind === "PRODUCT" ? { sku: found.product.sku } : { locationCode: found.location.code };
      const fresh = { kind: found.kind, product: found.product, location: found.location, levels: await allLevels(filter), at: Date.now() };
      try { localStorage.setItem(cacheKey(code), JSON.stringify(fresh)); } catch { /* storage full: still shown */ }
      setState({ ...fresh, stale: false, error: null });
    } catch (error) {
      if (error instanceof ApiError && error.kind === "auth") { authLost(); return; }
      setState((old) => ({ ...old, stale: true, error: old.levels ? null : networkOrServer(error) }));
    }
  }, [code]);

  useEffect(() => {
    load();
    addEventListener("online", load);
    return () => removeEventListener("online", load);
  }, [load]);

  // Live: a change of this product, or of any product in this bin, reads the levels again.
  const sku = state.kind === "PRODUCT" ? state.product.sku : null;
  const bin = state.kind === "LOCATION" ? state.location : null;
  useEffect(() => {
    if (!sku && !bin) return undefined;
    let timer = 0;
    const stop = subscribe(CHANGED, sku ? { sku } : { warehouseCode: bin.warehouse.code }, (data) => {
      if (sku || data.stockChanged.locationCode === bin.code) { clearTimeout(timer); timer = setTimeout(load, 150); }
    });
    return () => { stop(); clearTimeout(timer); };
  }, [sku, bin?.code, load]);
  return state;
}

function Numbers({ total }) {
  return html`<td class="num">${total.onHand}</td><td class="num">${total.reserved}</td><td class="num">${total.available}</td>`;
}

function Head({ first }) {
  return html`<thead><tr><th>${first}</th><th class="num">${t("stock.onHand")}</th>
    <th class="num">${t("stock.reserved")}</th><th class="num">${t("stock.available")}</th></tr></thead>`;
}

// One product: bins grouped by warehouse and zone, each group with its totals.
function ProductStock({ product, levels }) {
  const groups = new Map();
  const order = (l) => `${l.location.warehouse.code} ${ZONES.indexOf(l.location.zoneKind)}`;
  for (const level of [...levels].sort((a, b) => order(a).localeCompare(order(b)) || a.location.code.localeCompare(b.location.code))) {
    const key = `${level.location.warehouse.code}|${level.location.zoneKind}`;
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key).push(level);
  }
  return html`
    <section class="card" id="stock-product" data-sku=${product.sku}>
      <h2>${productName(product)} <span class="sku">${product.sku}</span></h2>
      ${levels.length ? html`
        <table class="levels" id="stock-total"><${Head} first=${t("stock.total")} />
          <tbody><tr class="total"><td></td><${Numbers} total=${sum(levels)} /></tr></tbody></table>`
        : html`<p class="muted" id="stock-empty">${t("stock.noneAnywhere")}</p>`}
    </section>
    ${[...groups].map(([key, rows]) => html`
      <section class="card" key=${key} data-zone=${rows[0].location.zoneKind} data-warehouse=${rows[0].location.warehouse.code}>
        <h2>${t(`zone.${rows[0].location.zoneKind}`)} <span class="muted">· ${rows[0].location.warehouse.name}</span></h2>
        <table class="levels"><${Head} first=${t("scan.location")} />
          <tbody>${rows.map((l) => html`
            <tr key=${l.location.code} data-location=${l.location.code}>
              <td><a class="code" href=${`#/stock/${encodeURIComponent(l.location.code)}`}>${l.location.code}</a></td><${Numbers} total=${l} /></tr>`)}
          </tbody>
          ${rows.length > 1 && html`<tfoot><tr class="total"><td>${t("stock.zoneTotal")}</td><${Numbers} total=${sum(rows)} /></tr></tfoot>`}
        </table>
      </section>`)}`;
}

// One bin: the products in it.
function BinStock({ location, levels }) {
  const rows = [...levels].sort((a, b) => a.product.sku.localeCompare(b.product.sku));
  return html`
    <section class="card" id="stock-location" data-location=${location.code}>
      <h2><span class="code">${location.code}</span> · ${t(`zone.${location.zoneKind}`)}</h2>
      <p class="muted">${location.warehouse.name} · ${location.name}</p>
      ${!rows.length && html`<p class="muted" id="stock-empty">${t("stock.binEmpty")}</p>`}
      ${rows.length > 0 && html`<table class="levels"><${Head} first=${t("scan.product")} />
        <tbody>${rows.map((l) => html`
          <tr key=${l.product.sku} data-sku=${l.product.sku}>
            <td><a href=${`#/stock/${encodeURIComponent(l.product.sku)}`}>${productName(l.product)}</a>
              <span class="sku">${l.product.sku}</span></td><${Numbers} total=${l} /></tr>`)}
        </tbody>
        ${rows.length > 1 && html`<tfoot><tr class="total"><td>${t("stock.total")}</td><${Numbers} total=${sum(rows)} /></tr></tfoot>`}
      </table>`}
    </section>`;
}

function StockView({ code }) {
  const state = useStock(code);
  const { kind, levels, at, stale, error } = state;
  const onScan = (next) => go(`stock/${encodeURIComponent(next)}`);
  let body;
  if (error) body = html`<section class="card result result-error" role="status"><h2>${error}</h2></section>`;
  else if (!levels) body = html`<p class="loading">${t("app.loading")}</p>`;
  return html`
    <div id="stock" data-code=${code} data-kind=${kind ?? ""} data-stale=${stale ? "1" : "0"}>
      <${TaskScreen} id="stock-screen" title=${t("task.stock")}>
        <${ScanField} onScan=${onScan} />
        <${Freshness} at=${at} stale=${stale} />
        ${body}
        ${levels && !error && kind === "PRODUCT" && html`<${ProductStock} product=${state.product} levels=${levels} />`}
        ${levels && !error && kind === "LOCATION" && html`<${BinStock} location=${state.location} levels=${levels} />`}
      <//>
    </div>`;
}

export default function Stock({ arg }) {
  if (!arg) {
    return html`
      <div id="stock" data-code="" data-kind="">
        <${TaskScreen} id="stock-screen" title=${t("task.stock")}>
          <${ScanField} onScan=${(code) => go(`stock/${encodeURIComponent(code)}`)} />
          <p class="card muted">${t("stock.scanHint")}</p>
        <//>
      </div>`;
  }
  return html`<${StockView} key=${arg} code=${arg} />`;
}

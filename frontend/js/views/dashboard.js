// The supervisors' and managers' dashboard (Art. 25.2): a period and a warehouse, the
// headline figures, the Pareto of return reasons, the return rate over time, cycle times and
// satisfaction, and the tickets of the same filter exported as CSV or XLSX. The last answer
// per filter is kept and shown with its age when the network is gone.
import { useEffect, useState } from "preact/hooks";
import { authLost, named, networkOrServer } from "../act.js";
import { ApiError, getToken, graphql } from "../api.js";
import { answer } from "../feedback.js";
import { html } from "../html.js";
import { t } from "../i18n.js";
import { newKey } from "../outbox.js";
import { CycleChart, ParetoChart, RateChart, SatisfactionChart, count, percent, score } from "./charts.js";
import { Freshness, TaskScreen, bilingual } from "./task.js";

const PRESETS = ["7", "30", "90", "year"];
// Bars per period: days for a week or a month, weeks for a quarter, months for the year.
const INTERVAL = { 7: "DAY", 30: "DAY", 90: "WEEK", year: "MONTH" };
const WAREHOUSES = "query Warehouses { warehouses { code name } }";
const FIGURES = `query Dashboard($filter: AnalyticsFilter!, $interval: AnalyticsInterval!) {
  returnAnalytics(filter: $filter) {
    totals { tickets units shippedUnits returnRate }
    pareto(dimension: REASON, first: 10) { key nameZh nameEn units tickets share cumulativeShare }
    inspections { customerDamage { inspectedUnits customerUnits share } }
    satisfaction { calls reachedCalls ratedCalls averageScore scores { score calls } }
    cycleTimes { stage tickets medianSeconds p90Seconds }
    overTime(interval: $interval) { periodStart tickets returnedUnits shippedUnits returnRate } } }`;
const EXPORT = `mutation Export($input: RequestTicketExportInput!) { requestTicketExport(input: $input) {
  export { url fileName } userErrors { code message field } } }`;

// The period's first moment: today and the days before it, from local midnight, or 1 January.
export function periodStart(preset, now = new Date()) {
  if (preset === "year") return new Date(now.getFullYear(), 0, 1);
  return new Date(now.getFullYear(), now.getMonth(), now.getDate() - (Number(preset) - 1));
}

function filterOf(preset, warehouse) {
  return { createdFrom: periodStart(preset).toISOString(), ...(warehouse && { warehouseCode: warehouse }) };
}

const cacheKey = (preset, warehouse) => `dashboard:${preset}:${warehouse}`;
function cached(key) {
  try { return JSON.parse(localStorage.getItem(key)); } catch { return null; }
}

function useFigures(preset, warehouse) {
  const key = cacheKey(preset, warehouse);
  const [state, setState] = useState(() => ({ ...cached(key), stale: false, error: null }));
  useEffect(() => {
    let live = true;
    setState({ ...cached(key), stale: false, error: null, loading: true });
    graphql(FIGURES, { filter: filterOf(preset, warehouse), interval: INTERVAL[preset] }).then(
      (data) => {
        const fresh = { figures: data.returnAnalytics, at: Date.now() };
        try { localStorage.setItem(key, JSON.stringify(fresh)); } catch { /* storage full: still shown */ }
        if (live) setState({ ...fresh, stale: false, error: null });
      },
      (error) => {
        if (error instanceof ApiError && error.kind === "auth") { authLost(); return; }
        if (live) setState((old) => ({ ...old, loading: false, stale: true, error: old.figures ? null : networkOrServer(error) }));
      },
    );
    return () => { live = false; };
  }, [key]);
  return state;
}

function Filter({ preset, warehouse, onPreset, onWarehouse }) {
  const [warehouses, setWarehouses] = useState([]);
  useEffect(() => {
    graphql(WAREHOUSES).then((data) => setWarehouses(data.warehouses), () => {});
  }, []);
  return html`
    <section class="card" id="dash-filter">
      <div class="choice four" role="group" aria-label=${t("dash.period")}>${PRESETS.map((p) => html`
        <button key=${p} type="button" data-preset=${p} aria-pressed=${preset === p} onClick=${() => onPreset(p)}>
          ${p === "year" ? t("dash.thisYear") : t("dash.days", { n: p })}</button>`)}</div>
      <label for="dash-warehouse">${t("dash.warehouse")}
        <select id="dash-warehouse" value=${warehouse} onChange=${(e) => onWarehouse(e.target.value)}>
          <option value="">${t("dash.allWarehouses")}</option>
          ${warehouses.map((w) => html`<option key=${w.code} value=${w.code}>${w.name}</option>`)}
        </select></label>
    </section>`;
}

function Totals({ figures }) {
  const items = [
    ["tickets", t("dash.tickets"), count(figures.totals.tickets)],
    ["return-rate", t("dash.returnRate"), percent(figures.totals.returnRate)],
    ["customer-damage", t("dash.customerDamage"), percent(figures.inspections.customerDamage.share)],
    ["satisfaction", t("dash.satisfaction"), figures.satisfaction.averageScore === null ? "–" : `${score(figures.satisfaction.averageScore)} / 5`],
  ];
  return html`
    <section class="card" id="dash-totals"><dl class="totals">${items.map(([id, label, value]) => html`
      <div key=${id} class="total" id=${`total-${id}`}><dt>${label}</dt><dd>${value}</dd></div>`)}</dl></section>`;
}

function Chart({ id, title, note, children }) {
  return html`<section class="card" id=${id}><h2>${title}</h2>${note && html`<p class="muted">${note}</p>`}${children}</section>`;
}

// The tickets of this filter as a file: the API records the export and answers a link that
// needs the bearer header (as labels and photos do), so the file is fetched here and saved.
// Not through the outbox: a download only makes sense now, online.
async function download(format, filter) {
  const key = newKey("export");
  try {
    const data = await graphql(EXPORT, { input: { idempotencyKey: key, filter, format } });
    const payload = data.requestTicketExport;
    if (payload.userErrors.length) { answer(false, named(payload.userErrors[0])); return; }
    const response = await fetch(payload.export.url, { headers: { authorization: `Bearer ${getToken()}` } });
    if (!response.ok) throw new ApiError(response.status >= 500 ? "server" : "network", `HTTP ${response.status}`);
    const file = URL.createObjectURL(await response.blob());
    const link = Object.assign(document.createElement("a"), { href: file, download: payload.export.fileName, hidden: true });
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(file), 60_000);
    answer(true, t("dash.exported", { file: payload.export.fileName }));
  } catch (error) {
    if (error instanceof ApiError && error.kind === "auth") { authLost(); return; }
    answer(false, networkOrServer(error));
  }
}

function Export({ filter }) {
  const [busy, setBusy] = useState(null);
  const run = async (format) => {
    setBusy(format);
    await download(format, filter);
    setBusy(null);
  };
  return html`
    <section class="card" id="dash-export"><h2>${t("dash.export")}</h2>
      <div class="row-buttons">${["CSV", "XLSX"].map((format) => html`
        <button key=${format} id=${`export-${format.toLowerCase()}`} type="button" class="grow" disabled=${busy !== null}
          aria-label=${t("dash.exportAs", { format })} onClick=${() => run(format)}>${busy === format ? t("app.loading") : format}</button>`)}</div>
    </section>`;
}

export default function Dashboard() {
  const [preset, setPreset] = useState(() => localStorage.getItem("dashboard:preset") ?? "30");
  const [warehouse, setWarehouse] = useState(() => localStorage.getItem("dashboard:warehouse") ?? "");
  const { figures, at, stale, error, loading } = useFigures(preset, warehouse);
  const pick = (p) => { setPreset(p); localStorage.setItem("dashboard:preset", p); };
  const pickWarehouse = (w) => { setWarehouse(w); localStorage.setItem("dashboard:warehouse", w); };
  const reasonName = (row) => (row.key ? bilingual(row) : t("dash.noReason"));
  return html`
    <${TaskScreen} id="dashboard" title=${t("task.dashboard")}>
      <${Filter} preset=${preset} warehouse=${warehouse} onPreset=${pick} onWarehouse=${pickWarehouse} />
      <${Freshness} at=${at} stale=${stale} />
      ${error && html`<section class="card result result-error" role="status"><h2>${error}</h2></section>`}
      ${!figures && !error && html`<p class="loading">${t("app.loading")}</p>`}
      ${figures && html`
        <div id="dash-figures" data-preset=${preset} data-warehouse=${warehouse} data-loading=${loading ? "1" : "0"}>
          <${Totals} figures=${figures} />
          <${Chart} id="dash-pareto" title=${t("dash.pareto")} note=${t("dash.paretoNote")}>
            <${ParetoChart} rows=${figures.pareto} name=${reasonName} /><//>
          <${Chart} id="dash-rate" title=${t("dash.rateOverTime")} note=${t(`dash.interval.${INTERVAL[preset]}`)}>
            <${RateChart} periods=${figures.overTime} /><//>
          <${Chart} id="dash-cycle" title=${t("dash.cycleTimes")}><${CycleChart} stages=${figures.cycleTimes} /><//>
          <${Chart} id="dash-satisfaction" title=${t("dash.satisfactionScores")}
            note=${t("dash.satisfactionNote", { rated: count(figures.satisfaction.ratedCalls), calls: count(figures.satisfaction.calls) })}>
            <${SatisfactionChart} scores=${figures.satisfaction.scores} /><//>
        </div>`}
      <${Export} filter=${filterOf(preset, warehouse)} />
    <//>`;
}

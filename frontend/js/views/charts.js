// Small hand-drawn SVG charts for the dashboard (no chart library: a handheld loads only
// this file), and the locale's number formats. Every chart is an image with a spoken
// summary; its exact figures are text next to it (a list or the bars' labels).
import { html } from "../html.js";
import { duration, language, t } from "../i18n.js";

const formats = new Map();
function format(style) {
  const key = `${language()}|${style}`;
  if (!formats.has(key)) {
    const options = {
      count: {},
      percent: { style: "percent", minimumFractionDigits: 1, maximumFractionDigits: 1 },
      score: { minimumFractionDigits: 1, maximumFractionDigits: 1 },
    }[style];
    formats.set(key, new Intl.NumberFormat(language(), options));
  }
  return formats.get(key);
}

const missing = (value) => value === null || value === undefined || Number.isNaN(value);
export const count = (n) => (missing(n) ? "–" : format("count").format(n));
export const percent = (share) => (missing(share) ? "–" : format("percent").format(share));
export const score = (value) => (missing(value) ? "–" : format("score").format(value));
export const seconds = (value) => (missing(value) ? "–" : duration(Math.round(value)));

const dayFormats = new Map();
export function day(iso, style = "short") {
  const key = `${language()}|${style}`;
  if (!dayFormats.has(key)) {
    const options = style === "short" ? { month: "numeric", day: "numeric" } : { year: "numeric", month: "numeric", day: "numeric" };
    dayFormats.set(key, new Intl.DateTimeFormat(language(), { ...options, timeZone: "UTC" }));
  }
  return dayFormats.get(key).format(new Date(iso.length === 10 ? `${iso}T00:00:00Z` : iso));
}

const W = 320;
const BAR = "#0b5cad";
const LIGHT = "#a9c4e4";
const LINE = "#8a5a00";
const AXIS = "#4a5058";

function Empty({ id }) {
  return html`<p class="muted chart-empty" id=${id}>${t("dash.noData")}</p>`;
}

// Pareto of return reasons: bars of returned units, most first, and the cumulative share as
// a line on the right-hand scale; the numbered list below names each bar.
export function ParetoChart({ rows, name }) {
  if (!rows.length) return html`<${Empty} id="pareto-empty" />`;
  const H = 150;
  const top = 10;
  const base = H - 20;
  const max = Math.max(...rows.map((r) => r.units), 1);
  const step = (W - 40) / rows.length;
  const x = (i) => 8 + i * step;
  const y = (units) => base - ((base - top) * units) / max;
  const yShare = (share) => base - (base - top) * share;
  const points = rows.map((r, i) => `${(x(i) + step / 2).toFixed(1)},${yShare(r.cumulativeShare).toFixed(1)}`).join(" ");
  const summary = t("dash.paretoSummary", { name: name(rows[0]), units: count(rows[0].units), share: percent(rows[0].share) });
  return html`
    <svg class="chart" id="pareto-chart" viewBox=${`0 0 ${W} ${H}`} role="img" aria-label=${summary}>
      <line x1="8" x2=${W - 32} y1=${base} y2=${base} stroke=${AXIS} />
      ${rows.map((r, i) => html`
        <g key=${r.key ?? i} class="bar" data-key=${r.key ?? ""} data-units=${r.units}>
          <rect x=${x(i) + step * 0.15} y=${y(r.units)} width=${step * 0.7} height=${base - y(r.units)} fill=${BAR} />
          <text x=${x(i) + step / 2} y=${base + 14} text-anchor="middle" font-size="12" fill=${AXIS}>${i + 1}</text>
        </g>`)}
      <polyline points=${points} fill="none" stroke=${LINE} stroke-width="2" />
      ${rows.map((r, i) => html`<circle key=${i} cx=${x(i) + step / 2} cy=${yShare(r.cumulativeShare)} r="3" fill=${LINE} />`)}
      <text x=${W - 2} y=${top + 4} text-anchor="end" font-size="11" fill=${LINE}>100%</text>
      <text x=${W - 2} y=${base} text-anchor="end" font-size="11" fill=${LINE}>0%</text>
    </svg>
    <ol class="legend" id="pareto-rows">${rows.map((r, i) => html`
      <li key=${r.key ?? i} data-key=${r.key ?? ""} data-units=${r.units}>
        <span class="rank">${i + 1}</span><span class="name">${name(r)}</span>
        <span class="num">${count(r.units)}</span><span class="num muted">${percent(r.cumulativeShare)}</span>
      </li>`)}</ol>`;
}

// The return rate per period: a bar per period, its rate above it.
export function RateChart({ periods }) {
  if (!periods.length) return html`<${Empty} id="rate-empty" />`;
  const H = 140;
  const top = 16;
  const base = H - 20;
  const rates = periods.map((p) => p.returnRate ?? 0);
  const max = Math.max(...rates, 0.0001);
  const step = (W - 8) / periods.length;
  // About six dates under the bars: the first and the last always, none crowding the last.
  const labelEvery = Math.ceil(periods.length / 6);
  const end = periods.length - 1;
  const labelled = (i) => i === end || (i % labelEvery === 0 && end - i >= labelEvery / 2);
  const anchor = (i) => (i === 0 ? "start" : i === end ? "end" : "middle");
  const labelX = (i) => (i === 0 ? 4 : i === end ? W - 4 : 4 + i * step + step / 2);
  const last = periods[end];
  const summary = t("dash.rateSummary", { from: day(periods[0].periodStart), to: day(last.periodStart), rate: percent(last.returnRate) });
  return html`
    <svg class="chart" id="rate-chart" viewBox=${`0 0 ${W} ${H}`} role="img" aria-label=${summary}>
      <line x1="4" x2=${W - 4} y1=${base} y2=${base} stroke=${AXIS} />
      ${periods.map((p, i) => {
        const h = ((base - top) * (p.returnRate ?? 0)) / max;
        const x = 4 + i * step;
        return html`<g key=${p.periodStart} class="bar" data-period=${p.periodStart} data-rate=${p.returnRate ?? ""}>
          <rect x=${x + step * 0.12} y=${base - h} width=${step * 0.76} height=${h} fill=${BAR}><title>${day(p.periodStart)} · ${percent(p.returnRate)}</title></rect>
          ${labelled(i) && html`
            <text x=${labelX(i)} y=${base + 14} text-anchor=${anchor(i)} font-size="11" fill=${AXIS}>${day(p.periodStart)}</text>`}
        </g>`;
      })}
      <text x="4" y="11" font-size="11" fill=${AXIS}>${percent(max)}</text>
    </svg>`;
}

// Cycle times: one row per stage, the median as a bar and the p90 as a lighter bar behind it.
export function CycleChart({ stages }) {
  const measured = stages.filter((s) => s.tickets > 0);
  if (!measured.length) return html`<${Empty} id="cycle-empty" />`;
  const max = Math.max(...measured.map((s) => s.p90Seconds ?? 0), 1);
  const width = (value) => Math.max(2, ((W - 8) * (value ?? 0)) / max);
  return html`
    <ul class="cycle" id="cycle-rows">${stages.map((s) => html`
      <li key=${s.stage} data-stage=${s.stage} data-median=${s.medianSeconds ?? ""} data-p90=${s.p90Seconds ?? ""}>
        <span class="name">${t(`dash.stage.${s.stage}`)}</span>
        <span class="muted">${t("dash.cycleFigures", { median: seconds(s.medianSeconds), p90: seconds(s.p90Seconds), n: count(s.tickets) })}</span>
        ${s.tickets > 0 && html`
          <svg class="chart" viewBox=${`0 0 ${W} 14`} role="img"
            aria-label=${t("dash.cycleFigures", { median: seconds(s.medianSeconds), p90: seconds(s.p90Seconds), n: count(s.tickets) })}>
            <rect x="4" y="1" width=${width(s.p90Seconds)} height="12" fill=${LIGHT} />
            <rect x="4" y="1" width=${width(s.medianSeconds)} height="12" fill=${BAR} />
          </svg>`}
      </li>`)}</ul>
    <p class="muted chart-key"><span class="swatch median"></span>${t("dash.median")}
      <span class="swatch p90"></span>P90</p>`;
}

// Satisfaction: calls per score, 1 to 5, each bar with its count above it.
export function SatisfactionChart({ scores }) {
  const total = scores.reduce((sum, s) => sum + s.calls, 0);
  if (!total) return html`<${Empty} id="satisfaction-empty" />`;
  const H = 120;
  const top = 16;
  const base = H - 20;
  const max = Math.max(...scores.map((s) => s.calls), 1);
  const step = (W - 8) / 5;
  const summary = scores.map((s) => t("dash.scoreCalls", { score: s.score, calls: count(s.calls) })).join(", ");
  return html`
    <svg class="chart" id="satisfaction-chart" viewBox=${`0 0 ${W} ${H}`} role="img" aria-label=${summary}>
      <line x1="4" x2=${W - 4} y1=${base} y2=${base} stroke=${AXIS} />
      ${scores.map((s, i) => {
        const h = ((base - top) * s.calls) / max;
        const x = 4 + i * step;
        return html`<g key=${s.score} class="bar" data-score=${s.score} data-calls=${s.calls}>
          <rect x=${x + step * 0.2} y=${base - h} width=${step * 0.6} height=${h} fill=${BAR} />
          <text x=${x + step / 2} y=${base - h - 3} text-anchor="middle" font-size="12" fill="#1a1c1e">${count(s.calls)}</text>
          <text x=${x + step / 2} y=${base + 14} text-anchor="middle" font-size="12" fill=${AXIS}>${s.score}</text>
        </g>`;
      })}
    </svg>`;
}

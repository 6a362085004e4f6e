// Put away by grade (上架): for each grade among the goods, scan a bin of the grade's zone,
// scan the goods' barcode to confirm them, count the units (each further scan counts one),
// then confirm once for all grades. Refused parcels come here after QC (Art. 17); a stranded
// parcel back from another city goes unopened to sellable stock as grade A (Art. 16.2).
import { useEffect, useMemo, useState } from "preact/hooks";
import { act } from "../act.js";
import { answer } from "../feedback.js";
import { html } from "../html.js";
import { t } from "../i18n.js";
import { newKey } from "../outbox.js";
import { ScanField } from "./scan-field.js";
import { identify } from "./stock.js";
import { Stepper, TaskScreen, productName } from "./task.js";

const PUT_AWAY = `mutation PutAway($input: PutAwayReturnInput!) { putAwayReturn(input: $input) {
  ticket { number status } replayed userErrors { code message field } } }`;

// Where each grade goes (backend/domain/returns/policies.py, place_for_grade).
const GRADE_ZONE = { A: "SELLABLE", B: "REWORK", C: "DEFECTIVE" };

const backToScan = () => document.getElementById("scan-input")?.focus();
const itemKey = (grade, sku) => `${grade}|${sku}`;

// { grade: [{ product, expected }] } from QC's results, or the whole parcel as grade A.
function goodsByGrade(ticket) {
  const lines = new Map(ticket.lines.map((l) => [String(l.id), l]));
  const units = ticket.source === "UNDELIVERABLE"
    ? ticket.lines.map((l) => ({ grade: "A", line: l, quantity: l.quantity }))
    : ticket.inspections.filter((i) => i.stage === "QC").map((i) => ({ grade: i.grade, line: lines.get(String(i.lineId)), quantity: i.quantity }));
  const goods = {};
  for (const { grade, line, quantity } of units) {
    const items = (goods[grade] ??= []);
    const item = items.find((i) => i.product.sku === line.product.sku);
    if (item) item.expected += quantity;
    else items.push({ product: line.product, expected: quantity });
  }
  return goods;
}

// The grade in hand shows its goods and counters; another grade is one line to tap.
function GradeCard({ grade, items, bin, counts, active, onPick, onCount }) {
  const title = t("putaway.grade", { grade, zone: t(`zone.${GRADE_ZONE[grade]}`) });
  const expected = items.reduce((sum, i) => sum + i.expected, 0);
  const counted = items.reduce((sum, i) => sum + (counts[itemKey(grade, i.product.sku)] ?? 0), 0);
  const where = bin ? html`<span class="code">${bin}</span>` : html`<span class="muted">${t("putaway.noBin")}</span>`;
  return html`
    <section class="card grade" data-grade=${grade} data-bin=${bin ?? ""} data-counted=${counted} aria-current=${active ? "step" : "false"}>
      ${!active && html`<button type="button" class="wide grade-pick" onClick=${onPick}>
        ${title} → ${where} · ${t("putaway.counted", { n: counted, expected })}</button>`}
      ${active && html`
        <h2>${title} → ${where}</h2>
        <ul class="lines">${items.map(({ product, expected: units }) => {
          const n = counts[itemKey(grade, product.sku)];
          return html`
            <li key=${product.sku} data-sku=${product.sku} data-counted=${n ?? 0}>
              <strong>${productName(product)}</strong>
              <span class="muted"><span class="sku">${product.sku}</span> · ${n === undefined ? t("putaway.scanToConfirm") : t("putaway.counted", { n, expected: units })}</span>
              ${n !== undefined && html`<${Stepper} id=${`count-${grade}-${product.sku}`} value=${n} min=${1} max=${units}
                label=${productName(product)} onChange=${(value) => onCount(product.sku, value)} />`}
            </li>`;
        })}</ul>`}
    </section>`;
}

export default function PutAway({ ticket, done, reload }) {
  const goods = useMemo(() => goodsByGrade(ticket), [ticket]);
  const grades = Object.keys(GRADE_ZONE).filter((g) => goods[g]);
  const [picked, setActive] = useState(null);
  const active = goods[picked] ? picked : grades[0];
  const [bins, setBins] = useState({});
  const [counts, setCounts] = useState({});
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState(null); // { ok } | { queued }

  const counted = (g) => goods[g].every((i) => counts[itemKey(g, i.product.sku)] === i.expected);
  const ready = (g) => Boolean(bins[g]) && counted(g);
  const allReady = grades.every(ready);

  // When the grade in hand is done, the next open one comes up by itself.
  useEffect(() => {
    if (active && ready(active)) {
      const next = grades.find((g) => !ready(g));
      if (next) setActive(next);
    }
  }, [bins, counts]);

  const placeBin = (place) => {
    const zone = GRADE_ZONE[active];
    if (place.zoneKind !== zone || place.warehouse.code !== ticket.warehouseCode) {
      const why = place.zoneKind !== zone
        ? t("putaway.needZone", { code: place.code, grade: active, zone: t(`zone.${zone}`) })
        : t("putaway.otherWarehouse", { code: place.code, warehouse: ticket.warehouseCode });
      answer(false, `${t("error.code.WRONG_ZONE")}\n${why}`);
      return;
    }
    setBins((old) => ({ ...old, [active]: place.code }));
    answer(true, `${active} → ${place.code}`);
  };

  const countProduct = (product) => {
    const item = goods[active].find((i) => i.product.sku === product.sku);
    if (!item) {
      answer(false, `${t("putaway.wrongProduct")}\n${t("putaway.notInGrade", { name: productName(product), grade: active })}`);
      return;
    }
    const n = counts[itemKey(active, product.sku)] ?? 0;
    if (n >= item.expected) {
      answer(false, `${t("putaway.tooMany")}\n${t("putaway.counted", { n, expected: item.expected })}`);
      return;
    }
    setCounts((old) => ({ ...old, [itemKey(active, product.sku)]: n + 1 }));
    answer(true, `${productName(product)}\n${t("putaway.counted", { n: n + 1, expected: item.expected })}`);
  };

  const onScan = async (code) => {
    const line = ticket.lines.find((l) => l.product.sku === code || l.product.barcodes.includes(code));
    if (line) { countProduct(line.product); return; }
    const found = await identify(code);
    if (!found) return;
    if (found.kind === "LOCATION") placeBin(found.location);
    else if (found.kind === "PRODUCT") answer(false, `${t("putaway.wrongProduct")}\n${t("putaway.notOnTicket", { name: productName(found.product) })}`);
    else answer(false, t("putaway.scanBinOrProduct"));
  };

  const confirm = async () => {
    setBusy(true);
    const result = await act({
      name: "putAwayReturn",
      query: PUT_AWAY,
      input: {
        idempotencyKey: newKey("put-away"),
        ticketNumber: ticket.number,
        putAway: grades.map((grade) => ({ grade, locationCode: bins[grade] })),
      },
      label: t("putaway.queuedLabel", { number: ticket.number }),
      success: () => t("putaway.done"),
    });
    setBusy(false);
    if (result.ok) { setOutcome({ ok: true }); reload(); }
    else if (result.queued) setOutcome({ queued: true });
    backToScan();
  };

  if (outcome) {
    return html`
      <${TaskScreen} id="put-away" title=${t("action.PUT_AWAY")} onBack=${done}>
        <section class=${`card result${outcome.queued ? " result-queued" : ""}`} id="put-away-result">
          <h2>${outcome.queued ? t("outbox.saved") : t("putaway.done")}</h2>
          <ul class="lines">${grades.map((g) => html`<li key=${g}>${t("putaway.grade", { grade: g, zone: t(`zone.${GRADE_ZONE[g]}`) })} → <span class="code">${bins[g]}</span></li>`)}</ul>
        </section>
        <button id="put-away-back" type="button" class="primary wide" onClick=${done}>${t("putaway.backToTicket")}</button>
      <//>`;
  }

  let next = t("putaway.allReady");
  if (active && !bins[active]) next = t("putaway.scanBin", { zone: t(`zone.${GRADE_ZONE[active]}`) });
  else if (active && goods[active].some((i) => counts[itemKey(active, i.product.sku)] === undefined)) next = t("putaway.scanProduct");
  else if (active && !counted(active)) next = t("putaway.countAll");
  const total = grades.reduce((sum, g) => sum + goods[g].reduce((s, i) => s + i.expected, 0), 0);
  return html`
    <${TaskScreen} id="put-away" title=${t("action.PUT_AWAY")}>
      <${ScanField} onScan=${onScan} />
      <p class="muted"><span class="code">${ticket.number}</span> · ${ticket.customerName}</p>
      <p class="next" id="put-away-next" role="status">${next}</p>
      ${grades.map((g) => html`<${GradeCard} key=${g} grade=${g} items=${goods[g]} bin=${bins[g]} counts=${counts} active=${g === active}
        onPick=${() => { setActive(g); backToScan(); }}
        onCount=${(sku, value) => { setCounts((old) => ({ ...old, [itemKey(g, sku)]: value })); backToScan(); }} />`)}
      <button id="put-away-confirm" type="button" class="primary wide pinned" disabled=${!allReady || busy} onClick=${confirm}>
        ${t("putaway.confirm", { n: total })}</button>
    <//>`;
}

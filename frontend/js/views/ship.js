// Goods leaving under a ticket with a new waybill: the reship of an undeliverable parcel
// (Art. 16; a stranded one ships the same goods from stock, from the bin the clerk scans),
// an exchange's replacement (Art. 22, the reserved units leave stock) and rejected goods
// going back to the customer. Scan the new waybill, pick the courier, confirm.
import { useEffect, useState } from "preact/hooks";
import { ApiError, graphql } from "../api.js";
import { act, authLost, networkOrServer } from "../act.js";
import { answer } from "../feedback.js";
import { html } from "../html.js";
import { t } from "../i18n.js";
import { newKey } from "../outbox.js";
import { ScanField } from "./scan-field.js";
import { Field, NoteField, TaskScreen, productName } from "./task.js";

const COURIERS = ["顺丰 SF", "圆通 YTO", "中通 ZTO", "韵达 Yunda", "京东 JD", "EMS"];
// Waybill prefixes that name their courier for sure; others are picked by hand.
const PREFIXES = [["SF", "顺丰 SF"], ["YT", "圆通 YTO"], ["JD", "京东 JD"]];

const SCAN = "query What($code: String!) { scan(code: $code) { code kind location { code zoneKind warehouse { code } } } }";
const BINS = `query Bins($sku: String!, $warehouse: String!) {
  stockLevels(filter: { sku: $sku, warehouseCode: $warehouse, zoneKind: SELLABLE }, first: 50) { nodes { available location { code } } } }`;
const ADDRESS = "query Address($number: String!) { order(number: $number) { customer { address } } }";
const mutation = (name, type) => `mutation Ship($input: ${type}!) { ${name}(input: $input) {
  ticket { number status } replayed userErrors { code message field } } }`;

const replacementOf = (ticket) => ticket.shipments.find((s) => s.purpose === "REPLACEMENT");

const STEPS = {
  reship: {
    name: "reship", type: "ReshipInput", title: () => t("action.RESHIP"),
    explain: (ticket) => (ticket.remote ? t("ship.reshipRemote") : t("ship.reshipLocal")),
    goods: (ticket) => ticket.lines.map((l) => ({ product: l.product, quantity: l.quantity })),
    order: (ticket) => ticket.order?.number,
  },
  "return-to-customer": {
    name: "returnToCustomer", type: "ShipWithWaybillInput", title: () => t("action.RETURN_TO_CUSTOMER"), note: true,
    explain: (ticket) => t("ship.backExplain", { payer: t(`payer.${ticket.shippingFeePayer}`) }),
    goods: (ticket) => ticket.lines.map((l) => ({ product: l.product, quantity: l.quantityReceived || l.quantity })),
    order: (ticket) => ticket.order?.number,
  },
  "ship-replacement": {
    name: "shipReplacement", type: "ShipWithWaybillInput", title: () => t("step.ship-replacement"),
    explain: (ticket) => t("ship.replacementExplain", { order: replacementOf(ticket)?.orderNumber ?? "–" }),
    goods: (ticket) => ticket.lines.filter((l) => l.wantedProduct).map((l) => ({ product: l.wantedProduct, quantity: l.quantity })),
    order: (ticket) => replacementOf(ticket)?.orderNumber,
  },
};

// A remote reship takes stock from one sellable bin of the ticket's warehouse: per product,
// the bins holding enough, most available first (the order the server picks by itself).
// An empty list means they could not be read: the server checks the scanned bin then.
function useBins(ticket, needed) {
  const [bins, setBins] = useState(null);
  useEffect(() => {
    if (!needed) return;
    const wanted = ticket.lines.map((line) => graphql(BINS, { sku: line.product.sku, warehouse: ticket.warehouseCode })
      .then((data) => ({ line, bins: data.stockLevels.nodes.filter((n) => n.available >= line.quantity)
        .sort((a, b) => b.available - a.available || a.location.code.localeCompare(b.location.code)) })));
    Promise.all(wanted).then(setBins, () => setBins([]));
  }, [ticket.id, needed]);
  return bins;
}

// The address the new waybill goes to (the ticket carries name and phone only).
function useAddress(number) {
  const [address, setAddress] = useState("");
  useEffect(() => {
    if (number) graphql(ADDRESS, { number }).then((data) => setAddress(data.order?.customer.address ?? ""), () => {});
  }, [number]);
  return address;
}

async function whatIs(code) {
  try {
    return (await graphql(SCAN, { code })).scan;
  } catch (error) {
    if (error instanceof ApiError && error.kind === "auth") { authLost(); return null; }
    if (error instanceof ApiError && error.kind === "network") return { code, kind: "UNKNOWN" }; // the server checks it on send
    answer(false, networkOrServer(error));
    return null;
  }
}

function CourierChoice({ courier, other, onPick, onOther }) {
  return html`
    <fieldset class="couriers" id="courier">
      <legend>${t("scan.courier")}</legend>
      <div class="choice">
        ${COURIERS.map((name) => html`<button key=${name} type="button" aria-pressed=${!other && courier === name}
          data-courier=${name} onClick=${() => onPick(name)}>${name}</button>`)}
        <button type="button" id="courier-other-toggle" aria-pressed=${other} onClick=${onOther}>${t("ship.otherCourier")}</button>
      </div>
      ${other && html`<label for="courier-other">${t("ship.otherCourierName")}
        <input id="courier-other" autocomplete="off" value=${courier} onInput=${(e) => onPick(e.target.value, true)} /></label>`}
    </fieldset>`;
}

function Bins({ bins, chosen, warehouse }) {
  if (!bins) return html`<p class="loading">${t("app.loading")}</p>`;
  return html`<ul class="lines" id="bins">${bins.map(({ line, bins: held }) => html`
    <li key=${line.id} data-sku=${line.product.sku}>
      <strong>${productName(line.product)} × ${line.quantity}</strong>
      ${held.length
        ? html`<span>${t("ship.binsWithStock")}: ${held.map((b, i) => html`${i > 0 && " · "}<span class=${`code${b.location.code === chosen ? " wanted" : ""}`}>${b.location.code} (${b.available})</span>`)}</span>`
        : html`<span class="error">${t("ship.noStock", { warehouse })}</span>`}
    </li>`)}</ul>`;
}

export default function Ship({ ticket, step, done }) {
  const spec = STEPS[step];
  const needsBins = step === "reship" && ticket.remote;
  // One bin serves the whole reship; with several products the server may pick per product.
  const binRequired = needsBins && ticket.lines.length === 1;
  const bins = useBins(ticket, needsBins);
  const address = useAddress(spec.order(ticket));
  const [waybill, setWaybill] = useState("");
  const [courier, setCourier] = useState("");
  const [other, setOther] = useState(false);
  const [bin, setBin] = useState("");
  const [note, setNote] = useState("");
  const [busy, setBusy] = useState(false);

  const pick = (name, typed = false) => { setCourier(name); if (!typed) setOther(false); };
  const holds = (code) => bins.every((entry) => entry.bins.some((b) => b.location.code === code));
  const chooseBin = (code) => { setBin(code); answer(true, `${t("ship.fromBin")}\n${code}`); };
  const takeBin = (place) => {
    const sellable = place.zoneKind === "SELLABLE" && place.warehouse.code === ticket.warehouseCode;
    // Bins that could not be read leave the stock check to the server.
    if (sellable && (!bins?.length || holds(place.code))) { chooseBin(place.code); return; }
    answer(false, sellable ? `${t("error.code.INSUFFICIENT_STOCK")}\n${t("ship.binLacks", { code: place.code })}`
      : `${t("error.code.WRONG_ZONE")}\n${t("ship.notSellable", { code: place.code, warehouse: ticket.warehouseCode })}`);
  };
  const onScan = async (code) => {
    // A bin listed above needs no look-up, so picking works offline too.
    if (needsBins && bins?.length && holds(code)) { chooseBin(code); return; }
    const found = await whatIs(code);
    if (!found) return;
    if (found.kind === "LOCATION") {
      if (needsBins) takeBin(found.location);
      else answer(false, `${t("error.code.WRONG_ZONE")}\n${t("ship.noBinHere")}`);
    } else if (found.kind === "WAYBILL") {
      answer(false, `${t("error.code.DUPLICATE")}\n${t("ship.waybillUsed", { code })}`);
    } else if (found.kind !== "UNKNOWN") {
      answer(false, t("refused.notAWaybill", { code, what: t(`scan.${found.kind.toLowerCase()}`) }));
    } else {
      setWaybill(code);
      const guess = PREFIXES.find(([prefix]) => code.startsWith(prefix));
      if (guess && !courier) pick(guess[1]);
      answer(true, `${t("ship.newWaybill")}\n${code}`);
    }
  };

  const missing = [!waybill && t("ship.newWaybill"), !courier.trim() && t("scan.courier"), binRequired && !bin && t("ship.fromBin")].filter(Boolean);
  const confirm = async () => {
    setBusy(true);
    const input = { idempotencyKey: newKey(spec.name), ticketNumber: ticket.number, waybill, courier: courier.trim() };
    if (needsBins) input.fromLocationCode = bin;
    if (spec.note) input.note = note;
    const result = await act({
      name: spec.name,
      query: mutation(spec.name, spec.type),
      input,
      label: t("ship.queuedLabel", { what: spec.title(), number: ticket.number, waybill }),
      success: () => t("ship.shipped", { waybill }),
    });
    setBusy(false);
    if (result.ok || result.queued) done();
  };

  return html`
    <${TaskScreen} id="ship" title=${spec.title()}>
      <${ScanField} onScan=${onScan} />
      <section class="card" id="ship-form" data-step=${step} data-number=${ticket.number}>
        <h2><span class="code">${ticket.number}</span> · ${t(`status.${ticket.status}`)}</h2>
        <p class="muted">${spec.explain(ticket)}</p>
        <dl><${Field} label=${t("scan.customer")}>${[ticket.customerName, ticket.customerPhone].filter(Boolean).join(" · ") || "–"}${address && html`<br />${address}`}<//></dl>
        ${needsBins ? html`<${Bins} bins=${bins} chosen=${bin} warehouse=${ticket.warehouseCode} />` : html`
          <ul class="lines">${spec.goods(ticket).map((g) => html`
            <li key=${g.product.sku}><strong>${productName(g.product)} × ${g.quantity}</strong><span class="sku">${g.product.sku}</span></li>`)}</ul>`}
        <dl>
          <${Field} label=${t("ship.newWaybill")}><span id="new-waybill" class=${waybill ? "code" : "muted"}>${waybill || t("ship.scanWaybill")}</span><//>
          ${needsBins && html`<${Field} label=${t("ship.fromBin")}><span id="from-bin" class=${bin ? "code" : "muted"}>${bin || (binRequired ? t("ship.scanBin") : t("ship.anyBin"))}</span><//>`}
        </dl>
        <${CourierChoice} courier=${courier} other=${other} onPick=${pick} onOther=${() => { setOther(true); setCourier(""); }} />
        ${spec.note && html`<${NoteField} value=${note} onInput=${setNote} />`}
        ${missing.length > 0 && html`<p class="muted" id="missing">${t("ship.missing", { what: missing.join(t("ship.listSeparator")) })}</p>`}
        <button id="confirm" type="button" class="primary wide" disabled=${busy || missing.length > 0} onClick=${confirm}>${t("ship.confirm")}</button>
      </section>
    <//>`;
}

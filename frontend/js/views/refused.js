// Refused-parcel register (拒收件登记, Art. 17): the courier hands back a parcel the customer
// refused at the door. Scan its waybill (one of our outbound shipments, not delivered), check
// the order it belongs to, name both people who sign the hand-over, confirm: a new ticket.
// The waybill look-up, the parcel card and the session list are shared with undeliverable.js.
import { useEffect, useRef, useState } from "preact/hooks";
import { ApiError, graphql } from "../api.js";
import { act, authLost, networkOrServer } from "../act.js";
import { answer, answerQueued } from "../feedback.js";
import { html } from "../html.js";
import { t } from "../i18n.js";
import { newKey } from "../outbox.js";
import { ticketPath } from "../router.js";
import { ScanField } from "./scan-field.js";
import { Field, NoteField, TaskScreen, bilingual, productName, when } from "./task.js";

const PARCEL = `query Parcel($code: String!) { scan(code: $code) { code kind
  shipment { waybill courier status shippedAt order { number customer { name phone address } }
    lines { quantity product { sku nameZh nameEn } } }
  ticket { number status } } }`;
const REASONS = "{ returnReasons { code nameZh nameEn shippingFeePayer } }";
const RECORD = `mutation Refused($input: RecordRefusedParcelInput!) { recordRefusedParcel(input: $input) {
  ticket { number status } replayed userErrors { code message field } } }`;

// What a scanned waybill is: { code, shipment } when it may come back as a refused or
// undeliverable parcel, { code, error, ticket? } when not, { code, unchecked } when offline
// (the server checks it when the queued registration is sent).
async function lookUp(code) {
  try {
    const { scan } = await graphql(PARCEL, { code });
    if (scan.kind === "UNKNOWN") return { code, error: t("refused.unknownWaybill", { code }) };
    if (scan.kind !== "WAYBILL") return { code, error: t("refused.notAWaybill", { code, what: t(`scan.${scan.kind.toLowerCase()}`) }) };
    if (scan.ticket) return { code, ticket: scan.ticket, error: t("refused.onTicket", { code, number: scan.ticket.number }) };
    if (!scan.shipment) return { code, error: t("refused.unknownWaybill", { code }) };
    if (scan.shipment.status === "DELIVERED") return { code, error: t("refused.delivered", { code }) };
    return { code: scan.shipment.waybill, shipment: scan.shipment };
  } catch (error) {
    if (error instanceof ApiError && error.kind === "auth") { authLost(); return null; }
    if (error instanceof ApiError && error.kind === "network") return { code, unchecked: true };
    return { code, error: networkOrServer(error) };
  }
}

// The scanned parcel, looked up and answered (tone, flash); a newer scan wins over a slow answer.
export function useParcel(onNew) {
  const [parcel, setParcel] = useState(null);
  const seq = useRef(0);
  const scanned = async (code) => {
    const mine = ++seq.current;
    onNew?.();
    setParcel({ code, loading: true });
    const found = await lookUp(code);
    if (mine !== seq.current || !found) return;
    setParcel(found);
    if (found.error) answer(false, found.error);
    else if (found.unchecked) answerQueued(`${found.code}\n${t("refused.unchecked")}`);
    else answer(true, `${t("scan.ok")}\n${t("refused.order", { order: found.shipment.order.number })}`);
  };
  return { parcel, scanned, clear: () => { seq.current += 1; setParcel(null); } };
}

export function ParcelCard({ parcel }) {
  if (parcel.loading) return html`<section id="parcel" class="card"><p class="loading">${t("app.loading")}</p></section>`;
  if (parcel.error) {
    return html`
      <section id="parcel" class="card result result-error" data-waybill=${parcel.code} role="status">
        <h2>${parcel.error}</h2>
        ${parcel.ticket && html`<a class="button-link" href=${`#/${ticketPath(parcel.ticket.number)}`}>${t("refused.open", { number: parcel.ticket.number })}</a>`}
      </section>`;
  }
  if (parcel.unchecked) {
    return html`<section id="parcel" class="card result result-queued" data-waybill=${parcel.code} role="status">
      <h2>${t("scan.waybill")}: <span class="code">${parcel.code}</span></h2>
      <p class="stale">${t("refused.unchecked")}</p></section>`;
  }
  const { shipment } = parcel;
  const { customer } = shipment.order;
  return html`
    <section id="parcel" class="card result" data-waybill=${shipment.waybill} data-order=${shipment.order.number} role="status">
      <h2>${t("scan.waybill")}: <span class="code">${shipment.waybill}</span></h2>
      <dl>
        <${Field} label=${t("scan.order")}><span class="code">${shipment.order.number}</span><//>
        <${Field} label=${t("scan.customer")}>${customer.name} · ${customer.phone}<//>
        ${customer.address && html`<${Field} label=${t("refused.address")}>${customer.address}<//>`}
        <${Field} label=${t("scan.courier")}>${shipment.courier} · ${when(shipment.shippedAt)}<//>
      </dl>
      <ul class="lines">${shipment.lines.map((line) => html`
        <li key=${line.product.sku}><strong>${productName(line.product)} × ${line.quantity}</strong>
          <span class="sku">${line.product.sku}</span></li>`)}</ul>
    </section>`;
}

// The outcome of the last confirm (children: what to do next with its ticket), and the
// parcels registered since the screen opened.
export function Registered({ last, list, children }) {
  return html`
    ${last && html`
      <section id="registered" class=${`card result${last.queued ? " result-queued" : ""}`} data-number=${last.number ?? ""} role="status">
        <h2>${last.message}</h2>
        ${last.number && html`<a id="open-ticket" class="button-link" href=${`#/${ticketPath(last.number)}`}>${t("refused.open", { number: last.number })}</a>`}
        ${last.number && children}
      </section>`}
    ${list.length > 0 && html`
      <section class="card">
        <h2>${t("refused.count", { count: list.length })}</h2>
        <ul class="tickets" id="session">${list.map((entry) => html`
          <li key=${entry.key} data-number=${entry.number ?? ""}>
            ${entry.number
              ? html`<a href=${`#/${ticketPath(entry.number)}`} class="row-link">
                  <span class="number">${entry.number}</span><span class="status">${t(`status.${entry.status}`)}</span>
                  <span class="age">${entry.waybill}</span></a>`
              : html`<span class="number">${entry.waybill}</span><span class="status">${t("outbox.waitingShort")}</span>`}
          </li>`)}</ul>
      </section>`}`;
}

export function FeeField({ value, onInput, payer }) {
  return html`<label for="fee">${t("refused.fee")}
    <input id="fee" inputmode="decimal" autocomplete="off" value=${value} onInput=${(e) => onInput(e.target.value)} />
    <span class="muted" id="fee-payer">${t("refused.payer", { payer: t(`payer.${payer}`) })}</span></label>`;
}

// What a confirm answered, for Registered: the ticket (online) or the waybill waiting offline.
export function outcome(result, waybill, message) {
  if (result.queued) return { key: newKey("queued"), waybill, queued: true, message: t("outbox.saved") };
  const { number, status } = result.payload.ticket;
  return { key: number, number, status, waybill, message: message(number) };
}

function useReasons() {
  const [reasons, setReasons] = useState([]);
  useEffect(() => {
    graphql(REASONS).then((data) => setReasons(data.returnReasons), () => setReasons([]));
  }, []);
  return reasons;
}

export default function Refused({ user }) {
  const [last, setLast] = useState(null);
  const { parcel, scanned, clear } = useParcel(() => setLast(null));
  const reasons = useReasons();
  const [courierPerson, setCourierPerson] = useState("");
  const [staffPerson, setStaffPerson] = useState(user.displayName);
  const [reason, setReason] = useState("");
  const [fee, setFee] = useState("");
  const [note, setNote] = useState("");
  const [busy, setBusy] = useState(false);
  const [list, setList] = useState([]);
  const [round, setRound] = useState(0);

  const ready = parcel && (parcel.shipment || parcel.unchecked);
  const filled = courierPerson.trim() && staffPerson.trim();
  const payer = reasons.find((r) => r.code === reason)?.shippingFeePayer ?? "CUSTOMER";

  const confirm = async () => {
    setBusy(true);
    const waybill = parcel.code;
    const result = await act({
      name: "recordRefusedParcel",
      query: RECORD,
      input: { idempotencyKey: newKey("refused"), waybill, courierPerson, staffPerson, reasonCode: reason, shippingFee: fee, note },
      label: t("refused.queuedLabel", { waybill }),
      success: (payload) => t("refused.registered", { number: payload.ticket.number }),
    });
    setBusy(false);
    if (!result.ok && !result.queued) return;
    const entry = outcome(result, waybill, (number) => t("refused.registered", { number }));
    setList((old) => [entry, ...old]);
    setLast(entry);
    // The same courier often hands over several parcels: keep both names for the next one.
    clear();
    setReason("");
    setFee("");
    setNote("");
    setRound((n) => n + 1); // a fresh scan field takes the focus again
  };

  return html`
    <${TaskScreen} id="refused" title=${t("refused.heading")}>
      <${ScanField} key=${round} onScan=${scanned} />
      ${!parcel && html`<p class="muted">${t("refused.scanHint")}</p>`}
      ${parcel && html`<${ParcelCard} parcel=${parcel} />`}
      ${ready && html`
        <section class="card" id="handover">
          <label for="courier-person">${t("refused.courierPerson")}
            <input id="courier-person" autocomplete="off" value=${courierPerson} onInput=${(e) => setCourierPerson(e.target.value)} /></label>
          <label for="staff-person">${t("refused.staffPerson")}
            <input id="staff-person" autocomplete="off" value=${staffPerson} onInput=${(e) => setStaffPerson(e.target.value)} /></label>
          <label for="reason">${t("refused.reason")}
            <select id="reason" value=${reason} onChange=${(e) => setReason(e.target.value)}>
              <option value="">${t("refused.noReason")}</option>
              ${reasons.map((r) => html`<option key=${r.code} value=${r.code}>${bilingual(r)}</option>`)}
            </select></label>
          <${FeeField} value=${fee} onInput=${setFee} payer=${payer} />
          <${NoteField} value=${note} onInput=${setNote} />
          ${!filled && html`<p class="muted">${t("refused.needPersons")}</p>`}
          <button id="confirm" type="button" class="primary wide" disabled=${busy || !filled} onClick=${confirm}>${t("refused.confirm")}</button>
        </section>`}
      <${Registered} last=${last} list=${list} />
    <//>`;
}

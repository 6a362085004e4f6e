// Undeliverable in transit (在途退件, Art. 16): the courier could not deliver one of our
// parcels. Scan its waybill, say whether it is back here or stranded in another city, and
// confirm: a new ticket, whose next step is the reship with a new waybill.
import { useState } from "preact/hooks";
import { act } from "../act.js";
import { html } from "../html.js";
import { t } from "../i18n.js";
import { newKey } from "../outbox.js";
import { ticketPath } from "../router.js";
import { FeeField, ParcelCard, Registered, outcome, useParcel } from "./refused.js";
import { ScanField } from "./scan-field.js";
import { NoteField, TaskScreen } from "./task.js";

const REPORT = `mutation Undeliverable($input: ReportUndeliverableInput!) { reportUndeliverable(input: $input) {
  ticket { number status } replayed userErrors { code message field } } }`;

// No default: a wrong answer either ships stock twice or waits for goods that never come.
function RemoteChoice({ remote, onChange }) {
  const options = [[false, t("undeliverable.local")], [true, t("undeliverable.remote")]];
  return html`
    <fieldset class="remote" id="remote">
      <legend>${t("undeliverable.remoteQuestion")}</legend>
      <div class="choice">${options.map(([value, label]) => html`
        <button key=${label} type="button" data-remote=${value ? "1" : "0"} aria-pressed=${remote === value}
          onClick=${() => onChange(value)}>${label}</button>`)}</div>
      <p class="muted" id="remote-explain">${remote === null ? t("undeliverable.chooseRemote")
        : remote ? t("undeliverable.remoteExplain") : t("undeliverable.localExplain")}</p>
    </fieldset>`;
}

export default function Undeliverable() {
  const [last, setLast] = useState(null);
  const { parcel, scanned, clear } = useParcel(() => setLast(null));
  const [remote, setRemote] = useState(null);
  const [fee, setFee] = useState("");
  const [note, setNote] = useState("");
  const [busy, setBusy] = useState(false);
  const [list, setList] = useState([]);
  const [round, setRound] = useState(0);

  const ready = parcel && (parcel.shipment || parcel.unchecked);

  const confirm = async () => {
    setBusy(true);
    const waybill = parcel.code;
    const result = await act({
      name: "reportUndeliverable",
      query: REPORT,
      input: { idempotencyKey: newKey("undeliverable"), waybill, remote, shippingFee: fee, note },
      label: t("undeliverable.queuedLabel", { waybill }),
      success: (payload) => t("undeliverable.registered", { number: payload.ticket.number }),
    });
    setBusy(false);
    if (!result.ok && !result.queued) return;
    const entry = outcome(result, waybill, (number) => t("undeliverable.registered", { number }));
    setList((old) => [entry, ...old]);
    setLast(entry);
    clear();
    setRemote(null);
    setFee("");
    setNote("");
    setRound((n) => n + 1); // a fresh scan field takes the focus again
  };

  return html`
    <${TaskScreen} id="undeliverable" title=${t("undeliverable.heading")}>
      <${ScanField} key=${round} onScan=${scanned} />
      ${!parcel && html`<p class="muted">${t("undeliverable.scanHint")}</p>`}
      ${parcel && html`<${ParcelCard} parcel=${parcel} />`}
      ${ready && html`
        <section class="card" id="report">
          <${RemoteChoice} remote=${remote} onChange=${setRemote} />
          <${FeeField} value=${fee} onInput=${setFee} payer="MERCHANT" />
          <${NoteField} value=${note} onInput=${setNote} />
          <button id="confirm" type="button" class="primary wide" disabled=${busy || remote === null} onClick=${confirm}>${t("undeliverable.confirm")}</button>
        </section>`}
      <${Registered} last=${last} list=${list}>
        ${last?.number && html`<a id="reship-now" class="button-link" href=${`#/${ticketPath(last.number, "reship")}`}>${t("undeliverable.reshipNow")}</a>`}
      <//>
    <//>`;
}

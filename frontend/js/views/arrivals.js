// Arrivals (到件登记, Art. 9): scan each returning parcel's waybill or ticket number, one
// after another; the screen stays open. A parcel nobody applied for becomes an exception
// ticket for customer service (Art. 26.1). Each scan carries its own idempotency key, made
// when the clerk scanned, so a retry (or an offline replay) never registers a parcel twice.
import { useState } from "preact/hooks";
import { QUERIES } from "../api.js";
import { act, named } from "../act.js";
import { html } from "../html.js";
import { t } from "../i18n.js";
import { newKey } from "../outbox.js";
import { ScanField } from "./scan-field.js";
import { TaskScreen } from "./task.js";

const shown = (entry) => (entry.exception ? t("arrivals.exception", { number: entry.number }) : t("arrivals.registered", { number: entry.number }));

export default function Arrivals() {
  const [done, setDone] = useState([]);
  const [last, setLast] = useState(null);

  const onScan = async (code) => {
    const again = done.find((entry) => entry.code === code || entry.number === code);
    const result = await act({
      name: "registerParcel",
      query: QUERIES.registerParcel,
      input: { idempotencyKey: newKey("arrival"), code },
      label: t("arrivals.queuedLabel", { code }),
      success: (payload) => shown({ ...payload.ticket, exception: payload.exception }),
      failure: (error) => (again ? t("arrivals.duplicate", { number: again.number }) : named(error)),
    });
    if (result.ok) {
      const entry = { code, ...result.payload.ticket, exception: result.payload.exception };
      setDone((list) => [entry, ...list]);
      setLast(entry);
    } else if (result.queued) {
      const entry = { code, number: code, queued: true };
      setDone((list) => [entry, ...list]);
      setLast({ ...entry, message: t("outbox.saved") });
    } else {
      setLast({ code, error: again ? t("arrivals.duplicate", { number: again.number }) : result.error });
    }
  };

  return html`
    <${TaskScreen} id="arrivals" title=${t("arrivals.heading")}>
      <${ScanField} onScan=${onScan} />
      ${last && html`
        <section id="arrival-result" class=${`card result${last.error ? " result-error" : last.queued ? " result-queued" : ""}`} role="status">
          <h2>${last.error ?? last.message ?? shown(last)}</h2>
        </section>`}
      <section class="card">
        <h2>${t("arrivals.count", { count: done.length })}</h2>
        <ul class="tickets" id="arrived">
          ${done.map((entry) => html`
            <li key=${entry.number} data-number=${entry.number} data-exception=${entry.exception ? "1" : "0"} data-queued=${entry.queued ? "1" : "0"}>
              <span class="number">${entry.number}</span>
              <span class="status">${entry.queued ? t("outbox.waitingShort") : entry.exception ? t("arrivals.exceptionShort") : t(`status.${entry.status}`)}</span>
              <span class="age">${entry.customerName || entry.code}</span>
            </li>`)}
        </ul>
      </section>
    <//>`;
}

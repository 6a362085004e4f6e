// Arrivals (到件登记, Art. 9): scan each returning parcel's waybill or ticket number, one
// after another; the screen stays open. A parcel nobody applied for becomes an exception
// ticket for customer service (Art. 26.1). Each scan carries its own idempotency key, made
// when the clerk scanned, so a retry never registers a parcel twice.
import { useState } from "preact/hooks";
import { ApiError, QUERIES, graphql } from "../api.js";
import { answer } from "../feedback.js";
import { html } from "../html.js";
import { t } from "../i18n.js";
import { ScanField } from "./scan-field.js";

const newKey = () => `arrival-${crypto.randomUUID()}`;

function problem(error) {
  if (error.code === "INVALID_TRANSITION") return t("arrivals.wrongStep", { message: error.message });
  return t("error.server", { message: error.message });
}

export function Arrivals({ onBack, onSignOut }) {
  const [done, setDone] = useState([]);
  const [last, setLast] = useState(null);

  const onScan = async (code) => {
    try {
      const data = await graphql(QUERIES.registerParcel, { input: { idempotencyKey: newKey(), code } });
      const payload = data.registerParcel;
      if (payload.userErrors.length) {
        const again = done.find((entry) => entry.code === code || entry.number === code);
        const message = again ? t("arrivals.duplicate", { number: again.number }) : problem(payload.userErrors[0]);
        setLast({ code, error: message });
        answer(false, message);
        return;
      }
      const entry = { code, ...payload.ticket, exception: payload.exception };
      setDone((list) => [entry, ...list]);
      setLast(entry);
      answer(true, payload.exception ? t("arrivals.exception", { number: entry.number }) : t("arrivals.registered", { number: entry.number }));
    } catch (e) {
      if (e instanceof ApiError && e.kind === "auth") { onSignOut(); return; }
      const message = e instanceof ApiError && e.kind === "network" ? t("error.network") : t("error.server", { message: e.message });
      setLast({ code, error: message });
      answer(false, message);
    }
  };

  return html`
    <div id="arrivals" class="task">
      <div class="who">
        <h2>${t("arrivals.heading")}</h2>
        <button id="back" type="button" class="secondary" onClick=${onBack}>${t("app.back")}</button>
      </div>
      <${ScanField} onScan=${onScan} />
      ${last && html`
        <section id="arrival-result" class=${`card result${last.error ? " result-error" : ""}`} role="status">
          <h2>${last.error ?? (last.exception ? t("arrivals.exception", { number: last.number }) : t("arrivals.registered", { number: last.number }))}</h2>
        </section>`}
      <section class="card">
        <h2>${t("arrivals.count", { count: done.length })}</h2>
        <ul class="tickets" id="arrived">
          ${done.map((entry) => html`
            <li key=${entry.number} data-number=${entry.number} data-exception=${entry.exception ? "1" : "0"}>
              <span class="number">${entry.number}</span>
              <span class="status">${entry.exception ? t("arrivals.exceptionShort") : t(`status.${entry.status}`)}</span>
              <span class="age">${entry.customerName || entry.code}</span>
            </li>`)}
        </ul>
      </section>
    </div>`;
}

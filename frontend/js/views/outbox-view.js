// The outbox: changes made offline, in the order they will be sent, and the ones the server
// refused, which wait here for a person to retry (after fixing the cause) or discard.
import { useEffect, useState } from "preact/hooks";
import { html } from "../html.js";
import { t } from "../i18n.js";
import { discard, drain, entries, onOutbox, retry } from "../outbox.js";
import { TaskScreen, when } from "./task.js";

export default function OutboxView() {
  const [list, setList] = useState([]);
  useEffect(() => onOutbox(() => { entries().then(setList); }), []);
  const waiting = list.filter((e) => e.state === "waiting");
  const failed = list.filter((e) => e.state === "failed");
  return html`
    <${TaskScreen} id="outbox" title=${t("outbox.heading")}>
      <section class="card" id="outbox-failed"><h2>${t("outbox.failedHeading", { count: failed.length })}</h2>
        ${failed.length === 0 && html`<p class="muted">${t("outbox.noneFailed")}</p>`}
        <ul class="history">${failed.map((e) => html`
          <li key=${e.id} data-id=${e.id} data-name=${e.name}>
            <strong>${e.label}</strong><span class="when">${when(new Date(e.at).toISOString())}</span>
            <span class="error">${e.error}</span>
            <span class="row-buttons">
              ${e.query && html`<button type="button" class="primary" data-do="retry" onClick=${() => retry(e.id)}>${t("outbox.retry")}</button>`}
              <button type="button" data-do="discard" onClick=${() => { if (confirm(t("outbox.discardConfirm"))) discard(e.id); }}>${t("outbox.discard")}</button>
            </span>
          </li>`)}</ul>
      </section>
      <section class="card" id="outbox-waiting"><h2>${t("outbox.waitingHeading", { count: waiting.length })}</h2>
        <ol class="history">${waiting.map((e) => html`
          <li key=${e.id} data-id=${e.id} data-name=${e.name}><strong>${e.label}</strong><span class="when">${when(new Date(e.at).toISOString())}</span></li>`)}</ol>
        ${waiting.length > 0 && html`<button type="button" class="primary wide" id="outbox-send" onClick=${() => drain()}>${t("outbox.sendNow")}</button>`}
      </section>
    <//>`;
}

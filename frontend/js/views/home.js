// The role-aware home: scan first, then "my queue" (count and oldest tickets), live.
import { useCallback, useEffect, useState } from "preact/hooks";
import { authLost } from "../act.js";
import { ApiError, QUERIES, follow, graphql } from "../api.js";
import { html } from "../html.js";
import { clockTime, duration, language, t } from "../i18n.js";
import { lookUp } from "../lookup.js";
import { go, ticketPath } from "../router.js";
import { ScanField } from "./scan-field.js";
import { ScannerSettings } from "./settings.js";
import { HOME_TASKS } from "./screens.js";

const QUEUE_CACHE = "queue";

function useQueue(onAuthLost) {
  const [queue, setQueue] = useState(() => {
    try { return JSON.parse(localStorage.getItem(QUEUE_CACHE)); } catch { return null; }
  });
  // stale: not read since this screen opened; failed: the last read failed (then, and only
  // then, the card says how old its numbers are).
  const [stale, setStale] = useState(true);
  const [failed, setFailed] = useState(false);
  const load = useCallback(async () => {
    try {
      const data = await graphql(QUERIES.myQueue, { first: 5 });
      const fresh = { ...data.myQueue, at: Date.now() };
      localStorage.setItem(QUEUE_CACHE, JSON.stringify(fresh));
      setQueue(fresh);
      setStale(false);
      setFailed(false);
    } catch (e) {
      setStale(true);
      setFailed(true);
      if (e instanceof ApiError && e.kind === "auth") onAuthLost();
    }
  }, []);
  useEffect(() => {
    load();
    return follow(QUERIES.ticketChanged, {}, load, 150);
  }, [load]);
  return { queue, stale, failed };
}

function QueueCard({ queue, stale, failed }) {
  if (!queue) return html`<section id="queue" class="card"><h2>${t("home.myQueue")}</h2><p>${t("app.loading")}</p></section>`;
  const since = Math.max(0, Math.floor((Date.now() - queue.at) / 1000)); // ages grow while offline
  return html`
    <section id="queue" class="card" data-total=${queue.total} data-stale=${stale ? "1" : "0"}>
      <h2>${t("home.myQueue")} <span id="queue-total" class="count">${queue.total}</span></h2>
      <p class="muted">${queue.total ? t("home.queueCount", { count: queue.total }) : t("home.queueEmpty")}
        ${failed && html` · <span class="stale">${t("home.staleSince", { time: clockTime(queue.at) })}</span>`}</p>
      ${queue.tickets.length > 0 && html`
        <h3>${t("home.oldest")}</h3>
        <ul class="tickets">
          ${queue.tickets.map((ticket) => html`
            <li key=${ticket.number} data-number=${ticket.number}>
              <a href=${`#/${ticketPath(ticket.number)}`} class="row-link">
                <span class="number">${ticket.number}</span>
                <span class="status">${t(`status.${ticket.status}`)}</span>
                <span class="age">${t("home.age", { age: duration(ticket.ageSeconds + since) })}</span>
              </a>
            </li>`)}
        </ul>`}
      ${queue.total > queue.tickets.length && html`<a id="open-queue" class="button-link" href="#/queue">${t("home.wholeQueue", { count: queue.total })}</a>`}
    </section>`;
}

function Field({ label, children }) {
  return html`<div class="field"><dt>${label}</dt><dd>${children}</dd></div>`;
}

function ScanResult({ result }) {
  if (!result) return null;
  const { kind } = result;
  if (result.error) {
    return html`<section id="scan-result" class="card result result-error" data-kind=${kind} role="status">
      <h2>${result.error}</h2></section>`;
  }
  const productName = (p) => (language() === "en" ? p.nameEn : p.nameZh);
  let body;
  if (kind === "PRODUCT") {
    const p = result.product;
    body = html`<h2>${t("scan.product")}: ${productName(p)}</h2>
      <dl><${Field} label=${t("scan.sku")}><span class="sku">${p.sku}</span><//>
        <${Field} label=${t("scan.barcodes")}>${p.barcodes.join(", ")}<//></dl>`;
  } else if (kind === "LOCATION") {
    const l = result.location;
    body = html`<h2>${t("scan.location")}: <span class="code">${l.code}</span></h2>
      <dl><${Field} label=${t("scan.zone")}>${t(`zone.${l.zoneKind}`)} · ${l.name}<//>
        <${Field} label=${t("scan.warehouse")}>${l.warehouse.name}<//></dl>`;
  } else if (kind === "WAYBILL") {
    const s = result.shipment;
    body = html`<h2>${t("scan.waybill")}: <span class="code">${s?.waybill ?? result.code}</span></h2>
      <dl>${s && html`<${Field} label=${t("scan.courier")}>${s.courier}<//>
        <${Field} label=${t("scan.order")}>${s.order.number}<//>`}
        ${result.ticket && html`<${Field} label=${t("scan.linkedTicket")}>${result.ticket.number} · ${t(`status.${result.ticket.status}`)}<//>`}</dl>`;
  } else if (kind === "TICKET") {
    const k = result.ticket;
    body = html`<h2>${t("scan.ticket")}: <span class="code">${k.number}</span></h2>
      <dl><${Field} label=${t("scan.status")}><span class="status" data-status=${k.status}>${t(`status.${k.status}`)}</span><//>
        <${Field} label=${t("scan.customer")}>${k.customerName}<//></dl>`;
  }
  return html`<section id="scan-result" class="card result" data-kind=${kind} role="status">${body}</section>`;
}

export function Home({ user }) {
  const { queue, stale, failed } = useQueue(authLost);
  const [result, setResult] = useState(null);
  const onScan = (code) => lookUp(code, setResult);

  const tasks = HOME_TASKS[user.role] ?? [];
  return html`
    <div id="home" class="home" data-role=${user.role}>
      <div class="who">
        <span id="who">${user.displayName} · <span class="role">${t(`role.${user.role}`)}</span></span>
        <button id="sign-out" type="button" class="secondary" onClick=${() => dispatchEvent(new Event("sign-out"))}>${t("home.signOut")}</button>
      </div>
      <${ScanField} onScan=${onScan} />
      ${tasks.length > 0 && html`
        <nav class="tasks">${tasks.map((name) => html`
          <button key=${name} id=${`open-${name}`} type="button" onClick=${() => go(name)}>${t(`task.${name}`)}</button>`)}
        </nav>`}
      <${ScanResult} result=${result} />
      <${QueueCard} queue=${queue} stale=${stale} failed=${failed} />
      <${ScannerSettings} />
    </div>`;
}

// The role-aware home: scan first, then "my queue" (count and oldest tickets), live.
import { useCallback, useEffect, useRef, useState } from "preact/hooks";
import { ApiError, QUERIES, graphql, onSocketStatus, subscribe } from "../api.js";
import { answer } from "../feedback.js";
import { html } from "../html.js";
import { duration, language, t } from "../i18n.js";
import { Arrivals } from "./arrivals.js";
import { ScanField } from "./scan-field.js";

const RECEIVING_ROLES = new Set(["WAREHOUSE", "LOGISTICS", "ADMIN"]);

const QUEUE_CACHE = "queue";

function useQueue(onAuthLost) {
  const [queue, setQueue] = useState(() => {
    try { return JSON.parse(localStorage.getItem(QUEUE_CACHE)); } catch { return null; }
  });
  const [stale, setStale] = useState(true);
  const load = useCallback(async () => {
    try {
      const data = await graphql(QUERIES.myQueue, { first: 5 });
      const fresh = { ...data.myQueue, at: Date.now() };
      localStorage.setItem(QUEUE_CACHE, JSON.stringify(fresh));
      setQueue(fresh);
      setStale(false);
    } catch (e) {
      setStale(true);
      if (e instanceof ApiError && e.kind === "auth") onAuthLost();
    }
  }, []);
  useEffect(() => {
    load();
    let timer = 0;
    const soon = () => { clearTimeout(timer); timer = setTimeout(load, 150); };
    const stop = subscribe(QUERIES.ticketChanged, {}, soon);
    // After a reconnect, events may have been missed: read the queue again.
    let wasDown = false;
    const stopStatus = onSocketStatus((status) => {
      if (status === "reconnecting") wasDown = true;
      if (status === "connected" && wasDown) { wasDown = false; soon(); }
    });
    addEventListener("online", soon);
    return () => { stop(); stopStatus(); clearTimeout(timer); removeEventListener("online", soon); };
  }, [load]);
  return { queue, stale };
}

const clock = (ms) => new Intl.DateTimeFormat(language(), { timeStyle: "short" }).format(ms);

function QueueCard({ queue, stale }) {
  if (!queue) return html`<section id="queue" class="card"><h2>${t("home.myQueue")}</h2><p>${t("app.loading")}</p></section>`;
  const since = Math.max(0, Math.floor((Date.now() - queue.at) / 1000)); // ages grow while offline
  return html`
    <section id="queue" class="card" data-total=${queue.total} data-stale=${stale ? "1" : "0"}>
      <h2>${t("home.myQueue")} <span id="queue-total" class="count">${queue.total}</span></h2>
      <p class="muted">${queue.total ? t("home.queueCount", { count: queue.total }) : t("home.queueEmpty")}
        ${stale && html` · <span class="stale">${t("home.staleSince", { time: clock(queue.at) })}</span>`}</p>
      ${queue.tickets.length > 0 && html`
        <h3>${t("home.oldest")}</h3>
        <ul class="tickets">
          ${queue.tickets.map((ticket) => html`
            <li key=${ticket.number} data-number=${ticket.number}>
              <span class="number">${ticket.number}</span>
              <span class="status">${t(`status.${ticket.status}`)}</span>
              <span class="age">${t("home.age", { age: duration(ticket.ageSeconds + since) })}</span>
            </li>`)}
        </ul>`}
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

export function Home({ user, onSignOut }) {
  const { queue, stale } = useQueue(onSignOut);
  const [result, setResult] = useState(null);
  const [screen, setScreen] = useState("home");
  const seq = useRef(0);

  const onScan = async (code) => {
    const mine = ++seq.current;
    try {
      const data = await graphql(QUERIES.scan, { code });
      if (mine !== seq.current) return; // a newer scan answered first
      const found = data.scan;
      if (found.kind === "UNKNOWN") {
        const message = t("error.unknownCode", { code });
        setResult({ kind: "UNKNOWN", code, error: message });
        answer(false, message);
        return;
      }
      setResult(found);
      const label = { PRODUCT: found.product?.sku, LOCATION: found.location?.code,
        WAYBILL: found.shipment?.waybill ?? found.code, TICKET: found.ticket?.number }[found.kind];
      answer(true, `${t("scan.ok")}\n${label}`);
    } catch (e) {
      if (e instanceof ApiError && e.kind === "auth") { onSignOut(); return; }
      const message = e instanceof ApiError && e.kind === "network" ? t("error.network") : t("error.server", { message: e.message });
      setResult({ kind: "ERROR", code, error: message });
      answer(false, message);
    }
  };

  if (screen === "arrivals") {
    return html`<${Arrivals} onBack=${() => setScreen("home")} onSignOut=${onSignOut} />`;
  }
  return html`
    <div id="home" class="home" data-role=${user.role}>
      <div class="who">
        <span id="who">${user.displayName} · <span class="role">${t(`role.${user.role}`)}</span></span>
        <button id="sign-out" type="button" class="secondary" onClick=${onSignOut}>${t("home.signOut")}</button>
      </div>
      <${ScanField} onScan=${onScan} />
      ${RECEIVING_ROLES.has(user.role) && html`
        <nav class="tasks"><button id="open-arrivals" type="button" onClick=${() => setScreen("arrivals")}>${t("arrivals.heading")}</button></nav>`}
      <${ScanResult} result=${result} />
      <${QueueCard} queue=${queue} stale=${stale} />
    </div>`;
}

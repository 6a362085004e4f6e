// The connection banner: offline (no network), reconnecting (live updates lost for now), and
// the outbox: N changes waiting to be sent, M that need a person (a tap opens the list).
import { useEffect, useState } from "preact/hooks";
import { onSocketStatus } from "../api.js";
import { html } from "../html.js";
import { t } from "../i18n.js";
import { onOutbox } from "../outbox.js";

export function ConnectionBanner() {
  const [online, setOnline] = useState(navigator.onLine);
  const [socket, setSocket] = useState("idle");
  const [outbox, setOutbox] = useState({ waiting: 0, failed: 0 });
  useEffect(() => {
    const up = () => setOnline(true);
    const down = () => setOnline(false);
    addEventListener("online", up);
    addEventListener("offline", down);
    const stop = onSocketStatus(setSocket);
    const stopOutbox = onOutbox(setOutbox);
    return () => { removeEventListener("online", up); removeEventListener("offline", down); stop(); stopOutbox(); };
  }, []);
  const state = !online ? "offline" : socket === "reconnecting" ? "reconnecting" : null;
  return html`
    ${state && html`<div id="connection" class=${`banner banner-${state}`} role="status" data-state=${state}>${t(`conn.${state}`)}</div>`}
    ${(outbox.waiting > 0 || outbox.failed > 0) && html`
      <a id="outbox-banner" class=${`banner banner-outbox${outbox.failed ? " banner-failed" : ""}`} href="#/outbox"
        data-waiting=${outbox.waiting} data-failed=${outbox.failed}>
        ${outbox.waiting > 0 && html`<span>${t("outbox.waiting", { count: outbox.waiting })}</span>`}
        ${outbox.failed > 0 && html`<span>${t("outbox.failed", { count: outbox.failed })}</span>`}
      </a>`}`;
}

// The connection banner: offline (no network) or reconnecting (live updates lost for now).
import { useEffect, useState } from "preact/hooks";
import { onSocketStatus } from "../api.js";
import { html } from "../html.js";
import { t } from "../i18n.js";

export function ConnectionBanner() {
  const [online, setOnline] = useState(navigator.onLine);
  const [socket, setSocket] = useState("idle");
  useEffect(() => {
    const up = () => setOnline(true);
    const down = () => setOnline(false);
    addEventListener("online", up);
    addEventListener("offline", down);
    const stop = onSocketStatus(setSocket);
    return () => { removeEventListener("online", up); removeEventListener("offline", down); stop(); };
  }, []);
  if (!online) return html`<div id="connection" class="banner banner-offline" role="status" data-state="offline">${t("conn.offline")}</div>`;
  if (socket === "reconnecting") return html`<div id="connection" class="banner banner-reconnecting" role="status" data-state="reconnecting">${t("conn.reconnecting")}</div>`;
  return null;
}

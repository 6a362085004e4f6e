// This device's scanner settings, on the home screen: how long a repeated identical scan is
// taken for the scanner's double read, and whether scans answer with a tone.
import { useState } from "preact/hooks";
import { muted, setMuted } from "../feedback.js";
import { html } from "../html.js";
import { t } from "../i18n.js";
import { repeatDelayMs, setRepeatDelayMs } from "../scan.js";

const DELAYS = [0, 300, 500, 800, 1200, 2000];

export function ScannerSettings() {
  const [delay, setDelay] = useState(repeatDelayMs);
  const [quiet, setQuiet] = useState(muted);
  const refocus = () => document.getElementById("scan-input")?.focus();
  return html`
    <details class="card settings" id="scanner-settings">
      <summary>${t("settings.heading")}</summary>
      <label for="repeat-delay">${t("settings.repeatDelay")}
        <select id="repeat-delay" value=${delay}
          onChange=${(e) => { const ms = Number(e.target.value); setRepeatDelayMs(ms); setDelay(ms); refocus(); }}>
          ${DELAYS.map((ms) => html`<option key=${ms} value=${ms}>${ms ? t("settings.ms", { ms }) : t("settings.never")}</option>`)}
        </select></label>
      <label class="check"><input id="mute" type="checkbox" checked=${quiet}
        onChange=${(e) => { setMuted(e.target.checked); setQuiet(e.target.checked); refocus(); }} />
        ${t("settings.mute")}</label>
    </details>`;
}

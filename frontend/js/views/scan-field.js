// The scan field every task screen opens with: focused, soft keyboard down (inputmode="none")
// unless the user asks for manual entry; Enter or Tab ends a scan.
import { useEffect, useRef, useState } from "preact/hooks";
import { html } from "../html.js";
import { t } from "../i18n.js";
import { attachWedge } from "../scan.js";

export function ScanField({ onScan, onDuplicate }) {
  const input = useRef(null);
  const [manual, setManual] = useState(false);
  const handlers = useRef({ onScan, onDuplicate });
  handlers.current = { onScan, onDuplicate };

  useEffect(() => {
    const el = input.current;
    el.focus();
    const detach = attachWedge(el, {
      onScan: (code) => handlers.current.onScan(code),
      onDuplicate: (code) => handlers.current.onDuplicate?.(code),
    });
    const refocus = () => { if (document.visibilityState === "visible") el.focus(); };
    document.addEventListener("visibilitychange", refocus);
    return () => { detach(); document.removeEventListener("visibilitychange", refocus); };
  }, []);

  const toggle = () => {
    setManual((on) => !on);
    // inputmode changes apply on the next focus: blur and focus to raise or drop the keyboard.
    input.current.blur();
    setTimeout(() => input.current.focus(), 0);
  };
  const submit = (event) => {
    event.preventDefault();
    input.current.dispatchEvent(new KeyboardEvent("keydown", { key: "Enter", bubbles: true }));
    input.current.focus();
  };

  return html`
    <form class="scan" onSubmit=${submit}>
      <label for="scan-input">${t("scan.label")}</label>
      <div class="scan-row">
        <input id="scan-input" ref=${input} inputmode=${manual ? "text" : "none"} autocomplete="off"
          autocapitalize="characters" spellcheck="false" enterkeyhint="search" placeholder=${t("scan.placeholder")} />
        <button id="manual-toggle" type="button" class="secondary" aria-pressed=${manual} onClick=${toggle}>
          ${manual ? t("scan.manualOff") : t("scan.manual")}
        </button>
      </div>
      ${manual && html`<button type="submit" class="primary wide">${t("scan.submit")}</button>`}
    </form>`;
}

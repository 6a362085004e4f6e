// The scan field every task screen opens with: focused, soft keyboard down (inputmode="none")
// unless the user asks for manual entry; Enter or Tab ends a scan. On phones a camera button
// opens a camera panel whose codes go to the same `onScan`.
import { useEffect, useRef, useState } from "preact/hooks";
import { cameraAvailable, scanWithCamera } from "../camera.js";
import { unlockAudio } from "../feedback.js";
import { html } from "../html.js";
import { t } from "../i18n.js";
import { attachWedge } from "../scan.js";

const CAMERA_ICON = html`<svg aria-hidden="true" viewBox="0 0 24 24" width="26" height="26" fill="none"
  stroke="currentColor" stroke-width="2" stroke-linejoin="round"><path d="M3 8h4l2-3h6l2 3h4v11H3z" />
  <circle cx="12" cy="13" r="3.5" /></svg>`;

// The camera is on while this panel is shown; closing it (or a code) turns the camera off.
function CameraPanel({ onCode, onClose }) {
  const video = useRef(null);
  const [live, setLive] = useState(false);
  const [error, setError] = useState(null);

  useEffect(() => {
    const closed = new AbortController();
    scanWithCamera(video.current, closed.signal).then(
      (code) => { if (code) onCode(code); },
      (e) => { if (!closed.signal.aborted) setError(e.kind ?? "failed"); },
    );
    return () => closed.abort();
  }, []);

  const status = error ? t(`camera.${error}`) : (live ? t("camera.hint") : t("camera.starting"));
  return html`
    <section id="camera" class="camera" aria-label=${t("camera.open")}>
      <video ref=${video} muted playsinline onPlaying=${() => setLive(true)} hidden=${Boolean(error)} />
      <p id="camera-status" class=${error ? "error" : "muted"} role=${error ? "alert" : "status"}>${status}</p>
      <button id="camera-close" type="button" class="wide" onClick=${onClose}>${t("camera.close")}</button>
    </section>`;
}

export function ScanField({ onScan, onDuplicate }) {
  const input = useRef(null);
  const [manual, setManual] = useState(false);
  const [camera, setCamera] = useState(false);
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
  const openCamera = () => {
    unlockAudio(); // this tap allows the tone that answers the camera's scan
    setCamera(true);
    input.current.focus(); // a wedge scanner still works while the camera is open
  };
  const closeCamera = () => {
    setCamera(false);
    input.current.focus();
  };
  const cameraScan = (code) => {
    closeCamera();
    handlers.current.onScan(code);
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
        ${cameraAvailable() && html`
          <button id="camera-open" type="button" class="secondary icon" aria-label=${t("camera.open")}
            title=${t("camera.open")} aria-expanded=${camera} onClick=${camera ? closeCamera : openCamera}>${CAMERA_ICON}</button>`}
      </div>
      ${manual && html`<button type="submit" class="primary wide">${t("scan.submit")}</button>`}
      ${camera && html`<${CameraPanel} onCode=${cameraScan} onClose=${closeCamera} />`}
    </form>`;
}

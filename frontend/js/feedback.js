// Every scan answers on three channels: a tone, a vibration where supported, a full-screen flash.
let audio = null;
const MUTE_KEY = "mute";

export const muted = () => localStorage.getItem(MUTE_KEY) === "1";
export const setMuted = (on) => localStorage.setItem(MUTE_KEY, on ? "1" : "0");

// Browsers start an AudioContext only after a user gesture: call this from a tap or key press.
export function unlockAudio() {
  if (!audio && (window.AudioContext || window.webkitAudioContext)) {
    audio = new (window.AudioContext || window.webkitAudioContext)();
  }
  if (audio?.state === "suspended") audio.resume().catch(() => {});
}

function beep(frequency, start, length) {
  const osc = audio.createOscillator();
  const gain = audio.createGain();
  osc.type = "square";
  osc.frequency.value = frequency;
  gain.gain.setValueAtTime(0.15, audio.currentTime + start);
  gain.gain.exponentialRampToValueAtTime(0.0001, audio.currentTime + start + length);
  osc.connect(gain).connect(audio.destination);
  osc.start(audio.currentTime + start);
  osc.stop(audio.currentTime + start + length + 0.02);
}

export function tone(ok) {
  if (muted()) return;
  try {
    unlockAudio();
    if (!audio) return;
    if (ok) beep(1760, 0, 0.09); // one short high tone
    else { beep(330, 0, 0.14); beep(330, 0.2, 0.14); } // a low double tone
  } catch { /* no audio on this device */ }
}

export function vibrate(ok) {
  try {
    if ("vibrate" in navigator) navigator.vibrate(ok ? 60 : [120, 80, 120]);
  } catch { /* not allowed without a gesture */ }
}

let hideTimer = 0;
// Full-screen colour flash with a big message: green ok, red error. Never takes the focus.
export function flash(kind, message, { ms = kind === "ok" ? 700 : 1400 } = {}) {
  const el = document.getElementById("flash");
  el.className = `flash flash-${kind}`;
  el.dataset.kind = kind;
  el.textContent = message;
  el.hidden = false;
  clearTimeout(hideTimer);
  hideTimer = setTimeout(() => { el.hidden = true; }, ms);
}

export function answer(ok, message) {
  tone(ok);
  vibrate(ok);
  flash(ok ? "ok" : "error", message);
}

// Saved on this device, to be sent when the connection returns: amber, one tone.
export function answerQueued(message) {
  tone(true);
  vibrate(true);
  flash("queued", message, { ms: 1200 });
}

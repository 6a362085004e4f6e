// Keyboard-wedge scanning: a scanner types the code in a burst and ends it with Enter or Tab.
// Pure helpers first (normalise, the duplicate filter), then the key handling for an <input>.

const DELAY_KEY = "scanRepeatDelayMs";
export const DEFAULT_REPEAT_DELAY_MS = 800;

export function repeatDelayMs() {
  const saved = Number(localStorage.getItem(DELAY_KEY));
  return Number.isFinite(saved) && saved >= 0 && localStorage.getItem(DELAY_KEY) !== null ? saved : DEFAULT_REPEAT_DELAY_MS;
}

export function setRepeatDelayMs(ms) {
  localStorage.setItem(DELAY_KEY, String(ms));
}

// Full-width characters (an IME left on, a scanner set to a CJK layout) become ASCII; spaces trimmed.
export function normaliseCode(raw) {
  return raw.normalize("NFKC").replace(/[\u0000-\u001f\u007f]/g, "").trim();
}

// Ignores the same code seen again within `delayMs` (a scanner's double read, a nervous trigger).
export function duplicateFilter(now = () => performance.now()) {
  let last = null;
  let lastAt = -Infinity;
  return (code, delayMs = repeatDelayMs()) => {
    const at = now();
    const duplicate = code === last && at - lastAt < delayMs;
    last = code;
    lastAt = at;
    return !duplicate;
  };
}

// Wires an input: Enter or Tab ends a scan; `onScan(code)` gets each accepted, normalised code.
// The last key pressed anywhere, to tell whether a scanner was mid-burst when a field appeared.
let lastKey = { at: -Infinity, ended: true };
addEventListener("keydown", (event) => {
  lastKey = { at: performance.now(), ended: event.key === "Enter" || event.key === "Tab" };
}, true);

// `onDuplicate(code)` hears the ignored repeats. If the field appears while a scanner is
// mid-burst (the scan before changed the screen and the scanner read twice), the rest of that
// burst is dropped: it is the tail of a code typed into the previous screen, not a code.
export function attachWedge(input, { onScan, onDuplicate = () => {} }) {
  const accept = duplicateFilter();
  const attachedAt = performance.now();
  let tail = !lastKey.ended && attachedAt - lastKey.at < 100;
  const finish = () => {
    const code = normaliseCode(input.value);
    input.value = "";
    const dropped = tail && performance.now() - attachedAt < 500;
    tail = false;
    if (!code || dropped) return;
    if (accept(code)) onScan(code);
    else onDuplicate(code);
  };
  const onKey = (event) => {
    if (event.isComposing) return;
    if (event.key === "Enter" || event.key === "Tab") {
      event.preventDefault(); // Tab must not move focus away from the scan field
      finish();
    }
  };
  input.addEventListener("keydown", onKey);
  return () => input.removeEventListener("keydown", onKey);
}

// Camera scanning for phones: the rear camera into a <video>, one barcode read every 200 ms.
// The browser's own BarcodeDetector where it reads all our formats; elsewhere the vendored
// barcode-detector ponyfill (zxing-wasm, about 470 KB gzipped), imported only at that moment so
// the first load stays small. sw.js caches it on first use for offline scanning.
import { duplicateFilter, normaliseCode } from "./scan.js";

const FORMATS = ["code_128", "ean_13", "ean_8", "code_39", "qr_code", "upc_a", "itf", "data_matrix"];
const READ_EVERY_MS = 200;
const DECODER = "/vendor/barcode-detector/";
// One object for the whole session: the ponyfill reloads its .wasm when the overrides change.
const FROM_OUR_ORIGIN = { locateFile: (file, prefix) => (file.endsWith(".wasm") ? DECODER + file : prefix + file) };

// A code still in front of the lens when the camera is opened again is not read twice.
const accept = duplicateFilter();

export const cameraAvailable = () => Boolean(navigator.mediaDevices?.getUserMedia);

// kind: "denied", "noCamera", "busy", "decoder" or "failed" (each has a `camera.<kind>` string).
export class CameraError extends Error {
  constructor(kind, cause) {
    super(`camera: ${kind}`, { cause });
    this.kind = kind;
  }
}

async function nativeDetector() {
  if (!("BarcodeDetector" in window)) return null;
  try {
    const supported = await window.BarcodeDetector.getSupportedFormats();
    return FORMATS.every((format) => supported.includes(format)) ? new window.BarcodeDetector({ formats: FORMATS }) : null;
  } catch {
    return null;
  }
}

async function vendoredDetector() {
  let decoder = null;
  try {
    decoder = await import("/vendor/barcode-detector/ponyfill.js");
    decoder.setZXingModuleOverrides(FROM_OUR_ORIGIN);
    await decoder.prepareZXingModule({ fireImmediately: true }); // fails here, not on the first frame
    return new decoder.BarcodeDetector({ formats: FORMATS });
  } catch (e) {
    decoder?.purgeZXingModule(); // it keeps a failed load: the next try must start afresh
    throw new CameraError("decoder", e);
  }
}

const detector = async () => (await nativeDetector()) ?? vendoredDetector();

async function rearCamera() {
  try {
    return await navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" }, audio: false });
  } catch (e) {
    const kind = { NotAllowedError: "denied", SecurityError: "denied", NotFoundError: "noCamera",
      OverconstrainedError: "noCamera", NotReadableError: "busy" }[e.name] ?? "failed";
    throw new CameraError(kind, e);
  }
}

async function firstNewCode(video, reader, signal) {
  while (!signal.aborted) {
    let found = [];
    try {
      found = await reader.detect(video);
    } catch (e) {
      throw new CameraError("decoder", e);
    }
    const code = found.map((barcode) => normaliseCode(barcode.rawValue)).find((text) => text && accept(text));
    if (code) return code;
    await new Promise((resolve) => setTimeout(resolve, READ_EVERY_MS));
  }
  return null;
}

// Shows the rear camera in `video` and reads until a new code is seen (resolves with it) or
// `signal` aborts (resolves null). The camera is off again when it settles. Throws CameraError.
export async function scanWithCamera(video, signal) {
  const reader = detector(); // loads while the camera starts; the preview shows meanwhile
  reader.catch(() => {}); // awaited below, unless the camera fails first
  const stream = await rearCamera();
  const stop = () => stream.getTracks().forEach((track) => track.stop());
  signal.addEventListener("abort", stop, { once: true });
  try {
    if (signal.aborted) return null;
    video.srcObject = stream;
    await video.play();
    return await firstNewCode(video, await reader, signal);
  } finally {
    stop();
    signal.removeEventListener("abort", stop);
    video.srcObject = null;
  }
}

// Photos of returned goods: taken with the phone's back camera, turned upright by their EXIF
// orientation, scaled to at most 1600 px on the long side and saved as JPEG before anything
// is sent. Each photo is named by the SHA-256 of those bytes, the name the server stores it
// under too (POST /photos keeps the bytes as sent), so a result cites its photos before they
// are uploaded: kept in IndexedDB when the user confirms, the outbox sends them first.
import { useEffect, useRef, useState } from "preact/hooks";
import { html } from "./html.js";
import { t } from "./i18n.js";
import { keepPhoto } from "./outbox.js";

// backend/domain/returns/inspection.py MAX_PHOTOS: the most photos one result may carry.
export const MAX_PHOTOS = 12;
const LONG_SIDE = 1600;
const QUALITY = 0.8;

async function toJpeg(bitmap, width, height) {
  const canvas = typeof OffscreenCanvas === "function"
    ? new OffscreenCanvas(width, height)
    : Object.assign(document.createElement("canvas"), { width, height });
  const context = canvas.getContext("2d");
  context.imageSmoothingQuality = "high";
  context.drawImage(bitmap, 0, 0, width, height);
  if (canvas.convertToBlob) return canvas.convertToBlob({ type: "image/jpeg", quality: QUALITY });
  return new Promise((resolve, reject) => canvas.toBlob(
    (blob) => (blob ? resolve(blob) : reject(new Error("canvas.toBlob gave nothing"))), "image/jpeg", QUALITY));
}

export async function sha256Hex(blob) {
  const digest = await crypto.subtle.digest("SHA-256", await blob.arrayBuffer());
  return Array.from(new Uint8Array(digest), (byte) => byte.toString(16).padStart(2, "0")).join("");
}

// A file from the camera or the gallery as { sha256, blob, url } (url: an object URL for
// the thumbnail, revoked when the photo is removed or its result leaves the screen).
export async function preparePhoto(file) {
  const bitmap = await createImageBitmap(file, { imageOrientation: "from-image" });
  let blob;
  try {
    const scale = Math.min(1, LONG_SIDE / Math.max(bitmap.width, bitmap.height));
    blob = await toJpeg(bitmap, Math.round(bitmap.width * scale), Math.round(bitmap.height * scale));
  } finally {
    bitmap.close();
  }
  return { sha256: await sha256Hex(blob), blob, url: URL.createObjectURL(blob) };
}

export const keepPhotos = (photos) => Promise.all(photos.map((p) => keepPhoto(p.sha256, p.blob)));

// "Take a photo" with its thumbnails, each removable. `onAdd(photo)` and `onRemove(sha256)`
// change the owner's list; `onBusy(true|false)` says a photo is being prepared.
export function Photos({ id, photos, onAdd, onRemove, onBusy }) {
  const input = useRef(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState("");
  const shown = useRef(photos);
  shown.current = photos;
  useEffect(() => () => shown.current.forEach((p) => URL.revokeObjectURL(p.url)), []);

  const working = (on) => { setBusy(on); onBusy(on); };
  const take = async (event) => {
    const files = [...event.target.files].slice(0, MAX_PHOTOS - photos.length);
    event.target.value = "";
    if (!files.length) return;
    setError("");
    working(true);
    try {
      for (const file of files) {
        const photo = await preparePhoto(file);
        if (shown.current.some((p) => p.sha256 === photo.sha256)) URL.revokeObjectURL(photo.url);
        else onAdd(photo);
      }
    } catch {
      setError(t("photo.unreadable"));
    } finally {
      working(false);
    }
  };
  const remove = (photo) => {
    URL.revokeObjectURL(photo.url);
    onRemove(photo.sha256);
  };

  return html`
    <div class="photos" role="group" aria-labelledby=${`${id}-label`} data-count=${photos.length}>
      <p class="group-label" id=${`${id}-label`}>${t("photo.count", { count: photos.length, max: MAX_PHOTOS })}</p>
      ${photos.length > 0 && html`<ul class="photo-list">${photos.map((photo, i) => html`
        <li key=${photo.sha256} data-sha256=${photo.sha256}>
          <img src=${photo.url} alt=${t("photo.nth", { n: i + 1 })} width="64" height="64" />
          <button type="button" class="remove-photo" aria-label=${t("photo.remove", { n: i + 1 })}
            onClick=${() => remove(photo)}>×</button>
        </li>`)}</ul>`}
      <input ref=${input} id=${id} type="file" accept="image/*" capture="environment" hidden onChange=${take} />
      <button type="button" class="wide take-photo" disabled=${busy || photos.length >= MAX_PHOTOS}
        onClick=${() => input.current.click()}>${busy ? t("photo.preparing") : t("photo.take")}</button>
      ${error && html`<p class="error" role="alert">${error}</p>`}
    </div>`;
}

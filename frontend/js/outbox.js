// The offline outbox. A change made without a connection is stored in IndexedDB with the
// idempotency key made when the user acted, and sent in order when the connection returns.
// The server answers a key it has seen with its first answer, so a replay never books twice.
// A change the server refuses (a business rule, a permission) waits in the failures list
// for a person: it is never dropped silently.
import { ApiError, graphql } from "./api.js";
import { t } from "./i18n.js";
import * as idb from "./idb.js";

const listeners = new Set();
let counts = { waiting: 0, failed: 0 };
let draining = null;

export const newKey = (prefix) => `${prefix}-${crypto.randomUUID()}`;

export function onOutbox(listener) {
  listeners.add(listener);
  listener(counts);
  return () => listeners.delete(listener);
}

async function recount() {
  const entries = await idb.all("outbox");
  counts = {
    waiting: entries.filter((e) => e.state === "waiting").length,
    failed: entries.filter((e) => e.state === "failed").length,
  };
  listeners.forEach((listener) => listener(counts));
  return entries;
}

export const entries = () => idb.all("outbox");

// Runs a mutation now, or stores it when offline (or while older changes still wait, to
// keep the order). Answers { payload } when the server answered, { queued: true } otherwise.
// `name` is the mutation's root field; `input` already carries its idempotencyKey.
export async function perform(name, query, input, { label = name } = {}) {
  const waiting = counts.waiting > 0;
  if (navigator.onLine && !waiting) {
    try {
      await uploadPhotos();
      const data = await graphql(query, { input });
      return { payload: data[name] };
    } catch (error) {
      if (!(error instanceof ApiError && error.kind === "network")) throw error;
    }
  }
  await idb.put("outbox", { name, query, input, label, at: Date.now(), state: "waiting", error: "" });
  await recount();
  scheduleDrain();
  return { queued: true };
}

// Photos taken offline: kept by their SHA-256 (the name the server gives them too) until sent.
export async function keepPhoto(sha256, blob) {
  await idb.put("photos", { sha256, blob, at: Date.now() });
}

export async function photoBlob(sha256) {
  return (await idb.get("photos", sha256))?.blob ?? null;
}

async function uploadPhotos() {
  for (const photo of await idb.all("photos")) {
    let response;
    try {
      response = await fetch("/photos", {
        method: "POST",
        headers: { authorization: `Bearer ${localStorage.getItem("token")}`, "content-type": photo.blob.type || "image/jpeg" },
        body: photo.blob,
      });
    } catch (error) {
      throw new ApiError("network", error.message);
    }
    if (response.status === 401) throw new ApiError("auth", "sign in again");
    if (response.status >= 500) throw new ApiError("network", `photo upload: HTTP ${response.status}`);
    if (!response.ok) {
      // Refused for good (too big, not an image): a person hears of it, the queue goes on.
      const reason = (await response.json().catch(() => ({}))).error ?? `HTTP ${response.status}`;
      await idb.put("outbox", { name: "photo", query: "", input: {}, label: t("outbox.photo"), at: photo.at, state: "failed", error: reason });
    }
    await idb.remove("photos", photo.sha256);
  }
}

function problem(payload) {
  return payload?.userErrors?.length ? payload.userErrors.map((e) => e.message).join("; ") : "";
}

async function drainOnce() {
  await uploadPhotos();
  for (const entry of await idb.all("outbox")) {
    if (entry.state !== "waiting") continue;
    let failure = "";
    try {
      const data = await graphql(entry.query, { input: entry.input });
      failure = problem(data[entry.name]);
    } catch (error) {
      if (error instanceof ApiError && (error.kind === "network" || error.kind === "auth")) throw error;
      failure = error.message;
    }
    if (failure) await idb.put("outbox", { ...entry, state: "failed", error: failure });
    else await idb.remove("outbox", entry.id);
    await recount();
  }
}

// Sends what waits, one change after another; stops at the first network failure.
export function drain() {
  draining ??= drainOnce()
    .catch(() => {})
    .finally(() => { draining = null; recount(); });
  return draining;
}

let timer = 0;
function scheduleDrain(ms = 5000) {
  clearTimeout(timer);
  timer = setTimeout(async () => {
    if (navigator.onLine) await drain();
    if (counts.waiting) scheduleDrain(15000);
  }, ms);
}

export async function retry(id) {
  const entry = await idb.get("outbox", id);
  if (entry) await idb.put("outbox", { ...entry, state: "waiting", error: "" });
  await recount();
  await drain();
}

export async function discard(id) {
  await idb.remove("outbox", id);
  await recount();
}

export function startOutbox() {
  addEventListener("online", () => drain());
  recount().then(() => { if (navigator.onLine && counts.waiting) drain(); });
}

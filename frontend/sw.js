// Service worker: a versioned app-shell precache. Bump VERSION whenever a file in SHELL changes;
// tests/e2e/test_pwa.py checks that SHELL and SCREENS together list every shell file.
const VERSION = "shell-2026-11-28.2";
const SHELL = [
  "/",
  "/index.html",
  "/app.css",
  "/manifest.webmanifest",
  "/icons/icon-192.png",
  "/icons/icon-512.png",
  "/icons/maskable-512.png",
  "/i18n/zh-CN.json",
  "/i18n/en.json",
  "/js/main.js",
  "/js/act.js",
  "/js/api.js",
  "/js/camera.js",
  "/js/feedback.js",
  "/js/html.js",
  "/js/i18n.js",
  "/js/idb.js",
  "/js/lookup.js",
  "/js/outbox.js",
  "/js/router.js",
  "/js/scan.js",
  "/js/sw-client.js",
  "/js/tickets.js",
  "/js/views/connection.js",
  "/js/views/home.js",
  "/js/views/login.js",
  "/js/views/route-view.js",
  "/js/views/scan-field.js",
  "/js/views/screens.js",
  "/js/views/settings.js",
  "/js/views/task.js",
  "/js/views/ticket.js",
  "/vendor/preact.mjs",
  "/vendor/preact-hooks.mjs",
  "/vendor/htm.mjs",
  "/vendor/graphql-ws/client.js",
  "/vendor/graphql-ws/common-CGW11Fyb.js",
];
// The screens of each task (js/views/screens.js loads them when first opened): cached in the
// background once someone has signed in (the page posts CACHE_SCREENS), so the first visit
// stays small and every screen still works offline afterwards.
const SCREENS = [
  "/js/photos.js",
  "/js/views/application.js",
  "/js/views/arrivals.js",
  "/js/views/casework.js",
  "/js/views/charts.js",
  "/js/views/corrective-form.js",
  "/js/views/corrective.js",
  "/js/views/dashboard.js",
  "/js/views/decide.js",
  "/js/views/follow-up.js",
  "/js/views/inspect.js",
  "/js/views/low-stock.js",
  "/js/views/outbox-view.js",
  "/js/views/put-away.js",
  "/js/views/queue.js",
  "/js/views/refund.js",
  "/js/views/refused.js",
  "/js/views/replacement.js",
  "/js/views/ship.js",
  "/js/views/stock.js",
  "/js/views/swap-waybill.js",
  "/js/views/transfer.js",
  "/js/views/undeliverable.js",
  "/js/views/unpack.js",
];
// The camera's barcode decoder (js/camera.js, about 470 KB gzipped) is not in the shell: it is
// cached on first use, in a cache that outlives shell versions. Rename it when the decoder
// changes version (scripts/vendor-frontend.sh).
const DECODER = "/vendor/barcode-detector/";
const DECODER_CACHE = "decoder-v3.2.2";
// Live data and files are never cached here.
const NEVER = ["/graphql", "/photos", "/labels", "/exports", "/healthz"];

self.addEventListener("install", (event) => {
  // No skipWaiting here: a new version waits until the page asks (the user tapped "reload").
  event.waitUntil(caches.open(VERSION).then((cache) => cache.addAll(SHELL.map((url) => new Request(url, { cache: "reload" })))));
});

self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    const names = await caches.keys();
    await Promise.all(names.filter((name) => name !== VERSION && name !== DECODER_CACHE).map((name) => caches.delete(name)));
    await self.clients.claim();
  })());
});

self.addEventListener("message", (event) => {
  if (event.data?.type === "SKIP_WAITING") self.skipWaiting();
  if (event.data?.type === "CACHE_SCREENS") event.waitUntil(cacheScreens());
});

async function cacheScreens() {
  const cache = await caches.open(VERSION);
  const missing = [];
  for (const url of SCREENS) if (!(await cache.match(url))) missing.push(url);
  await cache.addAll(missing.map((url) => new Request(url, { cache: "reload" })));
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (NEVER.some((prefix) => url.pathname === prefix || url.pathname.startsWith(`${prefix}/`))) return;

  if (request.mode === "navigate") {
    // Network first, so a deployed page shows at once; the cached shell when offline.
    event.respondWith((async () => {
      try {
        return await fetch(request);
      } catch {
        const cache = await caches.open(VERSION);
        return (await cache.match("/index.html")) || Response.error();
      }
    })());
    return;
  }
  if (url.pathname.startsWith(DECODER)) {
    event.respondWith(cacheFirst(DECODER_CACHE, request));
    return;
  }
  // Shell files: from this version's cache, else the network.
  event.respondWith((async () => {
    const cache = await caches.open(VERSION);
    return (await cache.match(request, { ignoreSearch: true })) || fetch(request);
  })());
});

async function cacheFirst(name, request) {
  const cache = await caches.open(name);
  const cached = await cache.match(request);
  if (cached) return cached;
  const response = await fetch(request);
  if (response.ok) await cache.put(request, response.clone());
  return response;
}

// Service worker: a versioned app-shell precache. Bump VERSION whenever a file in SHELL changes;
// tests/e2e/test_pwa.py checks that SHELL lists every shell file.
const VERSION = "shell-2026-11-27.3";
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
  "/js/api.js",
  "/js/feedback.js",
  "/js/html.js",
  "/js/i18n.js",
  "/js/scan.js",
  "/js/sw-client.js",
  "/js/views/arrivals.js",
  "/js/views/connection.js",
  "/js/views/home.js",
  "/js/views/login.js",
  "/js/views/scan-field.js",
  "/vendor/preact.mjs",
  "/vendor/preact-hooks.mjs",
  "/vendor/htm.mjs",
  "/vendor/graphql-ws/client.js",
  "/vendor/graphql-ws/common-CGW11Fyb.js",
];
// Live data and files are never cached here.
const NEVER = ["/graphql", "/photos", "/labels", "/healthz"];

self.addEventListener("install", (event) => {
  // No skipWaiting here: a new version waits until the page asks (the user tapped "reload").
  event.waitUntil(caches.open(VERSION).then((cache) => cache.addAll(SHELL.map((url) => new Request(url, { cache: "reload" })))));
});

self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    const names = await caches.keys();
    await Promise.all(names.filter((name) => name !== VERSION).map((name) => caches.delete(name)));
    await self.clients.claim();
  })());
});

self.addEventListener("message", (event) => {
  if (event.data?.type === "SKIP_WAITING") self.skipWaiting();
});

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
  // Shell files: from this version's cache, else the network.
  event.respondWith((async () => {
    const cache = await caches.open(VERSION);
    return (await cache.match(request, { ignoreSearch: true })) || fetch(request);
  })());
});

// Boot: language, service worker (with the "new version, reload" banner), then the app.
import { useEffect, useState } from "preact/hooks";
import { ApiError, QUERIES, closeSockets, getToken, graphql, setToken } from "./api.js";
import { html, render } from "./html.js";
import { defaultLanguage, language, onLanguage, setLanguage } from "./i18n.js";
import { registerServiceWorker } from "./sw-client.js";
import { startOutbox } from "./outbox.js";
import { ConnectionBanner } from "./views/connection.js";
import { Login } from "./views/login.js";
import { RouteView } from "./views/route-view.js";

const USER_CACHE = "user";

function App() {
  const [, setLang] = useState(language());
  const [user, setUser] = useState(() => {
    if (!getToken()) return null;
    try { return JSON.parse(localStorage.getItem(USER_CACHE)); } catch { return null; }
  });
  useEffect(() => onLanguage(setLang), []);

  const loadMe = async () => {
    const data = await graphql(QUERIES.me);
    localStorage.setItem(USER_CACHE, JSON.stringify(data.me));
    setUser(data.me);
  };
  const signOut = async () => {
    if (getToken()) await graphql(QUERIES.logout).catch(() => {});
    setToken(null);
    localStorage.removeItem(USER_CACHE);
    localStorage.removeItem("queue");
    Object.keys(localStorage).filter((k) => k.startsWith("ticket:")).forEach((k) => localStorage.removeItem(k));
    if (location.hash) location.hash = "";
    closeSockets();
    setUser(null);
  };
  // Any screen may learn that the token was refused, or the user may tap "sign out".
  useEffect(() => {
    addEventListener("auth-lost", signOut);
    addEventListener("sign-out", signOut);
    return () => { removeEventListener("auth-lost", signOut); removeEventListener("sign-out", signOut); };
  }, []);
  // Signed in: the service worker fetches every task screen now, so each works offline later.
  useEffect(() => {
    if (user) navigator.serviceWorker?.ready.then((reg) => reg.active?.postMessage({ type: "CACHE_SCREENS" }));
  }, [user]);
  useEffect(() => {
    if (!getToken()) return;
    loadMe().catch((e) => {
      // Offline: keep the last known user; a refused token signs out.
      if (e instanceof ApiError && e.kind === "auth") signOut();
    });
  }, []);

  return html`
    <${ConnectionBanner} />
    ${user ? html`<${RouteView} user=${user} />` : html`<${Login} onSignedIn=${loadMe} />`}`;
}

async function boot() {
  await setLanguage(defaultLanguage(), { remember: false });
  document.getElementById("lang").addEventListener("click", () => {
    setLanguage(language() === "en" ? "zh-CN" : "en");
    document.getElementById("scan-input")?.focus();
  });
  const root = document.getElementById("app");
  root.textContent = ""; // drop the static "loading" line
  render(html`<${App} />`, root);
  registerServiceWorker();
  startOutbox();
}

boot();

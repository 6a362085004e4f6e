// zh-CN first, en second: flat JSON dictionaries, `t(key, params)` with {name} interpolation.
export const LANGUAGES = ["zh-CN", "en"];
const STORE = "lang";
const dictionaries = {};
let current = "zh-CN";
const listeners = new Set();

export function defaultLanguage() {
  const saved = localStorage.getItem(STORE);
  if (LANGUAGES.includes(saved)) return saved;
  const wanted = navigator.languages?.length ? navigator.languages : [navigator.language || ""];
  for (const tag of wanted) {
    if (tag.toLowerCase().startsWith("zh")) return "zh-CN";
    if (tag.toLowerCase().startsWith("en")) return "en";
  }
  return "zh-CN";
}

async function load(lang) {
  if (!dictionaries[lang]) {
    const response = await fetch(`/i18n/${lang}.json`);
    dictionaries[lang] = await response.json();
  }
  return dictionaries[lang];
}

export const language = () => current;

export async function setLanguage(lang, { remember = true } = {}) {
  await load(lang);
  current = lang;
  if (remember) localStorage.setItem(STORE, lang);
  document.documentElement.lang = lang;
  document.querySelectorAll("[data-i18n]").forEach((el) => { el.textContent = t(el.dataset.i18n); });
  document.title = `${t("app.title")}`;
  listeners.forEach((listener) => listener(lang));
}

export function onLanguage(listener) {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export const has = (key) => key in (dictionaries[current] ?? {}) || key in (dictionaries.en ?? {});

export function t(key, params = {}) {
  const text = dictionaries[current]?.[key] ?? dictionaries.en?.[key];
  if (text === undefined) {
    console.warn("i18n: missing key", key);
    return key;
  }
  return text.replace(/\{(\w+)\}/g, (_, name) => (name in params ? String(params[name]) : `{${name}}`));
}

export function duration(seconds) {
  if (seconds < 60) return t("duration.seconds", { n: seconds });
  if (seconds < 3600) return t("duration.minutes", { n: Math.floor(seconds / 60) });
  if (seconds < 86400) return t("duration.hours", { n: Math.floor(seconds / 3600) });
  return t("duration.days", { n: Math.floor(seconds / 86400) });
}

// Date formatters are costly to build (locale data): one per language and style, reused.
const formatters = new Map();
function formatter(style) {
  const key = `${current}|${style}`;
  if (!formatters.has(key)) {
    const options = style === "time" ? { timeStyle: "short" } : { dateStyle: "short", timeStyle: "short" };
    formatters.set(key, new Intl.DateTimeFormat(current, options));
  }
  return formatters.get(key);
}

export const clockTime = (ms) => formatter("time").format(ms); // 10:42
export const dateTime = (value) => formatter("date").format(new Date(value)); // 2026/11/27 10:42

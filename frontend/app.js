// The floor app's shell: sign-in and scan lookup. Issue 4 grows it into the full PWA.
const TEXT = {
  "zh-CN": { title: "仓库退换货", username: "用户名", password: "密码", signIn: "登录", signOut: "退出",
    scan: "扫描条码或库位", look: "查询", unknown: "未知条码", onHand: "在库", reserved: "预留",
    available: "可用", bin: "库位", product: "商品", badLogin: "用户名或密码错误" },
  en: { title: "Warehouse returns desk", username: "User name", password: "Password", signIn: "Sign in",
    signOut: "Sign out", scan: "Scan a barcode or bin", look: "Look up", unknown: "Unknown code",
    onHand: "On hand", reserved: "Reserved", available: "Available", bin: "Bin", product: "Product",
    badLogin: "Wrong user name or password" },
};
let lang = localStorage.getItem("lang") || (navigator.language.startsWith("zh") ? "zh-CN" : "en");
const t = (key) => TEXT[lang][key];
const $ = (id) => document.getElementById(id);

function render() {
  document.documentElement.lang = lang;
  document.querySelectorAll("[data-i18n]").forEach((el) => { el.textContent = t(el.dataset.i18n); });
  $("lang").textContent = lang === "en" ? "中文" : "EN";
}

async function graphql(query, variables = {}) {
  const headers = { "content-type": "application/json" };
  const token = sessionStorage.getItem("token");
  if (token) headers.authorization = `Bearer ${token}`;
  const response = await fetch("/graphql", { method: "POST", headers, body: JSON.stringify({ query, variables }) });
  const body = await response.json();
  if (body.errors) throw new Error(body.errors[0].message);
  return body.data;
}

function cell(text) { const td = document.createElement("td"); td.textContent = text; return td; }

function showLevels(title, levels) {
  const result = $("result");
  result.replaceChildren();
  const heading = document.createElement("h2");
  heading.textContent = title;
  const table = document.createElement("table");
  const head = document.createElement("tr");
  for (const key of ["product", "bin", "onHand", "reserved", "available"]) {
    const th = document.createElement("th"); th.textContent = t(key); head.append(th);
  }
  table.append(head);
  for (const level of levels) {
    const row = document.createElement("tr");
    row.append(cell(level.product.sku), cell(level.location.code), cell(level.onHand),
      cell(level.reserved), cell(level.available));
    table.append(row);
  }
  result.append(heading, table);
}

const LEVELS = `{ nodes { onHand reserved available product { sku } location { code } } }`;

async function lookup(code) {
  const data = await graphql(`query S($code: String!) { scan(code: $code) { kind
      product { sku nameZh nameEn } location { code } } }`, { code });
  const found = data.scan;
  if (found.kind === "PRODUCT") {
    const levels = await graphql(`query L($sku: String!) { stockLevels(filter: { sku: $sku }) ${LEVELS} }`, { sku: found.product.sku });
    showLevels(`${found.product.sku} ${lang === "en" ? found.product.nameEn : found.product.nameZh}`, levels.stockLevels.nodes);
  } else if (found.kind === "LOCATION") {
    const levels = await graphql(`query L($bin: String!) { stockLevels(filter: { locationCode: $bin }) ${LEVELS} }`, { bin: found.location.code });
    showLevels(found.location.code, levels.stockLevels.nodes);
  } else {
    $("result").textContent = `${t("unknown")}: ${found.kind === "UNKNOWN" ? code : ""}`;
  }
}

async function signedIn() {
  const data = await graphql("{ me { username displayName role } }");
  $("who").textContent = `${data.me.displayName} (${data.me.role})`;
  $("login").hidden = true;
  $("lookup").hidden = false;
  $("code").focus();
}

$("lang").addEventListener("click", () => {
  lang = lang === "en" ? "zh-CN" : "en";
  localStorage.setItem("lang", lang);
  render();
});

$("login").addEventListener("submit", async (event) => {
  event.preventDefault();
  const form = new FormData(event.target);
  const data = await graphql(`mutation L($input: LoginInput!) { login(input: $input) { token userErrors { message } } }`,
    { input: { username: form.get("username"), password: form.get("password") } });
  if (!data.login.token) { $("login-error").textContent = t("badLogin"); return; }
  sessionStorage.setItem("token", data.login.token);
  await signedIn();
});

$("scan").addEventListener("submit", async (event) => {
  event.preventDefault();
  const input = $("code");
  const code = input.value.trim();
  input.value = "";
  if (code) await lookup(code).catch((error) => { $("result").textContent = error.message; });
  input.focus();
});

$("logout").addEventListener("click", async () => {
  await graphql("mutation { logout(input: {}) { ok } }").catch(() => {});
  sessionStorage.removeItem("token");
  location.reload();
});

render();
if (sessionStorage.getItem("token")) signedIn().catch(() => sessionStorage.removeItem("token"));

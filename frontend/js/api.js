// GraphQL over fetch (queries, mutations) and graphql-ws (subscriptions), with the bearer token.
import { createClient } from "graphql-ws";

const TOKEN = "token";
export const getToken = () => localStorage.getItem(TOKEN);
export const setToken = (token) => (token ? localStorage.setItem(TOKEN, token) : localStorage.removeItem(TOKEN));

export class ApiError extends Error {
  constructor(kind, message, extra = {}) {
    super(message);
    this.kind = kind; // "network" | "auth" | "server"
    Object.assign(this, extra);
  }
}

export async function graphql(query, variables = {}, { timeoutMs = 15000 } = {}) {
  const headers = { "content-type": "application/json" };
  const token = getToken();
  if (token) headers.authorization = `Bearer ${token}`;
  let response;
  try {
    response = await fetch("/graphql", {
      method: "POST",
      headers,
      body: JSON.stringify({ query, variables }),
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (error) {
    throw new ApiError("network", error.message);
  }
  let body;
  try {
    body = await response.json();
  } catch {
    throw new ApiError(response.status >= 500 ? "server" : "network", `HTTP ${response.status}`);
  }
  if (body.errors?.length) {
    const first = body.errors[0];
    const code = first.extensions?.code;
    const auth = response.status === 401 || code === "UNAUTHENTICATED" || /sign in|not signed|authenticat/i.test(first.message);
    throw new ApiError(auth ? "auth" : "server", first.message, { code });
  }
  return body.data;
}

// One WebSocket per signed-in session; `status` callbacks drive the connection banner.
let client = null;
const statusListeners = new Set();
let wsStatus = "idle"; // idle | connecting | connected | reconnecting
let active = 0; // open subscriptions: with none, the lazy socket closes on purpose

function setStatus(status) {
  wsStatus = status;
  statusListeners.forEach((listener) => listener(status));
}

export function onSocketStatus(listener) {
  statusListeners.add(listener);
  listener(wsStatus);
  return () => statusListeners.delete(listener);
}

function socket() {
  if (client) return client;
  const url = `${location.protocol === "https:" ? "wss" : "ws"}://${location.host}/graphql`;
  let connectedOnce = false;
  client = createClient({
    url,
    lazy: true,
    lazyCloseTimeout: 3000, // moving between screens drops and takes subscriptions
    keepAlive: 15000,
    retryAttempts: Infinity,
    shouldRetry: () => true,
    retryWait: async (retries) => {
      await new Promise((resolve) => setTimeout(resolve, Math.min(1000 * 2 ** retries, 15000) + Math.random() * 500));
    },
    connectionParams: () => ({ authorization: `Bearer ${getToken()}` }),
    on: {
      connecting: () => setStatus(wsStatus === "reconnecting" ? "reconnecting" : "connecting"),
      connected: () => { connectedOnce = true; setStatus("connected"); },
      closed: () => setStatus(connectedOnce && active > 0 ? "reconnecting" : "idle"),
    },
  });
  return client;
}

// Calls `next(data)` for each event; returns the unsubscribe function.
export function subscribe(query, variables, next) {
  active += 1;
  const stop = socket().subscribe(
    { query, variables },
    {
      next: (result) => result.data && next(result.data),
      error: (error) => console.warn("subscription error", error),
      complete: () => {},
    },
  );
  let stopped = false;
  return () => {
    if (stopped) return;
    stopped = true;
    active -= 1;
    stop();
  };
}

export function closeSockets() {
  if (client) {
    client.dispose();
    client = null;
  }
  setStatus("idle");
}

export const QUERIES = {
  me: "{ me { username displayName role } }",
  login: "mutation Login($input: LoginInput!) { login(input: $input) { token userErrors { code message } } }",
  logout: "mutation { logout(input: {}) { ok } }",
  myQueue: "query Queue($first: Int) { myQueue(first: $first) { total tickets { number status ageSeconds kind } } }",
  scan: `query Scan($code: String!) { scan(code: $code) { code kind
      product { sku nameZh nameEn barcodes }
      location { code name zoneKind warehouse { code name } }
      shipment { waybill courier status order { number } }
      ticket { number status kind customerName } } }`,
  registerParcel: `mutation Register($input: RegisterParcelInput!) { registerParcel(input: $input) {
      ticket { number status customerName } exception replayed userErrors { code message } } }`,
  ticketChanged: "subscription { returnTicketChanged { ticketId number status previousStatus } }",
};

// Keeps a screen's data live: `reload()` (debounced) after each event of the subscription,
// and after the connection comes back, since events may have been missed meanwhile.
// Returns the stop function (for a useEffect cleanup).
export function follow(query, variables, reload, delayMs = 120) {
  let timer = 0;
  const soon = () => { clearTimeout(timer); timer = setTimeout(reload, delayMs); };
  const stop = subscribe(query, variables, soon);
  let wasDown = false;
  const stopStatus = onSocketStatus((status) => {
    if (status === "reconnecting") wasDown = true;
    if (status === "connected" && wasDown) { wasDown = false; soon(); }
  });
  addEventListener("online", soon);
  return () => { stop(); stopStatus(); clearTimeout(timer); removeEventListener("online", soon); };
}

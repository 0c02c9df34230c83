// The demo page: the ankorstore-client package (WebAssembly) running in the browser.
// Every call goes to this page's own origin: /mock, /sandbox and /production are served or
// forwarded by the local demo server, so no CORS is involved and the CSP allows 'self' only.
// The client secret lives in this module's memory (and the password field) only: it is never
// written to storage, the URL, the console or the DOM outside that field.

const DEMO_CREDENTIALS = Object.freeze({ clientId: "demo-client-id", clientSecret: "demo-client-secret" });

const ENVIRONMENTS = {
  mock: {
    prefix: "/mock",
    name: "the built-in mock",
    hint: "A fake Ankorstore run by the local demo server. The demo credentials are filled in for you.",
  },
  sandbox: {
    prefix: "/sandbox",
    name: "the Ankorstore sandbox",
    hint: "Calls go through the local server to https://www.public.ankorstore-sandbox.com. Use the API client id and secret of your sandbox account.",
  },
  production: {
    prefix: "/production",
    name: "Ankorstore production",
    hint: "Real data: calls go through the local server to https://www.ankorstore.com. Prefer the sandbox to try things out.",
  },
};

/** Rows per step of the list, and the `page[limit]` asked for: one "More" is one page request. */
const LIST_STEP = 10;

const $ = (id) => document.getElementById(id);
const ui = {
  form: $("connect-form"),
  clientId: $("client-id"),
  clientSecret: $("client-secret"),
  connect: $("connect"),
  forget: $("forget"),
  envHint: $("env-hint"),
  status: $("status"),
  error: $("error"),
  main: $("main"),
  tokenCard: $("token-card"),
  tokenState: $("token-state"),
  tokenNote: $("token-note"),
  tokenExpires: $("token-expires"),
  tokenLeft: $("token-left"),
  tokenLifetime: $("token-lifetime"),
  userCard: $("user-card"),
  listCard: $("list-card"),
  listTitle: $("list-title"),
  listSummary: $("list-summary"),
  listCode: $("list-code"),
  listHead: $("list-head"),
  listBody: document.querySelector("#list tbody"),
  listEnd: $("list-end"),
  listMore: $("list-more"),
  listStop: $("list-stop"),
  listRestart: $("list-restart"),
  kinds: $("kinds"),
};

let pkg = null; // the package's module, once its wasm is compiled
let busy = false;
/** The current client: reused while environment, id and secret stay the same (its token cache lives in it). */
let session = null; // { key, env, client, expiresAt }
/** What the list shows: "orders" or "products" (a key of LISTS). */
let listKind = "orders";
/**
 * The list being read: { session, kind, iterator (of client.paginate()), controller (its
 * AbortController), shown (rows), steps, loading, finished: null | "end" | "stopped" | "failed" }.
 */
let listing = null;
let countdown = null;
let environment = null; // set by selectEnvironment()
/** What was typed per environment, in memory only, so switching back and forth keeps it. */
const drafts = { mock: { ...DEMO_CREDENTIALS }, sandbox: { clientId: "", clientSecret: "" }, production: { clientId: "", clientSecret: "" } };

// ---------------------------------------------------------------------------------------
// Formatting

const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: "long" });
const shortDate = new Intl.DateTimeFormat(undefined, { dateStyle: "medium" });
const timeFormat = new Intl.DateTimeFormat(undefined, { timeStyle: "medium" });
const decimalFormat = new Intl.NumberFormat(undefined, { minimumFractionDigits: 2, maximumFractionDigits: 2 });

function formatDuration(ms) {
  if (ms <= 0) return "expired";
  const total = Math.floor(ms / 1000);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  if (h) return `${h} h ${String(m).padStart(2, "0")} min ${String(s).padStart(2, "0")} s`;
  if (m) return `${m} min ${String(s).padStart(2, "0")} s`;
  return `${s} s`;
}

function formatAmount(cents, currency) {
  if (typeof cents !== "number") return "—";
  try {
    return new Intl.NumberFormat(undefined, { style: "currency", currency: currency || "EUR" }).format(cents / 100);
  } catch {
    return `${(cents / 100).toFixed(2)} ${currency ?? ""}`.trim();
  }
}

function formatDate(value, format = dateFormat) {
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? String(value ?? "—") : format.format(date);
}

function humanStatus(status) {
  return typeof status === "string" ? status.replaceAll("_", " ") : "—";
}

// ---------------------------------------------------------------------------------------
// Status, errors, busy state

function setStatus(text) {
  ui.status.textContent = text;
}

function updateButtons() {
  ui.connect.disabled = busy || !pkg;
  ui.forget.disabled = busy || !session || session.expiresAt === null;
  ui.listMore.disabled = busy || !listing || listing.finished !== null;
  ui.listStop.disabled = !listing?.loading || listing.controller.signal.aborted;
  ui.listRestart.disabled = busy || !listing || (listing.steps <= 1 && (listing.finished === null || listing.finished === "end"));
  for (const radio of ui.kinds.querySelectorAll("input[name=kind]")) radio.disabled = busy;
}

function setBusy(value) {
  busy = value;
  ui.main.setAttribute("aria-busy", String(value));
  ui.connect.classList.toggle("loading", value);
  updateButtons();
}

/** One sentence that tells the person what to do, per error code of the package. */
function advice(error, env) {
  const upstream = env === "mock" ? "the built-in mock" : env === "sandbox" ? "the Ankorstore sandbox" : "Ankorstore";
  const detail = error.errors?.find((e) => e?.detail || e?.title);
  const serverSaid = detail ? ` The server said: “${detail.detail ?? detail.title}”` : "";
  switch (error.code) {
    case "invalid_client":
      return `${upstream} refused these credentials. Check the client id and the client secret, and that they belong to the selected environment (sandbox credentials do not work on production, and the reverse).`;
    case "rate_limited":
      return `Too many requests: wait ${error.retryAfter ?? "a few"} s before trying again (the token endpoint allows 60 requests an hour).`;
    case "network":
      return "The local demo server could not be reached: check that it is still running (npm start) and reload the page.";
    case "timeout":
      return `No answer in time from ${upstream}. It may be slow or unreachable: try again in a moment.`;
    case "unauthenticated":
      return "The API refused the access token, even a fresh one. Check that this API client is enabled for this environment, then press Forget token and connect again.";
    case "forbidden":
      return "This API client is not allowed to do that. Check its permissions in the Ankorstore back office.";
    case "not_found":
      return `Not found on ${upstream}. Check the selected environment.`;
    case "server_error":
      return env === "mock"
        ? `The built-in mock failed, even after retries. Restart the demo server and try again.${serverSaid}`
        : `${upstream} could not be reached or failed, even after retries. The demo server needs internet access to reach it; try again later.${serverSaid}`;
    case "request_failed":
      return `The request was refused${error.status ? ` (HTTP ${error.status})` : ""}.${serverSaid}`;
    case "invalid_response":
      return `${upstream} answered something that is not what the API promises. Check the selected environment.`;
    case "invalid_config":
      return "These settings are not valid: check the client id, the secret and the environment.";
    case "invalid_argument":
      return "The page asked the client for something it refuses (see details).";
    case "aborted":
      return "The call was cancelled.";
    default:
      return "Something unexpected happened: reload the page and try again.";
  }
}

function showError(error, env) {
  const code = typeof error?.code === "string" ? error.code : "unexpected";
  ui.error.replaceChildren();
  const head = document.createElement("p");
  head.className = "error-head";
  const codeEl = document.createElement("code");
  codeEl.className = "error-code";
  codeEl.textContent = code;
  head.append(codeEl);
  if (error?.status) head.append(` HTTP ${error.status}`);
  if (error?.oauthError && error.oauthError !== code) head.append(` (${error.oauthError})`);
  const text = document.createElement("p");
  text.className = "error-text";
  const sentence = advice({ ...error, code }, env);
  text.textContent = sentence.charAt(0).toUpperCase() + sentence.slice(1);
  ui.error.append(head, text);
  // The package's own message: redacted by the package (never a secret or a token).
  if (error?.message) {
    const more = document.createElement("p");
    more.className = "fine";
    more.textContent = `Details: ${error.message}`;
    ui.error.append(more);
  }
  ui.error.hidden = false;
  setStatus(`Failed: ${code}.`);
}

/** Runs one call: loading state, buttons disabled, errors shown. */
async function run(label, env, work) {
  if (busy) return;
  setBusy(true);
  ui.error.hidden = true;
  setStatus(label);
  try {
    await work();
  } catch (error) {
    showError(error, env);
  } finally {
    setBusy(false);
  }
}

// ---------------------------------------------------------------------------------------
// Rendering

function tickToken() {
  if (!session || session.expiresAt === null) return;
  const left = session.expiresAt - Date.now();
  ui.tokenLeft.textContent = formatDuration(left);
  ui.tokenLeft.dataset.expired = String(left <= 0);
}

function renderToken(token, reused) {
  ui.tokenState.dataset.state = reused ? "reused" : "fresh";
  ui.tokenState.textContent = reused ? "Cached token reused" : "Fresh token";
  ui.tokenNote.textContent = reused
    ? "Taken from the client's cache (same expiry as before): no token request was sent."
    : "Requested from POST /oauth/token just now.";
  ui.tokenExpires.textContent = `${formatDate(token.expiresAt, timeFormat)} (${formatDate(token.expiresAt, shortDate)})`;
  ui.tokenLifetime.textContent = `${token.expiresIn} s, ${token.tokenType}`;
  ui.tokenCard.hidden = false;
  tickToken();
  clearInterval(countdown);
  countdown = setInterval(tickToken, 1000);
}

function renderUser(user) {
  const name = [user.first_name, user.last_name].filter(Boolean).join(" ") || "(no name)";
  $("user-name").textContent = name;
  $("user-email").textContent = user.email ?? "";
  $("user-id").textContent = String(user.id);
  const since = $("user-since");
  const time = document.createElement("time");
  time.dateTime = user.created_at ?? "";
  time.textContent = formatDate(user.created_at);
  since.replaceChildren(time);
  $("user-avatar").textContent = name.split(/\s+/).map((w) => w[0] ?? "").join("").slice(0, 2).toUpperCase();
  ui.userCard.hidden = false;
}

function cell(label, text, className) {
  const td = document.createElement("td");
  td.dataset.label = label; // shown before the value when rows are stacked (narrow screens)
  td.textContent = text;
  if (className) td.className = className;
  return td;
}

function pill(status, text) {
  const span = document.createElement("span");
  span.className = "pill";
  span.dataset.status = status;
  span.textContent = text;
  return span;
}

function orderRow(order) {
  const a = order?.attributes ?? {};
  const tr = document.createElement("tr");
  const status = cell("Status", "");
  status.append(pill(a.status ?? "", humanStatus(a.status)));
  tr.append(
    cell("Reference", String(a.reference ?? order?.id ?? "—"), "ref"),
    status,
    cell("Retailer", String(a.billingOrganisationName ?? a.billingName ?? "—")),
    cell("Amount", formatAmount(a.brandTotalAmountWithVat ?? a.brandTotalAmount, a.brandCurrency), "num"),
    cell("Submitted", formatDate(a.submittedAt ?? a.createdAt, shortDate)),
  );
  return tr;
}

/** Product prices are integers in the lowest denomination of the brand's currency (not named in the resource). */
function formatPrice(minor) {
  return typeof minor === "number" ? decimalFormat.format(minor / 100) : "—";
}

function productState(a) {
  if (a.archived) return ["archived", "archived"];
  if (a.active === false) return ["inactive", "inactive"];
  if (a.outOfStock) return ["out_of_stock", "out of stock"];
  return ["active", "active"];
}

function productRow(product) {
  const a = product?.attributes ?? {};
  const tr = document.createElement("tr");
  const status = cell("Status", "");
  status.append(pill(...productState(a)));
  const variants = product?.relationships?.productVariant?.data;
  tr.append(
    cell("Name", String(a.name ?? product?.id ?? "—"), "name"),
    status,
    cell("Wholesale", formatPrice(a.wholesalePrice), "num"),
    cell("Retail", formatPrice(a.retailPrice), "num"),
    cell("Variants", Array.isArray(variants) ? String(variants.length) : "—", "num"),
    cell("Updated", formatDate(a.updatedAt, shortDate)),
  );
  return tr;
}

const LISTS = {
  orders: {
    title: "Orders",
    path: "/api/v1/orders",
    one: "order",
    many: "orders",
    columns: [["Reference"], ["Status"], ["Retailer"], ["Amount", "num"], ["Submitted"]],
    row: orderRow,
  },
  products: {
    title: "Products",
    path: "/api/v1/products",
    one: "product",
    many: "products",
    columns: [["Name"], ["Status"], ["Wholesale", "num"], ["Retail", "num"], ["Variants", "num"], ["Updated"]],
    row: productRow,
  },
};

function count(n, spec) {
  return `${n} ${n === 1 ? spec.one : spec.many}`;
}

/** An empty table for `spec`: title, column headers, the call it shows. */
function renderListHead(spec) {
  ui.listTitle.textContent = spec.title;
  ui.listCode.textContent = `client.paginate("${spec.path}", { query: { "page[limit]": ${LIST_STEP} }, signal })`;
  ui.listHead.replaceChildren(...spec.columns.map(([label, className]) => {
    const th = document.createElement("th");
    th.scope = "col";
    th.textContent = label;
    if (className) th.className = className;
    return th;
  }));
  ui.listBody.replaceChildren();
  ui.listCard.hidden = false;
}

/** The summary line and the end note: what is shown, and whether more can be read. */
function renderListState(l) {
  const spec = LISTS[l.kind];
  const shown = count(l.shown, spec);
  let summary;
  let end = null;
  if (l.loading) summary = l.shown ? `${shown} shown · loading more…` : "Loading…";
  else if (l.finished === "end") {
    summary = l.shown ? `${shown} · end of the list` : `No ${spec.many}`;
    end = l.shown ? `End of the list: ${shown}, all shown.` : `No ${spec.many}: the list is empty.`;
  } else if (l.finished === "stopped") {
    summary = `${shown} shown · stopped`;
    end = `Stopped after ${shown}: nothing more is requested. Start over to read the list again.`;
  } else if (l.finished === "failed") {
    summary = `${shown} shown · failed`;
    end = `The list stopped on an error after ${shown}. Start over to read it again.`;
  } else summary = `${shown} shown · More reads the next ${LIST_STEP}`;
  ui.listSummary.textContent = summary;
  ui.listEnd.textContent = end ?? "";
  ui.listEnd.dataset.state = l.finished ?? "";
  ui.listEnd.hidden = end === null;
}

function hideResults() {
  clearInterval(countdown);
  ui.tokenCard.hidden = true;
  ui.userCard.hidden = true;
  ui.listCard.hidden = true;
}

// ---------------------------------------------------------------------------------------
// Calls

function dropSession() {
  closeListing();
  if (session) session.client.free();
  session = null;
  hideResults();
}

/** The client for the form's values: the current one when nothing changed (its token is cached). */
function clientFor(env, clientId, clientSecret) {
  const key = JSON.stringify([env, clientId, clientSecret]);
  if (session?.key === key) return session;
  dropSession();
  const client = new pkg.AnkorstoreClient({
    clientId,
    clientSecret,
    baseUrl: location.origin + ENVIRONMENTS[env].prefix,
    timeoutMs: 20_000,
  });
  session = { key, env, client, expiresAt: null };
  return session;
}

/** Remembers the cached token's expiry (token() answers from the cache: no request). */
async function noteTokenExpiry(current) {
  current.expiresAt = (await current.client.token()).expiresAt;
}

/**
 * Starts reading a list with client.paginate(): nothing is requested until the first step.
 * The iterator is kept, so that "More" continues it where the last step stopped.
 */
function openListing(current, kind) {
  closeListing();
  const spec = LISTS[kind];
  const controller = new AbortController();
  const iterator = current.client.paginate(spec.path, { query: { "page[limit]": LIST_STEP }, signal: controller.signal });
  listing = { session: current, kind, iterator, controller, shown: 0, steps: 0, loading: false, finished: null };
  renderListHead(spec);
  return listing;
}

/** Ends the list being read: a step under way is aborted, and nothing more is requested. */
function closeListing() {
  if (!listing) return;
  const { controller, iterator } = listing;
  listing = null;
  controller.abort();
  iterator.return();
}

/**
 * One step: up to LIST_STEP more rows from the same iterator, each appended as it arrives
 * (the rows already shown stay as they are). Resolves to the number of rows added; a Stop
 * (the list's own AbortController) ends the list without an error; other errors are thrown.
 */
async function readStep(l) {
  const spec = LISTS[l.kind];
  l.loading = true;
  l.steps += 1;
  renderListState(l);
  updateButtons();
  let added = 0;
  try {
    while (added < LIST_STEP) {
      const { value, done } = await l.iterator.next();
      if (l !== listing) return added; // closed meanwhile (another list, another session)
      if (done) {
        l.finished = "end";
        break;
      }
      ui.listBody.append(spec.row(value));
      l.shown += 1;
      added += 1;
    }
  } catch (error) {
    if (l !== listing) return added;
    if (l.controller.signal.aborted && error?.code === "aborted") {
      l.finished = "stopped";
      return added;
    }
    l.finished = "failed";
    throw error;
  } finally {
    l.loading = false;
    if (l === listing) renderListState(l);
    updateButtons();
  }
  return added;
}

/** What a finished step says in the status line. */
function stepStatus(l, added) {
  const spec = LISTS[l.kind];
  if (l.finished === "stopped") return `Stopped: ${count(l.shown, spec)} shown, nothing more is requested.`;
  if (l.finished === "end") return l.shown ? `End of the list: ${count(l.shown, spec)}, all shown.` : `No ${spec.many}.`;
  return `${spec.title} ${l.shown - added + 1}–${l.shown} loaded.`;
}

/** Runs one step of the current list (More), or of a new one (kind switch, Start over). */
function listStep(fresh) {
  const current = session;
  if (!current || busy) return;
  const spec = LISTS[listKind];
  // The controls are disabled during the step, which takes the focus away: it is given back.
  const onRadio = document.activeElement?.name === "kind";
  const onButton = [ui.listMore, ui.listRestart].includes(document.activeElement);
  const label = fresh ? `Loading the first ${spec.many}…` : `Loading the next ${LIST_STEP} ${spec.many}…`;
  return run(label, current.env, async () => {
    const l = fresh || !listing ? openListing(current, listKind) : listing;
    const added = await readStep(l);
    if (added > 0) await noteTokenExpiry(current);
    if (l === listing) setStatus(stepStatus(l, added));
  }).then(() => {
    const lost = document.activeElement === null || document.activeElement === document.body;
    if (!lost) return; // the person moved on meanwhile
    if (onRadio) ui.kinds.querySelector("input[name=kind]:checked")?.focus();
    else if (onButton) {
      if (!ui.listMore.disabled) ui.listMore.focus();
      else if (!ui.listEnd.hidden) ui.listEnd.focus();
    }
  });
}

/** Stop: aborts the step under way (its request is cancelled); the list ends there. */
function stopListing() {
  if (!listing?.loading || listing.controller.signal.aborted) return;
  listing.controller.abort();
  setStatus("Stopping…");
  updateButtons();
}

function readForm() {
  const clientId = ui.clientId.value.trim();
  const clientSecret = ui.clientSecret.value;
  let ok = true;
  for (const [input, value] of [[ui.clientId, clientId], [ui.clientSecret, clientSecret]]) {
    const missing = value === "";
    input.setAttribute("aria-invalid", String(missing));
    $(`${input.id}-error`).hidden = !missing;
    if (missing && ok) {
      input.focus();
      ok = false;
    }
  }
  return ok ? { env: environment, clientId, clientSecret } : null;
}

function connect() {
  const values = readForm();
  if (!values) {
    setStatus("Fill in the client id and the client secret.");
    return;
  }
  return run(`Connecting to ${ENVIRONMENTS[values.env].name}: requesting an access token…`, values.env, async () => {
    const current = clientFor(values.env, values.clientId, values.clientSecret);
    const before = current.expiresAt;
    const token = await current.client.token();
    const reused = before !== null && token.expiresAt === before;
    current.expiresAt = token.expiresAt;
    renderToken(token, reused);

    setStatus("Loading the user (GET /api/v1/me)…");
    renderUser(await current.client.me());

    setStatus(`Loading the first ${LISTS[listKind].many}…`);
    const l = openListing(current, listKind);
    const added = await readStep(l);
    if (added > 0) await noteTokenExpiry(current);
    const stopped = l.finished === "stopped" ? " The list was stopped." : "";
    setStatus(`Connected to ${ENVIRONMENTS[values.env].name}, ${reused ? "with the cached token" : "with a fresh token"}.${stopped}`);
  });
}

function forgetToken() {
  if (!session || busy) return;
  session.client.invalidateToken();
  session.expiresAt = null;
  clearInterval(countdown);
  ui.tokenState.dataset.state = "forgotten";
  ui.tokenState.textContent = "Token forgotten";
  ui.tokenNote.textContent = "invalidateToken(): the next call requests a new token.";
  ui.tokenLeft.textContent = "—";
  setStatus("Token forgotten. Connect requests a new one.");
  updateButtons();
}

// ---------------------------------------------------------------------------------------
// Form

function selectEnvironment(env, { focus } = {}) {
  if (environment) drafts[environment] = { clientId: ui.clientId.value, clientSecret: ui.clientSecret.value };
  environment = env;
  ui.form.elements.env.value = env;
  ui.clientId.value = drafts[env].clientId;
  ui.clientSecret.value = drafts[env].clientSecret;
  ui.envHint.textContent = ENVIRONMENTS[env].hint;
  ui.envHint.dataset.env = env;
  for (const input of [ui.clientId, ui.clientSecret]) {
    input.removeAttribute("aria-invalid");
    $(`${input.id}-error`).hidden = true;
  }
  if (focus) (ui.clientId.value ? ui.clientSecret : ui.clientId).focus();
}

async function loadConfig() {
  try {
    const response = await fetch("/config.json", { cache: "no-store" });
    if (!response.ok) return;
    const config = await response.json();
    if (!Object.hasOwn(ENVIRONMENTS, config.env)) return;
    if (config.env !== "mock" && typeof config.clientId === "string") drafts[config.env].clientId = config.clientId;
    if (config.env !== "mock") selectEnvironment(config.env, { focus: true });
  } catch {
    // No config: the page starts on the built-in mock.
  }
}

async function loadPackage() {
  try {
    // The browser entry compiles the .wasm (top-level await) before resolving.
    pkg = await import("/pkg/browser.mjs");
    setStatus("Ready: choose an environment and press Connect.");
  } catch (error) {
    ui.error.replaceChildren();
    const head = document.createElement("p");
    head.className = "error-head";
    const code = document.createElement("code");
    code.className = "error-code";
    code.textContent = "package_not_loaded";
    head.append(code);
    const text = document.createElement("p");
    text.className = "error-text";
    text.textContent = "The ankorstore-client package could not be loaded from /pkg/. Run `npm start` (it builds pkg/ first), then reload this page.";
    ui.error.append(head, text);
    ui.error.hidden = false;
    setStatus(`Failed: package_not_loaded (${error?.name ?? "error"}).`);
  }
  updateButtons();
}

ui.form.addEventListener("submit", (event) => {
  event.preventDefault();
  connect();
});
ui.form.addEventListener("change", (event) => {
  if (event.target.name === "env") selectEnvironment(event.target.value);
});
ui.forget.addEventListener("click", forgetToken);
ui.listMore.addEventListener("click", () => listStep(false));
ui.listRestart.addEventListener("click", () => listStep(true));
ui.listStop.addEventListener("click", stopListing);
ui.kinds.addEventListener("change", (event) => {
  if (event.target.name !== "kind" || !Object.hasOwn(LISTS, event.target.value)) return;
  listKind = event.target.value;
  if (session && listing) listStep(true);
});
$("origin").textContent = location.host;

selectEnvironment("mock");
updateButtons();
await Promise.all([loadConfig(), loadPackage()]);

#!/usr/bin/env node
// Chaos soak of the packed package against the mock Ankorstore (run in a child process so
// that its work does not stall the client's 100 ms timeouts): N calls mixing me(), GET and
// POST request(), with a fault drawn at random for every HTTP request (5xx, 429 with a short
// and a long Retry-After, resets, hangs beyond the timeout, HTML pages, truncated and slow
// bodies, 401s, servers echoing the secret or the token). It checks that every call settles
// within a bound derived from the timeouts and retries, that every rejection is an
// AnkorstoreError with a documented code, that nothing is left unhandled, that neither the
// secret nor any token reaches an error or the console, that the token requests stay within
// the bound the faults justify, and that the wasm linear memory does not grow after warm-up.
//
//   node scripts/soak.mjs [--calls 20000] [--concurrency 50] [--seed 1] [--timeout-ms 100]
//                         [--max-retries 2] [--json]
//
// Exit code 0 when every check passes. `runSoak()` is the same run for tests.
import { spawn } from "node:child_process";
import { once } from "node:events";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";

import { liveHandles as countLiveHandles, liveValues, observeWasm } from "../tests/reliability/support/wasm.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const CLIENT_ID = "demo-client-id";
const SECRET = "demo-client-secret";

/** Every `code` api.md documents. */
export const ERROR_CODES = new Set([
  "invalid_config", "invalid_argument", "invalid_client", "unauthenticated", "forbidden",
  "not_found", "rate_limited", "request_failed", "server_error", "network", "timeout",
  "aborted", "invalid_response",
]);
/** Codes a well-formed call must never get, whatever the server does. */
const CALLER_CODES = new Set(["invalid_config", "invalid_argument"]);

/** Small seeded PRNG (mulberry32): the same seed draws the same faults. */
function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function pick(random, table) {
  let r = random() * table.reduce((sum, [w]) => sum + w, 0);
  for (const [weight, make] of table) {
    r -= weight;
    if (r < 0) return make(random);
  }
  return table[table.length - 1][1](random);
}

// Faults of API requests (weights in per mille). `timeoutMs` is ~100, so `hang` and a
// 300 ms body are timeouts, a 30 ms body or delay is not.
const API_FAULTS = [
  [640, () => ({ passthrough: true })],
  [50, (r) => ({ status: [500, 502, 503][Math.floor(r() * 3)] })],
  [40, (r) => ({ retryAfter: Math.floor(r() * 2) })],
  [10, () => ({ retryAfter: 120 })],
  [30, () => ({ reset: true })],
  [30, () => ({ hang: true })],
  [20, () => ({ html: true })],
  [25, () => ({ truncate: true })],
  [10, () => ({ status: 401 })],
  [50, () => ({ slowBodyMs: 30 })],
  [20, () => ({ slowBodyMs: 300 })],
  [20, () => ({ delayMs: 30 })],
  [20, () => ({ echoSecret: true })],
  [10, () => ({ status: 403 })],
  [10, () => ({ status: 404 })],
  [5, () => ({ status: 200, body: "<html>not json</html>" })],
];
// Faults of token requests: transient ones only (a long 429 there blocks the token
// endpoint for minutes by design; tests/reliability/guard.test.mjs covers it).
const TOKEN_FAULTS = [
  [700, () => ({ passthrough: true })],
  [80, () => ({ status: 500 })],
  [50, () => ({ reset: true })],
  [40, (r) => ({ retryAfter: Math.floor(r() * 2) })],
  [30, () => ({ hang: true })],
  [30, () => ({ html: true })],
  [30, () => ({ truncate: true })],
  [20, () => ({ echoSecret: true })],
  [20, () => ({ status: 200, body: { token_type: "Bearer" } })],
];

function faultName(fault) {
  if (fault.passthrough) return "none";
  if (fault.retryAfter !== undefined) return fault.retryAfter > 60 ? "429-long" : "429-short";
  if (fault.slowBodyMs !== undefined) return fault.slowBodyMs > 100 ? "slow-body-timeout" : "slow-body";
  if (fault.echoSecret) return "echo-secret";
  if (fault.body !== undefined) return "bad-body";
  for (const key of ["reset", "hang", "html", "truncate", "delayMs"]) if (fault[key]) return key;
  return `status-${fault.status}`;
}

/** The mock in a child process; resolves once it listens. */
async function startMockProcess() {
  const child = spawn(process.execPath, [join(root, "mock", "server.mjs"), "--port", "0"], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stderr.resume();
  let seen = "";
  const url = await new Promise((resolve, reject) => {
    const onData = (chunk) => {
      seen += chunk;
      const match = /listening on (http:\/\/\S+)/.exec(seen);
      if (match) {
        child.stdout.off("data", onData);
        resolve(match[1]);
      }
    };
    child.stdout.on("data", onData);
    child.once("exit", (code) => reject(new Error(`the mock exited (${code}) before listening`)));
  });
  child.stdout.resume(); // its start banner names the demo secret: never forwarded
  const control = async (path, body) => {
    const response = await fetch(`${url}/__mock/${path}`, body === undefined ? {} : {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    if (!response.ok) throw new Error(`mock control ${path}: ${response.status} ${await response.text()}`);
    return response.json();
  };
  const close = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = once(child, "exit");
      child.kill("SIGTERM");
      await exited;
    }
  };
  return { url, control, close };
}

/**
 * Installs the observers of a run and returns them with `restore()`: console and warnings
 * captured, unhandled rejections counted, every token seen on the wire collected, and the
 * package's wasm instance caught as it is created (the package does not export its memory).
 */
function installProbes() {
  const consoleText = [];
  const saved = {};
  for (const method of ["log", "info", "warn", "error", "debug", "trace"]) {
    saved[method] = console[method];
    console[method] = (...args) => {
      consoleText.push(args.map((a) => (a instanceof Error ? `${a.stack} ${JSON.stringify(a)}` : typeof a === "string" ? a : JSON.stringify(a) ?? String(a))).join(" "));
    };
  }
  const unhandled = [];
  const onUnhandled = (reason) => unhandled.push(reason);
  const onWarning = (warning) => consoleText.push(`${warning.name}: ${warning.message}`);
  process.on("unhandledRejection", onUnhandled);
  process.on("warning", onWarning);

  // Tokens: from every Authorization header the client sends (synchronously, before any
  // answer can echo them) and from every token response. Also counted on the wire: tokens
  // granted, token requests that gave none, and 401 answers of the API.
  const tokens = new Set();
  const wire = { granted: 0, tokenFailures: 0, api401: 0 };
  const originalFetch = globalThis.fetch;
  globalThis.fetch = (input, init) => {
    const headers = new Headers(init?.headers);
    const auth = headers.get("authorization");
    if (auth?.startsWith("Bearer ")) tokens.add(auth.slice(7));
    const url = String(input);
    const pending = originalFetch(input, init);
    if (url.endsWith("/oauth/token")) {
      pending.then((response) => response.clone().json())
        .then((body) => {
          if (typeof body?.access_token === "string") {
            tokens.add(body.access_token);
            wire.granted += 1;
          } else {
            wire.tokenFailures += 1;
          }
        })
        .catch(() => { wire.tokenFailures += 1; }); // faulted, truncated or aborted
    } else if (url.includes("/api/")) {
      pending.then((response) => { if (response.status === 401) wire.api401 += 1; }, () => {});
    }
    return pending;
  };

  const wasm = observeWasm();

  return {
    consoleText, unhandled, tokens, wire, wasm, console: saved,
    restore() {
      Object.assign(console, saved);
      process.off("unhandledRejection", onUnhandled);
      process.off("warning", onWarning);
      globalThis.fetch = originalFetch;
      wasm.restore();
    },
  };
}

/** Every shape of the secret a careless server could echo. */
function secretShapes() {
  return [SECRET, encodeURIComponent(SECRET), encodeURIComponent(SECRET).replace(/%20/g, "+"), JSON.stringify(SECRET).slice(1, -1)];
}

/** Everything of an error a user could see or log. */
function errorText(error) {
  const own = {};
  for (const key of Object.getOwnPropertyNames(error)) own[key] = error[key];
  let json;
  try {
    json = JSON.stringify(own);
  } catch {
    json = "";
  }
  return `${String(error)}\n${error?.stack ?? ""}\n${json}`;
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** A full garbage collection, for comparable heap figures (exposed at run time). */
function collector() {
  if (typeof globalThis.gc === "function") return () => globalThis.gc();
  try {
    setFlagsFromString("--expose-gc");
    const gc = runInNewContext("gc");
    return typeof gc === "function" ? () => gc() : null;
  } catch {
    return null;
  }
}

/**
 * Runs the soak and returns its summary; `summary.failures` lists every broken check
 * (empty when all pass). Loads the package itself: call it before anything else in the
 * process imports `ankorstore-client`, or the wasm memory cannot be observed.
 */
export async function runSoak(options = {}) {
  const {
    calls = 20_000, concurrency = 50, seed = 1, timeoutMs = 100, maxRetries = 2,
    warmupCalls = Math.min(2_000, Math.max(200, Math.floor(calls / 10))),
    // One wasm page: a leak-free run may touch a new high-water mark once; a leak of a few
    // bytes per call over the run shows as more.
    memoryToleranceBytes = 65_536, progress = () => {},
  } = options;
  const random = prng(seed);
  const probes = installProbes();
  const failures = [];
  const fail = (message) => { if (failures.length < 50) failures.push(message); };
  let mock;
  try {
    mock = await startMockProcess();
    // Random 401s cost a token each: lift the mock's token limit (60 an hour, as the real
    // API) so that the soak measures the client, not the mock's window.
    await mock.control("config", { quiet: true, tokenLimitPerHour: 1_000_000 });

    const { importPackage } = await import(pathToFileURL(join(root, "tests", "js", "support", "package.mjs")).href);
    const pkg = await importPackage();
    const { AnkorstoreClient, AnkorstoreError } = pkg;
    const wasm = probes.wasm.package();
    const wasmBytes = () => wasm?.memory.buffer.byteLength ?? null;
    const tableLength = () => wasm?.__wbindgen_externrefs?.length ?? null;
    if (!wasm) fail("the package's wasm instance was not observed (was the package imported before runSoak?)");

    // Faults: drawn up front per request, scripted in chunks ahead of the calls.
    const scripted = { api: {}, token: {} };
    const draw = (table, route, count) => {
      const faults = [];
      for (let i = 0; i < count; i++) {
        const fault = pick(random, table);
        scripted[route][faultName(fault)] = (scripted[route][faultName(fault)] ?? 0) + 1;
        faults.push(fault);
      }
      return faults;
    };
    await mock.control("script", { route: "token", faults: draw(TOKEN_FAULTS, "token", 200) });
    const CHUNK = 500;
    const chunks = new Map();
    const ensureChunk = (index) => {
      const chunk = Math.floor(index / CHUNK);
      if (!chunks.has(chunk)) {
        // ~1.3 requests per call on average: retries and 401 replays consume faults too.
        chunks.set(chunk, mock.control("script", { route: "api", faults: draw(API_FAULTS, "api", Math.ceil(CHUNK * 1.3)) }));
      }
      return chunks.get(chunk);
    };

    const client = new AnkorstoreClient({ clientId: CLIENT_ID, clientSecret: SECRET, baseUrl: mock.url, timeoutMs, maxRetries });

    // The longest a call may take: a token phase, the API phase and, after a 401, another
    // token phase; each phase at most maxRetries + 1 attempts of timeoutMs, and between
    // them the longest wait (a 1 s Retry-After, or the capped backoff). Doubled, plus 2 s
    // for a loaded event loop.
    const longestWait = Math.max(1_000, Math.min(8_000, 250 * 2 ** Math.max(0, maxRetries - 1)));
    const phaseMs = (maxRetries + 1) * (timeoutMs + 50) + maxRetries * longestWait;
    const deadlineMs = 2 * 3 * phaseMs + 2_000;

    const outcomes = {};
    const count = (key) => { outcomes[key] = (outcomes[key] ?? 0) + 1; };
    let slowest = 0;
    const shapes = secretShapes();
    const checkRejection = (error, what) => {
      if (!(error instanceof AnkorstoreError) || !(error instanceof Error) || error?.name !== "AnkorstoreError") {
        const name = error?.constructor?.name ?? typeof error;
        count(`non-AnkorstoreError:${name}`);
        fail(`${what} rejected with a ${name}: ${String(error?.message ?? error).slice(0, 200)}`);
        return;
      }
      count(error.code);
      if (!ERROR_CODES.has(error.code)) fail(`${what}: undocumented code ${error.code}`);
      if (CALLER_CODES.has(error.code)) fail(`${what}: a valid call got ${error.code}: ${error.message}`);
      if (typeof error.message !== "string" || error.message.length === 0) fail(`${what}: empty message`);
      const text = errorText(error);
      for (const shape of shapes) if (text.includes(shape)) fail(`${what}: the client secret appears in a ${error.code} error`);
      for (const token of probes.tokens) if (text.includes(token)) fail(`${what}: an access token appears in a ${error.code} error`);
    };

    const runCall = async (index) => {
      await ensureChunk(index);
      ensureChunk(index + CHUNK); // script ahead so that the queue never runs dry
      const r = random();
      let what;
      let call;
      if (r < 0.3) {
        what = "me()";
        call = () => client.me();
      } else if (r < 0.55) {
        what = "GET request()";
        call = () => client.request("GET", "/api/v1/orders", { query: { "page[limit]": 5 } });
      } else if (r < 0.65) {
        what = "GET request(echo)";
        call = () => client.request("GET", "/api/v1/echo", { query: { n: index } });
      } else if (r < 0.95) {
        what = "POST request()";
        call = () => client.request("POST", "/api/v1/echo", { body: { data: { type: "soak", id: String(index) } } });
      } else {
        // A caller that gives up: cancels its call and any retry of it.
        what = "me() with signal";
        call = () => client.me({ signal: AbortSignal.timeout(Math.floor(random() * 200)) });
      }
      const started = performance.now();
      let timer;
      const deadline = new Promise((resolve) => { timer = setTimeout(() => resolve("deadline"), deadlineMs); });
      const settled = call().then(() => "ok", (error) => ({ error }));
      const result = await Promise.race([settled, deadline]);
      clearTimeout(timer);
      slowest = Math.max(slowest, performance.now() - started);
      if (result === "deadline") {
        count("unsettled");
        fail(`${what} did not settle within ${deadlineMs} ms`);
        await settled; // still owed: never leave it running unobserved
      } else if (result === "ok") {
        count("ok");
      } else {
        checkRejection(result.error, what);
      }
    };

    // At rest, a leak-free client holds the same number of JavaScript values whatever it did,
    // but for the names serde-wasm-bindgen interns: each field name of the crate's shapes
    // becomes a JavaScript string the first time it is read or written, kept for good (a
    // bounded set: an error detail such as retryAfter may first appear after warm-up).
    const FIELD_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,40}$/;
    const liveHandles = () => (wasm ? countLiveHandles(wasm) : null);
    const internedNames = () => (wasm ? liveValues(wasm).filter((v) => typeof v === "string" && FIELD_NAME.test(v)).length : null);
    const gc = collector();
    const snapshot = async () => {
      await sleep(200); // late timers and closed sockets settle
      gc?.();
      const { heapUsed, rss } = process.memoryUsage();
      return { wasmBytes: wasmBytes(), tableSlots: tableLength(), liveHandles: liveHandles(), internedNames: internedNames(), heapUsed, rss };
    };

    let next = 0;
    let done = 0;
    const timeline = [];
    const runPhase = async (until, workers) => {
      const worker = async () => {
        while (next < until) {
          const index = next++;
          await runCall(index);
          done += 1;
          if (done % Math.max(1, Math.floor(calls / 10)) === 0) {
            timeline.push({ calls: done, wasmBytes: wasmBytes(), tableSlots: tableLength() });
            progress(`${done}/${calls} calls, wasm memory ${wasmBytes()} bytes, externref table ${tableLength()} slots`);
          }
        }
      };
      await Promise.all(Array.from({ length: Math.max(1, Math.min(workers, until - next)) }, worker));
    };

    const memory = { gc: gc !== null, start: await snapshot() };
    const started = performance.now();
    // Warm-up at twice the concurrency: the allocator and the handle table reach a high
    // water mark the main phase should never need to pass.
    await runPhase(Math.min(warmupCalls, calls), 2 * concurrency);
    memory.warm = await snapshot();
    await runPhase(calls, concurrency);
    const durationMs = performance.now() - started;
    memory.end = await snapshot();
    client.free?.();

    const stats = await mock.control("stats");
    const consumed401 = scripted.api["status-401"] ?? 0;
    const tokenFaults = Object.entries(scripted.token).filter(([k]) => k !== "none").reduce((s, [, n]) => s + n, 0);
    // Every token request either met a scripted token fault, or ended a flight that got a
    // token: the first one, or one that replaced a token the API refused (at most one per
    // scripted 401). Faults scripted but never consumed only make the bound looser.
    const tokenBound = 1 + consumed401 + tokenFaults;

    // Checks that need the whole run.
    if (probes.unhandled.length) fail(`${probes.unhandled.length} unhandled rejection(s): ${String(probes.unhandled[0]).slice(0, 200)}`);
    const consoleAll = probes.consoleText.join("\n");
    for (const shape of shapes) if (consoleAll.includes(shape)) fail("the client secret appears in console output");
    for (const token of probes.tokens) if (consoleAll.includes(token)) fail("an access token appears in console output");
    if (stats.tokenRequests > tokenBound) fail(`${stats.tokenRequests} token requests, more than the bound ${tokenBound}`);
    // Sharper, from the wire: a token is granted only for the first call or to replace one
    // the API refused with a 401.
    const { granted, tokenFailures, api401 } = probes.wire;
    if (granted > 1 + api401) fail(`${granted} tokens granted for ${api401} 401 answers: tokens were fetched that nothing needed`);
    if (memory.end.wasmBytes !== null && memory.end.wasmBytes > memory.warm.wasmBytes + memoryToleranceBytes) {
      fail(`wasm memory grew after warm-up: ${memory.warm.wasmBytes} -> ${memory.end.wasmBytes} bytes`);
    }
    // (At start the async executor's own few handles do not exist yet: compare with warm-up.)
    const held = (m) => m.liveHandles - m.internedNames;
    if (held(memory.end) !== held(memory.warm)) {
      fail(`JavaScript values held by the wasm at rest grew after warm-up: ${held(memory.warm)} -> ${held(memory.end)} besides interned field names (leaked handles)`);
    }
    if (memory.end.internedNames > 100) fail(`${memory.end.internedNames} interned field names: more than the crate has`);
    const settledCount = Object.entries(outcomes).filter(([k]) => k !== "unsettled").reduce((s, [, n]) => s + n, 0);
    if (settledCount !== calls) fail(`${settledCount} of ${calls} calls settled`);

    return {
      calls, concurrency, seed, timeoutMs, maxRetries, deadlineMs,
      durationMs: Math.round(durationMs),
      slowestCallMs: Math.round(slowest),
      outcomes,
      tokenRequests: stats.tokenRequests, tokenBound, tokensSeen: probes.tokens.size,
      wire: { ...probes.wire },
      apiRequests: stats.apiRequests,
      faultsScripted: scripted,
      memory,
      timeline,
      consoleLines: probes.consoleText.length,
      unhandledRejections: probes.unhandled.length,
      failures,
    };
  } finally {
    probes.restore();
    await mock?.close();
  }
}

function formatSummary(s) {
  const m = s.memory;
  const kb = (n) => (n === null || n === undefined ? "n/a" : `${(n / 1024).toFixed(0)} KiB`);
  const mb = (n) => `${(n / 1048576).toFixed(1)} MiB`;
  const outcomes = Object.entries(s.outcomes).sort((a, b) => b[1] - a[1]).map(([k, n]) => `${k} ${n}`).join(", ");
  const faults = (route) => Object.entries(s.faultsScripted[route]).sort((a, b) => b[1] - a[1]).map(([k, n]) => `${k} ${n}`).join(", ");
  return [
    `soak: ${s.calls} calls, concurrency ${s.concurrency}, timeoutMs ${s.timeoutMs}, maxRetries ${s.maxRetries}, seed ${s.seed}`,
    `duration: ${(s.durationMs / 1000).toFixed(1)} s (${Math.round(s.calls / (s.durationMs / 1000))} calls/s), slowest call ${s.slowestCallMs} ms (deadline ${s.deadlineMs} ms)`,
    `outcomes: ${outcomes}`,
    `requests: ${s.apiRequests} API, ${s.tokenRequests} token (bound ${s.tokenBound}): ${s.wire.granted} granted (bound: 1 + ${s.wire.api401} API 401s), ${s.wire.tokenFailures} failed; ${s.tokensSeen} distinct tokens seen`,
    `faults scripted (api): ${faults("api")}`,
    `faults scripted (token): ${faults("token")}`,
    `wasm memory (start / after warm-up / end, at rest): ${kb(m.start.wasmBytes)} / ${kb(m.warm.wasmBytes)} / ${kb(m.end.wasmBytes)}`,
    `externref table: ${m.start.tableSlots} / ${m.warm.tableSlots} / ${m.end.tableSlots} slots, live handles ${m.start.liveHandles} / ${m.warm.liveHandles} / ${m.end.liveHandles} (of which interned field names ${m.start.internedNames} / ${m.warm.internedNames} / ${m.end.internedNames})`,
    `process${m.gc ? " (after gc)" : ""}: heap ${mb(m.start.heapUsed)} / ${mb(m.warm.heapUsed)} / ${mb(m.end.heapUsed)}, rss ${mb(m.start.rss)} / ${mb(m.warm.rss)} / ${mb(m.end.rss)}`,
    `unhandled rejections: ${s.unhandledRejections}, console lines from the package: ${s.consoleLines}`,
    s.failures.length ? `FAILED:\n  ${s.failures.join("\n  ")}` : "all checks passed",
  ].join("\n");
}

function parseArgs(argv) {
  const options = {};
  const names = { "--calls": "calls", "--concurrency": "concurrency", "--seed": "seed", "--timeout-ms": "timeoutMs", "--max-retries": "maxRetries" };
  let json = false;
  for (let i = 0; i < argv.length; i++) {
    const given = argv[i];
    const [flag, inline] = given.split("=");
    if (flag === "--json") { json = true; continue; }
    const name = names[flag];
    const value = Number(inline ?? argv[++i]);
    if (!name || !Number.isInteger(value) || value < 0) {
      throw new Error(`usage: node scripts/soak.mjs [--calls N] [--concurrency N] [--seed N] [--timeout-ms N] [--max-retries N] [--json] (bad: ${given})`);
    }
    options[name] = value;
  }
  return { options, json };
}

if (process.argv[1] && pathToFileURL(process.argv[1]).href === import.meta.url) {
  const out = console.log.bind(console);
  let parsed;
  try {
    parsed = parseArgs(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`${error.message}\n`);
    process.exit(2);
  }
  const { options, json } = parsed;
  const summary = await runSoak({ ...options, progress: (line) => process.stderr.write(`${line}\n`) });
  out(json ? JSON.stringify(summary, null, 2) : formatSummary(summary));
  process.exitCode = summary.failures.length ? 1 : 0;
}

export { formatSummary };

// Cancellation (api.md: `signal` "cancels this call and its retries: rejects with aborted"):
// a signal stops a call wherever it is (an attempt, a Retry-After wait, a backoff, the wait
// for the shared token), sends nothing after it fired, cancels only its own caller's wait for
// a shared token request, and leaves nothing behind in the wasm, fired or not.
// Run: node --test tests/reliability/abort.test.mjs
import { after, before, beforeEach, describe, test } from "node:test";
import assert from "node:assert/strict";
import { setTimeout as sleep } from "node:timers/promises";

import { startMock } from "../../mock/server.mjs";
import { opts, rejectsWith } from "../js/support/client-kit.mjs";
import { importPackage } from "../js/support/package.mjs";
import { liveHandles, observeWasm } from "./support/wasm.mjs";

// Observe the wasm instance as the package creates it (see support/wasm.mjs).
const observer = observeWasm();
const { AnkorstoreClient, AnkorstoreError } = await importPackage();
const wasm = observer.package();
observer.restore();

const unhandled = [];
process.on("unhandledRejection", (reason) => unhandled.push(reason));

let mock;
before(async () => {
  mock = await startMock({ port: 0, tokenLimitPerHour: 100_000 });
});
after(() => mock.close());
beforeEach(() => mock.reset());

const client = (extra = {}) => new AnkorstoreClient(opts(mock, extra));

/** Awaits a rejection and checks it is an AnkorstoreError with `code`; returns it. */
const rejection = (promise, code) => rejectsWith({ AnkorstoreError }, promise, code);

/** Runs `call(signal)` and aborts after `abortAfterMs`; returns how long after the abort the
 * call settled, and the API requests sent after the abort (waiting `quietMs` to see them). */
async function abortDuring(call, abortAfterMs, { quietMs = 0 } = {}) {
  const controller = new AbortController();
  let abortedAt = 0;
  let requestsAtAbort = 0;
  setTimeout(() => {
    requestsAtAbort = mock.stats().apiRequests;
    abortedAt = performance.now();
    controller.abort();
  }, abortAfterMs);
  const error = await rejection(call(controller.signal), "aborted");
  const lagMs = performance.now() - abortedAt;
  if (quietMs) await sleep(quietMs);
  return { error, lagMs, sentAfter: mock.stats().apiRequests - requestsAtAbort };
}

describe("a signal cancels a call and its retries", () => {
  test("during a Retry-After wait of a POST (429 is retried for any method)", async () => {
    const c = client();
    await c.token();
    mock.script("echo", { retryAfter: 1 });
    const { lagMs, sentAfter } = await abortDuring(
      (signal) => c.request("POST", "/api/v1/echo", { body: { n: 1 }, signal }), 150, { quietMs: 1_200 });
    assert.ok(lagMs < 200, `settled ${lagMs} ms after the abort`);
    assert.equal(sentAfter, 0, "the retry was not sent");
    assert.equal(mock.stats().apiRequests, 1);
  });

  test("during the backoff between 5xx retries of a GET", async () => {
    const c = client({ maxRetries: 6 });
    await c.token();
    mock.script("orders", { status: 503, count: 10 });
    // Backoffs: 125–250, 250–500, 500–1000 ms…: at 700 ms the call is in a wait or attempt.
    const { lagMs, sentAfter } = await abortDuring(
      (signal) => c.request("GET", "/api/v1/orders", { signal }), 700, { quietMs: 2_000 });
    assert.ok(lagMs < 200, `settled ${lagMs} ms after the abort`);
    assert.equal(sentAfter, 0, "no retry after the abort");
    const sent = mock.stats().apiRequests;
    assert.ok(sent >= 2 && sent <= 4, `${sent} attempts before the abort`);
  });

  test("during an attempt that hangs: aborted, not timeout, and no retry", async () => {
    const c = client({ timeoutMs: 5_000, maxRetries: 3 });
    await c.token();
    mock.script("me", { hang: true, count: 5 });
    const { lagMs, sentAfter } = await abortDuring((signal) => c.me({ signal }), 200, { quietMs: 500 });
    assert.ok(lagMs < 200, `settled ${lagMs} ms after the abort`);
    assert.equal(sentAfter, 0);
    assert.equal(mock.stats().apiRequests, 1);
  });

  test("AbortSignal.timeout() is the caller's signal: aborted, not timeout", async () => {
    const c = client({ timeoutMs: 10_000 });
    await c.token();
    mock.script("me", { hang: true });
    const started = performance.now();
    await rejection(c.me({ signal: AbortSignal.timeout(150) }), "aborted");
    const ms = performance.now() - started;
    assert.ok(ms >= 140 && ms < 1_000, `${ms} ms`);
  });

  test("during the wait for the token, before any API request", async () => {
    mock.script("token", { delayMs: 1_000 });
    const c = client();
    const { lagMs, sentAfter } = await abortDuring((signal) => c.request("GET", "/api/v1/orders", { signal }), 100);
    assert.ok(lagMs < 200, `settled ${lagMs} ms after the abort`);
    assert.equal(sentAfter, 0);
    assert.equal(mock.stats().apiRequests, 0);
  });

  test("aborting after the call settled changes nothing and leaves nothing unhandled", async () => {
    const c = client();
    const controller = new AbortController();
    const user = await c.me({ signal: controller.signal });
    controller.abort();
    assert.equal(user.type, "user");
    await sleep(50);
    assert.equal((await c.me({ signal: controller.signal }).catch((e) => e.code)), "aborted");
    assert.deepEqual(unhandled, []);
  });
});

describe("aborting while the shared token request is in flight", () => {
  test("cancels only the aborted callers' waits: the others get the token, 1 token request", async () => {
    mock.script("token", { delayMs: 400 });
    const c = client();
    const started = performance.now();
    const calls = Array.from({ length: 100 }, (_, i) => {
      if (i % 2 === 1) return c.me().then((user) => ({ ok: user.type }));
      const controller = new AbortController();
      const abortAt = 20 + 3 * i; // 20–317 ms, all before the token arrives
      setTimeout(() => controller.abort(), abortAt);
      return c.me({ signal: controller.signal }).then(
        () => ({ unexpected: "resolved" }),
        (error) => ({ code: error.code, lag: performance.now() - started - abortAt }),
      );
    });
    const results = await Promise.all(calls);
    const aborted = results.filter((r) => r.code === "aborted");
    assert.equal(aborted.length, 50);
    assert.equal(results.filter((r) => r.ok === "user").length, 50);
    for (const r of aborted) assert.ok(r.lag < 200, `an aborted waiter settled ${r.lag} ms after its abort`);
    const stats = mock.stats();
    assert.equal(stats.tokenRequests, 1);
    assert.equal(stats.tokensIssued, 1);
    assert.equal(stats.apiRequests, 50, "only the callers that were not aborted reached the API");
  });

  test("even when every waiter aborts, the token request completes and its token is kept", async () => {
    mock.script("token", { delayMs: 300 });
    const c = client();
    const controller = new AbortController();
    const calls = [
      ...Array.from({ length: 20 }, () => rejection(c.me({ signal: controller.signal }), "aborted")),
      ...Array.from({ length: 20 }, () => rejection(c.request("GET", "/api/v1/orders", { signal: controller.signal }), "aborted")),
    ];
    setTimeout(() => controller.abort(), 50);
    await Promise.all(calls);
    await sleep(400); // the token request lands meanwhile
    assert.equal((await c.me()).type, "user");
    assert.equal(mock.stats().tokenRequests, 1, "the next call used the token fetched for the aborted callers");
  });
});

describe("cancelled waits leave nothing behind in the wasm", () => {
  /** Live handles after the client went quiet (late timers fire, finalizers run). */
  async function atRest() {
    await sleep(200);
    return liveHandles(wasm);
  }

  /** A client that has made its first calls: it keeps its last request ready to send again
   * (one handle for its life), which is state, not a leak. */
  async function warmClient(options) {
    const c = client(options);
    await c.token();
    await c.me();
    return c;
  }

  /** Handles held now beyond `before`: never more (fewer when another test's clients were
   * collected meanwhile). */
  function assertNothingLeft(before, now, what) {
    assert.ok(now - before <= 0, `${now - before} JavaScript values still held by the wasm after ${what}`);
  }

  test("calls with a signal that never fires, through a Retry-After wait", async () => {
    const c = await warmClient();
    const before = await atRest();
    for (let round = 0; round < 3; round += 1) {
      mock.script("me", { retryAfter: 0, count: 100 });
      const controller = new AbortController(); // never aborted
      const users = await Promise.all(Array.from({ length: 100 }, () => c.me({ signal: controller.signal })));
      assert.equal(users.length, 100);
    }
    assertNothingLeft(before, await atRest(), "300 calls");
  });

  test("calls aborted during a Retry-After wait", async () => {
    const c = await warmClient();
    const before = await atRest();
    mock.script("me", { retryAfter: 1, count: 100 });
    const controller = new AbortController();
    const calls = Array.from({ length: 100 }, () => rejection(c.me({ signal: controller.signal }), "aborted"));
    setTimeout(() => controller.abort(), 200);
    await Promise.all(calls);
    assertNothingLeft(before, await atRest(), "100 aborted calls");
  });

  test("token refreshes through a token store (each races the store against its 2 s timeout)", async () => {
    const values = new Map();
    const c = await warmClient({ tokenStore: { get: (key) => values.get(key) ?? null, set: (key, value) => { values.set(key, value); } } });
    const before = await atRest();
    for (let i = 0; i < 50; i += 1) {
      c.invalidateToken();
      await c.token();
    }
    assertNothingLeft(before, await atRest(), "50 refreshes");
  });
});

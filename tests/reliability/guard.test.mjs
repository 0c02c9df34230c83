// The token budget guard (api.md, "Token budget guard"; design in src/client.rs): an API that
// refuses every token, or a token endpoint that answers 429, must not make the client burn
// the 60 token requests an hour Ankorstore allows, nor lock it out for longer than designed.
// The client reads the clock through Date.now(), so the cool-downs (30 s doubling to 30 min)
// are checked by moving Date.now() forward instead of waiting.
// Run: node --test tests/reliability/guard.test.mjs
import { after, afterEach, before, beforeEach, describe, test } from "node:test";
import assert from "node:assert/strict";

import { startMock } from "../../mock/server.mjs";
import { opts, rejectsWith } from "../js/support/client-kit.mjs";
import { importPackage } from "../js/support/package.mjs";

const { AnkorstoreClient, AnkorstoreError } = await importPackage();

/** Date.now() moved forward by `skew` ms, for the client and the mock alike. */
const realNow = Date.now;
let skew = 0;
const travel = (seconds) => { skew += seconds * 1000; };

let mock;
before(async () => {
  mock = await startMock({ port: 0 });
});
after(() => mock.close());
beforeEach(() => {
  skew = 0;
  Date.now = () => realNow() + skew;
  mock.reset();
});
afterEach(() => {
  Date.now = realNow;
});

const client = (extra = {}) => new AnkorstoreClient(opts(mock, extra));

/** Awaits a rejection and checks it is an AnkorstoreError with `code`; returns it. */
const rejection = (promise, code) => rejectsWith({ AnkorstoreError }, promise, code);

const tokenRequests = () => mock.stats().tokenRequests;

/** p50, p99 and max of durations in ms. */
function percentiles(ms) {
  const sorted = [...ms].sort((a, b) => a - b);
  const at = (p) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
  return { p50: at(0.5), p99: at(0.99), max: sorted[sorted.length - 1] };
}

describe("token budget guard: an API that refuses every token", () => {
  test("1,000 calls cost at most 3 token requests and each rejects unauthenticated quickly", async (t) => {
    mock.configure({ alwaysUnauthorized: true });
    const c = client();
    const call = (i) => {
      const promise = i % 3 === 0 ? c.me() : c.request(i % 3 === 1 ? "GET" : "POST", "/api/v1/echo", i % 3 === 2 ? { body: { i } } : {});
      return rejection(promise, "unauthenticated");
    };
    // 500 one after the other (each call's own latency), then 500 at once (throughput).
    const durations = [];
    const started = performance.now();
    for (let i = 0; i < 500; i += 1) {
      const t0 = performance.now();
      await call(i);
      durations.push(performance.now() - t0);
    }
    const burstStarted = performance.now();
    await Promise.all(Array.from({ length: 500 }, (_, i) => call(500 + i)));
    const burstMs = performance.now() - burstStarted;
    const totalMs = performance.now() - started;

    const { tokenRequests: tokens, apiRequests } = mock.stats();
    const cooling = percentiles(durations.slice(1)); // the first call made the requests
    t.diagnostic(`1,000 refused calls: ${tokens} token requests, ${apiRequests} API requests, ${totalMs.toFixed(0)} ms in all; ` +
      `first call ${durations[0].toFixed(1)} ms; then one at a time p50 ${cooling.p50.toFixed(2)} ms, p99 ${cooling.p99.toFixed(2)} ms, ` +
      `max ${cooling.max.toFixed(1)} ms; 500 at once in ${burstMs.toFixed(0)} ms`);
    // The first token, and one replacement that is refused too: then the cool-down.
    assert.ok(tokens <= 3, `${tokens} token requests`);
    // Only the calls before the cool-down reach the API (each at most twice).
    assert.ok(apiRequests <= 2 * tokens, `${apiRequests} API requests`);
    // In the cool-down a call is refused locally: no network, no wait.
    assert.ok(cooling.p99 < 25, `p99 ${cooling.p99} ms`);
    assert.ok(burstMs < 2_000, `500 concurrent refusals took ${burstMs} ms`);
  });

  test("the cool-down lasts 30 s, then doubles each time a replacement is refused again", async () => {
    mock.configure({ alwaysUnauthorized: true });
    const c = client();
    await rejection(c.me(), "unauthenticated"); // token 1 refused, replacement token 2 refused
    const spent = tokenRequests();
    assert.equal(spent, 2);

    // Cooling down: no token request until 30 s have passed, whatever the calls.
    travel(29);
    const refused = await rejection(c.me(), "unauthenticated");
    assert.match(refused.message, /invalidateToken\(\)/, "the message says how to retry sooner");
    await rejection(c.request("GET", "/api/v1/echo"), "unauthenticated");
    assert.equal(tokenRequests(), spent);

    // After 30 s one token is tried; refused again, the next cool-down is 60 s.
    travel(2);
    await rejection(c.me(), "unauthenticated");
    assert.equal(tokenRequests(), spent + 1);
    travel(59);
    await rejection(c.me(), "unauthenticated");
    assert.equal(tokenRequests(), spent + 1);
    travel(2);
    await rejection(c.me(), "unauthenticated");
    assert.equal(tokenRequests(), spent + 2);

    // 120 s, 240 s, … capped at 30 minutes: after 2 h of refusals the wait is 30 min.
    let waited = 120;
    for (let i = 0; i < 8; i += 1) {
      travel(waited - 1);
      await rejection(c.me(), "unauthenticated");
      const before = tokenRequests();
      travel(2);
      await rejection(c.me(), "unauthenticated");
      assert.equal(tokenRequests(), before + 1, `after a cool-down of ${waited} s`);
      waited = Math.min(waited * 2, 1800);
    }
    assert.equal(waited, 1800);
    // Two hours of an API refusing everything cost a handful of token requests.
    assert.ok(tokenRequests() <= 12, `${tokenRequests()} token requests`);
  });

  test("invalidateToken() ends the cool-down at once", async () => {
    mock.configure({ alwaysUnauthorized: true });
    const c = client();
    await rejection(c.me(), "unauthenticated");
    await rejection(c.me(), "unauthenticated");
    const spent = tokenRequests();

    mock.configure({ alwaysUnauthorized: false }); // the user fixed the client's access
    await rejection(c.me(), "unauthenticated"); // still cooling down: nothing is asked
    assert.equal(tokenRequests(), spent);
    c.invalidateToken();
    assert.equal((await c.me()).type, "user");
    assert.equal(tokenRequests(), spent + 1);
  });

  test("an accepted call resets the guard: the next refusals start again at 30 s", async () => {
    mock.configure({ alwaysUnauthorized: true });
    const c = client();
    await rejection(c.me(), "unauthenticated");
    travel(31);
    await rejection(c.me(), "unauthenticated"); // second cool-down: 60 s
    travel(61);
    mock.configure({ alwaysUnauthorized: false });
    assert.equal((await c.me()).type, "user"); // accepted: streak and cool-down reset

    mock.configure({ alwaysUnauthorized: true });
    await rejection(c.me(), "unauthenticated"); // refused, replacement refused: 30 s again
    const spent = tokenRequests();
    travel(31);
    await rejection(c.me(), "unauthenticated");
    assert.equal(tokenRequests(), spent + 1, "the cool-down after a success is 30 s, not 120 s");
  });

  test("a single 401 is not a lockout: the call is retried with a fresh token", async () => {
    const c = client();
    await c.token();
    mock.configure({ revokeAll: true });
    assert.equal((await c.me()).type, "user");
    assert.equal(tokenRequests(), 2);
    // Many isolated revocations over time: each costs exactly one token.
    for (let i = 0; i < 5; i += 1) {
      travel(5);
      mock.configure({ revokeAll: true });
      assert.equal((await c.me()).type, "user");
    }
    assert.equal(tokenRequests(), 7);
  });
});

describe("token budget guard: 429 from the token endpoint", () => {
  test("a long Retry-After is remembered: token() rejects rate_limited without a request", async (t) => {
    mock.script("token", { retryAfter: 120 });
    const c = client();
    const first = await rejection(c.token(), "rate_limited");
    assert.equal(first.retryAfter, 120);
    assert.equal(first.status, 429);
    assert.equal(tokenRequests(), 1);

    // Every caller, whatever it calls, is answered locally, with the seconds left.
    const started = performance.now();
    const errors = await Promise.all([
      ...Array.from({ length: 300 }, () => rejection(c.token(), "rate_limited")),
      ...Array.from({ length: 300 }, () => rejection(c.me(), "rate_limited")),
      ...Array.from({ length: 300 }, () => rejection(c.request("GET", "/api/v1/orders"), "rate_limited")),
    ]);
    const ms = performance.now() - started;
    t.diagnostic(`900 calls during the 429 block rejected in ${ms.toFixed(0)} ms`);
    assert.equal(tokenRequests(), 1);
    assert.equal(mock.stats().apiRequests, 0);
    for (const e of errors) assert.ok(e.retryAfter > 0 && e.retryAfter <= 120, String(e.retryAfter));
    assert.ok(ms < 2_000, `${ms} ms`);

    travel(100);
    const later = await rejection(c.token(), "rate_limited");
    assert.ok(later.retryAfter <= 20 && later.retryAfter >= 19, `retryAfter ${later.retryAfter}`);
    assert.equal(later.status, undefined, "no response was received for this call");
    // invalidateToken() resets the 401 guard, not the server's 429: still no request.
    c.invalidateToken();
    await rejection(c.token(), "rate_limited");
    assert.equal(tokenRequests(), 1);

    travel(21);
    assert.equal((await c.token()).tokenType, "Bearer");
    assert.equal(tokenRequests(), 2);
  });

  test("an HTTP-date Retry-After is honoured the same way", async () => {
    const at = new Date(Date.now() + 300_000).toUTCString();
    mock.script("token", { retryAfter: at });
    const c = client();
    const e = await rejection(c.token(), "rate_limited");
    assert.ok(e.retryAfter >= 299 && e.retryAfter <= 301, String(e.retryAfter));
    await rejection(c.me(), "rate_limited");
    assert.equal(tokenRequests(), 1);
    travel(301);
    assert.equal((await c.me()).type, "user");
    assert.equal(tokenRequests(), 2);
  });

  test("a short Retry-After on the token endpoint is waited out, not remembered", async () => {
    mock.script("token", { retryAfter: 0 });
    const c = client();
    assert.equal((await c.token()).tokenType, "Bearer");
    assert.equal(tokenRequests(), 2);
  });

  test("the mock's real limit: 60 token requests an hour, then the client stops asking", async () => {
    const c = client({ maxRetries: 0 });
    // Force a token request per call: 60 are allowed, the 61st is refused with 429.
    for (let i = 0; i < 60; i += 1) {
      c.invalidateToken();
      await c.token();
    }
    c.invalidateToken();
    const e = await rejection(c.token(), "rate_limited");
    assert.ok(e.retryAfter > 3_000, `retryAfter ${e.retryAfter}`);
    const spent = tokenRequests();
    for (let i = 0; i < 100; i += 1) {
      c.invalidateToken();
      await rejection(c.me(), "rate_limited");
    }
    assert.equal(tokenRequests(), spent, "no token request while the endpoint's 429 lasts");
  });

  test("a 429 from an API endpoint concerns that call only", async () => {
    const c = client();
    await c.token();
    mock.script("me", { retryAfter: 120 });
    const e = await rejection(c.me(), "rate_limited");
    assert.equal(e.retryAfter, 120);
    assert.equal((await c.request("GET", "/api/v1/orders")).data.length > 0, true);
    assert.equal((await c.me()).type, "user");
    assert.equal(tokenRequests(), 1);
  });
});

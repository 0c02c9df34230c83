// AnkorstoreClient against the mock, in both Node entries: the token cache, expiry and
// refresh, 401 handling, the token budget guard and AbortSignal (api.md, "AnkorstoreClient").
// Run: node --test tests/js/client.test.mjs
import { beforeEach, describe, test } from "node:test";
import assert from "node:assert/strict";
import { setTimeout as sleep } from "node:timers/promises";

import { USER, bearers, logged, opts, rejectsWith, setup, timed } from "./support/client-kit.mjs";

const { mock, entries } = await setup();

for (const [entry, pkg] of entries) {
  const { AnkorstoreClient } = pkg;
  const client = (extra) => new AnkorstoreClient(opts(mock, extra));

  describe(`${entry}: token cache`, () => {
    beforeEach(() => mock.reset());

    test("token() resolves to an AccessToken and caches it; me() uses it", async () => {
      const c = client();
      const before = Date.now();
      const token = await c.token();
      const afterToken = Date.now();
      assert.deepEqual(Object.keys(token).sort(), ["accessToken", "expiresAt", "expiresIn", "tokenType"]);
      assert.equal(typeof token.accessToken, "string");
      assert.equal(token.tokenType, "Bearer");
      assert.equal(token.expiresIn, 3600);
      // expiresAt = when the request was sent + expiresIn.
      assert.ok(token.expiresAt >= before + 3600_000 && token.expiresAt <= afterToken + 3600_000, String(token.expiresAt));

      const again = await c.token();
      assert.equal(again.accessToken, token.accessToken);
      assert.deepEqual(await c.me(), { ...USER });
      assert.equal(mock.stats().tokenRequests, 1);

      const [meRequest] = logged(mock, "GET", "/api/v1/me");
      assert.equal(meRequest.headers.authorization, `Bearer ${token.accessToken}`);
      assert.equal(meRequest.headers.accept, "application/json");
    });

    test("1,000 simultaneous cold me() calls cause exactly one token request", async () => {
      const c = client();
      const users = await Promise.all(Array.from({ length: 1000 }, () => c.me()));
      assert.equal(users.length, 1000);
      for (const user of users) assert.equal(user.id, USER.id);
      const stats = mock.stats();
      assert.equal(stats.tokenRequests, 1);
      assert.equal(stats.tokensIssued, 1);
      assert.equal(stats.apiRequests, 1000);
      assert.equal(new Set(bearers(mock, "/api/v1/me")).size, 1);
    });

    test("a token is renewed at expiresAt - margin, the margin capped at half its life", async () => {
      // expires_in 1.5 s. marginZero: fresh for 1.5 s. capped: margin min(60, 0.75) = 0.75 s.
      mock.configure({ tokenTtl: 1.5 });
      const marginZero = client({ refreshMarginSeconds: 0 });
      const capped = client();
      const [z1, c1] = await Promise.all([marginZero.token(), capped.token()]);
      assert.equal(z1.expiresIn, 1.5);
      // Checks are timed from when the token requests were sent (expiresAt - expiresIn).
      const sentAt = Math.min(z1.expiresAt, c1.expiresAt) - 1500;
      const at = (ms) => sleep(Math.max(0, sentAt + ms - Date.now()));

      await at(300);
      assert.equal((await marginZero.token()).accessToken, z1.accessToken);
      assert.equal((await capped.token()).accessToken, c1.accessToken);
      assert.equal(mock.stats().tokenRequests, 2);

      await at(1050); // past 0.75 s, before 1.5 s
      const c2 = await capped.token();
      assert.notEqual(c2.accessToken, c1.accessToken);
      assert.equal((await marginZero.token()).accessToken, z1.accessToken);
      assert.equal(mock.stats().tokenRequests, 3);

      await at(1650); // past 1.5 s
      const z2 = await marginZero.token();
      assert.notEqual(z2.accessToken, z1.accessToken);
      assert.equal(mock.stats().tokenRequests, 4);
      // The renewed token is the one me() sends.
      assert.equal((await marginZero.me()).id, USER.id);
      assert.equal(bearers(mock, "/api/v1/me").at(-1), z2.accessToken);
    });

    test("invalidateToken() makes the next call fetch a new token", async () => {
      const c = client();
      const first = await c.token();
      c.invalidateToken();
      const second = await c.token();
      assert.notEqual(second.accessToken, first.accessToken);
      assert.equal(mock.stats().tokenRequests, 2);
    });

    test("a failed token request rejects every waiter and caches nothing", async () => {
      mock.script("token", { status: 401 });
      const c = client();
      const results = await Promise.allSettled([c.token(), c.token(), c.me(), c.me()]);
      for (const result of results) {
        assert.equal(result.status, "rejected");
        assert.equal(result.reason.code, "invalid_client");
        assert.ok(result.reason instanceof pkg.AnkorstoreError);
      }
      assert.equal(mock.stats().tokenRequests, 1);
      assert.equal(mock.stats().apiRequests, 0);
      // Nothing was cached: the next call asks again and succeeds.
      assert.equal((await c.me()).id, USER.id);
      assert.equal(mock.stats().tokenRequests, 2);
    });
  });

  describe(`${entry}: 401 handling`, () => {
    beforeEach(() => mock.reset());

    test("a 401 invalidates the token, fetches a new one and retries once", async () => {
      const c = client();
      mock.script("me", { status: 401 });
      assert.deepEqual(await c.me(), { ...USER });
      assert.equal(mock.stats().tokenRequests, 2);
      const used = bearers(mock, "/api/v1/me");
      assert.equal(used.length, 2);
      assert.notEqual(used[0], used[1]);
      // The new token is kept: no further token request.
      await c.me();
      assert.equal(mock.stats().tokenRequests, 2);
    });

    test("401s of concurrent calls on the same token cause one replacement", async () => {
      const c = client();
      await c.me();
      // The mock now refuses the cached token (and only it): every call gets a 401 on it,
      // some of them after the replacement token has arrived.
      mock.configure({ revokeAll: true });
      const results = await Promise.allSettled(Array.from({ length: 10 }, () => c.me()));
      for (const result of results) assert.equal(result.value?.id, USER.id, result.reason?.message);
      // One token at the start, one replacement: a later 401 on the old token must not
      // discard the newer one.
      assert.equal(mock.stats().tokenRequests, 2);
      const used = bearers(mock, "/api/v1/me");
      assert.equal(used.length, 21);
      assert.equal(new Set(used).size, 2);
    });

    test("a second 401 rejects with unauthenticated", async () => {
      const c = client();
      mock.script("me", { status: 401, count: 2 });
      await rejectsWith(pkg, c.me(), "unauthenticated", { status: 401 });
      assert.equal(mock.stats().tokenRequests, 2);
      assert.equal(logged(mock, "GET", "/api/v1/me").length, 2);

      const r = client();
      mock.script("echo", { status: 401, count: 2 });
      const err = await rejectsWith(pkg, r.request("GET", "/api/v1/echo"), "unauthenticated", { status: 401 });
      assert.deepEqual(err.errors, [{ status: "401", detail: "Unauthorized" }]);
      assert.equal(logged(mock, "GET", "/api/v1/echo").length, 2);
    });

    test("token budget guard: 200 calls refused by the API cost at most 3 token requests", async () => {
      mock.configure({ alwaysUnauthorized: true });
      const c = client();
      const start = performance.now();
      for (let i = 0; i < 100; i += 1) await rejectsWith(pkg, c.me(), "unauthenticated");
      const concurrent = await Promise.allSettled(Array.from({ length: 100 }, () => c.request("GET", "/api/v1/echo")));
      for (const result of concurrent) {
        assert.equal(result.status, "rejected");
        assert.equal(result.reason.code, "unauthenticated");
      }
      const ms = performance.now() - start;
      const { tokenRequests, apiRequests } = mock.stats();
      assert.ok(tokenRequests <= 3, `${tokenRequests} token requests`);
      assert.ok(apiRequests <= 6, `${apiRequests} API requests`);
      assert.ok(ms < 3000, `took ${ms} ms`);

      // The cool-down lasts (≥ 30 s): even once the API accepts tokens again, no token is
      // requested until invalidateToken()...
      mock.configure({ alwaysUnauthorized: false });
      await rejectsWith(pkg, c.me(), "unauthenticated");
      assert.equal(mock.stats().tokenRequests, tokenRequests);
      // ...which resets the guard.
      c.invalidateToken();
      assert.equal((await c.me()).id, USER.id);
      assert.equal(mock.stats().tokenRequests, tokenRequests + 1);
    });
  });

  describe(`${entry}: AbortSignal`, () => {
    beforeEach(() => mock.reset());

    test("aborting during a hanging request rejects with aborted", async () => {
      const c = client();
      await c.token();
      mock.script("me", { hang: true });
      mock.script("echo", { hang: true });
      const controller = new AbortController();
      setTimeout(() => controller.abort(), 100);
      const { ms, error } = await timed(() => c.me({ signal: controller.signal }));
      await rejectsWith(pkg, Promise.reject(error), "aborted");
      assert.ok(ms < 1000, `took ${ms} ms`);

      const again = new AbortController();
      setTimeout(() => again.abort(), 100);
      await rejectsWith(pkg, c.request("GET", "/api/v1/echo", { signal: again.signal }), "aborted");
      // The client still works afterwards.
      assert.equal((await c.me()).id, USER.id);
    });

    test("aborting during a Retry-After wait rejects at once", async () => {
      const c = client();
      await c.token();
      mock.script("me", { retryAfter: 1 });
      const controller = new AbortController();
      setTimeout(() => controller.abort(), 100);
      const { ms, error } = await timed(() => c.me({ signal: controller.signal }));
      await rejectsWith(pkg, Promise.reject(error), "aborted");
      assert.ok(ms < 800, `took ${ms} ms`);
      assert.equal(logged(mock, "GET", "/api/v1/me").length, 1);
    });

    test("an already-aborted signal rejects with aborted and sends nothing", async () => {
      const c = client();
      await rejectsWith(pkg, c.me({ signal: AbortSignal.abort() }), "aborted");
      await rejectsWith(pkg, c.request("GET", "/api/v1/echo", { signal: AbortSignal.abort() }), "aborted");
      await rejectsWith(pkg, c.request("POST", "/api/v1/echo", { body: {}, signal: AbortSignal.abort() }), "aborted");
      const stats = mock.stats();
      assert.equal(stats.tokenRequests, 0);
      assert.equal(stats.apiRequests, 0);
    });

    test("aborting one waiter does not cancel the shared token request", async () => {
      mock.script("token", { delayMs: 600 });
      const c = client();
      const controller = new AbortController();
      const start = performance.now();
      const aborted = c.me({ signal: controller.signal });
      const others = Promise.all([c.me(), c.token(), c.request("GET", "/api/v1/echo")]);
      setTimeout(() => controller.abort(), 50);
      await rejectsWith(pkg, aborted, "aborted");
      assert.ok(performance.now() - start < 550, "the aborted waiter did not wait for the token");
      const [user, token, echo] = await others;
      assert.equal(user.id, USER.id);
      assert.equal(echo.headers.authorization, `Bearer ${token.accessToken}`);
      const stats = mock.stats();
      assert.equal(stats.tokenRequests, 1);
      assert.equal(stats.tokensIssued, 1);
      // Only the two calls that were not aborted reached the API.
      assert.equal(stats.apiRequests, 2);
    });
  });
}

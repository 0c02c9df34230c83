// Options validation, retries, rate limits and transport failures of AnkorstoreClient
// against the mock, in both Node entries (api.md: constructor, 429, 5xx, timeouts, errors).
// Run: node --test tests/js/errors.test.mjs
import { beforeEach, describe, test } from "node:test";
import assert from "node:assert/strict";
import { setTimeout as sleep } from "node:timers/promises";

import {
  DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, SPECIAL_SECRET, USER, closedPort, logged, opts, rejectsWith,
  setup, throwsWith, timed,
} from "./support/client-kit.mjs";

const { mock, entries } = await setup();

const PRODUCTION = "https://www.ankorstore.com";
const SANDBOX = "https://www.public.ankorstore-sandbox.com";
const CREDS = { clientId: DEMO_CLIENT_ID, clientSecret: DEMO_CLIENT_SECRET };

// Every case api.md lists for invalid_config: missing or empty credentials, a bad baseUrl
// (including plain http to a host that is not loopback), an unknown environment, negative
// or non-finite numbers.
const BAD_OPTIONS = {
  "no options": undefined,
  "null options": null,
  "empty options": {},
  "missing clientId": { clientSecret: "s" },
  "empty clientId": { clientId: "", clientSecret: "s" },
  "missing clientSecret": { clientId: "id" },
  "empty clientSecret": { clientId: "id", clientSecret: "" },
  "baseUrl not a URL": { ...CREDS, baseUrl: "not a url" },
  "baseUrl empty": { ...CREDS, baseUrl: "" },
  "baseUrl ftp": { ...CREDS, baseUrl: "ftp://www.ankorstore.com" },
  "baseUrl javascript:": { ...CREDS, baseUrl: "javascript:alert(1)" },
  "baseUrl http to a public host": { ...CREDS, baseUrl: "http://www.ankorstore.com" },
  "baseUrl http to a private address": { ...CREDS, baseUrl: "http://10.0.0.1:8787" },
  "baseUrl http to a look-alike of localhost": { ...CREDS, baseUrl: "http://localhost.example.com" },
  "baseUrl http to 128.0.0.1": { ...CREDS, baseUrl: "http://128.0.0.1" },
  "unknown environment": { ...CREDS, environment: "staging" },
  "empty environment": { ...CREDS, environment: "" },
  "timeoutMs negative": { ...CREDS, timeoutMs: -1 },
  "timeoutMs NaN": { ...CREDS, timeoutMs: NaN },
  "timeoutMs Infinity": { ...CREDS, timeoutMs: Infinity },
  "maxRetries negative": { ...CREDS, maxRetries: -1 },
  "maxRetries NaN": { ...CREDS, maxRetries: NaN },
  "maxRetries Infinity": { ...CREDS, maxRetries: Infinity },
  "refreshMarginSeconds negative": { ...CREDS, refreshMarginSeconds: -1 },
  "refreshMarginSeconds NaN": { ...CREDS, refreshMarginSeconds: NaN },
  "refreshMarginSeconds Infinity": { ...CREDS, refreshMarginSeconds: -Infinity },
};

for (const [entry, pkg] of entries) {
  const { AnkorstoreClient } = pkg;
  const client = (extra) => new AnkorstoreClient(opts(mock, extra));

  describe(`${entry}: options`, () => {
    test("bad options throw invalid_config synchronously", () => {
      for (const [name, options] of Object.entries(BAD_OPTIONS)) {
        const err = throwsWith(pkg, () => new AnkorstoreClient(options), "invalid_config");
        assert.ok(err.message, name);
      }
    });

    test("an invalid_config error never quotes the secret", () => {
      for (const extra of [{ environment: SPECIAL_SECRET }, { baseUrl: `http://example.com/${SPECIAL_SECRET}` },
        { baseUrl: SPECIAL_SECRET }]) {
        const err = throwsWith(pkg, () => new AnkorstoreClient({ clientId: "id", clientSecret: SPECIAL_SECRET, ...extra }), "invalid_config");
        for (const text of [err.message, err.stack, JSON.stringify(err)]) {
          assert.ok(!text.includes(SPECIAL_SECRET), `secret in: ${Object.keys(extra)[0]}`);
          assert.ok(!text.includes(encodeURIComponent(SPECIAL_SECRET)), `encoded secret in: ${Object.keys(extra)[0]}`);
        }
      }
    });

    test("environment maps to the documented base URLs; baseUrl overrides it", () => {
      // Only client.baseUrl is checked: nothing is ever sent to the real hosts.
      assert.equal(new AnkorstoreClient(CREDS).baseUrl, PRODUCTION);
      assert.equal(new AnkorstoreClient({ ...CREDS, environment: "production" }).baseUrl, PRODUCTION);
      assert.equal(new AnkorstoreClient({ ...CREDS, environment: "sandbox" }).baseUrl, SANDBOX);
      assert.equal(new AnkorstoreClient({ ...CREDS, environment: "sandbox", baseUrl: "https://api.example.com" }).baseUrl,
        "https://api.example.com");
    });

    test("baseUrl is normalised: no trailing slash; http allowed for loopback only", () => {
      const cases = {
        "https://api.example.com/": "https://api.example.com",
        "https://api.example.com": "https://api.example.com",
        "https://api.example.com:8443/": "https://api.example.com:8443",
        "http://localhost:8787/": "http://localhost:8787",
        "http://127.0.0.1:8787": "http://127.0.0.1:8787",
        "http://127.1.2.3:9/": "http://127.1.2.3:9",
        "http://[::1]:8787/": "http://[::1]:8787",
        [`${mock.url}/`]: mock.url,
      };
      for (const [given, expected] of Object.entries(cases)) {
        const c = new AnkorstoreClient({ ...CREDS, baseUrl: given });
        assert.equal(c.baseUrl, expected, given);
        assert.equal(typeof c.baseUrl, "string");
      }
    });

    test("valid edge values are accepted", () => {
      const c = new AnkorstoreClient({ ...CREDS, baseUrl: mock.url, maxRetries: 0, refreshMarginSeconds: 0, timeoutMs: 1 });
      assert.equal(c.baseUrl, mock.url);
    });
  });

  describe(`${entry}: 429`, () => {
    beforeEach(() => mock.reset());

    test("a 429 with Retry-After ≤ 60 s is waited out and retried, for any method and the token request", async () => {
      const c = client();
      await c.token();
      const orders = await c.request("GET", "/api/v1/orders");
      const orderId = orders.data[0].id;
      mock.script("me", { retryAfter: 1 });
      mock.script("echo", { retryAfter: 1 });
      // A 429 without Retry-After counts as 1 s.
      mock.script("order", { status: 429 });
      mock.script("token", { retryAfter: 1 });
      const [me, post, order, token] = await Promise.all([
        timed(() => c.me()),
        timed(() => c.request("POST", "/api/v1/echo", { body: { a: 1 } })),
        timed(() => c.request("GET", `/api/v1/orders/${orderId}`)),
        timed(() => client().token()),
      ]);
      assert.equal(me.value?.id, USER.id, me.error?.message);
      assert.equal(post.value?.method, "POST", post.error?.message);
      assert.equal(order.value?.data?.id, orderId, order.error?.message);
      assert.equal(typeof token.value?.accessToken, "string", token.error?.message);
      for (const { ms } of [me, post, order, token]) assert.ok(ms >= 950 && ms < 3000, `took ${ms} ms`);
      assert.equal(logged(mock, "GET", "/api/v1/me").length, 2);
      assert.equal(logged(mock, "POST", "/api/v1/echo").length, 2);
      assert.equal(logged(mock, "GET", `/api/v1/orders/${orderId}`).length, 2);
      assert.equal(mock.stats().tokenRequests, 3);
    });

    test("a 429 with Retry-After > 60 s rejects at once with rate_limited", async () => {
      const c = client();
      await c.token();
      mock.script("me", { retryAfter: 120 });
      const { ms, error } = await timed(() => c.me());
      await rejectsWith(pkg, Promise.reject(error), "rate_limited", { status: 429, retryAfter: 120 });
      assert.ok(ms < 500, `took ${ms} ms`);
      assert.equal(logged(mock, "GET", "/api/v1/me").length, 1);

      mock.script("echo", { retryAfter: 61 });
      const err = await rejectsWith(pkg, c.request("POST", "/api/v1/echo", { body: {} }), "rate_limited",
        { status: 429, retryAfter: 61 });
      assert.ok(Array.isArray(err.errors), "the JSON:API 429 document's errors are kept");
      // A 429 from an API endpoint concerns that call only: the next one goes through.
      assert.equal((await c.me()).id, USER.id);
      assert.equal(mock.stats().tokenRequests, 1);
    });

    test("a 429 when no retry remains rejects with rate_limited", async () => {
      const c = client({ maxRetries: 0 });
      await c.token();
      mock.script("me", { retryAfter: 1 });
      const { ms, error } = await timed(() => c.me());
      await rejectsWith(pkg, Promise.reject(error), "rate_limited", { status: 429, retryAfter: 1 });
      assert.ok(ms < 500, `took ${ms} ms`);
    });

    test("a 429 from the token endpoint is remembered until its Retry-After has passed", async () => {
      // short: Retry-After 1 s but no retry left; long: Retry-After 120 s, never waited.
      const short = client({ maxRetries: 0 });
      const long = client();
      mock.script("token", { retryAfter: 1 });
      await rejectsWith(pkg, short.token(), "rate_limited", { status: 429, retryAfter: 1 });
      mock.script("token", { retryAfter: 120 });
      const { ms, error } = await timed(() => long.token());
      await rejectsWith(pkg, Promise.reject(error), "rate_limited", { status: 429, retryAfter: 120 });
      assert.ok(ms < 500, `took ${ms} ms`);
      assert.equal(mock.stats().tokenRequests, 2);

      // Meanwhile nobody asks the token endpoint: token() and API calls reject at once.
      const err = await rejectsWith(pkg, short.token(), "rate_limited");
      assert.equal(err.retryAfter, 1, "the seconds left, rounded up");
      await rejectsWith(pkg, short.me(), "rate_limited");
      await rejectsWith(pkg, short.request("GET", "/api/v1/echo"), "rate_limited");
      const blocked = await rejectsWith(pkg, long.me(), "rate_limited");
      assert.ok(blocked.retryAfter >= 119 && blocked.retryAfter <= 120, `retryAfter ${blocked.retryAfter}`);
      assert.equal(mock.stats().tokenRequests, 2);
      assert.equal(mock.stats().apiRequests, 0);

      await sleep(1100);
      assert.equal((await short.me()).id, USER.id);
      assert.equal(mock.stats().tokenRequests, 3);
      const again = await rejectsWith(pkg, long.token(), "rate_limited");
      assert.ok(again.retryAfter >= 118 && again.retryAfter <= 119, `retryAfter ${again.retryAfter}`);
      assert.equal(mock.stats().tokenRequests, 3);
      // The memory belongs to that client: another one is not blocked.
      assert.ok((await client().token()).accessToken);
    });
  });

  describe(`${entry}: 5xx, network errors and timeouts`, () => {
    beforeEach(() => mock.reset());

    test("5xx is retried for GET, not for POST", async () => {
      const c = client();
      await c.token();
      mock.script("echo", { status: 500, count: 2 });
      const echo = await c.request("GET", "/api/v1/echo");
      assert.equal(echo.method, "GET");
      assert.equal(logged(mock, "GET", "/api/v1/echo").length, 3);

      mock.script("echo", { status: 503 });
      await rejectsWith(pkg, c.request("POST", "/api/v1/echo", { body: { a: 1 } }), "server_error", { status: 503 });
      assert.equal(logged(mock, "POST", "/api/v1/echo").length, 1);
      for (const method of ["PUT", "PATCH", "DELETE"]) {
        mock.script("echo", { status: 502 });
        await rejectsWith(pkg, c.request(method, "/api/v1/echo"), "server_error", { status: 502 });
        assert.equal(logged(mock, method, "/api/v1/echo").length, 1, method);
      }
      // HEAD is retried like GET.
      mock.script("echo", { status: 500 });
      assert.equal(await c.request("HEAD", "/api/v1/echo"), null);
      assert.equal(logged(mock, "HEAD", "/api/v1/echo").length, 2);
    });

    test("the token request is retried on 5xx", async () => {
      const c = client();
      mock.script("token", { status: 503 });
      assert.ok((await c.token()).accessToken);
      assert.equal(mock.stats().tokenRequests, 2);
    });

    test("maxRetries is respected", async () => {
      const one = client({ maxRetries: 1 });
      await one.token();
      mock.script("echo", { status: 500, count: 5 });
      await rejectsWith(pkg, one.request("GET", "/api/v1/echo"), "server_error", { status: 500 });
      assert.equal(logged(mock, "GET", "/api/v1/echo").length, 2);

      mock.reset();
      const none = client({ maxRetries: 0 });
      await none.token();
      mock.script("me", { status: 500 });
      await rejectsWith(pkg, none.me(), "server_error", { status: 500 });
      assert.equal(logged(mock, "GET", "/api/v1/me").length, 1);
      mock.script("token", { status: 500 });
      none.invalidateToken();
      await rejectsWith(pkg, none.token(), "server_error", { status: 500 });
      assert.equal(mock.stats().tokenRequests, 2);
    });

    test("every retry counts against maxRetries, whatever its cause", async () => {
      // The retry after a 401 uses the only retry allowed: the 500 that follows is final.
      const c = client({ maxRetries: 1 });
      mock.script("me", [{ status: 401 }, { status: 500 }]);
      await rejectsWith(pkg, c.me(), "server_error", { status: 500 });
      assert.equal(logged(mock, "GET", "/api/v1/me").length, 2);
    });

    test("network errors are retried for GET, not for POST", async () => {
      const c = client();
      await c.token();
      mock.script("me", { reset: true });
      assert.equal((await c.me()).id, USER.id);
      assert.equal(logged(mock, "GET", "/api/v1/me").length, 2);
      mock.script("echo", { reset: true });
      await rejectsWith(pkg, c.request("POST", "/api/v1/echo", { body: {} }), "network");
      assert.equal(logged(mock, "POST", "/api/v1/echo").length, 1);
    });

    test("no answer within timeoutMs rejects with timeout", async () => {
      const c = client({ timeoutMs: 200, maxRetries: 0 });
      await c.token();
      mock.script("me", { hang: true });
      const { ms, error } = await timed(() => c.me());
      const err = await rejectsWith(pkg, Promise.reject(error), "timeout");
      assert.equal(err.status, undefined);
      assert.ok(ms >= 180 && ms < 1500, `took ${ms} ms`);

      // timeoutMs runs until the body is read: a body slower than that times out too.
      mock.script("me", { slowBodyMs: 800 });
      await rejectsWith(pkg, c.me(), "timeout");

      // A POST is not retried after a timeout.
      const retrying = client({ timeoutMs: 200, maxRetries: 2 });
      await retrying.token();
      mock.script("echo", { hang: true });
      await rejectsWith(pkg, retrying.request("POST", "/api/v1/echo", { body: {} }), "timeout");
      assert.equal(logged(mock, "POST", "/api/v1/echo").length, 1);
    });

    test("a timeout is retried for GET and the token request", async () => {
      const c = client({ timeoutMs: 200, maxRetries: 1 });
      mock.script("token", { hang: true });
      mock.script("me", { hang: true });
      const { ms, value, error } = await timed(() => c.me());
      assert.equal(value?.id, USER.id, error?.message);
      assert.ok(ms >= 380, `took ${ms} ms`);
      assert.equal(mock.stats().tokenRequests, 2);
      assert.equal(logged(mock, "GET", "/api/v1/me").length, 2);
    });

    test("a refused connection rejects with network", async () => {
      const port = await closedPort();
      const c = new AnkorstoreClient({ ...CREDS, baseUrl: `http://127.0.0.1:${port}`, maxRetries: 0 });
      const err = await rejectsWith(pkg, c.me(), "network");
      assert.equal(err.status, undefined);
      await rejectsWith(pkg, c.token(), "network");
      await rejectsWith(pkg, c.request("POST", "/api/v1/echo", { body: {} }), "network");
      // With retries too (the token request is retried, then gives up with network).
      const retrying = new AnkorstoreClient({ ...CREDS, baseUrl: `http://127.0.0.1:${port}`, maxRetries: 1 });
      await rejectsWith(pkg, retrying.me(), "network");
    });

    test("HTML and truncated bodies", async () => {
      const c = client({ maxRetries: 0 });
      await c.token();
      // An nginx 502 page: a 5xx is a server error whatever its body (api.md: "5xx →
      // server_error after retries"); the HTML is not JSON:API, so there is no `errors`.
      mock.script("me", { html: true });
      const err = await rejectsWith(pkg, c.me(), "server_error", { status: 502 });
      assert.equal(err.errors, undefined);
      mock.script("echo", { html: true, status: 503 });
      await rejectsWith(pkg, c.request("GET", "/api/v1/echo"), "server_error", { status: 503 });

      // The same HTML with a 200: "a 2xx whose body is not what the endpoint promises".
      mock.script("me", { html: true, status: 200 });
      await rejectsWith(pkg, c.me(), "invalid_response", { status: 200 });
      mock.script("echo", { html: true, status: 200 });
      await rejectsWith(pkg, c.request("GET", "/api/v1/echo"), "invalid_response", { status: 200 });

      // Content-Length promises more than arrives before the connection is cut: the answer
      // could not be read (timeoutMs covers the attempt "until the body is read"), so it is a
      // transport failure, `network`, not a response with a status.
      mock.script("me", { truncate: true });
      const cut = await rejectsWith(pkg, c.me(), "network");
      assert.equal(cut.status, undefined);
      mock.script("echo", { truncate: true });
      await rejectsWith(pkg, c.request("GET", "/api/v1/echo"), "network");

      // Both are retried for GET when retries remain.
      const retrying = client({ maxRetries: 1 });
      await retrying.token();
      mock.script("me", [{ truncate: true }, { html: true }]);
      await rejectsWith(pkg, retrying.me(), "server_error", { status: 502 });
      mock.script("me", { truncate: true });
      assert.equal((await retrying.me()).id, USER.id);
    });

    test("a redirect is never followed", async () => {
      const c = client();
      await c.token();
      const other = `${mock.url}/__mock/echo`;
      mock.script("echo", { status: 302, headers: { location: other } });
      // api.md fixes no code for this case; it must be an AnkorstoreError with the status.
      const err = await c.request("GET", "/api/v1/echo").then(() => assert.fail("resolved"), (e) => e);
      assert.ok(err instanceof pkg.AnkorstoreError, String(err));
      assert.equal(err.status, 302);
      assert.equal(logged(mock, "GET", "/__mock/echo").length, 0);
    });
  });
}

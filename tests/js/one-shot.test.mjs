// exchangeCredentials() and getMe() against the mock, in both Node entries (api.md,
// "exchangeCredentials and getMe", and the token endpoint's error mapping).
// Run: node --test tests/js/one-shot.test.mjs
import { beforeEach, describe, test } from "node:test";
import assert from "node:assert/strict";

import {
  DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, SPECIAL_ID, SPECIAL_SECRET, USER, closedPort, logged, rejectsWith,
  setup, timed,
} from "./support/client-kit.mjs";

const { mock, entries } = await setup();

for (const [entry, pkg] of entries) {
  const { exchangeCredentials, getMe } = pkg;
  const exchange = (extra) => exchangeCredentials({
    clientId: DEMO_CLIENT_ID, clientSecret: DEMO_CLIENT_SECRET, baseUrl: mock.url, ...extra,
  });
  const endpoint = (extra) => ({ baseUrl: mock.url, ...extra });

  describe(`${entry}: exchangeCredentials`, () => {
    beforeEach(() => mock.reset());

    test("performs one form-encoded client-credentials request and resolves to an AccessToken", async () => {
      const before = Date.now();
      const token = await exchange();
      const after = Date.now();
      assert.deepEqual(Object.keys(token).sort(), ["accessToken", "expiresAt", "expiresIn", "tokenType"]);
      assert.equal(token.tokenType, "Bearer");
      assert.equal(token.expiresIn, 3600);
      assert.ok(token.expiresAt >= before + 3600_000 && token.expiresAt <= after + 3600_000);

      const [request] = logged(mock, "POST", "/oauth/token");
      assert.equal(request.headers["content-type"].split(";")[0], "application/x-www-form-urlencoded");
      const form = Object.fromEntries(new URLSearchParams(request.body));
      assert.deepEqual(form, {
        grant_type: "client_credentials", client_id: DEMO_CLIENT_ID, client_secret: DEMO_CLIENT_SECRET, scope: "*",
      });
      // No cache: every call is a token request.
      const second = await exchange({ scope: "orders" });
      assert.notEqual(second.accessToken, token.accessToken);
      assert.equal(mock.stats().tokenRequests, 2);
      assert.equal(new URLSearchParams(logged(mock, "POST", "/oauth/token")[1].body).get("scope"), "orders");
    });

    test("a secret with + & = % space é \" is encoded correctly", async () => {
      const token = await exchangeCredentials({ clientId: SPECIAL_ID, clientSecret: SPECIAL_SECRET, baseUrl: mock.url });
      assert.equal(typeof token.accessToken, "string");
      const [request] = logged(mock, "POST", "/oauth/token");
      assert.equal(new URLSearchParams(request.body).get("client_secret"), SPECIAL_SECRET);
    });

    test("a wrong secret rejects with invalid_client and the OAuth error", async () => {
      const err = await rejectsWith(pkg, exchange({ clientSecret: "wrong-secret" }), "invalid_client",
        { status: 401, oauthError: "invalid_client" });
      assert.ok(!err.message.includes("wrong-secret"));
      assert.equal(mock.stats().tokenRequests, 1, "a 401 is not retried");
      await rejectsWith(pkg, exchange({ clientId: "nobody" }), "invalid_client", { status: 401 });
    });

    test("token endpoint answers map to the documented codes", async () => {
      mock.script("token", { status: 400 });
      await rejectsWith(pkg, exchange(), "invalid_client", { status: 400, oauthError: "invalid_request" });

      mock.script("token", { status: 403 });
      await rejectsWith(pkg, exchange(), "request_failed", { status: 403 });
      mock.script("token", { status: 404 });
      await rejectsWith(pkg, exchange(), "request_failed", { status: 404 });

      mock.script("token", { retryAfter: 120 });
      const { ms, error } = await timed(() => exchange());
      await rejectsWith(pkg, Promise.reject(error), "rate_limited", { status: 429, retryAfter: 120 });
      assert.ok(ms < 500, `took ${ms} ms`);

      // A 2xx without a valid token.
      for (const body of [{}, { access_token: "", token_type: "Bearer", expires_in: 3600 },
        { access_token: "t", token_type: "mac", expires_in: 3600 }, { access_token: "t", token_type: "Bearer" },
        "not json", "[]"]) {
        mock.script("token", { status: 200, body });
        await rejectsWith(pkg, exchange(), "invalid_response", { status: 200 });
      }
      mock.script("token", { html: true, status: 200 });
      await rejectsWith(pkg, exchange(), "invalid_response", { status: 200 });
    });

    test("5xx is retried (it is the token request), then server_error", async () => {
      mock.script("token", { status: 500 });
      assert.ok((await exchange()).accessToken);
      assert.equal(mock.stats().tokenRequests, 2);

      mock.reset();
      mock.script("token", { status: 502, count: 3 });
      await rejectsWith(pkg, exchange({ maxRetries: 2 }), "server_error", { status: 502 });
      assert.equal(mock.stats().tokenRequests, 3);

      mock.reset();
      mock.script("token", { html: true });
      await rejectsWith(pkg, exchange({ maxRetries: 0 }), "server_error", { status: 502 });
      assert.equal(mock.stats().tokenRequests, 1);
    });

    test("timeout and network errors", async () => {
      mock.script("token", { hang: true });
      await rejectsWith(pkg, exchange({ timeoutMs: 200, maxRetries: 0 }), "timeout");
      const port = await closedPort();
      await rejectsWith(pkg, exchange({ baseUrl: `http://127.0.0.1:${port}`, maxRetries: 0 }), "network");
    });

    test("bad options reject with invalid_config and send nothing", async () => {
      const cases = [undefined, {}, { clientId: DEMO_CLIENT_ID }, { clientId: "", clientSecret: "s" },
        { clientId: DEMO_CLIENT_ID, clientSecret: "" },
        { clientId: DEMO_CLIENT_ID, clientSecret: DEMO_CLIENT_SECRET, baseUrl: "http://example.com" },
        { clientId: DEMO_CLIENT_ID, clientSecret: DEMO_CLIENT_SECRET, environment: "staging" },
        { clientId: DEMO_CLIENT_ID, clientSecret: DEMO_CLIENT_SECRET, baseUrl: mock.url, timeoutMs: NaN },
        { clientId: DEMO_CLIENT_ID, clientSecret: DEMO_CLIENT_SECRET, baseUrl: mock.url, maxRetries: -1 }];
      for (const options of cases) await rejectsWith(pkg, exchangeCredentials(options), "invalid_config");
      assert.equal(mock.stats().tokenRequests, 0);
    });
  });

  describe(`${entry}: getMe`, () => {
    beforeEach(() => mock.reset());

    test("resolves to the user with the given token", async () => {
      const { accessToken } = await exchange();
      assert.deepEqual(await getMe(accessToken, endpoint()), { ...USER });
      const [request] = logged(mock, "GET", "/api/v1/me");
      assert.equal(request.headers.authorization, `Bearer ${accessToken}`);
      assert.equal(request.headers.accept, "application/json");
    });

    test("an empty token rejects with invalid_argument and sends nothing", async () => {
      for (const token of ["", "   "]) await rejectsWith(pkg, getMe(token, endpoint()), "invalid_argument");
      await rejectsWith(pkg, getMe(undefined, endpoint()), "invalid_argument");
      assert.equal(mock.stats().apiRequests, 0);
    });

    test("a 401 rejects with unauthenticated: there is no token to refresh", async () => {
      await rejectsWith(pkg, getMe("not-a-token-the-mock-issued", endpoint()), "unauthenticated", { status: 401 });
      const { accessToken } = await exchange();
      mock.script("me", { status: 401 });
      await rejectsWith(pkg, getMe(accessToken, endpoint()), "unauthenticated", { status: 401 });
      const stats = mock.stats();
      assert.equal(stats.apiRequests, 2);
      assert.equal(stats.tokenRequests, 1);
    });

    test("retries a 5xx (GET), honours maxRetries, timeoutMs and AbortSignal", async () => {
      const { accessToken } = await exchange();
      mock.script("me", { status: 503 });
      assert.equal((await getMe(accessToken, endpoint())).id, USER.id);
      mock.script("me", { status: 503 });
      await rejectsWith(pkg, getMe(accessToken, endpoint({ maxRetries: 0 })), "server_error", { status: 503 });
      mock.script("me", { hang: true });
      await rejectsWith(pkg, getMe(accessToken, endpoint({ timeoutMs: 200, maxRetries: 0 })), "timeout");
      mock.script("me", { hang: true });
      await rejectsWith(pkg, getMe(accessToken, endpoint({ signal: AbortSignal.timeout(100) })), "aborted");
      const before = mock.stats().apiRequests;
      await rejectsWith(pkg, getMe(accessToken, endpoint({ signal: AbortSignal.abort() })), "aborted");
      assert.equal(mock.stats().apiRequests, before);
    });

    test("a 2xx that is not a user rejects with invalid_response", async () => {
      const { accessToken } = await exchange();
      for (const body of [{ data: { type: "brand", id: 1 } }, { user: USER }, "not json"]) {
        mock.script("me", { status: 200, body });
        await rejectsWith(pkg, getMe(accessToken, endpoint()), "invalid_response", { status: 200 });
      }
    });

    test("bad options reject with invalid_config", async () => {
      await rejectsWith(pkg, getMe("token", { baseUrl: "http://example.com" }), "invalid_config");
      await rejectsWith(pkg, getMe("token", { environment: "staging" }), "invalid_config");
      await rejectsWith(pkg, getMe("token", { baseUrl: mock.url, timeoutMs: -1 }), "invalid_config");
      assert.equal(mock.stats().apiRequests, 0);
    });
  });
}

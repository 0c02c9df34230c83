// Tests of the mock Ankorstore server (mock/server.mjs). Run: node --test tests/js/mock.test.mjs
import { after, before, beforeEach, describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { once } from "node:events";
import http from "node:http";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";

import { DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, createMock, startMock } from "../../mock/server.mjs";

const JSONAPI = "application/vnd.api+json";
const SERVER_PATH = fileURLToPath(new URL("../../mock/server.mjs", import.meta.url));
const SPECIAL_ID = "special-client";
const SPECIAL_SECRET = 'p+s&w=r%d é"x 1';
const JWT_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;
const UNAUTHORIZED_DOC = { jsonapi: { version: "1.0" }, errors: [{ status: "401", detail: "Unauthorized" }] };

let mock;

before(async () => {
  mock = await startMock({
    port: 0,
    clients: { [DEMO_CLIENT_ID]: DEMO_CLIENT_SECRET, [SPECIAL_ID]: SPECIAL_SECRET },
  });
});
after(() => mock.close());
beforeEach(() => mock.reset());

// ---------------------------------------------------------------------------------------
// helpers

function requestToken(fields = {}) {
  const body = new URLSearchParams({
    grant_type: "client_credentials", client_id: DEMO_CLIENT_ID, client_secret: DEMO_CLIENT_SECRET, scope: "*", ...fields,
  });
  return fetch(`${mock.url}/oauth/token`, { method: "POST", headers: { accept: "application/json" }, body });
}

async function getToken(fields) {
  const res = await requestToken(fields);
  assert.equal(res.status, 200);
  return (await res.json()).access_token;
}

function call(path, { token, method = "GET", headers = {}, body, signal } = {}) {
  const url = path.startsWith("http") ? path : `${mock.url}${path}`;
  return fetch(url, {
    method, body, signal,
    headers: { accept: JSONAPI, ...(token && { authorization: `Bearer ${token}` }), ...headers },
  });
}

function postJsonApi(path, token, payload) {
  return call(path, { token, method: "POST", headers: { "content-type": JSONAPI }, body: JSON.stringify(payload) });
}

async function orderIdWithStatus(token, status) {
  const res = await call(`/api/v1/orders?filter[status]=${status}`, { token });
  const doc = await res.json();
  assert.ok(doc.data.length > 0, `an order with status ${status}`);
  return doc.data[0].id;
}

async function elapsed(fn) {
  const start = performance.now();
  const value = await fn();
  return { value, ms: performance.now() - start };
}

// ---------------------------------------------------------------------------------------

describe("POST /oauth/token", () => {
  test("issues a JWT-looking bearer token", async () => {
    const res = await requestToken();
    assert.equal(res.status, 200);
    assert.match(res.headers.get("content-type"), /^application\/json/);
    const body = await res.json();
    assert.deepEqual(Object.keys(body), ["token_type", "expires_in", "access_token"]);
    assert.equal(body.token_type, "Bearer");
    assert.equal(body.expires_in, 3600);
    assert.match(body.access_token, JWT_SHAPE);
    assert.notEqual(body.access_token, await getToken(), "tokens are random");
    const stats = mock.stats();
    assert.equal(stats.tokenRequests, 2);
    assert.equal(stats.tokensIssued, 2);
  });

  test("wrong secret, unknown or missing client id: 401 invalid_client", async () => {
    const expected = { error: "invalid_client", error_description: "Client authentication failed", message: "Client authentication failed" };
    for (const fields of [{ client_secret: "nope" }, { client_id: "someone-else" }, { client_id: "" }]) {
      const res = await requestToken(fields);
      assert.equal(res.status, 401);
      assert.deepEqual(await res.json(), expected);
    }
  });

  test("another grant type: 400 unsupported_grant_type", async () => {
    const res = await requestToken({ grant_type: "password" });
    assert.equal(res.status, 400);
    const body = await res.json();
    assert.equal(body.error, "unsupported_grant_type");
    assert.equal(body.error_description, "The authorization grant type is not supported by the authorization server.");
    assert.equal(typeof body.message, "string");
  });

  test("a secret with + & = % space é \" is accepted only when form-encoded", async () => {
    assert.match(await getToken({ client_id: SPECIAL_ID, client_secret: SPECIAL_SECRET }), JWT_SHAPE);
    const raw = `grant_type=client_credentials&client_id=${SPECIAL_ID}&client_secret=${SPECIAL_SECRET}`;
    const res = await fetch(`${mock.url}/oauth/token`, {
      method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: raw,
    });
    assert.equal(res.status, 401);
  });

  test("a JSON body is not read: the grant type is missing", async () => {
    const res = await fetch(`${mock.url}/oauth/token`, {
      method: "POST", headers: { "content-type": "application/json" },
      body: JSON.stringify({ grant_type: "client_credentials", client_id: DEMO_CLIENT_ID, client_secret: DEMO_CLIENT_SECRET }),
    });
    assert.equal(res.status, 400);
  });

  test("rate limit per client id and rolling hour: 429 with Retry-After", async () => {
    mock.configure({ tokenLimitPerHour: 3 });
    await getToken();
    assert.equal((await requestToken({ client_secret: "bad" })).status, 401, "failures count too");
    const third = await requestToken();
    assert.equal(third.headers.get("x-ratelimit-remaining"), "0");

    const res = await requestToken();
    assert.equal(res.status, 429);
    assert.deepEqual(await res.json(), { message: "Too Many Attempts." });
    const retryAfter = Number(res.headers.get("retry-after"));
    assert.ok(retryAfter >= 3590 && retryAfter <= 3600, `Retry-After ${retryAfter}`);
    assert.equal(res.headers.get("x-ratelimit-limit"), "3");
    assert.equal(res.headers.get("x-ratelimit-remaining"), "0");
    const reset = Number(res.headers.get("x-ratelimit-reset"));
    assert.ok(Math.abs(reset - (Date.now() / 1000 + retryAfter)) < 3);

    assert.equal((await requestToken({ client_id: SPECIAL_ID, client_secret: SPECIAL_SECRET })).status, 200, "other clients are not affected");
    assert.equal(mock.stats().tokenRequests, 5);
  });
});

describe("GET /api/v1/me and authentication", () => {
  test("with a token: the documented user", async () => {
    const res = await call("/api/v1/me", { token: await getToken(), headers: { accept: "application/json" } });
    assert.equal(res.status, 200);
    assert.match(res.headers.get("content-type"), /^application\/json/);
    assert.equal(res.headers.get("x-ratelimit-limit"), "600");
    assert.match(res.headers.get("x-ratelimit-remaining"), /^\d+$/);
    assert.deepEqual(await res.json(), {
      data: {
        type: "user", id: 1234, email: "api@ankorstore.com", first_name: "Test", last_name: "Account",
        created_at: "2020-01-28T11:26:35+00:00", updated_at: "2022-03-15T15:23:09+00:00",
      },
    });
  });

  test("without or with an unknown token: 401 Unauthenticated.", async () => {
    for (const token of [undefined, "not-a-token"]) {
      const res = await call("/api/v1/me", { token });
      assert.equal(res.status, 401);
      assert.match(res.headers.get("content-type"), /^application\/json/);
      assert.equal(res.headers.get("x-ratelimit-limit"), "600");
      assert.deepEqual(await res.json(), { message: "Unauthenticated." });
    }
  });

  test("JSON:API routes answer a JSON:API 401 document", async () => {
    const res = await call("/api/v1/orders");
    assert.equal(res.status, 401);
    assert.equal(res.headers.get("content-type"), JSONAPI);
    assert.deepEqual(await res.json(), UNAUTHORIZED_DOC);
  });

  test("a token expires after tokenTtl seconds", async () => {
    mock.configure({ tokenTtl: 1 });
    const res = await requestToken();
    const { access_token: token, expires_in: expiresIn } = await res.json();
    assert.equal(expiresIn, 1);
    assert.equal((await call("/api/v1/me", { token })).status, 200);
    await sleep(1100);
    assert.equal((await call("/api/v1/me", { token })).status, 401);
  });

  test("configure({ revokeAll }) revokes the tokens issued so far", async () => {
    const old = await getToken();
    mock.configure({ revokeAll: true });
    assert.equal((await call("/api/v1/me", { token: old })).status, 401);
    assert.equal((await call("/api/v1/me", { token: await getToken() })).status, 200);
  });

  test("configure({ alwaysUnauthorized }) refuses every token", async () => {
    const token = await getToken();
    mock.configure({ alwaysUnauthorized: true });
    assert.equal((await call("/api/v1/me", { token })).status, 401);
    assert.deepEqual(await (await call("/api/v1/orders", { token })).json(), UNAUTHORIZED_DOC);
    mock.reset();
    assert.equal((await call("/api/v1/me", { token: await getToken() })).status, 200, "reset restores the config");
  });
});

describe("orders", () => {
  test("pagination: following links.next visits every order once", async () => {
    const token = await getToken();
    const ids = [];
    const sizes = [];
    let next = "/api/v1/orders";
    let last;
    while (next) {
      const res = await call(next, { token });
      assert.equal(res.status, 200);
      assert.equal(res.headers.get("content-type"), JSONAPI);
      last = await res.json();
      sizes.push(last.data.length);
      ids.push(...last.data.map((o) => o.id));
      assert.equal(last.meta.page.perPage, 10);
      assert.equal(last.meta.page.from, last.data[0].id);
      assert.equal(last.meta.page.to, last.data.at(-1).id);
      assert.ok(last.links.first.startsWith(`${mock.url}/api/v1/orders?`));
      next = last.links.next;
      if (next) assert.ok(next.startsWith(mock.url), "absolute links on the request's host");
    }
    assert.deepEqual(sizes, [10, 10, 5]);
    assert.equal(new Set(ids).size, 25);
    assert.equal(last.meta.page.hasMore, false);
    assert.equal(last.links.next, null);

    const order = (await (await call("/api/v1/orders", { token })).json()).data[0];
    assert.equal(order.type, "orders");
    assert.equal(typeof order.attributes.status, "string");
    assert.equal(order.attributes.brandCurrency, "EUR");
    assert.equal(order.relationships.retailer.data.type, "retailers");
  });

  test("pagination: page[before] goes back, page[limit] is capped at 50", async () => {
    const token = await getToken();
    const first = await (await call("/api/v1/orders?page[limit]=5", { token })).json();
    assert.equal(first.links.prev, null);
    const second = await (await call(first.links.next, { token })).json();
    const back = await (await call(second.links.prev, { token })).json();
    assert.deepEqual(back.data.map((o) => o.id), first.data.map((o) => o.id));
    assert.equal(back.meta.page.hasMore, false);

    const all = await (await call("/api/v1/orders?page[limit]=100", { token })).json();
    assert.equal(all.meta.page.perPage, 50);
    assert.equal(all.data.length, 25);
  });

  test("bad page[limit] or cursor: 400 JSON:API error", async () => {
    const token = await getToken();
    for (const query of ["page[limit]=abc", "page[limit]=0", "page[after]=nope"]) {
      const res = await call(`/api/v1/orders?${query}`, { token });
      assert.equal(res.status, 400);
      const doc = await res.json();
      assert.equal(doc.errors[0].status, "400");
      assert.ok(doc.errors[0].source.parameter.startsWith("page["));
    }
  });

  test("single order, and 404 for an unknown id", async () => {
    const token = await getToken();
    const id = await orderIdWithStatus(token, "shipped");
    const doc = await (await call(`/api/v1/orders/${id}?include=retailer`, { token })).json();
    assert.equal(doc.data.id, id);
    assert.equal(doc.data.type, "order");
    assert.ok(doc.data.attributes.shippingOverview);
    assert.equal(doc.included[0].id, doc.data.relationships.retailer.data.id);

    const res = await call("/api/v1/orders/missing-id", { token });
    assert.equal(res.status, 404);
    assert.equal(res.headers.get("content-type"), JSONAPI);
    assert.deepEqual(await res.json(), {
      jsonapi: { version: "1.0" }, errors: [{ status: "404", title: "Not Found", detail: "Order missing-id not found" }],
    });
  });

  test("accept: 415, 400, 200, then 422 with source.pointer", async () => {
    const token = await getToken();
    const id = await orderIdWithStatus(token, "ankor_confirmed");
    const path = `/api/v1/orders/${id}/accept`;

    const wrongType = await call(path, { token, method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
    assert.equal(wrongType.status, 415);
    assert.equal((await wrongType.json()).errors[0].status, "415");

    const badJson = await call(path, { token, method: "POST", headers: { "content-type": JSONAPI }, body: "{nope" });
    assert.equal(badJson.status, 400);
    assert.equal((await badJson.json()).errors[0].status, "400");

    const ok = await postJsonApi(path, token, {});
    assert.equal(ok.status, 200);
    assert.equal((await ok.json()).data.attributes.status, "brand_confirmed");

    const again = await postJsonApi(path, token, {});
    assert.equal(again.status, 422);
    const error = (await again.json()).errors[0];
    assert.equal(error.status, "422");
    assert.equal(typeof error.source.pointer, "string");

    mock.reset();
    const fresh = await getToken();
    assert.equal((await postJsonApi(path, fresh, {})).status, 200, "reset restores the orders");
  });

  test("reject: the reason rules of the OpenAPI body, then 200", async () => {
    const token = await getToken();
    const id = await orderIdWithStatus(token, "ankor_confirmed");
    const path = `/api/v1/orders/${id}/reject`;

    const missing = await postJsonApi(path, token, { order: { rejectType: "OTHER" } });
    assert.equal(missing.status, 422);
    assert.equal((await missing.json()).errors[0].source.pointer, "order.rejectReason");

    const ok = await postJsonApi(path, token, { order: { rejectType: "PRODUCT_OUT_OF_STOCK" } });
    assert.equal(ok.status, 200);
    assert.equal((await ok.json()).data.attributes.status, "rejected");
  });

  test("DELETE /api/v1/webhook-subscriptions/{id}: 204 without a body", async () => {
    const res = await call("/api/v1/webhook-subscriptions/abc", { token: await getToken(), method: "DELETE" });
    assert.equal(res.status, 204);
    assert.equal(await res.text(), "");
    assert.equal(res.headers.get("x-ratelimit-limit"), "600");
    assert.equal((await call("/api/v1/webhook-subscriptions/abc", { method: "DELETE" })).status, 401);
  });

  test("unknown path: 404 JSON:API document", async () => {
    const res = await call("/api/v1/nothing-here");
    assert.equal(res.status, 404);
    assert.equal(res.headers.get("content-type"), JSONAPI);
    assert.equal((await res.json()).errors[0].status, "404");
  });
});

describe("echo routes and the request log", () => {
  test("/api/v1/echo needs a token and reflects the request", async () => {
    assert.equal((await call("/api/v1/echo")).status, 401);
    const token = await getToken();
    const res = await call("/api/v1/echo?a=1&b=x%20y", {
      token, method: "PUT", headers: { "X-Custom": "Yes" }, body: "raw+body",
    });
    const echo = await res.json();
    assert.equal(echo.method, "PUT");
    assert.equal(echo.path, "/api/v1/echo");
    assert.deepEqual(echo.query, { a: "1", b: "x y" });
    assert.equal(echo.headers["x-custom"], "Yes");
    assert.equal(echo.headers.authorization, `Bearer ${token}`);
    assert.equal(echo.body, "raw+body");
  });

  test("/__mock/echo needs no token", async () => {
    const res = await call("/__mock/echo?q=%C3%A9", { method: "POST", body: "x=1" });
    assert.equal(res.status, 200);
    assert.deepEqual((await res.json()).query, { q: "é" });
  });

  test("stats() logs the last 200 requests with decoded query and lower-case headers", async () => {
    await requestToken();
    const entry = mock.stats().requests.at(-1);
    assert.equal(entry.method, "POST");
    assert.equal(entry.path, "/oauth/token");
    assert.equal(entry.headers.accept, "application/json");
    assert.match(entry.body, /grant_type=client_credentials/);

    await Promise.all(Array.from({ length: 205 }, (_, i) => call(`/__mock/echo?i=${i}`).then((r) => r.arrayBuffer())));
    const stats = mock.stats();
    assert.equal(stats.requests.length, 200);
    assert.equal(stats.apiRequests, 0);
    assert.ok(stats.requests.every((r) => r.path === "/__mock/echo"));
  });
});

describe("scripted faults", () => {
  test("status without body: the route's realistic error body", async () => {
    const token = await getToken();
    mock.script("orders", { status: 403 });
    const forbidden = await call("/api/v1/orders", { token });
    assert.equal(forbidden.status, 403);
    assert.deepEqual(await forbidden.json(), { jsonapi: { version: "1.0" }, errors: [{ status: "403", detail: "Forbidden" }] });

    mock.script("me", { status: 401 });
    const refused = await call("/api/v1/me", { token });
    assert.equal(refused.status, 401, "faults apply before the auth check");
    assert.deepEqual(await refused.json(), { message: "Unauthenticated." });

    mock.script("token", { status: 500 });
    const broken = await requestToken();
    assert.equal(broken.status, 500);
    assert.equal(mock.stats().tokenRequests, 2, "faulted token requests are counted");
  });

  test("queues: count, passthrough, and route queues before the api queue", async () => {
    const token = await getToken();
    mock.script("orders", [{ status: 500, count: 2 }, { passthrough: true }, { status: 503 }]);
    const statuses = [];
    for (let i = 0; i < 5; i += 1) statuses.push((await call("/api/v1/orders", { token })).status);
    assert.deepEqual(statuses, [500, 500, 200, 503, 200]);

    mock.script("api", { status: 502 });
    mock.script("me", { status: 403 });
    const me = [];
    for (let i = 0; i < 3; i += 1) me.push((await call("/api/v1/me", { token })).status);
    assert.deepEqual(me, [403, 502, 200]);
  });

  test("body (string or object) and headers", async () => {
    const token = await getToken();
    mock.script("order", [
      { status: 200, body: "not json", headers: { "X-Custom": "1" } },
      { body: { data: null } },
      { headers: { "x-extra": "on a normal answer" } },
    ]);
    const text = await call("/api/v1/orders/x", { token });
    assert.equal(await text.text(), "not json");
    assert.equal(text.headers.get("x-custom"), "1");
    assert.deepEqual(await (await call("/api/v1/orders/x", { token })).json(), { data: null });
    const normal = await call("/api/v1/orders/x", { token });
    assert.equal(normal.status, 404);
    assert.equal(normal.headers.get("x-extra"), "on a normal answer");
  });

  test("a bare success or redirect status keeps the normal body", async () => {
    const token = await getToken();
    mock.script("me", { status: 302, headers: { location: "http://example.invalid/steal" } });
    const res = await fetch(`${mock.url}/api/v1/me`, { redirect: "manual", headers: { authorization: `Bearer ${token}` } });
    assert.equal(res.status, 302);
    assert.equal(res.headers.get("location"), "http://example.invalid/steal");
    assert.equal((await res.json()).data.id, 1234);
  });

  test("delayMs waits before answering normally", async () => {
    const token = await getToken();
    mock.script("me", { delayMs: 200 });
    const { value: res, ms } = await elapsed(() => call("/api/v1/me", { token }));
    assert.equal(res.status, 200);
    assert.ok(ms >= 190, `${ms} ms`);
  });

  test("hang never answers (client-side timeout)", async () => {
    mock.script("me", { hang: true });
    await assert.rejects(call("/api/v1/me", { signal: AbortSignal.timeout(200) }), { name: "TimeoutError" });
    assert.equal((await call("/api/v1/me")).status, 401, "the next request is answered");
  });

  test("reset destroys the socket without a response", async () => {
    mock.script("token", { reset: true });
    await assert.rejects(requestToken(), TypeError);
    assert.equal(mock.stats().tokenRequests, 1);
  });

  test("html sends an nginx error page", async () => {
    mock.script("api", [{ html: true }, { html: true, status: 504 }]);
    const res = await call("/api/v1/orders");
    assert.equal(res.status, 502);
    assert.match(res.headers.get("content-type"), /^text\/html/);
    const page = await res.text();
    assert.match(page, /502 Bad Gateway/);
    assert.match(page, /nginx/);
    assert.equal((await call("/api/v1/orders")).status, 504);
  });

  test("truncate sends half the body and closes the connection", async () => {
    const token = await getToken();
    mock.script("orders", { truncate: true });
    const res = await call("/api/v1/orders", { token });
    assert.equal(res.status, 200);
    await assert.rejects(res.text());
  });

  test("slowBodyMs sends headers at once and the body over time", async () => {
    const token = await getToken();
    mock.script("orders", { slowBodyMs: 300 });
    const start = performance.now();
    const res = await call("/api/v1/orders", { token });
    const headersAt = performance.now() - start;
    const doc = await res.json();
    const bodyAt = performance.now() - start;
    assert.ok(headersAt < 200, `headers after ${headersAt} ms`);
    assert.ok(bodyAt >= 280, `body after ${bodyAt} ms`);
    assert.equal(doc.data.length, 10);
  });

  test("echoSecret reflects the client secret on the token route", async () => {
    mock.script("token", { echoSecret: true });
    const res = await requestToken({ client_id: SPECIAL_ID, client_secret: SPECIAL_SECRET });
    assert.equal(res.status, 401);
    const body = await res.json();
    assert.equal(body.error, "invalid_client");
    for (const field of ["error_description", "message", "hint"]) assert.ok(body[field].includes(SPECIAL_SECRET), field);
  });

  test("echoSecret reflects the bearer token on API routes", async () => {
    const token = await getToken();
    mock.script("orders", { echoSecret: true });
    const res = await call("/api/v1/orders", { token });
    assert.equal(res.status, 422);
    assert.equal(res.headers.get("x-debug-token"), token);
    const error = (await res.json()).errors[0];
    for (const text of [error.detail, error.title, error.meta.token, error.source.parameter]) assert.ok(text.includes(token));
  });

  test("retryAfter: 429 with Retry-After on API and token routes", async () => {
    mock.script("orders", { retryAfter: 7 });
    const api = await call("/api/v1/orders");
    assert.equal(api.status, 429);
    assert.equal(api.headers.get("retry-after"), "7");
    assert.equal((await api.json()).errors[0].status, "429");

    const date = "Wed, 21 Oct 2026 07:28:00 GMT";
    mock.script("token", { retryAfter: date });
    const token = await requestToken();
    assert.equal(token.status, 429);
    assert.equal(token.headers.get("retry-after"), date);
    assert.deepEqual(await token.json(), { message: "Too Many Attempts." });
  });

  test("invalid scripts are refused", () => {
    assert.throws(() => mock.script("nope", { status: 500 }), TypeError);
    assert.throws(() => mock.script("me", { stauts: 500 }), TypeError);
    assert.throws(() => mock.script("me", { count: 0 }), TypeError);
  });

  test("reset() clears counters, the log and pending faults", async () => {
    mock.script("me", { status: 500, count: 3 });
    await call("/api/v1/me");
    mock.reset();
    assert.deepEqual(mock.stats(), { tokenRequests: 0, apiRequests: 0, tokensIssued: 0, requests: [] });
    assert.equal((await call("/api/v1/me")).status, 401);
  });
});

describe("CORS", () => {
  test("preflight: 204 with CORS headers, not counted", async () => {
    const res = await fetch(`${mock.url}/oauth/token`, {
      method: "OPTIONS",
      headers: { origin: "http://example.test", "access-control-request-method": "POST", "access-control-request-headers": "authorization,content-type" },
    });
    assert.equal(res.status, 204);
    assert.equal(res.headers.get("access-control-allow-origin"), "*");
    assert.match(res.headers.get("access-control-allow-methods"), /POST/);
    assert.equal(res.headers.get("access-control-allow-headers"), "authorization,content-type");
    assert.match(res.headers.get("access-control-expose-headers"), /Retry-After/);
    assert.equal(res.headers.get("access-control-max-age"), "600");
    const stats = mock.stats();
    assert.equal(stats.tokenRequests + stats.apiRequests, 0);
  });

  test("every API answer carries CORS headers", async () => {
    for (const res of [await requestToken(), await call("/api/v1/me"), await call("/nowhere")]) {
      assert.equal(res.headers.get("access-control-allow-origin"), "*");
      assert.match(res.headers.get("access-control-expose-headers"), /X-RateLimit-Remaining/);
    }
  });

  test("no Private Network Access grant: public pages cannot reach the mock through a browser", async () => {
    const res = await fetch(`${mock.url}/api/v1/me`, {
      method: "OPTIONS",
      headers: { origin: "https://public.example", "access-control-request-method": "GET", "access-control-request-private-network": "true" },
    });
    assert.equal(res.status, 204);
    assert.equal(res.headers.get("access-control-allow-private-network"), null);
  });

  test("/__mock/* answers carry no CORS headers, and preflights there get none either", async () => {
    for (const res of [
      await fetch(`${mock.url}/__mock/stats`),
      await fetch(`${mock.url}/__mock/echo`),
      await fetch(`${mock.url}/__mock/config`, { method: "OPTIONS" }),
    ]) {
      await res.arrayBuffer();
      assert.equal(res.headers.get("access-control-allow-origin"), null, res.url);
      assert.equal(res.headers.get("access-control-allow-methods"), null, res.url);
    }
  });
});

describe("who may talk to the mock", () => {
  const raw = (path, headers, body) => new Promise((resolve, reject) => {
    const req = http.request(`${mock.url}${path}`, { method: body === undefined ? "GET" : "POST", headers }, (res) => {
      let text = "";
      res.setEncoding("utf8").on("data", (c) => { text += c; });
      res.on("end", () => resolve({ status: res.statusCode, headers: res.headers, text }));
    });
    req.on("error", reject);
    req.end(body);
  });

  test("another Host name (DNS rebinding) is refused with 421 on every path, and not logged", async () => {
    const port = new URL(mock.url).port;
    for (const host of [`evil.example:${port}`, "evil.example", `127.0.0.1:${Number(port) + 1}`, `127.0.0.1:${port}.evil.example`]) {
      for (const path of ["/__mock/stats", "/oauth/token", "/api/v1/me"]) {
        const res = await raw(path, { host });
        assert.equal(res.status, 421, `${host} ${path}`);
        assert.equal(res.headers["access-control-allow-origin"], undefined);
        assert.ok(!res.text.includes("requests"), "no stats");
      }
    }
    const configured = await raw("/__mock/config", { host: `evil.example:${port}`, "content-type": "application/json" }, JSON.stringify({ alwaysUnauthorized: true }));
    assert.equal(configured.status, 421);
    assert.equal(mock.stats().requests.length, 0);
    assert.equal((await call("/api/v1/me", { token: await getToken() })).status, 200, "the config is unchanged");
    // The names this machine uses are served.
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `LOCALHOST:${port}`, `[::1]:${port}`]) {
      assert.equal((await raw("/__mock/stats", { host })).status, 200, host);
    }
  });

  test("pages of other origins cannot use the controls, even with simple requests", async () => {
    const before = await getToken();
    for (const headers of [{ origin: "http://evil.example" }, { origin: "null" }, { "sec-fetch-site": "cross-site" }, { "sec-fetch-site": "same-site" }]) {
      const stats = await raw("/__mock/stats", headers);
      assert.equal(stats.status, 403, JSON.stringify(headers));
      assert.ok(!stats.text.includes("tokenRequests"));
      for (const [path, body] of [["/__mock/config", { clients: { evil: "evil" } }], ["/__mock/script", { route: "api", faults: { status: 503, count: 9 } }], ["/__mock/reset", {}]]) {
        const res = await raw(path, { ...headers, "content-type": "text/plain" }, JSON.stringify(body));
        assert.equal(res.status, 403, `${path} ${JSON.stringify(headers)}`);
        assert.equal(res.headers["access-control-allow-origin"], undefined);
      }
      const preflight = await fetch(`${mock.url}/__mock/config`, { method: "OPTIONS", headers: { ...headers, "access-control-request-method": "POST" } });
      assert.equal(preflight.status, 403);
      assert.equal(preflight.headers.get("access-control-allow-origin"), null);
    }
    // Nothing was changed: no reset (the token is still valid), no fault, the demo client still works.
    assert.equal((await call("/api/v1/me", { token: before })).status, 200);
    assert.equal((await requestToken()).status, 200);
    // The mock's own origin (and Node, which sends no Origin) may.
    assert.equal((await raw("/__mock/stats", { origin: mock.url, "sec-fetch-site": "same-origin" })).status, 200);
  });

  test("GET /__mock/stats never returns a secret or a token; stats() in-process keeps them (keepCredentials)", async () => {
    const tokenRes = await requestToken({ client_id: SPECIAL_ID, client_secret: SPECIAL_SECRET });
    const { access_token: token } = await tokenRes.json();
    const wrong = `wrong-${Math.random().toString(36).slice(2)}-secret`;
    await (await requestToken({ client_secret: wrong })).arrayBuffer();
    await (await call(`/api/v1/echo?access_token=${token}`, { token, method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ note: `sent ${token}`, clientSecret: wrong }) })).arrayBuffer();
    await (await call(`/__mock/echo?x=${encodeURIComponent(DEMO_CLIENT_SECRET)}`, { headers: { cookie: `session=${token}`, "proxy-authorization": `Basic ${token}` } })).arrayBuffer();

    const text = await (await fetch(`${mock.url}/__mock/stats`)).text();
    const forms = (v) => [v, encodeURIComponent(v), new URLSearchParams({ v }).toString().slice(2), JSON.stringify(v).slice(1, -1)];
    for (const hidden of [...forms(SPECIAL_SECRET), ...forms(DEMO_CLIENT_SECRET), wrong, token]) {
      assert.ok(!text.includes(hidden), `GET /__mock/stats holds ${hidden.slice(0, 12)}…`);
    }
    const stats = JSON.parse(text);
    assert.equal(stats.requests.length, 4);
    const [granted, refused, echo, mockEcho] = stats.requests;
    assert.equal(new URLSearchParams(granted.body).get("client_secret"), "[redacted]");
    assert.equal(new URLSearchParams(granted.body).get("client_id"), SPECIAL_ID, "the rest of the request is kept");
    assert.equal(new URLSearchParams(refused.body).get("client_secret"), "[redacted]");
    assert.equal(echo.headers.authorization, "Bearer [redacted]");
    assert.equal(echo.query.access_token, "[redacted]");
    assert.deepEqual(JSON.parse(echo.body), { note: "sent [redacted]", clientSecret: "[redacted]" });
    assert.equal(mockEcho.headers.cookie, "[redacted]");
    assert.equal(mockEcho.headers["proxy-authorization"], "Basic [redacted]");
    assert.equal(mockEcho.query.x, "[redacted]");

    // In-process, the test API still sees what the client really sent.
    const local = mock.stats().requests;
    assert.equal(new URLSearchParams(local[0].body).get("client_secret"), SPECIAL_SECRET);
    assert.equal(local[2].headers.authorization, `Bearer ${token}`);
  });

  test("keepCredentials: false redacts before storing: not even stats() holds them", async () => {
    const own = await startMock({ port: 0, keepCredentials: false });
    try {
      const res = await fetch(`${own.url}/oauth/token`, { method: "POST", body: new URLSearchParams({ grant_type: "client_credentials", client_id: DEMO_CLIENT_ID, client_secret: DEMO_CLIENT_SECRET }) });
      const { access_token: token } = await res.json();
      await (await fetch(`${own.url}/api/v1/me`, { headers: { authorization: `Bearer ${token}` } })).arrayBuffer();
      const text = JSON.stringify(own.stats());
      assert.ok(!text.includes(DEMO_CLIENT_SECRET) && !text.includes(token));
      assert.equal(own.stats().requests[1].headers.authorization, "Bearer [redacted]");
      await assert.rejects(startMock({ keepCredentials: "yes" }), TypeError);
      assert.throws(() => own.configure({ keepCredentials: true }), TypeError, "not a runtime setting");
    } finally {
      await own.close();
    }
  });
});

describe("createMock: in-process, no socket", () => {
  test("dispatch answers like the server, links on the given origin; /__mock/* is not served", async () => {
    const local = createMock({ clients: { [DEMO_CLIENT_ID]: DEMO_CLIENT_SECRET } });
    try {
      const origin = "http://127.0.0.1:9/mock";
      const granted = await local.dispatch({
        method: "POST", target: "/oauth/token", origin,
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ grant_type: "client_credentials", client_id: DEMO_CLIENT_ID, client_secret: DEMO_CLIENT_SECRET }).toString(),
      });
      assert.equal(granted.status, 200);
      assert.ok(Buffer.isBuffer(granted.body));
      const token = JSON.parse(granted.body).access_token;
      const headers = { authorization: `Bearer ${token}` };
      const page = await local.dispatch({ method: "GET", target: "/api/v1/orders?page[limit]=2", origin, headers });
      assert.equal(page.status, 200);
      assert.equal(page.headers["content-type"], JSONAPI);
      assert.equal(page.headers["x-ratelimit-limit"], "600");
      assert.equal(page.headers["access-control-allow-origin"], undefined, "no CORS in-process");
      assert.ok(JSON.parse(page.body).links.next.startsWith(`${origin}/api/v1/orders?`));
      for (const target of ["/__mock/stats", "/__mock/echo", "/__mock/config"]) {
        const res = await local.dispatch({ method: "GET", target, origin });
        assert.equal(res.status, 404, target);
      }
      const stats = local.stats();
      assert.equal(stats.tokenRequests, 1);
      assert.equal(stats.apiRequests, 1);
      assert.ok(!JSON.stringify(stats).includes(DEMO_CLIENT_SECRET) && !JSON.stringify(stats).includes(token), "keepCredentials is false by default here");
    } finally {
      await local.close();
    }
  });

  test("dispatch: faults become { error } (reset, truncated, aborted) and the signal ends hangs and delays", async () => {
    const local = createMock();
    try {
      const origin = "http://127.0.0.1:9";
      local.script("api", [{ reset: true }, { truncate: true }, { hang: true }, { delayMs: 5000 }, { slowBodyMs: 150 }]);
      assert.deepEqual(await local.dispatch({ method: "GET", target: "/api/v1/me", origin }), { error: "reset" });
      assert.deepEqual(await local.dispatch({ method: "GET", target: "/api/v1/me", origin }), { error: "truncated" });
      for (const ms of [50, 50]) {
        const started = performance.now();
        assert.deepEqual(await local.dispatch({ method: "GET", target: "/api/v1/me", origin, signal: AbortSignal.timeout(ms) }), { error: "aborted" });
        assert.ok(performance.now() - started < 1000);
      }
      const started = performance.now();
      const slow = await local.dispatch({ method: "GET", target: "/api/v1/me", origin });
      assert.equal(slow.status, 401);
      assert.ok(performance.now() - started >= 140, "a slow body delays the whole answer");
    } finally {
      await local.close();
    }
  });
});

describe("HTTP controls", () => {
  const control = (path, body) => fetch(`${mock.url}${path}`, {
    method: body === undefined ? "GET" : "POST",
    headers: { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });

  test("config, script, stats and reset over HTTP", async () => {
    const configured = await control("/__mock/config", { tokenTtl: 5 });
    assert.equal(configured.status, 200);
    assert.equal(configured.headers.get("access-control-allow-origin"), null, "no CORS on the controls");
    const { expires_in: expiresIn, access_token: token } = await (await requestToken()).json();
    assert.equal(expiresIn, 5);

    assert.equal((await control("/__mock/script", { route: "me", faults: [{ status: 503 }] })).status, 200);
    assert.equal((await call("/api/v1/me", { token })).status, 503);

    const stats = await (await control("/__mock/stats")).json();
    assert.equal(stats.tokenRequests, 1);
    assert.equal(stats.apiRequests, 1);
    assert.equal(stats.tokensIssued, 1);
    assert.ok(stats.requests.every((r) => !r.path.startsWith("/__mock/")), "controls are not logged");

    assert.equal((await control("/__mock/reset", {})).status, 200);
    assert.equal(mock.stats().tokenRequests, 0);
    assert.equal((await requestToken()).status, 200);
  });

  test("bad control input: 400", async () => {
    assert.equal((await control("/__mock/script", { route: "nope", faults: [] })).status, 400);
    assert.equal((await control("/__mock/config", { nope: true })).status, 400);
    const res = await fetch(`${mock.url}/__mock/config`, { method: "POST", body: "{" });
    assert.equal(res.status, 400);
  });
});

describe("lifecycle", () => {
  test("close() does not wait for hanging requests", async () => {
    const own = await startMock({ port: 0 });
    own.script("api", { hang: true });
    const pending = fetch(`${own.url}/api/v1/me`).catch((error) => error);
    while (own.stats().apiRequests === 0) await sleep(10);
    const { ms } = await elapsed(() => own.close());
    assert.ok(ms < 1000, `close took ${ms} ms`);
    assert.ok((await pending) instanceof TypeError);
  });

  test("startMock validates its options", async () => {
    await assert.rejects(startMock({ tokenTtl: -1 }), TypeError);
    await assert.rejects(startMock({ unknownOption: 1 }), TypeError);
  });

  test("command line: banner, one log line per request without secrets, SIGTERM", async () => {
    const child = spawn(process.execPath, [SERVER_PATH, "--port", "0"], { stdio: ["ignore", "pipe", "inherit"] });
    let output = "";
    child.stdout.setEncoding("utf8").on("data", (chunk) => { output += chunk; });
    const waitFor = async (pattern) => {
      for (let i = 0; i < 200 && !pattern.test(output); i += 1) await sleep(10);
      assert.match(output, pattern);
    };
    await waitFor(/client secret/);
    const [banner, credentials] = output.split("\n");
    const url = /^Mock Ankorstore listening on (http:\/\/127\.0\.0\.1:\d+)$/.exec(banner)?.[1];
    assert.ok(url, banner);
    assert.equal(credentials, `client id: ${DEMO_CLIENT_ID}  client secret: ${DEMO_CLIENT_SECRET}`);

    const tokenRes = await fetch(`${url}/oauth/token`, {
      method: "POST",
      body: new URLSearchParams({ grant_type: "client_credentials", client_id: DEMO_CLIENT_ID, client_secret: DEMO_CLIENT_SECRET }),
    });
    const { access_token: token } = await tokenRes.json();
    await fetch(`${url}/api/v1/me?secret=${DEMO_CLIENT_SECRET}`, { headers: { authorization: `Bearer ${token}` } }).then((r) => r.text());
    await waitFor(/GET \/api\/v1\/me 200/);
    const logs = output.split("\n").slice(2).join("\n");
    assert.match(logs, /^POST \/oauth\/token 200$/m);
    assert.ok(!logs.includes(DEMO_CLIENT_SECRET) && !logs.includes(token), "no secret or token in logs");

    child.kill("SIGTERM");
    const [code] = await once(child, "exit");
    assert.equal(code, 0);
  });
});

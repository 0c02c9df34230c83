// Tests of the mock Ankorstore server (mock/server.mjs). Run: node --test tests/js/mock.test.mjs
import { after, before, beforeEach, describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { createHmac, timingSafeEqual } from "node:crypto";
import { once } from "node:events";
import { readFileSync } from "node:fs";
import http from "node:http";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";

import { DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, createMock, startMock } from "../../mock/server.mjs";
import { PRODUCT_COUNT, createProducts } from "../../mock/data.mjs";

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

/**
 * Follows links.next from `path`, checking each page's status, media type and `meta.page`
 * (10 a page, `from`/`to` the first and last ids); returns the pages, their ids and sizes.
 */
async function walkPages(path, token) {
  const pages = [];
  for (let next = path; next; next = pages.at(-1).links.next) {
    const res = await call(next, { token });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get("content-type"), JSONAPI);
    const doc = await res.json();
    assert.equal(doc.meta.page.perPage, 10);
    assert.equal(doc.meta.page.from, doc.data[0].id);
    assert.equal(doc.meta.page.to, doc.data.at(-1).id);
    pages.push(doc);
  }
  const ids = pages.flatMap((doc) => doc.data.map((r) => r.id));
  return { pages, ids, sizes: pages.map((doc) => doc.data.length), last: pages.at(-1) };
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

// The OpenAPI description the mock's shapes come from, and a validator for the subset of JSON
// Schema it uses ($ref, type, properties, required, additionalProperties, items, enum, const,
// allOf, anyOf); formats are not checked.
const OPENAPI = JSON.parse(readFileSync(new URL("../../openapi/ankorstore.json", import.meta.url), "utf8"));
const SCHEMAS = OPENAPI.components.schemas;
const responseSchema = (path, method, status) => OPENAPI.paths[path][method].responses[status].content["application/vnd.api+json"].schema;
const sharedResponseSchema = (name) => OPENAPI.components.responses[name].content["application/vnd.api+json"].schema;

function jsonType(v) {
  return v === null ? "null" : Array.isArray(v) ? "array" : Number.isInteger(v) ? "integer" : typeof v;
}

/** The violations of `value` against `schema` (an empty list when it conforms). */
function violations(schema, value, path = "$", out = []) {
  if (schema.$ref) return violations(schema.$ref.slice(2).split("/").reduce((o, k) => o[k], OPENAPI), value, path, out);
  if (schema.type) {
    const types = [].concat(schema.type);
    const t = jsonType(value);
    if (!types.includes(t) && !(t === "integer" && types.includes("number"))) out.push(`${path}: ${t}, expected ${types.join("|")}`);
  }
  if (schema.enum && !schema.enum.includes(value)) out.push(`${path}: ${JSON.stringify(value)} is not in the enum`);
  if ("const" in schema && schema.const !== value) out.push(`${path}: ${JSON.stringify(value)} is not ${JSON.stringify(schema.const)}`);
  for (const sub of schema.allOf ?? []) violations(sub, value, path, out);
  if (schema.anyOf && !schema.anyOf.some((sub) => violations(sub, value, path).length === 0)) out.push(`${path}: matches none of anyOf`);
  if (jsonType(value) === "object") {
    for (const name of schema.required ?? []) if (!(name in value)) out.push(`${path}: ${name} is missing`);
    for (const [key, v] of Object.entries(value)) {
      if (schema.properties?.[key]) violations(schema.properties[key], v, `${path}.${key}`, out);
      else if (schema.additionalProperties === false) out.push(`${path}.${key}: not in the schema`);
    }
  }
  // (Product.images has a malformed `items` in the OpenAPI file: { image: {...} }; skipped.)
  if (jsonType(value) === "array" && schema.items && !schema.items.image) value.forEach((v, i) => violations(schema.items, v, `${path}[${i}]`, out));
  return out;
}

function assertShape(schema, value, label, allowed = []) {
  const found = violations(schema, value).filter((v) => !allowed.includes(v));
  assert.deepEqual(found, [], `${label} does not match the OpenAPI`);
}

/** The mock writes null for a missing next/prev link (the OpenAPI types them as strings). */
const NULL_LINKS = ["$.links.next: null, expected string", "$.links.prev: null, expected string"];

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
    const { pages, ids, sizes, last } = await walkPages("/api/v1/orders", token);
    for (const doc of pages) {
      assert.ok(doc.links.first.startsWith(`${mock.url}/api/v1/orders?`));
      if (doc.links.next) assert.ok(doc.links.next.startsWith(mock.url), "absolute links on the request's host");
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

  test("accept: 415, 400, 200 without a body, then 422 with source.pointer", async () => {
    const token = await getToken();
    const id = await orderIdWithStatus(token, "ankor_confirmed");
    const path = `/api/v1/orders/${id}/accept`;

    const wrongType = await call(path, { token, method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
    assert.equal(wrongType.status, 415);
    assert.equal((await wrongType.json()).errors[0].status, "415");

    const badJson = await call(path, { token, method: "POST", headers: { "content-type": JSONAPI }, body: "{nope" });
    assert.equal(badJson.status, 400);
    assert.equal((await badJson.json()).errors[0].status, "400");

    // The OpenAPI gives accept no requestBody: the call without one is the documented one.
    const ok = await call(path, { token, method: "POST" });
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

describe("order shapes", () => {
  test("lists, single orders (every status, with retailers) and accept match the OpenAPI", async () => {
    const token = await getToken();
    const first = await (await call("/api/v1/orders?include=retailer&page[limit]=5", { token })).json();
    assertShape(SCHEMAS.OrderCollection, first, "GET /api/v1/orders", NULL_LINKS);
    const all = await (await call("/api/v1/orders?page[limit]=50", { token })).json();
    assert.equal(all.data.length, 25);
    const seen = new Set();
    for (const order of all.data) {
      if (seen.has(order.attributes.status)) continue;
      seen.add(order.attributes.status);
      const one = await (await call(`/api/v1/orders/${order.id}?include=retailer`, { token })).json();
      assertShape(SCHEMAS.OrderGet, one, `GET /api/v1/orders/{id} (${order.attributes.status})`);
    }
    assert.ok(seen.size >= 10, `statuses seen: ${[...seen]}`);
    const id = await orderIdWithStatus(token, "ankor_confirmed");
    const accepted = await (await postJsonApi(`/api/v1/orders/${id}/accept`, token, {})).json();
    assertShape(responseSchema("/api/v1/orders/{order}/accept", "post", "200"), accepted, "accept");
  });

  test("missingLinks: \"omit\" leaves out next/prev instead of null: the list matches the OpenAPI exactly", async () => {
    mock.configure({ missingLinks: "omit" });
    const token = await getToken();
    const first = await (await call("/api/v1/orders?page[limit]=10", { token })).json();
    assert.equal("prev" in first.links, false);
    assert.ok(first.links.next);
    assertShape(SCHEMAS.OrderCollection, first, "first page");
    const last = await (await call("/api/v1/orders?page[limit]=50", { token })).json();
    assert.deepEqual(Object.keys(last.links), ["first"]);
    assert.equal(last.meta.page.hasMore, false);
    assert.throws(() => mock.configure({ missingLinks: "drop" }), TypeError);
  });
});

describe("products", () => {
  test("pagination: following links.next visits every product once, in catalogue order", async () => {
    const token = await getToken();
    const { pages, ids, sizes, last } = await walkPages("/api/v1/products", token);
    for (const doc of pages) {
      assertShape(SCHEMAS.ProductCollection, doc, "GET /api/v1/products", NULL_LINKS);
      assert.equal(doc.links.first, `${mock.url}/api/v1/products?page%5Blimit%5D=10`);
      if (doc.links.next) assert.ok(doc.links.next.startsWith(`${mock.url}/api/v1/products?`), "absolute links on the request's host");
    }
    assert.deepEqual(sizes, [10, 10, 10, 10, 5]);
    assert.equal(new Set(ids).size, PRODUCT_COUNT);
    assert.deepEqual(ids, createProducts().map((p) => p.id), "the same fixtures every start");
    assert.equal(last.meta.page.hasMore, false);
    assert.equal(last.links.next, null);

    const product = (await (await call("/api/v1/products?page[limit]=1", { token })).json()).data[0];
    assert.equal(product.type, "product");
    assert.equal(product.attributes.position, 1);
    assert.equal(product.attributes.images, undefined, "lists omit images, tags and productTypeId, as in the OpenAPI example");
    assert.ok(Number.isInteger(product.attributes.wholesalePrice) && Number.isInteger(product.attributes.retailPrice), "money in cents");
    assert.match(product.attributes.createdAt, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000000Z$/);
  });

  test("pagination: page[before] goes back, page[limit] is capped at 50, bad cursors are 400", async () => {
    const token = await getToken();
    const first = await (await call("/api/v1/products?page[limit]=7", { token })).json();
    assert.equal(first.links.prev, null);
    const second = await (await call(first.links.next, { token })).json();
    assert.equal(second.data[0].attributes.position, 8);
    const back = await (await call(second.links.prev, { token })).json();
    assert.deepEqual(back.data.map((p) => p.id), first.data.map((p) => p.id));
    assert.equal(back.meta.page.hasMore, false);
    const all = await (await call("/api/v1/products?page[limit]=100", { token })).json();
    assert.equal(all.meta.page.perPage, 50);
    assert.equal(all.data.length, PRODUCT_COUNT);
    for (const query of ["page[limit]=abc", "page[limit]=0", "page[after]=nope", `page[after]=${first.data[0].id}&page[before]=${first.data[1].id}`]) {
      const res = await call(`/api/v1/products?${query}`, { token });
      assert.equal(res.status, 400, query);
      assert.ok((await res.json()).errors[0].source.parameter.startsWith("page["));
    }
    assert.equal((await call("/api/v1/products")).status, 401);
  });

  test("single product with include=productVariant, and 404 for an unknown id", async () => {
    const token = await getToken();
    const { data } = await (await call("/api/v1/products?page[limit]=3", { token })).json();
    for (const listed of data) {
      const res = await call(`/api/v1/products/${listed.id}?include=productVariant`, { token });
      assert.equal(res.status, 200);
      const doc = await res.json();
      assertShape(SCHEMAS.ProductGet, doc, "GET /api/v1/products/{id}");
      assert.equal(doc.data.id, listed.id);
      assert.ok(Array.isArray(doc.data.attributes.images) && Array.isArray(doc.data.attributes.tags));
      assert.equal(typeof doc.data.attributes.productTypeId, "number");
      assert.deepEqual(doc.included.map((v) => v.id), doc.data.relationships.productVariant.data.map((v) => v.id));
      for (const variant of doc.included) {
        assert.equal(variant.type, "productVariant");
        assert.deepEqual(variant.relationships.product.data, { type: "product", id: listed.id });
      }
    }
    const plain = await (await call(`/api/v1/products/${data[0].id}`, { token })).json();
    assert.equal(plain.included, undefined);
    const missing = await call("/api/v1/products/missing-id", { token });
    assert.equal(missing.status, 404);
    assert.deepEqual(await missing.json(), { jsonapi: { version: "1.0" }, errors: [{ status: "404", title: "Not Found", detail: "Product missing-id not found" }] });
  });

  test("faults can target the product routes", async () => {
    const token = await getToken();
    mock.script("products", { status: 503 });
    mock.script("product", { status: 500 });
    assert.equal((await call("/api/v1/products", { token })).status, 503);
    assert.equal((await call("/api/v1/products/x", { token })).status, 500);
    assert.equal((await call("/api/v1/products", { token })).status, 200);
  });
});

describe("rate-limit headers", () => {
  const nowSeconds = () => Math.floor(Date.now() / 1000);

  test("every /api/* answer has X-RateLimit-Limit, -Remaining and -Reset (epoch seconds)", async () => {
    const token = await getToken();
    mock.script("me", [{ status: 503 }, { html: true }]);
    const answers = [
      await call("/api/v1/me", { token }), // 503 fault
      await call("/api/v1/me", { token }), // nginx page
      await call("/api/v1/orders", { token }),
      await call("/api/v1/products"), // 401
      await call("/api/v1/nowhere", { token }), // 404
      await call("/api/v1/products", { token, method: "DELETE" }), // 405
      await call("/api/v1/webhook-subscriptions", { token, method: "POST", body: "{}" }), // 415
      await call("/api/v1/webhook-subscriptions/abc", { token, method: "DELETE" }), // 204
    ];
    const remaining = [];
    for (const res of answers) {
      await res.arrayBuffer();
      assert.equal(res.headers.get("x-ratelimit-limit"), "600", `${res.url} ${res.status}`);
      remaining.push(Number(res.headers.get("x-ratelimit-remaining")));
      const reset = Number(res.headers.get("x-ratelimit-reset"));
      assert.ok(Number.isInteger(reset) && reset > nowSeconds() && reset <= nowSeconds() + 61, `reset ${reset}`);
    }
    assert.deepEqual(remaining, [599, 598, 597, 596, 595, 594, 593, 592], "one per API request, the token endpoint not counted");
    assert.equal((await requestToken()).headers.get("x-ratelimit-reset"), null, "the token endpoint has its own limit");
  });

  test("apiRateLimit sets the limit; Remaining stops at 0 unless enforceApiRateLimit refuses with 429", async () => {
    const token = await getToken();
    mock.configure({ apiRateLimit: 3 });
    const seen = [];
    for (let i = 0; i < 4; i += 1) {
      const res = await call("/api/v1/orders", { token });
      seen.push([res.status, res.headers.get("x-ratelimit-limit"), res.headers.get("x-ratelimit-remaining")]);
    }
    assert.deepEqual(seen, [[200, "3", "2"], [200, "3", "1"], [200, "3", "0"], [200, "3", "0"]], "reported, not enforced");

    mock.reset();
    const fresh = await getToken();
    const waiting = await orderIdWithStatus(fresh, "ankor_confirmed"); // (not counted: before the limit is set)
    mock.reset();
    mock.configure({ apiRateLimit: 2, enforceApiRateLimit: true });
    assert.equal((await call("/api/v1/orders", { token: fresh })).status, 401, "reset() revoked it: a new one");
    const again = await getToken();
    assert.equal((await call("/api/v1/me", { token: again })).status, 200);
    const refused = await call("/api/v1/orders", { token: again });
    assert.equal(refused.status, 429);
    assert.equal(refused.headers.get("x-ratelimit-remaining"), "0");
    const retryAfter = Number(refused.headers.get("retry-after"));
    assert.ok(retryAfter >= 59 && retryAfter <= 60, `Retry-After ${retryAfter}`);
    assert.ok(Math.abs(Number(refused.headers.get("x-ratelimit-reset")) - (nowSeconds() + retryAfter)) <= 1);
    assert.deepEqual(await refused.json(), { jsonapi: { version: "1.0" }, errors: [{ status: "429", detail: "Too Many Requests" }] });
    const me = await call("/api/v1/me", { token: again });
    assert.equal(me.status, 429);
    assert.deepEqual(await me.json(), { message: "Too Many Attempts." }, "Laravel's body on /me");
    assert.equal((await postJsonApi(`/api/v1/orders/${waiting}/accept`, again, {})).status, 429);
    mock.configure({ enforceApiRateLimit: false });
    const order = await (await call(`/api/v1/orders/${waiting}`, { token: again })).json();
    assert.equal(order.data.attributes.status, "ankor_confirmed", "a refused request does not run");
    mock.reset();
    assert.equal((await call("/api/v1/me", { token: await getToken() })).headers.get("x-ratelimit-limit"), "600", "reset() restores the config");
    assert.throws(() => mock.configure({ apiRateLimit: 0 }), TypeError);
  });

  test("exact values for a test: a fault's headers override the computed ones", async () => {
    const token = await getToken();
    mock.script("me", { headers: { "X-RateLimit-Remaining": "7", "X-RateLimit-Reset": "1900000000" } });
    const res = await call("/api/v1/me", { token });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get("x-ratelimit-remaining"), "7");
    assert.equal(res.headers.get("x-ratelimit-reset"), "1900000000");
    assert.equal(res.headers.get("x-ratelimit-limit"), "600");
  });
});

describe("webhook subscriptions", () => {
  const applicationId = async (token) => (await (await call("/api/v1/applications", { token })).json()).data.id;

  function subscriptionBody(url, events, appId, extra = {}) {
    return { data: { type: "webhook-subscription", attributes: { url, events }, relationships: { applications: { data: { type: "applications", id: appId } } }, ...extra } };
  }

  test("GET /api/v1/webhook-subscriptions/events and GET /api/v1/applications match the OpenAPI", async () => {
    const token = await getToken();
    const events = await (await call("/api/v1/webhook-subscriptions/events", { token })).json();
    assertShape(responseSchema("/api/v1/webhook-subscriptions/events", "get", "200"), events, "events");
    assert.deepEqual(events.data.map((e) => e.type), OPENAPI.paths["/api/v1/webhook-subscriptions/{webhookSubscriptionId}"].patch
      .requestBody.content["application/vnd.api+json"].schema.properties.data.properties.attributes.properties.events.items.enum);
    for (const e of events.data) assert.match(e.id, /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);

    const apps = await (await call("/api/v1/applications", { token })).json();
    assertShape(sharedResponseSchema("ApplicationsCollectionResponse"), apps, "applications");
    assert.equal(apps.data.attributes.clientId, DEMO_CLIENT_ID);
    assert.equal(apps.data.attributes.clientSecret, null, "never the secret");
    assert.equal(await applicationId(await getToken()), apps.data.id, "a stable id");
    assert.notEqual(await applicationId(await getToken({ client_id: SPECIAL_ID, client_secret: SPECIAL_SECRET })), apps.data.id, "one application per client");
  });

  test("create (201 with a signing secret), list, update, delete", async () => {
    const token = await getToken();
    const appId = await applicationId(token);
    const created = await postJsonApi("/api/v1/webhook-subscriptions", token, subscriptionBody("https://my-app.example/hook", ["order.brand_created", "order.shipped"], appId));
    assert.equal(created.status, 201);
    const doc = await created.json();
    assertShape(sharedResponseSchema("ApplicationWebhookSubscriptionResponse"), doc, "create");
    const [subscription] = doc.data;
    assert.equal(subscription.type, "webhook-subscriptions");
    assert.deepEqual(subscription.attributes.events, ["order.brand_created", "order.shipped"]);
    assert.equal(subscription.attributes.webhookUrl, "https://my-app.example/hook");
    assert.match(subscription.attributes.signingSecret, /^[A-Za-z0-9]{40}$/);

    const listed = await (await call("/api/v1/applications?include=webhookSubscriptions", { token })).json();
    assertShape(sharedResponseSchema("ApplicationsCollectionResponse"), listed, "applications?include");
    assert.deepEqual(listed.data.relationships.webhookSubscriptions.data, [{ type: "webhook-subscriptions", id: subscription.id }]);
    assert.deepEqual(listed.included, [subscription]);

    const path = `/api/v1/webhook-subscriptions/${subscription.id}`;
    const patched = await call(path, {
      token, method: "PATCH", headers: { "content-type": JSONAPI },
      body: JSON.stringify({ data: { type: "webhook-subscriptions", id: subscription.id, attributes: { url: "https://my-app.example/v2", events: ["order.cancelled"] } } }),
    });
    assert.equal(patched.status, 200);
    const updated = (await patched.json()).data[0];
    assert.deepEqual(updated.attributes, { webhookUrl: "https://my-app.example/v2", events: ["order.cancelled"], signingSecret: subscription.attributes.signingSecret });

    assert.equal((await call(path, { token, method: "DELETE" })).status, 204);
    const after = await (await call("/api/v1/applications?include=webhookSubscriptions", { token })).json();
    assert.deepEqual(after.included, []);
    assert.equal((await call(path, { token, method: "PATCH", headers: { "content-type": JSONAPI }, body: "{}" })).status, 404);
  });

  test("invalid requests: 415, 400 with a pointer, 404 for another application, 401 without a token", async () => {
    const token = await getToken();
    const appId = await applicationId(token);
    const url = "https://my-app.example/hook";
    const wrongType = await call("/api/v1/webhook-subscriptions", { token, method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(subscriptionBody(url, ["order.shipped"], appId)) });
    assert.equal(wrongType.status, 415);
    const cases = [
      [{ nope: 1 }, "/data"],
      [{ data: { ...subscriptionBody(url, ["order.shipped"], appId).data, type: "orders" } }, "/data/type"],
      [subscriptionBody("not a url", ["order.shipped"], appId), "/data/attributes/url"],
      [subscriptionBody("ftp://x.example/", ["order.shipped"], appId), "/data/attributes/url"],
      [subscriptionBody(url, [], appId), "/data/attributes/events"],
      [subscriptionBody(url, ["order.shipped", "order.exploded"], appId), "/data/attributes/events/1"],
      [subscriptionBody(url, ["order.shipped", "order.shipped"], appId), "/data/attributes/events"],
      [{ data: { type: "webhook-subscription", attributes: { url, events: ["order.shipped"] } } }, "/data/relationships/applications"],
    ];
    for (const [body, pointer] of cases) {
      const res = await postJsonApi("/api/v1/webhook-subscriptions", token, body);
      assert.equal(res.status, 400, pointer);
      const error = (await res.json()).errors[0];
      assert.equal(error.status, "400");
      assert.equal(error.source.pointer, pointer);
    }
    const otherApp = await postJsonApi("/api/v1/webhook-subscriptions", token, subscriptionBody(url, ["order.shipped"], "43efbfbd-bfbd-1eef-1e6a-6200efbfbdef"));
    assert.equal(otherApp.status, 404);
    // The guide's spelling (relationships.application) is accepted too.
    const guide = await postJsonApi("/api/v1/webhook-subscriptions", token, { data: { type: "webhook-subscriptions", attributes: { url, events: ["order.shipped"] }, relationships: { application: { data: { type: "applications", id: appId } } } } });
    assert.equal(guide.status, 201);
    assert.equal((await postJsonApi("/api/v1/webhook-subscriptions", undefined, subscriptionBody(url, ["order.shipped"], appId))).status, 401);
    // Another client cannot touch it.
    const other = await getToken({ client_id: SPECIAL_ID, client_secret: SPECIAL_SECRET });
    const id = (await guide.json()).data[0].id;
    assert.equal((await call(`/api/v1/webhook-subscriptions/${id}`, { token: other, method: "PATCH", headers: { "content-type": JSONAPI }, body: JSON.stringify({ data: { attributes: { url, events: ["order.cancelled"] } } }) })).status, 404);
  });
});

describe("signed webhook deliveries", () => {
  let receiver;
  let received;
  const SECRET = "LQxZs6kiSyNr45hjT32OsntYddzH4BvToLIQcgSL";

  before(async () => {
    // A receiver that verifies like an integration would: HMAC-SHA256 of the raw body, hex.
    receiver = http.createServer((req, res) => {
      const chunks = [];
      req.on("data", (c) => chunks.push(c));
      req.on("end", () => {
        const raw = Buffer.concat(chunks);
        received.push({ path: req.url, headers: req.headers, raw: raw.toString("utf8") });
        const expected = Buffer.from(createHmac("sha256", SECRET).update(raw).digest("hex"));
        const given = Buffer.from(String(req.headers.signature ?? ""));
        const valid = given.length === expected.length && timingSafeEqual(given, expected);
        res.writeHead(valid ? 200 : 401, { "content-type": "application/json" });
        res.end(JSON.stringify({ valid }));
      });
    });
    await new Promise((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  });
  after(() => new Promise((resolve) => receiver.close(resolve)));
  beforeEach(() => {
    received = [];
  });
  const hookUrl = (path = "/hook") => `http://127.0.0.1:${receiver.address().port}${path}`;

  test("a realistic order event, signed with HMAC-SHA256 of the raw body; resolves to the receiver's answer", async () => {
    const delivery = await mock.deliverWebhook({ url: hookUrl(), secret: SECRET, event: "order.shipped" });
    assert.equal(delivery.status, 200);
    assert.deepEqual(JSON.parse(delivery.body), { valid: true });
    assert.equal(received.length, 1);
    const [{ headers, raw, path }] = received;
    assert.equal(path, "/hook");
    assert.equal(headers["content-type"], "application/json");
    assert.match(headers.signature, /^[0-9a-f]{64}$/);
    assert.equal(headers.signature, createHmac("sha256", SECRET).update(raw).digest("hex"));
    assert.equal(delivery.signature, headers.signature);
    assert.equal(delivery.payload, raw);
    const body = JSON.parse(raw);
    assert.deepEqual(Object.keys(body), ["meta", "jsonapi", "data"]);
    assert.equal(body.meta.event.type, "order.shipped");
    assert.equal(body.meta.event.id, delivery.eventId);
    assert.ok(Math.abs(body.meta.event.timestamp - Date.now() / 1000) < 5);
    assert.equal(body.meta.event.applicationId, (await (await call("/api/v1/applications", { token: await getToken() })).json()).data.id);
    assert.equal(body.data.type, "order");
    assert.equal(body.data.attributes.status, "shipped", "an order in the event's state");
    assertShape(SCHEMAS.Order, body.data, "the event's OrderResource");

    for (const [event, status] of [["order.brand_created", "ankor_confirmed"], ["order.cancelled", "cancelled"], ["order.shipment_refused", "reception_refused"]]) {
      await mock.deliverWebhook({ url: hookUrl(), secret: SECRET, event });
      assert.equal(JSON.parse(received.at(-1).raw).data.attributes.status, status, event);
    }
  });

  test("tamper: wrong, missing or empty signature, or a body changed after signing: the receiver refuses each", async () => {
    for (const tamper of ["signature", "body", "missing", "empty"]) {
      const delivery = await mock.deliverWebhook({ url: hookUrl(), secret: SECRET, event: "order.brand_paid", tamper });
      assert.equal(delivery.status, 401, tamper);
      const { headers, raw } = received.at(-1);
      if (tamper === "missing") assert.equal(headers.signature, undefined);
      else if (tamper === "empty") assert.equal(headers.signature, "");
      else assert.match(headers.signature, /^[0-9a-f]{64}$/);
      if (tamper === "body") {
        assert.ok(JSON.parse(raw).meta.event.timestamp, "still a valid event body");
        assert.notEqual(createHmac("sha256", SECRET).update(raw).digest("hex"), headers.signature);
      }
    }
    assert.equal((await mock.deliverWebhook({ url: hookUrl(), secret: SECRET, event: "order.brand_paid" })).status, 200, "untampered: accepted");
  });

  test("payload as a raw string or an object, a chosen order, and a subscription's url, secret and events", async () => {
    const raw = '{"meta":{"event":{"type":"order.cancelled"}},  "data":{"id":"x"}}';
    const asString = await mock.deliverWebhook({ url: hookUrl(), secret: SECRET, event: "order.cancelled", payload: raw });
    assert.equal(asString.status, 200);
    assert.equal(received.at(-1).raw, raw, "sent byte for byte");
    await mock.deliverWebhook({ url: hookUrl(), secret: SECRET, event: "order.cancelled", payload: { a: [1, 2] } });
    assert.equal(received.at(-1).raw, '{"a":[1,2]}');
    const token = await getToken();
    const orderId = await orderIdWithStatus(token, "invoiced");
    await mock.deliverWebhook({ url: hookUrl(), secret: SECRET, event: "order.brand_paid", order: orderId });
    assert.equal(JSON.parse(received.at(-1).raw).data.id, orderId);

    const appId = (await (await call("/api/v1/applications", { token })).json()).data.id;
    const created = await postJsonApi("/api/v1/webhook-subscriptions", token, { data: { type: "webhook-subscription", attributes: { url: hookUrl("/sub"), events: ["order.brand_accepted"] }, relationships: { applications: { data: { type: "applications", id: appId } } } } });
    const [subscription] = (await created.json()).data;
    const delivery = await mock.deliverWebhook({ subscription: subscription.id, event: "order.brand_accepted" });
    assert.equal(received.at(-1).path, "/sub");
    assert.equal(delivery.signature, createHmac("sha256", subscription.attributes.signingSecret).update(received.at(-1).raw).digest("hex"));
    assert.equal(JSON.parse(received.at(-1).raw).meta.event.applicationId, appId);
    assert.equal(delivery.status, 401, "our receiver checks another secret");
    await assert.rejects(mock.deliverWebhook({ subscription: subscription.id, event: "order.shipped" }), /does not listen to order\.shipped/);
  });

  test("invalid options and unreachable receivers: nothing is sent", async () => {
    const bad = [
      { url: hookUrl(), secret: SECRET, event: "order.exploded" },
      { url: hookUrl(), secret: SECRET },
      { url: "http://example.com/hook", secret: SECRET, event: "order.shipped" },
      { url: "http://10.0.0.1/hook", secret: SECRET, event: "order.shipped" },
      { url: "file:///etc/passwd", secret: SECRET, event: "order.shipped" },
      { url: hookUrl(), event: "order.shipped" },
      { url: hookUrl(), secret: SECRET, event: "order.shipped", tamper: "sometimes" },
      { url: hookUrl(), secret: SECRET, event: "order.shipped", order: "nope" },
      { url: hookUrl(), secret: SECRET, event: "order.shipped", secrett: "typo" },
      { subscription: "nope", event: "order.shipped" },
    ];
    for (const options of bad) await assert.rejects(mock.deliverWebhook(options), TypeError, JSON.stringify(options));
    assert.equal(received.length, 0);
    const closed = http.createServer();
    await new Promise((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const port = closed.address().port;
    await new Promise((resolve) => closed.close(resolve));
    await assert.rejects(mock.deliverWebhook({ url: `http://127.0.0.1:${port}/`, secret: SECRET, event: "order.shipped" }), /could not be reached \(ECONNREFUSED\)/);
  });

  test("POST /__mock/webhooks/deliver does the same over HTTP (this machine only)", async () => {
    const deliver = (body, headers = {}) => fetch(`${mock.url}/__mock/webhooks/deliver`, { method: "POST", headers, body: JSON.stringify(body) });
    const res = await deliver({ url: hookUrl(), secret: SECRET, event: "order.brand_rejected" });
    assert.equal(res.status, 200);
    const answer = await res.json();
    assert.deepEqual(Object.keys(answer).sort(), ["body", "eventId", "signature", "status"]);
    assert.equal(answer.status, 200);
    assert.equal(answer.signature, received.at(-1).headers.signature);
    assert.equal(JSON.parse(received.at(-1).raw).data.attributes.status, "rejected");
    assert.equal((await deliver({ url: hookUrl(), secret: SECRET, event: "order.shipped", tamper: "missing" }).then((r) => r.json())).status, 401);
    assert.equal((await deliver({ url: "http://example.com/", secret: SECRET, event: "order.shipped" })).status, 400);
    const refused = await deliver({ url: hookUrl(), secret: SECRET, event: "order.shipped" }, { origin: "http://evil.example" });
    assert.equal(refused.status, 403);
    assert.equal(received.length, 2, "the refused requests sent nothing");
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

// client.request() against the mock, in both Node entries: headers, body, query, 204,
// JSON:API errors, origin checks and pagination (api.md, "request()").
// Run: node --test tests/js/request.test.mjs
import { beforeEach, describe, test } from "node:test";
import assert from "node:assert/strict";

import { startMock } from "../../mock/server.mjs";
import { logged, opts, rejectsWith, setup } from "./support/client-kit.mjs";

const { mock, entries } = await setup();
const JSONAPI = "application/vnd.api+json";

for (const [entry, pkg] of entries) {
  const client = (extra) => new pkg.AnkorstoreClient(opts(mock, extra));

  describe(`${entry}: request()`, () => {
    beforeEach(() => mock.reset());

    test("GET: JSON:API Accept, the token, no Content-Type, the parsed body", async () => {
      const c = client();
      const token = await c.token();
      const echo = await c.request("GET", "/api/v1/echo");
      assert.equal(echo.method, "GET");
      assert.equal(echo.path, "/api/v1/echo");
      assert.equal(echo.headers.accept, JSONAPI);
      assert.equal(echo.headers.authorization, `Bearer ${token.accessToken}`);
      assert.equal(echo.headers["content-type"], undefined);
      assert.equal(echo.body, "");
      // The method is accepted in any case and sent upper-case.
      assert.equal((await c.request("get", "/api/v1/echo")).method, "GET");
    });

    test("a body is sent as JSON with Content-Type application/vnd.api+json", async () => {
      const c = client();
      const body = { data: { type: "orders", attributes: { note: "é \"quoted\" & more", n: 1.5, list: [true, null] } } };
      for (const method of ["POST", "PATCH", "PUT", "DELETE"]) {
        const echo = await c.request(method, "/api/v1/echo", { body });
        assert.equal(echo.method, method);
        assert.equal(echo.headers["content-type"], JSONAPI, method);
        assert.equal(echo.headers.accept, JSONAPI, method);
        assert.deepEqual(JSON.parse(echo.body), body, method);
      }
      // A body that is a JSON scalar is still a body.
      const echo = await c.request("POST", "/api/v1/echo", { body: "text" });
      assert.equal(echo.body, '"text"');
      assert.equal(echo.headers["content-type"], JSONAPI);
      // A POST without a body has no Content-Type.
      const bare = await c.request("POST", "/api/v1/echo");
      assert.equal(bare.headers["content-type"], undefined);
      assert.equal(bare.body, "");
    });

    test("query values are encoded and arrive intact", async () => {
      const c = client();
      const query = {
        "filter[status]": "ankor_confirmed,shipped",
        "page[limit]": 5,
        include: "retailer",
        q: "a b&c=d+e/f?g#h%i é\"",
        flag: true,
        off: false,
        zero: 0,
      };
      const echo = await c.request("GET", "/api/v1/echo", { query });
      assert.deepEqual(echo.query, {
        "filter[status]": "ankor_confirmed,shipped",
        "page[limit]": "5",
        include: "retailer",
        q: "a b&c=d+e/f?g#h%i é\"",
        flag: "true",
        off: "false",
        zero: "0",
      });
      assert.equal(echo.path, "/api/v1/echo");
    });

    test("the headers option adds headers", async () => {
      const c = client();
      const echo = await c.request("GET", "/api/v1/echo", { headers: { "X-Request-Id": "abc-123", "Accept-Language": "fr" } });
      assert.equal(echo.headers["x-request-id"], "abc-123");
      assert.equal(echo.headers["accept-language"], "fr");
      assert.ok(echo.headers.authorization.startsWith("Bearer "));
    });

    test("a 204 resolves to null", async () => {
      const c = client();
      assert.equal(await c.request("DELETE", "/api/v1/webhook-subscriptions/6f1d1f4c"), null);
      assert.equal(logged(mock, "DELETE", "/api/v1/webhook-subscriptions/6f1d1f4c").length, 1);
    });

    test("404, 403 and 422 reject with not_found, forbidden and request_failed with `errors`", async () => {
      const c = client();
      const missing = await rejectsWith(pkg, c.request("GET", "/api/v1/orders/nope"), "not_found", { status: 404 });
      assert.ok(Array.isArray(missing.errors) && missing.errors.length === 1);
      assert.equal(missing.errors[0].status, "404");
      assert.equal(missing.errors[0].detail, "Order nope not found");
      assert.ok(missing.message.includes("Order nope not found"), missing.message);

      mock.script("echo", { status: 403 });
      const forbidden = await rejectsWith(pkg, c.request("GET", "/api/v1/echo"), "forbidden", { status: 403 });
      assert.equal(forbidden.errors[0].status, "403");

      const { data } = await c.request("GET", "/api/v1/orders", { query: { "filter[status]": "shipped", "page[limit]": 1 } });
      const shipped = data[0].id;
      const refused = await rejectsWith(pkg,
        c.request("POST", `/api/v1/orders/${shipped}/accept`, { body: { data: {} } }), "request_failed", { status: 422 });
      assert.equal(refused.errors.length, 1);
      assert.equal(refused.errors[0].status, "422");
      assert.deepEqual(refused.errors[0].source, { pointer: "data.attributes.status" });
      assert.equal(typeof refused.errors[0].detail, "string");

      const rejected = await rejectsWith(pkg,
        c.request("POST", `/api/v1/orders/${shipped}/reject`, { body: { order: { rejectType: "NOPE" } } }),
        "request_failed", { status: 422 });
      assert.deepEqual(rejected.errors[0].source, { pointer: "order.rejectType" });

      // And the success path of the same route.
      const waiting = await c.request("GET", "/api/v1/orders", { query: { "filter[status]": "ankor_confirmed", "page[limit]": 1 } });
      const accepted = await c.request("POST", `/api/v1/orders/${waiting.data[0].id}/accept`, { body: { data: {} } });
      assert.equal(accepted.data.attributes.status, "brand_confirmed");
    });

    test("a URL on another origin rejects with invalid_argument and nothing is sent", async () => {
      const other = await startMock({ port: 0 });
      try {
        const cold = client();
        const warm = client();
        await warm.token();
        const before = mock.stats();
        const foreign = [
          `${other.url}/api/v1/echo`, // same host, another port
          "https://www.ankorstore.com/api/v1/me",
          "https://evil.example/api/v1/me",
          `${mock.url.replace("http:", "https:")}/api/v1/echo`, // another scheme
          "api/v1/me", // not starting with "/"
        ];
        for (const c of [cold, warm]) {
          for (const url of foreign) {
            await rejectsWith(pkg, c.request("GET", url), "invalid_argument");
            await rejectsWith(pkg, c.request("POST", url, { body: {} }), "invalid_argument");
          }
        }
        assert.deepEqual(mock.stats(), before);
        // "//host/path" starts with "/": as a path it stays on the client's origin (the
        // client concatenates {baseUrl}{path}); read as a scheme-relative URL it must be
        // refused. Either way it must not reach the other server.
        const relative = await warm.request("GET", `//127.0.0.1:${other.port}/api/v1/echo`).catch((e) => e);
        assert.ok(relative instanceof pkg.AnkorstoreError, "the mock has no such route, so it rejects either way");
        assert.ok(["invalid_argument", "not_found"].includes(relative.code), relative.code);
        const seen = other.stats();
        assert.equal(seen.requests.length, 0);
        assert.equal(seen.apiRequests + seen.tokenRequests, 0);
      } finally {
        await other.close();
      }
    });

    test("an absolute URL on the client's own origin is accepted", async () => {
      const c = client({ baseUrl: `${mock.url}/` });
      const echo = await c.request("GET", `${mock.url}/api/v1/echo?x=1&y=a%20b`);
      assert.deepEqual(echo.query, { x: "1", y: "a b" });
    });

    test("following links.next walks every order once", async () => {
      const c = client();
      const ids = [];
      let page = await c.request("GET", "/api/v1/orders", { query: { "page[limit]": 10 } });
      let pages = 1;
      for (;;) {
        ids.push(...page.data.map((o) => o.id));
        if (!page.links.next) break;
        assert.ok(page.links.next.startsWith(`${mock.url}/`), page.links.next);
        page = await c.request("GET", page.links.next);
        pages += 1;
      }
      assert.equal(pages, 3);
      assert.equal(ids.length, 25);
      assert.equal(new Set(ids).size, 25);
      const all = await c.request("GET", "/api/v1/orders", { query: { "page[limit]": 50 } });
      assert.deepEqual(ids, all.data.map((o) => o.id));
      assert.equal(mock.stats().tokenRequests, 1);
    });
  });
}

// Path templates on the packed package, in both Node entries (api.md, "Beyond /me", Path
// templates): `params` fills each `{name}` of the path, every value percent-encoded as one
// segment (a `/` never becomes a separator, `..` never climbs); a placeholder without a value,
// a value without a placeholder, or a value that is not a non-empty string or finite number
// rejects with invalid_argument, and nothing is sent (no token request either).
// Run: node --test tests/js/params.test.mjs
import { beforeEach, describe, test } from "node:test";
import assert from "node:assert/strict";

import { createOrders } from "../../mock/data.mjs";
import { logged, opts, rejectsWith, setup } from "./support/client-kit.mjs";

const { mock, entries } = await setup();
const ORDER_ID = createOrders()[4].id;
const ACCEPTABLE_ID = createOrders().find((o) => o.attributes.status === "ankor_confirmed").id;

/** The raw paths (as sent, before any decoding) of the requests the mock logged, token request aside. */
const sentPaths = () => mock.stats().requests.filter((r) => r.path !== "/oauth/token").map((r) => r.path);

for (const [entry, pkg] of entries) {
  const client = () => new pkg.AnkorstoreClient(opts(mock));
  /** GET of a path the mock does not serve: only the path it was sent to matters. */
  const probe = (c, path, params) => c.request("GET", path, { params }).then(
    () => assert.fail("the mock has no such route"),
    (e) => assert.equal(e.code, "not_found", e.message),
  );

  describe(`${entry}: params`, () => {
    beforeEach(() => mock.reset());

    test("a placeholder is filled: GET /api/v1/orders/{order} answers that order", async () => {
      const order = await client().request("GET", "/api/v1/orders/{order}", { params: { order: ORDER_ID } });
      assert.equal(order.data.id, ORDER_ID);
      assert.deepEqual(sentPaths(), [`/api/v1/orders/${ORDER_ID}`]);
    });

    test("several placeholders, with query and body: a POST on /api/v1/orders/{order}/accept", async () => {
      const c = client();
      const accepted = await c.request("POST", "/api/v1/orders/{order}/{action}", {
        params: { order: ACCEPTABLE_ID, action: "accept" },
        query: { include: "retailer" },
        body: { data: { type: "orders", id: ACCEPTABLE_ID } },
      });
      assert.equal(accepted.data.attributes.status, "brand_confirmed");
      const [sent] = logged(mock, "POST", `/api/v1/orders/${ACCEPTABLE_ID}/accept`);
      assert.deepEqual(sent.query, { include: "retailer" });
    });

    test("each value is percent-encoded as exactly one segment", async () => {
      const c = client();
      const values = [
        "a/b", "a b", "x?y=1", "frag#ment", "100%", "é-ü-✓", "😀", "a+b&c=d", "semi;colon", "[brackets]",
        "quote\"'", "back\\slash", "%2F", "~user_name-1.0", "tab\tnewline\n", "{order}",
      ];
      for (const value of values) {
        await probe(c, "/api/v1/things/{value}/end", { value });
      }
      const paths = sentPaths();
      assert.equal(paths.length, values.length);
      values.forEach((value, i) => {
        const segments = paths[i].split("/");
        assert.equal(segments.length, 6, `${JSON.stringify(value)} → ${paths[i]}: one segment`);
        assert.deepEqual(segments.slice(0, 4).concat(segments[5]), ["", "api", "v1", "things", "end"]);
        assert.equal(decodeURIComponent(segments[4]), value, `${JSON.stringify(value)} → ${segments[4]}`);
        assert.doesNotMatch(segments[4], /[/?#\s\\"{}[\]]/, `${JSON.stringify(value)} is not encoded: ${segments[4]}`);
      });
      // Characters RFC 3986 leaves unreserved stay as they are.
      assert.equal(paths[values.indexOf("~user_name-1.0")], "/api/v1/things/~user_name-1.0/end");
    });

    test("numbers are written as JavaScript writes them (in decimal where it would use an exponent)", async () => {
      const c = client();
      const numbers = [7, 0, -0, -3, 1.5, 0.25, 123456789.125, 2 ** 53];
      for (const n of numbers) await probe(c, "/api/v1/things/{n}", { n });
      await probe(c, "/api/v1/things/{n}", { n: 1e21 });
      const paths = sentPaths();
      assert.deepEqual(paths.slice(0, -1), numbers.map((n) => `/api/v1/things/${String(n)}`));
      assert.equal(Number(paths.at(-1).split("/").pop()), 1e21, paths.at(-1));
    });

    test("a value that is a dot segment (. or ..) is refused; one with a / is encoded: nothing leaves the path", async () => {
      const c = client();
      for (const value of ["..", "."]) {
        await rejectsWith(pkg, c.request("GET", "/api/v1/orders/{x}/items", { params: { x: value } }), "invalid_argument");
      }
      assert.equal(mock.stats().apiRequests, 0, "nothing was sent");
      for (const value of ["%2e%2e", "../../oauth/token", "..."]) await probe(c, "/api/v1/orders/{x}/items", { x: value });
      assert.deepEqual(sentPaths(), [
        "/api/v1/orders/%252e%252e/items",
        "/api/v1/orders/..%2F..%2Foauth%2Ftoken/items",
        "/api/v1/orders/.../items",
      ]);
    });

    test("params also apply to a same-origin absolute URL", async () => {
      const order = await client().request("GET", `${mock.url}/api/v1/orders/{order}`, { params: { order: ORDER_ID } });
      assert.equal(order.data.id, ORDER_ID);
    });

    test("a placeholder without a value, a value without a placeholder, or a bad value: invalid_argument, nothing sent", async () => {
      const c = client();
      const cases = [
        ["/api/v1/orders/{order}", undefined, /\{order\}/],
        ["/api/v1/orders/{order}", {}, /\{order\}/],
        ["/api/v1/orders/{order}", { id: ORDER_ID }, /\{order\}|id/],
        ["/api/v1/orders/{order}", { order: ORDER_ID, extra: "1" }, /extra/],
        ["/api/v1/orders", { order: ORDER_ID }, /order/],
        ["/api/v1/orders/{order}/{order2}", { order: ORDER_ID }, /order2/],
        ["/api/v1/orders/{order", { order: ORDER_ID }, /\{/],
        ["/api/v1/orders/{order}", { order: "" }, /order/],
        ["/api/v1/orders/{order}", { order: true }, /order/],
        ["/api/v1/orders/{order}", { order: null }, /order/],
        ["/api/v1/orders/{order}", { order: { id: 1 } }, /order/],
        ["/api/v1/orders/{order}", { order: [1] }, /order/],
        ["/api/v1/orders/{order}", { order: NaN }, /order/],
        ["/api/v1/orders/{order}", { order: Infinity }, /order/],
        ["/api/v1/orders/{order}", "order=1", /params/],
        ["/api/v1/orders/{order}", [ORDER_ID], /params/],
      ];
      for (const [path, params, mentions] of cases) {
        for (const method of ["GET", "DELETE"]) {
          const options = params === undefined ? undefined : { params };
          const error = await rejectsWith(pkg, c.request(method, path, options), "invalid_argument");
          assert.match(error.message, mentions, `${path} ${JSON.stringify(params)}: ${error.message}`);
        }
      }
      const stats = mock.stats();
      assert.equal(stats.apiRequests, 0, "nothing was sent");
      assert.equal(stats.tokenRequests, 0, "not even a token request");
    });

    test("braces in the query string are not placeholders", async () => {
      const echo = await client().request("GET", "/api/v1/{route}?q={x}", { params: { route: "echo" } });
      assert.equal(echo.path, "/api/v1/echo");
      assert.deepEqual(echo.query, { q: "{x}" });
    });
  });
}

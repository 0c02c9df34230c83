// client.rateLimit on the packed package, in both Node entries (api.md, "Beyond /me", Rate
// limits): null before any API response; then the X-RateLimit-Limit, X-RateLimit-Remaining and
// X-RateLimit-Reset (epoch seconds, as `resetAt` in ms) of the last API response that carried
// them, errors included; a response without them (or with unreadable values) leaves it as it
// was. Against the mock (which reports its rolling per-minute window) and, for answers the
// mock always decorates, a bare loopback server. Run: node --test tests/js/rate-limit.test.mjs
import { after, beforeEach, describe, test } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:http";

import { opts, rejectsWith, setup } from "./support/client-kit.mjs";

const { mock, entries } = await setup();

/**
 * A bare API on loopback: a token for any credentials, and for every other request the next
 * headers of `answers` (an empty JSON:API document). Records nothing else.
 */
const answers = [];
const bare = createServer((req, res) => {
  req.resume();
  req.on("end", () => {
    if (req.url === "/oauth/token") {
      res.writeHead(200, { "content-type": "application/json" });
      return res.end(JSON.stringify({ token_type: "Bearer", expires_in: 3600, access_token: "bare-token" }));
    }
    res.writeHead(200, { "content-type": "application/vnd.api+json", ...(answers.shift() ?? {}) });
    res.end(JSON.stringify({ data: [] }));
  });
});
await new Promise((resolve) => bare.listen(0, "127.0.0.1", resolve));
after(() => new Promise((resolve) => bare.close(resolve)));
const bareUrl = `http://127.0.0.1:${bare.address().port}`;

for (const [entry, pkg] of entries) {
  const client = (extra) => new pkg.AnkorstoreClient(opts(mock, extra));

  describe(`${entry}: client.rateLimit`, () => {
    beforeEach(() => mock.reset());

    test("null before any API response, also after the token request (the token endpoint's limits are its own)", async () => {
      const c = client();
      assert.equal(c.rateLimit, null);
      await c.token();
      assert.equal(c.rateLimit, null);
      // A 429 of the token endpoint carries X-RateLimit-* of its hourly budget: not the API's.
      mock.configure({ tokenLimitPerHour: 0 });
      const limited = client();
      await rejectsWith(pkg, limited.token(), "rate_limited");
      assert.equal(limited.rateLimit, null);
      assert.equal(mock.stats().apiRequests, 0);
    });

    test("after me(): limit, remaining and resetAt (ms) of the mock's window", async () => {
      const c = client();
      const before = Date.now();
      await c.me();
      const limit = c.rateLimit;
      assert.deepEqual(Object.keys(limit).sort(), ["limit", "remaining", "resetAt"]);
      assert.equal(limit.limit, 600);
      assert.equal(limit.remaining, 599);
      assert.equal(typeof limit.resetAt, "number");
      assert.equal(limit.resetAt % 1000, 0, "whole seconds, in ms");
      assert.ok(limit.resetAt >= Math.floor(before / 1000) * 1000 && limit.resetAt <= before + 61_000, String(limit.resetAt));
    });

    test("each API answer updates it: request(), pages and errors alike", async () => {
      mock.configure({ apiRateLimit: 8 });
      const c = client();
      await c.request("GET", "/api/v1/orders");
      assert.deepEqual([c.rateLimit.limit, c.rateLimit.remaining], [8, 7]);
      await c.me();
      assert.equal(c.rateLimit.remaining, 6);
      await rejectsWith(pkg, c.request("GET", "/api/v1/orders/{order}", { params: { order: "nope" } }), "not_found");
      assert.equal(c.rateLimit.remaining, 5, "a 404 carries the headers too");
      let pages = 0;
      for await (const page of c.pages("/api/v1/orders", { query: { "page[limit]": 10 } })) {
        pages += 1;
        assert.equal(c.rateLimit.remaining, 5 - pages, "updated before each page is yielded");
        void page;
      }
      assert.equal(pages, 3);
      assert.equal(c.rateLimit.remaining, 2);
    });

    test("exact values from the headers; a 429 reports Remaining 0", async () => {
      const c = client();
      mock.script("me", { headers: { "X-RateLimit-Limit": "1000", "X-RateLimit-Remaining": "7", "X-RateLimit-Reset": "1900000000" } });
      await c.me();
      assert.deepEqual(c.rateLimit, { limit: 1000, remaining: 7, resetAt: 1_900_000_000_000 });
      mock.script("orders", { retryAfter: 120 });
      await rejectsWith(pkg, c.request("GET", "/api/v1/orders"), "rate_limited", { retryAfter: 120 });
      assert.equal(c.rateLimit.remaining, 0);
      assert.equal(c.rateLimit.limit, 600);
    });

    test("the API's enforced limit: the refused call's headers are the last ones", async () => {
      mock.configure({ apiRateLimit: 2, enforceApiRateLimit: true });
      const c = client({ maxRetries: 0 });
      await c.me();
      await c.me();
      assert.equal(c.rateLimit.remaining, 0);
      const error = await c.request("GET", "/api/v1/orders").catch((e) => e);
      assert.equal(error.code, "rate_limited", error.message);
      assert.deepEqual([c.rateLimit.limit, c.rateLimit.remaining], [2, 0]);
      assert.ok(c.rateLimit.resetAt > Date.now() - 1000);
    });

    test("unreadable values leave the last reading; a missing or unreadable Reset leaves resetAt out", async () => {
      const c = client();
      await c.me();
      const first = c.rateLimit;
      for (const headers of [{ "X-RateLimit-Limit": "lots" }, { "X-RateLimit-Remaining": "-1" }, { "X-RateLimit-Remaining": "1.5" }]) {
        mock.script("me", { headers });
        await c.me();
        assert.deepEqual(c.rateLimit, first, JSON.stringify(headers));
      }
      mock.script("me", { headers: { "X-RateLimit-Reset": "soon" } });
      await c.me();
      assert.equal(c.rateLimit.remaining, first.remaining - 4);
      assert.equal("resetAt" in c.rateLimit, false, JSON.stringify(c.rateLimit));
    });

    test("an answer without the headers leaves the last reading (bare server)", async () => {
      const c = new pkg.AnkorstoreClient(opts({ url: bareUrl }));
      answers.push({}, { "x-ratelimit-limit": "60", "x-ratelimit-remaining": "59" }, {}, { "X-RateLimit-Limit": "60", "X-RateLimit-Remaining": "3", "X-RateLimit-Reset": "2000000000" });
      await c.request("GET", "/api/x");
      assert.equal(c.rateLimit, null, "no headers yet");
      await c.request("GET", "/api/x");
      assert.deepEqual(c.rateLimit, { limit: 60, remaining: 59 }, "no resetAt without X-RateLimit-Reset");
      await c.request("GET", "/api/x");
      assert.deepEqual(c.rateLimit, { limit: 60, remaining: 59 }, "kept");
      await c.request("GET", "/api/x");
      assert.deepEqual(c.rateLimit, { limit: 60, remaining: 3, resetAt: 2_000_000_000_000 });
    });

    test("each client has its own; the value read is a copy", async () => {
      const a = client();
      const b = client();
      await a.me();
      assert.equal(b.rateLimit, null);
      const read = a.rateLimit;
      read.remaining = 12345;
      assert.equal(a.rateLimit.remaining, 599);
      assert.throws(() => { a.rateLimit = { limit: 1, remaining: 1 }; }, TypeError, "read-only");
    });
  });
}


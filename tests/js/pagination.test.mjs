// client.pages() and client.paginate() on the packed package, in both Node entries, against
// the mock's 25 orders and 45 products (api.md, "Beyond /me", Pagination): multi-page walks
// that follow links.next with the query it carries, `meta.page.hasMore: false`, a foreign or
// escaping links.next refused mid-walk with nothing sent, an early `break` sending nothing
// more (nothing is fetched ahead), abort before, between and during pages, a 401 mid-walk
// refreshing the token once, and each page's retries. Every walk is counted on the mock.
// The same walks in workerd and Chromium: tests/runtimes/pagination.test.mjs.
// Run: node --test tests/js/pagination.test.mjs
import { after, beforeEach, describe, test } from "node:test";
import assert from "node:assert/strict";
import { setTimeout as sleep } from "node:timers/promises";

import { startMock } from "../../mock/server.mjs";
import { createOrders, createProducts, orderListResource, productListResource } from "../../mock/data.mjs";
import { bearers, logged, opts, rejectsWith, setup } from "./support/client-kit.mjs";

const { mock, entries } = await setup();
// Another server on loopback: a links.next pointing there must never reach it.
const foreign = await startMock({ port: 0 });
after(() => foreign.close());

const ORDER_IDS = createOrders().map((o) => o.id);
const PRODUCT_IDS = createProducts().map((p) => p.id);
const ORDERS = "/api/v1/orders";
const PRODUCTS = "/api/v1/products";
const JSONAPI = "application/vnd.api+json";

/** Every value a walk yields, and the error it ended with (if any). */
async function drain(iterable, { max = 1000 } = {}) {
  const values = [];
  try {
    for await (const value of iterable) {
      values.push(value);
      if (values.length > max) throw new Error("runaway walk");
    }
    return { values };
  } catch (error) {
    return { values, error };
  }
}

/** The mock's API requests to `path` (the page requests of a walk), in order. */
const pageRequests = (path = ORDERS) => logged(mock, "GET", path);

/** A page document the mock answers instead of a real page (a scripted fault body). */
const page = (ids, links, meta) => ({
  jsonapi: { version: "1.0" },
  data: ids.map((id) => ({ type: "orders", id, attributes: {} })),
  ...(links && { links }),
  ...(meta && { meta }),
});

for (const [entry, pkg] of entries) {
  const client = (extra) => new pkg.AnkorstoreClient(opts(mock, extra));

  describe(`${entry}: pages() and paginate() walk every page`, () => {
    beforeEach(() => { mock.reset(); foreign.reset(); });

    test("pages(): 25 orders in pages of 10 → 3 documents as sent, 3 requests following links.next", async () => {
      const c = client();
      const { values: docs, error } = await drain(c.pages(ORDERS, { query: { "page[limit]": 10 } }));
      assert.equal(error, undefined, error?.message);
      assert.deepEqual(docs.map((d) => d.data.length), [10, 10, 5]);
      assert.deepEqual(docs.flatMap((d) => d.data.map((o) => o.id)), ORDER_IDS);
      assert.deepEqual(docs.map((d) => d.meta.page.hasMore), [true, true, false]);
      assert.equal(docs[2].links.next, null, "the last page has no next link");
      assert.deepEqual(docs[0].data[0], orderListResource(createOrders()[0]), "documents are yielded as sent");
      // Exactly one request per page: the first with the caller's query, then links.next as given.
      const requests = pageRequests();
      assert.equal(requests.length, 3);
      assert.deepEqual(requests.map((r) => r.query), [
        { "page[limit]": "10" },
        { "page[after]": ORDER_IDS[9], "page[limit]": "10" },
        { "page[after]": ORDER_IDS[19], "page[limit]": "10" },
      ]);
      for (const r of requests) assert.equal(r.headers.accept, JSONAPI);
      assert.equal(new Set(bearers(mock, ORDERS)).size, 1, "one token for the whole walk");
      const stats = mock.stats();
      assert.equal(stats.tokenRequests, 1);
      assert.equal(stats.apiRequests, 3);
    });

    test("paginate(): the 45 products one by one, as sent, in catalogue order (default and given page sizes)", async () => {
      const c = client();
      const all = createProducts().map(productListResource);
      const { values, error } = await drain(c.paginate(PRODUCTS));
      assert.equal(error, undefined, error?.message);
      assert.deepEqual(values.map((p) => p.id), PRODUCT_IDS);
      assert.deepEqual(values, all);
      assert.equal(pageRequests(PRODUCTS).length, 5, "the mock's default page size is 10");
      mock.reset(); // (it also forgets the tokens it issued: a new client for each walk)
      const big = await drain(client().paginate(PRODUCTS, { query: { "page[limit]": 20 } }));
      assert.deepEqual(big.values.map((p) => p.id), PRODUCT_IDS);
      assert.equal(pageRequests(PRODUCTS).length, 3);
      mock.reset();
      const one = await drain(client().paginate(PRODUCTS, { query: { "page[limit]": 50 } }));
      assert.equal(one.values.length, 45);
      assert.equal(pageRequests(PRODUCTS).length, 1);
    });

    test("the query, headers and include carry over to every page; links.next brings its own query", async () => {
      const c = client();
      const { values: docs, error } = await drain(c.pages(ORDERS, {
        query: { "page[limit]": 2, "filter[status]": "ankor_confirmed", include: "retailer" },
        headers: { "x-request-id": "walk-1" },
      }));
      assert.equal(error, undefined, error?.message);
      const confirmed = createOrders().filter((o) => o.attributes.status === "ankor_confirmed").map((o) => o.id);
      assert.equal(confirmed.length, 5, "the fixture has 5 orders to confirm: 3 pages of 2");
      assert.deepEqual(docs.flatMap((d) => d.data.map((o) => o.id)), confirmed);
      assert.ok(docs.every((d) => Array.isArray(d.included) && d.included.length > 0));
      const requests = pageRequests();
      assert.equal(requests.length, 3);
      for (const r of requests) {
        assert.equal(r.query["filter[status]"], "ankor_confirmed");
        assert.equal(r.query.include, "retailer");
        assert.equal(r.headers["x-request-id"], "walk-1", "the caller's headers go with every page");
      }
    });

    test("a walk sends nothing before the first next(), and answers { done: true } after its end", async () => {
      const c = client();
      const walk = c.pages(ORDERS, { query: { "page[limit]": 20 } });
      const iterator = walk[Symbol.asyncIterator]();
      await sleep(50);
      assert.equal(mock.stats().apiRequests, 0, "nothing is sent before next()");
      assert.equal(mock.stats().tokenRequests, 0);
      const first = await iterator.next();
      assert.equal(first.done, false);
      assert.equal(first.value.data.length, 20);
      const second = await iterator.next();
      assert.equal(second.value.data.length, 5);
      assert.deepEqual(await iterator.next(), { done: true });
      assert.deepEqual(await iterator.next(), { done: true });
      assert.equal(mock.stats().apiRequests, 2);
    });

    test("a relative links.next is followed on the client's base URL", async () => {
      mock.script("orders", { body: page(["o1", "o2"], { next: `${ORDERS}?page[limit]=10&page[after]=${ORDER_IDS[19]}` }) });
      const { values, error } = await drain(client().paginate(ORDERS));
      assert.equal(error, undefined, error?.message);
      assert.deepEqual(values.map((o) => o.id), ["o1", "o2", ...ORDER_IDS.slice(20)]);
      assert.deepEqual(pageRequests().map((r) => r.query["page[after]"]), [undefined, ORDER_IDS[19]]);
    });
  });

  describe(`${entry}: where a walk ends`, () => {
    beforeEach(() => { mock.reset(); foreign.reset(); });

    test("meta.page.hasMore: false ends the walk even when links.next is there", async () => {
      mock.script("orders", [
        { passthrough: true },
        { body: page(["last"], { next: `${mock.url}${ORDERS}?page[after]=last` }, { page: { hasMore: false } }) },
      ]);
      const { values, error } = await drain(client().pages(ORDERS));
      assert.equal(error, undefined, error?.message);
      assert.equal(values.length, 2);
      assert.deepEqual(values[1].data.map((o) => o.id), ["last"]);
      assert.equal(mock.stats().apiRequests, 2, "the next link of a page that says hasMore: false is not followed");
    });

    test("a page without links.next (null, omitted, or empty) ends the walk; hasMore: true alone does not go on", async () => {
      mock.configure({ missingLinks: "omit" });
      const omitted = await drain(client().paginate(ORDERS, { query: { "page[limit]": 20 } }));
      assert.equal(omitted.values.length, 25);
      assert.equal(mock.stats().apiRequests, 2);
      mock.reset();
      mock.script("orders", { body: page(["a"], { next: "" }, { page: { hasMore: true } }) });
      const empty = await drain(client().paginate(ORDERS));
      assert.deepEqual(empty.values.map((o) => o.id), ["a"]);
      assert.equal(empty.error, undefined);
      assert.equal(mock.stats().apiRequests, 1);
    });

    test("pages() of a single resource yields its one document; paginate() of it rejects with invalid_response", async () => {
      const c = client();
      const { values, error } = await drain(c.pages("/api/v1/orders/{order}", { params: { order: ORDER_IDS[3] } }));
      assert.equal(error, undefined, error?.message);
      assert.equal(values.length, 1);
      assert.equal(values[0].data.id, ORDER_IDS[3]);
      assert.equal(logged(mock, "GET", `/api/v1/orders/${ORDER_IDS[3]}`).length, 1);
      const single = await drain(c.paginate("/api/v1/orders/{order}", { params: { order: ORDER_IDS[3] } }));
      assert.deepEqual(single.values, []);
      await rejectsWith(pkg, Promise.reject(single.error), "invalid_response");
    });
  });

  describe(`${entry}: a foreign or escaping links.next is refused mid-walk`, () => {
    beforeEach(() => { mock.reset(); foreign.reset(); });

    for (const [name, next] of [
      ["another origin (another server on loopback)", () => `${foreign.url}${ORDERS}?page[after]=x`],
      ["the same server under another host name", () => `${mock.url.replace("127.0.0.1", "localhost")}${ORDERS}?page[after]=x`],
      ["https on the same host and port", () => `${mock.url.replace("http:", "https:")}${ORDERS}?page[after]=x`],
      ["dot segments out of the API (encoded)", () => `${mock.url}/api/v1/%2e%2e/%2E%2E/oauth/token`],
    ]) {
      test(`${name}: the pages before it, then invalid_argument; nothing sent there or after`, async () => {
        mock.script("orders", [{ passthrough: true }, { body: page(["p2"], { next: next() }, { page: { hasMore: true } }) }]);
        const walk = client().pages(ORDERS)[Symbol.asyncIterator]();
        assert.equal((await walk.next()).value.data.length, 10);
        assert.deepEqual((await walk.next()).value.data.map((o) => o.id), ["p2"]);
        const error = await rejectsWith(pkg, walk.next(), "invalid_argument");
        assert.ok(!error.message.includes("Bearer"), error.message);
        assert.deepEqual(await walk.next(), { done: true }, "the walk is over");
        const stats = mock.stats();
        assert.equal(stats.apiRequests, 2, "nothing after the refused link");
        assert.equal(stats.tokenRequests, 1);
        assert.equal(foreign.stats().requests.length, 0, "the other server saw nothing");
      });
    }

    // A link is a URI reference: `//host/…` names another host, as in a browser.
    test("a protocol-relative links.next (//host/…) names the other host: refused, nothing sent", async () => {
      mock.script("orders", { body: page(["p1"], { next: `//${new URL(foreign.url).host}${ORDERS}` }) });
      const { values, error } = await drain(client().pages(ORDERS));
      assert.equal(values.length, 1);
      await rejectsWith(pkg, Promise.reject(error), "invalid_argument");
      assert.match(error.message, /another origin.*nothing was sent/);
      assert.equal(foreign.stats().requests.length, 0, "the other server saw nothing");
      const sent = mock.stats().requests.map((r) => r.path);
      assert.deepEqual(sent, ["/oauth/token", ORDERS]);
    });
  });

  describe(`${entry}: next() called again before the previous one settled`, () => {
    beforeEach(() => mock.reset());

    // As an async generator queues them: one request at a time, pages in order.
    test("the steps run one at a time, in call order, then done", async () => {
      const walk = client().pages(ORDERS)[Symbol.asyncIterator]();
      const pages = Math.ceil(ORDER_IDS.length / 10);
      const steps = await Promise.all(Array.from({ length: pages + 2 }, () => walk.next()));
      const ids = steps.filter((s) => !s.done).flatMap((s) => s.value.data.map((o) => o.id));
      assert.deepEqual(ids, ORDER_IDS);
      assert.deepEqual(steps.slice(pages), [{ done: true }, { done: true }]);
      assert.equal(mock.stats().apiRequests, pages);
    });

    test("a failing step rejects its own next() only; the later ones answer done", async () => {
      mock.script("orders", { status: 404, body: { errors: [{ status: "404", detail: "gone" }] } });
      const walk = client().pages(ORDERS)[Symbol.asyncIterator]();
      const [first, second] = await Promise.allSettled([walk.next(), walk.next()]);
      assert.equal(first.status, "rejected");
      assert.equal(first.reason.code, "not_found");
      assert.deepEqual(second, { status: "fulfilled", value: { done: true } });
    });
  });

  describe(`${entry}: leaving a walk early sends nothing more`, () => {
    beforeEach(() => mock.reset());

    test("break in for await over pages(): one request, none later", async () => {
      let seen = 0;
      for await (const doc of client().pages(ORDERS)) {
        seen += doc.data.length;
        break;
      }
      assert.equal(seen, 10);
      await sleep(100);
      assert.equal(mock.stats().apiRequests, 1);
    });

    test("paginate(): breaking on the last resource of page 1 sends no second request; one more resource sends it", async () => {
      const ids = [];
      for await (const order of client().paginate(ORDERS)) {
        ids.push(order.id);
        if (ids.length === 10) break;
      }
      assert.deepEqual(ids, ORDER_IDS.slice(0, 10));
      await sleep(50);
      assert.equal(mock.stats().apiRequests, 1, "nothing is fetched ahead");
      mock.reset();
      let n = 0;
      for await (const _ of client().paginate(ORDERS)) if (++n === 11) break;
      await sleep(50);
      assert.equal(mock.stats().apiRequests, 2);
    });

    test("return() ends the walk: later next() answers { done: true } without a request", async () => {
      const walk = client().paginate(ORDERS)[Symbol.asyncIterator]();
      assert.equal((await walk.next()).value.id, ORDER_IDS[0]);
      assert.deepEqual(await walk.return(), { done: true });
      assert.deepEqual(await walk.next(), { done: true });
      await sleep(50);
      assert.equal(mock.stats().apiRequests, 1);
    });

    test("an exception thrown in the loop body ends the walk too", async () => {
      await assert.rejects(async () => {
        for await (const _ of client().pages(ORDERS)) throw new Error("caller failed");
      }, /caller failed/);
      await sleep(50);
      assert.equal(mock.stats().apiRequests, 1);
    });
  });

  describe(`${entry}: abort`, () => {
    beforeEach(() => mock.reset());

    test("a signal aborted before the walk: the first step rejects with aborted, nothing sent", async () => {
      const controller = new AbortController();
      controller.abort();
      const { values, error } = await drain(client().pages(ORDERS, { signal: controller.signal }));
      assert.deepEqual(values, []);
      await rejectsWith(pkg, Promise.reject(error), "aborted");
      assert.equal(mock.stats().apiRequests, 0);
    });

    test("aborted between two pages: the next step rejects with aborted and sends nothing", async () => {
      const controller = new AbortController();
      const walk = client().pages(ORDERS, { signal: controller.signal })[Symbol.asyncIterator]();
      assert.equal((await walk.next()).value.data.length, 10);
      controller.abort();
      await rejectsWith(pkg, walk.next(), "aborted");
      assert.deepEqual(await walk.next(), { done: true });
      assert.equal(mock.stats().apiRequests, 1);
    });

    test("aborted while page 2 hangs: the walk rejects with aborted at once", async () => {
      mock.script("orders", [{ passthrough: true }, { hang: true }]);
      const controller = new AbortController();
      const ids = [];
      const started = performance.now();
      const walked = (async () => {
        for await (const order of client({ timeoutMs: 10_000 }).paginate(ORDERS, { signal: controller.signal })) {
          ids.push(order.id);
          if (ids.length === 10) setTimeout(() => controller.abort(), 50);
        }
      })();
      await rejectsWith(pkg, walked, "aborted");
      assert.ok(performance.now() - started < 3000, "the hanging page was not waited for");
      assert.deepEqual(ids, ORDER_IDS.slice(0, 10));
      assert.equal(mock.stats().apiRequests, 2);
    });
  });

  describe(`${entry}: each page has the token handling and retries of request()`, () => {
    beforeEach(() => mock.reset());

    test("a 401 on page 2 refreshes the token once and the walk goes on", async () => {
      mock.script("orders", [{ passthrough: true }, { status: 401 }]);
      const { values, error } = await drain(client().paginate(ORDERS));
      assert.equal(error, undefined, error?.message);
      assert.deepEqual(values.map((o) => o.id), ORDER_IDS);
      const stats = mock.stats();
      assert.equal(stats.tokenRequests, 2, "one new token");
      assert.equal(stats.apiRequests, 4, "3 pages + the retry of page 2");
      const tokens = bearers(mock, ORDERS);
      assert.equal(tokens[1], tokens[0], "page 2 was first sent with the old token");
      assert.notEqual(tokens[2], tokens[0], "and retried with the new one");
      assert.equal(tokens[3], tokens[2], "page 3 uses the new token");
    });

    test("tokens revoked between two pages: one refresh, then the walk ends normally", async () => {
      const c = client();
      const walk = c.pages(ORDERS)[Symbol.asyncIterator]();
      await walk.next();
      mock.configure({ revokeAll: true });
      assert.equal((await walk.next()).value.data.length, 10);
      assert.equal((await walk.next()).value.data.length, 5);
      assert.deepEqual(await walk.next(), { done: true });
      assert.equal(mock.stats().tokenRequests, 2);
      assert.equal(mock.stats().apiRequests, 4);
    });

    test("a second 401 on the same page rejects with unauthenticated and ends the walk", async () => {
      mock.script("orders", [{ passthrough: true }, { status: 401, count: 2 }]);
      const walk = client().pages(ORDERS)[Symbol.asyncIterator]();
      await walk.next();
      await rejectsWith(pkg, walk.next(), "unauthenticated", { status: 401 });
      assert.deepEqual(await walk.next(), { done: true });
      assert.equal(mock.stats().tokenRequests, 2);
      assert.equal(mock.stats().apiRequests, 3);
    });

    test("a 503 on page 2 is retried; a 429 with a short Retry-After is waited out", async () => {
      mock.script("orders", [{ passthrough: true }, { status: 503 }, { passthrough: true }, { retryAfter: 1 }]);
      const { values, error } = await drain(client().paginate(ORDERS));
      assert.equal(error, undefined, error?.message);
      assert.deepEqual(values.map((o) => o.id), ORDER_IDS);
      assert.equal(mock.stats().apiRequests, 5);
    });

    test("an error that is not retried (404) rejects the walk after the pages before it", async () => {
      mock.script("orders", [{ passthrough: true }, { status: 404 }]);
      const { values, error } = await drain(client().pages(ORDERS));
      assert.equal(values.length, 1);
      await rejectsWith(pkg, Promise.reject(error), "not_found", { status: 404 });
      assert.equal(mock.stats().apiRequests, 2);
    });
  });

  describe(`${entry}: options of pages() and paginate()`, () => {
    beforeEach(() => mock.reset());

    test("params fill the path's placeholders; a wrong one rejects the first step with invalid_argument, nothing sent", async () => {
      const c = client();
      for (const [path, params] of [
        ["/api/v1/orders/{order}", {}],
        ["/api/v1/orders/{order}", { id: "1" }],
        [ORDERS, { order: "1" }],
        ["/api/v1/orders/{order}", { order: "" }],
      ]) {
        for (const method of ["pages", "paginate"]) {
          const { values, error } = await drain(c[method](path, { params }));
          assert.deepEqual(values, []);
          await rejectsWith(pkg, Promise.reject(error), "invalid_argument");
        }
      }
      assert.equal(mock.stats().apiRequests, 0);
      assert.equal(mock.stats().tokenRequests, 0);
    });

    test("options of request() that a walk does not take are refused (closed options)", async () => {
      const c = client();
      for (const options of [{ body: {} }, { method: "POST" }, { querry: { a: 1 } }]) {
        const { error } = await drain(c.paginate(ORDERS, options));
        await rejectsWith(pkg, Promise.reject(error), "invalid_argument");
      }
      const { error } = await drain(c.pages("https://example.com/api/v1/orders"));
      await rejectsWith(pkg, Promise.reject(error), "invalid_argument");
      assert.equal(mock.stats().apiRequests, 0);
    });
  });

  // JSON:API lets a link be an object with `href`; the declarations say pages() follows it.
  describe(`${entry}: a links.next link object`, () => {
    beforeEach(() => mock.reset());

    test("links.next = { href } is followed like a string", async () => {
      mock.script("orders", { body: page(["o1"], { next: { href: `${mock.url}${ORDERS}?page[limit]=10&page[after]=${ORDER_IDS[19]}` } }) });
      const { values, error } = await drain(client().paginate(ORDERS));
      assert.equal(error, undefined, error?.message);
      assert.deepEqual(values.map((o) => o.id), ["o1", ...ORDER_IDS.slice(20)]);
      assert.equal(mock.stats().apiRequests, 2);
    });
  });
}

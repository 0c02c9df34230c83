// pages(), paginate(), params and rateLimit of the packed package in workerd (a Worker bundled
// with the package's workerd entry, in Miniflare) and in Chromium (its browser entry), against
// the mock: multi-page walks, `meta.page.hasMore: false`, a foreign links.next refused
// mid-walk, an early `break` sending nothing more, abort before and during a walk, a 401
// mid-walk refreshing once. The walks run in the runtime; the mock is scripted and counted
// from Node. (Both Node entries: tests/js/pagination.test.mjs.)
// Run: node --test tests/runtimes/pagination.test.mjs
import { after, before, beforeEach, describe, test } from "node:test";
import assert from "node:assert/strict";
import { setTimeout as sleep } from "node:timers/promises";

import { DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, startMock } from "../../mock/server.mjs";
import { createOrders, createProducts } from "../../mock/data.mjs";
import { packagePage, packageWorker } from "./fixtures/package-runtimes.mjs";

const ORDER_IDS = createOrders().map((o) => o.id);
const PRODUCT_IDS = createProducts().map((p) => p.id);

/**
 * The walks, as one function's source, run where the package is loaded:
 * `(pkg, { base, id, secret, scenario, arg }) => JSON-able result`.
 */
const SCENARIOS = `async (pkg, { base, id, secret, scenario, arg }) => {
  const client = new pkg.AnkorstoreClient({ clientId: id, clientSecret: secret, baseUrl: base, timeoutMs: 10000 });
  const codeOf = (e) => (e instanceof pkg.AnkorstoreError ? e.code : "not an AnkorstoreError: " + e);
  const drain = async (iterable, stopAt) => {
    const values = [];
    try {
      for await (const value of iterable) {
        values.push(value);
        if (values.length === stopAt) break;
      }
      return { values };
    } catch (e) {
      return { values, error: codeOf(e) };
    }
  };
  const ids = (docs) => docs.map((d) => d.data.map((o) => o.id));
  switch (scenario) {
    case "walk": {
      const before = client.rateLimit;
      const pages = await drain(client.pages("/api/v1/orders", { query: { "page[limit]": 10 } }));
      const afterPages = client.rateLimit;
      const products = await drain(client.paginate("/api/v1/products", { query: { "page[limit]": 20 } }));
      return {
        before, afterPages,
        pages: ids(pages.values), hasMore: pages.values.map((d) => d.meta.page.hasMore), pagesError: pages.error ?? null,
        products: products.values.map((p) => p.id), productsError: products.error ?? null,
      };
    }
    case "break": {
      const pages = await drain(client.pages("/api/v1/orders"), 1);
      const resources = await drain(client.paginate("/api/v1/orders"), 10);
      return { pages: pages.values.length, resources: resources.values.map((o) => o.id) };
    }
    case "pages": {
      const { values, error } = await drain(client.pages("/api/v1/orders"));
      return { pages: ids(values), error: error ?? null };
    }
    case "paginate": {
      const { values, error } = await drain(client.paginate("/api/v1/orders"));
      return { ids: values.map((o) => o.id), error: error ?? null };
    }
    case "abort-before": {
      const controller = new AbortController();
      controller.abort();
      const { values, error } = await drain(client.pages("/api/v1/orders", { signal: controller.signal }));
      return { pages: values.length, error: error ?? null };
    }
    case "abort-during": {
      const controller = new AbortController();
      const started = Date.now();
      const values = [];
      let error = null;
      try {
        for await (const order of client.paginate("/api/v1/orders", { signal: controller.signal })) {
          values.push(order.id);
          if (values.length === 10) setTimeout(() => controller.abort(), 50);
        }
      } catch (e) {
        error = codeOf(e);
      }
      return { resources: values.length, error, ms: Date.now() - started };
    }
    case "params": {
      const one = await drain(client.pages("/api/v1/orders/{order}", { params: { order: arg } }));
      const missing = await drain(client.pages("/api/v1/orders/{order}", {}));
      const extra = await drain(client.paginate("/api/v1/orders", { params: { order: arg } }));
      const request = await client.request("GET", "/api/v1/orders/{order}", { params: { order: arg } });
      const slash = await client.request("GET", "/api/v1/orders/{order}", { params: { order: "a/b c" } }).catch(codeOf);
      return {
        one: one.values.map((d) => d.data.id), oneError: one.error ?? null,
        missing: missing.error ?? null, extra: extra.error ?? null, request: request.data.id, slash,
      };
    }
    default:
      throw new Error("unknown scenario " + scenario);
  }
}`;

let mock;
let foreign; // another server on loopback: a links.next there must never reach it
before(async () => {
  mock = await startMock({ port: 0 });
  foreign = await startMock({ port: 0 });
});
after(async () => {
  await mock?.close();
  await foreign?.close();
});

/** A page document the mock answers instead of a real page. */
const page = (ids, links, meta) => ({
  jsonapi: { version: "1.0" },
  data: ids.map((id) => ({ type: "orders", id, attributes: {} })),
  links,
  ...(meta && { meta }),
});

/** The same checks for each runtime; `run(scenario, arg)` runs a scenario there. */
function suite(run) {
  beforeEach(() => {
    mock.reset();
    foreign.reset();
  });

  test("multi-page walks: 3 pages of orders, 45 products; one request per page; rateLimit follows", async () => {
    const seen = await run("walk");
    assert.equal(seen.pagesError, null);
    assert.deepEqual(seen.pages, [ORDER_IDS.slice(0, 10), ORDER_IDS.slice(10, 20), ORDER_IDS.slice(20)]);
    assert.deepEqual(seen.hasMore, [true, true, false]);
    assert.equal(seen.productsError, null);
    assert.deepEqual(seen.products, PRODUCT_IDS);
    const stats = mock.stats();
    assert.equal(stats.apiRequests, 6, "3 pages of orders + 3 pages of products");
    assert.equal(stats.tokenRequests, 1);
    assert.deepEqual(stats.requests.filter((r) => r.method === "GET" && r.path === "/api/v1/orders").map((r) => r.query["page[after]"]), [undefined, ORDER_IDS[9], ORDER_IDS[19]]);
    assert.equal(seen.before, null, "rateLimit is null before any response");
    assert.equal(seen.afterPages.limit, 600);
    assert.equal(seen.afterPages.remaining, 597);
    assert.equal(seen.afterPages.resetAt % 1000, 0);
  });

  test("break: one page of pages(), the first 10 resources of paginate(); nothing more is sent", async () => {
    const seen = await run("break");
    assert.equal(seen.pages, 1);
    assert.deepEqual(seen.resources, ORDER_IDS.slice(0, 10));
    await sleep(100);
    assert.equal(mock.stats().apiRequests, 2, "one request per walk: nothing fetched ahead, nothing after break");
  });

  test("meta.page.hasMore: false ends the walk although links.next is set", async () => {
    mock.script("orders", [
      { passthrough: true },
      { body: page(["last"], { next: `${mock.url}/api/v1/orders?page[after]=last` }, { page: { hasMore: false } }) },
    ]);
    const seen = await run("pages");
    assert.equal(seen.error, null);
    assert.deepEqual(seen.pages, [ORDER_IDS.slice(0, 10), ["last"]]);
    assert.equal(mock.stats().apiRequests, 2);
  });

  test("a foreign links.next mid-walk: the pages before it, then invalid_argument; the other host sees nothing", async () => {
    mock.script("orders", [{ passthrough: true }, { body: page(["p2"], { next: `${foreign.url}/api/v1/orders?page[after]=p2` }) }]);
    const seen = await run("pages");
    assert.deepEqual(seen.pages, [ORDER_IDS.slice(0, 10), ["p2"]]);
    assert.equal(seen.error, "invalid_argument");
    assert.equal(mock.stats().apiRequests, 2);
    assert.equal(foreign.stats().requests.length, 0);
  });

  test("a 401 mid-walk refreshes the token once and the walk completes", async () => {
    mock.script("orders", [{ passthrough: true }, { status: 401 }]);
    const seen = await run("paginate");
    assert.equal(seen.error, null);
    assert.deepEqual(seen.ids, ORDER_IDS);
    const stats = mock.stats();
    assert.equal(stats.tokenRequests, 2);
    assert.equal(stats.apiRequests, 4);
  });

  test("abort: before the walk nothing is sent; during a hanging page the walk rejects with aborted", async () => {
    const early = await run("abort-before");
    assert.deepEqual(early, { pages: 0, error: "aborted" });
    assert.equal(mock.stats().apiRequests, 0);
    mock.script("orders", [{ passthrough: true }, { hang: true }]);
    const during = await run("abort-during");
    assert.equal(during.error, "aborted");
    assert.equal(during.resources, 10);
    assert.ok(during.ms < 5000, `${during.ms} ms`);
    assert.equal(mock.stats().apiRequests, 2);
  });

  test("params: filled and encoded as one segment; a missing or unused one rejects with invalid_argument, nothing sent", async () => {
    const seen = await run("params", ORDER_IDS[7]);
    assert.deepEqual(seen.one, [ORDER_IDS[7]]);
    assert.equal(seen.oneError, null);
    assert.equal(seen.missing, "invalid_argument");
    assert.equal(seen.extra, "invalid_argument");
    assert.equal(seen.request, ORDER_IDS[7]);
    assert.equal(seen.slash, "not_found");
    const paths = mock.stats().requests.filter((r) => r.method === "GET" && r.path.startsWith("/api/")).map((r) => r.path);
    assert.deepEqual(paths, [`/api/v1/orders/${ORDER_IDS[7]}`, `/api/v1/orders/${ORDER_IDS[7]}`, "/api/v1/orders/a%2Fb%20c"]);
  });
}

describe("workerd (Miniflare)", () => {
  let mf;
  before(async () => {
    mf = await packageWorker("pagination-workerd", `import * as pkg from "ankorstore-client";
const scenarios = ${SCENARIOS};
export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    const result = await scenarios(pkg, {
      base: env.BASE, id: env.ID, secret: env.SECRET,
      scenario: url.searchParams.get("scenario"), arg: url.searchParams.get("arg"),
    });
    return Response.json(result);
  },
};`, { ID: DEMO_CLIENT_ID, SECRET: DEMO_CLIENT_SECRET, BASE: mock.url });
  });
  after(() => mf?.dispose());

  suite(async (scenario, arg = "") => {
    const res = await mf.dispatchFetch(`http://worker.test/?scenario=${scenario}&arg=${encodeURIComponent(arg)}`);
    const text = await res.text();
    assert.equal(res.status, 200, text);
    return JSON.parse(text);
  });
});

describe("Chromium", () => {
  let page_;
  before(async () => {
    page_ = await packagePage("pagination-browser");
  });
  after(() => page_?.close());

  suite(async (scenario, arg) => {
    const seen = await page_.tab.evaluate(async ({ source, options }) => {
      const pkg = await import("ankorstore-client");
      return (0, eval)(source)(pkg, options);
    }, { source: SCENARIOS, options: { base: mock.url, id: DEMO_CLIENT_ID, secret: DEMO_CLIENT_SECRET, scenario, arg } });
    assert.deepEqual(page_.pageErrors, []);
    return seen;
  });
});

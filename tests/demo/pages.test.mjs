// The demo page's paged view, built on client.paginate(): one iterator per list, "More" continues
// it (one page request per step of 10 rows, nothing fetched ahead, no refetch of what is shown),
// "Stop" aborts its signal, and the end of the list is shown. Headless Chromium against the demo
// server and its in-process mock (25 orders, 45 products); page requests are counted through
// the mock's stats. Screenshots go to tests/artifacts/.
import { after, afterEach, before, beforeEach, describe, test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";

import { USER, createOrders, createProducts } from "../../mock/data.mjs";
import { startDemoServer } from "../../server/demo-server.mjs";
import { artifacts, openRecordedTab, pkgDir, startDemoAndBrowser, startFakeUpstream } from "./support.mjs";

const ORDERS = createOrders();
const PRODUCTS = createProducts();
const REFERENCES = ORDERS.map((o) => String(o.attributes.reference));
const WAIT = { timeout: 15_000 };

describe("demo page: paged lists with paginate()", { timeout: 180_000 }, () => {
  let demo;
  let browser;
  let context;
  let page;
  let problems; // console errors, page errors, CSP violations, failed or foreign requests

  before(async () => {
    ({ demo, browser } = await startDemoAndBrowser());
  });

  after(async () => {
    await browser?.close();
    await demo?.close();
  });

  /** A fresh tab (one per test) that records everything that must not happen. */
  async function openPage(url, viewport) {
    ({ context, page, problems } = await openRecordedTab(browser, url, { viewport, timeout: WAIT.timeout }));
    return page;
  }

  beforeEach(() => demo.mock.reset());

  afterEach(async () => {
    await context?.close();
    context = null;
  });

  /** The requests the mock received for one listing path, in order. */
  const listed = (path) => demo.mock.stats().requests.filter((r) => r.method === "GET" && r.path === path);
  const references = () => page.locator("#list tbody td.ref").allTextContents();
  const names = () => page.locator("#list tbody td.name").allTextContents();
  const summary = (pattern) => page.locator("#list-summary").filter({ hasText: pattern }).waitFor(WAIT);
  const focusedId = () => page.evaluate(() => document.activeElement?.id ?? null);

  async function connect() {
    await page.locator("#client-secret").press("Enter");
    await page.locator("#status").filter({ hasText: /^Connected to/ }).waitFor(WAIT);
  }

  test("orders: the first 10, then More reads exactly one more page of the same iterator, then the end", async () => {
    await openPage(`${demo.url}/`);
    await connect();

    // First step: 10 rows from one page request.
    assert.deepEqual(await references(), REFERENCES.slice(0, 10));
    assert.equal(await page.locator("#list-title").textContent(), "Orders");
    assert.equal(await page.locator("#list-summary").textContent(), "10 orders shown · More reads the next 10");
    assert.equal(await page.locator("#list-code").textContent(), 'client.paginate("/api/v1/orders", { query: { "page[limit]": 10 }, signal })');
    assert.deepEqual(await page.locator("#list thead th").allTextContents(), ["Reference", "Status", "Retailer", "Amount", "Submitted"]);
    const first = page.locator("#list tbody tr").first();
    assert.equal(await first.locator("td").nth(1).textContent(), "ankor confirmed");
    assert.equal(await first.locator("td").nth(2).textContent(), ORDERS[0].attributes.billingOrganisationName);
    assert.equal(await first.locator("td.num").textContent(),
      new Intl.NumberFormat("en-US", { style: "currency", currency: "EUR" }).format(ORDERS[0].attributes.brandTotalAmountWithVat / 100));
    assert.equal(await page.locator("#list-end").isVisible(), false);
    assert.equal(await page.locator("#list-more").isEnabled(), true);
    assert.equal(await page.locator("#list-stop").isDisabled(), true);
    assert.equal(await page.locator("#list-restart").isDisabled(), true);
    let requests = listed("/api/v1/orders");
    assert.equal(requests.length, 1);
    assert.deepEqual(requests[0].query, { "page[limit]": "10" });

    // The rows shown stay the same DOM nodes: More appends, it does not re-render or refetch.
    await first.evaluate((tr) => { tr.dataset.kept = "yes"; });

    // More, from the keyboard: one request, the cursor of links.next, focus back on More.
    await page.locator("#list-more").focus();
    await page.keyboard.press("Enter");
    await summary(/^20 orders shown/);
    assert.deepEqual(await references(), REFERENCES.slice(0, 20));
    assert.equal(await first.getAttribute("data-kept"), "yes");
    requests = listed("/api/v1/orders");
    assert.equal(requests.length, 2, "More sends exactly one page request");
    assert.deepEqual(requests[1].query, { "page[after]": ORDERS[9].id, "page[limit]": "10" });
    assert.equal(await page.locator("#status").textContent(), "Orders 11–20 loaded.");
    assert.equal(await focusedId(), "list-more");

    // The last page holds 5 orders: the end is shown at once, More is done.
    await page.keyboard.press("Enter");
    await summary("25 orders · end of the list");
    assert.deepEqual(await references(), REFERENCES);
    requests = listed("/api/v1/orders");
    assert.equal(requests.length, 3);
    assert.deepEqual(requests[2].query, { "page[after]": ORDERS[19].id, "page[limit]": "10" });
    const end = page.locator("#list-end");
    assert.equal(await end.isVisible(), true);
    assert.equal(await end.getAttribute("data-state"), "end");
    assert.equal(await end.textContent(), "End of the list: 25 orders, all shown.");
    assert.equal(await page.locator("#status").textContent(), "End of the list: 25 orders, all shown.");
    assert.equal(await page.locator("#list-more").isDisabled(), true);
    assert.equal(await page.locator("#list-restart").isEnabled(), true);
    assert.equal(await focusedId(), "list-end", "the focus goes to the end note when More is done");
    await page.screenshot({ path: join(artifacts, "demo-pages.png"), fullPage: true });

    // Nothing is fetched after the end, and the token was fetched once.
    await sleep(300);
    const stats = demo.mock.stats();
    assert.equal(listed("/api/v1/orders").length, 3);
    assert.equal(stats.apiRequests, 4, "me + 3 pages");
    assert.equal(stats.tokenRequests, 1);

    // Start over: a new iterator from the first page.
    await page.locator("#list-restart").click();
    await summary(/^10 orders shown/);
    assert.deepEqual(await references(), REFERENCES.slice(0, 10));
    requests = listed("/api/v1/orders");
    assert.equal(requests.length, 4);
    assert.deepEqual(requests[3].query, { "page[limit]": "10" });
    assert.equal(await page.locator("#list-end").isVisible(), false);
    assert.deepEqual(problems, []);
  });

  test("products: the same view over /api/v1/products, 45 products in 5 pages; switching lists ends the other iterator", async () => {
    await openPage(`${demo.url}/`);
    await connect();
    await page.locator("label.kind", { hasText: "Products" }).click();
    await page.locator("#list-title").filter({ hasText: "Products" }).waitFor(WAIT);
    await summary(/^10 products shown/);
    assert.deepEqual(await names(), PRODUCTS.slice(0, 10).map((p) => p.name));
    assert.deepEqual(await page.locator("#list thead th").allTextContents(), ["Name", "Status", "Wholesale", "Retail", "Variants", "Updated"]);
    assert.equal(await page.locator("#list-code").textContent(), 'client.paginate("/api/v1/products", { query: { "page[limit]": 10 }, signal })');
    const cells = await page.locator("#list tbody tr").first().locator("td").allTextContents();
    const p0 = PRODUCTS[0];
    const price = (minor) => (minor / 100).toFixed(2);
    assert.deepEqual(cells, [p0.name, "active", price(p0.wholesalePrice), price(p0.retailPrice), String(p0.variants.length),
      new Intl.DateTimeFormat("en-US", { dateStyle: "medium", timeZone: "UTC" }).format(new Date(p0.updatedAt))]);
    // Every product's state, from its attributes.
    const states = await page.locator("#list tbody .pill").evaluateAll((pills) => pills.map((p) => p.dataset.status));
    assert.deepEqual(states, PRODUCTS.slice(0, 10).map((p) =>
      p.archived ? "archived" : !p.active ? "inactive" : p.outOfStock ? "out_of_stock" : "active"));
    assert.equal(listed("/api/v1/orders").length, 1, "the orders iterator was left: nothing more was read from it");

    for (let step = 2; step <= 4; step += 1) {
      await page.locator("#list-more").click();
      await summary(new RegExp(`^${step * 10} products shown`));
    }
    await page.locator("#list-more").click();
    await summary("45 products · end of the list");
    assert.deepEqual(await names(), PRODUCTS.map((p) => p.name));
    const requests = listed("/api/v1/products");
    assert.equal(requests.length, 5, "one request per page of 10");
    assert.deepEqual(requests.map((r) => r.query["page[after]"] ?? null),
      [null, PRODUCTS[9].id, PRODUCTS[19].id, PRODUCTS[29].id, PRODUCTS[39].id]);
    assert.equal(await page.locator("#list-end").textContent(), "End of the list: 45 products, all shown.");
    assert.equal(await page.locator("#list-more").isDisabled(), true);

    // Back to orders: a new iterator from the first page.
    await page.locator("label.kind", { hasText: "Orders" }).click();
    await page.locator("#list-title").filter({ hasText: "Orders" }).waitFor(WAIT);
    await summary(/^10 orders shown/);
    assert.deepEqual(await references(), REFERENCES.slice(0, 10));
    assert.equal(listed("/api/v1/orders").length, 2);
    assert.equal(await page.locator("input[name=kind]:checked").getAttribute("value"), "orders");
    assert.equal(demo.mock.stats().tokenRequests, 1);

    // Phone width: the six columns stack, nothing overflows.
    await page.setViewportSize({ width: 390, height: 844 });
    await page.locator("label.kind", { hasText: "Products" }).click();
    await summary(/^10 products shown/);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `the page is ${overflow}px wider than the viewport`);
    await page.locator("#list-card").screenshot({ path: join(artifacts, "demo-pages-phone.png") });
    assert.deepEqual(problems, []);
  });

  test("Stop aborts the page request under way, keeps the rows shown, and nothing more is requested", async () => {
    await openPage(`${demo.url}/`);
    await connect();
    const aborted = [];
    page.on("requestfailed", (r) => {
      if (new URL(r.url()).pathname === "/mock/api/v1/orders") aborted.push(r.failure()?.errorText);
    });

    // The next page takes 20 s to come: Stop must not wait for it.
    demo.mock.script("orders", { delayMs: 20_000 });
    await page.locator("#list-more").click();
    await page.locator("#list-stop:enabled").waitFor(WAIT);
    await summary("10 orders shown · loading more…");
    while (listed("/api/v1/orders").length < 2) await sleep(20); // the request reached the mock
    assert.equal(await page.locator("#list-more").isDisabled(), true);

    const started = Date.now();
    await page.locator("#list-stop").click();
    await summary("10 orders shown · stopped");
    assert.ok(Date.now() - started < 5_000, `Stop took ${Date.now() - started} ms`);
    assert.deepEqual(await references(), REFERENCES.slice(0, 10));
    const end = page.locator("#list-end");
    assert.equal(await end.getAttribute("data-state"), "stopped");
    assert.equal(await end.textContent(), "Stopped after 10 orders: nothing more is requested. Start over to read the list again.");
    assert.equal(await page.locator("#status").textContent(), "Stopped: 10 orders shown, nothing more is requested.");
    assert.equal(await page.locator("#error").isVisible(), false, "a stop is not an error");
    assert.equal(await page.locator("#list-more").isDisabled(), true);
    assert.equal(await page.locator("#list-stop").isDisabled(), true);
    assert.equal(await page.locator("#list-restart").isEnabled(), true);
    // The browser cancelled the request on the wire.
    assert.deepEqual(aborted, ["net::ERR_ABORTED"]);

    // Nothing more is requested: no retry, no next page, no token request.
    await sleep(500);
    const stats = demo.mock.stats();
    assert.equal(listed("/api/v1/orders").length, 2);
    assert.equal(stats.apiRequests, 3, "me + the first page + the stopped one");
    assert.equal(stats.tokenRequests, 1);

    // Start over reads the list again, from the first page.
    await page.locator("#list-restart").click();
    await summary(/^10 orders shown · More/);
    assert.deepEqual(await references(), REFERENCES.slice(0, 10));
    assert.deepEqual(listed("/api/v1/orders").at(-1).query, { "page[limit]": "10" });
    assert.deepEqual(problems.filter((p) => !/\/mock\/api\/v1\/orders\?.* net::ERR_ABORTED$/.test(p)), []);
  });

  test("a page that fails ends the list with the error, the rows shown stay", async () => {
    await openPage(`${demo.url}/`);
    await connect();
    demo.mock.script("orders", { status: 403 });
    await page.locator("#list-more").click();
    await page.locator("#error").waitFor({ state: "visible", ...WAIT });
    assert.equal(await page.locator("#error .error-code").textContent(), "forbidden");
    await summary("10 orders shown · failed");
    assert.deepEqual(await references(), REFERENCES.slice(0, 10));
    assert.equal(await page.locator("#list-end").getAttribute("data-state"), "failed");
    assert.equal(await page.locator("#list-more").isDisabled(), true);
    assert.equal(listed("/api/v1/orders").length, 2);
    await page.locator("#list-restart").click();
    await summary(/^10 orders shown · More/);
    assert.equal(await page.locator("#error").isVisible(), false);
    assert.deepEqual(problems.filter((p) => !/403 \(Forbidden\)/.test(p)), []);
  });

  test("what an upstream sends is shown as text, never as HTML", async () => {
    // A "sandbox" whose order attributes carry markup; the demo server proxies to it.
    const markup = {
      reference: '<img src="/x" data-injected="ref">',
      status: "<b data-injected=status>shipped</b>",
      billingOrganisationName: "<script>window.__ran = true</script>",
    };
    const upstream = await startFakeUpstream((req) => {
      const json = (body) => ({ status: 200, headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
      if (req.url === "/oauth/token") return json({ token_type: "Bearer", expires_in: 3600, access_token: "fake-token" });
      if (req.url === "/api/v1/me") return json({ data: USER });
      return json({ jsonapi: { version: "1.0" }, links: {}, data: [{ type: "orders", id: "o-1", attributes: markup }] });
    });
    const sandboxDemo = await startDemoServer({
      port: 0, quiet: true, pkgDir, env: "sandbox", clientId: "someone",
      upstreams: { sandbox: upstream.url, production: "https://www.ankorstore.com" },
    });
    try {
      await openPage(`${sandboxDemo.url}/`);
      await page.locator("#client-secret").fill("typed-secret");
      await connect();
      await summary("1 order · end of the list");
      const cells = await page.locator("#list tbody td").allTextContents();
      assert.equal(cells[0], markup.reference);
      assert.equal(cells[1], markup.status);
      assert.equal(cells[2], markup.billingOrganisationName);
      assert.equal(await page.locator("[data-injected], #list tbody script, #list tbody img, #list tbody b").count(), 0);
      assert.equal(await page.evaluate(() => window.__ran === true), false);
      assert.equal(await page.locator("#list-end").textContent(), "End of the list: 1 order, all shown.");
      assert.equal(upstream.requests.filter((r) => r.url.startsWith("/api/v1/orders")).length, 1);
      assert.deepEqual(problems, []);
    } finally {
      await context?.close();
      context = null;
      await sandboxDemo.close();
      await upstream.close();
    }
  });
});

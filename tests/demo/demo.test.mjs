// The demo page in headless Chromium (playwright-core): the package's browser entry and its
// wasm running in the page, on the built-in mock and on a proxied "sandbox" that is a second
// local mock (the real Ankorstore is never contacted). Screenshots go to tests/artifacts/.
import { after, afterEach, before, beforeEach, describe, test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";

import { createOrders } from "../../mock/data.mjs";
import { startMock } from "../../mock/server.mjs";
import { startDemoServer } from "../../server/demo-server.mjs";
import { artifacts, openRecordedTab, pkgDir, startDemoAndBrowser } from "./support.mjs";

const REFERENCES = createOrders().map((o) => String(o.attributes.reference));
const WAIT = { timeout: 15_000 };

describe("demo page", { timeout: 120_000 }, () => {
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

  // The built-in mock runs in-process and its controls are JS only (/mock/__mock/* is not served).
  const stats = async () => demo.mock.stats();
  const tableReferences = () => page.locator("#list tbody td.ref").allTextContents();

  async function connectWithEnter() {
    // Keyboard: Enter in a field submits the form.
    await page.locator("#client-secret").press("Enter");
    await page.locator("#status").filter({ hasText: /^Connected to/ }).waitFor(WAIT);
  }

  test("connects on the built-in mock: token, user card, then the cached token on a second connect", async () => {
    await openPage(`${demo.url}/`);
    assert.equal(await page.locator("input[name=env]:checked").getAttribute("value"), "mock");
    assert.equal(await page.locator("#client-id").inputValue(), "demo-client-id");
    assert.equal(await page.locator("#client-secret").inputValue(), "demo-client-secret");
    assert.equal(await page.locator("#client-secret").getAttribute("type"), "password");
    // Every field has a label.
    const unlabelled = await page.$$eval("input", (inputs) => inputs.filter((i) => i.labels.length === 0).map((i) => i.name));
    assert.deepEqual(unlabelled, []);
    assert.match(await page.locator(".note").textContent(), /client secret belongs on a server/i);
    assert.equal(await page.locator("#status").getAttribute("aria-live"), "polite");

    await connectWithEnter();
    assert.equal(await page.locator("#token-state").getAttribute("data-state"), "fresh");
    assert.equal(await page.locator("#user-name").textContent(), "Test Account");
    assert.equal(await page.locator("#user-email").textContent(), "api@ankorstore.com");
    assert.equal(await page.locator("#user-id").textContent(), "1234");
    assert.equal(await page.locator("#user-since").textContent(), "January 28, 2020");
    assert.equal(await page.locator("#user-since time").getAttribute("datetime"), "2020-01-28T11:26:35+00:00");
    assert.equal((await stats()).tokenRequests, 1);

    // The countdown runs: about an hour left, and it changes every second.
    const left = await page.locator("#token-left").textContent();
    assert.match(left, /^(59 min \d\d s|1 h 00 min 00 s)$/);
    await page.waitForFunction((before) => document.getElementById("token-left").textContent !== before, left, WAIT);

    const expiresBefore = await page.locator("#token-expires").textContent();
    await page.locator("#connect").click();
    await page.locator("#token-state[data-state=reused]").waitFor(WAIT);
    await page.locator("#status").filter({ hasText: "with the cached token" }).waitFor(WAIT);
    assert.equal(await page.locator("#token-expires").textContent(), expiresBefore);
    const after = await stats();
    assert.equal(after.tokenRequests, 1, "the second connect must not request a token");
    assert.equal(after.apiRequests, 4, "me + orders, twice");

    // Forget token → the next connect requests a fresh one.
    await page.locator("#forget").click();
    assert.equal(await page.locator("#token-state").getAttribute("data-state"), "forgotten");
    await page.locator("#connect").click();
    await page.locator("#token-state[data-state=fresh]").waitFor(WAIT);
    await page.locator("#status").filter({ hasText: "with a fresh token" }).waitFor(WAIT);
    assert.equal((await stats()).tokenRequests, 2);
    assert.deepEqual(problems, []);
  });

  test("shows the first orders as a table after connecting", async () => {
    // The paged view (More, Stop, the end, products) has its own suite: pages.test.mjs.
    await openPage(`${demo.url}/`);
    await connectWithEnter();
    assert.deepEqual(await tableReferences(), REFERENCES.slice(0, 10));
    const firstRow = page.locator("#list tbody tr").first();
    assert.equal(await firstRow.locator("td").nth(1).textContent(), "ankor confirmed");
    assert.equal(await firstRow.locator("td").nth(2).textContent(), createOrders()[0].attributes.billingOrganisationName);
    assert.match(await firstRow.locator("td.num").textContent(), /^€\d{1,3}(,\d{3})*\.\d\d$/);
    assert.equal(await page.locator("#list-summary").textContent(), "10 orders shown · More reads the next 10");
    assert.equal((await stats()).tokenRequests, 1);
    assert.deepEqual(problems, []);
  });

  test("a wrong secret shows a readable invalid_client error, and the secret appears nowhere", async () => {
    await openPage(`${demo.url}/`);
    const wrong = "definitely-wrong-secret";
    await page.locator("#client-secret").fill(wrong);
    await page.locator("#connect").click();
    const error = page.locator("#error");
    await error.waitFor({ state: "visible", ...WAIT });
    assert.equal(await error.getAttribute("role"), "alert");
    assert.equal(await error.locator(".error-code").textContent(), "invalid_client");
    assert.match(await error.textContent(), /HTTP 401/);
    assert.match(await error.locator(".error-text").textContent(), /Check the client id and the client secret, and that they belong to the selected environment/);
    assert.match(await page.locator("#status").textContent(), /Failed: invalid_client/);
    assert.equal(await page.locator("#user-card").isVisible(), false);
    assert.equal(await page.locator("#connect").isDisabled(), false);
    const text = await page.evaluate(() => document.body.innerText + document.documentElement.outerHTML);
    assert.ok(!text.includes(wrong), "the secret must not be written into the document");
    const storage = await page.evaluate(() => JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage }) + document.cookie + location.href);
    assert.ok(!storage.includes(wrong));
    // Chromium logs the 401 of the token request as a failed resource load: that one is expected.
    assert.deepEqual(problems.filter((p) => !/401 \(Unauthorized\)/.test(p)), []);

    // An empty secret is caught by the form, without a request.
    const before = (await stats()).tokenRequests;
    await page.locator("#client-secret").fill("");
    await page.locator("#client-secret").press("Enter");
    assert.equal(await page.locator("#client-secret-error").isVisible(), true);
    assert.equal(await page.locator("#client-secret").getAttribute("aria-invalid"), "true");
    assert.equal(await page.evaluate(() => document.activeElement.id), "client-secret");
    assert.equal((await stats()).tokenRequests, before);
  });

  test("rate_limited tells how long to wait; buttons are disabled while a call runs", async () => {
    await openPage(`${demo.url}/`);
    demo.mock.script("token", [{ delayMs: 700, retryAfter: 120 }]);
    await page.locator("#connect").click();
    // Loading state while the (delayed) token request runs.
    assert.equal(await page.locator("#connect").isDisabled(), true);
    assert.equal(await page.locator("#main").getAttribute("aria-busy"), "true");
    assert.match(await page.locator("#status").textContent(), /requesting an access token/);
    await page.locator("#error").waitFor({ state: "visible", ...WAIT });
    assert.equal(await page.locator("#error .error-code").textContent(), "rate_limited");
    assert.match(await page.locator("#error .error-text").textContent(), /wait 120 s before trying again/);
    assert.equal(await page.locator("#connect").isDisabled(), false);
    assert.equal(await page.locator("#main").getAttribute("aria-busy"), "false");
    assert.deepEqual(problems.filter((p) => !/429 \(Too Many Requests\)/.test(p)), []);
  });

  test("network and upstream failures say what to do", async () => {
    // The local server going away mid-session: the browser's fetch fails → network.
    await openPage(`${demo.url}/`);
    await page.route("**/mock/oauth/token", (route) => route.abort("connectionrefused"));
    await page.locator("#connect").click();
    await page.locator("#error").waitFor({ state: "visible", ...WAIT });
    assert.equal(await page.locator("#error .error-code").textContent(), "network");
    assert.match(await page.locator("#error .error-text").textContent(), /local demo server could not be reached: check that it is still running/);
    assert.deepEqual(problems.filter((p) => !/ERR_CONNECTION_REFUSED/.test(p)), []);
    await context.close();

    // Sandbox unreachable from the demo server (offline): 502 from the proxy, retried, then server_error.
    const dead = await startMock({ port: 0 });
    await dead.close(); // its port now refuses connections
    const offline = await startDemoServer({
      port: 0, quiet: true, pkgDir, env: "sandbox", clientId: "someone",
      upstreams: { sandbox: dead.url, production: "https://www.ankorstore.com" },
    });
    try {
      await openPage(`${offline.url}/`);
      await page.locator("#env-hint[data-env=sandbox]").waitFor(WAIT);
      await page.locator("#client-secret").fill("typed-secret");
      await page.locator("#client-secret").press("Enter");
      await page.locator("#error").waitFor({ state: "visible", ...WAIT });
      assert.equal(await page.locator("#error .error-code").textContent(), "server_error");
      assert.match(await page.locator("#error .error-text").textContent(),
        /^The Ankorstore sandbox could not be reached or failed, even after retries\. The demo server needs internet access/);
      assert.match(await page.locator("#error").textContent(), /HTTP 502/);
      await page.screenshot({ path: join(artifacts, "demo-error.png"), fullPage: true });
      assert.deepEqual(problems.filter((p) => !/502 \(Bad Gateway\)/.test(p)), []);
    } finally {
      await context?.close();
      context = null;
      await offline.close();
    }
  });

  test("the CSP is enforced (an inline script is blocked and reported)", async () => {
    await openPage(`${demo.url}/`);
    const ran = await page.evaluate(async () => {
      const script = document.createElement("script");
      script.textContent = "window.__inlineRan = true";
      document.body.append(script);
      await new Promise((resolve) => setTimeout(resolve, 100));
      return window.__inlineRan === true;
    });
    assert.equal(ran, false);
    assert.ok(problems.some((p) => p.includes("CSP violation: script-src")), problems.join("\n"));
  });

  test("ANKORSTORE_ENV=sandbox: opens on Sandbox with the client id, runs through the proxy", async () => {
    // The "sandbox" upstream is a second local mock with its own credentials.
    const sandboxSecret = `sandbox-${Math.random().toString(36).slice(2)}`;
    const upstream = await startMock({ port: 0, clients: { "my-sandbox-id": sandboxSecret } });
    const sandboxDemo = await startDemoServer({
      port: 0, quiet: true, pkgDir, env: "sandbox", clientId: "my-sandbox-id",
      upstreams: { sandbox: upstream.url, production: "https://www.ankorstore.com" },
    });
    try {
      await openPage(`${sandboxDemo.url}/`);
      await page.locator("#env-hint[data-env=sandbox]").waitFor(WAIT);
      assert.equal(await page.locator("input[name=env]:checked").getAttribute("value"), "sandbox");
      assert.equal(await page.locator("#client-id").inputValue(), "my-sandbox-id");
      assert.equal(await page.locator("#client-secret").inputValue(), "");
      assert.equal(await page.evaluate(() => document.activeElement.id), "client-secret");
      await page.locator("#client-secret").fill(sandboxSecret);
      await connectWithEnter();
      assert.equal(await page.locator("#user-name").textContent(), "Test Account");
      await page.locator("#list-more").click();
      await page.locator("#list-summary").filter({ hasText: /^20 orders shown/ }).waitFor(WAIT);
      assert.deepEqual(await tableReferences(), REFERENCES.slice(0, 20));
      const seen = upstream.stats();
      assert.equal(seen.tokenRequests, 1);
      assert.equal(seen.apiRequests, 3);
      assert.ok(seen.requests.every((r) => r.headers.cookie === undefined && r.headers.origin === undefined));
      // Switching to the mock brings the demo credentials back; back to Sandbox keeps what was typed.
      await page.locator("label.env", { hasText: "Built-in mock" }).click();
      assert.equal(await page.locator("#client-secret").inputValue(), "demo-client-secret");
      await page.locator("label.env", { hasText: "Sandbox" }).click();
      assert.equal(await page.locator("#client-id").inputValue(), "my-sandbox-id");
      assert.deepEqual(problems, []);
    } finally {
      await context?.close();
      context = null;
      await sandboxDemo.close();
      await upstream.close();
    }
  });

  test("screenshots at laptop and phone widths, without horizontal overflow", async () => {
    for (const [name, viewport] of [["demo.png", { width: 1280, height: 900 }], ["demo-phone.png", { width: 390, height: 844 }]]) {
      await openPage(`${demo.url}/`, viewport);
      await connectWithEnter();
      // Tab reaches the form controls in order and shows a focus ring.
      await page.locator("#client-id").focus();
      await page.keyboard.press("Tab");
      assert.equal(await page.evaluate(() => document.activeElement.id), "client-secret");
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.ok(overflow <= 0, `${name}: the page is ${overflow}px wider than the viewport`);
      await page.locator("#connect").focus();
      const outline = await page.locator("#connect").evaluate((el) => getComputedStyle(el).outlineStyle);
      assert.notEqual(outline, "none", "focused buttons show an outline");
      await page.screenshot({ path: join(artifacts, name), fullPage: true });
      assert.deepEqual(problems, []);
      await context.close();
      context = null;
    }
  });
});

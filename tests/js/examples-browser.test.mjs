// examples/browser, as its README says, from a clone: `npm install` takes ankorstore-client
// from ../../pkg, the mock runs with `npm run mock`, `npx vite` serves the page, and the
// form, submitted in headless Chromium, shows the user; a wrong secret shows a clean error.
// Then `npx vite build` + `npx vite preview`, the same way. Free ports instead of 8787/5173.
// Run: node --test tests/js/examples-browser.test.mjs (after npm run build)
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, readdirSync, realpathSync } from "node:fs";
import { join } from "node:path";

import { chromium } from "playwright-core";

import { DEMO_CLIENT_ID, DEMO_CLIENT_SECRET } from "../../mock/server.mjs";
import { USER } from "../../mock/data.mjs";
import {
  assertBuilt, copyExample, freePort, npmInstall, readmeCommands, root, runToEnd, startMockCommand, startProcess,
} from "./support/examples.mjs";

const README = join(root, "examples", "browser", "README.md");
const CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"];
const WRONG_SECRET = "wrong-Secret_5d1f+/=";

let dir;
let mock;
let browser;

test("the READMEs show the commands this suite runs", () => {
  assert.deepEqual(readmeCommands(README, "## Run it from this repository"), [
    "npm run build", "npm run mock", "cd examples/browser", "npm install", "npx vite",
  ]);
  assert.deepEqual(readmeCommands(join(root, "README.md"), "## In the browser"), [
    "npm run build", "npm run mock", "cd examples/browser", "npm install", "npx vite",
  ]);
  const { dependencies } = JSON.parse(readFileSync(join(root, "examples", "browser", "package.json"), "utf8"));
  assert.deepEqual(dependencies, { "ankorstore-client": "file:../../pkg" });
  // The page's default base URL is where `npm run mock` listens.
  assert.match(readFileSync(join(root, "examples", "browser", "index.html"), "utf8"), /name="baseUrl" value="http:\/\/127\.0\.0\.1:8787"/);
});

before(async () => {
  assertBuilt(); // npm run build
  mock = await startMockCommand(await freePort()); // npm run mock
  dir = copyExample("browser"); // cd examples/browser
  await npmInstall(dir); // npm install
  assert.equal(realpathSync(join(dir, "node_modules", "ankorstore-client")), realpathSync(join(root, "pkg")));
  browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: CHROMIUM_ARGS, timeout: 30_000 });
});

after(async () => {
  await browser?.close();
  await mock?.stop();
});

/** Opens the page, submits the form with `secret`; what the page showed and loaded. */
async function submit(url, secret) {
  const context = await browser.newContext();
  const page = await context.newPage();
  const problems = [];
  const requests = [];
  page.on("pageerror", (e) => problems.push(String(e)));
  page.on("console", (m) => {
    // Chromium itself logs the refused token request of a wrong secret.
    if ((m.type() === "error" || m.type() === "warning") && !(m.location().url === `${mock.url}/oauth/token` && /status of 401/.test(m.text()))) {
      problems.push(`${m.type()}: ${m.text()}`);
    }
  });
  page.on("request", (r) => requests.push(r.url()));
  try {
    await page.goto(url);
    await page.fill("input[name=baseUrl]", mock.url);
    await page.fill("input[name=clientId]", DEMO_CLIENT_ID);
    await page.fill("input[name=clientSecret]", secret);
    await page.click("button[type=submit]");
    await page.locator("#status").filter({ hasText: /^(Signed in|Ankorstore error)/ }).waitFor({ timeout: 20_000 }).catch(async (error) => {
      // Say what the page showed instead, so that a timeout in CI can be read.
      const shown = await page.locator("#status").textContent().catch(() => "?");
      throw new Error(`${error.message}\nstatus: ${JSON.stringify(shown)}; url: ${page.url()}; problems: ${JSON.stringify(problems)}`);
    });
    return {
      status: await page.locator("#status").textContent(),
      result: await page.locator("#result").textContent(),
      pageUrl: page.url(),
      problems,
      requests,
    };
  } finally {
    await context.close();
  }
}

async function checkPage(url) {
  await fetch(`${mock.url}/__mock/reset`, { method: "POST" }).then((r) => r.body?.cancel());
  const ok = await submit(url, DEMO_CLIENT_SECRET);
  assert.deepEqual(ok.problems, []);
  assert.equal(ok.status, `Signed in as ${USER.first_name} ${USER.last_name} <${USER.email}>`);
  assert.deepEqual(JSON.parse(ok.result), USER);
  assert.ok(ok.requests.some((r) => r.endsWith(".wasm")), "the page loaded the package's .wasm");
  assert.ok(!ok.pageUrl.includes(DEMO_CLIENT_SECRET), "the secret went into the URL");

  const refused = await submit(url, WRONG_SECRET);
  assert.deepEqual(refused.problems, []);
  assert.match(refused.status, /^Ankorstore error invalid_client \(HTTP 401\): /);
  assert.ok(!refused.status.includes(WRONG_SECRET));
  assert.equal((await (await fetch(`${mock.url}/__mock/stats`)).json()).tokenRequests, 2);
}

describe("npx vite (dev server)", () => {
  let vite;
  before(async () => {
    vite = await startProcess("npx", ["vite", "--host", "127.0.0.1", "--port", String(await freePort()), "--strictPort"], {
      cwd: dir, env: { ...process.env, NO_COLOR: "1" }, ready: /Local:\s+http:\/\/127\.0\.0\.1:\d+/,
    });
  });
  after(() => vite?.stop());

  test("the form shows the user, and a wrong secret as a clean AnkorstoreError", async () => {
    await checkPage(vite.output.match(/Local:\s+(http:\/\/127\.0\.0\.1:\d+\/)/)[1]);
  });

  // On a slow machine the .wasm arrives after the form is usable: a submit before main.js has
  // its handler used to send the form to the page's own URL, secret in the query string.
  test("until the package has loaded, the form cannot be submitted and the secret stays out of the URL", async () => {
    const url = vite.output.match(/Local:\s+(http:\/\/127\.0\.0\.1:\d+\/)/)[1];
    const context = await browser.newContext();
    const page = await context.newPage();
    let releaseWasm;
    const wasmHeld = new Promise((resolve) => { releaseWasm = resolve; });
    await page.route(/\.wasm(\?|$)/, async (route) => { await wasmHeld; await route.continue(); });
    try {
      await page.goto(url, { waitUntil: "domcontentloaded" });
      await page.fill("input[name=baseUrl]", mock.url);
      await page.fill("input[name=clientId]", DEMO_CLIENT_ID);
      await page.fill("input[name=clientSecret]", DEMO_CLIENT_SECRET);
      const button = page.locator("button[type=submit]");
      assert.equal(await button.isDisabled(), true);
      assert.equal(await page.locator("#status").textContent(), "Loading…");
      await page.press("input[name=clientSecret]", "Enter");
      await button.click({ force: true });
      await page.waitForTimeout(200);
      assert.equal(page.url(), url);
      releaseWasm();
      await page.locator("#status").filter({ hasText: /^Ready\.$/ }).waitFor({ timeout: 20_000 });
      assert.equal(await button.isDisabled(), false);
      assert.equal(page.url(), url, "the form was submitted before the package loaded");
      await button.click();
      await page.locator("#status").filter({ hasText: /^Signed in as / }).waitFor({ timeout: 20_000 });
      assert.equal(page.url(), url);
    } finally {
      releaseWasm();
      await context.close();
    }
  });
});

describe("npx vite build, then npx vite preview", () => {
  let preview;
  before(async () => {
    await runToEnd("npx", ["vite", "build"], { cwd: dir, env: { ...process.env, NO_COLOR: "1" } });
    preview = await startProcess("npx", ["vite", "preview", "--host", "127.0.0.1", "--port", String(await freePort()), "--strictPort"], {
      cwd: dir, env: { ...process.env, NO_COLOR: "1" }, ready: /Local:\s+http:\/\/127\.0\.0\.1:\d+/,
    });
  });
  after(() => preview?.stop());

  test("dist/ has the .wasm as an asset, and the built page works the same", async () => {
    const assets = readdirSync(join(dir, "dist", "assets"));
    assert.equal(assets.filter((f) => f.endsWith(".wasm")).length, 1, assets.join(", "));
    await checkPage(preview.output.match(/Local:\s+(http:\/\/127\.0\.0\.1:\d+\/)/)[1]);
  });
});

// The packed package in headless Chromium, three ways a web app loads it: no bundler (an
// import map onto the installed browser.mjs), esbuild, and Vite. Each page calls the mock
// (another origin: CORS) and shows the user's email. Run: node --test tests/runtimes/browser.test.mjs
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { copyFileSync, createReadStream, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { extname, join, normalize, sep } from "node:path";

import * as esbuild from "esbuild";
import { chromium } from "playwright-core";
import { build as viteBuild } from "vite";

import { startMock } from "../../mock/server.mjs";
import { USER } from "../../mock/data.mjs";
import { WRONG_SECRET, freshProject, root } from "./fixtures/scratch.mjs";

const fixtures = join(root, "tests", "runtimes", "fixtures", "browser");
const artifacts = join(root, "tests", "artifacts");
const CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"];
const TYPES = { ".html": "text/html; charset=utf-8", ".js": "text/javascript", ".mjs": "text/javascript", ".wasm": "application/wasm", ".json": "application/json" };

let mock;
let site; // { server, url }
let browser;
let appSource;

/** page.html with its placeholders filled. */
function page(variant, { head = "", script }) {
  return readFileSync(join(fixtures, "page.html"), "utf8")
    .replace("<!--VARIANT-->", variant)
    .replace("<!--HEAD-->", head)
    .replace("<!--SCRIPT-->", script);
}

/** A static file server on 127.0.0.1 for `dir` (GET only, no directory listing). */
async function serve(dir) {
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url, "http://x").pathname);
    let file = normalize(join(dir, path));
    if (!file.startsWith(dir + sep)) return res.writeHead(403).end();
    try {
      if (statSync(file).isDirectory()) file = join(file, "index.html");
      const size = statSync(file).size;
      res.writeHead(200, { "content-type": TYPES[extname(file)] ?? "application/octet-stream", "content-length": size, "cache-control": "no-store" });
      createReadStream(file).pipe(res);
    } catch {
      res.writeHead(404, { "content-type": "text/plain" }).end("not found");
    }
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { server, url: `http://127.0.0.1:${server.address().port}` };
}

before(async () => {
  mock = await startMock({ port: 0 });
  const { dir, pkgDir } = await freshProject("browser");
  appSource = readFileSync(join(fixtures, "app.js"), "utf8");
  assert.ok(appSource.includes(WRONG_SECRET), "app.js uses the suite's wrong secret");

  // (a) No bundler: the browser resolves the bare specifier through an import map.
  mkdirSync(join(dir, "nobundle"));
  copyFileSync(join(fixtures, "app.js"), join(dir, "nobundle", "app.js"));
  const importMap = { imports: { "ankorstore-client": "/node_modules/ankorstore-client/browser.mjs" } };
  writeFileSync(join(dir, "nobundle", "index.html"), page("no bundler (import map)", {
    head: `<script type="importmap">${JSON.stringify(importMap)}</script>`,
    script: '<script type="module" src="./app.js"></script>',
  }));

  // (b) esbuild: it leaves `new URL("./ankorstore_client_bg.wasm", import.meta.url)` as is
  // and does not emit the .wasm, so the app copies it next to the bundle.
  const esb = join(dir, "esbuild");
  mkdirSync(join(dir, "esbuild-src"));
  copyFileSync(join(fixtures, "app.js"), join(dir, "esbuild-src", "app.js"));
  await esbuild.build({
    entryPoints: [join(dir, "esbuild-src", "app.js")],
    absWorkingDir: dir,
    bundle: true,
    platform: "browser",
    format: "esm",
    outfile: join(esb, "app.js"),
    logLevel: "silent",
  });
  copyFileSync(join(pkgDir, "ankorstore_client_bg.wasm"), join(esb, "ankorstore_client_bg.wasm"));
  writeFileSync(join(esb, "index.html"), page("esbuild", { script: '<script type="module" src="./app.js"></script>' }));

  // (c) Vite (production build): it follows new URL(…, import.meta.url) and emits the .wasm.
  const viteSrc = join(dir, "vite-src");
  mkdirSync(viteSrc);
  copyFileSync(join(fixtures, "app.js"), join(viteSrc, "app.js"));
  writeFileSync(join(viteSrc, "index.html"), page("Vite", { script: '<script type="module" src="./app.js"></script>' }));
  await viteBuild({
    root: viteSrc,
    configFile: false,
    logLevel: "silent",
    base: "./",
    build: { outDir: join(dir, "vite"), emptyOutDir: true },
  });

  site = await serve(dir);
  browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: CHROMIUM_ARGS, timeout: 30_000 });
});

after(async () => {
  await browser?.close();
  if (site) await new Promise((resolve) => site.server.close(resolve));
  await mock?.close();
});

/** Opens a variant's page, waits for it to finish; returns what it showed and logged. */
async function visit(variant, { screenshot } = {}) {
  const context = await browser.newContext();
  const tab = await context.newPage();
  const pageErrors = [];
  const consoleErrors = [];
  const requests = [];
  tab.on("pageerror", (e) => pageErrors.push(String(e)));
  tab.on("console", (m) => {
    if (m.type() === "error" || m.type() === "warning") consoleErrors.push({ text: m.text(), url: m.location().url });
  });
  tab.on("request", (r) => requests.push(r.url()));
  try {
    await tab.goto(`${site.url}/${variant}/?mock=${encodeURIComponent(mock.url)}`);
    await tab.locator("#status").filter({ hasText: "done" }).waitFor({ timeout: 20_000 });
    const email = await tab.locator("#email").textContent();
    const error = await tab.locator("#error").getAttribute("data-details");
    assert.ok(error, `${variant}: no error details; the page shows "${await tab.locator("#error").textContent()}"`);
    if (screenshot) {
      mkdirSync(artifacts, { recursive: true });
      await tab.screenshot({ path: join(artifacts, "browser.png") });
    }
    return { email, error, pageErrors, consoleErrors, requests };
  } finally {
    await context.close();
  }
}

function check(variant, seen) {
  assert.deepEqual(seen.pageErrors, [], `${variant}: page errors`);
  // The refused token request of the wrong-secret call is logged by Chromium itself as a
  // failed resource load; anything else is a defect.
  const unexpected = seen.consoleErrors.filter(
    (e) => !(e.url === `${mock.url}/oauth/token` && /status of 401/.test(e.text)),
  );
  assert.deepEqual(unexpected, [], `${variant}: console errors or warnings`);
  assert.equal(seen.email, USER.email, `${variant}: the page shows the user's email`);

  const err = JSON.parse(seen.error);
  assert.equal(err.isAnkorstoreError, true, `${variant}: instanceof AnkorstoreError`);
  assert.equal(err.isError, true, `${variant}: instanceof Error`);
  assert.equal(err.name, "AnkorstoreError");
  assert.equal(err.code, "invalid_client");
  assert.equal(err.oauthError, "invalid_client");
  assert.equal(err.status, 401);
  assert.ok(!seen.error.includes(WRONG_SECRET) && !seen.error.includes(encodeURIComponent(WRONG_SECRET)), "the secret leaked into the error");

  // The .wasm came from the page's own origin, once; nothing else left for the internet.
  const wasm = seen.requests.filter((u) => u.endsWith(".wasm"));
  assert.equal(wasm.length, 1, `${variant}: wasm requests ${wasm}`);
  assert.ok(wasm[0].startsWith(site.url), wasm[0]);
  const foreign = seen.requests.filter((u) => !u.startsWith(site.url) && !u.startsWith(mock.url));
  assert.deepEqual(foreign, [], `${variant}: requests to other hosts`);
}

test("no bundler: an import map onto the installed browser.mjs", async () => {
  mock.reset();
  const seen = await visit("nobundle", { screenshot: true });
  check("nobundle", seen);
  assert.ok(seen.requests.includes(`${site.url}/node_modules/ankorstore-client/browser.mjs`));
  assert.equal(mock.stats().tokenRequests, 2); // the good client and the wrong secret
});

test("esbuild bundle (platform browser), the .wasm copied next to it", async () => {
  mock.reset();
  check("esbuild", await visit("esbuild"));
});

test("Vite build: the .wasm emitted as an asset", async () => {
  mock.reset();
  const seen = await visit("vite");
  check("vite", seen);
  assert.match(seen.requests.find((u) => u.endsWith(".wasm")), /\/vite\/assets\/ankorstore_client_bg-[\w-]+\.wasm$/);
});

// A caller may abort its AbortSignal with any reason: a string, a number, undefined, null, an
// object, an Event (what `controller.abort.bind(controller)` registered as an event listener
// passes), an Error. Whatever it is, the call rejects with `aborted`, and the wasm instance
// lives on (gloo-net's error conversion traps on a rejection that is not an Error: the
// client never lets the caller's reason reach fetch). Checked in Node (both entries), workerd
// and Chromium, on the packed package. Run: node --test tests/runtimes/abort-reasons.test.mjs
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { createReadStream, readFileSync, statSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { extname, join, normalize, sep } from "node:path";

import * as esbuild from "esbuild";
import { Miniflare } from "miniflare";
import { chromium } from "playwright-core";

import { DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, startMock } from "../../mock/server.mjs";
import { bothEntries } from "../js/support/package.mjs";
import { freshProject } from "./fixtures/scratch.mjs";

/** The reasons, by name; each runtime builds them itself (an Event is not cloneable). */
const REASONS = ["string", "number", "undefined", "null", "object", "event", "error"];
const MAKE_REASON = `(kind) => ({ string: () => "stop", number: () => 42, undefined: () => undefined, null: () => null,
  object: () => ({ why: "stop" }), event: () => new Event("abort"), error: () => new Error("stop") })[kind]()`;

let mock;
before(async () => {
  mock = await startMock({ port: 0 });
});
after(() => mock?.close());

/** Scripts the mock so that the next `n` API calls hang until the client leaves. */
const hangNext = (n) => mock.script("api", { hang: true, count: n });

for (const [entry, pkg] of await bothEntries()) {
  describe(`Node (${entry})`, () => {
    const makeReason = eval(MAKE_REASON); // eslint-disable-line no-eval
    test("every reason, during a call and before it, rejects with aborted; the instance lives on", async () => {
      mock.reset();
      const client = new pkg.AnkorstoreClient({ clientId: DEMO_CLIENT_ID, clientSecret: DEMO_CLIENT_SECRET, baseUrl: mock.url });
      await client.token();
      for (const kind of REASONS) {
        hangNext(2);
        for (const call of [(signal) => client.me({ signal }), (signal) => client.request("GET", "/api/v1/orders", { signal })]) {
          const controller = new AbortController();
          setTimeout(() => controller.abort(makeReason(kind)), 30);
          const error = await call(controller.signal).then(() => assert.fail(`${kind}: resolved`), (e) => e);
          assert.ok(error instanceof pkg.AnkorstoreError, `${kind}: ${error?.stack ?? error}`);
          assert.equal(error.code, "aborted", `${kind}: ${error.message}`);
          const early = new AbortController();
          early.abort(makeReason(kind));
          assert.equal((await call(early.signal).catch((e) => e)).code, "aborted", `${kind} before the call`);
        }
      }
      assert.equal((await client.me()).type, "user", "the instance still works");
    });
  });
}

describe("workerd (Miniflare)", () => {
  let mf;
  before(async () => {
    const { dir } = await freshProject("abort-reasons-workerd");
    const worker = `import { AnkorstoreClient } from "ankorstore-client";
const makeReason = ${MAKE_REASON};
export default {
  async fetch(request, env) {
    const client = new AnkorstoreClient({ clientId: env.ID, clientSecret: env.SECRET, baseUrl: env.BASE });
    const kind = new URL(request.url).searchParams.get("reason");
    if (!kind) return Response.json(await client.me());
    const controller = new AbortController();
    setTimeout(() => controller.abort(makeReason(kind)), 30);
    try {
      await client.me({ signal: controller.signal });
      return Response.json({ resolved: true });
    } catch (e) {
      return Response.json({ code: e.code, name: e.name, isError: e instanceof Error });
    }
  },
};`;
    const result = await esbuild.build({
      stdin: { contents: worker, resolveDir: dir, loader: "js" },
      bundle: true, write: false, format: "esm", platform: "neutral", conditions: ["workerd", "worker", "browser"],
      mainFields: ["module", "main"], external: ["*.wasm"], logLevel: "silent",
    });
    const code = result.outputFiles[0].text;
    const wasm = code.match(/from\s+"([^"]+\.wasm)"/)[1];
    writeFileSync(join(dir, "worker.mjs"), code);
    mf = new Miniflare({
      modules: [
        { type: "ESModule", path: join(dir, "worker.mjs"), contents: code },
        { type: "CompiledWasm", path: join(dir, wasm), contents: readFileSync(join(dir, "node_modules", "ankorstore-client", wasm.replace(/^.*\//, ""))) },
      ],
      compatibilityDate: "2025-01-01",
      bindings: { ID: DEMO_CLIENT_ID, SECRET: DEMO_CLIENT_SECRET, BASE: mock.url },
    });
    await mf.ready;
  });
  after(() => mf?.dispose());

  test("every reason rejects with aborted; the isolate keeps answering", async () => {
    mock.reset();
    for (const kind of REASONS) {
      hangNext(1);
      const res = await mf.dispatchFetch(`http://worker.test/?reason=${kind}`);
      assert.deepEqual(await res.json(), { code: "aborted", name: "AnkorstoreError", isError: true }, kind);
    }
    const res = await mf.dispatchFetch("http://worker.test/");
    assert.equal((await res.json()).type, "user");
  });
});

describe("Chromium", () => {
  let browser;
  let site;
  before(async () => {
    const { dir } = await freshProject("abort-reasons-browser");
    const importMap = { imports: { "ankorstore-client": "/node_modules/ankorstore-client/browser.mjs" } };
    writeFileSync(join(dir, "index.html"), `<!doctype html><script type="importmap">${JSON.stringify(importMap)}</script><p>abort reasons</p>`);
    const types = { ".html": "text/html", ".mjs": "text/javascript", ".wasm": "application/wasm" };
    site = createServer((req, res) => {
      let file = normalize(join(dir, decodeURIComponent(new URL(req.url, "http://x").pathname)));
      if (!file.startsWith(dir + sep)) return res.writeHead(403).end();
      if (file.endsWith(sep)) file = join(file, "index.html");
      try {
        res.writeHead(200, { "content-type": types[extname(file)] ?? "application/octet-stream", "content-length": statSync(file).size });
        createReadStream(file).pipe(res);
      } catch {
        res.writeHead(404).end();
      }
    });
    await new Promise((resolve) => site.listen(0, "127.0.0.1", resolve));
    browser = await chromium.launch({
      executablePath: "/usr/bin/chromium",
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
    });
  });
  after(async () => {
    await browser?.close();
    await new Promise((resolve) => site?.close(resolve));
  });

  test("every reason rejects with aborted; the page's instance lives on", async () => {
    mock.reset();
    const tab = await browser.newPage();
    const pageErrors = [];
    tab.on("pageerror", (e) => pageErrors.push(String(e)));
    await tab.goto(`http://127.0.0.1:${site.address().port}/`);
    hangNext(REASONS.length);
    const seen = await tab.evaluate(async ({ base, id, secret, reasons, makeReasonSource }) => {
      const { AnkorstoreClient, AnkorstoreError } = await import("ankorstore-client");
      const makeReason = (0, eval)(makeReasonSource);
      const client = new AnkorstoreClient({ clientId: id, clientSecret: secret, baseUrl: base });
      await client.token();
      const out = {};
      for (const kind of reasons) {
        const controller = new AbortController();
        setTimeout(() => controller.abort(makeReason(kind)), 30);
        out[kind] = await client.me({ signal: controller.signal }).then(
          () => "resolved",
          (e) => (e instanceof AnkorstoreError ? e.code : `not an AnkorstoreError: ${e}`),
        );
      }
      out.after = (await client.me()).type;
      return out;
    }, { base: mock.url, id: DEMO_CLIENT_ID, secret: DEMO_CLIENT_SECRET, reasons: REASONS, makeReasonSource: MAKE_REASON });
    await tab.close();
    assert.deepEqual(pageErrors, []);
    assert.deepEqual(seen, { ...Object.fromEntries(REASONS.map((k) => [k, "aborted"])), after: "user" });
  });
});

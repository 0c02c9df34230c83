// The Cloudflare Workers example (examples/cloudflare-worker) with the packed package:
// bundled by `wrangler deploy --dry-run` offline, then run in workerd (Miniflare) against the
// mock on 127.0.0.1. Run: node --test tests/runtimes/workers.test.mjs
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { cpSync, mkdirSync, readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";

import { Miniflare } from "miniflare";

import { DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, startMock } from "../../mock/server.mjs";
import { USER } from "../../mock/data.mjs";
import { WRONG_SECRET, bin, freshProject, root, run } from "./fixtures/scratch.mjs";
import { freePort } from "../js/support/ports.mjs";

const example = join(root, "examples", "cloudflare-worker");
const COMPATIBILITY_DATE = readFileSync(join(example, "wrangler.toml"), "utf8").match(/^compatibility_date\s*=\s*"([^"]+)"/m)[1];

let mock;
let mf;
let bundle; // { dir, code, wasmImports: [{ specifier, file }] }
let pkgDir;
let closedPort; // a loopback port nobody listens on


/** `wrangler deploy --dry-run` with no network at all when the kernel lets us say so. */
async function wranglerBundle(dir, outdir) {
  const env = {
    ...process.env,
    CI: "true",
    WRANGLER_SEND_METRICS: "false",
    WRANGLER_SEND_ERROR_REPORTS: "false",
    WRANGLER_HIDE_BANNER: "true", // the banner is what triggers wrangler's npm update check
    XDG_CONFIG_HOME: join(dir, ".config"), // wrangler's logs and metrics settings stay in scratch
    NO_COLOR: "1",
  };
  const args = ["deploy", "--dry-run", "--outdir", outdir];
  // A fresh network namespace (only a down loopback) proves the bundling needs no network.
  const isolated = spawnSync("unshare", ["-rn", "true"]).status === 0;
  const [cmd, argv] = isolated ? ["unshare", ["-rn", bin("wrangler"), ...args]] : [bin("wrangler"), args];
  const { stdout } = await run(cmd, argv, { cwd: dir, env, timeout: 60_000 });
  return { isolated, stdout };
}

before(async () => {
  mock = await startMock({ port: 0 });
  closedPort = await freePort();

  const project = await freshProject("workers");
  pkgDir = project.pkgDir;
  cpSync(join(example, "wrangler.toml"), join(project.dir, "wrangler.toml"));
  cpSync(join(example, "src"), join(project.dir, "src"), { recursive: true });
  const outdir = join(project.dir, "dist");
  mkdirSync(outdir);
  const { isolated, stdout } = await wranglerBundle(project.dir, outdir);
  assert.match(stdout, /--dry-run: exiting now/);
  if (!isolated) console.log("# unshare -rn unavailable: wrangler ran with the network reachable");

  const code = readFileSync(join(outdir, "index.js"), "utf8");
  // Follow what wrangler emitted: every module the bundle imports, by its specifier.
  const imports = [...code.matchAll(/^import\s+\w+\s+from\s+"([^"]+)";?$/gm)].map((m) => m[1]);
  bundle = {
    dir: outdir,
    code,
    imports,
    wasmImports: imports.filter((s) => s.endsWith(".wasm")).map((specifier) => ({ specifier, file: join(outdir, specifier) })),
  };

  const modules = [
    { type: "ESModule", path: join(outdir, "index.js") },
    ...bundle.wasmImports.map(({ file }) => ({ type: "CompiledWasm", path: file })),
  ];
  const worker = (name, bindings) => ({
    name,
    modulesRoot: outdir,
    modules,
    compatibilityDate: COMPATIBILITY_DATE,
    bindings: { ANKORSTORE_CLIENT_ID: DEMO_CLIENT_ID, ANKORSTORE_CLIENT_SECRET: DEMO_CLIENT_SECRET, ANKORSTORE_BASE_URL: mock.url, ...bindings },
  });
  // One workerd, one worker (hence one isolate and one module-level client) per scenario.
  mf = new Miniflare({
    cf: false, // else Miniflare downloads a Request.cf sample from workers.cloudflare.com
    workers: [
      worker("me"),
      worker("cold"),
      worker("wrong-secret", { ANKORSTORE_CLIENT_SECRET: WRONG_SECRET }),
      worker("rate-limited"),
      worker("unreachable", { ANKORSTORE_BASE_URL: `http://127.0.0.1:${closedPort}` }),
      worker("bad-config", { ANKORSTORE_ENV: "staging", ANKORSTORE_BASE_URL: "" }),
    ],
  });
  await mf.ready;
});

after(async () => {
  await mf?.dispose();
  await mock?.close();
});

async function get(workerName, path = "/me") {
  const worker = await mf.getWorker(workerName);
  const res = await worker.fetch(`http://worker.test${path}`);
  const text = await res.text();
  return { status: res.status, headers: res.headers, text, body: JSON.parse(text) };
}

function assertErrorBody(res, status, code) {
  assert.equal(res.status, status, res.text);
  assert.match(res.headers.get("content-type"), /^application\/json/);
  assert.deepEqual(Object.keys(res.body), ["error"]);
  assert.deepEqual(Object.keys(res.body.error).sort(), ["code", "message"]);
  assert.equal(res.body.error.code, code, res.text);
  assert.ok(res.body.error.message.length > 10, res.text);
}

test("wrangler bundles the workerd entry with the .wasm as a module: no eval, no wasm fetch", () => {
  assert.deepEqual(bundle.imports.filter((s) => !s.endsWith(".wasm")), [], "the bundle imports only its .wasm");
  assert.equal(bundle.wasmImports.length, 1, `wasm imports: ${bundle.imports}`);
  // The emitted module is the package's .wasm, byte for byte.
  assert.deepEqual(readFileSync(bundle.wasmImports[0].file), readFileSync(join(pkgDir, "ankorstore_client_bg.wasm")));
  assert.deepEqual(readdirSync(bundle.dir).filter((f) => f.endsWith(".wasm")), [bundle.wasmImports[0].specifier.replace(/^\.\//, "")]);
  // workerd forbids code generation from strings; the wasm must not be fetched at run time.
  assert.doesNotMatch(bundle.code, /\beval\s*\(|new\s+Function\s*\(|\bFunction\s*\(\s*["'`]/);
  assert.doesNotMatch(bundle.code, /import\.meta\.url|instantiateStreaming|compileStreaming/);
  const wasmMentions = bundle.code.split("\n").filter((line) => /\.wasm\b/.test(line) && !/^import\s/.test(line) && !line.startsWith("//#"));
  assert.deepEqual(wasmMentions, [], "the .wasm is referenced only by the import statement");
  // The entry is minified: initSync has another name, but it is called with the imported
  // module and instantiates it synchronously.
  assert.match(bundle.code, /\b[\w$]+\(\{\s*module:\s*[\w$]+\s*\}\)/, "initSync is called with the imported module");
  assert.match(bundle.code, /new WebAssembly\.Instance\(/, "the wasm is instantiated synchronously from the module");
});

test("GET /me answers the user as JSON; the isolate keeps its client and token", async () => {
  mock.reset();
  const res = await get("me");
  assert.equal(res.status, 200, res.text);
  assert.match(res.headers.get("content-type"), /^application\/json/);
  assert.deepEqual(res.body, USER);
  assert.equal(mock.stats().tokenRequests, 1);
  // A second request reuses the isolate's client and its cached token.
  assert.deepEqual((await get("me")).body, USER);
  assert.equal(mock.stats().tokenRequests, 1);
  assert.equal(mock.stats().apiRequests, 2);

  assertErrorBody(await get("me", "/nope"), 404, "not_found");
});

test("20 concurrent requests on a cold isolate: all answered, exactly one token request", async () => {
  mock.reset();
  const worker = await mf.getWorker("cold");
  // allSettled: every request is over before the next test resets the mock. Miniflare
  // rejects (rather than answers 500) a request whose Worker code hung.
  const responses = await Promise.all(
    Array.from({ length: 20 }, () =>
      worker.fetch("http://worker.test/me").then(
        async (res) => ({ status: res.status, text: await res.text() }),
        (error) => ({ status: "rejected", text: String(error?.message ?? error) }),
      ),
    ),
  );
  assert.equal(mock.stats().tokenRequests, 1);
  const failed = responses.filter((r) => r.status !== 200);
  const reasons = [...new Set(failed.map((r) => `${r.status}: ${r.text.slice(0, 140)}`))];
  assert.equal(failed.length, 0, `${failed.length} of 20 requests failed: ${reasons.join(" | ")}`);
  for (const r of responses) assert.deepEqual(JSON.parse(r.text), USER);
  assert.equal(mock.stats().apiRequests, 20);
});

test("a wrong secret gives a clean 502 invalid_client JSON error without the secret", async () => {
  mock.reset();
  // The mock reflects the submitted secret in its error body: it still must not come out.
  mock.script("token", { status: 401, echoSecret: true });
  const res = await get("wrong-secret");
  assertErrorBody(res, 502, "invalid_client");
  const everything = res.text + JSON.stringify([...res.headers]);
  for (const form of [WRONG_SECRET, encodeURIComponent(WRONG_SECRET), new URLSearchParams({ s: WRONG_SECRET }).toString().slice(2)]) {
    assert.ok(!everything.includes(form), "the secret leaked into the response");
  }
  assert.equal(mock.stats().tokenRequests, 1);
});

test("a rate-limited token endpoint gives 429 with Retry-After", async () => {
  mock.reset();
  mock.script("token", { retryAfter: 120 }); // above 60 s: not waited for, rejected at once
  const res = await get("rate-limited");
  assertErrorBody(res, 429, "rate_limited");
  assert.equal(res.headers.get("retry-after"), "120");
});

test("an unreachable API gives 502 network; bad configuration gives 500 invalid_config", async () => {
  assertErrorBody(await get("unreachable"), 502, "network");
  assertErrorBody(await get("bad-config"), 500, "invalid_config");
});

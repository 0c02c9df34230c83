// kvTokenStore and the Durable Object broker in workerd (Miniflare): several Workers, each its
// own isolate with its own wasm instance and clients, share one KV namespace and one
// AnkorstoreTokenBroker. 200 concurrent cold requests across them: exactly one token request
// with the broker; with KV (no lock) at most one per isolate, measured and reported.
// Run: node --test tests/stores/kv-do.test.mjs
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, readFileSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";

import { build } from "esbuild";
import { Miniflare } from "miniflare";

import { DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, startMock } from "../../mock/server.mjs";
import { consumer, loadStores, root, sourceStores } from "./support/stores.mjs";

const ISOLATES = 5;
const REQUESTS = 200;
const NAMES = Array.from({ length: ISOLATES }, (_, i) => `fleet-${i}`);
const COMPATIBILITY_DATE = readFileSync(join(root, "examples", "cloudflare-worker", "wrangler.toml"), "utf8").match(/^compatibility_date\s*=\s*"([^"]+)"/m)[1];

let mock;
let mf;
const workers = {};

/** Bundles the fixture Worker with the packed package (workerd entry, .wasm kept as a module). */
async function bundle(outdir) {
  const stores = await loadStores();
  // As a Worker project would import it once the package ships the sub-path.
  const specifier = stores.source === "package" ? "ankorstore-client/stores" : sourceStores;
  const source = readFileSync(join(root, "tests", "stores", "support", "fleet-worker.js"), "utf8").replace("__STORES__", specifier.replaceAll("\\", "/"));
  const result = await build({
    stdin: { contents: source, resolveDir: consumer, sourcefile: "fleet-worker.js", loader: "js" },
    bundle: true,
    format: "esm",
    platform: "neutral",
    conditions: ["workerd", "worker", "browser"],
    mainFields: ["module", "main"],
    loader: { ".wasm": "copy" },
    assetNames: "[name]",
    outfile: join(outdir, "worker.js"),
    metafile: true,
    logLevel: "silent",
  });
  const wasm = Object.keys(result.metafile.outputs).filter((f) => f.endsWith(".wasm"));
  assert.equal(wasm.length, 1, "the bundle imports the package's .wasm as a module");
  // Metafile paths are relative to the working directory.
  return { script: join(outdir, "worker.js"), wasm: resolve(wasm[0]) };
}

before(async () => {
  mock = await startMock({ port: 0 });
  const outdir = join(root, ".scratch", "stores-workers");
  rmSync(outdir, { recursive: true, force: true });
  mkdirSync(outdir, { recursive: true });
  const { script, wasm } = await bundle(outdir);
  mf = new Miniflare({
    cf: false, // else Miniflare downloads a Request.cf sample
    workers: NAMES.map((name, i) => ({
      name,
      modulesRoot: outdir,
      modules: [
        { type: "ESModule", path: script },
        { type: "CompiledWasm", path: wasm },
      ],
      compatibilityDate: COMPATIBILITY_DATE,
      bindings: { CLIENT_ID: DEMO_CLIENT_ID, CLIENT_SECRET: DEMO_CLIENT_SECRET, BASE_URL: mock.url },
      // Same namespace id in every Worker: one shared KV namespace.
      kvNamespaces: { TOKENS: "ankorstore-tokens" },
      durableObjects: { BROKER: i === 0 ? "AnkorstoreTokenBroker" : { className: "AnkorstoreTokenBroker", scriptName: NAMES[0] } },
    })),
  });
  await mf.ready;
  for (const name of NAMES) workers[name] = await mf.getWorker(name);
});

after(async () => {
  // dispose() rethrows a failed start: the mock must close anyway, or the process lingers.
  try {
    await mf?.dispose();
  } finally {
    await mock?.close();
  }
});

async function call(name, path, init) {
  const res = await workers[name].fetch(`http://worker.test${path}`, init);
  const text = await res.text();
  return { status: res.status, body: JSON.parse(text) };
}

/** `REQUESTS` concurrent GET /me spread round-robin over the isolates. */
async function burst(query) {
  const started = Date.now();
  const answers = await Promise.all(Array.from({ length: REQUESTS }, (_, i) => call(NAMES[i % ISOLATES], `/me?${new URLSearchParams(query)}`)));
  const failed = answers.filter((a) => a.status !== 200).map((a) => a.body.error);
  assert.deepEqual(failed, [], "every request answered");
  assert.ok(answers.every((a) => a.body.id === 1234));
  return { answers, ms: Date.now() - started, isolates: new Set(answers.map((a) => a.body.isolate)).size, tokens: new Set(answers.map((a) => a.body.tag)).size };
}

function op(name, body) {
  return call(name, "/store", { method: "POST", body: JSON.stringify(body) });
}

test("the Workers are separate isolates sharing nothing but their bindings", async () => {
  const { isolates } = await burst({ store: "do", scope: "probe", gen: "0" });
  assert.equal(isolates, ISOLATES, "each Worker has its own module globals (its own isolate)");
});

describe("durableObjectTokenStore + AnkorstoreTokenBroker", () => {
  test(`${REQUESTS} concurrent cold requests over ${ISOLATES} isolates → exactly 1 token request`, async () => {
    mock.reset();
    const cold = await burst({ store: "do", scope: "do-cold", gen: "1" });
    assert.equal(cold.isolates, ISOLATES);
    assert.equal(mock.stats().tokenRequests, 1, "one token for every isolate");
    assert.equal(cold.tokens, 1, "every isolate holds the same token");
    // New cold clients in every isolate find the token in the broker.
    const later = await burst({ store: "do", scope: "do-cold", gen: "2" });
    assert.equal(mock.stats().tokenRequests, 1);
    assert.equal(mock.stats().apiRequests, 2 * REQUESTS);
    console.log(`# durable object: ${REQUESTS} cold requests over ${ISOLATES} isolates in ${cold.ms} ms → ${mock.stats().tokenRequests} token request`);
    void later;
  });

  test("after the token expires, the fleet makes exactly 1 more token request", async () => {
    mock.reset();
    mock.configure({ tokenTtl: 3 });
    const query = { store: "do", scope: "do-expiry", gen: "1", margin: "0" };
    const first = await burst(query);
    assert.equal(mock.stats().tokenRequests, 1);
    const expiresAt = Number([...new Set(first.answers.map((a) => a.body.expiresAt))][0]);
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, expiresAt - Date.now()) + 50));
    const second = await burst(query);
    assert.equal(mock.stats().tokenRequests, 2);
    assert.equal(second.tokens, 1);
    assert.ok(second.answers.every((a) => a.body.expiresAt > expiresAt));
  });

  test("the broker: get/set with expiry, exclusive lock released only by its owner, names apart", async () => {
    const [a, b] = NAMES;
    const key = "ankorstore-client/token/v1/test";
    assert.deepEqual((await op(a, { handle: "h1", store: "do", op: "get", args: [key] })).body, { result: null });
    await op(a, { handle: "h1", store: "do", op: "set", args: [key, "value-1", 1] });
    // Another isolate, another handle: the same object.
    assert.deepEqual((await op(b, { handle: "h2", store: "do", op: "get", args: [key] })).body, { result: "value-1" });
    // Another object name: another broker.
    assert.deepEqual((await op(b, { handle: "h3", store: "do", name: "other", op: "get", args: [key] })).body, { result: null });

    assert.deepEqual((await op(a, { handle: "h1", store: "do", op: "lock", args: [`${key}/lock`, 300] })).body, { result: true });
    assert.deepEqual((await op(b, { handle: "h2", store: "do", op: "lock", args: [`${key}/lock`, 300] })).body, { result: false });
    await op(b, { handle: "h2", store: "do", op: "unlock", args: [`${key}/lock`] }); // not its lock
    assert.deepEqual((await op(b, { handle: "h2", store: "do", op: "lock", args: [`${key}/lock`, 300] })).body, { result: false });
    await op(a, { handle: "h1", store: "do", op: "unlock", args: [`${key}/lock`] });
    assert.deepEqual((await op(b, { handle: "h2", store: "do", op: "lock", args: [`${key}/lock`, 200] })).body, { result: true });
    // b's lock expires, a takes it over; b's late unlock leaves a's lock alone.
    await new Promise((resolve) => setTimeout(resolve, 1_050)); // also past the value's 1 s TTL
    assert.deepEqual((await op(a, { handle: "h1", store: "do", op: "lock", args: [`${key}/lock`, 5_000] })).body, { result: true });
    await op(b, { handle: "h2", store: "do", op: "unlock", args: [`${key}/lock`] });
    assert.deepEqual((await op(b, { handle: "h4", store: "do", op: "lock", args: [`${key}/lock`, 5_000] })).body, { result: false });
    await op(a, { handle: "h1", store: "do", op: "unlock", args: [`${key}/lock`] });
    assert.deepEqual((await op(b, { handle: "h2", store: "do", op: "get", args: [key] })).body, { result: null }, "expired value");

    // Malformed commands are refused, and the store surfaces that as an error.
    assert.equal((await call(a, "/broker-raw", { method: "GET" })).status, 400);
    assert.equal((await call(a, "/broker-raw", { method: "POST", body: "{not json" })).status, 400);
    assert.equal((await call(a, "/broker-raw", { method: "POST", body: JSON.stringify({ protocol: "ankorstore-token-broker/1", op: "drop", key }) })).status, 400);
    const bad = await op(a, { handle: "h1", store: "do", op: "set", args: [key, "v", -1] });
    assert.equal(bad.status, 500);
    assert.match(bad.body.error, /broker answered 400/);
  });
});

describe("kvTokenStore (Workers KV, no lock)", () => {
  test("set writes with KV's minimum TTL of 60 s; there is no lock method", async () => {
    const key = "ankorstore-client/token/v1/kv-ttl";
    const set = await op(NAMES[0], { handle: "k1", store: "kv", op: "set", args: [key, "value", 3] });
    assert.equal(set.status, 200, JSON.stringify(set.body)); // KV itself refuses expirationTtl < 60
    assert.deepEqual((await op(NAMES[1], { handle: "k2", store: "kv", op: "get", args: [key] })).body, { result: "value" });
    const listed = (await call(NAMES[0], "/kv-list")).body.find((k) => k.name === key);
    const ttl = listed.expiration - Date.now() / 1000;
    assert.ok(ttl > 55 && ttl <= 61, `expiration in ${ttl} s`);
    assert.deepEqual((await op(NAMES[0], { handle: "k1", store: "kv", op: "lock", args: [`${key}/lock`, 100] })).body, { missing: "lock" });
  });

  test(`${REQUESTS} concurrent cold requests over ${ISOLATES} isolates: measured (at most 1 per isolate)`, async () => {
    mock.reset();
    const cold = await burst({ store: "kv", scope: "kv-cold", gen: "1" });
    const coldRequests = mock.stats().tokenRequests;
    // Without a lock every isolate that misses KV asks; an isolate shares its own request.
    assert.ok(coldRequests >= 1 && coldRequests <= ISOLATES, `${coldRequests} token requests`);
    assert.equal(cold.tokens, coldRequests, "each request's token went to its own isolate");
    // Once written, KV spares the token request to isolates that start later.
    await burst({ store: "kv", scope: "kv-cold", gen: "2" });
    assert.equal(mock.stats().tokenRequests, coldRequests, "later cold starts read the token from KV");
    console.log(`# workers KV: ${REQUESTS} cold requests over ${ISOLATES} isolates in ${cold.ms} ms → ${coldRequests} token requests (one per isolate that missed KV); later cold starts → 0`);
  });
});

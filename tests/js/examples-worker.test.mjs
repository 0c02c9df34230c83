// examples/cloudflare-worker, as its README says, from a clone: `npm install` takes
// ankorstore-client from ../../pkg (no registry package of ours), the mock runs with
// `npm run mock`, `.dev.vars` comes from `.dev.vars.example`, and `npx wrangler dev` serves
// /me from the mock (five concurrent requests on a cold isolate: one token request), and
// POST /webhooks/ankorstore verifies the mock's signed deliveries (the README's delivery
// request: 204, tampered 401). The only liberty taken: free ports instead of 9000 and 8787.
// Also `wrangler deploy --dry-run`.
// Run: node --test tests/js/examples-worker.test.mjs (after npm run build)
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, realpathSync, writeFileSync } from "node:fs";
import { join } from "node:path";

import { DEMO_CLIENT_SECRET } from "../../mock/server.mjs";
import { USER, WEBHOOK_EVENTS } from "../../mock/data.mjs";
import {
  assertBuilt, copyExample, freePort, npmInstall, readmeCommands, root, runToEnd, startMockCommand, startProcess,
} from "./support/examples.mjs";

const README = join(root, "examples", "cloudflare-worker", "README.md");
const ROOT_README = join(root, "README.md");

let dir;
let mock;
let wrangler;
let workerUrl;

/** Wrangler without telemetry, colours or writes to the user's home. */
const wranglerEnv = () => ({
  ...process.env,
  CI: "true",
  NO_COLOR: "1",
  WRANGLER_SEND_METRICS: "false",
  WRANGLER_SEND_ERROR_REPORTS: "false",
  XDG_CONFIG_HOME: join(dir, ".config"),
});

test("the READMEs show the commands this suite runs", () => {
  assert.deepEqual(readmeCommands(README, "## Install"), ["npm run build", "cd examples/cloudflare-worker", "npm install"]);
  assert.deepEqual(readmeCommands(README, "## Run locally against the mock"), [
    "npm run mock -- --port 9000", "cp .dev.vars.example .dev.vars", "npx wrangler dev", "curl http://localhost:8787/me",
  ]);
  // The main README's Workers section: the same install and local run, then the deploy.
  const main = readmeCommands(ROOT_README, "### Run it locally against the mock");
  assert.deepEqual(main, [
    "npm run build", "npm run mock -- --port 9000", "cd examples/cloudflare-worker", "npm install",
    "cp .dev.vars.example .dev.vars", "npx wrangler dev", "curl http://localhost:8787/me",
  ]);
  const { dependencies } = JSON.parse(readFileSync(join(root, "examples", "cloudflare-worker", "package.json"), "utf8"));
  assert.deepEqual(dependencies, { "ankorstore-client": "file:../../pkg" }, "the example must not depend on the registry's ankorstore-client");
});

before(async () => {
  assertBuilt(); // npm run build
  dir = copyExample("cloudflare-worker"); // cd examples/cloudflare-worker
  await npmInstall(dir); // npm install
  const mockPort = await freePort();
  mock = await startMockCommand(mockPort); // npm run mock -- --port 9000
  // cp .dev.vars.example .dev.vars (with the mock's port)
  const vars = readFileSync(join(dir, ".dev.vars.example"), "utf8");
  assert.match(vars, /^ANKORSTORE_BASE_URL=http:\/\/127\.0\.0\.1:9000$/m);
  writeFileSync(join(dir, ".dev.vars"), vars.replace("127.0.0.1:9000", `127.0.0.1:${mockPort}`));
  // npx wrangler dev
  const [port, inspectorPort] = [await freePort(), await freePort()];
  wrangler = await startProcess("npx", ["wrangler", "dev", "--ip", "127.0.0.1", "--port", String(port), "--inspector-port", String(inspectorPort)], {
    cwd: dir, env: wranglerEnv(), ready: /Ready on http:\/\/127\.0\.0\.1:\d+/, timeout: 120_000,
  });
  workerUrl = `http://127.0.0.1:${port}`;
});

after(async () => {
  await wrangler?.stop();
  await mock?.stop();
});

test("npm install links ankorstore-client to pkg/ and takes only wrangler from the registry", () => {
  const installed = realpathSync(join(dir, "node_modules", "ankorstore-client"));
  assert.equal(installed, realpathSync(join(root, "pkg")));
  const lock = JSON.parse(readFileSync(join(dir, "package-lock.json"), "utf8"));
  assert.deepEqual(lock.packages["node_modules/ankorstore-client"], { resolved: "../../pkg", link: true });
});

test("wrangler dev: 5 concurrent GET /me on a cold isolate → the user, one token request", async () => {
  await mock.reset();
  const answers = await Promise.all(Array.from({ length: 5 }, async () => {
    const res = await fetch(`${workerUrl}/me`);
    return { status: res.status, type: res.headers.get("content-type"), body: await res.text() };
  }));
  for (const answer of answers) {
    assert.equal(answer.status, 200, answer.body);
    assert.match(answer.type, /^application\/json/);
    assert.deepEqual(JSON.parse(answer.body), USER);
  }
  let stats = await mock.stats();
  assert.equal(stats.tokenRequests, 1, "one token request for the five");
  assert.equal(stats.apiRequests, 5);
  // `curl http://localhost:8787/me` later: the isolate's cached token.
  const res = await fetch(`${workerUrl}/me`);
  assert.deepEqual(await res.json(), USER);
  stats = await mock.stats();
  assert.equal(stats.tokenRequests, 1);
  assert.equal(stats.apiRequests, 6);
  // Wrangler shows the .dev.vars values as hidden, and the Worker never logs them.
  assert.ok(!wrangler.output.includes(DEMO_CLIENT_SECRET), "the secret appeared in wrangler's output");
  const notFound = await fetch(`${workerUrl}/nope`);
  assert.equal(notFound.status, 404);
  assert.equal((await notFound.json()).error.code, "not_found");
});

test("README, Receive webhooks: the mock's signed deliveries → 204 and logged; spoiled ones → 401", async () => {
  // curl -s http://127.0.0.1:9000/__mock/webhooks/deliver -H 'content-type: application/json' -d '{…}'
  const [curl] = readmeCommands(README, "## Receive webhooks");
  const [, mockUrl, body] = curl.match(/^curl -s (http:\/\/127\.0\.0\.1:9000\/__mock\/webhooks\/deliver) -H 'content-type: application\/json' -d '(.*)'$/);
  const sample = JSON.parse(body);
  assert.deepEqual(sample, { url: "http://localhost:8787/webhooks/ankorstore", secret: "demo-webhook-secret", event: "order.brand_created" });
  assert.match(readFileSync(join(dir, ".dev.vars"), "utf8"), /^ANKORSTORE_WEBHOOK_SECRET=demo-webhook-secret$/m);
  const deliver = async (options) => {
    const res = await fetch(mockUrl.replace("http://127.0.0.1:9000", mock.url), {
      method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ ...sample, url: `${workerUrl}/webhooks/ankorstore`, ...options }),
    });
    const text = await res.text();
    assert.equal(res.status, 200, text);
    return JSON.parse(text);
  };
  const signed = await deliver({});
  assert.equal(signed.status, 204, JSON.stringify(signed));
  for (const event of Object.keys(WEBHOOK_EVENTS)) assert.equal((await deliver({ event })).status, 204, event);
  for (const tamper of ["body", "signature", "missing", "empty"]) assert.equal((await deliver({ tamper })).status, 401, tamper);
  assert.equal((await deliver({ secret: "not-the-secret" })).status, 401);
  // wrangler dev shows the Worker's log line (written after the answer, with ctx.waitUntil).
  for (let i = 0; i < 100 && !wrangler.output.includes(`(event ${signed.eventId})`); i++) await new Promise((r) => setTimeout(r, 20));
  assert.match(wrangler.output, new RegExp(`webhook: order\\.brand_created \\(event ${signed.eventId}\\) about order `));
  assert.ok(!wrangler.output.includes("demo-webhook-secret"), "the webhook secret appeared in wrangler's output");
});

test("npx wrangler deploy --dry-run --outdir dist bundles the Worker without logging in", async () => {
  const output = await runToEnd("npx", ["wrangler", "deploy", "--dry-run", "--outdir", "dist"], { cwd: dir, env: wranglerEnv() });
  assert.match(output, /--dry-run: exiting now/);
  const bundle = readFileSync(join(dir, "dist", "index.js"), "utf8");
  assert.match(bundle, /^import \w+ from "\.\/[\w-]+\.wasm";?$/m, "the .wasm is bundled as a module");
});

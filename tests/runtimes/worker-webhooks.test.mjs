// The webhook route of the Workers example (examples/cloudflare-worker/src/index.js,
// POST /webhooks/ankorstore) with the packed package, in workerd (Miniflare listening on
// loopback), receiving real signed deliveries of the mock: every event 204 (and logged after
// the answer), every spoiled delivery 401, a subscription created through the client, other
// methods 405, no secret configured 500. Run: node --test tests/runtimes/worker-webhooks.test.mjs
import { after, before, beforeEach, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";

import { DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, startMock } from "../../mock/server.mjs";
import { USER, WEBHOOK_EVENTS } from "../../mock/data.mjs";
import { packageWorker } from "./fixtures/package-runtimes.mjs";
import { root } from "./fixtures/scratch.mjs";
import { importPackage } from "../js/support/package.mjs";

const SOURCE = readFileSync(join(root, "examples", "cloudflare-worker", "src", "index.js"), "utf8");
const EVENTS = Object.keys(WEBHOOK_EVENTS);
const SECRET = "demo-webhook-secret";

let mock;
let mf;
let url;
let logs = "";
before(async () => {
  mock = await startMock({ port: 0 });
  const collect = (stream) => stream.on("data", (chunk) => (logs += chunk));
  mf = await packageWorker("worker-webhooks", SOURCE, {
    ANKORSTORE_CLIENT_ID: DEMO_CLIENT_ID, ANKORSTORE_CLIENT_SECRET: DEMO_CLIENT_SECRET, ANKORSTORE_BASE_URL: mock.url,
    ANKORSTORE_WEBHOOK_SECRET: SECRET,
  }, { host: "127.0.0.1", port: 0, handleRuntimeStdio: (stdout, stderr) => { collect(stdout); collect(stderr); } });
  url = `${(await mf.ready).href.replace(/\/$/, "")}/webhooks/ankorstore`;
});
after(async () => {
  await mf?.dispose();
  await mock?.close();
});
beforeEach(() => mock.reset());

/** Waits until the Worker's output matches `pattern` (it logs after answering). */
async function logged(pattern) {
  for (let i = 0; i < 100 && !pattern.test(logs); i++) await sleep(20);
  return pattern.test(logs);
}

test("every event the mock delivers is verified: 204, then logged", async () => {
  for (const event of EVENTS) {
    const answer = await mock.deliverWebhook({ url, secret: SECRET, event });
    assert.equal(answer.status, 204, event);
    assert.equal(answer.body, "", "204 has no body");
    const type = event.replace(".", "\\.");
    assert.ok(await logged(new RegExp(`webhook: ${type} \\(event ${answer.eventId}\\) about order `)), `${event} not logged:\n${logs}`);
  }
  assert.ok(!logs.includes(SECRET), "the secret was logged");
});

test("spoiled deliveries are refused with 401: another secret, a changed body, no or an empty signature", async () => {
  for (const tamper of ["signature", "body", "missing", "empty"]) {
    const answer = await mock.deliverWebhook({ url, secret: SECRET, event: "order.shipped", tamper });
    assert.equal(answer.status, 401, tamper);
    assert.equal(JSON.parse(answer.body).error.code, "invalid_signature");
  }
  assert.equal((await mock.deliverWebhook({ url, secret: `${SECRET}2`, event: "order.shipped" })).status, 401);
});

test("a subscription made through the client (in Node): its deliveries verify with its secret only", async () => {
  const { AnkorstoreClient } = await importPackage();
  const client = new AnkorstoreClient({ clientId: DEMO_CLIENT_ID, clientSecret: DEMO_CLIENT_SECRET, baseUrl: mock.url });
  const app = await client.request("GET", "/api/v1/applications");
  const created = await client.request("POST", "/api/v1/webhook-subscriptions", {
    body: { data: { type: "webhook-subscription", attributes: { url, events: ["order.cancelled"] }, relationships: { applications: { data: { type: "applications", id: app.data.id } } } } },
  });
  // The mock made its own signing secret: the Worker, configured with another, refuses.
  assert.notEqual(created.data[0].attributes.signingSecret, SECRET);
  assert.equal((await mock.deliverWebhook({ subscription: created.data[0].id, event: "order.cancelled" })).status, 401);
});

test("a signed raw body that is not JSON is accepted and ignored; the isolate keeps serving /me", async () => {
  const answer = await mock.deliverWebhook({ url, secret: SECRET, event: "order.shipped", payload: "plain text ✓" });
  assert.equal(answer.status, 204);
  assert.ok(await logged(/webhook: a signed body that is not JSON, ignored/), logs);
  const me = await fetch(url.replace("/webhooks/ankorstore", "/me"));
  assert.deepEqual(await me.json(), USER);
});

test("GET is 405 (Allow: POST); a Worker without ANKORSTORE_WEBHOOK_SECRET answers 500, accepting nothing", async () => {
  const get = await fetch(url);
  assert.equal(get.status, 405);
  assert.equal(get.headers.get("allow"), "POST");
  const bare = await packageWorker("worker-webhooks-no-secret", SOURCE, { ANKORSTORE_CLIENT_ID: DEMO_CLIENT_ID }, { host: "127.0.0.1", port: 0 });
  try {
    const bareUrl = `${(await bare.ready).href.replace(/\/$/, "")}/webhooks/ankorstore`;
    const answer = await mock.deliverWebhook({ url: bareUrl, secret: SECRET, event: "order.shipped" });
    assert.equal(answer.status, 500);
    assert.deepEqual(JSON.parse(answer.body).error.code, "invalid_config");
  } finally {
    await bare.dispose();
  }
});

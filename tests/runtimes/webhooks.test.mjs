// verifyWebhookSignature of the packed package in workerd (Miniflare, the workerd entry) and in
// Chromium (the browser entry): the createHmac vectors of tests/js/support/webhook-vectors.mjs
// (computed in Node, independently of the package), and real signed deliveries of the mock:
// in workerd straight to a Worker listening on loopback (raw body as text and as bytes); in
// Chromium, the deliveries a Node receiver captured, verified in the page with the signing
// secret of a subscription the page created through the client.
// (Both Node entries: tests/js/webhooks.test.mjs.) Run: node --test tests/runtimes/webhooks.test.mjs
import { after, before, beforeEach, describe, test } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:http";

import { DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, startMock } from "../../mock/server.mjs";
import { WEBHOOK_EVENTS } from "../../mock/data.mjs";
import { BAD_ARGUMENTS, RUN_CASES, checkResults, webhookCases } from "../js/support/webhook-vectors.mjs";
import { packagePage, packageWorker } from "./fixtures/package-runtimes.mjs";

const CASES = webhookCases();
const EVENTS = Object.keys(WEBHOOK_EVENTS);
const TAMPERS = ["signature", "body", "missing", "empty"];
const WEBHOOK_SECRET = "whsec_workerd_9f2c1e";

let mock;
before(async () => {
  mock = await startMock({ port: 0 });
});
after(() => mock?.close());

describe("workerd (Miniflare)", () => {
  let mf;
  let url;
  before(async () => {
    mf = await packageWorker("webhooks-workerd", `import * as pkg from "ankorstore-client";
const runCases = ${RUN_CASES};
export default {
  async fetch(request, env) {
    const { pathname } = new URL(request.url);
    if (pathname === "/vectors") {
      const { cases, badArguments } = await request.json();
      return Response.json(runCases(pkg, cases, badArguments));
    }
    // A receiver: the raw body as text or as bytes, the signature header, 204 or 401.
    if (request.method !== "POST") return new Response(null, { status: 405 });
    const signature = request.headers.get("signature");
    const payload = pathname === "/hooks/bytes" ? new Uint8Array(await request.arrayBuffer()) : await request.text();
    const ok = pkg.verifyWebhookSignature(payload, signature, env.WEBHOOK_SECRET);
    return new Response(null, { status: ok ? 204 : 401 });
  },
};`, { WEBHOOK_SECRET }, { host: "127.0.0.1", port: 0 });
    url = (await mf.ready).href.replace(/\/$/, "");
  });
  after(() => mf?.dispose());
  beforeEach(() => mock.reset());

  test(`${CASES.length} createHmac vectors and ${BAD_ARGUMENTS.length} bad arguments`, async () => {
    const res = await mf.dispatchFetch("http://worker.test/vectors", {
      method: "POST", body: JSON.stringify({ cases: CASES, badArguments: BAD_ARGUMENTS }),
    });
    const text = await res.text();
    assert.equal(res.status, 200, text);
    checkResults(assert, CASES, JSON.parse(text));
  });

  for (const as of ["text", "bytes"]) {
    test(`deliveries of the mock to the Worker, raw body as ${as}: every event 204, every spoiled one 401`, async () => {
      assert.match(url, /^http:\/\/127\.0\.0\.1:\d+$/);
      for (const event of EVENTS) {
        const answer = await mock.deliverWebhook({ url: `${url}/hooks/${as}`, secret: WEBHOOK_SECRET, event });
        assert.equal(answer.status, 204, event);
      }
      for (const tamper of TAMPERS) {
        const answer = await mock.deliverWebhook({ url: `${url}/hooks/${as}`, secret: WEBHOOK_SECRET, event: "order.shipped", tamper });
        assert.equal(answer.status, 401, tamper);
      }
      const other = await mock.deliverWebhook({ url: `${url}/hooks/${as}`, secret: `${WEBHOOK_SECRET}-other`, event: "order.shipped" });
      assert.equal(other.status, 401, "signed with another secret");
      const text = await mock.deliverWebhook({
        url: `${url}/hooks/${as}`, secret: WEBHOOK_SECRET, event: "order.shipped", payload: '{"note":"Crème brûlée ✓ 😀"}',
      });
      assert.equal(text.status, 204, "non-ASCII raw body");
    });
  }
});

describe("Chromium", () => {
  let page;
  let capture; // a Node receiver that keeps what the mock delivered
  const delivered = [];
  before(async () => {
    page = await packagePage("webhooks-browser");
    capture = createServer((req, res) => {
      const chunks = [];
      req.on("data", (c) => chunks.push(c));
      req.on("end", () => {
        delivered.push({ bytes: [...Buffer.concat(chunks)], signature: req.headers.signature ?? null });
        res.writeHead(202).end();
      });
    });
    await new Promise((resolve) => capture.listen(0, "127.0.0.1", resolve));
  });
  after(async () => {
    await page?.close();
    await new Promise((resolve) => capture.close(resolve));
  });
  beforeEach(() => {
    mock.reset();
    delivered.length = 0;
  });

  test(`${CASES.length} createHmac vectors and ${BAD_ARGUMENTS.length} bad arguments`, async () => {
    const seen = await page.tab.evaluate(async ({ source, cases, badArguments }) => {
      const pkg = await import("ankorstore-client");
      return (0, eval)(source)(pkg, cases, badArguments);
    }, { source: RUN_CASES, cases: CASES, badArguments: BAD_ARGUMENTS });
    checkResults(assert, CASES, seen);
    assert.deepEqual(page.pageErrors, []);
  });

  test("a subscription created in the page: its deliveries verify there, as text and bytes; spoiled ones do not", async () => {
    const receiverUrl = `http://127.0.0.1:${capture.address().port}/hooks`;
    const subscription = await page.tab.evaluate(async ({ base, id, secret, receiverUrl, events }) => {
      const { AnkorstoreClient } = await import("ankorstore-client");
      const client = new AnkorstoreClient({ clientId: id, clientSecret: secret, baseUrl: base });
      const app = await client.request("GET", "/api/v1/applications");
      const created = await client.request("POST", "/api/v1/webhook-subscriptions", {
        body: {
          data: {
            type: "webhook-subscription",
            attributes: { url: receiverUrl, events },
            relationships: { applications: { data: { type: "applications", id: app.data.id } } },
          },
        },
      });
      return { id: created.data[0].id, signingSecret: created.data[0].attributes.signingSecret };
    }, { base: mock.url, id: DEMO_CLIENT_ID, secret: DEMO_CLIENT_SECRET, receiverUrl, events: EVENTS });
    assert.equal(typeof subscription.signingSecret, "string");

    for (const event of EVENTS) await mock.deliverWebhook({ subscription: subscription.id, event });
    for (const tamper of TAMPERS) await mock.deliverWebhook({ subscription: subscription.id, event: "order.cancelled", tamper });
    assert.equal(delivered.length, EVENTS.length + TAMPERS.length);

    const verdicts = await page.tab.evaluate(async ({ deliveries, secret }) => {
      const { verifyWebhookSignature } = await import("ankorstore-client");
      return deliveries.map(({ bytes, signature }) => {
        const raw = new Uint8Array(bytes);
        return [verifyWebhookSignature(raw, signature, secret), verifyWebhookSignature(new TextDecoder().decode(raw), signature, secret)];
      });
    }, { deliveries: delivered, secret: subscription.signingSecret });
    assert.deepEqual(verdicts, [...EVENTS.map(() => [true, true]), ...TAMPERS.map(() => [false, false])]);
    assert.deepEqual(page.pageErrors, []);
  });
});

// verifyWebhookSignature on the packed package, in both Node entries (api.md, "Beyond /me",
// Webhooks): vectors computed independently with Node's crypto.createHmac
// (support/webhook-vectors.mjs: UTF-8 and byte payloads, hex case, whitespace, wrong length,
// non-hex, empty secret, bad arguments), Node's Buffer, and real signed deliveries of the mock
// to a node:http receiver: a subscription created through the client (request() with params),
// every event, and each way the mock spoils a delivery. The same vectors and deliveries in
// workerd and Chromium: tests/runtimes/webhooks.test.mjs. Run: node --test tests/js/webhooks.test.mjs
import { after, before, beforeEach, describe, test } from "node:test";
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { createServer } from "node:http";

import { WEBHOOK_EVENTS } from "../../mock/data.mjs";
import { opts, setup, throwsWith } from "./support/client-kit.mjs";
import { BAD_ARGUMENTS, EVENT_BODY, EVENT_SECRET, RUN_CASES, checkResults, webhookCases } from "./support/webhook-vectors.mjs";

const { mock, entries } = await setup();
const CASES = webhookCases();
const runCases = (0, eval)(RUN_CASES); // eslint-disable-line no-eval

/**
 * A webhook receiver as a user writes it: the raw body, the `signature` header, 204 or 401.
 * `verify(raw: Buffer, signature)` decides; every delivery is recorded.
 */
async function receiver(verify) {
  const deliveries = [];
  const server = createServer((req, res) => {
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => {
      const raw = Buffer.concat(chunks);
      const ok = req.method === "POST" && req.url === "/hooks/ankorstore" && verify(raw, req.headers.signature);
      deliveries.push({ raw, signature: req.headers.signature, ok });
      res.writeHead(ok ? 204 : 401).end();
    });
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${server.address().port}/hooks/ankorstore`, deliveries, close: () => new Promise((r) => server.close(r)) };
}

for (const [entry, pkg] of entries) {
  describe(`${entry}: verifyWebhookSignature against createHmac vectors`, () => {
    test(`${CASES.length} vectors and ${BAD_ARGUMENTS.length} bad arguments`, () => {
      checkResults(assert, CASES, runCases(pkg, CASES, BAD_ARGUMENTS));
    });

    test("Node's Buffer is bytes; an empty secret throws an AnkorstoreError at once", () => {
      const good = createHmac("sha256", EVENT_SECRET).update(EVENT_BODY).digest("hex");
      assert.equal(pkg.verifyWebhookSignature(Buffer.from(EVENT_BODY), good, EVENT_SECRET), true);
      assert.equal(pkg.verifyWebhookSignature(Buffer.from(EVENT_BODY).subarray(1), good, EVENT_SECRET), false);
      const error = throwsWith(pkg, () => pkg.verifyWebhookSignature(EVENT_BODY, good, ""), "invalid_argument");
      assert.match(error.message, /secret/);
      const payloadError = throwsWith(pkg, () => pkg.verifyWebhookSignature({ raw: EVENT_BODY }, good, EVENT_SECRET), "invalid_argument");
      assert.match(payloadError.message, /payload|body/);
    });

    // A transferred body buffer used to throw the runtime's own TypeError.
    test("bytes whose buffer was detached throw an AnkorstoreError; the next call works", () => {
      const good = createHmac("sha256", EVENT_SECRET).update(EVENT_BODY).digest("hex");
      const buffer = new TextEncoder().encode(EVENT_BODY).buffer;
      const view = new Uint8Array(buffer);
      structuredClone(buffer, { transfer: [buffer] });
      for (const payload of [buffer, view]) {
        const error = throwsWith(pkg, () => pkg.verifyWebhookSignature(payload, good, EVENT_SECRET), "invalid_argument");
        assert.match(error.message, /detached/);
      }
      assert.equal(pkg.verifyWebhookSignature(new TextEncoder().encode(EVENT_BODY).buffer, good, EVENT_SECRET), true);
    });

    test("the secret never appears in what it throws", () => {
      const secret = "whsec_do_not_leak_123";
      const error = throwsWith(pkg, () => pkg.verifyWebhookSignature(42, "00", secret), "invalid_argument");
      assert.ok(!`${error.message} ${error.stack} ${JSON.stringify(error)}`.includes(secret));
    });
  });

  describe(`${entry}: signed deliveries of the mock`, () => {
    let hooks;
    let secret; // the receiver's idea of the secret (set per test)
    let raw; // verify the raw bytes, or the body as text
    before(async () => {
      hooks = await receiver((body, signature) => pkg.verifyWebhookSignature(raw ? body : body.toString("utf8"), signature, secret));
    });
    after(() => hooks.close());
    beforeEach(() => {
      mock.reset();
      hooks.deliveries.length = 0;
    });

    test("a subscription made with the client: every event verifies, as bytes and as text", async () => {
      const client = new pkg.AnkorstoreClient(opts(mock));
      const app = await client.request("GET", "/api/v1/applications");
      const created = await client.request("POST", "/api/v1/webhook-subscriptions", {
        body: {
          data: {
            type: "webhook-subscription",
            attributes: { url: hooks.url, events: Object.keys(WEBHOOK_EVENTS) },
            relationships: { applications: { data: { type: "applications", id: app.data.id } } },
          },
        },
      });
      const subscription = created.data[0];
      secret = subscription.attributes.signingSecret;
      assert.equal(typeof secret, "string");
      for (const asBytes of [true, false]) {
        raw = asBytes;
        for (const event of Object.keys(WEBHOOK_EVENTS)) {
          const answer = await mock.deliverWebhook({ subscription: subscription.id, event });
          assert.equal(answer.status, 204, `${event} (${asBytes ? "bytes" : "text"})`);
          assert.equal(JSON.parse(answer.payload).meta.event.type, event);
        }
      }
      assert.equal(hooks.deliveries.length, 2 * Object.keys(WEBHOOK_EVENTS).length);
      assert.ok(hooks.deliveries.every((d) => d.ok));
      // The subscription's secret is the key: another one refuses the same deliveries.
      secret = `${secret}-old`;
      assert.equal((await mock.deliverWebhook({ subscription: subscription.id, event: "order.shipped" })).status, 401);
      // PATCH and DELETE the subscription with params (the path template fills the id).
      const updated = await client.request("PATCH", "/api/v1/webhook-subscriptions/{webhookSubscriptionId}", {
        params: { webhookSubscriptionId: subscription.id },
        body: { data: { type: "webhook-subscription", attributes: { url: hooks.url, events: ["order.cancelled"] } } },
      });
      assert.deepEqual(updated.data[0].attributes.events, ["order.cancelled"]);
      assert.equal(await client.request("DELETE", "/api/v1/webhook-subscriptions/{webhookSubscriptionId}", { params: { webhookSubscriptionId: subscription.id } }), null);
    });

    test("spoiled deliveries are refused: another secret, a changed body, no or an empty signature", async () => {
      secret = "demo-webhook-secret";
      for (const asBytes of [true, false]) {
        raw = asBytes;
        const good = await mock.deliverWebhook({ url: hooks.url, secret, event: "order.brand_created" });
        assert.equal(good.status, 204);
        for (const tamper of ["signature", "body", "missing", "empty"]) {
          const answer = await mock.deliverWebhook({ url: hooks.url, secret, event: "order.brand_created", tamper });
          assert.equal(answer.status, 401, tamper);
        }
      }
    });

    test("a raw string body with non-ASCII characters verifies byte for byte", async () => {
      secret = "s3cr3t é";
      raw = false;
      const payload = '{"meta":{"event":{"type":"order.shipped"}},"note":"Crème brûlée ✓ 😀"}';
      const answer = await mock.deliverWebhook({ url: hooks.url, secret, event: "order.shipped", payload });
      assert.equal(answer.status, 204);
      assert.equal(hooks.deliveries[0].raw.toString("utf8"), payload);
      raw = true;
      assert.equal((await mock.deliverWebhook({ url: hooks.url, secret, event: "order.shipped", payload })).status, 204);
    });
  });
}

// Receiving Ankorstore webhooks in Node.js: a node:http server that answers
// POST /webhooks/ankorstore. Ankorstore signs each delivery with the HMAC-SHA256 of the raw
// body, keyed with the webhook subscription's signing secret, in the `signature` header;
// verifyWebhookSignature checks it. 204 when it matches, 401 otherwise.
//
//   node examples/node/webhooks.mjs
//       a demo: starts the mock Ankorstore (mock/server.mjs) and this receiver in this
//       process, subscribes the receiver to two order events through the client, has the mock
//       deliver one signed event and one forged one, prints what happened, and exits
//   ANKORSTORE_WEBHOOK_SECRET=... PORT=3000 node examples/node/webhooks.mjs
//       the receiver only, until Ctrl-C, with the signing secret of your subscription
import { createServer } from "node:http";
import { AnkorstoreClient, AnkorstoreError, verifyWebhookSignature } from "ankorstore-client";

const PATH = "/webhooks/ankorstore";
const MAX_BODY_BYTES = 1024 * 1024;

/** The signing secret of the webhook subscription (the demo sets it once it has subscribed). */
let signingSecret = process.env.ANKORSTORE_WEBHOOK_SECRET;

/** What to do with a verified event: here, print it. Answer fast; do slow work elsewhere. */
function handleEvent(event, resource) {
  console.log(`Received ${event.type} (event ${event.id}) about ${resource?.type} ${resource?.id}`);
}

const server = createServer((req, res) => {
  if (new URL(req.url, "http://localhost").pathname !== PATH) return res.writeHead(404).end();
  if (req.method !== "POST") return res.writeHead(405, { allow: "POST" }).end();
  // Keep the body exactly as received: the signature covers these bytes, not a re-serialised JSON.
  const chunks = [];
  let size = 0;
  req.on("data", (chunk) => {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) {
      res.writeHead(413, { connection: "close" }).end();
      req.destroy();
    } else chunks.push(chunk);
  });
  req.on("end", () => {
    const body = Buffer.concat(chunks);
    if (!verifyWebhookSignature(body, req.headers.signature, signingSecret)) {
      console.log("Refused a delivery: its signature does not match");
      return res.writeHead(401).end();
    }
    res.writeHead(204).end();
    let document;
    try {
      document = JSON.parse(body);
    } catch {
      return console.log("A signed delivery whose body is not JSON: ignored");
    }
    handleEvent(document.meta?.event ?? {}, document.data);
  });
});

/** Starts the receiver on PORT (0: any free port) and resolves to its URL. */
async function listen(port, host = "127.0.0.1") {
  await new Promise((resolve, reject) => server.once("error", reject).listen(port, host, resolve));
  return `http://${host}:${server.address().port}${PATH}`;
}

if (signingSecret) {
  // The receiver only. Behind a proxy or tunnel, Ankorstore posts to its public URL.
  const url = await listen(Number(process.env.PORT ?? 3000), process.env.HOST);
  console.log(`Listening on ${url}`);
  for (const signal of ["SIGINT", "SIGTERM"]) process.once(signal, () => server.close());
} else {
  // The demo, against the mock Ankorstore.
  const { startMock, DEMO_CLIENT_ID, DEMO_CLIENT_SECRET } = await import("../../mock/server.mjs");
  const mock = await startMock({ port: 0 });
  console.log(`Started the mock Ankorstore API at ${mock.url}`);
  const url = await listen(0);
  try {
    const client = new AnkorstoreClient({ baseUrl: mock.url, clientId: DEMO_CLIENT_ID, clientSecret: DEMO_CLIENT_SECRET });
    // Subscribe the receiver; Ankorstore answers with the subscription's signing secret.
    const app = await client.request("GET", "/api/v1/applications");
    const created = await client.request("POST", "/api/v1/webhook-subscriptions", {
      body: {
        data: {
          type: "webhook-subscription",
          attributes: { url, events: ["order.brand_created", "order.shipped"] },
          relationships: { applications: { data: { type: "applications", id: app.data.id } } },
        },
      },
    });
    const subscription = created.data[0];
    signingSecret = subscription.attributes.signingSecret;
    console.log(`Subscribed ${url} to ${subscription.attributes.events.join(", ")}`);

    const signed = await mock.deliverWebhook({ subscription: subscription.id, event: "order.brand_created" });
    console.log(`A signed delivery: HTTP ${signed.status}`);
    const forged = await mock.deliverWebhook({ subscription: subscription.id, event: "order.shipped", tamper: "body" });
    console.log(`A forged delivery: HTTP ${forged.status}`);

    await client.request("DELETE", "/api/v1/webhook-subscriptions/{webhookSubscriptionId}", {
      params: { webhookSubscriptionId: subscription.id },
    });
    console.log("Unsubscribed");
  } catch (error) {
    if (!(error instanceof AnkorstoreError)) throw error;
    console.error(`Ankorstore error ${error.code}${error.status ? ` (HTTP ${error.status})` : ""}: ${error.message}`);
    process.exitCode = 1;
  } finally {
    server.close();
    await mock.close();
  }
}

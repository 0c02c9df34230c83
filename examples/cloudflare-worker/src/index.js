// Cloudflare Worker: GET /me answers the Ankorstore user behind the configured credentials;
// POST /webhooks/ankorstore receives Ankorstore's webhooks (204 when the signature of the raw
// body matches, 401 otherwise).
//
// Configuration (env):
//   ANKORSTORE_CLIENT_ID, ANKORSTORE_CLIENT_SECRET  secrets (`wrangler secret put …`)
//   ANKORSTORE_ENV       "production" | "sandbox" (default "production")
//   ANKORSTORE_BASE_URL  optional, overrides ANKORSTORE_ENV (e.g. a local mock in tests)
//   ANKORSTORE_WEBHOOK_SECRET  secret: the signing secret of the webhook subscription
//
// "ankorstore-client" resolves to its `workerd` entry: the .wasm is bundled as a module by
// wrangler and instantiated synchronously, nothing is fetched at run time.
import { AnkorstoreClient, AnkorstoreError, verifyWebhookSignature } from "ankorstore-client";

// One client per isolate: its token cache and single-flight token request are shared by
// every request this isolate serves, so a burst of requests costs one token request.
let client;

function getClient(env) {
  client ??= new AnkorstoreClient({
    clientId: env.ANKORSTORE_CLIENT_ID,
    clientSecret: env.ANKORSTORE_CLIENT_SECRET,
    environment: env.ANKORSTORE_ENV || undefined,
    baseUrl: env.ANKORSTORE_BASE_URL || undefined,
  });
  return client;
}

// How each AnkorstoreError code reads to the caller of this Worker. Upstream credential or
// availability problems are the Worker's, not the caller's: 502 Bad Gateway.
const STATUS = {
  invalid_config: 500,
  invalid_argument: 500,
  invalid_client: 502,
  unauthenticated: 502,
  forbidden: 502,
  not_found: 404,
  rate_limited: 429,
  request_failed: 502,
  server_error: 502,
  network: 502,
  invalid_response: 502,
  timeout: 504,
  aborted: 503,
};

function json(body, status = 200, headers = {}) {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json; charset=utf-8", "cache-control": "no-store", ...headers },
  });
}

function errorResponse(error, env) {
  if (!(error instanceof AnkorstoreError)) {
    // Unknown failure: say nothing about it to the caller.
    console.error("unexpected error", error && error.name);
    return json({ error: { code: "internal_error", message: "Internal error" } }, 500);
  }
  // The package never puts the secret in a message; redacting again costs nothing.
  let message = error.message;
  const secret = env.ANKORSTORE_CLIENT_SECRET;
  if (secret) message = message.split(secret).join("[redacted]");
  const status = STATUS[error.code] ?? 500;
  const headers = {};
  if (error.code === "rate_limited" && error.retryAfter !== undefined) {
    headers["retry-after"] = String(Math.max(1, Math.ceil(error.retryAfter)));
  }
  return json({ error: { code: error.code, message } }, status, headers);
}

/**
 * POST /webhooks/ankorstore: Ankorstore signs each delivery with the HMAC-SHA256 of the raw
 * body, keyed with the subscription's signing secret, in the `signature` header.
 */
async function receiveWebhook(request, env, ctx) {
  if (request.method !== "POST") {
    return json({ error: { code: "method_not_allowed", message: "Use POST /webhooks/ankorstore" } }, 405, { allow: "POST" });
  }
  if (!env.ANKORSTORE_WEBHOOK_SECRET) {
    return json({ error: { code: "invalid_config", message: "ANKORSTORE_WEBHOOK_SECRET is not set" } }, 500);
  }
  // The raw body, exactly as received: the signature covers these bytes, not re-serialised JSON.
  const body = await request.text();
  if (!verifyWebhookSignature(body, request.headers.get("signature"), env.ANKORSTORE_WEBHOOK_SECRET)) {
    return json({ error: { code: "invalid_signature", message: "The signature does not match the body" } }, 401);
  }
  // Answer at once; the work goes on after the response (ctx.waitUntil).
  ctx.waitUntil(handleEvent(body));
  return new Response(null, { status: 204 });
}

/** What to do with a verified event: here, log it. */
async function handleEvent(body) {
  let event;
  try {
    event = JSON.parse(body);
  } catch {
    console.log("webhook: a signed body that is not JSON, ignored");
    return;
  }
  const { type, id } = event.meta?.event ?? {};
  console.log(`webhook: ${type} (event ${id}) about ${event.data?.type} ${event.data?.id}`);
}

export default {
  async fetch(request, env, ctx) {
    const { pathname } = new URL(request.url);
    if (pathname === "/webhooks/ankorstore") return receiveWebhook(request, env, ctx);
    if (pathname !== "/me") {
      return json({ error: { code: "not_found", message: `No route ${pathname}: try GET /me` } }, 404);
    }
    if (request.method !== "GET" && request.method !== "HEAD") {
      return json({ error: { code: "method_not_allowed", message: "Use GET /me" } }, 405, { allow: "GET, HEAD" });
    }
    try {
      const user = await getClient(env).me();
      return json(user);
    } catch (error) {
      return errorResponse(error, env);
    }
  },
};

// Signed webhook deliveries, as Ankorstore sends them: a POST of the event's JSON body with a
// `signature` header, the lower-case hex HMAC-SHA256 of the raw body keyed with the webhook
// subscription's signing secret (`hash_hmac('sha256', $payload, $secret)` in the docs).
import http from "node:http";
import https from "node:https";
import { createHmac } from "node:crypto";

/** Ways to spoil a delivery for negative tests. */
export const TAMPER = Object.freeze({
  signature: "signed with another secret",
  body: "signed, then the body changed (one field)",
  missing: "no signature header",
  empty: "an empty signature header",
});

const MAX_ANSWER_BYTES = 64 * 1024;

/** hash_hmac('sha256', $payload, $secret): lower-case hex. */
export function signWebhook(payload, secret) {
  return createHmac("sha256", secret).update(payload).digest("hex");
}

function isLoopback(hostname) {
  const host = hostname.replace(/^\[|\]$/g, "").toLowerCase();
  return host === "localhost" || host === "::1" || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

/** The receiver's URL: http(s) on a loopback address only (the mock never calls out). */
export function checkReceiverUrl(url) {
  let parsed;
  try {
    parsed = new URL(url);
  } catch {
    throw new TypeError("url must be an absolute http(s) URL");
  }
  if (!/^https?:$/.test(parsed.protocol) || parsed.username || parsed.password) {
    throw new TypeError("url must be an absolute http(s) URL without credentials");
  }
  if (!isLoopback(parsed.hostname)) {
    throw new TypeError("webhook deliveries only go to loopback receivers (127.0.0.0/8, localhost, [::1])");
  }
  return parsed;
}

/** The same body with one value changed: what a tampered delivery carries. */
function tamperedBody(payload) {
  try {
    const doc = JSON.parse(payload);
    if (typeof doc?.meta?.event?.timestamp === "number") {
      doc.meta.event.timestamp += 1;
      return JSON.stringify(doc);
    }
  } catch {
    // not JSON: change the text itself
  }
  return `${payload} `;
}

/**
 * POSTs one webhook. `payload`: the raw body (string); `secret`: the signing secret;
 * `tamper`: a key of TAMPER or undefined. Resolves to
 * { status, headers, body, signature (the header sent, or null), payload (the bytes sent) };
 * rejects when the receiver cannot be reached or does not answer within `timeoutMs`.
 */
export function deliverWebhook({ url, payload, secret, tamper, timeoutMs = 5000 }) {
  const target = checkReceiverUrl(url);
  let signature = null;
  let sent = payload;
  if (tamper === "signature") signature = signWebhook(payload, `${secret}-not-the-secret`);
  else if (tamper === "empty") signature = "";
  else if (tamper === "body") {
    signature = signWebhook(payload, secret);
    sent = tamperedBody(payload);
  } else if (tamper !== "missing") signature = signWebhook(payload, secret);

  const headers = {
    "content-type": "application/json",
    "content-length": String(Buffer.byteLength(sent)),
    "user-agent": "ankorstore-mock-webhooks",
    ...(signature !== null && { signature }),
  };
  const transport = target.protocol === "https:" ? https : http;
  return new Promise((resolve, reject) => {
    const request = transport.request(target, { method: "POST", headers, agent: false }, (response) => {
      const chunks = [];
      let size = 0;
      response.on("data", (chunk) => {
        size += chunk.length;
        if (size <= MAX_ANSWER_BYTES) chunks.push(chunk);
      });
      response.on("end", () => {
        clearTimeout(timer);
        resolve({
          status: response.statusCode,
          headers: { ...response.headers },
          body: Buffer.concat(chunks).toString("utf8"),
          signature,
          payload: sent,
        });
      });
      response.on("error", (error) => {
        clearTimeout(timer);
        reject(new Error(`the webhook receiver broke the connection (${error.code ?? error.name})`));
      });
    });
    const timer = setTimeout(() => {
      request.destroy();
      reject(new Error(`the webhook receiver did not answer within ${timeoutMs} ms`));
    }, timeoutMs);
    request.on("error", (error) => {
      clearTimeout(timer);
      reject(new Error(`the webhook receiver could not be reached (${error.code ?? error.name})`));
    });
    request.end(sent);
  });
}

// Reverse proxy to ONE fixed origin per mount (the built-in mock, the Ankorstore sandbox,
// Ankorstore production). The upstream never comes from the request: the request only
// chooses a path under that origin, checked segment by segment, and the final URL is
// verified to still be on that origin. Redirects are not followed (nor passed on), cookies
// and hop-by-hop headers never cross, and links in JSON bodies that point at the upstream are
// rewritten to this server's prefix so that the page can follow `links.next` same-origin.
import http from "node:http";
import https from "node:https";

import { HttpError, safeSegments } from "./security.mjs";

/** Request headers worth sending upstream; everything else (cookies, origin, referer…) stays. */
const FORWARDED_REQUEST_HEADERS = ["accept", "accept-language", "authorization", "content-type", "user-agent"];

/** Response headers passed back; set-cookie, location, hop-by-hop and debug headers are not. */
const FORWARDED_RESPONSE_HEADERS = [
  "content-type", "content-language", "cache-control", "date", "etag", "last-modified",
  "retry-after", "www-authenticate", "x-ratelimit-limit", "x-ratelimit-remaining", "x-ratelimit-reset",
];

const MAX_UPSTREAM_BYTES = 8 * 1024 * 1024;
const API_METHODS = new Set(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"]);

/** What may be asked of the real Ankorstore: the token endpoint and the v1 API, nothing else. */
export function ankorstoreRoutes(method, path) {
  if (path === "/oauth/token") {
    if (method !== "POST") throw new HttpError(405, "The token endpoint only accepts POST.", { allow: "POST" });
    return;
  }
  if (path.startsWith("/api/v1/") && path.length > "/api/v1/".length) {
    if (!API_METHODS.has(method)) throw new HttpError(405, "Method not allowed.", { allow: [...API_METHODS].join(", ") });
    return;
  }
  throw new HttpError(404, "Only /oauth/token and /api/v1/* are proxied to Ankorstore.");
}

/** The built-in mock: any path (its /__mock controls included), the usual methods. */
export function mockRoutes(method) {
  if (!API_METHODS.has(method) && method !== "OPTIONS") throw new HttpError(405, "Method not allowed.");
}

/** The upstream URL for `rawPath` + `search`, refused unless it stays on `origin` unchanged. */
export function upstreamUrl(origin, rawPath, search) {
  safeSegments(rawPath);
  const url = new URL(origin + rawPath + search);
  if (url.origin !== origin || url.pathname !== rawPath || url.username || url.password) {
    throw new HttpError(400, "This path cannot be proxied.");
  }
  return url;
}

function isJson(type) {
  return /^application\/(?:[\w.-]+\+)?json\s*(?:;|$)/i.test(type ?? "");
}

/**
 * Replaces the upstream origin by this server's prefix in a JSON text (links.next, links.self…),
 * in plain and in slash-escaped form ("https:\/\/…", as PHP writes JSON). The text is edited,
 * not re-serialised, so every other byte (large numbers included) stays as sent.
 */
export function rewriteLinks(text, from, to) {
  const escape = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  for (const [f, t] of [[from, to], [from.replaceAll("/", "\\/"), to.replaceAll("/", "\\/")]]) {
    // Only a whole origin: followed by a path, a query, an escape or the end of the string.
    text = text.replace(new RegExp(`${escape(f)}(?=["/?\\\\])`, "g"), () => t);
  }
  return text;
}

function upstreamError(status, detail) {
  const err = new HttpError(status, detail);
  err.jsonApi = true;
  return err;
}

/**
 * Sends the request to `url` and resolves to { status, headers, body } (body a Buffer).
 * Rejects with an HttpError 502/504 when the upstream cannot be reached or is too slow.
 */
function send(url, { method, headers, body, timeoutMs, signal }) {
  const transport = url.protocol === "https:" ? https : http;
  return new Promise((resolve, reject) => {
    const upstream = transport.request(url, {
      method, headers, signal, agent: false,
      // Only the verified URL is used: no proxy env var, no redirect handling (http never follows).
    }, (response) => {
      const chunks = [];
      let size = 0;
      response.on("data", (chunk) => {
        size += chunk.length;
        if (size > MAX_UPSTREAM_BYTES) {
          upstream.destroy();
          reject(upstreamError(502, `The answer of ${url.host} is larger than this demo accepts.`));
        } else chunks.push(chunk);
      });
      response.on("end", () => resolve({ status: response.statusCode, headers: response.headers, body: Buffer.concat(chunks) }));
      response.on("error", () => reject(upstreamError(502, `The connection to ${url.host} broke during the answer.`)));
    });
    upstream.setTimeout(timeoutMs, () => {
      upstream.destroy();
      reject(upstreamError(504, `${url.host} did not answer within ${timeoutMs < 1000 ? `${timeoutMs} ms` : `${Math.round(timeoutMs / 1000)} s`}.`));
    });
    upstream.on("error", (error) => {
      if (signal?.aborted) return reject(new HttpError(499, "Client closed the request."));
      // Only the error code: messages can embed addresses, never secrets, but stay terse.
      const code = /^[A-Z_]+$/.test(error?.code ?? "") ? ` (${error.code})` : "";
      reject(upstreamError(502, `The demo server could not reach ${url.host}${code}. Check the internet connection.`));
    });
    upstream.end(body.length ? body : undefined);
  });
}

/**
 * Forwards one request. `origin` is the fixed upstream, `publicPrefix` the absolute URL of the
 * mount point as the browser sees it (e.g. http://127.0.0.1:8080/sandbox).
 */
export async function forward(req, res, { origin, rawPath, search, body, publicPrefix, timeoutMs, headers: extra, signal }) {
  const url = upstreamUrl(origin, rawPath, search);
  const headers = { "accept-encoding": "identity" };
  for (const name of FORWARDED_REQUEST_HEADERS) {
    if (typeof req.headers[name] === "string") headers[name] = req.headers[name];
  }
  if (body.length || !["GET", "HEAD", "OPTIONS", "DELETE"].includes(req.method)) headers["content-length"] = String(body.length);

  const answer = await send(url, { method: req.method, headers, body, timeoutMs, signal });

  const out = { ...extra, "cache-control": "no-store" };
  for (const name of FORWARDED_RESPONSE_HEADERS) {
    if (answer.headers[name] !== undefined && name !== "cache-control") out[name] = answer.headers[name];
  }
  let payload = answer.body;
  if (payload.length && isJson(answer.headers["content-type"])) {
    payload = Buffer.from(rewriteLinks(payload.toString("utf8"), origin, publicPrefix));
  }
  out["content-length"] = String(payload.length);
  res.writeHead(answer.status, out);
  res.end(req.method === "HEAD" ? undefined : payload);
}

// Reverse proxy to ONE fixed origin per mount (the Ankorstore sandbox, Ankorstore production;
// the built-in mock is served in-process by the demo server itself). The upstream never comes from the request: the request only
// chooses a path under that origin, checked segment by segment, and the final URL is
// verified to still be on that origin. Redirects are not followed (nor passed on), cookies
// and hop-by-hop headers never cross, and links in JSON bodies that point at the upstream are
// rewritten to this server's prefix so that the page can follow `links.next` same-origin; a
// link that would lead anywhere else on this server (dot segments, or this server's own
// address in an upstream's answer) is replaced by null. Each exchange has a total deadline.
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

/** What may be asked of Ankorstore (or the built-in mock): the token endpoint and the v1 API, nothing else. */
export function ankorstoreRoutes(method, path) {
  if (path === "/oauth/token") {
    if (method !== "POST") throw new HttpError(405, "The token endpoint only accepts POST.", { allow: "POST" });
    return;
  }
  if (path.startsWith("/api/v1/") && path.length > "/api/v1/".length) {
    if (!API_METHODS.has(method)) throw new HttpError(405, "Method not allowed.", { allow: [...API_METHODS].join(", ") });
    return;
  }
  throw new HttpError(404, "Only /oauth/token and /api/v1/* are served under this prefix.");
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

/** A JSON string token (the text is valid JSON: strings are the only tokens with quotes). */
const JSON_STRING = /"[^"\\]*(?:\\.[^"\\]*)*"/g;

/**
 * A path (no query) whose segments no URL parser would change, that this server would also
 * accept: no ".", "..", "%2e"… segment, no encoded slash or backslash, no empty segment.
 */
function isStablePath(path) {
  if (path === "") return true;
  try {
    safeSegments(path);
    return true;
  } catch {
    return false;
  }
}

/**
 * Does a URL parser see a dot segment in `path`? It drops tabs and newlines, reads "\" as
 * "/" (http and https), and "%2e" (any case) as ".".
 */
function hasDotSegment(path) {
  return path.replace(/[\t\n\r]/g, "").split(/[/\\]/).some((segment) => /^(?:\.|%2e){1,2}$/i.test(segment));
}

/**
 * What becomes of one JSON string `value` of an upstream answer: itself, its rewritten form,
 * or null (the value is replaced by JSON null).
 * - a URL on the upstream origin, spelled exactly `from` + a path with no dot segment (raw
 *   or percent-encoded), backslash, encoded slash, empty segment, space or control character:
 *   rewritten to `to` + the same path and query;
 * - any other spelling of a URL on the upstream origin, and any URL on this server itself
 *   (`selfHosts`, however written: an upstream has no business naming this server): null;
 * - a path-absolute reference ("/…") that a URL parser would normalise: null;
 * - anything else (other sites, prose, ids) is left alone: the client sends its token to its
 *   own origin only, and the page's CSP allows no other.
 */
function rewriteLink(value, from, to, selfHosts) {
  if (value.startsWith("/") || value.startsWith("\\")) {
    return hasDotSegment(/^[^?#]*/.exec(value)[0]) ? null : value;
  }
  let url;
  try {
    url = new URL(value);
  } catch {
    return value;
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return value;
  if (selfHosts.includes(url.host)) return null;
  if (url.origin !== from) return value;
  if (!value.startsWith(from)) return null;
  const rest = value.slice(from.length);
  if (rest !== "" && !/^[/?#]/.test(rest)) return null;
  if (/[\\\x00-\x20\x7f]/.test(rest)) return null;
  if (!isStablePath(/^[^?#]*/.exec(rest)[0])) return null;
  return to + rest;
}

/**
 * Rewrites the links of an upstream's JSON text (links.next, links.self…) to this server's
 * prefix, per rewriteLink. Keys are left alone. The text is edited, not re-serialised, so
 * every other byte (large numbers included) stays as sent; a body that is not valid JSON is
 * not touched (the client refuses it anyway).
 */
export function rewriteLinks(text, from, to, { selfHosts = [] } = {}) {
  try {
    JSON.parse(text);
  } catch {
    return text;
  }
  const afterToken = /\s*/y;
  return text.replace(JSON_STRING, (token, offset) => {
    afterToken.lastIndex = offset + token.length;
    afterToken.exec(text);
    if (text[afterToken.lastIndex] === ":") return token; // an object key: never followed
    const value = JSON.parse(token);
    const link = rewriteLink(value, from, to, selfHosts);
    if (link === value) return token;
    return link === null ? "null" : JSON.stringify(link);
  });
}

function upstreamError(status, detail) {
  const err = new HttpError(status, detail);
  err.jsonApi = true;
  return err;
}

function describe(ms) {
  return ms < 1000 ? `${ms} ms` : `${Math.round(ms / 1000)} s`;
}

/**
 * Sends the request to `url` and resolves to { status, headers, body } (body a Buffer).
 * Rejects with an HttpError 502/504 when the upstream cannot be reached, breaks, or has not
 * finished its whole answer within `timeoutMs` (a total deadline: an upstream that drips
 * bytes is cut off as surely as one that says nothing).
 */
function send(url, { method, headers, body, timeoutMs, signal }) {
  const transport = url.protocol === "https:" ? https : http;
  return new Promise((resolve, reject) => {
    let upstream;
    const settle = (fn, value) => {
      clearTimeout(deadline);
      fn(value);
    };
    const deadline = setTimeout(() => {
      upstream.destroy();
      settle(reject, upstreamError(504, `${url.host} did not answer within ${describe(timeoutMs)}.`));
    }, timeoutMs);
    upstream = transport.request(url, {
      method, headers, signal, agent: false,
      // Only the verified URL is used: no proxy env var, no redirect handling (http never follows).
    }, (response) => {
      const chunks = [];
      let size = 0;
      response.on("data", (chunk) => {
        size += chunk.length;
        if (size > MAX_UPSTREAM_BYTES) {
          upstream.destroy();
          settle(reject, upstreamError(502, `The answer of ${url.host} is larger than this demo accepts.`));
        } else chunks.push(chunk);
      });
      response.on("end", () => settle(resolve, { status: response.statusCode, headers: response.headers, body: Buffer.concat(chunks) }));
      response.on("error", () => settle(reject, upstreamError(502, `The connection to ${url.host} broke during the answer.`)));
    });
    upstream.on("error", (error) => {
      if (signal?.aborted) return settle(reject, new HttpError(499, "Client closed the request."));
      // Only the error code: messages can embed addresses, never secrets, but stay terse.
      const code = /^[A-Z_]+$/.test(error?.code ?? "") ? ` (${error.code})` : "";
      settle(reject, upstreamError(502, `The demo server could not reach ${url.host}${code}. Check the internet connection.`));
    });
    upstream.end(body.length ? body : undefined);
  });
}

/** The request headers an upstream (or the built-in mock) gets: FORWARDED_REQUEST_HEADERS only. */
export function forwardedRequestHeaders(req, body) {
  const headers = { "accept-encoding": "identity" };
  for (const name of FORWARDED_REQUEST_HEADERS) {
    if (typeof req.headers[name] === "string") headers[name] = req.headers[name];
  }
  if (body.length || !["GET", "HEAD", "OPTIONS", "DELETE"].includes(req.method)) headers["content-length"] = String(body.length);
  return headers;
}

/**
 * Writes an upstream's (or the built-in mock's) answer { status, headers, body } to the
 * browser: FORWARDED_RESPONSE_HEADERS only, `extra` (the security headers), no caching;
 * `rewrite(text)` is applied to JSON bodies.
 */
export function writeAnswer(req, res, answer, { extra, rewrite = null }) {
  const out = { ...extra, "cache-control": "no-store" };
  for (const name of FORWARDED_RESPONSE_HEADERS) {
    if (answer.headers[name] !== undefined && name !== "cache-control") out[name] = answer.headers[name];
  }
  let payload = answer.body;
  if (rewrite && payload.length && isJson(answer.headers["content-type"])) {
    payload = Buffer.from(rewrite(payload.toString("utf8")));
  }
  out["content-length"] = String(payload.length);
  res.writeHead(answer.status, out);
  res.end(req.method === "HEAD" ? undefined : payload);
}

/**
 * Forwards one request. `origin` is the fixed upstream, `publicPrefix` the absolute URL of the
 * mount point as the browser sees it (e.g. http://127.0.0.1:8080/sandbox), `selfHosts` the
 * host[:port] names of this server (links to them are dropped).
 */
export async function forward(req, res, { origin, rawPath, search, body, publicPrefix, selfHosts, timeoutMs, headers: extra, signal }) {
  const url = upstreamUrl(origin, rawPath, search);
  const headers = forwardedRequestHeaders(req, body);
  const answer = await send(url, { method: req.method, headers, body, timeoutMs, signal });
  writeAnswer(req, res, answer, { extra, rewrite: (text) => rewriteLinks(text, origin, publicPrefix, { selfHosts }) });
}

// The demo server's guards: security headers on every answer, the Host check (DNS
// rebinding), the request-target check, the body size limit, and a log line that can never
// carry a secret.

export const CSP = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'", // the package compiles its .wasm in the page
  "connect-src 'self'", // every call goes to this server: no CORS, no other host
  "style-src 'self'",
  "img-src 'self' data:",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'self'",
].join("; ");

export const SECURITY_HEADERS = Object.freeze({
  "content-security-policy": CSP,
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
  "x-frame-options": "DENY",
  "cross-origin-opener-policy": "same-origin",
  "cross-origin-resource-policy": "same-origin",
  "permissions-policy": "camera=(), microphone=(), geolocation=(), payment=()",
});

export const MAX_BODY_BYTES = 64 * 1024;

/** An error that becomes an HTTP answer (status + a sentence); never carries request data. */
export class HttpError extends Error {
  constructor(status, message, headers = {}) {
    super(message);
    this.status = status;
    this.headers = headers;
  }
}

/**
 * Only the names this server is reached by are accepted: a page on another site whose DNS
 * name was rebound to 127.0.0.1 sends its own name in Host and is refused.
 */
export function checkHost(req, port) {
  // Node keeps the first of several Host headers: several are refused outright.
  if ((req.headersDistinct?.host?.length ?? 0) > 1) throw new HttpError(400, "Several Host headers.");
  const hostHeader = req.headers.host;
  if (typeof hostHeader !== "string") throw new HttpError(400, "Missing Host header.");
  const allowed = [`127.0.0.1:${port}`, `localhost:${port}`];
  const host = hostHeader.trim().toLowerCase();
  if (!allowed.includes(host)) {
    throw new HttpError(421, "This demo server only answers to 127.0.0.1 and localhost.");
  }
  return host;
}

/**
 * The API mounts are for this page only: a page of another site (which can send "simple"
 * cross-site requests to 127.0.0.1 without a preflight) is refused by its Origin or by the
 * browser's Sec-Fetch-Site. Clients that send neither (curl, Node) are not browsers: allowed.
 */
export function checkSameOrigin(req, host) {
  const origin = req.headers.origin;
  if (origin !== undefined && origin !== `http://${host}`) {
    throw new HttpError(403, "Cross-origin requests are refused: use the page served by this server.");
  }
  const site = req.headers["sec-fetch-site"];
  if (site !== undefined && site !== "same-origin" && site !== "none") {
    throw new HttpError(403, "Cross-site requests are refused: use the page served by this server.");
  }
}

/**
 * Origin-form targets only ("/path?query"): absolute-form ("http://other/…"), authority-form
 * and asterisk-form targets, protocol-relative paths and raw backslashes or control
 * characters are refused before any routing.
 */
export function parseTarget(rawUrl) {
  if (typeof rawUrl !== "string" || !rawUrl.startsWith("/") || rawUrl.startsWith("//")) {
    throw new HttpError(400, "Only origin-form request targets (/path) are accepted.");
  }
  if (/[\\\x00-\x20\x7f]/.test(rawUrl) || rawUrl.includes("#")) {
    throw new HttpError(400, "Malformed request target.");
  }
  const q = rawUrl.indexOf("?");
  return { path: q < 0 ? rawUrl : rawUrl.slice(0, q), search: q < 0 ? "" : rawUrl.slice(q) };
}

/**
 * Splits a raw path into decoded segments, refusing anything that could change which file or
 * upstream path is meant: empty, "." and ".." segments (encoded or not), encoded slashes or
 * backslashes, bad percent-encoding and NUL.
 */
export function safeSegments(rawPath) {
  const parts = rawPath.split("/").slice(1);
  return parts.map((part, index) => {
    // A trailing slash ("/dir/") is the only empty segment allowed.
    if (part === "" && index === parts.length - 1) return "";
    let decoded;
    try {
      decoded = decodeURIComponent(part);
    } catch {
      throw new HttpError(400, "Malformed percent-encoding in the path.");
    }
    if (decoded === "" || decoded === "." || decoded === ".." || /[/\\\x00]/.test(decoded)) {
      throw new HttpError(400, "Path segments must not be empty, '.', '..' or contain slashes.");
    }
    return decoded;
  });
}

/** Reads the request body, at most `limit` bytes; a larger body is refused with 413. */
export async function readBody(req, limit = MAX_BODY_BYTES) {
  const declared = req.headers["content-length"];
  if (declared !== undefined && Number(declared) > limit) {
    throw new HttpError(413, `Request bodies are limited to ${limit} bytes.`);
  }
  const chunks = [];
  let size = 0;
  for await (const chunk of req) {
    size += chunk.length;
    if (size > limit) throw new HttpError(413, `Request bodies are limited to ${limit} bytes.`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/**
 * "METHOD /path STATUS": the path without its query (queries may hold anything), with
 * control characters removed and a length cap. Never headers, never bodies.
 */
export function logLine(method, rawUrl, status) {
  let path = typeof rawUrl === "string" && rawUrl.startsWith("/") ? rawUrl.split("?")[0] : "(refused target)";
  path = path.replace(/[\x00-\x1f\x7f]/g, "?");
  if (path.length > 200) path = `${path.slice(0, 200)}…`;
  const verb = /^[A-Z]{1,16}$/.test(method ?? "") ? method : "?";
  return `${verb} ${path} ${status}`;
}

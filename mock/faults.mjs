// Scripted faults: validation, per-route queues, and the responses they replace.
//
// A fault has two independent halves:
// - what is answered (status, body, html, echoSecret, retryAfter): `faultResponse` builds
//   it, or returns null so the route answers normally;
// - how it is delivered (delayMs, hang, reset, truncate, slowBodyMs, headers): applied by
//   the server around whichever response was chosen.

import { errorResponse, json, jsonApi, jsonApiErrorDoc, lowerKeys, nginxErrorPage, response, JSON_TYPE, JSONAPI_TYPE } from "./responses.mjs";

/** Queue names accepted by `script()` (the route names of server.mjs). "api" catches any /api/* request. */
export const FAULT_ROUTES = Object.freeze([
  "token", "me", "orders", "order", "accept", "reject", "products", "product", "applications",
  "webhook-events", "webhook-create", "webhook-update", "webhook", "echo", "api",
]);

const isBool = (v) => typeof v === "boolean";
const isDuration = (v) => Number.isFinite(v) && v >= 0;
const FAULT_FIELDS = {
  status: (v) => Number.isInteger(v) && v >= 100 && v <= 599,
  headers: (v) => v !== null && typeof v === "object" && !Array.isArray(v),
  body: (v) => typeof v === "string" || (v !== null && typeof v === "object"),
  delayMs: isDuration,
  hang: isBool,
  reset: isBool,
  html: isBool,
  truncate: isBool,
  slowBodyMs: isDuration,
  echoSecret: isBool,
  retryAfter: (v) => isDuration(v) || typeof v === "string",
  count: (v) => Number.isInteger(v) && v >= 1,
  passthrough: isBool,
};

/** Rejects typos early: a misspelt fault would otherwise silently pass through. */
function validateFault(fault) {
  if (fault === null || typeof fault !== "object" || Array.isArray(fault)) {
    throw new TypeError("a fault must be an object");
  }
  for (const [key, value] of Object.entries(fault)) {
    const valid = FAULT_FIELDS[key];
    if (!valid) throw new TypeError(`unknown fault field "${key}"`);
    if (!valid(value)) throw new TypeError(`invalid value for fault field "${key}"`);
  }
  return { ...fault, headers: fault.headers && lowerKeys(fault.headers) };
}

/** FIFO queues of faults, one per route name. */
export class FaultQueues {
  #queues = new Map();

  add(route, faults) {
    if (!FAULT_ROUTES.includes(route)) {
      throw new TypeError(`unknown fault route "${route}" (expected one of ${FAULT_ROUTES.join(", ")})`);
    }
    const list = (Array.isArray(faults) ? faults : [faults]).map(validateFault);
    const queue = this.#queues.get(route) ?? [];
    for (const fault of list) queue.push({ fault, remaining: fault.count ?? 1 });
    this.#queues.set(route, queue);
  }

  /** Consumes the next fault of the first non-empty queue among `routes` (priority order). */
  take(routes) {
    for (const route of routes) {
      const queue = this.#queues.get(route);
      if (!queue?.length) continue;
      const entry = queue[0];
      if (--entry.remaining === 0) queue.shift();
      return entry.fault;
    }
    return null;
  }

  clear() {
    this.#queues.clear();
  }
}

/**
 * Does the fault decide what is answered (as opposed to only how)? A bare success or
 * redirect status does not: the normal answer is sent with that status instead
 * (see `statusOverride`), e.g. a 302 with a Location header to test redirect handling.
 */
function replacesResponse(fault) {
  if (statusOverride(fault) !== undefined) return false;
  return ["status", "body", "html", "echoSecret", "retryAfter"].some((k) => fault[k] !== undefined);
}

/** The status to put on the normal answer, for a fault that only says `status: <400`. */
export function statusOverride(fault) {
  const onlyStatus = ["body", "html", "echoSecret", "retryAfter"].every((k) => fault[k] === undefined);
  return onlyStatus && !fault.passthrough && fault.status < 400 ? fault.status : undefined;
}

/**
 * The response a fault substitutes for the normal one, or null to answer normally.
 * `ctx`: { style: "passport"|"laravel"|"jsonapi", secret, token, rateLimit }.
 */
export function faultResponse(fault, ctx) {
  if (fault.passthrough || !replacesResponse(fault)) return null;
  if (fault.html) return nginxErrorPage(fault.status ?? 502);
  if (fault.echoSecret) return echoSecretResponse(fault, ctx);
  if (fault.retryAfter !== undefined) return retryAfterResponse(fault, ctx);
  const status = fault.status ?? 200;
  if (fault.body === undefined) return errorResponse(ctx.style, status);
  const type = ctx.style === "jsonapi" ? JSONAPI_TYPE : JSON_TYPE;
  const body = typeof fault.body === "string" ? fault.body : JSON.stringify(fault.body);
  return response(status, body, { "content-type": type });
}

/** 429 with Retry-After, the way Laravel's throttle middleware answers. */
function retryAfterResponse(fault, ctx) {
  const status = fault.status ?? 429;
  const headers = {
    "retry-after": String(fault.retryAfter),
    "x-ratelimit-limit": String(ctx.rateLimit),
    "x-ratelimit-remaining": "0",
  };
  if (typeof fault.retryAfter === "number") {
    headers["x-ratelimit-reset"] = String(Math.ceil(Date.now() / 1000 + fault.retryAfter));
  }
  if (fault.body !== undefined) {
    const body = typeof fault.body === "string" ? fault.body : JSON.stringify(fault.body);
    return response(status, body, { "content-type": ctx.style === "jsonapi" ? JSONAPI_TYPE : JSON_TYPE, ...headers });
  }
  return errorResponse(ctx.style, status, {}, headers);
}

/**
 * A careless server that reflects credentials: lets tests check that the client redacts
 * the secret and the token from everything it surfaces.
 */
function echoSecretResponse(fault, ctx) {
  if (ctx.style === "passport") {
    const secret = ctx.secret ?? "";
    return json(fault.status ?? 401, {
      error: "invalid_client",
      error_description: `bad secret ${secret}`,
      message: `Client authentication failed for client_secret=${encodeURIComponent(secret)} (${secret})`,
      hint: secret,
    });
  }
  const token = ctx.token ?? "";
  const status = fault.status ?? 422;
  const doc = jsonApiErrorDoc(status, {
    title: `Invalid token ${token}`,
    detail: `The access token ${token} was rejected`,
    source: { parameter: token, pointer: `/headers/authorization/Bearer ${token}` },
    meta: { token },
  });
  // /api/v1/me is a Laravel route: its errors carry a top-level "message".
  if (ctx.style === "laravel") doc.message = `Unauthenticated: Bearer ${token}`;
  return jsonApi(status, doc, { "x-debug-token": token });
}

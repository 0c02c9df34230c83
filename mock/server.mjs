// Mock Ankorstore API server for tests and local demos (Node 20, no dependencies).
//
//   node mock/server.mjs [--port N]      (default 8787, always on 127.0.0.1)
//   import { startMock } from "./mock/server.mjs"
//
// It mimics the parts of Ankorstore the client talks to: the Passport token endpoint with its
// 60-requests-per-hour limit, the non-JSON:API /api/v1/me, JSON:API orders and products with
// cursor pagination, rate-limit headers, webhook subscriptions and signed webhook deliveries,
// plus scriptable faults and test controls. See mock/README.md.
//
// Two ways to run it: `startMock()` listens on a loopback port (API routes with CORS for
// browser tests; /__mock/* controls for this machine only: no CORS, other origins and other
// Host names refused), and `createMock()` serves it in-process through `dispatch()`, without
// any socket (the demo server does that).

import http from "node:http";
import { randomBytes, randomUUID } from "node:crypto";
import { realpathSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";

import {
  ACTIONABLE_STATUS, ORDER_STATUSES, REJECT_TYPES, USER, WEBHOOK_EVENTS, applicationResource,
  createOrders, createProducts, isoTime, orderListResource, orderResource, productListResource,
  productResource, retailerResource, variantResources, webhookEventResources, webhookSubscriptionResource,
} from "./data.mjs";
import { FaultQueues, faultResponse, statusOverride } from "./faults.mjs";
import { redactRequest } from "./redact.mjs";
import { TAMPER, deliverWebhook as sendWebhook } from "./webhooks.mjs";
import {
  JSONAPI_TYPE, OAUTH_ERRORS, errorResponse, json, jsonApi, jsonApiError, laravelBody, noContent,
} from "./responses.mjs";

export const DEMO_CLIENT_ID = "demo-client-id";
export const DEMO_CLIENT_SECRET = "demo-client-secret";

const DEFAULT_PORT = 8787;
const HOUR_MS = 3600 * 1000;
const MINUTE_MS = 60 * 1000;
const API_RATE_LIMIT = 600; // per minute, as documented; reported in headers, enforced on request
const REQUEST_LOG_SIZE = 200;
const DEFAULT_PAGE_LIMIT = 10;
const MAX_PAGE_LIMIT = 50;

// =======================================================================================
// Configuration

const CONFIG_CHECKS = {
  clients: (v) => v !== null && typeof v === "object" && !Array.isArray(v) &&
    Object.values(v).every((s) => typeof s === "string"),
  tokenTtl: (v) => Number.isFinite(v) && v >= 0,
  tokenLimitPerHour: (v) => Number.isInteger(v) && v >= 0,
  quiet: (v) => typeof v === "boolean",
  alwaysUnauthorized: (v) => typeof v === "boolean",
  apiRateLimit: (v) => Number.isInteger(v) && v >= 1,
  enforceApiRateLimit: (v) => typeof v === "boolean",
  missingLinks: (v) => v === "null" || v === "omit",
};

function defaultConfig() {
  return {
    clients: { [DEMO_CLIENT_ID]: DEMO_CLIENT_SECRET },
    tokenTtl: 3600,
    tokenLimitPerHour: 60,
    quiet: true,
    alwaysUnauthorized: false,
    apiRateLimit: API_RATE_LIMIT,
    enforceApiRateLimit: false,
    missingLinks: "null",
  };
}

function copyConfig(config) {
  return { ...config, clients: { ...config.clients } };
}

/** Validates and applies a partial config; `clients`, when given, replaces the whole map. */
function applyConfig(config, partial) {
  if (partial === null || typeof partial !== "object" || Array.isArray(partial)) {
    throw new TypeError("config must be an object");
  }
  const given = Object.fromEntries(Object.entries(partial).filter(([, v]) => v !== undefined));
  for (const [key, value] of Object.entries(given)) {
    const valid = CONFIG_CHECKS[key];
    if (!valid) throw new TypeError(`unknown config field "${key}"`);
    if (!valid(value)) throw new TypeError(`invalid value for config field "${key}"`);
  }
  Object.assign(config, copyConfig({ ...config, ...given }));
  return config;
}

// =======================================================================================
// State: tokens, rate-limit windows, counters, request log, faults, orders

/** Timestamps of hits per key within a rolling window. */
class SlidingWindow {
  #hits = new Map();

  constructor(windowMs) {
    this.windowMs = windowMs;
  }

  /** Hits still inside the window, oldest first (hits arrive in time order: expired ones lead). */
  live(key, now) {
    const hits = this.#hits.get(key) ?? [];
    let expired = 0;
    while (expired < hits.length && hits[expired] <= now - this.windowMs) expired += 1;
    if (expired) hits.splice(0, expired);
    this.#hits.set(key, hits);
    return hits;
  }

}

class MockState {
  constructor(initialConfig, { keepCredentials }) {
    this.initialConfig = copyConfig(initialConfig);
    this.keepCredentials = keepCredentials;
    this.faults = new FaultQueues();
    this.reset();
  }

  reset() {
    this.config = copyConfig(this.initialConfig);
    this.tokens = new Map(); // access token -> { clientId, expiresAt, revoked }
    this.tokenWindow = new SlidingWindow(HOUR_MS);
    this.apiWindow = new SlidingWindow(MINUTE_MS);
    this.counters = { tokenRequests: 0, apiRequests: 0, tokensIssued: 0 };
    this.requests = [];
    this.faults.clear();
    this.orders = createOrders();
    this.products = createProducts();
    this.subscriptions = new Map(); // id -> { id, applicationId, url, events, secret }
  }

  configure(partial) {
    const { revokeAll, ...rest } = partial ?? {};
    if (revokeAll !== undefined && typeof revokeAll !== "boolean") {
      throw new TypeError('invalid value for config field "revokeAll"');
    }
    applyConfig(this.config, rest);
    // A one-shot action rather than a setting: tokens issued later are valid again.
    if (revokeAll) for (const token of this.tokens.values()) token.revoked = true;
  }

  /** The configured client secrets: cut out of every redacted log entry. */
  secrets() {
    return Object.values(this.config.clients);
  }

  /** Logs a request; without `keepCredentials`, its credentials are redacted before they are stored. */
  record(req) {
    const { method, path, query, headers, body } = req;
    const entry = structuredClone({ method, path, query, headers, body });
    this.requests.push(this.keepCredentials ? entry : redactRequest(entry, this.secrets()));
    if (this.requests.length > REQUEST_LOG_SIZE) this.requests.shift();
  }

  issueToken(clientId, scopes) {
    const accessToken = fakeJwt(clientId, scopes, this.config.tokenTtl);
    this.tokens.set(accessToken, {
      clientId,
      expiresAt: Date.now() + this.config.tokenTtl * 1000,
      revoked: false,
    });
    this.counters.tokensIssued += 1;
    return accessToken;
  }

  isValidToken(accessToken) {
    if (this.config.alwaysUnauthorized || !accessToken) return false;
    const token = this.tokens.get(accessToken);
    return Boolean(token) && !token.revoked && Date.now() < token.expiresAt;
  }

  stats() {
    return structuredClone({ ...this.counters, requests: this.requests });
  }

  /** What GET /__mock/stats answers: always redacted, whatever `keepCredentials` says. */
  redactedStats() {
    const secrets = this.secrets();
    return { ...structuredClone(this.counters), requests: this.requests.map((r) => redactRequest(r, secrets)) };
  }
}

/** Three base64url parts like a Passport RS256 JWT; nothing verifies the signature. */
function fakeJwt(clientId, scopes, ttl) {
  const b64 = (value) => Buffer.from(JSON.stringify(value)).toString("base64url");
  const now = Date.now() / 1000;
  const header = b64({ typ: "JWT", alg: "RS256" });
  const payload = b64({
    aud: clientId, jti: randomBytes(40).toString("hex"),
    iat: now, nbf: now, exp: now + ttl, sub: String(USER.id), scopes,
  });
  return `${header}.${payload}.${randomBytes(256).toString("base64url")}`;
}

// =======================================================================================
// Request parsing helpers

async function readBody(raw) {
  const chunks = [];
  for await (const chunk of raw) chunks.push(chunk);
  return Buffer.concat(chunks);
}

/**
 * The request as the routes see it. `target`: the request target ("/path?query"), `origin`:
 * the absolute URL links are built on (the request's Host, or the demo server's mount point).
 */
function parseRequest({ method, target, headers, body, origin, destroy = () => {} }) {
  const url = target.startsWith("/") ? new URL(`http://mock.invalid${target}`) : new URL(target);
  return {
    method,
    path: url.pathname,
    searchParams: url.searchParams,
    query: Object.fromEntries(url.searchParams),
    headers: { ...headers },
    body: Buffer.isBuffer(body) ? body.toString("utf8") : String(body ?? ""),
    origin,
    destroy, // drops the connection (the `reset` fault)
  };
}

function mediaType(headers) {
  return (headers["content-type"] ?? "").split(";")[0].trim().toLowerCase();
}

/** Only a form-encoded body carries token parameters, as on the real endpoint. */
function formParams(req) {
  return mediaType(req.headers) === "application/x-www-form-urlencoded"
    ? new URLSearchParams(req.body)
    : new URLSearchParams();
}

function bearerToken(req) {
  return /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? "")?.[1] ?? null;
}

function decodeSegment(segment) {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

// =======================================================================================
// POST /oauth/token

function tokenRateLimit(state, clientId) {
  const now = Date.now();
  const limit = state.config.tokenLimitPerHour;
  const hits = state.tokenWindow.live(clientId, now);
  if (hits.length >= limit) {
    const retryAfter = hits.length ? Math.max(1, Math.ceil((hits[0] + HOUR_MS - now) / 1000)) : 3600;
    return {
      allowed: false,
      headers: {
        "retry-after": String(retryAfter),
        "x-ratelimit-limit": String(limit),
        "x-ratelimit-remaining": "0",
        "x-ratelimit-reset": String(Math.ceil(now / 1000) + retryAfter),
      },
    };
  }
  hits.push(now); // `hits` is the window's own list
  return {
    allowed: true,
    headers: { "x-ratelimit-limit": String(limit), "x-ratelimit-remaining": String(limit - hits.length) },
  };
}

function handleToken({ req, state }) {
  const form = formParams(req);
  const clientId = form.get("client_id") ?? "";
  const rate = tokenRateLimit(state, clientId);
  if (!rate.allowed) return json(429, laravelBody(429), rate.headers);

  const headers = { ...rate.headers, "cache-control": "no-store", pragma: "no-cache" };
  if (form.get("grant_type") !== "client_credentials") {
    return json(400, OAUTH_ERRORS.unsupportedGrantType, headers);
  }
  const clients = state.config.clients;
  if (!Object.hasOwn(clients, clientId) || clients[clientId] !== form.get("client_secret")) {
    return json(401, OAUTH_ERRORS.invalidClient, headers);
  }
  const scopes = (form.get("scope") ?? "").split(" ").filter(Boolean);
  return json(200, {
    token_type: "Bearer",
    expires_in: state.config.tokenTtl,
    access_token: state.issueToken(clientId, scopes),
  }, headers);
}

// =======================================================================================
// GET /api/v1/orders (cursor pagination) and GET /api/v1/orders/{id}

function badParameter(parameter, detail) {
  return jsonApiError(400, { title: "Bad Request", detail, source: { parameter } });
}

function parsePageLimit(raw) {
  if (raw === null || raw === "") return DEFAULT_PAGE_LIMIT;
  if (!/^\d+$/.test(raw) || Number(raw) < 1) return null;
  return Math.min(Number(raw), MAX_PAGE_LIMIT);
}

function filterOrders(orders, params) {
  const statuses = (params.get("filter[status]") ?? "").split(",").filter(Boolean);
  const unknown = statuses.find((s) => !ORDER_STATUSES.includes(s));
  if (unknown) return { error: badParameter("filter[status]", `Unknown order status "${unknown}"`) };
  const retailer = params.get("filter[retailer]");
  return {
    orders: orders.filter((o) =>
      (!statuses.length || statuses.includes(o.attributes.status)) &&
      (!retailer || o.retailer.id === retailer)),
  };
}

/** Slice of `items` selected by the cursors; `null` when the cursor is unknown. */
function pageWindow(items, limit, after, before) {
  const cursor = after ?? before;
  const index = cursor ? items.findIndex((o) => o.id === cursor) : -1;
  if (cursor && index < 0) return null;
  if (after) return { start: index + 1, end: Math.min(index + 1 + limit, items.length) };
  if (before) return { start: Math.max(0, index - limit), end: index };
  return { start: 0, end: Math.min(limit, items.length) };
}

/** Absolute URL of this listing with other cursors, as Ankorstore builds its links. */
function pageLink(req, cursors) {
  const params = new URLSearchParams(req.searchParams);
  params.delete("page[after]");
  params.delete("page[before]");
  for (const [key, value] of Object.entries(cursors)) params.set(key, value);
  params.sort();
  return `${req.origin}${req.path}?${params}`;
}

function includedRetailers(req, orders) {
  const include = (req.searchParams.get("include") ?? "").split(",");
  if (!include.includes("retailer")) return undefined;
  const retailers = new Map(orders.map((o) => [o.retailer.id, o.retailer]));
  return [...retailers.values()].map(retailerResource);
}

/**
 * One page of a cursor-paginated listing (orders, products): `page[limit]` (default 10,
 * capped at 50), `page[after]`, `page[before]` (ids), `meta.page {from,to,hasMore,perPage}`,
 * `links {first,next,prev}` absolute on the request's origin. A missing next/prev link is
 * `null`, or absent with `missingLinks: "omit"`.
 */
function listPage({ req, state }, all, toResource, included) {
  const params = req.searchParams;
  const limit = parsePageLimit(params.get("page[limit]"));
  if (limit === null) return badParameter("page[limit]", "page[limit] must be a positive integer");
  const after = params.get("page[after]") || null;
  const before = params.get("page[before]") || null;
  if (after && before) return badParameter("page[before]", "page[after] and page[before] cannot be combined");
  const window = pageWindow(all, limit, after, before);
  if (!window) return badParameter(after ? "page[after]" : "page[before]", "Unknown pagination cursor");

  const page = all.slice(window.start, window.end);
  const hasNext = window.end < all.length && page.length > 0;
  const hasPrev = window.start > 0 && page.length > 0;
  const limitParam = { "page[limit]": String(limit) };
  const links = {
    first: pageLink(req, limitParam),
    next: hasNext ? pageLink(req, { ...limitParam, "page[after]": page.at(-1).id }) : null,
    prev: hasPrev ? pageLink(req, { ...limitParam, "page[before]": page[0].id }) : null,
  };
  if (state.config.missingLinks === "omit") {
    for (const key of ["next", "prev"]) if (links[key] === null) delete links[key];
  }
  const doc = {
    meta: {
      page: {
        from: page[0]?.id ?? null,
        hasMore: before ? hasPrev : hasNext,
        perPage: limit,
        to: page.at(-1)?.id ?? null,
      },
    },
    jsonapi: { version: "1.0" },
    links,
    data: page.map(toResource),
  };
  const extra = included?.(page);
  if (extra) doc.included = extra;
  return jsonApi(200, doc);
}

function listOrders(ctx) {
  const filtered = filterOrders(ctx.state.orders, ctx.req.searchParams);
  if (filtered.error) return filtered.error;
  return listPage(ctx, filtered.orders, orderListResource, (page) => includedRetailers(ctx.req, page));
}

function orderNotFound(id) {
  return jsonApiError(404, { title: "Not Found", detail: `Order ${id} not found` });
}

function singleOrderDoc(req, order) {
  const doc = { jsonapi: { version: "1.0" }, data: orderResource(order) };
  const included = includedRetailers(req, [order]);
  if (included) doc.included = included;
  return doc;
}

function getOrder({ req, state, params }) {
  const id = decodeSegment(params[0]);
  const order = state.orders.find((o) => o.id === id);
  return order ? jsonApi(200, singleOrderDoc(req, order)) : orderNotFound(id);
}

// =======================================================================================
// POST /api/v1/orders/{id}/accept and /reject

function unprocessable(detail, pointer, code) {
  return jsonApiError(422, { ...(code && { code }), title: "Unprocessable Content", detail, source: { pointer } });
}

/** The reject payload rules of the OpenAPI requestBody; returns an error response or the reason. */
function rejectReason(payload) {
  const order = payload?.order;
  if (order === null || typeof order !== "object" || Array.isArray(order)) {
    return { error: unprocessable("The order field is required.", "order") };
  }
  const type = order.rejectType ?? "OTHER"; // documented default, for backwards compatibility
  if (!REJECT_TYPES.includes(type)) {
    return { error: unprocessable("The selected order.reject type is invalid.", "order.rejectType") };
  }
  const reason = order.rejectReason;
  if (reason !== undefined && (typeof reason !== "string" || reason.length < 1 || reason.length > 1000)) {
    return { error: unprocessable("The order.reject reason must be between 1 and 1000 characters.", "order.rejectReason") };
  }
  if (type === "OTHER" && reason === undefined) {
    return { error: unprocessable("The order.reject reason is required.", "order.rejectReason") };
  }
  return { reason: reason ?? type };
}

const TRANSITIONS = {
  accept: { verb: "accepted", code: "ORDER_ACTION_ACCEPT_FAILED", to: "brand_confirmed" },
  reject: { verb: "rejected", code: "ORDER_ACTION_REJECT_FAILED", to: "rejected" },
};

function transitionOrder(action) {
  const rule = TRANSITIONS[action];
  return ({ req, state, params }) => {
    // The OpenAPI gives accept no requestBody: an empty body is the documented call.
    const bodyless = action === "accept" && req.body.length === 0;
    if (!bodyless && mediaType(req.headers) !== JSONAPI_TYPE) {
      return jsonApiError(415, {
        title: "Unsupported Media Type",
        detail: `The request body must be sent with Content-Type: ${JSONAPI_TYPE}`,
      });
    }
    let payload = null;
    try {
      if (!bodyless) payload = JSON.parse(req.body);
    } catch {
      return jsonApiError(400, { title: "Bad Request", detail: "The request body is not valid JSON" });
    }
    const id = decodeSegment(params[0]);
    const order = state.orders.find((o) => o.id === id);
    if (!order) return orderNotFound(id);

    const rejection = action === "reject" ? rejectReason(payload) : null;
    if (rejection?.error) return rejection.error;
    if (order.attributes.status !== ACTIONABLE_STATUS) {
      return unprocessable(`Order cannot be ${rule.verb} from this state (${order.attributes.status})`,
        "data.attributes.status", rule.code);
    }
    order.attributes.status = rule.to;
    order.attributes.updatedAt = isoTime(Date.now());
    if (rejection) order.attributes.brandRejectReason = rejection.reason;
    return jsonApi(200, singleOrderDoc(req, order));
  };
}

// =======================================================================================
// GET /api/v1/products (cursor pagination) and GET /api/v1/products/{product}

function listProducts(ctx) {
  return listPage(ctx, ctx.state.products, productListResource);
}

function getProduct({ req, state, params }) {
  const id = decodeSegment(params[0]);
  const product = state.products.find((p) => p.id === id);
  if (!product) return jsonApiError(404, { title: "Not Found", detail: `Product ${id} not found` });
  const doc = { jsonapi: { version: "1.0" }, data: productResource(product) };
  const include = (req.searchParams.get("include") ?? "").split(",");
  if (include.includes("productVariant") || include.includes("productVariants")) doc.included = variantResources(product);
  return jsonApi(200, doc);
}

// =======================================================================================
// Applications and webhook subscriptions

/** The API client (client id) behind the request's token. */
function clientOf(req, state) {
  return state.tokens.get(bearerToken(req))?.clientId ?? Object.keys(state.config.clients)[0] ?? "";
}

function subscriptionsOf(state, applicationId) {
  return [...state.subscriptions.values()].filter((s) => s.applicationId === applicationId);
}

/** GET /api/v1/applications: the client's application; `include=webhookSubscriptions` adds them. */
function getApplications({ req, state }) {
  const application = applicationResource(clientOf(req, state));
  const doc = { jsonapi: { version: "1.0" }, data: application };
  if ((req.searchParams.get("include") ?? "").split(",").includes("webhookSubscriptions")) {
    const subscriptions = subscriptionsOf(state, application.id);
    application.relationships = {
      webhookSubscriptions: { data: subscriptions.map((s) => ({ type: "webhook-subscriptions", id: s.id })) },
    };
    doc.included = subscriptions.map(webhookSubscriptionResource);
  }
  return jsonApi(200, doc);
}

function getWebhookEvents() {
  return jsonApi(200, { data: webhookEventResources() });
}

function badRequest(detail, pointer) {
  return jsonApiError(400, { title: "Bad Request", detail, source: { pointer } });
}

/** The JSON:API body of a webhook-subscription request, or an error response. */
function readJsonApiBody(req) {
  if (mediaType(req.headers) !== JSONAPI_TYPE) {
    return { error: jsonApiError(415, { title: "Unsupported Media Type", detail: `The request body must be sent with Content-Type: ${JSONAPI_TYPE}` }) };
  }
  try {
    const payload = JSON.parse(req.body);
    if (payload?.data === null || typeof payload?.data !== "object" || Array.isArray(payload.data)) {
      return { error: badRequest("The data field is required.", "/data") };
    }
    return { data: payload.data };
  } catch {
    return { error: jsonApiError(400, { title: "Bad Request", detail: "The request body is not valid JSON" }) };
  }
}

/** `attributes.url` and `attributes.events` as the OpenAPI requires them; an error response otherwise. */
function subscriptionAttributes(data) {
  const attributes = data.attributes;
  if (attributes === null || typeof attributes !== "object" || Array.isArray(attributes)) {
    return { error: badRequest("The data.attributes field is required.", "/data/attributes") };
  }
  let url;
  try {
    url = typeof attributes.url === "string" ? new URL(attributes.url) : null;
  } catch {
    url = null;
  }
  if (!url || !/^https?:$/.test(url.protocol)) {
    return { error: badRequest("The data.attributes.url must be a valid URL.", "/data/attributes/url") };
  }
  const events = attributes.events;
  if (!Array.isArray(events) || events.length === 0) {
    return { error: badRequest("The data.attributes.events must have at least 1 item.", "/data/attributes/events") };
  }
  const unknown = events.findIndex((e) => !Object.hasOwn(WEBHOOK_EVENTS, e));
  if (unknown >= 0) return { error: badRequest("The selected event is invalid.", `/data/attributes/events/${unknown}`) };
  if (new Set(events).size !== events.length) {
    return { error: badRequest("The data.attributes.events must not contain duplicates.", "/data/attributes/events") };
  }
  return { url: attributes.url, events: [...events] };
}

/** 40 letters and digits, like the signingSecret of the documentation's example. */
function signingSecret() {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  return [...randomBytes(40)].map((b) => alphabet[b % alphabet.length]).join("");
}

function subscriptionDoc(status, subscription) {
  // ApplicationWebhookSubscriptionResponse: `data` is an array of one resource.
  return jsonApi(status, { jsonapi: { version: "1.0" }, data: [webhookSubscriptionResource(subscription)] });
}

/** POST /api/v1/webhook-subscriptions: 201 with the new subscription and its signing secret. */
function createWebhookSubscription({ req, state }) {
  const body = readJsonApiBody(req);
  if (body.error) return body.error;
  const { data } = body;
  if (data.type !== "webhook-subscription" && data.type !== "webhook-subscriptions") {
    return badRequest('The data.type must be "webhook-subscription".', "/data/type");
  }
  const attributes = subscriptionAttributes(data);
  if (attributes.error) return attributes.error;
  // The OpenAPI schema names it "applications", its guide "application": both are read.
  const relation = data.relationships?.applications ?? data.relationships?.application;
  const applicationId = relation?.data?.id;
  if (typeof applicationId !== "string" || !applicationId) {
    return badRequest("The data.relationships.applications field is required.", "/data/relationships/applications");
  }
  if (applicationId !== applicationResource(clientOf(req, state)).id) {
    return jsonApiError(404, { title: "Not Found", detail: `Application ${applicationId} not found` });
  }
  const subscription = { id: randomUUID(), applicationId, url: attributes.url, events: attributes.events, secret: signingSecret() };
  state.subscriptions.set(subscription.id, subscription);
  return subscriptionDoc(201, subscription);
}

function subscriptionNotFound(id) {
  return jsonApiError(404, { title: "Not Found", detail: `Webhook subscription ${id} not found` });
}

/** The client's own subscription `id`, or undefined. */
function ownSubscription(req, state, id) {
  const subscription = state.subscriptions.get(id);
  return subscription?.applicationId === applicationResource(clientOf(req, state)).id ? subscription : undefined;
}

/** PATCH /api/v1/webhook-subscriptions/{id}: new url and events; the signing secret stays. */
function updateWebhookSubscription({ req, state, params }) {
  const id = decodeSegment(params[0]);
  const subscription = ownSubscription(req, state, id);
  if (!subscription) return subscriptionNotFound(id);
  const body = readJsonApiBody(req);
  if (body.error) return body.error;
  if (body.data.id !== undefined && body.data.id !== id) return badRequest("The data.id does not match the URL.", "/data/id");
  const attributes = subscriptionAttributes(body.data);
  if (attributes.error) return attributes.error;
  Object.assign(subscription, { url: attributes.url, events: attributes.events });
  return subscriptionDoc(200, subscription);
}

// =======================================================================================
// Webhook deliveries (mock.deliverWebhook, POST /__mock/webhooks/deliver)

/** The order a default event body is about: `orderId`, else the first whose status fits the event. */
function orderFor(state, event, orderId) {
  if (orderId !== undefined) {
    const order = state.orders.find((o) => o.id === orderId);
    if (!order) throw new TypeError(`unknown order "${orderId}"`);
    return order;
  }
  return state.orders.find((o) => o.attributes.status === WEBHOOK_EVENTS[event]) ?? state.orders[0];
}

/**
 * The body Ankorstore posts: the resource (here the order's OrderResource) with the event in
 * the top-level `meta` (the "Format" section of the Webhooks documentation).
 */
function webhookBody(state, { event, applicationId, orderId }) {
  return JSON.stringify({
    meta: { event: { id: randomUUID(), applicationId, type: event, timestamp: Math.floor(Date.now() / 1000) } },
    jsonapi: { version: "1.0" },
    data: orderResource(orderFor(state, event, orderId)),
  });
}

/**
 * Delivers one signed webhook to a loopback receiver and resolves to its answer
 * { status, headers, body, signature, payload, eventId }. Options: `event` (required, see
 * WEBHOOK_EVENTS), `subscription` (an id from POST /api/v1/webhook-subscriptions: its url,
 * secret and events apply) or `url` + `secret`, `payload` (object or raw string; default the
 * realistic event body), `order` (the order id of the default body), `tamper`
 * ("signature" | "body" | "missing" | "empty"), `timeoutMs`.
 */
async function deliverWebhookFor(state, options) {
  if (options === null || typeof options !== "object" || Array.isArray(options)) throw new TypeError("options must be an object");
  const known = ["event", "subscription", "url", "secret", "payload", "order", "tamper", "timeoutMs"];
  const unknownOption = Object.keys(options).find((k) => !known.includes(k));
  if (unknownOption) throw new TypeError(`unknown webhook option "${unknownOption}"`);
  const { event, subscription: subscriptionId, payload, order, tamper, timeoutMs = 5000 } = options;
  if (!Object.hasOwn(WEBHOOK_EVENTS, event ?? "")) {
    throw new TypeError(`event must be one of ${Object.keys(WEBHOOK_EVENTS).join(", ")}`);
  }
  if (tamper !== undefined && !Object.hasOwn(TAMPER, tamper)) throw new TypeError(`tamper must be one of ${Object.keys(TAMPER).join(", ")}`);
  if (!Number.isInteger(timeoutMs) || timeoutMs < 1) throw new TypeError("timeoutMs must be a positive integer");
  let { url, secret } = options;
  let applicationId = applicationResource(Object.keys(state.config.clients)[0] ?? "").id;
  if (subscriptionId !== undefined) {
    const subscription = state.subscriptions.get(subscriptionId);
    if (!subscription) throw new TypeError(`unknown webhook subscription "${subscriptionId}"`);
    if (!subscription.events.includes(event)) throw new TypeError(`the subscription does not listen to ${event}`);
    url ??= subscription.url;
    secret ??= subscription.secret;
    applicationId = subscription.applicationId;
  }
  if (typeof url !== "string") throw new TypeError("url (or subscription) is required");
  const needsSecret = tamper !== "missing" && tamper !== "empty";
  if (needsSecret && (typeof secret !== "string" || secret === "")) throw new TypeError("secret (or subscription) is required");
  if (payload !== undefined && typeof payload !== "string" && (payload === null || typeof payload !== "object")) {
    throw new TypeError("payload must be a string (the raw body) or an object (sent as JSON)");
  }
  if (payload !== undefined && order !== undefined) throw new TypeError("order applies to the default payload only");
  const body = payload === undefined ? webhookBody(state, { event, applicationId, orderId: order })
    : typeof payload === "string" ? payload : JSON.stringify(payload);
  const answer = await sendWebhook({ url, payload: body, secret, tamper, timeoutMs });
  let eventId = null;
  try {
    eventId = JSON.parse(body)?.meta?.event?.id ?? null;
  } catch {
    // a raw payload that is not JSON
  }
  return { ...answer, eventId };
}

// =======================================================================================
// Small routes

function getMe() {
  return json(200, { data: USER });
}

function echo({ req }) {
  const { method, path, query, headers, body } = req;
  return json(200, { method, path, query, headers, body });
}

/**
 * The OpenAPI documents `200` with no body here; the mock answers the usual `204`, for any
 * id (deleting twice is not an error), and removes the subscription if it is the client's.
 */
function deleteWebhookSubscription({ req, state, params }) {
  const id = decodeSegment(params[0]);
  if (ownSubscription(req, state, id)) state.subscriptions.delete(id);
  return noContent();
}

// =======================================================================================
// Routing

// style: how errors look on that route (see errorResponse); faults: queues consulted in order.
const API = { style: "jsonapi", auth: true };
const ROUTES = [
  { name: "token", method: "POST", pattern: /^\/oauth\/token$/, style: "passport", handler: handleToken },
  { name: "me", method: "GET", pattern: /^\/api\/v1\/me$/, ...API, style: "laravel", handler: getMe },
  { name: "orders", method: "GET", pattern: /^\/api\/v1\/orders$/, ...API, handler: listOrders },
  { name: "order", method: "GET", pattern: /^\/api\/v1\/orders\/([^/]+)$/, ...API, handler: getOrder },
  { name: "accept", method: "POST", pattern: /^\/api\/v1\/orders\/([^/]+)\/accept$/, ...API, handler: transitionOrder("accept") },
  { name: "reject", method: "POST", pattern: /^\/api\/v1\/orders\/([^/]+)\/reject$/, ...API, handler: transitionOrder("reject") },
  { name: "products", method: "GET", pattern: /^\/api\/v1\/products$/, ...API, handler: listProducts },
  { name: "product", method: "GET", pattern: /^\/api\/v1\/products\/([^/]+)$/, ...API, handler: getProduct },
  { name: "applications", method: "GET", pattern: /^\/api\/v1\/applications$/, ...API, handler: getApplications },
  { name: "webhook-events", method: "GET", pattern: /^\/api\/v1\/webhook-subscriptions\/events$/, ...API, handler: getWebhookEvents },
  { name: "webhook-create", method: "POST", pattern: /^\/api\/v1\/webhook-subscriptions$/, ...API, handler: createWebhookSubscription },
  { name: "webhook-update", method: "PATCH", pattern: /^\/api\/v1\/webhook-subscriptions\/([^/]+)$/, ...API, handler: updateWebhookSubscription },
  { name: "webhook", method: "DELETE", pattern: /^\/api\/v1\/webhook-subscriptions\/([^/]+)$/, ...API, handler: deleteWebhookSubscription },
  { name: "echo", method: "*", pattern: /^\/api\/v1\/echo$/, ...API, handler: echo },
  { name: "mock-echo", method: "*", pattern: /^\/__mock\/echo$/, style: "jsonapi", handler: echo },
];

function isApiPath(path) {
  return path.startsWith("/api/");
}

function methodNotAllowed(route, methods) {
  const allow = methods.join(", ");
  return () => errorResponse(route.style, 405,
    { title: "Method Not Allowed", detail: `Supported methods: ${allow}` },
    { allow });
}

function notFound() {
  return jsonApiError(404, { title: "Not Found", detail: "The route could not be found." });
}

/** The route of a request, with the fault queues it consumes (route-specific first). */
function matchRoute(method, path) {
  const api = isApiPath(path);
  const matching = [];
  for (const route of ROUTES) {
    const match = route.pattern.exec(path);
    if (!match) continue;
    if (route.method === "*" || route.method === method) {
      const faults = route.name === "token" ? ["token"] : api ? [route.name, "api"] : [];
      return { ...route, params: match.slice(1), faults };
    }
    matching.push(route);
  }
  if (matching.length) {
    // A known path with another method: routing fails before authentication.
    const [route] = matching;
    return { name: route.name, style: route.style, auth: false, handler: methodNotAllowed(route, matching.map((r) => r.method)), params: [], faults: api ? ["api"] : [] };
  }
  return { name: "unknown", style: "jsonapi", auth: false, handler: notFound, params: [], faults: api ? ["api"] : [] };
}

function runRoute(route, ctx) {
  if (route.auth && !ctx.state.isValidToken(bearerToken(ctx.req))) {
    return errorResponse(route.style, 401);
  }
  return route.handler({ ...ctx, params: route.params });
}

// =======================================================================================
// Delivery: CORS, content length, and the delivery-side faults

// API routes answer every origin, as a browser test page on another port needs; /__mock/*
// never carries CORS headers. No Private Network Access grant: a page on a public origin must
// not reach the mock through the browser.
const CORS = {
  "access-control-allow-origin": "*",
  "access-control-allow-methods": "GET, POST, PUT, PATCH, DELETE, OPTIONS",
  "access-control-expose-headers": "Retry-After, X-RateLimit-Limit, X-RateLimit-Remaining, X-RateLimit-Reset, X-Debug-Token",
  "access-control-max-age": "600",
};

function corsHeaders(req) {
  return {
    ...CORS,
    "access-control-allow-headers": req.headers["access-control-request-headers"] ??
      "authorization, content-type, accept, x-requested-with",
  };
}

/** Waits `ms`; false when the client went away or the server is closing meanwhile. */
async function pause(ms, signal) {
  try {
    await sleep(ms, undefined, { signal });
    return true;
  } catch {
    return false;
  }
}

/** Resolves when `signal` aborts (a hanging request ends only then). */
function untilAborted(signal) {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => signal.addEventListener("abort", () => resolve(), { once: true }));
}

function write(res, chunk) {
  return new Promise((resolve) => res.write(chunk, () => resolve()));
}

/** Sends the body in about ten pieces spread over `totalMs`, headers first. */
async function writeSlowly(res, payload, totalMs, signal) {
  res.flushHeaders();
  const pieces = Math.max(1, Math.min(10, payload.length));
  const size = Math.max(1, Math.ceil(payload.length / pieces));
  for (let i = 0; i < pieces; i += 1) {
    if (!(await pause(totalMs / pieces, signal))) return false;
    const chunk = payload.subarray(i * size, (i + 1) * size);
    if (chunk.length) await write(res, chunk);
  }
  return true;
}

/** A body to cut in half even when the normal answer has none (e.g. a 204). */
function truncatable(resp) {
  if (resp.body.length) return resp;
  return { ...resp, status: resp.status === 204 ? 200 : resp.status, body: JSON.stringify({ jsonapi: { version: "1.0" }, meta: {} }) };
}

/** Writes an answer to the socket; `cors` are the CORS headers (none on /__mock/*). */
async function deliver(res, resp, fault, signal, cors = {}) {
  if (res.destroyed) return;
  const { truncate = false, slowBodyMs = 0 } = fault ?? {};
  if (truncate) resp = truncatable(resp);
  const body = Buffer.from(resp.body);
  const hasBody = resp.status !== 204 && resp.status !== 304;
  res.writeHead(resp.status, {
    ...cors,
    ...(hasBody && { "content-length": String(body.length) }),
    ...resp.headers,
  });
  // A truncated response promises the full Content-Length but carries only half of it.
  const payload = truncate ? body.subarray(0, Math.floor(body.length / 2)) : body;
  if (slowBodyMs > 0) {
    if (!(await writeSlowly(res, payload, slowBodyMs, signal))) return;
  } else if (payload.length && hasBody) {
    await write(res, payload);
  }
  if (truncate) res.destroy();
  else res.end();
}

// =======================================================================================
// Test controls over HTTP (/__mock/*): for this machine only, never another origin

function parseJsonBody(req) {
  try {
    return JSON.parse(req.body || "{}");
  } catch {
    throw new TypeError("the body must be JSON");
  }
}

const CONTROLS = {
  // The request log is redacted here whatever `keepCredentials` says: no secret or token
  // ever leaves the process over HTTP.
  "GET /__mock/stats": (req, core) => json(200, core.state.redactedStats()),
  "POST /__mock/reset": (req, core) => {
    core.api.reset();
    return json(200, { ok: true });
  },
  "POST /__mock/script": (req, core) => {
    const { route, faults } = parseJsonBody(req);
    core.api.script(route, faults);
    return json(200, { ok: true });
  },
  "POST /__mock/config": (req, core) => {
    core.api.configure(parseJsonBody(req));
    return json(200, { ok: true });
  },
  "POST /__mock/webhooks/deliver": async (req, core) => {
    try {
      const { status, signature, eventId, body } = await core.api.deliverWebhook(parseJsonBody(req));
      return json(200, { status, signature, eventId, body });
    } catch (error) {
      if (error instanceof TypeError) throw error;
      return json(502, { error: error.message });
    }
  },
};
const CONTROL_PATHS = new Set(Object.keys(CONTROLS).map((key) => key.split(" ")[1]));

function isControlPath(path) {
  return path === "/__mock" || path.startsWith("/__mock/");
}

async function runControl(control, req, core) {
  try {
    return await control(req, core);
  } catch (error) {
    if (error instanceof TypeError) return json(400, { error: error.message });
    throw error;
  }
}

/**
 * A browser page of another origin: refused on /__mock/*. (Without CORS it cannot read the
 * answer, but a "simple" POST would still be acted upon.) Node, curl: no Origin, allowed.
 */
function crossOrigin(req) {
  const origin = req.headers.origin;
  if (origin !== undefined && origin !== req.origin) return true;
  const site = req.headers["sec-fetch-site"];
  return site !== undefined && site !== "same-origin" && site !== "none";
}

// =======================================================================================
// Request pipeline

function logLine(state, req, outcome) {
  // Method, path and outcome only: headers, query strings and bodies may hold secrets.
  if (!state.config.quiet) console.log(`${req.method} ${req.path} ${outcome}`);
}

function countRequest(state, req, route) {
  if (route.name === "token" && req.method === "POST") state.counters.tokenRequests += 1;
  if (isApiPath(req.path)) state.counters.apiRequests += 1;
}

/**
 * The documented rate limit of /api/*: `apiRateLimit` requests per rolling minute. Every API
 * answer carries `X-RateLimit-Limit`, `X-RateLimit-Remaining` (this request included) and
 * `X-RateLimit-Reset` (epoch seconds when the oldest request of the window leaves it, i.e.
 * when Remaining goes up again). Over the limit, with `enforceApiRateLimit`, the request is
 * refused (not counted in the window) and `retryAfter` says for how long.
 */
function apiRate(state) {
  const now = Date.now();
  const limit = state.config.apiRateLimit;
  const hits = state.apiWindow.live("api", now);
  const refused = state.config.enforceApiRateLimit && hits.length >= limit;
  if (!refused) hits.push(now);
  const secondsLeft = Math.max(1, Math.ceil((hits[0] + MINUTE_MS - now) / 1000));
  const headers = {
    "x-ratelimit-limit": String(limit),
    "x-ratelimit-remaining": String(Math.max(0, limit - hits.length)),
    "x-ratelimit-reset": String(Math.ceil(now / 1000) + secondsLeft),
  };
  return refused ? { refused, headers: { ...headers, "retry-after": String(secondsLeft) } } : { refused, headers };
}

/** The scripted response if the fault dictates one, otherwise the route's own answer. */
function chooseResponse(route, req, state, fault, rate) {
  const scripted = fault && faultResponse(fault, {
    style: route.style,
    secret: route.name === "token" ? formParams(req).get("client_secret") : null,
    token: bearerToken(req),
    rateLimit: route.name === "token" ? state.config.tokenLimitPerHour : state.config.apiRateLimit,
  });
  // Over the enforced API limit: Laravel's throttle answer, before the route runs.
  const resp = scripted ?? (rate?.refused ? errorResponse(route.style, 429) : runRoute(route, { req, state }));
  const status = fault && statusOverride(fault);
  if (status !== undefined && status !== null) resp.status = status;
  return resp;
}

/**
 * Routes one (recorded) request and applies its fault. Resolves to `{ resp, fault }`, or to
 * `{ ended }` when a fault settles it without an answer: "aborted" (the client left during a
 * delay), "reset" (the connection is to be dropped) or "hang" (never answered).
 */
async function respond(req, state, signal) {
  const route = matchRoute(req.method, req.path);
  countRequest(state, req, route);
  const fault = state.faults.take(route.faults);
  if (fault?.delayMs && !(await pause(fault.delayMs, signal))) return { ended: "aborted" };
  if (fault?.reset) return { ended: "reset" };
  if (fault?.hang) return { ended: "hang" };
  const rate = isApiPath(req.path) ? apiRate(state) : null;
  const resp = chooseResponse(route, req, state, fault, rate);
  resp.headers = { ...rate?.headers, ...resp.headers, ...fault?.headers };
  return { resp, fault };
}

// =======================================================================================
// The listening server: Host check, controls, CORS

/** DNS rebinding: a page whose name was rebound to 127.0.0.1 sends its own name in Host. */
function hostAllowed(raw, allowedHosts) {
  if ((raw.headersDistinct?.host?.length ?? 0) > 1) return false;
  const host = raw.headers.host;
  return typeof host === "string" && allowedHosts.has(host.trim().toLowerCase());
}

async function handle(raw, res, core, allowedHosts) {
  const { state } = core;
  // Abort pending delays when the client leaves or the server closes.
  const gone = new AbortController();
  res.once("close", () => gone.abort());
  const signal = AbortSignal.any([gone.signal, core.closing.signal]);

  if (!hostAllowed(raw, allowedHosts)) {
    raw.resume();
    const refused = jsonApiError(421, { title: "Misdirected Request", detail: "This mock only answers to its loopback address, localhost and [::1]." });
    return deliver(res, { ...refused, headers: { ...refused.headers, connection: "close" } }, null, signal);
  }
  const req = parseRequest({
    method: raw.method, target: raw.url, headers: raw.headers, body: await readBody(raw),
    origin: `http://${raw.headers.host.trim().toLowerCase()}`, // links point back at the address the client used
    destroy: () => raw.socket.destroy(),
  });

  const control = isControlPath(req.path);
  if (control && crossOrigin(req)) {
    await deliver(res, json(403, { error: "the mock's controls only answer requests of this machine, not pages of other origins" }), null, signal);
    return logLine(state, req, 403);
  }
  const cors = control ? {} : corsHeaders(req);
  if (req.method === "OPTIONS") {
    // Preflights are answered (never counted); on /__mock/* without CORS, so browsers stop there.
    if (!CONTROL_PATHS.has(req.path)) state.record(req);
    await deliver(res, noContent(), null, signal, cors);
    return logLine(state, req, 204);
  }
  if (CONTROL_PATHS.has(req.path)) {
    const run = CONTROLS[`${req.method} ${req.path}`] ?? (() => json(405, { error: "method not allowed" }));
    await deliver(res, await runControl(run, req, core), null, signal);
    return logLine(state, req, res.statusCode);
  }
  state.record(req);
  const outcome = await respond(req, state, signal);
  if (outcome.ended) {
    if (outcome.ended === "reset") req.destroy();
    // "hang": the socket stays open until the client leaves or close()
    return logLine(state, req, outcome.ended);
  }
  await deliver(res, outcome.resp, outcome.fault, signal, cors);
  logLine(state, req, outcome.resp.status);
}

function internalError(res, error) {
  console.error(`mock: internal error (${error?.name ?? typeof error})`);
  if (res.headersSent) return res.destroy();
  res.writeHead(500, { "content-type": JSONAPI_TYPE });
  res.end(JSON.stringify({ jsonapi: { version: "1.0" }, errors: [{ status: "500", detail: "Server Error" }] }));
}

// =======================================================================================
// In-process dispatch (no socket): what the demo server uses

/**
 * Answers one request in-process. `request`: { method, target ("/path?query"), headers,
 * body (Buffer or string), origin (the absolute URL links are built on), signal }.
 * Resolves to `{ status, headers, body }` (body a Buffer, the whole of it: a `slowBodyMs`
 * fault delays it), or to `{ error }` when a fault leaves no answer: "reset", "truncated",
 * or "aborted" (the signal aborted during a delay, a slow body or a hang). /__mock/* is not
 * served (404): the controls are the JS methods.
 */
async function dispatch(core, { method, target, headers = {}, body = "", origin, signal }) {
  const { state } = core;
  const abort = signal ? AbortSignal.any([signal, core.closing.signal]) : core.closing.signal;
  const req = parseRequest({ method, target, headers, body, origin });
  const done = (resp) => ({ status: resp.status, headers: { ...resp.headers }, body: Buffer.from(resp.body) });
  if (isControlPath(req.path)) return done(notFound());
  if (req.method === "OPTIONS") {
    state.record(req);
    return done(noContent());
  }
  state.record(req);
  const outcome = await respond(req, state, abort);
  if (outcome.ended === "hang") {
    await untilAborted(abort);
    return { error: "aborted" };
  }
  if (outcome.ended) return { error: outcome.ended };
  const { resp, fault } = outcome;
  if (fault?.slowBodyMs && !(await pause(fault.slowBodyMs, abort))) return { error: "aborted" };
  if (fault?.truncate) return { error: "truncated" };
  logLine(state, req, resp.status);
  return done(resp);
}

// =======================================================================================
// Public API

function makeCore(options, defaults) {
  const { keepCredentials = defaults.keepCredentials, ...configOptions } = options;
  if (typeof keepCredentials !== "boolean") throw new TypeError('invalid value for option "keepCredentials"');
  const state = new MockState(applyConfig(defaultConfig(), configOptions), { keepCredentials });
  const core = { state, closing: new AbortController() };
  core.api = {
    stats: () => state.stats(),
    reset: () => state.reset(),
    script: (route, faults) => state.faults.add(route, faults),
    configure: (partial) => state.configure(partial),
    deliverWebhook: (options) => deliverWebhookFor(state, options),
  };
  return core;
}

/**
 * A mock without a socket, served in-process. Returns
 * `{ dispatch(request), stats(), reset(), script(route, faults), configure(partial), close() }`.
 * Options: those of startMock() but `port` and `host`; `keepCredentials` defaults to false
 * here: the request log never holds a secret or a token.
 */
export function createMock(options = {}) {
  const core = makeCore(options, { keepCredentials: false });
  return {
    ...core.api,
    dispatch: (request) => dispatch(core, request),
    close: async () => core.closing.abort(),
  };
}

/**
 * Starts a mock server. Resolves to
 * `{ url, port, server, close(), stats(), reset(), script(route, faults), configure(partial) }`.
 * `keepCredentials` (default true): `stats()` (in-process only) returns the requests as
 * received, secrets and tokens included; false redacts them before they are stored.
 * GET /__mock/stats is redacted either way.
 */
export async function startMock(options = {}) {
  const { port = 0, host = "127.0.0.1", ...rest } = options;
  const core = makeCore(rest, { keepCredentials: true });
  const sockets = new Set();
  const server = http.createServer();
  const allowedHosts = new Set();
  const controls = {
    server,
    ...core.api,
    close: () => closeServer(server, sockets, core.closing),
  };

  server.on("request", (raw, res) => {
    handle(raw, res, core, allowedHosts).catch((error) => internalError(res, error));
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
  });
  await new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve();
    });
  });

  const actualPort = server.address().port;
  const urlHost = host.includes(":") ? `[${host}]` : host;
  for (const name of ["127.0.0.1", "localhost", "[::1]", urlHost.toLowerCase()]) allowedHosts.add(`${name}:${actualPort}`);
  return Object.assign(controls, { url: `http://${urlHost}:${actualPort}`, port: actualPort });
}

/** Closes without waiting for clients: hanging and keep-alive sockets are destroyed. */
function closeServer(server, sockets, closing) {
  closing.abort();
  const closed = new Promise((resolve) => server.close(() => resolve()));
  server.closeAllConnections();
  for (const socket of sockets) socket.destroy();
  return closed;
}

// =======================================================================================
// Command line

function parsePort(argv) {
  const index = argv.findIndex((a) => a === "--port" || a.startsWith("--port="));
  if (index < 0) return DEFAULT_PORT;
  const value = argv[index].includes("=") ? argv[index].split("=")[1] : argv[index + 1];
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`invalid --port value: ${value}`);
  }
  return port;
}

async function main(argv) {
  // Reachable over HTTP: its request log keeps no credential, not even in memory.
  const mock = await startMock({ port: parsePort(argv), quiet: false, keepCredentials: false });
  console.log(`Mock Ankorstore listening on ${mock.url}`);
  console.log(`client id: ${DEMO_CLIENT_ID}  client secret: ${DEMO_CLIENT_SECRET}`);
  const stop = () => mock.close().then(() => process.exit(0));
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}

function isMainModule() {
  if (!process.argv[1]) return false;
  try {
    return realpathSync(process.argv[1]) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isMainModule()) {
  main(process.argv.slice(2)).catch((error) => {
    console.error(`mock: ${error.message}`);
    process.exit(1);
  });
}

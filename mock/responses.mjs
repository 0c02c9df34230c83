// Response descriptors and the error bodies the real servers send.
//
// Handlers never write to the socket: they return `{ status, headers, body }` and the
// server's delivery step writes it. That is what lets a scripted fault reuse a normal
// response and only change how it is delivered (delayed, truncated, slowed down...).

import { STATUS_CODES } from "node:http";

export const JSON_TYPE = "application/json";
export const JSONAPI_TYPE = "application/vnd.api+json";

/** Lower-cases header names so that later merges override instead of duplicating. */
export function lowerKeys(headers = {}) {
  return Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
}

export function response(status, body = "", headers = {}) {
  return { status, headers: lowerKeys(headers), body };
}

export function json(status, value, headers = {}) {
  return response(status, JSON.stringify(value), { "content-type": JSON_TYPE, ...lowerKeys(headers) });
}

export function jsonApi(status, doc, headers = {}) {
  return response(status, JSON.stringify(doc), { "content-type": JSONAPI_TYPE, ...lowerKeys(headers) });
}

export function noContent(headers = {}) {
  return response(204, "", headers);
}

// ---------------------------------------------------------------------------------------
// JSON:API error documents (components.responses of the OpenAPI file)

const JSONAPI_DETAILS = {
  400: "Bad request", 401: "Unauthorized", 403: "Forbidden", 404: "Not found",
  406: "Not Acceptable", 409: "Conflict", 415: "Unsupported Media Type",
  422: "Unprocessable Content", 429: "Too Many Requests", 500: "Server Error",
};

function reason(status) {
  return STATUS_CODES[status] ?? "Error";
}

/** `{"jsonapi":{"version":"1.0"},"errors":[{"status":"401","detail":"Unauthorized"}]}` and kin. */
export function jsonApiErrorDoc(status, fields = {}) {
  const error = fields.detail === undefined
    ? { status: String(status), detail: JSONAPI_DETAILS[status] ?? reason(status), ...fields }
    : { status: String(status), ...fields };
  return { jsonapi: { version: "1.0" }, errors: [error] };
}

export function jsonApiError(status, fields = {}, headers = {}) {
  return jsonApi(status, jsonApiErrorDoc(status, fields), headers);
}

// ---------------------------------------------------------------------------------------
// Laravel / Passport bodies (the token endpoint and the non-JSON:API /api/v1/me)

const LARAVEL_MESSAGES = {
  401: "Unauthenticated.", 403: "This action is unauthorized.", 404: "Not Found",
  429: "Too Many Attempts.", 500: "Server Error", 503: "Service Unavailable",
};

export function laravelBody(status) {
  return { message: LARAVEL_MESSAGES[status] ?? reason(status) };
}

export const OAUTH_ERRORS = Object.freeze({
  invalidClient: {
    error: "invalid_client",
    error_description: "Client authentication failed",
    message: "Client authentication failed",
  },
  unsupportedGrantType: {
    error: "unsupported_grant_type",
    error_description: "The authorization grant type is not supported by the authorization server.",
    hint: "Check that all required parameters have been provided",
    message: "The authorization grant type is not supported by the authorization server.",
  },
  invalidRequest: {
    error: "invalid_request",
    error_description: "The request is missing a required parameter, includes an invalid parameter value, includes a parameter more than once, or is otherwise malformed.",
    message: "The request is missing a required parameter, includes an invalid parameter value, includes a parameter more than once, or is otherwise malformed.",
  },
});

/** What Passport answers on the token endpoint for a given status. */
export function passportBody(status) {
  if (status === 400) return OAUTH_ERRORS.invalidRequest;
  if (status === 401) return OAUTH_ERRORS.invalidClient;
  return laravelBody(status);
}

/**
 * The realistic error response of a route family for a status:
 * - "passport": the token endpoint (OAuth errors, Laravel messages otherwise);
 * - "laravel":  /api/v1/me, which is not JSON:API (`{"message":"Unauthenticated."}`);
 * - "jsonapi":  every other API route.
 */
export function errorResponse(style, status, fields = {}, headers = {}) {
  if (style === "passport") return json(status, passportBody(status), headers);
  if (style === "laravel") return json(status, laravelBody(status), headers);
  return jsonApiError(status, fields, headers);
}

// ---------------------------------------------------------------------------------------
// What a reverse proxy in front of the API sends when the upstream is down.

export function nginxErrorPage(status) {
  const title = `${status} ${reason(status)}`;
  const html = `<html>\r\n<head><title>${title}</title></head>\r\n<body>\r\n` +
    `<center><h1>${title}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n`;
  return response(status, html, { "content-type": "text/html", server: "nginx" });
}

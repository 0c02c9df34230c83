// Redaction of the mock's request log: what may leave the process over HTTP (GET /__mock/stats)
// never holds a client secret or a bearer token, and a mock started with
// `keepCredentials: false` (the command line, the demo server) never even stores them.

export const REDACTED = "[redacted]";

/** Headers whose whole value is a credential (Authorization keeps its scheme: "Bearer [redacted]"). */
const CREDENTIAL_HEADERS = new Set(["authorization", "proxy-authorization", "cookie", "x-debug-token"]);

/** Form, query and JSON fields that hold a credential, compared case-insensitively without _ and -. */
const CREDENTIAL_FIELDS = new Set(["clientsecret", "accesstoken", "refreshtoken", "token", "password", "secret", "apikey"]);

function isCredentialField(name) {
  return CREDENTIAL_FIELDS.has(String(name).toLowerCase().replace(/[_-]/g, ""));
}

function bearer(headers) {
  return /^Bearer\s+(\S+)\s*$/i.exec(headers?.authorization ?? "")?.[1] ?? null;
}

/** The forms a credential may have travelled in: as is, form- and percent-encoded, JSON-escaped. */
function encodings(needle) {
  const forms = new Set([
    needle,
    encodeURIComponent(needle),
    new URLSearchParams({ x: needle }).toString().slice(2),
    JSON.stringify(needle).slice(1, -1),
  ]);
  for (const form of [...forms]) forms.add(form.replace(/%[0-9A-F]{2}/g, (h) => h.toLowerCase()));
  return [...forms].filter((f) => f.length > 0).sort((a, b) => b.length - a.length);
}

function scrub(text, needles) {
  if (typeof text !== "string" || !text) return text;
  for (const needle of needles) {
    for (const form of encodings(needle)) if (text.includes(form)) text = text.replaceAll(form, REDACTED);
  }
  return text;
}

function redactHeader(name, value) {
  if (name === "authorization" || name === "proxy-authorization") {
    const scheme = /^\s*(\S+)\s+\S/.exec(String(value))?.[1];
    return scheme ? `${scheme} ${REDACTED}` : REDACTED;
  }
  return REDACTED;
}

/** JSON values with credential fields replaced; `changed.value` says whether anything was. */
function redactJson(value, changed) {
  if (Array.isArray(value)) return value.map((v) => redactJson(v, changed));
  if (value === null || typeof value !== "object") return value;
  return Object.fromEntries(Object.entries(value).map(([key, v]) => {
    if (isCredentialField(key) && v !== null && v !== "") {
      changed.value = true;
      return [key, REDACTED];
    }
    return [key, redactJson(v, changed)];
  }));
}

/** The credentials a request body carries in its fields (form-encoded or JSON). */
function bodyCredentials(body) {
  const found = [];
  if (typeof body !== "string" || !body) return found;
  for (const [key, value] of new URLSearchParams(body)) if (isCredentialField(key) && value) found.push(value);
  try {
    const walk = (value) => {
      if (Array.isArray(value)) value.forEach(walk);
      else if (value && typeof value === "object") {
        for (const [key, v] of Object.entries(value)) {
          if (isCredentialField(key) && typeof v === "string" && v) found.push(v);
          else walk(v);
        }
      }
    };
    walk(JSON.parse(body));
  } catch {
    // not JSON
  }
  return found;
}

function redactBody(body) {
  if (typeof body !== "string" || !body) return body;
  try {
    const changed = { value: false };
    const redacted = redactJson(JSON.parse(body), changed);
    if (changed.value) return JSON.stringify(redacted);
  } catch {
    // not JSON: maybe a form
  }
  if (!body.includes("=")) return body;
  const params = new URLSearchParams(body);
  let changed = false;
  for (const [key, value] of params) {
    if (isCredentialField(key) && value) {
      params.set(key, REDACTED);
      changed = true;
    }
  }
  return changed ? params.toString() : body;
}

/**
 * A copy of a logged request `{ method, path, query, headers, body }` without credentials:
 * credential headers, query parameters and body fields are replaced by "[redacted]", and the
 * request's own bearer token and secrets, plus `secrets` (the configured client secrets),
 * are cut out of every other string in every encoding listed above.
 */
export function redactRequest(entry, secrets = []) {
  const needles = [
    bearer(entry.headers),
    ...bodyCredentials(entry.body),
    ...Object.entries(entry.query ?? {}).filter(([k]) => isCredentialField(k)).map(([, v]) => v),
    ...secrets,
  ].filter((n) => typeof n === "string" && n.length >= 4); // shorter ones would garble the log, not hide anything
  const headers = {};
  for (const [name, value] of Object.entries(entry.headers ?? {})) {
    headers[name] = CREDENTIAL_HEADERS.has(name)
      ? redactHeader(name, value)
      : Array.isArray(value) ? value.map((v) => scrub(v, needles)) : scrub(value, needles);
  }
  const query = {};
  for (const [key, value] of Object.entries(entry.query ?? {})) {
    query[scrub(key, needles)] = isCredentialField(key) ? REDACTED : scrub(value, needles);
  }
  return {
    ...entry,
    path: scrub(entry.path, needles),
    query,
    headers,
    body: scrub(redactBody(entry.body), needles),
  };
}

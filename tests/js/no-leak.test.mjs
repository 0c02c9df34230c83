// No error ever carries the client secret or an access token, and nothing is logged
// (api.md, last paragraph), in both Node entries. The mock reflects credentials on demand
// (echoSecret): the client secret on the token endpoint, the bearer token on API routes.
// Run: node --test tests/js/no-leak.test.mjs
import { afterEach, beforeEach, describe, test } from "node:test";
import assert from "node:assert/strict";
import util from "node:util";

import { SPECIAL_ID, SPECIAL_SECRET, setup } from "./support/client-kit.mjs";

const { mock, entries } = await setup();

const CONSOLE_METHODS = ["log", "info", "warn", "error", "debug", "trace", "dir", "table", "group", "assert"];

/** The secret in every shape it may travel or be echoed in. */
function secretForms(secret) {
  const percent = encodeURIComponent(secret);
  return [
    secret,
    new URLSearchParams({ s: secret }).toString().slice(2), // form-encoded, as it was sent
    percent,
    percent.replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase()),
    JSON.stringify(secret).slice(1, -1), // as inside a JSON string
  ];
}

/**
 * The secret as it appears inside a URL a server might reflect: percent-encoded only where
 * a URL must be (encodeURI, and the WHATWG query serialisation), so + & = % stay as is.
 */
function urlForms(secret) {
  return [encodeURI(secret), new URL(`http://h/?${secret}`).search.slice(1)];
}

/**
 * The shapes of a token that must not appear: the whole token, and any 32-character piece
 * of what follows its (constant, public) JWT header, so that a token cut short in a quoted
 * message still counts as leaked.
 */
function tokenForms(token) {
  const forms = [["a token", token], ["a token", encodeURIComponent(token)]];
  const rest = token.slice(token.indexOf(".") + 1);
  for (let i = 0; i + 32 <= rest.length; i += 16) forms.push(["a piece of a token", rest.slice(i, i + 32)]);
  return forms;
}

/** Every text an error exposes, named: message, stack, own properties, JSON and inspect forms. */
function texts(err) {
  const out = [["String(err)", String(err)], ["message", err.message], ["stack", err.stack],
    ["JSON.stringify", JSON.stringify(err)], ["util.inspect", util.inspect(err, { depth: Infinity, showHidden: true })],
    ["%o", util.format("%o", err)]];
  for (const key of Reflect.ownKeys(err)) {
    const value = err[key];
    out.push([`property ${String(key)}`, typeof value === "string" ? value : JSON.stringify(value)]);
  }
  return out.filter(([, t]) => typeof t === "string");
}

/** Labels of the errors that expose a needle, with where (never the needle itself). */
function leaks(pkg, errors, needles) {
  const found = [];
  for (const [label, err] of errors) {
    assert.ok(err instanceof pkg.AnkorstoreError, `${label}: ${err}`);
    const all = texts(err);
    for (const [kind, needle] of needles) {
      const where = all.filter(([, t]) => t.includes(needle)).map(([name]) => name);
      if (where.length) {
        found.push(`${label} (${err.code}): ${kind} in ${where.join(", ")}`);
        break;
      }
    }
  }
  return found;
}

/** Every token the mock issued in this test, from the request log plus `seen`. */
function issuedTokens(mock, seen = []) {
  const tokens = new Set(seen);
  for (const request of mock.stats().requests) {
    const bearer = /^Bearer (\S+)$/.exec(request.headers.authorization ?? "")?.[1];
    if (bearer) tokens.add(bearer);
  }
  assert.equal(tokens.size, mock.stats().tokensIssued, "every issued token is known");
  return tokens;
}

function needlesFor(secretShapes, tokens) {
  return [
    ...secretShapes.map((form) => ["the secret", form]),
    ...[...tokens].flatMap(tokenForms),
  ];
}

/** Runs `fn`, which must reject; records the error under `label`. */
async function capture(errors, label, fn) {
  try {
    await fn();
  } catch (err) {
    errors.push([label, err]);
    return;
  }
  assert.fail(`${label}: expected a rejection`);
}

for (const [entry, pkg] of entries) {
  const { AnkorstoreClient, exchangeCredentials, getMe } = pkg;
  const options = { clientId: SPECIAL_ID, clientSecret: SPECIAL_SECRET, baseUrl: mock.url, maxRetries: 0 };

  describe(`${entry}: no secret or token in any error, nothing logged`, () => {
    let logged;
    const saved = {};
    beforeEach(() => {
      mock.reset();
      logged = [];
      for (const name of CONSOLE_METHODS) {
        saved[name] = console[name];
        console[name] = () => logged.push(name);
      }
    });
    afterEach(() => {
      Object.assign(console, saved);
      assert.deepEqual(logged, [], "nothing may be written to the console");
    });

    test("the token endpoint reflecting the secret", async () => {
      const errors = [];
      // error_description, message and hint hold the secret, raw and percent-encoded.
      for (const status of [400, 401, 403, 429, 500]) {
        mock.script("token", { echoSecret: true, status });
        await capture(errors, `token() ${status}`, () => new AnkorstoreClient(options).token());
        mock.script("token", { echoSecret: true, status });
        await capture(errors, `exchangeCredentials ${status}`, () => exchangeCredentials(options));
        mock.script("token", { echoSecret: true, status });
        await capture(errors, `me() via the token ${status}`, () => new AnkorstoreClient(options).me());
      }
      assert.equal(errors.length, 15);
      assert.deepEqual(leaks(pkg, errors, needlesFor(secretForms(SPECIAL_SECRET), issuedTokens(mock))), []);
    });

    test("API routes reflecting the bearer token", async () => {
      const errors = [];
      const client = new AnkorstoreClient(options);
      const { accessToken } = await client.token();
      // title, detail, source, meta and a header hold the token (and a Laravel message on /me).
      for (const status of [400, 403, 404, 409, 422, 429, 500, 503]) {
        mock.script("me", { echoSecret: true, status });
        await capture(errors, `me() ${status}`, () => client.me());
        mock.script("echo", { echoSecret: true, status });
        await capture(errors, `GET ${status}`, () => client.request("GET", "/api/v1/echo"));
        mock.script("echo", { echoSecret: true, status });
        await capture(errors, `POST ${status}`, () => client.request("POST", "/api/v1/echo", { body: { a: 1 } }));
      }
      // Two 401s reflecting the first token, then its replacement: unauthenticated.
      mock.script("me", { echoSecret: true, status: 401, count: 2 });
      await capture(errors, "me() 401 twice", () => new AnkorstoreClient(options).me());
      mock.script("echo", { echoSecret: true, status: 401, count: 2 });
      await capture(errors, "request() 401 twice", () => new AnkorstoreClient(options).request("GET", "/api/v1/echo"));
      assert.equal(errors.length, 26);
      const tokens = issuedTokens(mock, [accessToken]);
      assert.equal(tokens.size, 5);
      assert.deepEqual(leaks(pkg, errors, needlesFor(secretForms(SPECIAL_SECRET), tokens)), []);
    });

    test("getMe reflecting the caller's token", async () => {
      const errors = [];
      const { accessToken } = await exchangeCredentials(options);
      for (const status of [401, 403, 404, 422, 500]) {
        mock.script("me", { echoSecret: true, status });
        await capture(errors, `getMe ${status}`, () => getMe(accessToken, { baseUrl: mock.url, maxRetries: 0 }));
      }
      await capture(errors, "getMe with a token holding a space", () => getMe(`${accessToken} x`, { baseUrl: mock.url }));
      assert.deepEqual(leaks(pkg, errors, needlesFor(secretForms(SPECIAL_SECRET), issuedTokens(mock, [accessToken]))), []);
    });

    test("a server quoting the secret in JSON:API errors and messages", async () => {
      const errors = [];
      const client = new AnkorstoreClient(options);
      await client.token();
      const forms = secretForms(SPECIAL_SECRET);
      mock.script("echo", {
        status: 422,
        body: {
          message: `bad ${forms.join(" | ")}`,
          errors: forms.map((form) => ({ status: "422", title: form, detail: `secret ${form}`, meta: { form, list: [form] } })),
        },
      });
      await capture(errors, "422 quoting the secret", () => client.request("GET", "/api/v1/echo"));
      for (const form of forms) {
        mock.script("me", { status: 400, body: { message: `bad secret ${form}` } });
        await capture(errors, "400 Laravel message quoting the secret", () => client.me());
        mock.script("echo", { status: 404, body: { errors: [{ detail: form }] } });
        await capture(errors, "404 detail quoting the secret", () => client.request("GET", "/api/v1/echo"));
      }
      assert.deepEqual(leaks(pkg, errors, needlesFor(forms, issuedTokens(mock))), []);
    });

    test("a server quoting the secret as inside a URL (partly percent-encoded)", async () => {
      // E.g. a proxy error page that quotes the URL it was given. encodeURI and the WHATWG
      // query serialisation leave + & = % unencoded: still the secret, in a readable form.
      const errors = [];
      const client = new AnkorstoreClient(options);
      await client.token();
      for (const form of urlForms(SPECIAL_SECRET)) {
        mock.script("echo", { status: 422, body: { errors: [{ detail: `GET https://x.test/?s=${form}` }] } });
        await capture(errors, "422 quoting a URL with the secret", () => client.request("GET", "/api/v1/echo"));
      }
      assert.deepEqual(leaks(pkg, errors, needlesFor(urlForms(SPECIAL_SECRET), issuedTokens(mock))), []);
    });

    test("a server putting the secret and the token in links.next", async () => {
      const errors = [];
      const client = new AnkorstoreClient(options);
      const { accessToken } = await client.token();
      const forms = [...secretForms(SPECIAL_SECRET), ...urlForms(SPECIAL_SECRET)];
      const firstPage = (next) => ({ body: { data: [{ type: "orders", id: "1" }], links: { next } } });
      for (const form of forms) {
        // In the query, and the linked page (the user) is not a list: invalid_response.
        mock.script("echo", [firstPage(`${mock.url}/api/v1/me?t=${accessToken}&s=${form}`)]);
        await capture(errors, "paginate() over a link with credentials in its query", async () => {
          for await (const _ of client.paginate("/api/v1/echo")); // eslint-disable-line no-unused-vars
        });
        // In the path, which the server does not know: not_found.
        mock.script("echo", [firstPage(`${mock.url}/api/v1/orders/${encodeURIComponent(form)}${accessToken}`)]);
        await capture(errors, "pages() over a link with credentials in its path", async () => {
          for await (const _ of client.pages("/api/v1/echo")); // eslint-disable-line no-unused-vars
        });
      }
      // A form with a backslash makes the link itself refused: invalid_argument.
      const codes = errors.map(([, e]) => e.code);
      assert.deepEqual(new Set(codes), new Set(["invalid_response", "not_found", "invalid_argument"]));
      assert.equal(codes.length, 2 * forms.length);
      assert.deepEqual(leaks(pkg, errors, needlesFor(forms, issuedTokens(mock, [accessToken]))), []);
    });

    test("options errors never quote the secret", async () => {
      const errors = [];
      for (const extra of [{ environment: SPECIAL_SECRET }, { baseUrl: SPECIAL_SECRET },
        { baseUrl: `http://example.com/?s=${encodeURIComponent(SPECIAL_SECRET)}` },
        { baseUrl: `https://${encodeURIComponent(SPECIAL_SECRET)}.example.com` }, { scope: "" }]) {
        const name = Object.keys(extra)[0];
        await capture(errors, `constructor ${name}`, async () => new AnkorstoreClient({ ...options, ...extra }));
        await capture(errors, `exchangeCredentials ${name}`, () => exchangeCredentials({ ...options, ...extra }));
      }
      assert.deepEqual(leaks(pkg, errors, needlesFor([...secretForms(SPECIAL_SECRET), ...urlForms(SPECIAL_SECRET)], [])), []);
    });
  });
}

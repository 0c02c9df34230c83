// api.md, "Strictness and limits", on the packed package in both Node entries: closed
// options, methods, paths, body size, readable messages, inspection, freed clients.
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { inspect } from "node:util";
import { gzipSync } from "node:zlib";
import { after, before, beforeEach, describe, test } from "node:test";

import { DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, opts, rejectsWith, setup, throwsWith } from "./support/client-kit.mjs";

const { mock, entries } = await setup();
beforeEach(() => mock.reset());

const MiB = 1024 * 1024;
const USER = { type: "user", id: 1, email: "a@b.c", first_name: "A", last_name: "B", created_at: "x", updated_at: "y" };

/** A server whose /api/v1/me answers with `body(res)`; `me(path)` calls it with getMe. */
let site;
const routes = new Map();
before(async () => {
  site = createServer((req, res) => {
    const route = routes.get(new URL(req.url, "http://x").pathname);
    if (!route) return res.writeHead(404).end();
    route(res);
  });
  await new Promise((resolve) => site.listen(0, "127.0.0.1", resolve));
});
after(() => new Promise((resolve) => { site.closeAllConnections(); site.close(resolve); }));
const siteUrl = () => `http://127.0.0.1:${site.address().port}`;

for (const [entry, pkg] of entries) {
  const { AnkorstoreClient, exchangeCredentials, getMe } = pkg;
  const client = (extra) => new AnkorstoreClient(opts(mock, extra));
  const sent = () => mock.stats().apiRequests + mock.stats().tokenRequests;

  describe(`${entry}: options are closed`, () => {
    test("a typo is refused, naming the key and the option probably meant", () => {
      const e = throwsWith(pkg, () => new AnkorstoreClient({ clientId: "id", clientSecret: "s3cr3t", enviroment: "sandbox" }), "invalid_config");
      assert.match(e.message, /enviroment/);
      assert.match(e.message, /did you mean environment\?/);
      assert.match(throwsWith(pkg, () => client({ clientID: "x" }), "invalid_config").message, /clientID.*clientId/);
      assert.match(throwsWith(pkg, () => client({ timeout: 5 }), "invalid_config").message, /timeoutMs/);
    });

    test("every function's options are closed", async () => {
      await rejectsWith(pkg, exchangeCredentials({ ...opts(mock), scopes: "*" }), "invalid_config");
      const e = await rejectsWith(pkg, getMe("tok", { baseUrl: mock.url, sigal: null }), "invalid_config");
      assert.match(e.message, /did you mean signal\?/);
      const c = client();
      assert.match((await rejectsWith(pkg, c.me({ signall: undefined }), "invalid_argument")).message, /signal/);
      const q = await rejectsWith(pkg, c.request("GET", "/api/v1/orders", { querry: { a: 1 } }), "invalid_argument");
      assert.match(q.message, /did you mean query\?/);
      assert.equal(sent(), 0, "nothing was sent");
    });

    // Options are copied with catching reads before they are validated: a getter or a Proxy
    // trap that throws used to escape as the caller's own Error, and a sparse array of length
    // 2^32 - 1 was walked element by element (the call never returned).
    test("options that throw when read are an AnkorstoreError, and the client still works", async () => {
      const boom = () => { throw new Error("boom"); };
      const throwing = (key) => Object.defineProperty({ ...opts(mock) }, key, { get: boom, enumerable: true });
      const trapped = new Proxy(opts(mock), { ownKeys: boom });
      const revoked = Proxy.revocable(opts(mock), {});
      revoked.revoke();
      for (const options of [throwing("clientSecret"), throwing("timeoutMs"), trapped, revoked.proxy]) {
        const e = throwsWith(pkg, () => new AnkorstoreClient(options), "invalid_config");
        assert.match(e.message, /could not be read/);
        await rejectsWith(pkg, exchangeCredentials(options), "invalid_config");
      }
      await rejectsWith(pkg, getMe("tok", { get baseUrl() { return boom(); } }), "invalid_config");
      const c = client();
      const calls = [
        () => c.me({ get signal() { return boom(); } }),
        () => c.request("GET", "/api/v1/orders", { get query() { return boom(); } }),
        () => c.request("GET", "/api/v1/orders", { headers: { get "x-a"() { return boom(); } } }),
        () => c.request("GET", "/api/v1/orders", { query: new Proxy({}, { ownKeys: boom }) }),
        () => c.request("GET", "/api/v1/orders", { query: revoked.proxy }),
        () => c.request("GET", "/api/v1/orders", { query: new Proxy(revoked.proxy, {}) }),
        () => c.pages("/api/v1/orders", { get params() { return boom(); } })[Symbol.asyncIterator]().next(),
      ];
      for (const call of calls) {
        const e = await rejectsWith(pkg, call(), "invalid_argument");
        assert.match(e.message, /^options(\.[\w-]+)* could not be read/);
      }
      assert.equal(sent(), 0, "nothing was sent");
      assert.equal((await c.me()).type, "user");
    });

    // instanceof AbortSignal holds for these, but their aborted getter throws: read inside a
    // task, that exception used to escape uncaught and end the Node process.
    test("a signal that only looks like an AbortSignal is refused, and nothing escapes", { timeout: 20_000 }, async () => {
      const uncaught = [];
      const onUncaught = (e) => uncaught.push(e);
      process.on("uncaughtException", onUncaught);
      try {
        const c = client();
        const fake = Object.create(AbortSignal.prototype);
        const e = await rejectsWith(pkg, c.me({ signal: fake }), "invalid_argument");
        assert.match(e.message, /options\.signal must be an AbortSignal/);
        await rejectsWith(pkg, c.request("GET", "/api/v1/orders", { signal: fake }), "invalid_argument");
        await rejectsWith(pkg, getMe("tok", { baseUrl: mock.url, signal: fake }), "invalid_argument");
        // Node's signals read through a Proxy (their brand is a symbol): such a one works.
        const controller = new AbortController();
        assert.equal((await c.me({ signal: new Proxy(controller.signal, {}) })).type, "user");
        controller.abort();
        await rejectsWith(pkg, c.me({ signal: new Proxy(controller.signal, {}) }), "aborted");
        await new Promise((resolve) => setTimeout(resolve, 50));
      } finally {
        process.off("uncaughtException", onUncaught);
      }
      assert.deepEqual(uncaught, []);
      assert.equal(mock.stats().apiRequests, 1, "only the me() with a live signal was sent");
    });

    test("a sparse array of length 2^32 - 1 as options is refused at once", { timeout: 20_000 }, async () => {
      const huge = [];
      huge.length = 2 ** 32 - 1;
      throwsWith(pkg, () => new AnkorstoreClient(huge), "invalid_config");
      await rejectsWith(pkg, exchangeCredentials(huge), "invalid_config");
      const c = client();
      await rejectsWith(pkg, c.request("GET", "/api/v1/orders", { query: huge }), "invalid_argument");
      await rejectsWith(pkg, c.request("GET", "/api/v1/orders", { query: { a: huge } }), "invalid_argument");
      await rejectsWith(pkg, c.request("GET", "/api/v1/orders", { params: { a: huge } }), "invalid_argument");
    });

    test("inherited options are read, as before the copy", async () => {
      const inherited = Object.create({ clientSecret: DEMO_CLIENT_SECRET, baseUrl: mock.url });
      inherited.clientId = DEMO_CLIENT_ID;
      assert.equal((await new AnkorstoreClient(inherited).me()).type, "user");
    });

    test("a timeoutMs beyond what a JavaScript timer holds is no timeout at all, without a warning", async () => {
      const warnings = [];
      const onWarning = (w) => warnings.push(w.name);
      process.on("warning", onWarning);
      try {
        assert.equal((await client({ timeoutMs: 1e12 }).me()).type, "user");
        assert.equal((await exchangeCredentials({ ...opts(mock), timeoutMs: Number.MAX_VALUE })).tokenType, "Bearer");
        await new Promise((resolve) => setImmediate(resolve));
      } finally {
        process.off("warning", onWarning);
      }
      assert.deepEqual(warnings, []);
    });

    test("a token store's own members are free", async () => {
      const values = new Map();
      const store = { get: (k) => values.get(k), set: (k, v) => void values.set(k, v), name: "mine", extra: 1 };
      assert.equal((await client({ tokenStore: store }).me()).type, "user");
    });
  });

  describe(`${entry}: methods`, () => {
    test("only GET, HEAD, POST, PUT, PATCH and DELETE, in any case", async () => {
      const c = client();
      for (const method of ["FROB", "OPTIONS", "TRACE", "CONNECT", "GE T"]) {
        const e = await rejectsWith(pkg, c.request(method, "/api/v1/orders"), "invalid_argument");
        assert.ok(e.message.includes(`"${method}"`), e.message);
      }
      assert.equal(sent(), 0, "nothing was sent, not even a token request");
      assert.ok(Array.isArray((await c.request("get", "/api/v1/orders")).data));
      assert.equal((await c.request("Delete", "/api/v1/webhook-subscriptions/1")), null);
    });

    // Node's fetch failed on these with what read as a network error; browsers drop them.
    test("headers that fetch manages itself are refused before sending", async () => {
      const c = client();
      const managed = { "Transfer-Encoding": "chunked", "Keep-Alive": "1", Upgrade: "h2c", Expect: "100-continue", "Content-Length": "1", Host: "evil.example", Connection: "close", TE: "trailers", Trailer: "x" };
      for (const [name, value] of Object.entries(managed)) {
        const e = await rejectsWith(pkg, c.request("POST", "/api/v1/orders", { body: {}, headers: { [name]: value } }), "invalid_argument");
        assert.match(e.message, new RegExp(`the ${name.toLowerCase()} header is managed by fetch`));
      }
      assert.equal(sent(), 0, "nothing was sent");
    });
  });

  describe(`${entry}: paths stay under the base URL`, () => {
    test(". and .. segments, raw or percent-encoded, are refused and nothing is sent", async () => {
      const c = client();
      for (const path of [
        "/api/v1/../../oauth/token",
        "/api/v1/%2e%2e/%2E%2E/oauth/token",
        "/api/v1/.%2e/me",
        "/api/./v1/me",
        `${mock.url}/api/v1/../../__mock/echo`,
      ]) {
        await rejectsWith(pkg, c.request("GET", path), "invalid_argument");
      }
      assert.equal(sent(), 0);
    });

    test("same-origin URLs must stay under the base path", async () => {
      const c = new AnkorstoreClient(opts(mock, { baseUrl: `${mock.url}/api` }));
      await rejectsWith(pkg, c.request("GET", `${mock.url}/__mock/echo`), "invalid_argument");
      assert.equal(sent(), 0);
    });
  });

  describe(`${entry}: body size`, () => {
    const me = (path) => getMe("tok", { baseUrl: `${siteUrl()}${path}`, maxRetries: 0 });

    test("a 200 MB body is not read: invalid_response, memory bounded", async () => {
      routes.set("/huge/api/v1/me", (res) => {
        res.writeHead(200, { "content-type": "application/json" }); // chunked: no length announced
        const chunk = Buffer.alloc(MiB, 0x20);
        let left = 200;
        const pump = () => {
          while (left > 0) {
            left -= 1;
            if (!res.write(chunk)) return res.once("drain", pump);
          }
          res.end();
        };
        res.on("close", () => { left = 0; });
        pump();
      });
      global.gc?.();
      const rss = process.memoryUsage().rss;
      const started = performance.now();
      const e = await rejectsWith(pkg, me("/huge"), "invalid_response");
      assert.match(e.message, /16 MiB/);
      const grew = (process.memoryUsage().rss - rss) / MiB;
      assert.ok(grew < 120, `RSS grew by ${grew.toFixed(0)} MiB reading a 200 MB body`);
      assert.ok(performance.now() - started < 20_000);
    });

    /** A valid /me document padded with spaces to `size` bytes. */
    const padded = (size) => {
      const json = JSON.stringify({ data: USER });
      return Buffer.from(json + " ".repeat(size - Buffer.byteLength(json)));
    };

    test("an announced length above 16 MiB and a compressed bomb are refused too", async () => {
      const big = padded(16 * MiB + 1);
      routes.set("/long/api/v1/me", (res) => res.writeHead(200, { "content-length": big.length }).end(big));
      assert.match((await rejectsWith(pkg, me("/long"), "invalid_response")).message, /16 MiB/);
      const bomb = gzipSync(padded(64 * MiB)); // about 64 KB on the wire
      routes.set("/bomb/api/v1/me", (res) => res.writeHead(200, { "content-encoding": "gzip", "content-length": bomb.length }).end(bomb));
      assert.match((await rejectsWith(pkg, me("/bomb"), "invalid_response")).message, /16 MiB/);
    });

    test("a body of exactly 16 MiB is read", async () => {
      const body = padded(16 * MiB);
      routes.set("/edge/api/v1/me", (res) => res.writeHead(200).end(body)); // chunked too
      assert.equal((await me("/edge")).email, USER.email);
      routes.set("/edge-length/api/v1/me", (res) => res.writeHead(200, { "content-length": body.length }).end(body));
      assert.equal((await me("/edge-length")).email, USER.email);
    });
  });

  describe(`${entry}: readable messages`, () => {
    test("a one-character secret never garbles the client's own words", () => {
      const https = throwsWith(pkg, () => new AnkorstoreClient({ clientId: "id", clientSecret: "b", baseUrl: "http://example.com" }), "invalid_config");
      assert.match(https.message, /^options\.baseUrl must use https/);
      const negative = throwsWith(pkg, () => new AnkorstoreClient({ clientId: "id", clientSecret: "e", timeoutMs: -5 }), "invalid_config");
      assert.equal(negative.message, "options.timeoutMs must be a finite positive number, got -5");
    });

    test("server text is still scrubbed of the secret", async () => {
      mock.script("token", { status: 401, echoSecret: true });
      const e = await rejectsWith(pkg, exchangeCredentials(opts(mock, { maxRetries: 0 })), "invalid_client");
      assert.ok(!JSON.stringify({ ...e, message: e.message }).includes(DEMO_CLIENT_SECRET));
    });
  });

  describe(`${entry}: inspection`, () => {
    test("util.inspect, String and JSON.stringify show the base URL and client id only", async () => {
      const c = client();
      await c.me(); // a token is held: it must not show either
      const token = (await c.token()).accessToken;
      for (const shown of [inspect(c), String(c), `${c}`, JSON.stringify(c), inspect({ nested: c })]) {
        assert.match(shown, /AnkorstoreClient/);
        assert.ok(shown.includes(mock.url) && shown.includes(DEMO_CLIENT_ID), shown);
        for (const hidden of [DEMO_CLIENT_SECRET, token, "__wbg_ptr", "ptr"]) assert.ok(!shown.includes(hidden), `${hidden} in ${shown}`);
      }
      assert.deepEqual(JSON.parse(JSON.stringify(c)), { type: "AnkorstoreClient", baseUrl: mock.url, clientId: DEMO_CLIENT_ID });
      assert.equal(c.clientId, DEMO_CLIENT_ID);
    });
  });

  describe(`${entry}: freed clients`, () => {
    test("every later call rejects with invalid_argument", async () => {
      const c = client();
      await c.me();
      c.free();
      for (const call of [() => c.me(), () => c.token(), () => c.request("GET", "/api/v1/orders")]) {
        const e = await rejectsWith(pkg, call(), "invalid_argument");
        assert.match(e.message, /this client was freed/);
      }
      assert.match(throwsWith(pkg, () => c.invalidateToken(), "invalid_argument").message, /freed/);
      c.free(); // twice is harmless
      assert.equal(c.baseUrl, mock.url);
    });

    test("[Symbol.dispose] frees it too", async (t) => {
      if (!Symbol.dispose) return t.skip("no Symbol.dispose in this Node");
      const c = client();
      c[Symbol.dispose]();
      await rejectsWith(pkg, c.me(), "invalid_argument");
    });
  });
}

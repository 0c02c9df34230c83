// Issue 11, items 10-13, against the running demo server (server/demo-server.mjs):
//  10. no port of the demo server process lets another origin read a typed secret or a token,
//      or reconfigure the built-in mock; /__mock/* is not served through the demo server;
//  11. the upstream timeout is a total deadline, not an idle timeout;
//  12. the server's own error answers (oversized headers, header timeout) carry the security
//      headers, and a header timeout answers 408;
//  13. links rewritten by the proxy never carry dot segments (nor point elsewhere on this server).
// The real Ankorstore is never contacted: sandbox and production are local fakes.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import http from "node:http";
import { chromium } from "playwright-core";

import { CSP, startDemoServer } from "../../server/demo-server.mjs";
import { importPackage } from "../js/support/package.mjs";
import { CHROMIUM_ARGS, get, listeningSockets, rawRequest, startDemoCli, startFakeUpstream } from "./support.mjs";

const WAIT = { timeout: 15_000 };
const SECURITY_HEADER_NAMES = {
  "content-security-policy": CSP,
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
  "x-frame-options": "DENY",
};

function assertSecurityHeaders(headers, label) {
  for (const [name, value] of Object.entries(SECURITY_HEADER_NAMES)) {
    assert.equal(headers[name], value, `${label}: ${name}`);
  }
}

const form = (fields) => new URLSearchParams({ grant_type: "client_credentials", ...fields });

describe("item 10: no port of the demo server process serves credentials to another origin", { timeout: 120_000 }, () => {
  let cli;
  let browser;
  let attacker; // a page of another origin
  const typed = `typed-secret-${Math.random().toString(36).slice(2)}`;

  before(async () => {
    cli = await startDemoCli();
    browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: CHROMIUM_ARGS });
    attacker = await startFakeUpstream(() => ({
      status: 200, headers: { "content-type": "text/html; charset=utf-8" }, body: "<!doctype html><title>elsewhere</title><p>another site",
    }));
    // The person types a secret in the demo page and connects (the built-in mock refuses it).
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${cli.url}/`);
    await page.locator("#status").filter({ hasText: "Ready" }).waitFor(WAIT);
    await page.locator("#client-secret").fill(typed);
    await page.locator("#connect").click();
    await page.locator("#error").waitFor({ state: "visible", ...WAIT });
    assert.equal(await page.locator("#error .error-code").textContent(), "invalid_client");
    // Then with the demo secret: a token is issued and used.
    await page.locator("#client-secret").fill("demo-client-secret");
    await page.locator("#connect").click();
    await page.locator("#status").filter({ hasText: /^Connected to/ }).waitFor(WAIT);
    await context.close();
  });

  after(async () => {
    await browser?.close();
    await attacker?.close();
    if (cli) assert.equal(await cli.stop(), 0, cli.output());
  });

  test("the process listens on exactly one socket: 127.0.0.1 and the printed port", () => {
    assert.deepEqual(listeningSockets(cli.pid), [{ address: "127.0.0.1", port: cli.port }]);
  });

  test("a page of another origin can read no answer of any listening port, nor reconfigure the mock", async () => {
    const ports = listeningSockets(cli.pid).map((s) => s.port);
    assert.ok(ports.includes(cli.port));
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${attacker.url}/`);
    const results = await page.evaluate(async (targets) => {
      const out = [];
      const attempt = async (url, init) => {
        try {
          const response = await fetch(url, init);
          out.push({ url, status: response.status, type: response.type, text: await response.text() });
        } catch (error) {
          out.push({ url, error: String(error) });
        }
      };
      const reads = ["/__mock/stats", "/mock/__mock/stats", "/__mock/echo", "/mock/__mock/echo", "/mock/api/v1/echo", "/config.json", "/"];
      const writes = {
        "/__mock/config": { clients: { evil: "evil" }, alwaysUnauthorized: true },
        "/mock/__mock/config": { clients: { evil: "evil" }, alwaysUnauthorized: true },
        "/__mock/script": { route: "api", faults: [{ status: 503, count: 50 }] },
        "/mock/__mock/script": { route: "api", faults: [{ status: 503, count: 50 }] },
      };
      for (const port of targets) {
        for (const host of ["127.0.0.1", "localhost"]) {
          const base = `http://${host}:${port}`;
          for (const path of reads) await attempt(base + path);
          for (const [path, body] of Object.entries(writes)) {
            // A "simple" request (no preflight: the answer is opaque but the request is sent)…
            await attempt(base + path, { method: "POST", mode: "no-cors", headers: { "content-type": "text/plain" }, body: JSON.stringify(body) });
            // …and a CORS one (preflighted).
            await attempt(base + path, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
          }
        }
      }
      return out;
    }, ports);
    await context.close();

    const readable = results.filter((r) => r.status !== undefined && r.type !== "opaque");
    assert.deepEqual(readable.map((r) => `${r.url} → ${r.status}`), [], "another origin read answers of the demo server process");
    const everything = JSON.stringify(results);
    assert.ok(!everything.includes(typed), "the typed secret was readable from another origin");

    // The mock was not reconfigured: the demo credentials still work, the attacker's do not.
    const refused = await fetch(`${cli.url}/mock/oauth/token`, { method: "POST", body: form({ client_id: "evil", client_secret: "evil" }) });
    assert.equal(refused.status, 401);
    const granted = await fetch(`${cli.url}/mock/oauth/token`, { method: "POST", body: form({ client_id: "demo-client-id", client_secret: "demo-client-secret" }) });
    assert.equal(granted.status, 200);
    const { access_token: token } = await granted.json();
    const me = await fetch(`${cli.url}/mock/api/v1/me`, { headers: { authorization: `Bearer ${token}` } });
    assert.equal(me.status, 200, "no fault was scripted");
    await me.arrayBuffer();
  });

  test("no listening port answers the typed secret or a token over HTTP, whatever the Host", async () => {
    for (const { port } of listeningSockets(cli.pid)) {
      for (const target of ["/__mock/stats", "/mock/__mock/stats"]) {
        for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `evil.example:${port}`]) {
          const answer = await get(port, target, host, "Origin: http://evil.example\r\n");
          assert.ok(!answer.raw.includes(typed), `${port}${target} (Host ${host}) answered the typed secret`);
          assert.ok(!/Bearer [\w.-]{20,}/.test(answer.raw), `${port}${target} (Host ${host}) answered a bearer token`);
          assert.notEqual(answer.status, 200, `${port}${target} (Host ${host})`);
        }
      }
    }
  });
});

describe("the demo server's own routes", { timeout: 60_000 }, () => {
  let demo;
  let sandbox;
  let production;
  let productionReply = () => ({ status: 200, headers: { "content-type": "application/json" }, body: "{}" });

  before(async () => {
    sandbox = await startFakeUpstream();
    production = await startFakeUpstream((req) => productionReply(req));
    demo = await startDemoServer({ port: 0, quiet: true, upstreams: { sandbox: sandbox.url, production: production.url } });
  });

  after(async () => {
    await demo?.close();
    await Promise.all([sandbox?.close(), production?.close()]);
  });

  test("item 10: /mock/__mock/* is not served (the page does not need it)", async () => {
    demo.mock.reset();
    for (const [method, path] of [["GET", "/mock/__mock/stats"], ["POST", "/mock/__mock/config"], ["POST", "/mock/__mock/script"], ["POST", "/mock/__mock/reset"], ["GET", "/mock/__mock/echo"], ["POST", "/mock/__mock/webhooks/deliver"]]) {
      const body = method === "POST" ? JSON.stringify({ clients: { evil: "evil" } }) : undefined;
      const response = await fetch(`${demo.url}${path}`, { method, body });
      const text = await response.text();
      assert.equal(response.status, 404, `${method} ${path}`);
      assert.ok(!text.includes("tokenRequests"), path);
    }
    const granted = await fetch(`${demo.url}/mock/oauth/token`, { method: "POST", body: form({ client_id: "demo-client-id", client_secret: "demo-client-secret" }) });
    assert.equal(granted.status, 200, "the mock kept its configuration");
    await granted.arrayBuffer();
  });

  test("item 10: the built-in mock records no secret or token, even in memory", async () => {
    demo.mock.reset();
    const secret = `wrong-${Math.random().toString(36).slice(2)}`;
    await (await fetch(`${demo.url}/mock/oauth/token`, { method: "POST", body: form({ client_id: "demo-client-id", client_secret: secret }) })).arrayBuffer();
    const granted = await fetch(`${demo.url}/mock/oauth/token`, { method: "POST", body: form({ client_id: "demo-client-id", client_secret: "demo-client-secret" }) });
    const { access_token: token } = await granted.json();
    await (await fetch(`${demo.url}/mock/api/v1/me`, { headers: { authorization: `Bearer ${token}` } })).arrayBuffer();
    const stats = demo.mock.stats();
    assert.equal(stats.tokenRequests, 2);
    assert.equal(stats.apiRequests, 1);
    const text = JSON.stringify(stats);
    for (const hidden of [secret, "demo-client-secret", token]) assert.ok(!text.includes(hidden), `the log holds ${hidden.slice(0, 10)}…`);
    assert.equal(stats.requests.at(-1).headers.authorization, "Bearer [redacted]");
  });

  test("item 11: the upstream timeout is a total deadline (an upstream dripping bytes is cut off)", async () => {
    const other = await startDemoServer({ port: 0, quiet: true, upstreamTimeoutMs: 500, upstreams: { sandbox: sandbox.url, production: production.url } });
    productionReply = () => (res) => {
      const body = `${" ".repeat(28)}{}`;
      res.writeHead(200, { "content-type": "application/json", "content-length": String(body.length) });
      let sent = 0;
      const timer = setInterval(() => {
        res.write(body[sent]);
        sent += 1;
        if (sent === body.length) {
          clearInterval(timer);
          res.end();
        }
      }, 100); // a byte every 100 ms: 3 s in all, never idle for 500 ms
      res.on("close", () => clearInterval(timer));
    };
    try {
      const started = performance.now();
      const response = await fetch(`${other.url}/production/api/v1/me`);
      const ms = performance.now() - started;
      const doc = await response.json();
      assert.equal(response.status, 504);
      assert.equal(doc.errors[0].status, "504");
      assert.ok(ms < 1500, `answered after ${Math.round(ms)} ms with a 500 ms deadline`);
      assertSecurityHeaders(Object.fromEntries(response.headers), "504");
    } finally {
      productionReply = () => ({ status: 200, headers: { "content-type": "application/json" }, body: "{}" });
      await other.close();
    }
  });

  test("item 11: the same deadline bounds the built-in mock (slow body, hang)", async () => {
    const other = await startDemoServer({ port: 0, quiet: true, upstreamTimeoutMs: 500, upstreams: { sandbox: sandbox.url, production: production.url } });
    try {
      const granted = await fetch(`${other.url}/mock/oauth/token`, { method: "POST", body: form({ client_id: "demo-client-id", client_secret: "demo-client-secret" }) });
      const { access_token: token } = await granted.json();
      for (const fault of [{ slowBodyMs: 3000 }, { hang: true }, { delayMs: 3000 }]) {
        other.mock.script("me", fault);
        const started = performance.now();
        const response = await fetch(`${other.url}/mock/api/v1/me`, { headers: { authorization: `Bearer ${token}` } });
        const ms = performance.now() - started;
        assert.equal(response.status, 504, JSON.stringify(fault));
        assert.equal((await response.json()).errors[0].status, "504");
        assert.ok(ms < 1500, `${JSON.stringify(fault)}: answered after ${Math.round(ms)} ms with a 500 ms deadline`);
      }
      const me = await fetch(`${other.url}/mock/api/v1/me`, { headers: { authorization: `Bearer ${token}` } });
      assert.equal(me.status, 200, "the next call is answered normally");
      await me.arrayBuffer();
    } finally {
      await other.close();
    }
  });

  test("item 12: oversized headers → 431, malformed → 400, both with the security headers", async () => {
    const big = await rawRequest(demo.port, `GET / HTTP/1.1\r\nHost: 127.0.0.1:${demo.port}\r\nX-Big: ${"a".repeat(20_000)}\r\n\r\n`);
    assert.equal(big.status, 431);
    assertSecurityHeaders(big.headers, "431");
    assert.equal(big.headers.connection, "close");
    const malformed = await rawRequest(demo.port, `GET / HTTP/1.1\r\nHost: 127.0.0.1:${demo.port}\r\nNo colon here\r\n\r\n`);
    assert.equal(malformed.status, 400);
    assertSecurityHeaders(malformed.headers, "400");
  });

  test("item 12: a header timeout answers 408 with the security headers", async () => {
    const other = await startDemoServer({ port: 0, quiet: true, headersTimeoutMs: 300, upstreams: { sandbox: sandbox.url, production: production.url } });
    try {
      const started = performance.now();
      // The request line and one header, then nothing: the headers never end.
      const answer = await rawRequest(other.port, `GET / HTTP/1.1\r\nHost: 127.0.0.1:${other.port}\r\n`);
      const ms = performance.now() - started;
      assert.equal(answer.status, 408);
      assertSecurityHeaders(answer.headers, "408");
      assert.ok(ms < 2500, `408 after ${Math.round(ms)} ms with a 300 ms header timeout`);
    } finally {
      await other.close();
    }
  });

  /** Every string value (not key) of a JSON document. */
  function stringValues(value, out = []) {
    if (typeof value === "string") out.push(value);
    else if (Array.isArray(value)) for (const v of value) stringValues(v, out);
    else if (value && typeof value === "object") for (const v of Object.values(value)) stringValues(v, out);
    return out;
  }

  /** Hostile links of an upstream: each would leave /production once a URL parser normalises it. */
  function hostileLinks(up, port) {
    return {
      dots: `${up}/api/v1/../../../mock/__mock/echo`,
      encodedLower: `${up}/api/v1/%2e%2e/%2e%2e/mock/api/v1/echo`,
      encodedUpper: `${up}/api/v1/%2E%2E/%2E%2E/%2E%2E/mock/__mock/stats`,
      mixed: `${up}/api/v1/.%2e/%2E./sandbox/api/v1/me`,
      single: `${up}/./api/v1/%2e/me`,
      trailing: `${up}/api/v1/orders/..`,
      backslashes: `${up}/api/v1\\..\\..\\mock\\api\\v1\\echo`,
      tab: `${up}/api/v1/.\t./.\n./mock/api/v1/echo`,
      encodedSlash: `${up}/api/v1/..%2f..%2fmock%2fapi%2fv1%2fecho`,
      self: `http://127.0.0.1:${port}/mock/api/v1/echo`,
      selfLocalhost: `http://localhost:${port}/sandbox/api/v1/me`,
      selfShort: `http://127.1:${port}/mock/api/v1/echo`,
      selfUpper: `HTTP://LOCALHOST:${port}/mock/api/v1/echo`,
      selfSpaced: ` http://127.0.0.1:${port}/mock/api/v1/echo`,
      relative: "/api/v1/../../../mock/api/v1/echo",
      relativeEncoded: "/api/v1/%2e%2e/%2E%2E/.%2e/mock/api/v1/echo",
    };
  }

  test("item 13: no link that comes out of the proxy carries a dot segment or leaves the mount", async () => {
    const up = production.url;
    const links = hostileLinks(up, demo.port);
    const clean = `${up}/api/v1/orders?page%5Bafter%5D=x&note=../..`;
    const doc = { links: { ...links, clean }, data: [{ links: { self: `${up}/api/v1/orders/1` } }] };
    // Plus the same dots link with JSON-escaped slashes and \u escapes, as PHP may write it.
    const escapedDots = JSON.stringify(links.dots).replaceAll("/", "\\/");
    const unicodeSelf = JSON.stringify(links.self).replace("http", "\\u0068ttp");
    productionReply = () => ({
      status: 200,
      headers: { "content-type": "application/vnd.api+json" },
      body: JSON.stringify(doc).replace(/}$/, `,"escapedDots":${escapedDots},"unicodeSelf":${unicodeSelf}}`),
    });
    try {
      const response = await fetch(`${demo.url}/production/api/v1/orders`);
      const text = await response.text();
      const out = JSON.parse(text);
      assert.equal(out.links.clean, `${demo.url}/production/api/v1/orders?page%5Bafter%5D=x&note=../..`);
      assert.equal(out.data[0].links.self, `${demo.url}/production/api/v1/orders/1`);
      const demoHosts = new Set([`127.0.0.1:${demo.port}`, `localhost:${demo.port}`]);
      let onServer = 0;
      for (const value of stringValues(out)) {
        if (value.startsWith("/")) {
          assert.ok(!value.split(/[?#]/)[0].split("/").some((s) => /^(?:\.|%2e){1,2}$/i.test(s)), `dot segment in ${JSON.stringify(value)}`);
        }
        let url;
        try {
          url = new URL(value);
        } catch {
          continue;
        }
        if (!demoHosts.has(url.host)) continue;
        onServer += 1;
        const rawPath = /^\s*https?:\/\/[^/?#\\]*([^?#]*)/i.exec(value)?.[1] ?? "";
        assert.ok(!/[\\\x00-\x20]/.test(rawPath), `raw backslash or control character in ${JSON.stringify(value)}`);
        for (const segment of rawPath.split("/")) {
          const decoded = segment.replace(/%2e/gi, ".");
          assert.ok(decoded !== "." && decoded !== "..", `dot segment in ${JSON.stringify(value)}`);
        }
        assert.equal(url.pathname, rawPath, `${JSON.stringify(value)} is changed by URL parsing`);
        assert.ok(url.pathname.startsWith("/production/api/v1/"), `${JSON.stringify(value)} leaves the /production mount`);
      }
      assert.equal(onServer, 2, "only the two clean links point at this server");
      assert.equal(response.headers.get("content-length"), String(Buffer.byteLength(text)));
    } finally {
      productionReply = () => ({ status: 200, headers: { "content-type": "application/json" }, body: "{}" });
    }
  });

  test("item 13: the packaged client following hostile links never carries the token elsewhere", async () => {
    const { AnkorstoreClient } = await importPackage();
    demo.mock.reset();
    const productionToken = `production-token-${Math.random().toString(36).slice(2)}`;
    const links = { ...hostileLinks(production.url, demo.port), clean: `${production.url}/api/v1/orders?page%5Bafter%5D=x` };
    productionReply = (req) => {
      if (req.url === "/oauth/token") {
        return { status: 200, headers: { "content-type": "application/json" }, body: JSON.stringify({ token_type: "Bearer", expires_in: 3600, access_token: productionToken }) };
      }
      return { status: 200, headers: { "content-type": "application/vnd.api+json" }, body: JSON.stringify({ jsonapi: { version: "1.0" }, data: [], links }) };
    };
    const sandboxBefore = sandbox.requests.length;
    try {
      const client = new AnkorstoreClient({ clientId: "prod-id", clientSecret: "prod-secret", baseUrl: `${demo.url}/production` });
      const doc = await client.request("GET", "/api/v1/orders");
      assert.equal(doc.links.clean, `${demo.url}/production/api/v1/orders?page%5Bafter%5D=x`);
      for (const [name, link] of Object.entries(doc.links)) {
        if (typeof link !== "string") continue;
        await client.request("GET", link).catch(() => {}); // refused or answered: either is fine, leaking is not
        assert.equal(demo.mock.stats().requests.length, 0, `${name}: the built-in mock was reached`);
      }
      assert.equal(sandbox.requests.length, sandboxBefore, "the sandbox upstream was reached");
      assert.ok(production.requests.some((r) => r.url === "/api/v1/orders?page%5Bafter%5D=x"), "the clean link was followed");
      for (const seen of production.requests) {
        assert.ok(seen.url === "/oauth/token" || seen.url.startsWith("/api/v1/"), seen.url);
      }
    } finally {
      productionReply = () => ({ status: 200, headers: { "content-type": "application/json" }, body: "{}" });
    }
  });
});

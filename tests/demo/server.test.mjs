// The demo server (server/demo-server.mjs): it must only ever reach its fixed upstreams, send
// the security headers, refuse oversized bodies, and never log secrets or tokens. The real
// Ankorstore is never contacted: the sandbox/production upstreams are local fakes.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import http from "node:http";
import net from "node:net";
import { networkInterfaces } from "node:os";

import { startMock } from "../../mock/server.mjs";
import { CSP, startDemoServer } from "../../server/demo-server.mjs";
import { importPackage } from "../js/support/package.mjs";
import { get, rawRequest, startDemoCli, startFakeUpstream } from "./support.mjs";

describe("demo server", { timeout: 60_000 }, () => {
  let demo;
  let sandbox; // fake https://www.public.ankorstore-sandbox.com
  let production; // fake https://www.ankorstore.com
  let elsewhere; // a host nothing may ever reach
  const logs = [];

  before(async () => {
    elsewhere = await startFakeUpstream();
    sandbox = await startFakeUpstream((req) => {
      if (req.url === "/api/v1/redirect") return { status: 302, headers: { location: `${elsewhere.url}/steal` }, body: "" };
      if (req.url.startsWith("/api/v1/orders")) {
        const plain = `${sandbox.url}/api/v1/orders?page%5Bafter%5D=abc&page%5Blimit%5D=5`;
        const body = `{"links":{"next":"${plain}","escaped":"${plain.replaceAll("/", "\\/")}","foreign":"${elsewhere.url}/x"},"big":12345678901234567890}`;
        return { status: 200, headers: { "content-type": "application/vnd.api+json" }, body };
      }
      return {
        status: 200,
        headers: {
          "content-type": "application/json",
          "set-cookie": "session=upstream; HttpOnly",
          "x-debug-token": "leaky",
          "keep-alive": "timeout=5",
          "x-ratelimit-remaining": "59",
          "content-security-policy": "default-src *",
        },
        body: JSON.stringify({ ok: true }),
      };
    });
    production = await startFakeUpstream();
    demo = await startDemoServer({
      port: 0,
      log: (line) => logs.push(line),
      upstreams: { sandbox: sandbox.url, production: production.url },
    });
  });

  after(async () => {
    await demo?.close();
    await Promise.all([sandbox?.close(), production?.close(), elsewhere?.close()]);
  });

  const upstreamCount = () => sandbox.requests.length + production.requests.length + elsewhere.requests.length;

  test("binds to 127.0.0.1 only", async () => {
    assert.match(demo.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    const external = Object.values(networkInterfaces()).flat()
      .find((i) => i && !i.internal && i.family === "IPv4");
    if (!external) return; // no other interface on this machine: nothing more to try
    const refused = await new Promise((resolve) => {
      const socket = net.connect(demo.port, external.address);
      socket.once("connect", () => { socket.destroy(); resolve(false); });
      socket.once("error", () => resolve(true));
    });
    assert.equal(refused, true, `the demo server must not answer on ${external.address}`);
  });

  test("refuses every attempt to reach another upstream, without sending anything upstream", async () => {
    const port = demo.port;
    const cases = [
      ["/proxy?url=http://example.com/", 404],
      ["/sandbox/../etc/passwd", 400],
      ["/sandbox/..", 400],
      ["/sandbox/%2e%2e/oauth/token", 400],
      ["/sandbox/api/v1/..%2f..%2fx", 400],
      ["/sandbox/api/v1/%2F%2Felsewhere", 400],
      ["/sandbox/api/v1/a\\..\\..\\x", 400],
      ["/sandbox//127.0.0.1/api/v1/me", 400],
      ["/sandbox/oauth/token/../../x", 400],
      ["/sandbox/other", 404],
      ["/sandboxes/api/v1/me", 404],
      ["/sandbox/api/v1/", 404],
      [`http://127.0.0.1:${port}/sandbox/api/v1/me`, 400], // absolute-form target
      [`https://www.ankorstore.com/api/v1/me`, 400],
      [`${elsewhere.url}/x`, 400],
      ["//127.0.0.1/x", 400],
      ["*", 400],
    ];
    for (const [target, expected] of cases) {
      const answer = await get(port, target);
      assert.equal(answer.status, expected, `${target} → ${answer.status}`);
    }
    // Host header tricks: only 127.0.0.1:port and localhost:port are served (DNS rebinding).
    for (const host of ["evil.example", `evil.example:${port}`, `127.0.0.1:${port}@evil.example`, `127.0.0.1`, "", `127.0.0.1:${port + 1}`]) {
      const answer = await get(port, "/sandbox/api/v1/me", host);
      assert.ok([400, 421].includes(answer.status), `Host ${JSON.stringify(host)} → ${answer.status}`);
    }
    const duplicate = await rawRequest(port, `GET /sandbox/api/v1/me HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nHost: evil.example\r\nConnection: close\r\n\r\n`);
    assert.equal(duplicate.status, 400, "two Host headers are malformed HTTP");
    // CONNECT (a forward-proxy tunnel) is not offered.
    const tunnel = await rawRequest(port, `CONNECT 127.0.0.1:${elsewhere.url.split(":").at(-1)} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n\r\n`);
    assert.notEqual(tunnel.status, 200);
    // Another site's page posting to the proxy through the person's browser (CSRF).
    for (const header of ["Origin: http://evil.example", "Origin: null", "Sec-Fetch-Site: cross-site", "Sec-Fetch-Site: same-site"]) {
      const answer = await rawRequest(port, `POST /sandbox/oauth/token HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n${header}\r\nContent-Type: text/plain\r\nContent-Length: 2\r\nConnection: close\r\n\r\nhi`);
      assert.equal(answer.status, 403, header);
    }
    // Wrong method on the token endpoint.
    assert.equal((await get(port, "/production/oauth/token")).status, 405);
    assert.equal(upstreamCount(), 0, "no refused request may reach any upstream");
  });

  test("proxies the token endpoint and the API to the fixed upstream with filtered headers", async () => {
    const before = sandbox.requests.length;
    const body = "grant_type=client_credentials&client_id=x&client_secret=y";
    const answer = await rawRequest(demo.port, [
      "POST /sandbox/oauth/token?probe=1 HTTP/1.1",
      `Host: 127.0.0.1:${demo.port}`,
      "Content-Type: application/x-www-form-urlencoded",
      "Cookie: session=browser",
      `Origin: http://127.0.0.1:${demo.port}`,
      `Referer: http://127.0.0.1:${demo.port}/`,
      "Sec-Fetch-Site: same-origin",
      "X-Forwarded-Host: evil.example",
      "X-Forwarded-For: 1.2.3.4",
      "Proxy-Authorization: Basic eDp5",
      "Accept-Encoding: gzip, br",
      `Content-Length: ${body.length}`,
      "Connection: close",
      "", body,
    ].join("\r\n"));
    assert.equal(answer.status, 200);
    const seen = sandbox.requests[before];
    assert.equal(seen.method, "POST");
    assert.equal(seen.url, "/oauth/token?probe=1");
    assert.equal(seen.body, body);
    assert.equal(seen.headers.host, new URL(sandbox.url).host, "the upstream's own Host, never the browser's");
    assert.equal(seen.headers["accept-encoding"], "identity");
    assert.equal(seen.headers["content-type"], "application/x-www-form-urlencoded");
    for (const name of ["cookie", "origin", "referer", "sec-fetch-site", "x-forwarded-host", "x-forwarded-for", "proxy-authorization"]) {
      assert.equal(seen.headers[name], undefined, `${name} must not be forwarded`);
    }
    // Back to the browser: no cookies, no hop-by-hop, no debug header, our CSP, no caching.
    assert.equal(answer.headers["set-cookie"], undefined);
    assert.equal(answer.headers["x-debug-token"], undefined);
    assert.equal(answer.headers["keep-alive"], undefined);
    assert.equal(answer.headers["x-ratelimit-remaining"], "59");
    assert.equal(answer.headers["content-security-policy"], CSP);
    assert.equal(answer.headers["cache-control"], "no-store");
    assert.equal(production.requests.length + elsewhere.requests.length, 0);
  });

  test("does not follow or pass on redirects", async () => {
    const response = await fetch(`${demo.url}/sandbox/api/v1/redirect`, { redirect: "manual" });
    assert.equal(response.status, 302);
    assert.equal(response.headers.get("location"), null);
    await response.arrayBuffer();
    assert.equal(elsewhere.requests.length, 0);
  });

  test("rewrites upstream links (plain and slash-escaped) to the proxy prefix, nothing else", async () => {
    const response = await fetch(`${demo.url}/sandbox/api/v1/orders?page%5Blimit%5D=5`);
    const text = await response.text();
    const expected = `${demo.url}/sandbox/api/v1/orders?page%5Bafter%5D=abc&page%5Blimit%5D=5`;
    const doc = JSON.parse(text);
    assert.equal(doc.links.next, expected);
    assert.equal(doc.links.escaped, expected);
    assert.equal(doc.links.foreign, `${elsewhere.url}/x`, "other origins are left alone");
    assert.match(text, /"big":12345678901234567890/, "numbers are passed byte for byte");
    assert.equal(response.headers.get("content-length"), String(Buffer.byteLength(text)));
  });

  test("upstream unreachable → 502 JSON:API error, upstream slow → 504", async () => {
    const dead = await startFakeUpstream();
    await dead.close(); // its port now refuses connections
    const held = new Set();
    const hanging = net.createServer((socket) => held.add(socket)); // accepts and never answers
    await new Promise((resolve) => hanging.listen(0, "127.0.0.1", resolve));
    const other = await startDemoServer({
      port: 0, quiet: true, upstreamTimeoutMs: 300,
      upstreams: { sandbox: dead.url, production: `http://127.0.0.1:${hanging.address().port}` },
    });
    try {
      const refused = await fetch(`${other.url}/sandbox/api/v1/me`);
      assert.equal(refused.status, 502);
      assert.match(refused.headers.get("content-type"), /application\/vnd\.api\+json/);
      const doc = await refused.json();
      assert.equal(doc.errors[0].status, "502");
      assert.match(doc.errors[0].detail, /could not reach 127\.0\.0\.1:\d+/);
      const slow = await fetch(`${other.url}/production/api/v1/me`);
      assert.equal(slow.status, 504);
      await slow.arrayBuffer();
    } finally {
      await other.close();
      for (const socket of held) socket.destroy();
      hanging.close();
    }
  });

  test("sends the CSP, nosniff and no-referrer on every kind of answer", async () => {
    for (const path of ["/", "/app.js", "/config.json", "/pkg/browser.mjs", "/mock/api/v1/me", "/nope", "/sandbox/other"]) {
      const response = await fetch(`${demo.url}${path}`);
      await response.arrayBuffer();
      assert.equal(response.headers.get("content-security-policy"), CSP, path);
      assert.equal(response.headers.get("x-content-type-options"), "nosniff", path);
      assert.equal(response.headers.get("referrer-policy"), "no-referrer", path);
    }
    assert.equal(
      CSP,
      "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; connect-src 'self'; style-src 'self'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
    );
  });

  test("serves www/ and pkg/ with exact content types, and nothing outside them", async () => {
    const types = {
      "/": "text/html; charset=utf-8",
      "/app.js": "text/javascript; charset=utf-8",
      "/style.css": "text/css; charset=utf-8",
      "/pkg/browser.mjs": "text/javascript; charset=utf-8",
      "/pkg/ankorstore_client_bg.wasm": "application/wasm",
    };
    for (const [path, type] of Object.entries(types)) {
      const response = await fetch(`${demo.url}${path}`);
      assert.equal(response.status, 200, path);
      assert.equal(response.headers.get("content-type"), type, path);
      await response.arrayBuffer();
    }
    for (const target of ["/../package.json", "/pkg/../package.json", "/%2e%2e/package.json", "/pkg/%2e%2e/Cargo.toml", "/..%2fpackage.json"]) {
      assert.equal((await get(demo.port, target)).status, 400, target);
    }
    assert.equal((await get(demo.port, "/.gitignore")).status, 404);
    assert.equal((await get(demo.port, "/pkg/")).status, 404);
    const post = await fetch(`${demo.url}/app.js`, { method: "POST", body: "x" });
    assert.equal(post.status, 405);
    await post.arrayBuffer();
  });

  test("/config.json holds the environment and the client id, nothing else", async () => {
    const plain = await (await fetch(`${demo.url}/config.json`)).json();
    assert.deepEqual(plain, { env: "mock", clientId: null });
    const other = await startDemoServer({ port: 0, quiet: true, env: "sandbox", clientId: "my-sandbox-id" });
    try {
      const response = await fetch(`${other.url}/config.json`);
      assert.equal(response.headers.get("cache-control"), "no-store");
      assert.deepEqual(await response.json(), { env: "sandbox", clientId: "my-sandbox-id" });
    } finally {
      await other.close();
    }
    await assert.rejects(startDemoServer({ port: 0, env: "staging" }), TypeError);
  });

  test("refuses request bodies over 64 KiB with 413", async () => {
    const big = "x".repeat(64 * 1024 + 1);
    // Declared length.
    const declared = await fetch(`${demo.url}/mock/api/v1/echo`, { method: "POST", body: big });
    assert.equal(declared.status, 413);
    await declared.arrayBuffer();
    // Streamed without a length (chunked): counted while reading.
    const streamed = await new Promise((resolve, reject) => {
      const req = http.request(`${demo.url}/sandbox/oauth/token`, { method: "POST", headers: { "content-type": "text/plain" } }, (res) => {
        res.resume();
        res.on("end", () => resolve(res.statusCode));
      });
      req.on("error", reject);
      for (let i = 0; i < 80; i += 1) req.write("y".repeat(1024));
      req.end();
    });
    assert.equal(streamed, 413);
    // A body within the limit goes through.
    const small = await fetch(`${demo.url}/sandbox/api/v1/echo`, { method: "POST", body: "x".repeat(60 * 1024) });
    assert.equal(small.status, 200);
    await small.arrayBuffer();
    assert.equal(sandbox.requests.at(-1).body.length, 60 * 1024);
    assert.equal(sandbox.requests.filter((r) => r.body.startsWith("yyy")).length, 0);
  });

  test("logs method, path and status only: no secret, token or query through a full flow", async () => {
    const { AnkorstoreClient } = await importPackage();
    const clientId = "log-test-client";
    const clientSecret = `s3cret-${Math.random().toString(36).slice(2)}`;
    // The sandbox upstream of this server is a real mock, so the whole proxied flow runs.
    const upstreamMock = await startMock({ port: 0, clients: { [clientId]: clientSecret } });
    const captured = [];
    const other = await startDemoServer({
      port: 0, log: (line) => captured.push(line),
      upstreams: { sandbox: upstreamMock.url, production: production.url },
      mockOptions: { clients: { [clientId]: clientSecret } },
    });
    try {
      const tokens = [];
      for (const prefix of ["/mock", "/sandbox"]) {
        const client = new AnkorstoreClient({ clientId, clientSecret, baseUrl: `${other.url}${prefix}` });
        tokens.push((await client.token()).accessToken);
        assert.equal((await client.me()).id, 1234);
        const page = await client.request("GET", "/api/v1/orders", { query: { "page[limit]": 2 } });
        assert.ok(page.links.next.startsWith(`${other.url}${prefix}/api/v1/orders?`), page.links.next);
        const next = await client.request("GET", page.links.next);
        assert.equal(next.data.length, 2);
        const wrong = new AnkorstoreClient({ clientId, clientSecret: `${clientSecret}-wrong`, baseUrl: `${other.url}${prefix}` });
        await assert.rejects(wrong.token(), { code: "invalid_client" });
      }
      assert.equal(upstreamMock.stats().tokenRequests, 2, "the sandbox flow really went through the proxy");
      assert.ok(captured.length >= 10, `expected a line per request, got ${captured.length}`);
      const text = captured.join("\n");
      for (const secret of [clientSecret, encodeURIComponent(clientSecret), ...tokens, "page[limit]", "page%5B", "?"]) {
        assert.ok(!text.includes(secret), `the log must not contain ${secret.slice(0, 12)}…`);
      }
      for (const line of captured) assert.match(line, /^[A-Z]+ \/\S* (\d{3}|-)$/, line);
      assert.ok(captured.includes("POST /sandbox/oauth/token 200"));
      assert.ok(captured.includes("POST /mock/oauth/token 401"));
    } finally {
      await other.close();
      await upstreamMock.close();
    }
  });

  test("the command line prints the URL and demo credentials, never ANKORSTORE_CLIENT_SECRET or tokens", async () => {
    const secret = `env-secret-${Math.random().toString(36).slice(2)}`;
    const cli = await startDemoCli({ ANKORSTORE_ENV: "sandbox", ANKORSTORE_CLIENT_ID: "cli-client", ANKORSTORE_CLIENT_SECRET: secret });
    const { url } = cli;
    let code;
    try {
      assert.match(cli.output(), /client id demo-client-id, client secret demo-client-secret/);
      assert.deepEqual(await (await fetch(`${url}/config.json`)).json(), { env: "sandbox", clientId: "cli-client" });

      // A typed secret the built-in mock refuses, then a connect flow with the demo credentials.
      const other = `other-secret-${Math.random().toString(36).slice(2)}`;
      const { AnkorstoreClient } = await importPackage();
      const wrong = new AnkorstoreClient({ clientId: "cli-client", clientSecret: other, baseUrl: `${url}/mock` });
      await assert.rejects(wrong.token(), { code: "invalid_client" });
      const client = new AnkorstoreClient({ clientId: "demo-client-id", clientSecret: "demo-client-secret", baseUrl: `${url}/mock` });
      const token = (await client.token()).accessToken;
      await client.me();
      await client.request("GET", "/api/v1/orders", { query: { "page[limit]": 5 } });
      await new Promise((resolve) => setTimeout(resolve, 100)); // let the last log lines arrive
      assert.match(cli.output(), /GET \/mock\/api\/v1\/orders 200/);
      for (const hidden of [secret, other, token]) assert.ok(!cli.output().includes(hidden), "a secret or token reached the output");
    } finally {
      code = await cli.stop();
    }
    assert.equal(code, 0, cli.output());
  });
});

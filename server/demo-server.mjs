// The local demo server (Node 20, no dependencies):
//   /            www/ (the page)            /pkg/*        the built package (wasm runs in the page)
//   /config.json {env, clientId}: never a secret
//   /mock/{oauth/token,api/v1/*}        the built-in mock Ankorstore, served in-process
//                                       (mock/server.mjs createMock(): no second port, no
//                                       /__mock controls over HTTP, no credential in its log)
//   /sandbox/{oauth/token,api/v1/*}     → https://www.public.ankorstore-sandbox.com
//   /production/{oauth/token,api/v1/*}  → https://www.ankorstore.com
// Everything the page calls is same-origin, so the browser needs no CORS and the CSP can say
// connect-src 'self'. ONE listening socket, on 127.0.0.1 only; logs "METHOD /path STATUS" and
// nothing else. Every answer, the server's own 400/408/431 included, has the security headers.
//
//   node server/demo-server.mjs [--port N]     (or PORT=N; 0 picks a free port)
//   ANKORSTORE_ENV=sandbox ANKORSTORE_CLIENT_ID=… node server/demo-server.mjs
import http from "node:http";
import { realpathSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

import { DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, createMock } from "../mock/server.mjs";
import { ankorstoreRoutes, forward, forwardedRequestHeaders, writeAnswer } from "./proxy.mjs";
import {
  CSP, HttpError, MAX_BODY_BYTES, SECURITY_HEADERS,
  checkHost, checkSameOrigin, logLine, parseTarget, readBody, safeSegments,
} from "./security.mjs";
import { resolveStatic, sendFile } from "./static.mjs";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");

/** The only two real upstreams. Tests replace them with local fakes through the options. */
export const UPSTREAMS = Object.freeze({
  sandbox: "https://www.public.ankorstore-sandbox.com",
  production: "https://www.ankorstore.com",
});
export const ENVIRONMENTS = Object.freeze(["mock", "sandbox", "production"]);
export { CSP, DEMO_CLIENT_ID, DEMO_CLIENT_SECRET };

function checkOrigin(name, value) {
  let url;
  try {
    url = new URL(value);
  } catch {
    throw new TypeError(`upstreams.${name} must be an origin such as https://host`);
  }
  if (url.origin !== value || !/^https?:$/.test(url.protocol)) {
    throw new TypeError(`upstreams.${name} must be an origin such as https://host (no path, no trailing slash)`);
  }
  return value;
}

function checkClientId(clientId) {
  if (clientId === null || clientId === undefined || clientId === "") return null;
  if (typeof clientId !== "string" || clientId.length > 256 || /[\x00-\x1f\x7f]/.test(clientId)) {
    throw new TypeError("clientId must be a printable string of at most 256 characters");
  }
  return clientId;
}

function reasonPhrase(status) {
  return http.STATUS_CODES[status] ?? "Error";
}

/** The server's own answer to malformed HTTP (no request object exists): security headers too. */
function clientErrorAnswer(error) {
  const status = error?.code === "HPE_HEADER_OVERFLOW" ? 431
    : error?.code === "ERR_HTTP_REQUEST_TIMEOUT" ? 408
    : 400;
  const body = `${status} ${reasonPhrase(status)}\n`;
  const headers = {
    ...SECURITY_HEADERS,
    "content-type": "text/plain; charset=utf-8",
    "content-length": Buffer.byteLength(body),
    "cache-control": "no-store",
    connection: "close",
  };
  const lines = Object.entries(headers).map(([name, value]) => `${name}: ${value}`);
  return `HTTP/1.1 ${status} ${reasonPhrase(status)}\r\n${lines.join("\r\n")}\r\n\r\n${body}`;
}

/** Error answers: a JSON:API error document under the API mounts (the client parses it), text elsewhere. */
function sendError(res, error, { api }) {
  if (res.headersSent) return res.destroy();
  const status = error instanceof HttpError ? error.status : 500;
  const detail = error instanceof HttpError ? error.message : "Internal error of the demo server.";
  const headers = { ...SECURITY_HEADERS, ...(error.headers ?? {}), "cache-control": "no-store" };
  // A body that was refused may still be arriving: do not keep reading it on this connection.
  if (status === 413 || status === 400) headers.connection = "close";
  const body = api
    ? JSON.stringify({ jsonapi: { version: "1.0" }, errors: [{ status: String(status), title: reasonPhrase(status), detail }] })
    : `${status} ${reasonPhrase(status)}: ${detail}\n`;
  headers["content-type"] = api ? "application/vnd.api+json" : "text/plain; charset=utf-8";
  headers["content-length"] = Buffer.byteLength(body);
  res.writeHead(status, headers);
  res.end(body);
}

/**
 * Starts the demo server. Resolves to { url, port, mock, close() } where `mock` is the
 * in-process createMock() handle of the built-in mock (stats(), reset(), script(),
 * configure()): the only way to control it, since /mock/__mock/* is not served.
 * `upstreamTimeoutMs` is a total deadline per call (upstreams and the built-in mock alike);
 * `headersTimeoutMs` bounds how long a client may take to send its request headers (→ 408).
 */
export async function startDemoServer(options = {}) {
  const {
    port = 8080,
    quiet = false,
    log = (line) => console.log(line),
    env = "mock",
    clientId = null,
    upstreams = UPSTREAMS,
    upstreamTimeoutMs = 30_000,
    headersTimeoutMs = 20_000,
    maxBodyBytes = MAX_BODY_BYTES,
    wwwDir = join(ROOT, "www"),
    pkgDir = join(ROOT, "pkg"),
    mockOptions = {},
  } = options;
  if (!ENVIRONMENTS.includes(env)) throw new TypeError(`env must be one of ${ENVIRONMENTS.join(", ")} (got ${JSON.stringify(env)})`);
  const config = JSON.stringify({ env, clientId: checkClientId(clientId) });
  const origins = {
    sandbox: checkOrigin("sandbox", upstreams.sandbox),
    production: checkOrigin("production", upstreams.production),
  };

  for (const [name, value] of [["upstreamTimeoutMs", upstreamTimeoutMs], ["headersTimeoutMs", headersTimeoutMs]]) {
    if (!Number.isInteger(value) || value < 1) throw new TypeError(`${name} must be a positive integer`);
  }

  // In-process: no socket of its own, and its request log never holds a secret or a token.
  const mock = createMock({ keepCredentials: false, ...mockOptions, quiet: true });
  const mounts = [
    { prefix: "/mock", mock: true },
    { prefix: "/sandbox", origin: origins.sandbox },
    { prefix: "/production", origin: origins.production },
  ];
  let actualPort = port;
  let selfHosts = [];

  /** The built-in mock's answer, within the same total deadline as an upstream's. */
  async function serveMock(req, res, { target, body, publicPrefix, signal }) {
    const deadline = new AbortController();
    const timer = setTimeout(() => deadline.abort(), upstreamTimeoutMs);
    let answer;
    try {
      answer = await mock.dispatch({
        method: req.method, target, body, origin: publicPrefix,
        headers: forwardedRequestHeaders(req, body),
        signal: AbortSignal.any([signal, deadline.signal]),
      });
    } finally {
      clearTimeout(timer);
    }
    if (answer.error) {
      if (signal.aborted) throw new HttpError(499, "Client closed the request.");
      if (deadline.signal.aborted) {
        throw new HttpError(504, `The built-in mock did not answer within ${upstreamTimeoutMs < 1000 ? `${upstreamTimeoutMs} ms` : `${Math.round(upstreamTimeoutMs / 1000)} s`}.`);
      }
      throw new HttpError(502, "The built-in mock broke the connection (a scripted fault).");
    }
    writeAnswer(req, res, answer, { extra: SECURITY_HEADERS });
  }

  async function handle(req, res, signal) {
    const host = checkHost(req, actualPort);
    const { path, search } = parseTarget(req.url);
    const body = await readBody(req, maxBodyBytes);

    const mount = mounts.find((m) => path.startsWith(`${m.prefix}/`));
    if (mount) {
      const rawPath = path.slice(mount.prefix.length);
      safeSegments(rawPath); // "..", encoded slashes…: refused before any routing
      checkSameOrigin(req, host);
      ankorstoreRoutes(req.method, rawPath); // the token endpoint and /api/v1/*: no /__mock/*
      const publicPrefix = `http://${host}${mount.prefix}`;
      if (mount.mock) return serveMock(req, res, { target: rawPath + search, body, publicPrefix, signal });
      return forward(req, res, {
        origin: mount.origin, rawPath, search, body, signal, publicPrefix, selfHosts,
        timeoutMs: upstreamTimeoutMs,
        headers: SECURITY_HEADERS,
      });
    }
    if (req.method !== "GET" && req.method !== "HEAD") {
      throw new HttpError(405, "Only GET and HEAD are served here.", { allow: "GET, HEAD" });
    }
    if (path === "/config.json") {
      res.writeHead(200, {
        ...SECURITY_HEADERS,
        "content-type": "application/json; charset=utf-8",
        "content-length": Buffer.byteLength(config),
        "cache-control": "no-store",
      });
      return res.end(req.method === "HEAD" ? undefined : config);
    }
    if (path.startsWith("/pkg/")) return sendFile(req, res, await resolveStatic(pkgDir, path.slice(4)), SECURITY_HEADERS);
    return sendFile(req, res, await resolveStatic(wwwDir, path), SECURITY_HEADERS);
  }

  const server = http.createServer({
    headersTimeout: headersTimeoutMs,
    requestTimeout: Math.max(60_000, headersTimeoutMs),
    // How often Node checks those timeouts (its default, 30 s, would let a 300 ms one run 30 s).
    connectionsCheckingInterval: Math.min(5_000, Math.max(50, Math.floor(headersTimeoutMs / 4))),
  });
  const sockets = new Set();
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
  });
  server.on("request", (req, res) => {
    const gone = new AbortController();
    res.once("close", () => {
      if (!res.writableFinished) gone.abort();
      if (!quiet) log(logLine(req.method, req.url, res.headersSent ? res.statusCode : "-"));
    });
    handle(req, res, gone.signal).catch((error) => {
      // Only the error's class: messages of unexpected errors could quote request data.
      if (!(error instanceof HttpError) && !quiet) log(`demo-server: internal error (${error?.name ?? typeof error})`);
      const api = typeof req.url === "string" && mounts.some((m) => req.url.startsWith(`${m.prefix}/`));
      sendError(res, error, { api });
    });
  });
  // Malformed HTTP (400), headers too large (431), headers too slow (408): answered with the
  // security headers, without echoing anything; then the connection is closed.
  server.on("clientError", (error, socket) => {
    if (!socket.writable || error?.code === "ECONNRESET" || socket._httpMessage?.headersSent) return socket.destroy();
    socket.end(clientErrorAnswer(error));
  });

  try {
    await new Promise((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, "127.0.0.1", () => {
        server.off("error", reject);
        resolve();
      });
    });
  } catch (error) {
    await mock.close();
    throw error;
  }
  actualPort = server.address().port;
  // This server's own names, as a URL parser writes them: an upstream's link to them is dropped.
  selfHosts = ["127.0.0.1", "localhost", "0.0.0.0", "[::1]"].map((name) => new URL(`http://${name}:${actualPort}`).host);

  let closing = null;
  return {
    url: `http://127.0.0.1:${actualPort}`,
    port: actualPort,
    mock,
    close() {
      closing ??= Promise.all([
        new Promise((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
          for (const socket of sockets) socket.destroy();
        }),
        mock.close(),
      ]).then(() => undefined);
      return closing;
    },
  };
}

// =======================================================================================
// Command line

function cliPort(argv) {
  const index = argv.findIndex((a) => a === "--port" || a.startsWith("--port="));
  const raw = index >= 0 ? (argv[index].includes("=") ? argv[index].split("=")[1] : argv[index + 1]) : process.env.PORT;
  if (raw === undefined || raw === "") return 8080;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`invalid port: ${raw}`);
  return port;
}

async function main(argv) {
  const env = process.env.ANKORSTORE_ENV || "mock";
  if (!ENVIRONMENTS.includes(env)) throw new Error(`ANKORSTORE_ENV must be one of ${ENVIRONMENTS.join(", ")}`);
  const port = cliPort(argv);
  let demo;
  try {
    demo = await startDemoServer({ port, env, clientId: process.env.ANKORSTORE_CLIENT_ID || null });
  } catch (error) {
    if (error?.code === "EADDRINUSE") throw new Error(`port ${port} is already in use: run with PORT=<another port> (0 picks a free one)`);
    throw error;
  }
  console.log(`\nankorstore-client demo: ${demo.url}/\n`);
  console.log(`  Built-in mock credentials: client id ${DEMO_CLIENT_ID}, client secret ${DEMO_CLIENT_SECRET}`);
  if (env !== "mock") {
    console.log(`  The page opens on ${env}${process.env.ANKORSTORE_CLIENT_ID ? " with your client id" : ""}; type the client secret in the page.`);
  }
  if (process.env.ANKORSTORE_CLIENT_SECRET) {
    console.log("  ANKORSTORE_CLIENT_SECRET is set but not used: the secret is typed in the page and kept in its memory only.");
  }
  console.log(`  Sandbox and Production calls go through this server to ${UPSTREAMS.sandbox} and ${UPSTREAMS.production}.`);
  console.log("  Ctrl-C stops it. Requests (method, path, status):\n");
  const stop = () => demo.close().then(() => process.exit(0));
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
    console.error(`demo-server: ${error.message}`);
    process.exit(1);
  });
}

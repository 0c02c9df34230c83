// The local demo server (Node 20, no dependencies):
//   /            www/ (the page)            /pkg/*        the built package (wasm runs in the page)
//   /config.json {env, clientId}: never a secret
//   /mock/*      the built-in mock Ankorstore (mock/server.mjs on an internal loopback port)
//   /sandbox/{oauth/token,api/v1/*}     → https://www.public.ankorstore-sandbox.com
//   /production/{oauth/token,api/v1/*}  → https://www.ankorstore.com
// Everything the page calls is same-origin, so the browser needs no CORS and the CSP can say
// connect-src 'self'. Binds to 127.0.0.1 only; logs "METHOD /path STATUS" and nothing else.
//
//   node server/demo-server.mjs [--port N]     (or PORT=N; 0 picks a free port)
//   ANKORSTORE_ENV=sandbox ANKORSTORE_CLIENT_ID=… node server/demo-server.mjs
import http from "node:http";
import { realpathSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

import { DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, startMock } from "../mock/server.mjs";
import { ankorstoreRoutes, forward, mockRoutes } from "./proxy.mjs";
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
 * startMock() handle of the built-in mock (stats(), reset(), script(), configure()).
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

  const mock = await startMock({ ...mockOptions, port: 0, host: "127.0.0.1", quiet: true });
  const mounts = [
    { prefix: "/mock", origin: mock.url, routes: mockRoutes },
    { prefix: "/sandbox", origin: origins.sandbox, routes: ankorstoreRoutes },
    { prefix: "/production", origin: origins.production, routes: ankorstoreRoutes },
  ];
  let actualPort = port;

  async function handle(req, res, signal) {
    const host = checkHost(req, actualPort);
    const { path, search } = parseTarget(req.url);
    const body = await readBody(req, maxBodyBytes);

    const mount = mounts.find((m) => path.startsWith(`${m.prefix}/`));
    if (mount) {
      const rawPath = path.slice(mount.prefix.length);
      safeSegments(rawPath); // "..", encoded slashes…: refused before any routing
      checkSameOrigin(req, host);
      mount.routes(req.method, rawPath);
      return forward(req, res, {
        origin: mount.origin, rawPath, search, body, signal,
        publicPrefix: `http://${host}${mount.prefix}`,
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

  const server = http.createServer({ requestTimeout: 60_000, headersTimeout: 20_000 });
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
  // Malformed HTTP: answer 400 without echoing anything.
  server.on("clientError", (_error, socket) => {
    if (socket.writable) socket.end("HTTP/1.1 400 Bad Request\r\nconnection: close\r\ncontent-length: 0\r\n\r\n");
    else socket.destroy();
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

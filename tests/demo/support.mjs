// Helpers shared by the demo-server suites: fake upstreams, raw HTTP, the listening sockets
// of a process, the Chromium flags the repository's browser tests use, the demo server with a
// browser, and a recorded tab.
import { spawn } from "node:child_process";
import http from "node:http";
import net from "node:net";
import assert from "node:assert/strict";
import { existsSync, mkdirSync, readdirSync, readFileSync, readlinkSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

import { startDemoServer } from "../../server/demo-server.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");

/** Where the browser suites put their screenshots. */
export const artifacts = join(root, "tests", "artifacts");

// The packed package as installed by scripts/pack.mjs (what users get); pkg/ when not packed.
const packed = join(root, ".scratch", "consumer", "node_modules", "ankorstore-client");
/** The package the demo server serves. */
export const pkgDir = existsSync(join(packed, "browser.mjs")) ? packed : join(root, "pkg");

export const CHROMIUM_ARGS = [
  "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
  "--disable-component-update", "--disable-sync", "--no-first-run",
];

/** For a browser suite's before(): the demo server on the package, and headless Chromium. */
export async function startDemoAndBrowser() {
  assert.ok(existsSync(join(pkgDir, "ankorstore_client_bg.wasm")), `the package is not built (${pkgDir})`);
  mkdirSync(artifacts, { recursive: true });
  const demo = await startDemoServer({ port: 0, quiet: true, pkgDir });
  const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: CHROMIUM_ARGS });
  return { demo, browser };
}

/**
 * A fresh tab of the demo page (a context of its own) that records everything that must not
 * happen: console errors and warnings, page errors, CSP violations, failed requests and
 * requests to another origin. Resolves once the page says "Ready".
 */
export async function openRecordedTab(browser, url, { viewport = { width: 1280, height: 900 }, timeout = 15_000 } = {}) {
  const context = await browser.newContext({ viewport, locale: "en-US", timezoneId: "UTC" });
  const page = await context.newPage();
  const problems = [];
  await page.addInitScript(() => {
    document.addEventListener("securitypolicyviolation", (e) => {
      console.error(`CSP violation: ${e.violatedDirective} ${e.blockedURI}`);
    });
  });
  page.on("console", (m) => {
    if (m.type() === "error" || m.type() === "warning") problems.push(`console ${m.type()}: ${m.text()}`);
  });
  page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
  page.on("requestfailed", (r) => problems.push(`request failed: ${r.url()} ${r.failure()?.errorText}`));
  const origin = new URL(url).origin;
  page.on("request", (r) => {
    const target = new URL(r.url());
    if (target.protocol !== "data:" && target.origin !== origin) problems.push(`foreign request: ${r.url()}`);
  });
  await page.goto(url);
  await page.locator("#status").filter({ hasText: "Ready" }).waitFor({ timeout });
  return { context, page, problems };
}

/**
 * A fake upstream that records every request and answers what `reply` says: either
 * { status, headers, body } or, to take over the response, a function (res) => void.
 */
export async function startFakeUpstream(reply = () => ({ status: 200, headers: { "content-type": "application/json" }, body: "{}" })) {
  const requests = [];
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => {
      const seen = { method: req.method, url: req.url, headers: req.headers, body: Buffer.concat(chunks).toString() };
      requests.push(seen);
      const answer = reply(seen);
      if (typeof answer === "function") return answer(res);
      const { status, headers = {}, body = "" } = answer;
      res.writeHead(status, headers);
      res.end(body);
    });
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${server.address().port}`;
  return {
    url,
    requests,
    close: () => new Promise((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }),
  };
}

/**
 * Sends raw bytes (request targets and headers that fetch would normalise) and reads the
 * answer until the server closes the connection (a partial request just waits for it).
 */
export function rawRequest(port, text, { timeoutMs = 5000 } = {}) {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, "127.0.0.1");
    let data = "";
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error("raw request timed out"));
    }, timeoutMs);
    socket.on("data", (chunk) => {
      data += chunk.toString("latin1");
    });
    socket.on("error", () => {}); // a reset after the answer is fine: we judge by what was read
    socket.on("close", () => {
      clearTimeout(timer);
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(data)?.[1] ?? 0);
      const [headerBlock, ...rest] = data.split("\r\n\r\n");
      const headers = Object.fromEntries(headerBlock.split("\r\n").slice(1).map((line) => {
        const i = line.indexOf(":");
        return [line.slice(0, i).trim().toLowerCase(), line.slice(i + 1).trim()];
      }));
      resolve({ status, headers, body: rest.join("\r\n\r\n"), raw: data });
    });
    socket.write(text);
  });
}

export function get(port, target, host = `127.0.0.1:${port}`, extra = "") {
  return rawRequest(port, `GET ${target} HTTP/1.1\r\nHost: ${host}\r\n${extra}Connection: close\r\n\r\n`);
}

/** "0100007F:1F90" (/proc/net/tcp) or the 32-hex-digit IPv6 form → { address, port }. */
function procAddress(hex) {
  const [ip, port] = hex.split(":");
  const bytes = Buffer.from(ip, "hex");
  // The kernel prints each 32-bit word in host (little-endian) order.
  for (let i = 0; i < bytes.length; i += 4) bytes.subarray(i, i + 4).reverse();
  const address = bytes.length === 4
    ? [...bytes].join(".")
    : Array.from({ length: 8 }, (_, i) => bytes.readUInt16BE(i * 2).toString(16)).join(":");
  return { address, port: parseInt(port, 16) };
}

/**
 * Every TCP socket process `pid` listens on (Linux: its fds in /proc/<pid>/fd matched with
 * the LISTEN entries of /proc/<pid>/net/tcp and tcp6), as [{ address, port }].
 */
export function listeningSockets(pid) {
  const inodes = new Set();
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    try {
      const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
      if (m) inodes.add(m[1]);
    } catch {
      // closed meanwhile
    }
  }
  const found = [];
  for (const table of ["tcp", "tcp6"]) {
    let text;
    try {
      text = readFileSync(`/proc/${pid}/net/${table}`, "utf8");
    } catch {
      continue;
    }
    for (const line of text.trim().split("\n").slice(1)) {
      const cols = line.trim().split(/\s+/);
      if (cols[3] === "0A" && inodes.has(cols[9])) found.push(procAddress(cols[1]));
    }
  }
  return found;
}

/**
 * Starts `node server/demo-server.mjs` (the command `npm start` runs) on a free port and waits
 * for it to print its URL: `{ url, port, pid, output(), stop() }`, where `stop()` resolves to
 * the exit code. A server that prints no URL within 10 s is stopped and the start rejects.
 */
export async function startDemoCli(env = {}) {
  const child = spawn(process.execPath, [join(root, "server", "demo-server.mjs")], {
    env: { ...process.env, PORT: "0", ANKORSTORE_ENV: "", ANKORSTORE_CLIENT_ID: "", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (c) => { output += c; });
  child.stderr.on("data", (c) => { output += c; });
  const exited = new Promise((resolve) => child.once("exit", (code) => resolve(code)));
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGTERM");
      reject(new Error(`no URL printed: ${output}`));
    }, 10_000);
    const check = () => {
      const match = /demo: (http:\/\/127\.0\.0\.1:\d+)\//.exec(output);
      if (match && output.includes("Ctrl-C stops it")) {
        clearTimeout(timer);
        child.stdout.off("data", check);
        resolve(match[1]);
      }
    };
    child.stdout.on("data", check);
    check();
  });
  return {
    url,
    port: Number(new URL(url).port),
    pid: child.pid,
    output: () => output,
    async stop() {
      child.kill("SIGTERM");
      return exited;
    },
  };
}

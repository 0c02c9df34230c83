// Helpers of the example suites (tests/js/examples-*.test.mjs): they follow each example's
// README in a copy of its folder, with the commands the README shows.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { cpSync, existsSync, mkdirSync, readFileSync, realpathSync, rmSync } from "node:fs";
import { join } from "node:path";

import { root } from "./package.mjs";

export { root };
export { freePort } from "./ports.mjs";

/** Folders an example accumulates when used (never copied). */
const LOCAL_STATE = new Set(["node_modules", "dist", ".wrangler", ".dev.vars", ".config"]);

/**
 * A fresh copy of examples/<name> at .scratch/example-<name>: two levels below the
 * repository root like the original, so its `file:../../pkg` dependency is the same pkg/.
 */
export function copyExample(name) {
  const source = join(root, "examples", name);
  const dir = join(root, ".scratch", `example-${name}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  cpSync(source, dir, { recursive: true, filter: (src) => !LOCAL_STATE.has(src.slice(source.length + 1).split(/[\\/]/)[0]) });
  assert.equal(realpathSync(join(dir, "..", "..", "pkg")), realpathSync(join(root, "pkg")));
  return dir;
}

/** The package must have been built (`npm run build`; npm test builds it before the suites). */
export function assertBuilt() {
  assert.ok(existsSync(join(root, "pkg", "package.json")), "pkg/ is not built: run `npm run build` (npm test does)");
}

/**
 * The commands of the first ```sh block after `heading` in a Markdown file, without
 * comments and blank lines.
 */
export function readmeCommands(file, heading) {
  const text = readFileSync(file, "utf8");
  const at = text.indexOf(`\n${heading}\n`);
  assert.ok(at >= 0, `${file}: no heading "${heading}"`);
  const block = text.slice(at).match(/```sh\n([\s\S]*?)```/);
  assert.ok(block, `${file}: no sh block after "${heading}"`);
  return block[1].split("\n").map((line) => line.replace(/\s+#.*$/, "").trim()).filter((line) => line && !line.startsWith("#"));
}


/**
 * `npm install` as the README says, preferring npm's cache (the same versions as the
 * repository's own lockfile) and without the audit and funding requests.
 */
export function npmInstall(dir) {
  return runToEnd("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund"], { cwd: dir, timeout: 180_000 });
}

/** Runs a command to its end; rejects with its output when it fails. */
export function runToEnd(cmd, args, { cwd, env = process.env, timeout = 120_000 } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (chunk) => (output += chunk));
    child.stderr.on("data", (chunk) => (output += chunk));
    const timer = setTimeout(() => child.kill("SIGKILL"), timeout);
    child.once("error", reject);
    child.once("close", (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve(output);
      else reject(new Error(`${cmd} ${args.join(" ")} exited with ${code ?? signal}:\n${output}`));
    });
  });
}

/**
 * Starts a long-running command in its own process group and resolves once its output
 * matches `ready`. `stop()` ends the whole group (npm/npx, the tool, and its children).
 */
export function startProcess(cmd, args, { cwd, env = process.env, ready, timeout = 90_000 }) {
  const child = spawn(cmd, args, { cwd, env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
  const handle = {
    child,
    output: "",
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const closed = new Promise((resolve) => child.once("close", resolve));
      try {
        process.kill(-child.pid, "SIGTERM");
      } catch {
        return;
      }
      const timer = setTimeout(() => {
        try {
          process.kill(-child.pid, "SIGKILL");
        } catch {}
      }, 5_000);
      await closed;
      clearTimeout(timer);
    },
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(async () => {
      await handle.stop();
      reject(new Error(`${cmd} ${args.join(" ")} not ready after ${timeout} ms:\n${handle.output}`));
    }, timeout);
    const onData = (chunk) => {
      handle.output += chunk;
      if (ready.test(handle.output)) {
        clearTimeout(timer);
        resolve(handle);
      }
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", onData);
    child.once("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once("exit", (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`${cmd} ${args.join(" ")} exited with ${code ?? signal} before it was ready:\n${handle.output}`));
    });
  });
}

/** `npm run mock -- --port <port>` from the repository root, as the READMEs say. */
export async function startMockCommand(port) {
  const mock = await startProcess("npm", ["run", "mock", "--", "--port", String(port)], {
    cwd: root, ready: /listening on http:\/\/127\.0\.0\.1:\d+/, timeout: 30_000,
  });
  mock.url = `http://127.0.0.1:${port}`;
  mock.stats = async () => (await fetch(`${mock.url}/__mock/stats`)).json();
  mock.reset = async () => {
    const res = await fetch(`${mock.url}/__mock/reset`, { method: "POST" });
    await res.body?.cancel();
  };
  return mock;
}

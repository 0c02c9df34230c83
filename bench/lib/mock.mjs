// The mock Ankorstore server in its own child process, so that its request handling does not
// share the event loop (nor the CPU profile) of the clients being measured.
import { spawn } from "node:child_process";
import { join } from "node:path";
import { root } from "./paths.mjs";

// Token requests are what some of the measurements count: lift the mock's 60-an-hour limit.
const BENCH_CONFIG = { quiet: true, tokenLimitPerHour: 1_000_000 };

export async function spawnMock({ timeoutMs = 15_000 } = {}) {
  const child = spawn(process.execPath, [join(root, "mock", "server.mjs"), "--port", "0"], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr.setEncoding("utf8").on("data", (d) => { stderr += d; });
  const url = await new Promise((resolve, reject) => {
    let first = "";
    const timer = setTimeout(() => fail(new Error("the mock did not start in time")), timeoutMs);
    const fail = (error) => { clearTimeout(timer); child.kill(); reject(error); };
    const onData = (chunk) => {
      first += chunk;
      const newline = first.indexOf("\n");
      if (newline < 0) return;
      // Only the first line is read (the second names the demo credentials).
      const match = /listening on (http:\/\/\S+)/.exec(first.slice(0, newline));
      child.stdout.off("data", onData);
      child.stdout.resume(); // keep draining: the request log must never block the mock
      clearTimeout(timer);
      if (match) resolve(match[1]);
      else fail(new Error("unexpected first line from the mock"));
    };
    child.stdout.setEncoding("utf8").on("data", onData);
    child.once("exit", (code) => fail(new Error(`the mock exited (${code}): ${stderr.trim()}`)));
    child.once("error", fail);
  });
  const control = async (path, body) => {
    const res = await fetch(url + path, body === undefined
      ? {}
      : { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
    const text = await res.text();
    if (!res.ok) throw new Error(`mock ${path}: ${res.status} ${text.slice(0, 200)}`);
    return text ? JSON.parse(text) : null;
  };
  await control("/__mock/config", BENCH_CONFIG);
  return {
    url,
    pid: child.pid,
    /** Counters only: the request log holds headers (tokens), it is never kept or printed. */
    async stats() {
      const { tokenRequests, apiRequests, tokensIssued } = await control("/__mock/stats");
      return { tokenRequests, apiRequests, tokensIssued };
    },
    /** Clears counters and revokes every token; reset restores the start config, so re-apply ours. */
    async reset() {
      await control("/__mock/reset", {});
      await control("/__mock/config", BENCH_CONFIG);
    },
    close() {
      if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
      return new Promise((resolve) => {
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      });
    },
  };
}

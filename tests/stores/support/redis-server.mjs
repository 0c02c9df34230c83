// A throwaway redis-server on a free loopback port (no persistence), for the suites that share
// a token through Redis. Needs redis-server: scripts/setup.sh --redis installs it.
import { spawn } from "node:child_process";
import { once } from "node:events";

import { freePort } from "../../js/support/ports.mjs";

/** Starts redis-server and resolves once it accepts connections: `{ port, stop() }`. */
export async function startRedisServer() {
  const port = await freePort();
  const server = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--protected-mode", "yes"], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`redis-server did not start: ${output}`)), 10_000);
    server.stdout.on("data", (chunk) => {
      output += chunk;
      if (output.includes("Ready to accept connections")) {
        clearTimeout(timer);
        resolve();
      }
    });
    server.once("error", (e) => {
      clearTimeout(timer);
      reject(new Error(`redis-server could not be run (scripts/setup.sh --redis installs it): ${e.message}`));
    });
    server.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`redis-server exited with ${code}: ${output}`));
    });
  });
  server.removeAllListeners("exit");
  return {
    port,
    /** Stops the server and waits for it to exit. */
    async stop() {
      if (server.pid && server.exitCode === null && server.signalCode === null) {
        const exited = once(server, "exit");
        server.kill("SIGTERM");
        await exited;
      }
    },
  };
}

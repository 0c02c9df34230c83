// `require("ankorstore-client/stores")` from a CommonJS program, with the packed package:
// two processes, each with its own client and a redisTokenStore (node-redis in one, ioredis
// in the other), share one token through a real redis-server. The programs run with
// --no-experimental-require-module: like Node 18 and Node 20 before 20.19 (which `engines`
// accepts), they cannot require() an ES module, so only a CommonJS entry works.
// Run: node --test tests/package/stores-cjs.test.mjs (needs redis-server: scripts/setup.sh --redis)
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";

import { DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, startMock } from "../../mock/server.mjs";
import { USER } from "../../mock/data.mjs";
import { consumer } from "../js/support/package.mjs";
import { startRedisServer } from "../stores/support/redis-server.mjs";

// A CommonJS program as a Node backend would write it. It lives in the scratch project
// where the tarball is installed; `redis` and `ioredis` resolve from the repository's
// node_modules above it.
const PROGRAM = `"use strict";
const { AnkorstoreClient } = require("ankorstore-client");
const { redisTokenStore, kvTokenStore, durableObjectTokenStore, AnkorstoreTokenBroker } = require("ankorstore-client/stores");

async function main() {
  const [flavor, port, baseUrl, prefix] = process.argv.slice(2);
  let redis;
  if (flavor === "ioredis") {
    const { Redis } = require("ioredis");
    redis = new Redis({ host: "127.0.0.1", port: Number(port), lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    await redis.connect();
  } else {
    const { createClient } = require("redis");
    redis = createClient({ socket: { host: "127.0.0.1", port: Number(port), reconnectStrategy: false } });
    await redis.connect();
  }
  try {
    const client = new AnkorstoreClient({
      clientId: process.env.CLIENT_ID, clientSecret: process.env.CLIENT_SECRET, baseUrl,
      tokenStore: redisTokenStore(redis, { prefix }),
    });
    const users = await Promise.all(Array.from({ length: 10 }, () => client.me()));
    const { expiresAt } = await client.token();
    console.log(JSON.stringify({
      ids: [...new Set(users.map((u) => u.id))],
      expiresAt,
      exports: [typeof kvTokenStore, typeof durableObjectTokenStore, typeof AnkorstoreTokenBroker],
      stored: (await redis.keys(prefix + "*")).length,
      resolved: require.resolve("ankorstore-client/stores").split(/[\\/]/).slice(-2).join("/"),
    }));
  } finally {
    await redis.quit();
  }
}
main().catch((error) => {
  console.error(error && error.stack || error);
  process.exit(1);
});
`;

// Node 18 has no require(esm) and no flag for it.
const NO_REQUIRE_ESM = process.allowedNodeEnvironmentFlags.has("--no-experimental-require-module") ? ["--no-experimental-require-module"] : [];

let redisServer;
let redisPort;
let mock;
let program;

/** Runs the CommonJS program; resolves to its JSON report (or fails with its stderr). */
function runProgram(flavor, prefix) {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [...NO_REQUIRE_ESM, program, flavor, String(redisPort), mock.url, prefix], {
      cwd: consumer, timeout: 30_000,
      env: { ...process.env, CLIENT_ID: DEMO_CLIENT_ID, CLIENT_SECRET: DEMO_CLIENT_SECRET },
    }, (error, stdout, stderr) => (error ? reject(new Error(`${flavor}: ${stderr || error.message}`)) : resolve(JSON.parse(stdout))));
  });
}

before(async () => {
  assert.ok(existsSync(join(consumer, "node_modules", "ankorstore-client", "package.json")), "run node scripts/pack.mjs first");
  program = join(consumer, "stores-redis.cjs");
  writeFileSync(program, PROGRAM);
  redisServer = await startRedisServer();
  redisPort = redisServer.port;
  mock = await startMock({ port: 0 });
});

after(async () => {
  await mock?.close();
  await redisServer?.stop();
});

test("require('ankorstore-client/stores') gives the stores to CommonJS, and redisTokenStore shares one token", async () => {
  mock.reset();
  const prefix = `cjs:${Date.now()}:`;
  // Two cold processes at once (one per Redis library): the store's lock lets one ask.
  const [a, b] = await Promise.all([runProgram("node-redis", prefix), runProgram("ioredis", prefix)]);
  for (const report of [a, b]) {
    assert.deepEqual(report.ids, [USER.id]);
    assert.deepEqual(report.exports, ["function", "function", "function"]);
    assert.ok(report.stored >= 1, "the token is in Redis under the prefix");
    assert.equal(report.resolved, "stores/index.cjs");
  }
  assert.equal(a.expiresAt, b.expiresAt, "both processes hold the same token");
  assert.equal(mock.stats().tokenRequests, 1, "one token request for both processes");
  assert.equal(mock.stats().apiRequests, 20);
  // A third process, later, finds the token in Redis.
  const c = await runProgram("node-redis", prefix);
  assert.equal(c.expiresAt, a.expiresAt);
  assert.equal(mock.stats().tokenRequests, 1);
});

// redisTokenStore against a real redis-server, with node-redis and with ioredis: the store's
// own semantics, then a fleet of 50 processes (worker threads, each with its own wasm
// instance and client) that start cold at the same instant and share one token.
// Run: node --test tests/stores/redis.test.mjs (needs redis-server: scripts/setup.sh --redis)
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { once } from "node:events";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";

import { createClient } from "redis";
import { Redis } from "ioredis";

import { DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, startMock } from "../../mock/server.mjs";
import { importPackage } from "../js/support/package.mjs";
import { startRedisServer } from "./support/redis-server.mjs";
import { loadStores } from "./support/stores.mjs";

const FLEET = 50;
const CALLS = 20;
// Long enough for a cold burst of 1,000 calls to end well before the token expires (a call
// sent just before expiry would be refused and cost a token request), short enough to wait.
const TOKEN_TTL_S = 4;

let redisServer;
let redisPort;
let mock;
let stores;
const clients = {}; // flavor → a client of the main thread

before(async () => {
  stores = await loadStores();
  redisServer = await startRedisServer();
  redisPort = redisServer.port;
  mock = await startMock({ port: 0 });
  clients["node-redis"] = createClient({ socket: { host: "127.0.0.1", port: redisPort, reconnectStrategy: false } });
  await clients["node-redis"].connect();
  clients.ioredis = new Redis({ host: "127.0.0.1", port: redisPort, lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  await clients.ioredis.connect();
});

after(async () => {
  await Promise.allSettled(Object.values(clients).map((c) => c.quit()));
  await mock?.close();
  await redisServer?.stop();
});

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

for (const flavor of ["node-redis", "ioredis"]) {
  describe(`redisTokenStore with ${flavor}`, () => {
    test("get/set with the TTL in seconds, under the prefix", async () => {
      const { redisTokenStore } = stores.mod;
      const redis = clients[flavor];
      const store = redisTokenStore(redis, { prefix: `t:${flavor}:` });
      assert.equal(await store.get("k"), null);
      await store.set("k", "value one", 120);
      assert.equal(await store.get("k"), "value one");
      assert.equal(await redis.get(`t:${flavor}:k`), "value one", "the key carries the prefix");
      const ttl = await redis.ttl(`t:${flavor}:k`);
      assert.ok(ttl > 115 && ttl <= 120, `ttl ${ttl}`);
      // A fraction of a second still gets a whole second (Redis refuses EX 0).
      await store.set("short", "v", 0.2);
      assert.equal(await redis.ttl(`t:${flavor}:short`), 1);
      // No prefix: the client's key as is.
      await redisTokenStore(redis).set("bare", "v", 60);
      assert.equal(await redis.get("bare"), "v");
    });

    test("lock is exclusive, expires, and is released only by its owner", async () => {
      const { redisTokenStore } = stores.mod;
      const redis = clients[flavor];
      const a = redisTokenStore(redis, { prefix: `l:${flavor}:` });
      const b = redisTokenStore(redis, { prefix: `l:${flavor}:` });
      assert.equal(await a.lock("k/lock", 200), true);
      assert.equal(await b.lock("k/lock", 200), false, "held by a");
      const pttl = await redis.pTTL?.(`l:${flavor}:k/lock`) ?? await redis.pttl(`l:${flavor}:k/lock`);
      assert.ok(pttl > 0 && pttl <= 200, `pttl ${pttl}`);
      await b.unlock("k/lock"); // b never held it: nothing happens
      assert.equal(await b.lock("k/lock", 200), false, "still held by a");
      await a.unlock("k/lock");
      assert.equal(await b.lock("k/lock", 150), true, "released by its owner");
      // b's lock expires and a takes it over: b's late unlock must not release a's lock.
      await sleep(200);
      assert.equal(await a.lock("k/lock", 5_000), true, "expired");
      await b.unlock("k/lock");
      assert.equal(await b.lock("k/lock", 5_000), false, "a's lock survived b's late unlock");
      await a.unlock("k/lock");
      assert.equal(await redis.exists(`l:${flavor}:k/lock`), 0);
    });
  });
}

test("redisTokenStore refuses what is not a node-redis or ioredis client", () => {
  const { redisTokenStore } = stores.mod;
  for (const bad of [undefined, null, {}, { get() {}, set() {} }, new Map()]) {
    assert.throws(() => redisTokenStore(bad), TypeError);
  }
  assert.throws(() => redisTokenStore(clients.ioredis, { prefix: 42 }), TypeError);
});

test("a process whose store read raced the holder's write re-reads the store once it holds the lock", async () => {
  // B reads the store (empty) just before A, the lock holder, writes its token and unlocks;
  // B then takes the free lock. B must find A's token in the store rather than ask again.
  mock.reset();
  const { AnkorstoreClient } = await importPackage();
  const { redisTokenStore } = stores.mod;
  const prefix = `race:${Date.now()}:`;
  let holderDone;
  const unlocked = new Promise((resolve) => (holderDone = resolve));
  let bRead;
  const bHasRead = new Promise((resolve) => (bRead = resolve));

  const storeA = redisTokenStore(clients["node-redis"], { prefix });
  const unlockA = storeA.unlock;
  storeA.unlock = async (key) => {
    await unlockA(key);
    holderDone();
  };
  const innerB = redisTokenStore(clients.ioredis, { prefix });
  let readsB = 0;
  const storeB = {
    ...innerB,
    async get(key) {
      const value = await innerB.get(key);
      if (readsB++ === 0) {
        bRead();
        await unlocked; // the answer (a miss) arrives after A's write and unlock
      }
      return value;
    },
  };
  const options = { clientId: DEMO_CLIENT_ID, clientSecret: DEMO_CLIENT_SECRET, baseUrl: mock.url };
  const a = new AnkorstoreClient({ ...options, tokenStore: storeA });
  const b = new AnkorstoreClient({ ...options, tokenStore: storeB });
  const tokenB = b.token();
  await bHasRead;
  const tokenA = await a.token();
  await unlocked;
  const [resultB] = await Promise.all([tokenB]);
  assert.equal(readsB >= 1, true);
  assert.equal(mock.stats().tokenRequests, 1, "B took the lock after A released it and asked for a second token instead of re-reading the store");
  assert.ok(tokenA.accessToken === resultB.accessToken, "A and B use the same token");
});

describe(`a fleet of ${FLEET} processes sharing Redis`, () => {
  let workers = [];
  let gate;
  let round = 0;

  before(async () => {
    const started = Date.now();
    gate = new SharedArrayBuffer(4);
    const url = new URL("./support/redis-fleet-worker.mjs", import.meta.url);
    workers = Array.from({ length: FLEET }, () => new Worker(fileURLToPath(url), {
      workerData: { mockUrl: mock.url, redisPort, storesUrl: stores.url, clientId: DEMO_CLIENT_ID, clientSecret: DEMO_CLIENT_SECRET, gate },
    }));
    await Promise.all(workers.map((w) => new Promise((resolve, reject) => {
      w.once("error", reject);
      w.once("message", (m) => (m.ready ? resolve() : reject(new Error(`unexpected ${JSON.stringify(m)}`))));
    })));
    console.log(`# ${FLEET} worker threads loaded (package, redis, ioredis) in ${Date.now() - started} ms`);
  });

  after(async () => {
    await Promise.allSettled(workers.map(async (w) => {
      w.postMessage({ cmd: "close" });
      const exited = once(w, "exit");
      const timer = setTimeout(() => w.terminate(), 5_000);
      await exited;
      clearTimeout(timer);
    }));
  });

  /** Every worker arms (cold client when `fresh`), then all start at once; their reports. */
  async function phase(flavorOf, prefix, fresh) {
    round += 1;
    const armed = workers.map((w) => new Promise((resolve) => w.once("message", resolve)));
    workers.forEach((w, i) => w.postMessage({ cmd: "arm", flavor: flavorOf(i), prefix, calls: CALLS, fresh, round }));
    await Promise.all(armed);
    const done = workers.map((w) => new Promise((resolve) => w.once("message", resolve)));
    const started = Date.now();
    Atomics.store(new Int32Array(gate), 0, round);
    Atomics.notify(new Int32Array(gate), 0);
    const reports = await Promise.all(done);
    return { reports, ms: Date.now() - started };
  }

  function assertAllAnswered(reports) {
    const errors = reports.flatMap((r) => r.errors);
    assert.deepEqual(errors, [], "every call succeeded");
    assert.equal(reports.reduce((n, r) => n + r.ok, 0), FLEET * CALLS);
    assert.deepEqual([...new Set(reports.flatMap((r) => r.ids))], [1234], "every call answered the user");
  }

  for (const [name, flavorOf] of [["node-redis", () => "node-redis"], ["ioredis", () => "ioredis"]]) {
    test(`${name}: cold at once → 1 token request; after expiry → exactly 1 more`, async () => {
      mock.reset();
      mock.configure({ tokenTtl: TOKEN_TTL_S });
      const prefix = `fleet:${name}:${Date.now()}:`;

      const cold = await phase(flavorOf, prefix, true);
      assertAllAnswered(cold.reports);
      assert.equal(mock.stats().tokenRequests, 1, "one token for the whole fleet");
      assert.equal(mock.stats().apiRequests, FLEET * CALLS);
      const expiresAt = Math.max(...cold.reports.map((r) => r.expiresAt));
      assert.equal(new Set(cold.reports.map((r) => r.expiresAt)).size, 1, "every process holds the same token");

      // Past the shared token's expiry, the same (now warm, but stale) clients call again.
      await sleep(Math.max(0, expiresAt - Date.now()) + 50);
      const again = await phase(flavorOf, prefix, false);
      assertAllAnswered(again.reports);
      assert.equal(mock.stats().tokenRequests, 2, "exactly one more token request after expiry");
      assert.equal(mock.stats().apiRequests, 2 * FLEET * CALLS);
      assert.ok(again.reports.every((r) => r.expiresAt > expiresAt), "every process moved to the new token");
      console.log(`# ${name}: ${FLEET}×${CALLS} calls cold in ${cold.ms} ms, after expiry in ${again.ms} ms`);
    });
  }

  test("node-redis and ioredis processes mixed: they share the lock and the token", async () => {
    mock.reset();
    const cold = await phase((i) => (i % 2 ? "ioredis" : "node-redis"), `fleet:mixed:${Date.now()}:`, true);
    assertAllAnswered(cold.reports);
    assert.equal(mock.stats().tokenRequests, 1);
    assert.equal(new Set(cold.reports.map((r) => r.expiresAt)).size, 1, "every process holds the same token");
    console.log(`# mixed: ${FLEET}×${CALLS} calls cold in ${cold.ms} ms`);
  });
});

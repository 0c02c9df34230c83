// One process of a simulated fleet (a worker thread of tests/stores/redis.test.mjs): its own
// wasm instance and AnkorstoreClient, sharing the token only through Redis.
import { parentPort, workerData } from "node:worker_threads";

import { createClient } from "redis";
import { Redis } from "ioredis";

import { importPackage } from "../../js/support/package.mjs";

const { mockUrl, redisPort, storesUrl, clientId, clientSecret, gate } = workerData;
const { AnkorstoreClient } = await importPackage();
const { redisTokenStore } = await import(storesUrl);

const nodeRedis = createClient({ socket: { host: "127.0.0.1", port: redisPort, reconnectStrategy: false } });
nodeRedis.on("error", () => {}); // surfaced by the failing command instead
await nodeRedis.connect();
const ioredis = new Redis({ host: "127.0.0.1", port: redisPort, lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
ioredis.on("error", () => {});
await ioredis.connect();

const gateFlag = new Int32Array(gate);
let client;

parentPort.on("message", async (message) => {
  if (message.cmd === "close") {
    await Promise.allSettled([nodeRedis.quit(), ioredis.quit()]);
    parentPort.close();
    return;
  }
  // cmd "arm": a cold client (fresh) or the same one, then block until the main thread
  // opens the gate so that every thread starts at the same instant.
  const { flavor, prefix, calls, fresh, round } = message;
  if (fresh) {
    const redis = flavor === "ioredis" ? ioredis : nodeRedis;
    client = new AnkorstoreClient({
      clientId,
      clientSecret,
      baseUrl: mockUrl,
      refreshMarginSeconds: 0,
      tokenStore: redisTokenStore(redis, { prefix }),
    });
  }
  parentPort.postMessage({ armed: true });
  Atomics.wait(gateFlag, 0, round - 1); // returns once the gate holds `round`
  const results = await Promise.allSettled(Array.from({ length: calls }, () => client.me()));
  const errors = results.filter((r) => r.status === "rejected").map((r) => r.reason?.code ?? String(r.reason));
  const ids = results.filter((r) => r.status === "fulfilled").map((r) => r.value.id);
  // The cached token, no request: when it expires tells the main thread how long to wait.
  const { expiresAt } = await client.token();
  parentPort.postMessage({ done: true, ok: ids.length, ids: [...new Set(ids)], errors, expiresAt });
});
// Node loads its fetch implementation on first use: done here, not in the timed burst.
await (await fetch(`${mockUrl}/__mock/stats`)).arrayBuffer();
parentPort.postMessage({ ready: true });

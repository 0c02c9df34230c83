// Redis as a token store for Node fleets, with either node-redis (the `redis` package, v4 and
// later) or ioredis. Redis is strongly consistent and SET NX is atomic, so a fleet of
// processes makes one token request per token lifetime.

// Deletes the lock only if it still holds our owner id: a lock that expired and was taken
// by another process is not released by the late first holder.
const UNLOCK_SCRIPT = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end";

let ownerCounter = 0;
function newOwner() {
  const c = globalThis.crypto;
  if (c && typeof c.randomUUID === "function") return c.randomUUID();
  ownerCounter += 1;
  return `${process.pid}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}-${ownerCounter}`;
}

/** Which client library `client` comes from, by the shape of its object. */
function flavorOf(client) {
  if (client && typeof client.isOpen === "boolean" && typeof client.get === "function") return "node-redis";
  if (client && typeof client.status === "string" && typeof client.defineCommand === "function") return "ioredis";
  return null;
}

/** node-redis and ioredis differ only in how SET options and EVAL arguments are written. */
const COMMANDS = {
  "node-redis": {
    setEx: (c, key, value, seconds) => c.set(key, value, { EX: seconds }),
    setNxPx: (c, key, value, ms) => c.set(key, value, { NX: true, PX: ms }),
    unlock: (c, key, owner) => c.eval(UNLOCK_SCRIPT, { keys: [key], arguments: [owner] }),
  },
  ioredis: {
    setEx: (c, key, value, seconds) => c.set(key, value, "EX", seconds),
    setNxPx: (c, key, value, ms) => c.set(key, value, "PX", ms, "NX"),
    unlock: (c, key, owner) => c.eval(UNLOCK_SCRIPT, 1, key, owner),
  },
};

/**
 * A token store over a connected node-redis or ioredis client (a cluster client works too).
 * @param {object} client
 * @param {{ prefix?: string }} [options] prepended to every key
 */
export function redisTokenStore(client, options = {}) {
  const flavor = flavorOf(client);
  if (!flavor) {
    throw new TypeError("redisTokenStore(client) needs a node-redis (`redis` package, v4+) or an ioredis client");
  }
  const prefix = options.prefix ?? "";
  if (typeof prefix !== "string") throw new TypeError("redisTokenStore: options.prefix must be a string");
  const commands = COMMANDS[flavor];
  /** lock key → the owner id this store took it with */
  const owners = new Map();

  return {
    async get(key) {
      const value = await client.get(prefix + key);
      return value == null ? null : String(value);
    },
    async set(key, value, ttlSeconds) {
      await commands.setEx(client, prefix + key, value, Math.max(1, Math.ceil(ttlSeconds)));
    },
    async lock(key, ttlMs) {
      const owner = newOwner();
      const reply = await commands.setNxPx(client, prefix + key, owner, Math.max(1, Math.ceil(ttlMs)));
      if (reply !== "OK") return false;
      owners.set(key, owner);
      return true;
    },
    async unlock(key) {
      const owner = owners.get(key);
      if (owner === undefined) return;
      owners.delete(key);
      await commands.unlock(client, prefix + key, owner);
    },
  };
}

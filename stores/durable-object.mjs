// A Durable Object token broker: one object holds the token and the lock. A Durable Object
// handles one event at a time, so `lock` is atomic and every isolate of every location sees
// the same token at once: a fleet of Workers makes one token request per token lifetime.

const PROTOCOL = "ankorstore-token-broker/1";
// Any URL: the stub routes to the object whatever the host.
const BROKER_URL = "https://ankorstore-token-broker.internal/";

function badRequest(message) {
  return new Response(JSON.stringify({ error: message }), { status: 400, headers: { "content-type": "application/json" } });
}

function answer(body) {
  return new Response(JSON.stringify(body), { headers: { "content-type": "application/json" } });
}

const isKey = (v) => typeof v === "string" && v.length > 0 && v.length <= 1024;
const isPositive = (v) => typeof v === "number" && Number.isFinite(v) && v > 0;

/**
 * The Durable Object class. Re-export it from the Worker's entry module and bind it in
 * wrangler.toml (see docs/fleet.md). It keeps values and locks in memory and values also in
 * `ctx.storage`, so a token survives the object being evicted while idle.
 */
export class AnkorstoreTokenBroker {
  constructor(ctx, env) {
    this.storage = ctx?.storage ?? null;
    this.env = env;
    /** key → { value, expiresAt } */
    this.values = new Map();
    /** key → { owner, until } */
    this.locks = new Map();
  }

  async fetch(request) {
    if (request.method !== "POST") return badRequest("POST a JSON command");
    let command;
    try {
      command = await request.json();
    } catch {
      return badRequest("the body is not JSON");
    }
    if (!command || command.protocol !== PROTOCOL || !isKey(command.key)) return badRequest("unknown protocol or bad key");
    const now = Date.now();
    switch (command.op) {
      case "get":
        return answer({ value: await this.read(command.key, now) });
      case "set":
        if (typeof command.value !== "string" || !isPositive(command.ttlSeconds)) return badRequest("set needs a string value and ttlSeconds > 0");
        await this.write(command.key, { value: command.value, expiresAt: now + command.ttlSeconds * 1000 });
        return answer({ ok: true });
      case "lock": {
        if (!isPositive(command.ttlMs) || !isKey(command.owner)) return badRequest("lock needs ttlMs > 0 and an owner");
        // No await between the check and the write: one event at a time makes this atomic.
        const held = this.locks.get(command.key);
        if (held && held.until > now) return answer({ taken: false });
        this.locks.set(command.key, { owner: command.owner, until: now + command.ttlMs });
        return answer({ taken: true });
      }
      case "unlock": {
        // Only the owner releases: a lock that expired and was taken over stays with its new owner.
        const held = this.locks.get(command.key);
        const released = Boolean(held && held.owner === command.owner);
        if (released) this.locks.delete(command.key);
        return answer({ released });
      }
      default:
        return badRequest("unknown op");
    }
  }

  async read(key, now) {
    let entry = this.values.get(key);
    if (!entry && this.storage) {
      entry = await this.storage.get(key);
      if (entry) this.values.set(key, entry);
    }
    if (!entry) return null;
    if (entry.expiresAt <= now) {
      this.values.delete(key);
      if (this.storage) await this.storage.delete(key);
      return null;
    }
    return entry.value;
  }

  async write(key, entry) {
    this.values.set(key, entry);
    if (this.storage) await this.storage.put(key, entry);
  }
}

let ownerCounter = 0;
function newOwner() {
  const c = globalThis.crypto;
  if (c && typeof c.randomUUID === "function") return c.randomUUID();
  ownerCounter += 1;
  return `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}-${ownerCounter}`;
}

/**
 * A token store backed by one AnkorstoreTokenBroker object (`namespace.idFromName(name)`).
 * The store keys already separate client ids, base URLs and scopes, so one object can serve
 * every client of an account; give each client id its own `name` to spread them out.
 */
export function durableObjectTokenStore(namespace, name = "ankorstore-token") {
  if (!namespace || typeof namespace.idFromName !== "function" || typeof namespace.get !== "function") {
    throw new TypeError("durableObjectTokenStore(namespace) needs a Durable Object namespace binding (with idFromName and get)");
  }
  if (typeof name !== "string" || name === "") throw new TypeError("durableObjectTokenStore: name must be a non-empty string");
  let id;
  /** lock key → the owner this store used to take it */
  const owners = new Map();

  async function call(command) {
    id ??= namespace.idFromName(name);
    // A stub per call: cheap, and never shared between the requests of an isolate.
    const stub = namespace.get(id);
    const response = await stub.fetch(BROKER_URL, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ protocol: PROTOCOL, ...command }),
    });
    if (!response.ok) {
      await response.body?.cancel();
      throw new Error(`the token broker answered ${response.status}`);
    }
    return response.json();
  }

  return {
    async get(key) {
      const { value } = await call({ op: "get", key });
      return typeof value === "string" ? value : null;
    },
    async set(key, value, ttlSeconds) {
      await call({ op: "set", key, value, ttlSeconds });
    },
    async lock(key, ttlMs) {
      const owner = newOwner();
      const { taken } = await call({ op: "lock", key, ttlMs, owner });
      if (taken === true) owners.set(key, owner);
      return taken === true;
    },
    async unlock(key) {
      const owner = owners.get(key);
      if (owner === undefined) return;
      owners.delete(key);
      await call({ op: "unlock", key, owner });
    },
  };
}

// ankorstore-client/stores: token stores that let a fleet share one access token.

/**
 * A token store, as the `tokenStore` option of `AnkorstoreClient` takes it (the same shape as
 * `TokenStore` of "ankorstore-client").
 */
export interface TokenStore {
  /** The value stored under `key`, or `null`/`undefined` when there is none (or it expired). */
  get(key: string): Promise<string | null | undefined> | string | null | undefined;
  /** Stores `value` under `key` for `ttlSeconds` seconds (the token's remaining life, ≥ 1). */
  set(key: string, value: string, ttlSeconds: number): Promise<void> | void;
  /**
   * Optional: takes the lock `key` for at most `ttlMs` milliseconds; `true` when taken, `false`
   * when another holder has it. With it, one client of a fleet asks for a token while the
   * others wait for it in the store.
   */
  lock?(key: string, ttlMs: number): Promise<boolean> | boolean;
  /** Optional: releases a lock this store took with `lock()`. */
  unlock?(key: string): Promise<void> | void;
}

/** A token store that can lock: only the lock holder asks the token endpoint. */
export interface LockingTokenStore extends TokenStore {
  /** Takes the lock `key` for at most `ttlMs` milliseconds: `true` when taken, `false` when held by another. */
  lock(key: string, ttlMs: number): Promise<boolean>;
  /** Releases the lock `key` if this store holds it; a lock that expired and was taken over is left alone. */
  unlock(key: string): Promise<void>;
}

/** The part of a Workers KV namespace binding the store uses. */
export interface KVNamespaceLike {
  /** Reads a value (`null` when missing). */
  get(key: string): Promise<string | null>;
  /** Writes a value that expires after `expirationTtl` seconds. */
  put(key: string, value: string, options?: { expirationTtl?: number }): Promise<void>;
}

/**
 * A token store over Workers KV. No lock (KV is eventually consistent): isolates that start
 * at the same moment may each ask for a token; later ones find it in KV. Values are written
 * with `expirationTtl` = max(60, ttlSeconds), KV's minimum.
 */
export function kvTokenStore(namespace: KVNamespaceLike): TokenStore;

/** The part of a Durable Object stub the store uses. */
export interface DurableObjectStubLike {
  /** Sends a request to the object (the store POSTs JSON commands to the broker). */
  fetch(input: string, init?: { method?: string; headers?: Record<string, string>; body?: string }): Promise<Response>;
}

/** The part of a Durable Object namespace binding the store uses. */
export interface DurableObjectNamespaceLike<Id = unknown> {
  /** The id of the object called `name`. */
  idFromName(name: string): Id;
  /** A stub to talk to the object `id`. */
  get(id: Id): DurableObjectStubLike;
}

/** The part of a Durable Object's state the broker uses. */
export interface DurableObjectStateLike {
  /** The object's durable storage: the broker keeps the token there so that it survives eviction. */
  storage?: {
    /** Reads a stored value. */
    get<T = unknown>(key: string): Promise<T | undefined>;
    /** Writes a value. */
    put<T>(key: string, value: T): Promise<void>;
    /** Deletes a value. */
    delete(key: string): Promise<boolean>;
  };
}

/**
 * The Durable Object that holds the token and the lock of a fleet. Re-export it from the
 * Worker's entry module and bind it in wrangler.toml:
 *
 * ```js
 * export { AnkorstoreTokenBroker } from "ankorstore-client/stores";
 * ```
 */
export class AnkorstoreTokenBroker {
  /** Called by the Workers runtime with the object's state; `env` is not used. */
  constructor(ctx: DurableObjectStateLike, env?: unknown);
  /** Answers the commands of `durableObjectTokenStore` (get, set, lock, unlock); anything else gets a 400. */
  fetch(request: Request): Promise<Response>;
}

/**
 * A token store backed by the AnkorstoreTokenBroker object named `name` (default
 * "ankorstore-token") of `namespace`. Strongly consistent, with a lock.
 */
export function durableObjectTokenStore<Id>(namespace: DurableObjectNamespaceLike<Id>, name?: string): LockingTokenStore;

/** The part of a node-redis (`redis` package, v4+) client or cluster the store uses. */
export interface NodeRedisClientLike {
  /** Whether the client is connected (also how the store recognises node-redis). */
  readonly isOpen: boolean;
  /** Redis GET. */
  get(key: string): Promise<unknown>;
  /** Redis SET, with EX (token) or NX PX (lock). */
  set(key: string, value: string, options: { EX?: number; PX?: number; NX?: boolean }): Promise<unknown>;
  /** Redis EVAL (the owner-checked unlock). */
  eval(script: string, options: { keys: string[]; arguments: string[] }): Promise<unknown>;
}

/** The part of an ioredis client or cluster the store uses. */
export interface IoRedisClientLike {
  /** The connection status (with `defineCommand`, how the store recognises ioredis). */
  readonly status: string;
  /** Present on every ioredis client; not called by the store. */
  defineCommand(...args: never[]): unknown;
  /** Redis GET. */
  get(key: string): Promise<string | null>;
  /** Redis SET, with EX (token) or PX NX (lock). */
  set(key: string, value: string, ...options: never[]): Promise<unknown>;
  /** Redis EVAL (the owner-checked unlock). */
  eval(script: string, numKeys: number, ...keysAndArgs: string[]): Promise<unknown>;
}

/** Options of `redisTokenStore`. */
export interface RedisTokenStoreOptions {
  /** Prepended to every key (token and lock). Default "". */
  prefix?: string;
}

/**
 * A token store over Redis, with a lock (SET NX PX with a random owner; released only by
 * its owner). Works with node-redis v4+ and ioredis, told apart by their shape.
 */
export function redisTokenStore(client: NodeRedisClientLike | IoRedisClientLike, options?: RedisTokenStoreOptions): LockingTokenStore;

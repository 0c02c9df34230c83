// ankorstore-client/stores: token stores that let a fleet share one access token.

/**
 * A token store, as the `tokenStore` option of `AnkorstoreClient` takes it (the same shape as
 * `TokenStore` of "ankorstore-client").
 */
export interface TokenStore {
  get(key: string): Promise<string | null | undefined> | string | null | undefined;
  set(key: string, value: string, ttlSeconds: number): Promise<void> | void;
  lock?(key: string, ttlMs: number): Promise<boolean> | boolean;
  unlock?(key: string): Promise<void> | void;
}

/** A token store that can lock: only the lock holder asks the token endpoint. */
export interface LockingTokenStore extends TokenStore {
  lock(key: string, ttlMs: number): Promise<boolean>;
  unlock(key: string): Promise<void>;
}

/** The part of a Workers KV namespace binding the store uses. */
export interface KVNamespaceLike {
  get(key: string): Promise<string | null>;
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
  fetch(input: string, init?: { method?: string; headers?: Record<string, string>; body?: string }): Promise<Response>;
}

/** The part of a Durable Object namespace binding the store uses. */
export interface DurableObjectNamespaceLike<Id = unknown> {
  idFromName(name: string): Id;
  get(id: Id): DurableObjectStubLike;
}

/** The part of a Durable Object's state the broker uses. */
export interface DurableObjectStateLike {
  storage?: {
    get<T = unknown>(key: string): Promise<T | undefined>;
    put<T>(key: string, value: T): Promise<void>;
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
  constructor(ctx: DurableObjectStateLike, env?: unknown);
  fetch(request: Request): Promise<Response>;
}

/**
 * A token store backed by the AnkorstoreTokenBroker object named `name` (default
 * "ankorstore-token") of `namespace`. Strongly consistent, with a lock.
 */
export function durableObjectTokenStore<Id>(namespace: DurableObjectNamespaceLike<Id>, name?: string): LockingTokenStore;

/** The part of a node-redis (`redis` package, v4+) client or cluster the store uses. */
export interface NodeRedisClientLike {
  readonly isOpen: boolean;
  get(key: string): Promise<unknown>;
  set(key: string, value: string, options: { EX?: number; PX?: number; NX?: boolean }): Promise<unknown>;
  eval(script: string, options: { keys: string[]; arguments: string[] }): Promise<unknown>;
}

/** The part of an ioredis client or cluster the store uses. */
export interface IoRedisClientLike {
  readonly status: string;
  defineCommand(...args: never[]): unknown;
  get(key: string): Promise<string | null>;
  set(key: string, value: string, ...options: never[]): Promise<unknown>;
  eval(script: string, numKeys: number, ...keysAndArgs: string[]): Promise<unknown>;
}

export interface RedisTokenStoreOptions {
  /** Prepended to every key (token and lock). Default "". */
  prefix?: string;
}

/**
 * A token store over Redis, with a lock (SET NX PX with a random owner; released only by
 * its owner). Works with node-redis v4+ and ioredis, told apart by their shape.
 */
export function redisTokenStore(client: NodeRedisClientLike | IoRedisClientLike, options?: RedisTokenStoreOptions): LockingTokenStore;

// Cloudflare Workers KV as a token store. KV is eventually consistent and has no atomic
// operation, so this store has no lock: it spares token requests to isolates that start
// after a token was written (and has had time to propagate), not to isolates that start at
// the same moment. See docs/fleet.md.

/** KV refuses an `expirationTtl` below 60 seconds. */
const KV_MIN_TTL_SECONDS = 60;

/**
 * A token store over a Workers KV namespace binding (`env.TOKENS`).
 * @param {{ get(key: string): Promise<string | null>, put(key: string, value: string, options?: { expirationTtl?: number }): Promise<void> }} namespace
 */
export function kvTokenStore(namespace) {
  if (!namespace || typeof namespace.get !== "function" || typeof namespace.put !== "function") {
    throw new TypeError("kvTokenStore(namespace) needs a Workers KV namespace binding (with get and put)");
  }
  return {
    get(key) {
      return namespace.get(key);
    },
    set(key, value, ttlSeconds) {
      // The value outlives the token when ttlSeconds < 60: harmless, the client checks the
      // expiry written inside the value and ignores a stale token.
      const expirationTtl = Math.max(KV_MIN_TTL_SECONDS, Math.ceil(ttlSeconds) || 0);
      return namespace.put(key, value, { expirationTtl });
    },
  };
}

// The tokenStore option against the mock, in both Node entries: sharing between client
// instances, what is written, and stores that misbehave (api.md, "With a tokenStore").
// Run: node --test tests/js/token-store.test.mjs
import { beforeEach, describe, test } from "node:test";
import assert from "node:assert/strict";

import { SPECIAL_ID, SPECIAL_SECRET, USER, bearers, opts, setup, timed } from "./support/client-kit.mjs";

const { mock, entries } = await setup();

/** A Map-backed store that records its calls; `async` makes get/set return promises. */
function mapStore({ async = false } = {}) {
  const map = new Map();
  const calls = { get: [], set: [] };
  const wrap = (fn) => (async ? async (...args) => fn(...args) : fn);
  return {
    map,
    calls,
    get: wrap((key) => {
      calls.get.push(key);
      return map.get(key);
    }),
    set: wrap((key, value, ttlSeconds) => {
      calls.set.push({ key, value, ttlSeconds });
      map.set(key, value);
    }),
  };
}

/** Every form the secret could take in a key: raw, form-encoded, percent-encoded. */
function secretForms(secret) {
  const form = new URLSearchParams({ s: secret }).toString().slice(2);
  const percent = encodeURIComponent(secret);
  return [secret, form, percent, percent.toLowerCase()];
}

for (const [entry, pkg] of entries) {
  const client = (extra) => new pkg.AnkorstoreClient(opts(mock, extra));

  describe(`${entry}: tokenStore`, () => {
    beforeEach(() => mock.reset());

    // First, so that the 2 s the client gives the abandoned set() overlap with the others.
    test("a store that never answers costs at most about 2 s", async () => {
      const never = () => new Promise(() => {});
      const c = client({ tokenStore: { get: never, set: never } });
      const first = await timed(() => c.me());
      assert.equal(first.value?.id, USER.id, first.error?.message);
      assert.ok(first.ms >= 1900 && first.ms < 3500, `took ${first.ms} ms`);
      // The token is then cached in memory: the store is not consulted again.
      const second = await timed(() => c.me());
      assert.ok(second.ms < 500, `took ${second.ms} ms`);
      assert.equal(mock.stats().tokenRequests, 1);
    });

    for (const async of [false, true]) {
      test(`client instances sharing a store make one token request (${async ? "async" : "sync"} store)`, async () => {
        const store = mapStore({ async });
        const clients = [client({ tokenStore: store }), client({ tokenStore: store }), client({ tokenStore: store })];
        for (const c of clients) assert.equal((await c.me()).id, USER.id);
        assert.equal(mock.stats().tokenRequests, 1);
        assert.equal(store.calls.set.length, 1);
        assert.equal(new Set(bearers(mock, "/api/v1/me")).size, 1);
        // Every instance shares the same token.
        const tokens = await Promise.all(clients.map((c) => c.token()));
        assert.equal(new Set(tokens.map((t) => t.accessToken)).size, 1);
      });
    }

    test("the token is written with ttlSeconds ≥ 1 under a key without the secret", async () => {
      const store = mapStore();
      const c = client({ clientId: SPECIAL_ID, clientSecret: SPECIAL_SECRET, tokenStore: store });
      const token = await c.token();
      assert.equal(store.calls.set.length, 1);
      const { key, value, ttlSeconds } = store.calls.set[0];
      assert.equal(typeof key, "string");
      assert.equal(typeof value, "string");
      assert.ok(Number.isInteger(ttlSeconds), String(ttlSeconds));
      assert.ok(ttlSeconds >= 3590 && ttlSeconds <= 3600, String(ttlSeconds));
      for (const form of secretForms(SPECIAL_SECRET)) assert.ok(!key.includes(form), "the key holds the secret");
      assert.deepEqual(store.calls.get, [key], "it looked in the store first, under the same key");
      assert.ok(value.includes(token.accessToken), "the stored value carries the token");

      // The key depends on the client id, the scope and the base URL, not on the secret.
      const keyOf = (extra) => {
        const s = mapStore();
        return client({ tokenStore: s, ...extra }).token().then(() => s.calls.set[0].key);
      };
      const base = await keyOf({});
      assert.notEqual(base, key);
      assert.notEqual(await keyOf({ scope: "orders" }), base);
      assert.notEqual(await keyOf({ baseUrl: mock.url.replace("127.0.0.1", "localhost") }), base);
    });

    test("a token with under a second to live is written with ttlSeconds 1", async () => {
      mock.configure({ tokenTtl: 0.5 });
      const store = mapStore();
      await client({ tokenStore: store, refreshMarginSeconds: 0 }).token();
      assert.equal(store.calls.set[0].ttlSeconds, 1);
    });

    test("a store that throws or rejects is ignored", async () => {
      const throwing = {
        get() { throw new Error("store down"); },
        set() { throw new Error("store down"); },
      };
      const rejecting = {
        get: async () => { throw new Error("store down"); },
        set: async () => { throw new Error("store down"); },
      };
      for (const store of [throwing, rejecting]) {
        const c = client({ tokenStore: store });
        assert.equal((await c.me()).id, USER.id);
      }
      assert.equal(mock.stats().tokenRequests, 2);
    });

    test("a store holding garbage is ignored", async () => {
      const garbage = [42, {}, [], true, "", "garbage", "{\"accessToken\":\"x\"}", "ankorstore-token/1 x y z",
        Symbol("s"), () => "x", Promise.resolve(7)];
      for (const value of garbage) {
        const c = client({ tokenStore: { get: () => value, set() {} } });
        assert.equal((await c.me()).id, USER.id, String(value?.toString?.() ?? typeof value));
      }
      assert.equal(mock.stats().tokenRequests, garbage.length);
      assert.equal(mock.stats().apiRequests, garbage.length, "no garbage was sent as a token");
    });

    // A lock() answer that is not a boolean used to read as "held elsewhere": the client
    // then waited about 12 s for a holder that did not exist.
    test("a lock() answering anything but a boolean is ignored: no wait for a holder", async () => {
      const answers = ["yes", 1, 0, null, undefined, {}, Promise.resolve("x")];
      for (const answer of answers) {
        const store = { get: () => null, set() {}, lock: () => answer, unlock() {} };
        const run = await timed(() => client({ tokenStore: store }).me());
        assert.equal(run.value?.id, USER.id, run.error?.message);
        assert.ok(run.ms < 5000, `lock() → ${String(answer)}: took ${run.ms} ms (a wait for a holder lasts 12 s)`);
      }
      assert.equal(mock.stats().tokenRequests, answers.length);
    });

    test("a token the API refused is not taken from the store again", async () => {
      const store = mapStore();
      const a = client({ tokenStore: store });
      await a.me();
      const [refused] = bearers(mock, "/api/v1/me");
      // The store still holds the token, but the API now refuses it.
      mock.configure({ revokeAll: true });
      assert.equal((await a.me()).id, USER.id);
      assert.equal(mock.stats().tokenRequests, 2);
      const used = bearers(mock, "/api/v1/me");
      assert.deepEqual(used.slice(0, 2), [refused, refused]);
      assert.notEqual(used[2], refused);
      // Later calls keep the new token; the store was updated with it.
      await a.me();
      assert.equal(mock.stats().tokenRequests, 2);
      assert.ok(store.calls.set.at(-1).value.includes(used[2]));
    });

    test("a refused token left in the store is skipped by the instance that refused it", async () => {
      // The store never learns the replacement (its set fails), so it keeps offering the
      // refused token: the client must not take it again.
      let stored;
      const store = {
        get: () => stored,
        set: (key, value) => {
          if (stored === undefined) stored = value;
          else throw new Error("read-only");
        },
      };
      const c = client({ tokenStore: store });
      await c.me();
      const [refused] = bearers(mock, "/api/v1/me");
      mock.configure({ revokeAll: true });
      assert.equal((await c.me()).id, USER.id);
      c.invalidateToken();
      assert.equal((await c.me()).id, USER.id);
      const used = bearers(mock, "/api/v1/me");
      assert.equal(used.filter((t) => t === refused).length, 2, "only the first call and the 401 used it");
      assert.equal(mock.stats().tokenRequests, 3);
    });

    test("after invalidateToken() the token is not reused from the store", async () => {
      const store = mapStore();
      const c = client({ tokenStore: store });
      const first = await c.token();
      c.invalidateToken();
      const second = await c.token();
      assert.notEqual(second.accessToken, first.accessToken);
      assert.equal(mock.stats().tokenRequests, 2);
      assert.equal(store.calls.set.length, 2);
    });

    test("a tokenStore without get/set is an invalid_config error", () => {
      for (const tokenStore of [{}, { get() {} }, { set() {} }, "store", 1]) {
        assert.throws(() => client({ tokenStore }), (err) => err instanceof pkg.AnkorstoreError && err.code === "invalid_config");
      }
    });
  });
}

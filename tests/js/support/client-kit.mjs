// Shared helpers of the Node integration suites of the packed package (tests/js/*.test.mjs):
// one mock per file, both package entries, and assertions on AnkorstoreError.
import assert from "node:assert/strict";
import { after } from "node:test";

import { DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, startMock } from "../../../mock/server.mjs";
import { USER } from "../../../mock/data.mjs";
import { bothEntries } from "./package.mjs";

/** A loopback port nobody listens on (bound, then released). */
export { freePort as closedPort } from "./ports.mjs";

export { DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, USER };

/** A client secret with every character that needs encoding somewhere: + & = % space é " */
export const SPECIAL_ID = "special-client";
export const SPECIAL_SECRET = 's3cr+t &x=1 %41 é "q"';

/**
 * Starts one mock for the whole test file (closed when the file ends) and loads both
 * entries. Callers reset the mock before each test.
 */
export async function setup(options = {}) {
  const mock = await startMock({
    port: 0,
    clients: { [DEMO_CLIENT_ID]: DEMO_CLIENT_SECRET, [SPECIAL_ID]: SPECIAL_SECRET },
    ...options,
  });
  after(() => mock.close());
  return { mock, entries: await bothEntries() };
}

/** Client options for the mock with the demo credentials. */
export function opts(mock, extra = {}) {
  return { clientId: DEMO_CLIENT_ID, clientSecret: DEMO_CLIENT_SECRET, baseUrl: mock.url, ...extra };
}

/** Asserts that `err` is an AnkorstoreError of this entry with `code` and the given fields. */
export function assertError(pkg, err, code, fields = {}) {
  assert.ok(err instanceof pkg.AnkorstoreError, `not an AnkorstoreError: ${err?.stack ?? err}`);
  assert.ok(err instanceof Error);
  assert.equal(err.name, "AnkorstoreError");
  assert.equal(err.code, code, `code ${err.code} (${err.message})`);
  assert.equal(typeof err.message, "string");
  assert.ok(err.message.length > 10, `message too short: ${err.message}`);
  for (const [key, value] of Object.entries(fields)) {
    assert.deepEqual(err[key], value, `${key} of ${code}: ${err.message}`);
  }
  return err;
}

/**
 * Awaits a promise that must reject with an AnkorstoreError `code`; returns the error.
 * The call must return a promise (a synchronous throw fails the assertion).
 */
export async function rejectsWith(pkg, promise, code, fields = {}) {
  assert.ok(promise instanceof Promise, "expected a Promise");
  let err;
  await promise.then(
    (value) => assert.fail(`expected ${code}, resolved with ${JSON.stringify(value)?.slice(0, 200)}`),
    (e) => { err = e; },
  );
  return assertError(pkg, err, code, fields);
}

/** Asserts that `fn` throws synchronously an AnkorstoreError `code`; returns it. */
export function throwsWith(pkg, fn, code) {
  let err;
  try {
    fn();
  } catch (e) {
    err = e;
  }
  assert.ok(err !== undefined, `expected a synchronous ${code}`);
  return assertError(pkg, err, code);
}

/** Requests the mock logged (last 200) for this method and path. */
export function logged(mock, method, path) {
  return mock.stats().requests.filter((r) => r.method === method && r.path === path);
}

/** The bearer tokens of the logged requests to `path`, in order. */
export function bearers(mock, path) {
  return mock.stats().requests
    .filter((r) => r.path === path)
    .map((r) => /^Bearer (\S+)$/.exec(r.headers.authorization ?? "")?.[1]);
}

/** Milliseconds taken by `fn()` (awaited), with its result or error. */
export async function timed(fn) {
  const start = performance.now();
  try {
    const value = await fn();
    return { ms: performance.now() - start, value };
  } catch (error) {
    return { ms: performance.now() - start, error };
  }
}


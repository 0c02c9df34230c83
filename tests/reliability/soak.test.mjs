// A short chaos soak (scripts/soak.mjs): 2,000 calls against the mock with a random fault on
// every request. Every call settles in time, every rejection is a documented AnkorstoreError,
// nothing is unhandled, no secret or token leaks into errors or the console, token requests
// stay within the bound the faults justify, and the wasm holds no more memory or JavaScript
// values at rest than after warm-up. The full run is `node scripts/soak.mjs` (20,000 calls).
// Run: node --test tests/reliability/soak.test.mjs
import { test } from "node:test";
import assert from "node:assert/strict";

import { ERROR_CODES, formatSummary, runSoak } from "../../scripts/soak.mjs";

test("chaos soak: 2,000 calls with random faults", { timeout: 60_000 }, async (t) => {
  const s = await runSoak({ calls: 2_000, concurrency: 50, seed: 20_250_101 });
  for (const line of formatSummary(s).split("\n")) t.diagnostic(line);

  // Every call settled, within its deadline.
  const settled = Object.values(s.outcomes).reduce((a, b) => a + b, 0) - (s.outcomes.unsettled ?? 0);
  assert.equal(settled, s.calls);
  assert.equal(s.outcomes.unsettled, undefined);
  assert.ok(s.slowestCallMs < s.deadlineMs);

  // Every rejection is an AnkorstoreError with a documented code (a wasm trap would be a
  // RuntimeError here), and a valid call never gets invalid_config/invalid_argument.
  for (const key of Object.keys(s.outcomes)) {
    assert.ok(key === "ok" || ERROR_CODES.has(key), `outcome ${key}`);
  }
  assert.equal(s.outcomes.invalid_config, undefined);
  assert.equal(s.outcomes.invalid_argument, undefined);
  assert.equal(s.unhandledRejections, 0);

  // The faults really happened: the transport and HTTP failures each showed up.
  for (const code of ["timeout", "network", "server_error", "rate_limited", "aborted", "request_failed"]) {
    assert.ok(s.outcomes[code] > 0, `no ${code} outcome: the chaos did not reach the client`);
  }
  assert.ok(s.outcomes.ok > s.calls / 2, `only ${s.outcomes.ok} calls succeeded`);

  // Token budget: within the bound the scripted faults justify.
  assert.ok(s.tokenRequests <= s.tokenBound, `${s.tokenRequests} token requests > ${s.tokenBound}`);

  // Everything else the run checked (leaks of the secret or tokens, memory and handles at
  // rest): listed one by one.
  assert.deepEqual(s.failures, []);
  assert.ok(s.durationMs < 45_000, `${s.durationMs} ms`);
});

// What the fuzzers found (fuzz/regressions/), checked through the public API as a user
// meets it. Run: node --test tests/reliability/fuzz-findings.test.mjs
import { test } from "node:test";
import assert from "node:assert/strict";

import { importPackage } from "../js/support/package.mjs";

const { AnkorstoreClient, AnkorstoreError } = await importPackage();

function constructorError(options) {
  try {
    const client = new AnkorstoreClient({ clientId: "id", clientSecret: "a-long-client-secret", ...options });
    return { accepted: client.baseUrl };
  } catch (error) {
    assert.ok(error instanceof AnkorstoreError, String(error));
    return { code: error.code };
  }
}

// fuzz/regressions/urls/ipv6-junk-after-bracket: whatever follows "]" up to the path was
// dropped, so a mistyped base URL silently pointed somewhere else than written.
test("a base URL with text after an IPv6 address is refused, not truncated", () => {
  for (const baseUrl of ["http://[::1]evil.example/api", "http://[::1]8787", "https://[2001:db8::1]x.example"]) {
    assert.deepEqual(constructorError({ baseUrl }), { code: "invalid_config" }, baseUrl);
  }
  // Well-formed IPv6 base URLs stay accepted.
  assert.deepEqual(constructorError({ baseUrl: "http://[::1]:8787/" }), { accepted: "http://[::1]:8787" });
  assert.deepEqual(constructorError({ baseUrl: "https://[2001:db8::1]" }), { accepted: "https://[2001:db8::1]" });
});

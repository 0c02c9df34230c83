// Test vectors of verifyWebhookSignature, computed here, independently of the package, with
// Node's crypto.createHmac (what Ankorstore's `hash_hmac('sha256', $payload, $secret)` is),
// and the runner that checks them in any runtime (Node, workerd, Chromium): the cases are
// plain JSON, the runner is one function's source that rebuilds the payloads there.
import { createHmac } from "node:crypto";

const hmac = (payload, secret) => createHmac("sha256", secret).update(payload).digest("hex");

/** A realistic raw body: the documented webhook format, as the mock sends it. */
export const EVENT_BODY = JSON.stringify({
  meta: { event: { id: "7f1f2c58-0d56-4b6e-9a3f-5d1c3f3f5e11", applicationId: "9b0d6c2e", type: "order.brand_created", timestamp: 1767225600 } },
  jsonapi: { version: "1.0" },
  data: { type: "orders", id: "a9c8b0f4-2e57-4c31-8f0e-6f7d9c1b2a34", attributes: { status: "ankor_confirmed", reference: 3_274_661_834, brandNetAmount: 12_345 } },
});
export const EVENT_SECRET = "Zk3pQ9vX2mL7rT5wY8nB4cD6fG1hJ0sA2eR4tU6i"; // 40 characters, like a signing secret

/**
 * Payloads: { string } (hashed as UTF-8) or { bytes } (a Uint8Array made there; with
 * `view: true`, a view into a larger buffer with other bytes around it).
 */
const BASES = [
  { name: "event JSON", payload: { string: EVENT_BODY }, secret: EVENT_SECRET },
  { name: "UTF-8 text (accents, CJK, emoji)", payload: { string: "héllo wörld ✓ 日本語 😀" }, secret: "secret" },
  { name: "line breaks and spaces kept", payload: { string: '{\r\n  "a": 1 \n}\n ' }, secret: "whsec" },
  { name: "bytes that are not UTF-8", payload: { bytes: [0, 255, 1, 2, 128, 254, 192, 193] }, secret: "k é" },
  { name: "bytes seen through a view at an offset", payload: { bytes: [...Buffer.from("raw body ✓")], view: true }, secret: "s3cr3t" },
  { name: "empty string", payload: { string: "" }, secret: "s" },
  { name: "empty bytes", payload: { bytes: [] }, secret: "s" },
  { name: "a secret longer than SHA-256's block (hashed first)", payload: { string: "block" }, secret: "x".repeat(100) + "é" },
  { name: "a large body (256 KiB)", payload: { string: "ab✓".repeat(65_536) + "!" }, secret: EVENT_SECRET },
];

const bytesOf = (payload) => (payload.string !== undefined ? Buffer.from(payload.string, "utf8") : Buffer.from(payload.bytes));

const flip = (hex, i) => hex.slice(0, i) + (hex[i] === "0" ? "1" : "0") + hex.slice(i + 1);
const mixedCase = (hex) => [...hex].map((c, i) => (i % 2 ? c.toUpperCase() : c)).join("");

/**
 * The cases: { name, payload, signature, secret, expect } where `expect` is true, false, or
 * "invalid_argument" (a synchronous throw of that AnkorstoreError code).
 */
export function webhookCases() {
  const cases = [];
  const add = (name, payload, signature, secret, expect) => cases.push({ name, payload, signature, secret, expect });
  for (const { name, payload, secret } of BASES) {
    const good = hmac(bytesOf(payload), secret);
    add(`${name}: the signature`, payload, good, secret, true);
    add(`${name}: upper-case hex`, payload, good.toUpperCase(), secret, true);
    add(`${name}: mixed-case hex`, payload, mixedCase(good), secret, true);
    add(`${name}: surrounding whitespace`, payload, ` \t${good}\r\n `, secret, true);
    if (payload.string !== undefined) {
      add(`${name}: the same text as UTF-8 bytes`, { bytes: [...bytesOf(payload)] }, good, secret, true);
    }
    add(`${name}: another secret`, payload, good, `${secret}x`, false);
    const longer = payload.string !== undefined ? { string: `${payload.string} ` } : { ...payload, bytes: [...payload.bytes, 0] };
    add(`${name}: one more byte of body`, longer, good, secret, false);
    for (const i of [0, 31, 63]) add(`${name}: hex digit ${i} changed`, payload, flip(good, i), secret, false);
  }
  const payload = { string: EVENT_BODY };
  const good = hmac(EVENT_BODY, EVENT_SECRET);
  const malformed = {
    "missing (null)": null,
    "missing (undefined)": undefined,
    empty: "",
    "only whitespace": "   \n",
    "63 hex digits": good.slice(0, 63),
    "65 hex digits": `${good}0`,
    "62 hex digits": good.slice(0, 62),
    "66 hex digits": `${good}00`,
    "128 hex digits (twice)": good + good,
    "a non-hex digit": `${good.slice(0, 10)}g${good.slice(11)}`,
    "a sha256= prefix": `sha256=${good}`,
    "a 0x prefix": `0x${good}`,
    "whitespace inside": `${good.slice(0, 32)} ${good.slice(32)}`,
    "base64 of the MAC": Buffer.from(good, "hex").toString("base64"),
    "the signature of another body": hmac(`${EVENT_BODY} `, EVENT_SECRET),
    "the MD5 of the body": createHmac("md5", EVENT_SECRET).update(EVENT_BODY).digest("hex"),
  };
  for (const [name, signature] of Object.entries(malformed)) add(`signature ${name}`, payload, signature, EVENT_SECRET, false);
  // The raw body is what is signed: the same JSON re-serialised does not verify.
  add("re-serialised JSON", { string: JSON.stringify(JSON.parse(EVENT_BODY), null, 2) }, good, EVENT_SECRET, false);
  add("re-serialised JSON, compact", { string: JSON.stringify(JSON.parse(EVENT_BODY)) + "\n" }, good, EVENT_SECRET, false);
  // Caller mistakes throw.
  add("an empty secret", payload, good, "", "invalid_argument");
  add("an empty secret and no signature", payload, null, "", "invalid_argument");
  return cases;
}

/** Secrets and payloads that are not what the function takes: the runner builds them there. */
export const BAD_ARGUMENTS = ["secret undefined", "secret null", "secret number", "secret bytes", "payload number", "payload null", "payload undefined", "payload object", "payload array"];

/**
 * The runner, as source: `(pkg, cases, badArguments) => results`, where each result is
 * true/false (what verifyWebhookSignature returned), "throws <code>" or "<other outcome>".
 */
export const RUN_CASES = `(pkg, cases, badArguments) => {
  const payloadOf = (p) => {
    if (p.string !== undefined) return p.string;
    if (!p.view) return new Uint8Array(p.bytes);
    const buffer = new Uint8Array(p.bytes.length + 7).fill(0x5a);
    buffer.set(p.bytes, 3);
    return buffer.subarray(3, 3 + p.bytes.length);
  };
  const outcome = (run) => {
    try {
      const value = run();
      return typeof value === "boolean" ? value : "returned " + String(value);
    } catch (e) {
      return e instanceof pkg.AnkorstoreError && e instanceof Error ? "throws " + e.code : "throws a non-AnkorstoreError: " + e;
    }
  };
  const results = cases.map((c) => outcome(() => pkg.verifyWebhookSignature(payloadOf(c.payload), c.signature, c.secret)));
  const sig = "0".repeat(64);
  const bad = {
    "secret undefined": () => pkg.verifyWebhookSignature("x", sig, undefined),
    "secret null": () => pkg.verifyWebhookSignature("x", sig, null),
    "secret number": () => pkg.verifyWebhookSignature("x", sig, 42),
    "secret bytes": () => pkg.verifyWebhookSignature("x", sig, new Uint8Array([1, 2])),
    "payload number": () => pkg.verifyWebhookSignature(42, sig, "s"),
    "payload null": () => pkg.verifyWebhookSignature(null, sig, "s"),
    "payload undefined": () => pkg.verifyWebhookSignature(undefined, sig, "s"),
    "payload object": () => pkg.verifyWebhookSignature({ body: "x" }, sig, "s"),
    "payload array": () => pkg.verifyWebhookSignature([1, 2, 3], sig, "s"),
  };
  const badResults = badArguments.map((name) => outcome(bad[name]));
  return { results, badResults, isSync: !(pkg.verifyWebhookSignature("", sig, "s") instanceof Promise) };
}`;

/** Asserts what RUN_CASES returned, case by case (assert: node:assert/strict). */
export function checkResults(assert, cases, { results, badResults, isSync }) {
  assert.equal(isSync, true, "verifyWebhookSignature is synchronous");
  assert.equal(results.length, cases.length);
  const wrong = cases
    .map((c, i) => ({ name: c.name, expected: typeof c.expect === "boolean" ? c.expect : `throws ${c.expect}`, got: results[i] }))
    .filter((r) => r.got !== r.expected);
  assert.deepEqual(wrong, [], `cases that went wrong:\n${wrong.map((w) => `  ${w.name}: expected ${w.expected}, got ${w.got}`).join("\n")}`);
  assert.deepEqual(badResults, BAD_ARGUMENTS.map(() => "throws invalid_argument"), BAD_ARGUMENTS.join(", "));
}

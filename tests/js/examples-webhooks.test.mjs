// examples/node/webhooks.mjs as its README says (examples/node/README.md, "Webhooks"): from
// the repository root, `node examples/node/webhooks.mjs` runs the demo against its own mock
// (subscribe through the client, one signed delivery → 204, one forged → 401); with
// ANKORSTORE_WEBHOOK_SECRET and PORT it is a receiver that this suite's mock delivers to, with
// the README's delivery request: every event 204, every spoiled delivery 401, and the secret
// never printed. "ankorstore-client" is pkg/ (the root package.json's file:pkg link), the
// build that scripts/pack.mjs packs. Run: node --test tests/js/examples-webhooks.test.mjs
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";

import { WEBHOOK_EVENTS } from "../../mock/data.mjs";
import { root } from "./support/package.mjs";
import { setup } from "./support/client-kit.mjs";
import { assertBuilt, freePort, readmeCommands, startProcess } from "./support/examples.mjs";

const { mock } = await setup(); // also checks that the packed package is installed
const README = join(root, "examples", "node", "README.md");
const SCRIPT = join(root, "examples", "node", "webhooks.mjs");
const SECRET = "whsec-example-7f3a9c";

/** The environment without ANKORSTORE_* (and PORT/HOST), plus `env`. */
const cleanEnv = (env = {}) => ({
  ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("ANKORSTORE_") && k !== "PORT" && k !== "HOST")),
  ...env,
});

describe("examples/node/webhooks.mjs", () => {
  test("the README shows the commands this suite runs", () => {
    assertBuilt();
    assert.deepEqual(readmeCommands(README, "## Webhooks"), ["npm run build", "node examples/node/webhooks.mjs"]);
    assert.deepEqual(readmeCommands(README, "### Your own receiver"), [
      "ANKORSTORE_WEBHOOK_SECRET=your-signing-secret PORT=3000 node examples/node/webhooks.mjs",
    ]);
    assert.match(readFileSync(SCRIPT, "utf8"), /^import \{ AnkorstoreClient, AnkorstoreError, verifyWebhookSignature \} from "ankorstore-client";$/m);
  });

  test("the demo: subscribes, a signed delivery is accepted (204), a forged one refused (401)", async () => {
    const { code, stdout, stderr } = await new Promise((resolve) => {
      execFile(process.execPath, [SCRIPT], { cwd: root, env: cleanEnv(), timeout: 20_000 },
        (error, stdout, stderr) => resolve({ code: error ? error.code ?? error.signal : 0, stdout, stderr }));
    });
    assert.equal(code, 0, stderr);
    assert.equal(stderr, "");
    const lines = stdout.trim().split("\n");
    assert.match(lines[0], /^Started the mock Ankorstore API at http:\/\/127\.0\.0\.1:\d+$/);
    assert.match(lines[1], /^Subscribed http:\/\/127\.0\.0\.1:\d+\/webhooks\/ankorstore to order\.brand_created, order\.shipped$/);
    assert.match(lines[2], /^Received order\.brand_created \(event [0-9a-f-]{36}\) about order [0-9a-f-]{36}$/);
    assert.deepEqual(lines.slice(3), [
      "A signed delivery: HTTP 204",
      "Refused a delivery: its signature does not match",
      "A forged delivery: HTTP 401",
      "Unsubscribed",
    ]);
    assert.equal(mock.stats().tokenRequests, 0, "it used its own mock");
  });

  describe("as a receiver (ANKORSTORE_WEBHOOK_SECRET, PORT)", () => {
    let receiver;
    let url;
    before(async () => {
      const port = await freePort();
      receiver = await startProcess(process.execPath, [SCRIPT], {
        cwd: root, env: cleanEnv({ ANKORSTORE_WEBHOOK_SECRET: SECRET, PORT: String(port) }), ready: /^Listening on /m, timeout: 15_000,
      });
      url = `http://127.0.0.1:${port}/webhooks/ankorstore`;
      assert.ok(receiver.output.includes(`Listening on ${url}`), receiver.output);
    });
    after(() => receiver?.stop());

    test("the README's delivery request: every event 204 and printed; every spoiled delivery 401", async () => {
      // curl -s http://127.0.0.1:8787/__mock/webhooks/deliver -H 'content-type: application/json' -d '{…}'
      const [curl] = readFileSync(README, "utf8").match(/^curl -s http:\/\/127\.0\.0\.1:8787\/__mock\/webhooks\/deliver .*$/m);
      const sample = JSON.parse(curl.match(/-d '(.*)'$/)[1]);
      assert.deepEqual(sample, { url: "http://127.0.0.1:3000/webhooks/ankorstore", secret: "your-signing-secret", event: "order.shipped" });
      const deliver = async (options) => {
        const res = await fetch(`${mock.url}/__mock/webhooks/deliver`, {
          method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(options),
        });
        assert.equal(res.status, 200, await res.clone().text());
        return res.json();
      };
      for (const event of Object.keys(WEBHOOK_EVENTS)) {
        assert.equal((await deliver({ ...sample, url, secret: SECRET, event })).status, 204, event);
      }
      for (const tamper of ["body", "signature", "missing", "empty"]) {
        assert.equal((await deliver({ ...sample, url, secret: SECRET, tamper })).status, 401, tamper);
      }
      assert.equal((await deliver({ ...sample, url })).status, 401, "the README's placeholder secret is not this receiver's");
      // A signed body that is not JSON is accepted (it is Ankorstore's) and ignored, without a crash.
      assert.equal((await deliver({ ...sample, url, secret: SECRET, payload: "not json" })).status, 204);
      // The receiver prints an event after it has answered: wait for the last line.
      for (let i = 0; i < 100 && (receiver.output.match(/^(Received|A signed delivery whose body)/gm) ?? []).length < 10; i++) await sleep(20);
      for (const event of Object.keys(WEBHOOK_EVENTS)) {
        assert.match(receiver.output, new RegExp(`^Received ${event.replace(".", "\\.")} \\(event [0-9a-f-]{36}\\) about order `, "m"));
      }
      assert.match(receiver.output, /^A signed delivery whose body is not JSON: ignored$/m);
      assert.equal(receiver.output.match(/^Refused a delivery/gm).length, 5);
      assert.ok(!receiver.output.includes(SECRET), "the secret was printed");
    });

    test("other paths 404, other methods 405, a body over 1 MiB 413", async () => {
      assert.equal((await fetch(url.replace("/ankorstore", "/other"), { method: "POST", body: "{}" })).status, 404);
      const get = await fetch(url);
      assert.equal(get.status, 405);
      assert.equal(get.headers.get("allow"), "POST");
      const big = await fetch(url, { method: "POST", body: "x".repeat(1024 * 1024 + 1) }).then((r) => r.status, (e) => `failed: ${e.cause?.code ?? e}`);
      assert.ok(big === 413 || /EPIPE|ECONNRESET|UND_ERR_SOCKET/.test(String(big)), String(big));
      // Still serving.
      assert.equal((await fetch(url, { method: "POST", body: "{}" })).status, 401);
    });
  });
});

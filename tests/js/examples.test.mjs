// The Node examples (examples/node/esm.mjs and cjs.cjs) run as documented from the
// repository root (`npm run build`, then `node examples/node/esm.mjs`): "ankorstore-client"
// is pkg/, linked by the root package.json's `file:pkg` devDependency. With their own
// in-process mock, against a given ANKORSTORE_BASE_URL, and failing cleanly on bad credentials.
// Run: node --test tests/js/examples.test.mjs
import { beforeEach, describe, test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { readFileSync, readdirSync, realpathSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";

import { root } from "./support/package.mjs";
import { DEMO_CLIENT_SECRET, SPECIAL_ID, SPECIAL_SECRET, bearers, setup } from "./support/client-kit.mjs";
import { assertBuilt, readmeCommands } from "./support/examples.mjs";

const { mock } = await setup(); // also checks that the packed package is installed

const EXAMPLES = ["esm.mjs", "cjs.cjs"];
const GREETING = "Authenticated as Test Account <api@ankorstore.com> (user 1234)";

/** Runs an example with `env` added (ANKORSTORE_* removed otherwise); never throws. */
function run(example, env = {}) {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("ANKORSTORE_")));
  return new Promise((resolve) => {
    execFile(process.execPath, [join(root, "examples", "node", example)],
      { cwd: root, env: { ...clean, ...env }, timeout: 15_000 },
      (error, stdout, stderr) => resolve({ code: error ? error.code ?? error.signal : 0, stdout, stderr }));
  });
}

describe("examples/node", () => {
  beforeEach(() => mock.reset());

  test("the READMEs show the commands this suite runs", () => {
    const commands = ["npm run build", "node examples/node/esm.mjs", "node examples/node/cjs.cjs"];
    assert.deepEqual(readmeCommands(join(root, "examples", "node", "README.md"), "## Run them from this repository"), commands);
    assert.deepEqual(readmeCommands(join(root, "README.md"), "### Run the examples"), commands);
  });

  test("the examples import the package as users do, and it resolves to the build in pkg/", () => {
    assertBuilt();
    // No repository-only loader or resolve hook: the scripts are what a project would write.
    // (webhooks.mjs, the webhook receiver: tests/js/examples-webhooks.test.mjs.)
    assert.deepEqual(readdirSync(join(root, "examples", "node")).filter((f) => /\.(mjs|cjs|js)$/.test(f)).sort(), ["cjs.cjs", "esm.mjs", "webhooks.mjs"]);
    assert.match(readFileSync(join(root, "examples", "node", "esm.mjs"), "utf8"), /^import \{ AnkorstoreClient, AnkorstoreError \} from "ankorstore-client";$/m);
    assert.match(readFileSync(join(root, "examples", "node", "cjs.cjs"), "utf8"), /^const \{ AnkorstoreClient, AnkorstoreError \} = require\("ankorstore-client"\);$/m);
    const { devDependencies } = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
    assert.equal(devDependencies["ankorstore-client"], "file:pkg");
    const resolved = createRequire(join(root, "examples", "node", "cjs.cjs")).resolve("ankorstore-client");
    assert.equal(realpathSync(resolved), realpathSync(join(root, "pkg", "node.cjs")));
  });

  for (const example of EXAMPLES) {
    test(`${example} starts its own mock and prints /me`, async () => {
      const { code, stdout, stderr } = await run(example);
      assert.equal(code, 0, stderr);
      assert.match(stdout, /^Started the mock Ankorstore API at http:\/\/127\.0\.0\.1:\d+$/m);
      assert.match(stdout, /^Got a Bearer token, valid 3600 s/m);
      assert.ok(stdout.includes(GREETING), stdout);
      assert.ok(stdout.includes('"email": "api@ankorstore.com"'));
      assert.equal(stderr, "");
      assert.doesNotMatch(stdout, /eyJ[\w-]+\.[\w-]+/, "a token was printed");
      assert.ok(!stdout.includes(DEMO_CLIENT_SECRET));
      // It used its own mock, not this one.
      assert.equal(mock.stats().tokenRequests, 0);
    });

    test(`${example} uses ANKORSTORE_BASE_URL and the given credentials`, async () => {
      const { code, stdout, stderr } = await run(example, {
        ANKORSTORE_BASE_URL: `${mock.url}/`, ANKORSTORE_CLIENT_ID: SPECIAL_ID, ANKORSTORE_CLIENT_SECRET: SPECIAL_SECRET,
      });
      assert.equal(code, 0, stderr);
      assert.ok(stdout.includes(GREETING), stdout);
      assert.ok(!stdout.includes("Started the mock"));
      const stats = mock.stats();
      assert.equal(stats.tokenRequests, 1);
      assert.equal(stats.apiRequests, 1);
      const [token] = bearers(mock, "/api/v1/me");
      assert.ok(token && !stdout.includes(token), "the token was printed");
      assert.ok(!stdout.includes(SPECIAL_SECRET));
    });

    test(`${example} reports bad credentials as an AnkorstoreError and exits with 1`, async () => {
      const { code, stdout, stderr } = await run(example, {
        ANKORSTORE_BASE_URL: mock.url, ANKORSTORE_CLIENT_SECRET: SPECIAL_SECRET,
      });
      assert.equal(code, 1);
      assert.match(stderr, /^Ankorstore error invalid_client \(HTTP 401\): /m);
      assert.ok(!stderr.includes(SPECIAL_SECRET) && !stdout.includes(SPECIAL_SECRET));
      assert.ok(!stdout.includes("Authenticated"));
    });
  }
});

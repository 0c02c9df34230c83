// `"sideEffects": false` in the package, checked with the bundlers users have: esbuild and
// Vite (Rolldown). An app that uses any export keeps the entry's wasm initialisation and
// works; an app that imports without using drops the package entirely; a store import
// keeps only that store. Each bundle (Node target) runs against the mock.
// Run: node --test tests/package/side-effects.test.mjs (after node scripts/pack.mjs)
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { copyFileSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

import * as esbuild from "esbuild";
import { build as viteBuild } from "vite";

import { startMock } from "../../mock/server.mjs";
import { USER } from "../../mock/data.mjs";
import { freshProject, run } from "../runtimes/fixtures/scratch.mjs";

const WASM = "ankorstore_client_bg.wasm";
const CREDENTIALS = 'clientId: "demo-client-id", clientSecret: "demo-client-secret", baseUrl: process.argv[2]';
const APPS = {
  // The client class only.
  client: `import { AnkorstoreClient } from "ankorstore-client";
const client = new AnkorstoreClient({ ${CREDENTIALS} });
console.log(JSON.stringify(await client.me()));`,
  // The one-shot functions through a namespace import.
  oneShot: `import * as ankorstore from "ankorstore-client";
const token = await ankorstore.exchangeCredentials({ ${CREDENTIALS} });
console.log(JSON.stringify(await ankorstore.getMe(token.accessToken, { baseUrl: process.argv[2] })));`,
  // Only the error class (plain JS): the entry, its initialisation included, still loads.
  errorOnly: `import { AnkorstoreError } from "ankorstore-client";
const error = new AnkorstoreError("network", "offline");
console.log(JSON.stringify({ id: error instanceof Error && error.code === "network" ? ${USER.id} : 0 }));`,
  // Imported, never used: nothing of the package may remain.
  unused: `import { AnkorstoreClient } from "ankorstore-client";
import { redisTokenStore } from "ankorstore-client/stores";
console.log(JSON.stringify({ unused: true }));`,
  // One store: the others stay out.
  kvStore: `import { kvTokenStore } from "ankorstore-client/stores";
const values = new Map();
const store = kvTokenStore({ get: async (k) => values.get(k) ?? null, put: async (k, v) => void values.set(k, v) });
await store.set("k", "v", 1);
console.log(JSON.stringify({ value: await store.get("k") }));`,
};

let mock;
let dir;
let pkgDir;

before(async () => {
  mock = await startMock({ port: 0 });
  ({ dir, pkgDir } = await freshProject("side-effects"));
  for (const [name, source] of Object.entries(APPS)) writeFileSync(join(dir, `${name}.mjs`), `${source}\n`);
});

after(() => mock?.close());

const BUNDLERS = {
  async esbuild(name, outDir) {
    await esbuild.build({
      entryPoints: [join(dir, `${name}.mjs`)], absWorkingDir: dir, bundle: true, platform: "node", format: "esm",
      outfile: join(outDir, `${name}.mjs`), logLevel: "silent",
    });
    return join(outDir, `${name}.mjs`);
  },
  async vite(name, outDir) {
    await viteBuild({
      root: dir, configFile: false, logLevel: "silent",
      ssr: { noExternal: true, target: "node" },
      build: { ssr: join(dir, `${name}.mjs`), outDir, emptyOutDir: true, minify: false },
    });
    return join(outDir, `${name}.js`);
  },
};

for (const [bundler, bundle] of Object.entries(BUNDLERS)) {
  describe(bundler, () => {
    const outputs = {};

    before(async () => {
      for (const name of Object.keys(APPS)) {
        const outDir = join(dir, `dist-${bundler}-${name}`);
        outputs[name] = await bundle(name, outDir);
        // Node bundlers leave new URL("./…wasm", import.meta.url) as is: the app ships the
        // .wasm next to its bundle (as the README says for esbuild).
        copyFileSync(join(pkgDir, WASM), join(outDir, WASM));
      }
    });

    async function execute(name) {
      const { stdout } = await run(process.execPath, [outputs[name], mock.url], { timeout: 20_000 });
      return JSON.parse(stdout);
    }

    for (const name of ["client", "oneShot", "errorOnly"]) {
      test(`${name}: the used entry keeps its wasm initialisation and works`, async () => {
        const code = readFileSync(outputs[name], "utf8");
        assert.match(code, new RegExp(`new URL\\(["']\\./${WASM}["']`), "the entry's wasm loading is in the bundle");
        assert.match(code, /new WebAssembly\.(Module|Instance)\(/);
        assert.equal((await execute(name)).id, USER.id);
      });
    }

    test("unused imports: nothing of the package is left", async () => {
      const code = readFileSync(outputs.unused, "utf8");
      assert.ok(code.length < 500, `${code.length} bytes left:\n${code.slice(0, 300)}`);
      assert.doesNotMatch(code, /WebAssembly|\.wasm|redis/);
      assert.deepEqual(await execute("unused"), { unused: true });
    });

    test("one store imported: the other stores are left out", async () => {
      const code = readFileSync(outputs.kvStore, "utf8");
      assert.match(code, /expirationTtl/);
      assert.doesNotMatch(code, /UNLOCK_SCRIPT|redis\.call|ankorstore-token-broker|WebAssembly/);
      assert.deepEqual(await execute("kvStore"), { value: "v" });
    });
  });
}

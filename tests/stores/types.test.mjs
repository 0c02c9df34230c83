// The TypeScript declarations of "ankorstore-client/stores", checked with tsc against the real
// node-redis and ioredis typings and the client's own TokenStore type.
// Run: node --test tests/stores/types.test.mjs
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { cpSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";

import { consumer, loadStores, root } from "./support/stores.mjs";

const run = promisify(execFile);

test("the stores' declarations type-check with the real clients (tsc --strict)", async () => {
  const { source } = await loadStores();
  const dir = join(root, ".scratch", "stores-types");
  rmSync(dir, { recursive: true, force: true });
  const pkgDir = join(dir, "node_modules", "ankorstore-client");
  mkdirSync(pkgDir, { recursive: true });
  cpSync(join(consumer, "node_modules", "ankorstore-client"), pkgDir, { recursive: true });
  if (source !== "package") {
    // Until the build ships stores/: lay them out as the package will (pkg/stores/).
    mkdirSync(join(pkgDir, "stores"));
    for (const file of readdirSync(join(root, "stores")).filter((f) => /\.(mjs|d\.ts)$/.test(f))) {
      cpSync(join(root, "stores", file), join(pkgDir, "stores", file));
    }
    const manifest = JSON.parse(readFileSync(join(pkgDir, "package.json"), "utf8"));
    manifest.exports["./stores"] = { types: "./stores/index.d.ts", default: "./stores/index.mjs" };
    writeFileSync(join(pkgDir, "package.json"), JSON.stringify(manifest, null, 2));
  }
  writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "stores-types", private: true, type: "module" }));
  cpSync(join(root, "tests", "stores", "fixtures", "types-check.ts"), join(dir, "check.ts"));
  // skipLibCheck: the redis typings need @types/node, which is not installed; our
  // declarations are still checked, and so is every use of them in check.ts.
  writeFileSync(join(dir, "tsconfig.json"), JSON.stringify({
    compilerOptions: { strict: true, noEmit: true, module: "nodenext", moduleResolution: "nodenext", target: "es2022", lib: ["es2022", "dom"], types: [], skipLibCheck: true },
    files: ["check.ts"],
  }));
  const result = await run(join(root, "node_modules", ".bin", "tsc"), ["-p", dir], { cwd: dir, timeout: 120_000 }).then(
    () => ({ code: 0, output: "" }),
    (error) => ({ code: error.code, output: `${error.stdout}${error.stderr}` }),
  );
  assert.equal(result.code, 0, result.output);
});

// The API reference (docs/api/, `npm run docs`): regenerated from the built declarations,
// it must equal what is committed, and every export must carry a doc comment (what editors
// show on hover). Run: node --test tests/package/docs.test.mjs (after npm run build)
import { before, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";

import { apiDir, check } from "../../scripts/docs.mjs";
import { root } from "../runtimes/fixtures/scratch.mjs";

let result;

before(() => {
  assert.ok(existsSync(join(root, "pkg", "index.d.ts")), "pkg/ is not built: run npm run build (npm test does)");
  result = check();
});

test("docs/api/ is what npm run docs generates from the current declarations", () => {
  assert.deepEqual(result.stale, [], "docs/api/ is out of date: run `npm run docs` and commit docs/api/");
});

const ofStores = (name) => name.startsWith("ankorstore-client/stores.");

test("every export (and every method) of ankorstore-client/stores has a doc comment", () => {
  assert.deepEqual(result.undocumented.filter(ofStores), [], "add a doc comment to each, in stores/index.d.ts");
});

// The main entry's declarations come from src/wasm/*.rs (doc comments and the TypeScript
// section of typescript.rs).
test("every export (and every method) of ankorstore-client has a doc comment", () => {
  assert.deepEqual(result.undocumented.filter((name) => !ofStores(name)), [], "add a doc comment to each, in src/wasm/*.rs");
});

test("the README links the reference, and the reference covers both sub-paths", () => {
  const readme = readFileSync(join(root, "README.md"), "utf8");
  assert.match(readme, /\]\(docs\/api\/README\.md\)/);
  const index = readFileSync(join(apiDir, "README.md"), "utf8");
  assert.match(index, /\[ankorstore-client\]\(ankorstore-client\/README\.md\)/);
  assert.match(index, /\[ankorstore-client\/stores\]\(ankorstore-client\/stores\/README\.md\)/);
  for (const page of ["ankorstore-client/classes/AnkorstoreClient.md", "ankorstore-client/functions/getMe.md", "ankorstore-client/stores/functions/redisTokenStore.md"]) {
    assert.ok(existsSync(join(apiDir, page)), page);
  }
});

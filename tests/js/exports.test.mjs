// The values the packed package's declarations export exist at run time, in both Node entries,
// and nothing undeclared is exported: index.d.ts against `import`, index.d.cts against
// `require`. In particular verifyWebhookSignature (api.md, "Beyond /me"), which the
// declarations have and a user imports by name. (workerd and Chromium import it in
// tests/runtimes/webhooks.test.mjs.) Run: node --test tests/js/exports.test.mjs
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

import { consumer, importPackage, requirePackage } from "./support/package.mjs";

const pkgDir = dirname(createRequire(join(consumer, "package.json")).resolve("ankorstore-client/package.json"));

/** The classes and functions a declaration file exports (namespaces of types need no value). */
function declaredValues(file) {
  const text = readFileSync(join(pkgDir, file), "utf8");
  return [...text.matchAll(/^export (?:declare )?(?:abstract )?(?:class|function|const|let|var|enum) (\w+)/gm)].map((m) => m[1]).sort();
}

const CONTRACT = ["AnkorstoreClient", "AnkorstoreError", "exchangeCredentials", "getMe", "verifyWebhookSignature"];

for (const [entry, file, load] of [["esm", "index.d.ts", importPackage], ["cjs", "index.d.cts", requirePackage]]) {
  test(`${entry}: api.md's exports, verifyWebhookSignature included, are there`, async () => {
    const pkg = await load();
    const missing = CONTRACT.filter((name) => typeof pkg[name] !== "function");
    assert.deepEqual(missing, [], `missing at run time: ${missing.join(", ")}`);
    assert.deepEqual(CONTRACT.filter((name) => !declaredValues(file).includes(name)), [], `not declared in ${file}`);
  });

  test(`${entry}: every class and function ${file} exports exists at run time, and nothing else is exported`, async () => {
    const pkg = await load();
    const runtime = Object.keys(pkg).filter((k) => k !== "default" && k !== "__esModule").sort();
    const declared = declaredValues(file);
    assert.deepEqual(declared.filter((name) => !runtime.includes(name)), [], `declared in ${file} but undefined at run time`);
    assert.deepEqual(runtime.filter((name) => !declared.includes(name)), [], `exported but not declared in ${file}`);
  });
}

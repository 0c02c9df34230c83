// Loads the packed package from the scratch consumer project (scripts/pack.mjs), through
// its `exports` map, exactly as a user's `import` or `require` would.
import { existsSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

export const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");
// ANKORSTORE_CLIENT_CONSUMER points the suites at another install (e.g. an older build, to
// show that a test fails without its fix).
export const consumer = process.env.ANKORSTORE_CLIENT_CONSUMER ?? join(root, ".scratch", "consumer");

function ensureInstalled() {
  if (!existsSync(join(consumer, "node_modules", "ankorstore-client", "package.json"))) {
    throw new Error("The packed package is not installed: run `node scripts/pack.mjs` first (npm test does).");
  }
  const esm = join(consumer, "load-esm.mjs");
  const cjs = join(consumer, "load-cjs.cjs");
  if (!existsSync(esm)) writeFileSync(esm, 'export * from "ankorstore-client";\n');
  if (!existsSync(cjs)) writeFileSync(cjs, 'module.exports = require("ankorstore-client");\n');
  return { esm, cjs };
}

/** The package as `import * as pkg from "ankorstore-client"` sees it (Node ESM entry). */
export async function importPackage() {
  return import(pathToFileURL(ensureInstalled().esm).href);
}

/** The package as `require("ankorstore-client")` sees it (Node CommonJS entry). */
export function requirePackage() {
  return createRequire(import.meta.url)(ensureInstalled().cjs);
}

/** Both Node entries, for tests that run in each: [["esm", pkg], ["cjs", pkg]]. */
export async function bothEntries() {
  return [["esm", await importPackage()], ["cjs", requirePackage()]];
}

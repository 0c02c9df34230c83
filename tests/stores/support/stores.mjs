// Where the store adapters come from: the packed package's "ankorstore-client/stores" once
// the build ships it, else the source files in stores/ (until then). Only a missing export
// falls back: any other failure to load the sub-path is an error.
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

import { consumer, root } from "../../js/support/package.mjs";

export { consumer, root };
export const sourceStores = join(root, "stores", "index.mjs");

let cached;

/**
 * `{ source, url, mod }`: `url` is what a worker thread imports, `source` says which copy
 * ("package" or "stores/"). Logs which one once, so a run shows what it tested.
 */
export async function loadStores() {
  if (cached) return cached;
  if (!existsSync(join(consumer, "node_modules", "ankorstore-client", "package.json"))) {
    throw new Error("The packed package is not installed: run `node scripts/pack.mjs` first (npm test does).");
  }
  const loader = join(consumer, "load-stores.mjs");
  writeFileSync(loader, 'export * from "ankorstore-client/stores";\n');
  try {
    const url = pathToFileURL(loader).href;
    cached = { source: "package", url, mod: await import(url) };
  } catch (error) {
    if (error?.code !== "ERR_PACKAGE_PATH_NOT_EXPORTED") throw error;
    const url = pathToFileURL(sourceStores).href;
    cached = { source: "stores/", url, mod: await import(url) };
  }
  console.log(`# store adapters loaded from ${cached.source === "package" ? '"ankorstore-client/stores" (packed package)' : "stores/ (the package has no ./stores export yet)"}`);
  return cached;
}


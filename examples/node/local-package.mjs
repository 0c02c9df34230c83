// Repository-only helper for the ES module example (not needed in your project).
//
// Inside this repository "ankorstore-client" is not installed in any node_modules, so a
// plain `import ... from "ankorstore-client"` would fail. esm.mjs registers this file as a
// module resolve hook (node:module register): when the normal resolution of
// "ankorstore-client" fails, it resolves it from the packed package installed in
// .scratch/consumer (`node scripts/pack.mjs`), else from the build output pkg/ (by
// self-reference: pkg/package.json is named "ankorstore-client"), through the package's own
// `exports` map either way. Everything else resolves as usual.
import { existsSync } from "node:fs";

const root = new URL("../../", import.meta.url);
const CANDIDATES = [
  // [where to resolve from, what must exist for it to work]
  [new URL(".scratch/consumer/package.json", root), new URL(".scratch/consumer/node_modules/ankorstore-client/package.json", root)],
  [new URL("pkg/package.json", root), new URL("pkg/package.json", root)],
];

const isPackage = (specifier) => specifier === "ankorstore-client" || specifier.startsWith("ankorstore-client/");

export async function resolve(specifier, context, nextResolve) {
  if (!isPackage(specifier)) return nextResolve(specifier, context);
  try {
    return await nextResolve(specifier, context);
  } catch (error) {
    if (error?.code !== "ERR_MODULE_NOT_FOUND") throw error;
    for (const [from, needed] of CANDIDATES) {
      if (existsSync(needed)) return nextResolve(specifier, { ...context, parentURL: from.href });
    }
    throw new Error(`${error.message}\nBuild the package first: node scripts/build.mjs (or npm test)`, { cause: error });
  }
}

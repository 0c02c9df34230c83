// Repository-only helper for the CommonJS example (not needed in your project).
//
// Inside this repository "ankorstore-client" is not installed in any node_modules, so a
// plain `require("ankorstore-client")` would fail. Requiring this file first makes such a
// failing resolution fall back to the packed package installed in .scratch/consumer
// (`node scripts/pack.mjs`), else to the build output pkg/ (by self-reference:
// pkg/package.json is named "ankorstore-client"), through the package's own `exports` map
// either way. Everything else resolves as usual.
const { existsSync } = require("node:fs");
const Module = require("node:module");
const { join } = require("node:path");

const root = join(__dirname, "..", "..");
const CANDIDATES = [
  // [where to resolve from, what must exist for it to work]
  [join(root, ".scratch", "consumer", "package.json"), join(root, ".scratch", "consumer", "node_modules", "ankorstore-client", "package.json")],
  [join(root, "pkg", "package.json"), join(root, "pkg", "package.json")],
];

const isPackage = (request) => request === "ankorstore-client" || request.startsWith("ankorstore-client/");
const resolveFilename = Module._resolveFilename;

Module._resolveFilename = function (request, parent, isMain, options) {
  try {
    return resolveFilename.call(this, request, parent, isMain, options);
  } catch (error) {
    if (error?.code !== "MODULE_NOT_FOUND" || !isPackage(request)) throw error;
    for (const [from, needed] of CANDIDATES) {
      if (existsSync(needed)) return Module.createRequire(from).resolve(request);
    }
    error.message += "\nBuild the package first: node scripts/build.mjs (or npm test)";
    throw error;
  }
};

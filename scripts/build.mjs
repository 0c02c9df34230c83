// Builds pkg/, the npm package `ankorstore-client`, from the crate:
//   wasm-pack (web target glue) → wasm-opt -Oz (npm binaryen) → one entry per runtime.
// One .wasm and one glue file serve every runtime; only the few lines that load the wasm
// differ (Node reads the file, workerd imports it as a module, browsers fetch it).
import { execFileSync } from "node:child_process";
import { cpSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { openapiTypes } from "./openapi-types.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const out = join(root, "pkg");
const stage = join(root, "target", "wasm-pack-out");
const name = "ankorstore_client";

function run(cmd, args, options = {}) {
  execFileSync(cmd, args, { stdio: "inherit", cwd: root, ...options });
}

// 1. Compile and generate the glue (wasm-bindgen must match the crate's version: setup.sh).
rmSync(stage, { recursive: true, force: true });
run("wasm-pack", ["build", "--release", "--target", "web", "--out-dir", stage, "--out-name", name, "--no-pack"]);

// 2. Optimise for size. Current Rust emits these wasm features; binaryen must accept them.
const wasm = join(stage, `${name}_bg.wasm`);
run(join(root, "node_modules", ".bin", "wasm-opt"), [
  wasm, "-o", wasm, "-Oz",
  "--enable-bulk-memory", "--enable-nontrapping-float-to-int", "--enable-sign-ext",
  "--enable-reference-types", "--enable-multivalue", "--enable-mutable-globals",
  "--strip-debug", "--strip-producers",
]);

// 3. Assemble the package.
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
for (const file of [`${name}.js`, `${name}_bg.wasm`]) cpSync(join(stage, file), join(out, file));
cpSync(join(stage, "snippets"), join(out, "snippets"), { recursive: true });

function findFile(dir, wanted) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      const found = findFile(path, wanted);
      if (found) return found;
    } else if (entry.name === wanted) return path;
  }
  return null;
}
const errorModule = "./" + relative(out, findFile(join(out, "snippets"), "error.js")).replaceAll("\\", "/");

const api = `export { AnkorstoreClient, exchangeCredentials, getMe, verifyWebhookSignature } from "./${name}.js";
export { AnkorstoreError } from "${errorModule}";
`;
// One file per runtime: the glue, the error class and the few lines that load the wasm,
// bundled and minified (one file loads faster than three modules, and weighs less). Only
// these lines differ between runtimes; none of them needs an init() call from users.
const entries = {
  // workerd cannot compile wasm from bytes: the module is imported (wrangler bundles it as a
  // CompiledWasm module) and instantiated synchronously.
  "workerd.mjs": {
    format: "esm", platform: "neutral", external: [`./${name}_bg.wasm`],
    source: `import wasmModule from "./${name}_bg.wasm";
import { initSync } from "./${name}.js";
initSync({ module: wasmModule });`,
  },
  // Browsers (with or without a bundler) fetch the .wasm next to this module.
  "browser.mjs": {
    format: "esm", platform: "browser",
    source: `import init from "./${name}.js";
await init({ module_or_path: new URL("./${name}_bg.wasm", import.meta.url) });`,
  },
  // Node reads the file synchronously: node.mjs for import, node.cjs for require.
  "node.mjs": {
    format: "esm", platform: "node",
    source: `import { readFileSync } from "node:fs";
import { initSync } from "./${name}.js";
initSync({ module: readFileSync(new URL("./${name}_bg.wasm", import.meta.url)) });`,
  },
  "node.cjs": {
    format: "cjs", platform: "node",
    source: `import { readFileSync } from "node:fs";
import { initSync } from "./${name}.js";
initSync({ module: readFileSync(require("node:path").join(__dirname, "${name}_bg.wasm")) });`,
  },
};
for (const [file, { source, ...options }] of Object.entries(entries)) {
  await build({
    stdin: { contents: `${source}\n${api}`, resolveDir: out, sourcefile: `entry:${file}`, loader: "js" },
    outfile: join(out, file), bundle: true, minify: true, keepNames: true,
    target: "es2022", logLevel: "error",
    // The glue's own fallback loader (fetch relative to import.meta.url) is never called
    // in Node; the entries always pass the module.
    logOverride: { "empty-import-meta": "silent" },
    ...options,
  });
}
// The glue and the error class now live inside the entries.
rmSync(join(out, `${name}.js`));
rmSync(join(out, "snippets"), { recursive: true });

// The token stores are small platform adapters, shipped as they are written.
cpSync(join(root, "stores"), join(out, "stores"), { recursive: true });

// 4. Types: wasm-bindgen's declarations, less the loader functions users never call, then
// the typed request()/pages()/paginate() generated from Ankorstore's OpenAPI description
// (openapi/ankorstore.json, by scripts/openapi-types.mjs), merged into AnkorstoreClient.
const dts = readFileSync(join(stage, `${name}.d.ts`), "utf8");
const cut = dts.indexOf("export type InitInput");
const declared = (cut >= 0 ? dts.slice(0, cut) : dts)
  .replace(/^\/\* tslint:disable \*\/\n\/\* eslint-disable \*\/\n/m, "")
  // Declaring it would require lib "esnext.disposable" from every TypeScript consumer.
  .replace(/^\s*\[Symbol\.dispose\]\(\): void;\n/gm, "")
  // wasm-bindgen's own free(), undocumented; the classes' own (src/wasm/) replace it.
  .replace(/(export class \w+ \{\n(?:\s*private constructor\(\);\n)?)\s*free\(\): void;\n/g, "$1")
  .trimEnd() + "\n";
// The generated part types a path without types with these two, declared by the Rust side
// (src/wasm/typescript.rs), both with `params`; without them the .d.ts does not compile.
for (const wanted of ["RequestOptions", "PageOptions"]) {
  const body = declared.match(new RegExp(`^export interface ${wanted} \\{\\n([\\s\\S]*?)^\\}`, "m"))?.[1];
  if (!body) console.warn(`warning: the .d.ts does not declare ${wanted} (src/wasm/typescript.rs)`);
  else if (!/^\s+params\?:/m.test(body)) console.warn(`warning: ${wanted} has no params (src/wasm/typescript.rs)`);
}
const types = "// Types of the npm package ankorstore-client (generated from the Rust crate and Ankorstore's OpenAPI description).\n" +
  declared + "\n" + await openapiTypes({ root, declared });
writeFileSync(join(out, "index.d.ts"), types);
writeFileSync(join(out, "index.d.cts"), types);

// 5. The stores' CommonJS entry, package.json, README, CHANGELOG, LICENSE.
// `ankorstore-client/stores` is written as ES modules (shipped as they are); CommonJS
// backends get the same code as one bundle, with the same declarations as a .d.cts
// (a .d.ts in a "type": "module" package would declare ESM to a `require`).
await build({
  entryPoints: [join(root, "stores", "index.mjs")],
  outfile: join(out, "stores", "index.cjs"), bundle: true, format: "cjs", platform: "neutral",
  target: "es2022", logLevel: "error",
});
cpSync(join(root, "stores", "index.d.ts"), join(out, "stores", "index.d.cts"));

const crate = readFileSync(join(root, "Cargo.toml"), "utf8");
const field = (key) => crate.match(new RegExp(`^${key} = "(.*)"`, "m"))[1];
const repository = field("repository");
// Every condition and sub-path carries its own types: ESM ones for import, .d.cts for require.
const esm = (file, types = "./index.d.ts") => ({ types, default: file });
const cjs = (file, types = "./index.d.cts") => ({ types, default: file });
const docs = ["README.md", "CHANGELOG.md", "LICENSE"];
const pkg = {
  name: "ankorstore-client",
  version: field("version"),
  description: field("description"),
  license: field("license"),
  repository: { type: "git", url: `git+${repository}.git` },
  homepage: `${repository}#readme`,
  bugs: { url: `${repository}/issues` },
  keywords: ["ankorstore", "api-client", "oauth2", "client-credentials", "jsonapi", "wasm", "webassembly", "cloudflare-workers"],
  type: "module",
  main: "./node.cjs",
  module: "./browser.mjs",
  types: "./index.d.ts",
  exports: {
    ".": {
      workerd: esm("./workerd.mjs"),
      worker: esm("./workerd.mjs"),
      browser: esm("./browser.mjs"),
      node: {
        import: esm("./node.mjs"),
        require: cjs("./node.cjs"),
      },
      import: esm("./browser.mjs"),
      require: cjs("./node.cjs"),
      default: esm("./browser.mjs"),
    },
    // Ready-made token stores for fleets (Workers KV, a Durable Object broker, Redis).
    "./stores": {
      import: esm("./stores/index.mjs", "./stores/index.d.ts"),
      require: cjs("./stores/index.cjs", "./stores/index.d.cts"),
      default: esm("./stores/index.mjs", "./stores/index.d.ts"),
    },
    "./package.json": "./package.json",
  },
  // Exactly what ships (npm adds package.json); tests/package checks the packed list.
  files: [`${name}_bg.wasm`, "browser.mjs", "workerd.mjs", "node.mjs", "node.cjs", "index.d.ts", "index.d.cts", "stores/", ...docs],
  // No module of the package has a side effect a bundler must keep when none of its exports
  // is used: an entry's wasm initialisation runs whenever the entry is included, and it is
  // included as soon as one export is used (tests/package/side-effects.test.mjs checks it
  // with esbuild and Vite).
  sideEffects: false,
  engines: { node: ">=18" },
};
writeFileSync(join(out, "package.json"), JSON.stringify(pkg, null, 2) + "\n");
for (const file of docs) cpSync(join(root, file), join(out, file));

const size = readFileSync(join(out, `${name}_bg.wasm`)).length;
console.log(`pkg/ built: ${name}_bg.wasm ${size} bytes`);

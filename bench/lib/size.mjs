// Byte counts: what each runtime loads from the installed package, the minified bundles of
// the same job with each contender, and the figures the size regression test compares.
import { readFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { gzipSync } from "node:zlib";
import { consumer } from "../../tests/js/support/package.mjs";
import { root } from "./paths.mjs";

export const GZIP_LEVEL = 9;
export const WASM_NAME = "ankorstore_client_bg.wasm";
/** The package as the test suites see it (scripts/pack.mjs installs it there). */
export const installedPackageDir = join(consumer, "node_modules", "ankorstore-client");

export const gzipSize = (bytes) => gzipSync(bytes, { level: GZIP_LEVEL }).length;
const sizesOf = (bytes) => ({ raw: bytes.length, gzip: gzipSize(bytes) });

function sumFiles(dir, files) {
  const out = { files, raw: 0, gzip: 0 };
  for (const f of files) {
    const s = sizesOf(readFileSync(join(dir, f)));
    out.raw += s.raw;
    out.gzip += s.gzip; // each file is a separate download/read, so gzip them one by one
  }
  return out;
}

/** {wasm, glue} of an installed package: glue = the JS that loads and drives the wasm. Each
 * runtime entry is one bundle of it; the browser entry, the largest, stands for all. */
export function packageSizes(dir = installedPackageDir) {
  return {
    wasm: sizesOf(readFileSync(join(dir, WASM_NAME))),
    glue: sumFiles(dir, ["browser.mjs"]),
  };
}

/** The figures the size baseline records (and the test compares). */
export function baselineFigures(dir = installedPackageDir) {
  const version = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")).version;
  const { wasm, glue } = packageSizes(dir);
  return { version, gzipLevel: GZIP_LEVEL, wasm, glue: { raw: glue.raw, gzip: glue.gzip, files: glue.files } };
}

const RUNTIMES = [
  { id: "node", label: "Node (import)", platform: "node", conditions: ["node", "import"] },
  { id: "workerd", label: "workerd", platform: "neutral", conditions: ["workerd", "worker", "browser"] },
  { id: "browser", label: "browser", platform: "neutral", conditions: ["browser", "import"] },
];

/** The package's files each runtime loads (found by following the entry's imports), + the wasm. */
export async function runtimeSizes(dir = installedPackageDir) {
  const esbuild = await import("esbuild");
  const out = [];
  for (const runtime of RUNTIMES) {
    const result = await esbuild.build({
      stdin: { contents: 'import "ankorstore-client";', resolveDir: root, loader: "js" },
      bundle: true, write: false, format: "esm", platform: runtime.platform, conditions: runtime.conditions,
      mainFields: ["module", "main"], external: ["*.wasm"], nodePaths: [resolve(dir, "..")],
      metafile: true, logLevel: "silent", absWorkingDir: root,
    });
    const files = Object.keys(result.metafile.inputs)
      .map((f) => relative(dir, resolve(root, f)))
      .filter((f) => !f.startsWith(".."))
      .sort();
    out.push({ id: runtime.id, label: runtime.label, ...sumFiles(dir, [...files, WASM_NAME]) });
  }
  return out;
}

/** Minified esbuild bundles of the same job with each contender (JS + separately loaded wasm). */
export async function bundleSizes(contenders, dir = installedPackageDir) {
  const { bundle, sizeEntry } = await import("./bundle.mjs");
  const out = [];
  for (const contender of contenders) {
    const { code, inputs } = await bundle(sizeEntry(contender), { minify: true, conditions: ["browser"] });
    const js = sizesOf(code);
    // The package's browser entry fetches its .wasm next to it (new URL(…, import.meta.url)).
    const wasmDir = contender.id === "package" ? dir : contender.packageDir;
    const wasm = wasmDir ? packageSizes(wasmDir).wasm : { raw: 0, gzip: 0 };
    out.push({
      id: contender.id,
      label: contender.label,
      js,
      wasm,
      total: { raw: js.raw + wasm.raw, gzip: js.gzip + wasm.gzip },
      libraryFiles: inputs.filter((f) => f.includes("node_modules")).length,
    });
  }
  return out;
}

// What each runtime entry of the installed package loads (entry + JS glue + wasm), raw and
// gzip -9, as a Markdown table: `node scripts/sizes.mjs [--pkg <dir>] [--write-readme]`.
// The module graph is followed from the file the package's `exports` map gives for each
// runtime's conditions, so the numbers follow the package as built. --write-readme replaces
// the block between <!-- sizes:start --> and <!-- sizes:end --> in README.md, nothing else.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, normalize } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const args = process.argv.slice(2);
const pkgArg = args.indexOf("--pkg");
const pkgDir = pkgArg >= 0 ? args[pkgArg + 1] : join(root, ".scratch", "consumer", "node_modules", "ankorstore-client");

/** The runtimes, with the export conditions their resolver uses, in its priority order. */
export const RUNTIMES = [
  { name: "Node ESM (`import`)", conditions: ["node", "import"] },
  { name: "Node CommonJS (`require`)", conditions: ["node", "require"] },
  { name: "Cloudflare Workers (`workerd`)", conditions: ["workerd", "worker", "import"] },
  { name: "Browsers (`browser`)", conditions: ["browser", "import"] },
];

/** Resolves `exports["."]` for a set of conditions (object key order decides, as in Node). */
export function resolveExport(target, conditions) {
  if (typeof target === "string") return target;
  if (!target || typeof target !== "object") return null;
  for (const [key, value] of Object.entries(target)) {
    if (key === "types") continue;
    if (key === "default" || conditions.includes(key)) {
      const found = resolveExport(value, conditions);
      if (found) return found;
    }
  }
  return null;
}

/** Relative files a module pulls in: static imports/re-exports, require(), and .wasm names. */
function dependencies(file, source) {
  const found = new Set();
  const patterns = [
    /\bfrom\s*["'](\.{1,2}\/[^"']+)["']/g,
    /\bimport\s*["'](\.{1,2}\/[^"']+)["']/g,
    /\brequire\(\s*["'](\.{1,2}\/[^"']+)["']\s*\)/g,
    /["'](?:\.\/)?([\w.-]+\.wasm)["']/g, // new URL("x.wasm", import.meta.url), join(__dirname, "x.wasm")
  ];
  for (const pattern of patterns) {
    for (const m of source.matchAll(pattern)) {
      const spec = m[1].startsWith(".") ? m[1] : `./${m[1]}`;
      found.add(normalize(join(dirname(file), spec)));
    }
  }
  return [...found];
}

/** Every file loaded from `entry` (paths relative to the package). */
export function moduleGraph(dir, entry) {
  const seen = new Set();
  const queue = [normalize(entry)];
  while (queue.length) {
    const file = queue.shift();
    if (seen.has(file)) continue;
    const path = join(dir, file);
    if (!existsSync(path)) throw new Error(`${file} (needed by the graph of ${entry}) is not in ${dir}`);
    seen.add(file);
    if (!file.endsWith(".wasm")) queue.push(...dependencies(file, readFileSync(path, "utf8")));
  }
  return [...seen];
}

/** One row per runtime: files, JS and wasm bytes, raw and gzip -9 (each file on its own). */
export function measure(dir) {
  const manifest = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
  return RUNTIMES.map(({ name, conditions }) => {
    const entry = resolveExport(manifest.exports["."], conditions);
    if (!entry) throw new Error(`no export for ${conditions.join("+")}`);
    const files = moduleGraph(dir, entry);
    const sum = { jsRaw: 0, jsGzip: 0, wasmRaw: 0, wasmGzip: 0 };
    for (const file of files) {
      const bytes = readFileSync(join(dir, file));
      const gzip = gzipSync(bytes, { level: 9 }).length;
      if (file.endsWith(".wasm")) { sum.wasmRaw += bytes.length; sum.wasmGzip += gzip; }
      else { sum.jsRaw += bytes.length; sum.jsGzip += gzip; }
    }
    return { name, entry: entry.replace(/^\.\//, ""), files, ...sum };
  });
}

const kb = (n) => `${(n / 1024).toFixed(1)} KB`;

export function table(rows, version) {
  const lines = [
    `| Runtime (ankorstore-client ${version}) | Files loaded | JS | wasm | Total | Total, gzip -9 |`,
    "| --- | --- | ---: | ---: | ---: | ---: |",
  ];
  for (const r of rows) {
    const files = r.files.map((f) => `\`${f.replace(/^snippets\/.*\//, "snippets/…/")}\``).join(", ");
    lines.push(
      `| ${r.name} | ${files} | ${kb(r.jsRaw)} (${kb(r.jsGzip)} gz) | ${kb(r.wasmRaw)} (${kb(r.wasmGzip)} gz) | ${kb(r.jsRaw + r.wasmRaw)} | ${kb(r.jsGzip + r.wasmGzip)} |`,
    );
  }
  lines.push("", "Gzip is measured per file (each is fetched or read on its own); 1 KB = 1024 bytes.");
  return lines.join("\n");
}

export function writeReadme(readmePath, block) {
  const text = readFileSync(readmePath, "utf8");
  const start = "<!-- sizes:start -->";
  const end = "<!-- sizes:end -->";
  const i = text.indexOf(start);
  const j = text.indexOf(end);
  if (i < 0 || j < i || text.indexOf(start, i + 1) >= 0) throw new Error(`${readmePath} needs exactly one ${start} … ${end} block`);
  writeFileSync(readmePath, `${text.slice(0, i + start.length)}\n${block}\n${text.slice(j)}`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  if (!existsSync(join(pkgDir, "package.json"))) {
    console.error(`No installed package in ${pkgDir}: run \`node scripts/pack.mjs\` first (or pass --pkg <dir>).`);
    process.exit(1);
  }
  const { version } = JSON.parse(readFileSync(join(pkgDir, "package.json"), "utf8"));
  const block = table(measure(pkgDir), version);
  console.log(block);
  if (args.includes("--write-readme")) {
    writeReadme(join(root, "README.md"), block);
    console.log("\nREADME.md: sizes block updated");
  }
}

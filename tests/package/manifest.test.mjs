// The packed tarball as npm would publish it: the manifest's fields, an exports map with
// types for every condition and sub-path, a file list that is exactly what the entries need,
// and the verdicts of publint, are-the-types-wrong and `npm publish --dry-run`.
// Run: node --test tests/package/manifest.test.mjs (after node scripts/pack.mjs)
import { before, test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, normalize } from "node:path";
import { promisify } from "node:util";

import { publint } from "publint";
import { formatMessage } from "publint/utils";

import { moduleGraph } from "../../scripts/sizes.mjs";
import { bin, root, tarballPath } from "../runtimes/fixtures/scratch.mjs";
import { consumer } from "../js/support/package.mjs";

const run = promisify(execFile);
const installed = join(consumer, "node_modules", "ankorstore-client");
const DOCS = ["README.md", "CHANGELOG.md", "LICENSE"];

let tarball;
let manifest;
let packed; // the file list of the tarball, from `npm publish --dry-run --json`

/** Runs a command, never throws: { code, stdout, stderr }. */
async function attempt(cmd, args, options = {}) {
  return run(cmd, args, { maxBuffer: 16 * 1024 * 1024, timeout: 120_000, ...options }).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (error) => ({ code: error.code ?? 1, stdout: String(error.stdout ?? ""), stderr: String(error.stderr ?? error.message) }),
  );
}

/** npm's warnings, less the one every dry run without a login prints. */
const npmWarnings = (stderr) => stderr.split("\n")
  .filter((line) => /^npm warn/i.test(line))
  .filter((line) => !/requires you to be logged in .*\(dry-run\)/.test(line));

/** `npm publish --dry-run --json` of `target` from a neutral directory (no .npmrc of ours). */
async function publishDryRun(target) {
  const cwd = mkdtempSync(join(tmpdir(), "publish-dry-run-"));
  try {
    return await attempt("npm", ["publish", "--dry-run", "--json", "--offline", target], { cwd });
  } finally {
    rmSync(cwd, { recursive: true, force: true });
  }
}

before(async () => {
  tarball = tarballPath();
  manifest = JSON.parse(readFileSync(join(installed, "package.json"), "utf8"));
  const result = await publishDryRun(tarball);
  assert.equal(result.code, 0, result.stderr);
  const json = JSON.parse(result.stdout);
  packed = json["ankorstore-client"] ?? json;
  packed.stderr = result.stderr;
});

test("the manifest has what a registry page and npm need", () => {
  const repo = "https://github.com/ankorstore-client/ankorstore-client";
  assert.equal(manifest.name, "ankorstore-client");
  assert.match(manifest.version, /^\d+\.\d+\.\d+(-[\w.]+)?$/);
  assert.equal(manifest.license, "MIT");
  assert.ok(manifest.description.length > 20);
  assert.deepEqual(manifest.repository, { type: "git", url: `git+${repo}.git` });
  assert.equal(manifest.homepage, `${repo}#readme`);
  assert.deepEqual(manifest.bugs, { url: `${repo}/issues` });
  assert.deepEqual(manifest.engines, { node: ">=18" });
  assert.equal(manifest.sideEffects, false);
  assert.equal(manifest.type, "module");
  for (const word of ["ankorstore", "oauth2", "jsonapi", "wasm", "cloudflare-workers"]) assert.ok(manifest.keywords.includes(word), word);
  assert.equal(manifest.exports["./package.json"], "./package.json");
  // Nothing to install or run along with the package.
  for (const key of ["dependencies", "peerDependencies", "optionalDependencies", "bundleDependencies", "scripts", "bin"]) {
    assert.equal(manifest[key], undefined, key);
  }
});

test("every condition of every sub-path resolves to a file with its own types, listed first", () => {
  const leaves = [];
  (function walk(node, path) {
    if (typeof node === "string") return leaves.push({ path, types: null, file: node });
    assert.equal(typeof node, "object", path.join(" > "));
    if ("default" in node && typeof node.default === "string") {
      // A leaf condition: { types, default }, types first (TypeScript reads keys in order).
      assert.deepEqual(Object.keys(node), ["types", "default"], `${path.join(" > ")} must be { types, default }`);
      return leaves.push({ path, types: node.types, file: node.default });
    }
    for (const [key, value] of Object.entries(node)) walk(value, [...path, key]);
  })(manifest.exports, []);

  const subpaths = Object.keys(manifest.exports);
  assert.deepEqual(subpaths, [".", "./stores", "./package.json"]);
  for (const { path, types, file } of leaves) {
    const where = path.join(" > ");
    assert.ok(packed.files.some((f) => `./${f.path}` === file), `${where}: ${file} is not in the tarball`);
    if (path[0] === "./package.json") continue;
    assert.ok(types, `${where}: no types`);
    assert.ok(packed.files.some((f) => `./${f.path}` === types), `${where}: ${types} is not in the tarball`);
    // CommonJS files get CommonJS declarations, ES modules ESM ones.
    if (file.endsWith(".cjs")) assert.match(types, /\.d\.cts$/, where);
    else assert.match(types, /\.d\.ts$/, where);
  }
  // Both sub-paths can be imported and required.
  for (const sub of [".", "./stores"]) {
    const conditions = JSON.stringify(manifest.exports[sub]);
    assert.match(conditions, /"require":/, `${sub} has no require condition`);
    assert.match(conditions, /"import":/, `${sub} has no import condition`);
  }
});

/** Relative imports of a declaration file, as files of the package. */
function declarationImports(dir, file) {
  const source = readFileSync(join(dir, file), "utf8");
  return [...source.matchAll(/\bfrom\s*["'](\.{1,2}\/[^"']+)["']|\bimport\s*\(\s*["'](\.{1,2}\/[^"']+)["']\s*\)/g)]
    .map((m) => normalize(join(dirname(file), (m[1] ?? m[2]).replace(/\.(m|c)?js$/, ".d.$1ts").replace(/^(?!.*\.d\.[mc]?ts$)(.*)$/, "$1.d.ts"))));
}

test("the tarball holds exactly what the entries load and declare, plus the docs", () => {
  const wanted = new Set(["package.json", ...DOCS]);
  const queue = [];
  const add = (file) => {
    const clean = normalize(file.replace(/^\.\//, ""));
    if (!wanted.has(clean)) {
      wanted.add(clean);
      queue.push(clean);
    }
  };
  for (const field of ["main", "module", "types"]) add(manifest[field]);
  (function walk(node) {
    if (typeof node === "string") return add(node);
    for (const value of Object.values(node)) walk(value);
  })(manifest.exports);
  while (queue.length) {
    const file = queue.shift();
    if (/\.d\.[mc]?ts$/.test(file)) declarationImports(installed, file).forEach(add);
    else if (/\.[mc]?js$/.test(file)) moduleGraph(installed, file).forEach(add);
  }
  const shipped = packed.files.map((f) => f.path).sort();
  assert.deepEqual(shipped, [...wanted].sort(), "shipped files ≠ files the package uses");
  for (const f of packed.files) assert.ok(f.size > 0, `${f.path} is empty`);
});

test("publint --strict: no error, warning or suggestion", async () => {
  const bytes = readFileSync(tarball);
  const { messages } = await publint({
    pack: { tarball: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length) }, level: "suggestion", strict: true,
  });
  assert.deepEqual(messages.map((m) => `${m.type}: ${formatMessage(m, manifest) ?? m.code}`), []);
});

test("are-the-types-wrong: no problem for node10, node16 (CJS and ESM) and bundlers", async () => {
  const { code, stdout, stderr } = await attempt(bin("attw"), [tarball, "--format", "json", "--no-definitely-typed"], { cwd: root });
  let report;
  try {
    report = JSON.parse(stdout);
  } catch {
    assert.fail(`attw printed no JSON (exit ${code}): ${stdout}${stderr}`);
  }
  const problems = report.analysis?.problems ?? report.problems;
  assert.ok(Array.isArray(problems), `unexpected attw report: ${stdout.slice(0, 400)}`);
  assert.deepEqual(problems.map((p) => `${p.kind} ${p.entrypoint ?? ""} ${p.resolutionKind ?? ""}`), []);
  assert.equal(code, 0, stderr);
  // It looked at both sub-paths, in every resolution mode.
  const entrypoints = Object.keys(report.analysis.entrypoints);
  for (const sub of [".", "./stores"]) assert.ok(entrypoints.includes(sub), entrypoints.join(", "));
  for (const sub of [".", "./stores"]) {
    const resolutions = report.analysis.entrypoints[sub].resolutions;
    for (const mode of ["node10", "node16-cjs", "node16-esm", "bundler"]) {
      assert.ok(resolutions[mode]?.resolution?.fileName, `${sub} does not resolve in ${mode}`);
    }
    assert.match(resolutions["node16-cjs"].resolution.fileName, /\.d\.cts$/, `${sub} from CommonJS`);
  }
});

test("npm publish --dry-run is clean, for the tarball and for pkg/", async () => {
  assert.deepEqual(npmWarnings(packed.stderr), [], "npm warned about the tarball");
  assert.equal(packed.name, "ankorstore-client");
  assert.equal(packed.version, manifest.version);
  // From the directory npm also reports what it would have to correct in package.json.
  const dir = await publishDryRun(join(root, "pkg"));
  assert.equal(dir.code, 0, dir.stderr);
  assert.deepEqual(npmWarnings(dir.stderr), [], "npm warned about pkg/");
  const fromDir = JSON.parse(dir.stdout);
  assert.deepEqual((fromDir["ankorstore-client"] ?? fromDir).files.map((f) => f.path).sort(), packed.files.map((f) => f.path).sort());
});

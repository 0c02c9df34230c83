// The package's TypeScript declarations, as installed from the tarball: tests/types/good.*
// must compile with --strict (ESM and CommonJS consumers, several module settings), and each
// line of tests/types/bad/* marked `// expect TSxxxx "text"` must fail with exactly that
// error (and no other line may fail). Run: node --test tests/runtimes/types.test.mjs
import { before, test } from "node:test";
import assert from "node:assert/strict";
import { cpSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";

import { bin, freshProject, root, run } from "./fixtures/scratch.mjs";

const fixtures = join(root, "tests", "types");
let dir;

before(async () => {
  ({ dir } = await freshProject("types"));
  cpSync(fixtures, join(dir, "src"), { recursive: true });
});

/** Writes tsconfig.<name>.json and runs `tsc -p` on it; returns the diagnostics and files. */
async function tsc(name, compilerOptions, files) {
  const config = join(dir, `tsconfig.${name}.json`);
  writeFileSync(config, JSON.stringify({
    compilerOptions: {
      strict: true,
      noEmit: true,
      skipLibCheck: false, // the package's own .d.ts must be valid for strict consumers
      target: "es2022",
      types: [],
      ...compilerOptions,
    },
    files,
  }, null, 2));
  const result = await run(bin("tsc"), ["-p", config, "--pretty", "false", "--listFiles"], { cwd: dir, timeout: 60_000 })
    .then(({ stdout }) => ({ code: 0, stdout }), (e) => ({ code: e.code, stdout: String(e.stdout) }));
  const diagnostics = [];
  const listed = [];
  for (const line of result.stdout.split("\n")) {
    const m = line.match(/^(.+?)\((\d+),(\d+)\): error (TS\d+): (.*)$/);
    if (m) diagnostics.push({ file: relative(dir, join(dir, m[1])), line: Number(m[2]), code: m[4], message: m[5] });
    else if (/^\s+\S/.test(line) && diagnostics.length) diagnostics.at(-1).message += ` ${line.trim()}`;
    else if (line.startsWith("/")) listed.push(relative(dir, line));
  }
  if (result.code !== 0 && diagnostics.length === 0) assert.fail(`tsc failed without diagnostics:\n${result.stdout}`);
  return { exitCode: result.code, diagnostics, listed };
}

const show = (ds) => ds.map((d) => `${d.file}:${d.line} ${d.code} ${d.message}`).join("\n");
const installed = (file) => `node_modules/ankorstore-client/${file}`;

test("good.ts (ESM) and good.cts (CommonJS) compile: module nodenext, lib es2022 + dom", async () => {
  const { diagnostics, listed } = await tsc("nodenext", { module: "nodenext", lib: ["es2022", "dom"] }, ["src/good.ts", "src/good.cts"]);
  assert.equal(diagnostics.length, 0, `tsc errors:\n${show(diagnostics)}`);
  // The ESM file got the `import` types, the CommonJS file the `require` ones.
  assert.ok(listed.includes(installed("index.d.ts")), listed.join("\n"));
  assert.ok(listed.includes(installed("index.d.cts")), listed.join("\n"));
});

test("good.ts and good.cts compile: module node16, lib esnext + dom", async () => {
  const { diagnostics } = await tsc("node16", { module: "node16", moduleResolution: "node16", lib: ["esnext", "dom"] }, ["src/good.ts", "src/good.cts"]);
  assert.equal(diagnostics.length, 0, `tsc errors:\n${show(diagnostics)}`);
});

test("good.ts compiles for a bundler: moduleResolution bundler, lib es2022 + dom", async () => {
  const { diagnostics, listed } = await tsc("bundler", { module: "esnext", moduleResolution: "bundler", lib: ["es2022", "dom"] }, ["src/good.ts"]);
  assert.equal(diagnostics.length, 0, `tsc errors:\n${show(diagnostics)}`);
  assert.ok(listed.includes(installed("index.d.ts")));
});

test("every bad line fails with its expected error, and nothing else fails", async () => {
  const badDir = join(dir, "src", "bad");
  const files = readdirSync(badDir).sort().map((f) => `src/bad/${f}`);
  const expected = [];
  for (const file of files) {
    readFileSync(join(dir, file), "utf8").split("\n").forEach((text, i) => {
      const m = text.match(/\/\/ expect (TS\d+) ("(?:[^"\\]|\\.)*")\s*$/);
      if (m) expected.push({ file, line: i + 1, code: m[1], includes: JSON.parse(m[2]) });
    });
  }
  assert.ok(expected.length >= 20, `only ${expected.length} expectations found`);

  // lib esnext: the bad files are about the API's types, not about the consumer's lib.
  const { exitCode, diagnostics } = await tsc("bad", { module: "nodenext", lib: ["esnext", "dom"] }, files);
  assert.notEqual(exitCode, 0);
  const key = (d) => `${d.file}:${d.line}`;
  const actualByLine = new Map();
  for (const d of diagnostics) actualByLine.set(key(d), [...(actualByLine.get(key(d)) ?? []), d]);

  const problems = [];
  for (const e of expected) {
    const found = actualByLine.get(key(e)) ?? [];
    actualByLine.delete(key(e));
    if (found.length !== 1 || found[0].code !== e.code || !found[0].message.includes(e.includes)) {
      problems.push(`${key(e)}: expected ${e.code} with ${JSON.stringify(e.includes)}, got ${found.length ? show(found) : "no error"}`);
    }
  }
  for (const unexpected of actualByLine.values()) problems.push(`unexpected: ${show(unexpected)}`);
  assert.deepEqual(problems, []);
});

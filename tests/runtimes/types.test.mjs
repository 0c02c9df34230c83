// The package's TypeScript declarations, as installed from the tarball: tests/types/good*
// must compile with --strict (ESM and CommonJS consumers, several module settings, TypeScript 7
// and 5), and each line of tests/types/bad/* marked `// expect TSxxxx "text"` (or
// `TSxxxx|TSyyyy`: either code) must fail with exactly that error (and no other line may fail).
// The typed part of the declarations is generated from openapi/ankorstore.json by
// scripts/openapi-types.mjs: the last tests check that step. Run:
// node --test tests/runtimes/types.test.mjs
import { before, test } from "node:test";
import assert from "node:assert/strict";
import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";

import { REPAIRS, SPEC, externalRefs, openapiTypes, refresh, repair } from "../../scripts/openapi-types.mjs";
import { bin, freshProject, root, run } from "./fixtures/scratch.mjs";

const fixtures = join(root, "tests", "types");
// TypeScript 5 (the classic compiler): the one openapi/ installs for the generator.
const typescript5 = join(dirname(createRequire(join(root, "openapi", "package.json")).resolve("typescript/package.json")), "bin", "tsc");
const good = ["src/good.ts", "src/good.cts", "src/good-api.ts"];
let dir;

before(async () => {
  ({ dir } = await freshProject("types"));
  cpSync(fixtures, join(dir, "src"), { recursive: true });
});

/** Writes tsconfig.<name>.json and runs `tsc -p` on it; returns the diagnostics and files. */
async function tsc(name, compilerOptions, files, { typescript = 7 } = {}) {
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
  const [command, args] = typescript === 5 ? [process.execPath, [typescript5]] : [bin("tsc"), []];
  const started = performance.now();
  const result = await run(command, [...args, "-p", config, "--pretty", "false", "--listFiles"], { cwd: dir, timeout: 120_000 })
    .then(({ stdout }) => ({ code: 0, stdout }), (e) => ({ code: e.code, stdout: String(e.stdout) }));
  const ms = Math.round(performance.now() - started);
  const diagnostics = [];
  const listed = [];
  for (const line of result.stdout.split("\n")) {
    const m = line.match(/^(.+?)\((\d+),(\d+)\): error (TS\d+): (.*)$/);
    if (m) diagnostics.push({ file: relative(dir, join(dir, m[1])), line: Number(m[2]), code: m[4], message: m[5] });
    else if (/^\s+\S/.test(line) && diagnostics.length) diagnostics.at(-1).message += ` ${line.trim()}`;
    else if (line.startsWith("/")) listed.push(relative(dir, line));
  }
  if (result.code !== 0 && diagnostics.length === 0) assert.fail(`tsc failed without diagnostics:\n${result.stdout}`);
  return { exitCode: result.code, diagnostics, listed, ms };
}

const show = (ds) => ds.map((d) => `${d.file}:${d.line} ${d.code} ${d.message}`).join("\n");
const installed = (file) => `node_modules/ankorstore-client/${file}`;

test("good.ts, good-api.ts (ESM) and good.cts (CommonJS) compile: module nodenext, lib es2022 + dom", async (t) => {
  const { diagnostics, listed, ms } = await tsc("nodenext", { module: "nodenext", lib: ["es2022", "dom"] }, good);
  t.diagnostic(`tsc (TypeScript 7) on ${good.join(", ")}: ${ms} ms`);
  assert.equal(diagnostics.length, 0, `tsc errors:\n${show(diagnostics)}`);
  // The ESM file got the `import` types, the CommonJS file the `require` ones.
  assert.ok(listed.includes(installed("index.d.ts")), listed.join("\n"));
  assert.ok(listed.includes(installed("index.d.cts")), listed.join("\n"));
});

test("good fixtures compile: module node16, lib esnext + dom", async () => {
  const { diagnostics } = await tsc("node16", { module: "node16", moduleResolution: "node16", lib: ["esnext", "dom"] }, good);
  assert.equal(diagnostics.length, 0, `tsc errors:\n${show(diagnostics)}`);
});

test("good.ts and good-api.ts compile for a bundler: moduleResolution bundler, lib es2022 + dom", async () => {
  const { diagnostics, listed } = await tsc("bundler", { module: "esnext", moduleResolution: "bundler", lib: ["es2022", "dom"] }, ["src/good.ts", "src/good-api.ts"]);
  assert.equal(diagnostics.length, 0, `tsc errors:\n${show(diagnostics)}`);
  assert.ok(listed.includes(installed("index.d.ts")));
});

test("good fixtures compile with TypeScript 5 too (the class and the typed methods merge there as well)", async (t) => {
  const { diagnostics, listed, ms } = await tsc("ts5", { module: "nodenext", lib: ["es2022", "dom"] }, good, { typescript: 5 });
  t.diagnostic(`tsc (TypeScript 5) on ${good.join(", ")}: ${ms} ms`);
  assert.equal(diagnostics.length, 0, `tsc errors:\n${show(diagnostics)}`);
  assert.ok(listed.includes(installed("index.d.ts")) && listed.includes(installed("index.d.cts")), listed.join("\n"));
});

for (const typescript of [7, 5]) {
  test(`every bad line fails with its expected error, and nothing else fails (TypeScript ${typescript})`, async (t) => {
    await checkBad(t, typescript);
  });
}

async function checkBad(t, typescript) {
  const badDir = join(dir, "src", "bad");
  const files = readdirSync(badDir).sort().map((f) => `src/bad/${f}`);
  const expected = [];
  for (const file of files) {
    readFileSync(join(dir, file), "utf8").split("\n").forEach((text, i) => {
      const m = text.match(/\/\/ expect (TS\d+(?:\|TS\d+)*) ("(?:[^"\\]|\\.)*")\s*$/);
      if (m) expected.push({ file, line: i + 1, code: m[1], includes: JSON.parse(m[2]) });
    });
  }
  assert.ok(expected.length >= 50, `only ${expected.length} expectations found`);

  // lib esnext: the bad files are about the API's types, not about the consumer's lib.
  const { exitCode, diagnostics, ms } = await tsc(`bad${typescript}`, { module: "nodenext", lib: ["esnext", "dom"] }, files, { typescript });
  t.diagnostic(`tsc (TypeScript ${typescript}) on ${files.length} bad files: ${ms} ms`);
  assert.notEqual(exitCode, 0);
  const key = (d) => `${d.file}:${d.line}`;
  const actualByLine = new Map();
  for (const d of diagnostics) actualByLine.set(key(d), [...(actualByLine.get(key(d)) ?? []), d]);

  const problems = [];
  for (const e of expected) {
    const found = actualByLine.get(key(e)) ?? [];
    actualByLine.delete(key(e));
    if (found.length !== 1 || !e.code.split("|").includes(found[0].code) || !found[0].message.includes(e.includes)) {
      problems.push(`${key(e)}: expected ${e.code} with ${JSON.stringify(e.includes)}, got ${found.length ? show(found) : "no error"}`);
    }
  }
  for (const unexpected of actualByLine.values()) problems.push(`unexpected: ${show(unexpected)}`);
  assert.deepEqual(problems, []);
}

// The generation step (scripts/openapi-types.mjs).

const copy = () => JSON.parse(readFileSync(join(root, SPEC), "utf8"));
/** Writes `doc` as a spec file in a fresh temporary directory and returns its path. */
function tempSpec(doc) {
  const tmp = mkdtempSync(join(tmpdir(), "openapi-types-"));
  const file = join(tmp, "ankorstore.json");
  writeFileSync(file, JSON.stringify(doc));
  return file;
}

test("the copy is self-contained, and every jsonapi member of an example is the object its schema describes", () => {
  const doc = copy();
  assert.deepEqual(externalRefs(doc), []);
  // components.schemas.jsonapi: { version?: string, meta?: object }, additionalProperties false.
  const allowed = Object.keys(doc.components.schemas.jsonapi.properties).sort();
  assert.deepEqual(allowed, ["meta", "version"]);
  const found = [];
  const walk = (node, pointer) => {
    if (Array.isArray(node)) return node.forEach((item, i) => walk(item, `${pointer}/${i}`));
    if (!node || typeof node !== "object") return;
    for (const [key, value] of Object.entries(node)) {
      if (key === "examples" || key === "example") found.push(...(Array.isArray(value) ? value : [value]).map((v, i) => [v, `${pointer}/${key}/${i}`]));
      else walk(value, `${pointer}/${key}`);
    }
  };
  walk(doc, "");
  const jsonapi = found.filter(([v]) => v && typeof v === "object" && "jsonapi" in v);
  assert.ok(jsonapi.length >= 5, `${jsonapi.length} examples with a jsonapi member`);
  for (const [example, pointer] of jsonapi) {
    const keys = Object.keys(example.jsonapi);
    assert.ok(keys.every((k) => allowed.includes(k)) && typeof example.jsonapi.version === "string", `${pointer}: ${JSON.stringify(example.jsonapi)}`);
  }
});

test("--refresh turns Ankorstore's published file (JSON, or the same as YAML) into the copy, byte for byte", (t) => {
  const published = join(root, "..", "shared", "reference", "ankorstore-openapi.json");
  if (!existsSync(published)) return t.skip(`${published} is not here`);
  const doc = JSON.parse(readFileSync(published, "utf8"));
  assert.deepEqual(externalRefs(doc), [{ pointer: REPAIRS[0].pointer, ref: REPAIRS[0].from.$ref }], "the published file has the one broken $ref");
  const tmp = mkdtempSync(join(tmpdir(), "openapi-refresh-"));
  try {
    // Ankorstore publishes YAML: the same document as YAML must give the same copy.
    const core = createRequire(createRequire(join(root, "openapi", "package.json")).resolve("openapi-typescript"))("@redocly/openapi-core");
    writeFileSync(join(tmp, "public.yaml"), core.stringifyYaml(doc));
    for (const source of [published, join(tmp, "public.yaml")]) {
      const out = join(tmp, "copy.json");
      assert.deepEqual(refresh(source, { root, out }), { paths: 42, repaired: REPAIRS.map((r) => r.pointer) });
      assert.equal(readFileSync(out, "utf8"), readFileSync(join(root, SPEC), "utf8"), source);
      rmSync(out);
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  assert.deepEqual(repair(doc), REPAIRS.map((r) => r.pointer));
  assert.deepEqual(repair(doc), [], "a repaired document is left alone");
});

test("a copy with an external $ref is refused, naming the $ref and where it is", async () => {
  const doc = copy();
  const { pointer, from } = REPAIRS[0];
  doc.components.schemas.ProductGet.examples[0].jsonapi = from; // the defect, put back
  const spec = tempSpec(doc);
  try {
    await assert.rejects(openapiTypes({ root, spec }), (e) => e.message.includes(from.$ref) && e.message.includes(pointer));
  } finally {
    rmSync(dirname(spec), { recursive: true, force: true });
  }
});

test("the types follow the copy: a path and a schema changed in the copy change the declarations", async () => {
  const doc = copy();
  doc.paths["/api/v9/orders/{order}"] = doc.paths["/api/v1/orders/{order}"];
  delete doc.paths["/api/v1/orders/{order}"];
  doc.components.schemas.OrderWorkflowStatus.enum.push("lost_in_transit");
  const spec = tempSpec(doc);
  try {
    const before = await openapiTypes({ root });
    const fragment = await openapiTypes({ root, spec });
    assert.match(before, /"\/api\/v1\/orders\/\{order\}": \{/);
    assert.doesNotMatch(before, /lost_in_transit/);
    assert.match(fragment, /"\/api\/v9\/orders\/\{order\}": \{/);
    assert.doesNotMatch(fragment, /"\/api\/v1\/orders\/\{order\}": \{/);
    assert.match(fragment, /OrderWorkflowStatus: [^;]*"lost_in_transit"/);
  } finally {
    rmSync(dirname(spec), { recursive: true, force: true });
  }
});

test("the installed declarations end with exactly what the copy generates today (index.d.ts and index.d.cts)", async (t) => {
  const fragment = await openapiTypes({ root });
  t.diagnostic(`generated fragment: ${Buffer.byteLength(fragment)} bytes appended to each of index.d.ts and index.d.cts`);
  for (const file of ["index.d.ts", "index.d.cts"]) {
    const dts = readFileSync(join(dir, installed(file)), "utf8");
    assert.ok(dts.endsWith(fragment), `${file} is stale: rebuild (node scripts/build.mjs)`);
    // request() is declared once, by the generated part (the Rust side skips it).
    assert.equal(dts.match(/^\s+request[<(]/gm)?.length, 1, `${file}: request declared ${dts.match(/^\s+request[<(]/gm)?.length} times`);
  }
});

test("a name the Rust side already declares is refused rather than merged", async () => {
  await assert.rejects(
    openapiTypes({ root, declared: "export interface JsonApiResource {\n  id: number;\n}\nexport class AnkorstoreClient {\n}\n" }),
    /declares JsonApiResource, already declared/,
  );
  // The private helpers share the module's scope too.
  await assert.rejects(openapiTypes({ root, declared: "export type ApiSpellings = string;\n" }), /declares ApiSpellings, already declared/);
  await openapiTypes({ root, declared: "export class AnkorstoreClient {\n}\nexport interface RequestOptions {\n}\n" });
});

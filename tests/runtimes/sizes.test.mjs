// scripts/sizes.mjs: the module graph it measures per runtime, and --write-readme touching
// only its block. Run: node --test tests/runtimes/sizes.test.mjs
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { measure, resolveExport, table, writeReadme } from "../../scripts/sizes.mjs";
import { consumer } from "../js/support/package.mjs";

const pkgDir = join(consumer, "node_modules", "ankorstore-client");

test("each runtime's graph: its entry, the glue, exactly one .wasm, every byte counted", () => {
  const manifest = JSON.parse(readFileSync(join(pkgDir, "package.json"), "utf8"));
  const rows = measure(pkgDir);
  assert.equal(rows.length, 4);
  for (const row of rows) {
    assert.equal(row.files.filter((f) => f.endsWith(".wasm")).length, 1, `${row.name}: ${row.files}`);
    assert.ok(row.files.every((f) => manifest.files.some((pattern) => f === pattern || f.startsWith(pattern))), `${row.name}: ${row.files} not all published`);
    const raw = row.files.reduce((sum, f) => sum + readFileSync(join(pkgDir, f)).length, 0);
    assert.equal(row.jsRaw + row.wasmRaw, raw);
    assert.ok(row.jsGzip < row.jsRaw && row.wasmGzip < row.wasmRaw);
  }
  const byName = Object.fromEntries(rows.map((r) => [r.name.split(" (")[0], r]));
  assert.equal(`./${byName["Cloudflare Workers"].entry}`, resolveExport(manifest.exports["."], ["workerd"]));
  // Node's ESM entry is one bundle of its own (faster to import than a wrapper of node.cjs).
  assert.deepEqual(byName["Node ESM"].files.filter((f) => f.endsWith("js")), ["node.mjs"]);
  const markdown = table(rows, manifest.version);
  assert.equal(markdown.split("\n").filter((l) => l.startsWith("| ")).length, 2 + 4);
});

test("--write-readme replaces the sizes block and nothing else", () => {
  const dir = mkdtempSync(join(tmpdir(), "sizes-"));
  try {
    const readme = join(dir, "README.md");
    const before = "# Title\n\n<!-- sizes:start -->\nold table\n<!-- sizes:end -->\n\n<!-- bench:start -->\nkeep\n<!-- bench:end -->\n";
    writeFileSync(readme, before);
    writeReadme(readme, "| new |");
    assert.equal(readFileSync(readme, "utf8"), before.replace("old table", "| new |"));
    writeReadme(readme, "| newer |"); // idempotent: the block is found again
    assert.equal(readFileSync(readme, "utf8"), before.replace("old table", "| newer |"));
    writeFileSync(readme, "# no markers\n");
    assert.throws(() => writeReadme(readme, "x"), /sizes:start/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

// Size regression check: the installed package's gzipped wasm (and glue) may not grow more
// than 10 % over bench/size-baseline.json. After an intended change of size, rewrite the
// baseline with: node bench/run.mjs --update-size-baseline
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { baselineFigures, installedPackageDir } from "../../bench/lib/size.mjs";
import { baselinePath } from "../../bench/lib/paths.mjs";

const TOLERANCE = 1.10;
const baseline = JSON.parse(readFileSync(baselinePath, "utf8"));
const current = baselineFigures(installedPackageDir);

const line = (name, now, then) =>
  `${name}: ${now.gzip} B gzip (${now.raw} B raw); baseline ${then.gzip} B gzip (${then.raw} B raw), ` +
  `${((now.gzip / then.gzip - 1) * 100).toFixed(1)} %, limit ${Math.floor(then.gzip * TOLERANCE)} B`;

test("baseline and measurement use the same gzip level", () => {
  assert.equal(current.gzipLevel, baseline.gzipLevel);
});

for (const part of ["wasm", "glue"]) {
  test(`gzipped ${part} is at most 10 % over the baseline`, (t) => {
    const message = line(part, current[part], baseline[part]);
    t.diagnostic(message);
    console.log(`size: ${message}`);
    assert.ok(
      current[part].gzip <= baseline[part].gzip * TOLERANCE,
      `${message}. If the growth is intended: node bench/run.mjs --update-size-baseline`,
    );
  });
}

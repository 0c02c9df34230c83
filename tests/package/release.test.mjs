// scripts/release.mjs (`npm run release`) and CHANGELOG.md: the release checks, and a real
// run (--skip-tests) with `npm` wrapped so that any publish other than a dry run is refused
// and recorded. Run: node --test tests/package/release.test.mjs
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync, spawn } from "node:child_process";
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { changelogSection, crateVersion, preflight } from "../../scripts/release.mjs";
import { root } from "../runtimes/fixtures/scratch.mjs";

const CHANGELOG = `# Changelog

## [Unreleased]

### Added

- Something new.

## [1.2.0] - 2027-01-15

### Fixed

- A bug.

## [1.1.0] - 2026-12-24

[Unreleased]: https://example.com/compare/v1.2.0...HEAD
[1.2.0]: https://example.com/compare/v1.1.0...v1.2.0
`;

test("crateVersion reads [package] version of Cargo.toml", () => {
  assert.equal(crateVersion('[package]\nname = "x"\nversion = "0.3.1"\n\n[dependencies]\nfoo = { version = "9" }\n'), "0.3.1");
  assert.equal(crateVersion(readFileSync(join(root, "Cargo.toml"), "utf8")), JSON.parse(readFileSync(join(root, "pkg", "package.json"), "utf8")).version);
  assert.throws(() => crateVersion('[dependencies]\nversion = "1"\n'), /no version/);
});

test("changelogSection: only a dated section with at least one change counts", () => {
  assert.deepEqual(changelogSection(CHANGELOG, "1.2.0"), { date: "2027-01-15", body: "### Fixed\n\n- A bug." });
  assert.equal(changelogSection(CHANGELOG, "1.1.0"), null, "a section without any change");
  assert.equal(changelogSection(CHANGELOG, "1.3.0"), null, "only in Unreleased");
  assert.equal(changelogSection(CHANGELOG.replace("[1.2.0] - 2027-01-15", "[1.2.0]"), "1.2.0"), null, "no date");
  assert.equal(changelogSection(CHANGELOG, "1.2"), null);
  assert.equal(changelogSection("## [1x2x0] - 2027-01-15\n\n- A bug.\n", "1.2.0"), null, "dots are literal");
  assert.equal(changelogSection("## [2.0.0-rc.1] - 2027-02-01\n\n### Changed\n\n- Breaking thing.\n", "2.0.0-rc.1").date, "2027-02-01");
});

test("preflight: ready only with a changelog section, a clean tree, a free tag and an unpublished version", () => {
  const base = { version: "1.2.0", changelog: CHANGELOG, gitStatus: "", tags: ["v1.1.0"], registryAnswer: { published: false, detail: "not published" } };
  const failed = (input) => preflight(input).filter((c) => c.ok === false).map((c) => c.name);
  assert.deepEqual(failed(base), []);
  assert.deepEqual(failed({ ...base, version: "1.3.0" }), ["CHANGELOG.md"]);
  assert.deepEqual(failed({ ...base, gitStatus: " M README.md\n" }), ["git working tree"]);
  assert.deepEqual(failed({ ...base, tags: ["v1.1.0", "v1.2.0"] }), ["git tag"]);
  assert.deepEqual(failed({ ...base, registryAnswer: { published: true, detail: "published" } }), ["npm registry"]);
  // An unreachable registry is reported, not counted as passed or failed.
  const offline = preflight({ ...base, registryAnswer: { published: null, detail: "NOT CHECKED" } });
  assert.equal(offline.find((c) => c.name === "npm registry").ok, null);
});

test("CHANGELOG.md follows Keep a Changelog and states the version policy", () => {
  const text = readFileSync(join(root, "CHANGELOG.md"), "utf8");
  assert.match(text, /^# Changelog\n/);
  assert.match(text, /keepachangelog\.com\/en\/1\.1\.0/);
  assert.match(text, /semver\.org/);
  assert.match(text, /^## \[Unreleased\]$/m);
  const headings = [...text.matchAll(/^## \[([^\]]+)\](?: - (\d{4}-\d{2}-\d{2}))?$/gm)];
  assert.ok(headings.length >= 1);
  for (const [, name, date] of headings) {
    if (name !== "Unreleased") assert.ok(date, `${name} has no date`);
    assert.match(text, new RegExp(`^\\[${name.replace(/\./g, "\\.")}\\]: https://`, "m"), `no link for [${name}]`);
  }
  for (const group of text.matchAll(/^### (.+)$/gm)) {
    assert.ok(["Added", "Changed", "Deprecated", "Removed", "Fixed", "Security"].includes(group[1]), `unknown group ${group[1]}`);
  }
  const readme = readFileSync(join(root, "README.md"), "utf8");
  assert.match(readme, /^## Versioning$/m);
  assert.match(readme, /\(CHANGELOG\.md\)/);
});

test("npm run release -- --skip-tests builds, packs, lists the files, and publishes nothing", async () => {
  const dir = mkdtempSync(join(tmpdir(), "release-shim-"));
  try {
    // `npm` for the release script and everything it starts: records each call, refuses a
    // publish without --dry-run, runs the real npm otherwise.
    const realNpm = execFileSync("bash", ["-c", "command -v npm"], { encoding: "utf8" }).trim();
    const log = join(dir, "npm-calls.log");
    writeFileSync(join(dir, "npm"), `#!/usr/bin/env bash
printf '%s\\n' "$*" >> "${log}"
if [ "$1" = "publish" ]; then
  case " $* " in *" --dry-run "*) ;; *) echo "npm shim: refused a real publish" >&2; exit 97 ;; esac
fi
exec "${realNpm}" "$@"
`);
    chmodSync(join(dir, "npm"), 0o755);
    writeFileSync(log, "");
    const { code, output } = await new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [join(root, "scripts", "release.mjs"), "--skip-tests"], {
        cwd: root, env: { ...process.env, PATH: `${dir}:${process.env.PATH}` }, stdio: ["ignore", "pipe", "pipe"],
      });
      let output = "";
      child.stdout.on("data", (c) => (output += c));
      child.stderr.on("data", (c) => (output += c));
      child.once("error", reject);
      child.once("close", (code) => resolve({ code, output }));
    });
    const calls = readFileSync(log, "utf8").split("\n").filter(Boolean);
    const publishes = calls.filter((c) => c.startsWith("publish"));
    assert.ok(publishes.length >= 1, `no npm publish --dry-run:\n${calls.join("\n")}`);
    for (const call of publishes) assert.match(` ${call} `, / --dry-run /, `a real publish was attempted: npm ${call}`);
    assert.match(output, /tests SKIPPED/);
    assert.match(output, /^Nothing was published\.$/m);
    // The file list and sizes of the dry run.
    for (const file of ["ankorstore_client_bg.wasm", "node.cjs", "stores/index.cjs", "index.d.cts", "CHANGELOG.md"]) {
      assert.match(output, new RegExp(`^\\s+[\\d.]+ k?B\\s+${file.replace(".", "\\.")}$`, "m"), `${file} not listed`);
    }
    assert.match(output, /^\s+\d+ files, [\d.]+ kB packed, [\d.]+ kB unpacked$/m);
    assert.match(output, /ok\s+npm publish --dry-run: clean/);
    // The verdict and the exit code agree.
    if (code === 0) assert.match(output, /^Ready\. To publish/m);
    else {
      assert.equal(code, 1, output);
      assert.match(output, /^NOT ready to publish/m);
      assert.match(output, /FAILED/);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

// `npm run release`: prepares a release of the npm package and shows exactly what would be
// published. It never publishes: the only `npm publish` it runs is `--dry-run`; publishing
// is a command you type yourself, printed at the end.
//
//   npm run release                   npm test (setup, every check, build, pack), then the release checks
//   npm run release -- --skip-tests   build and pack only (when npm test has just passed on this commit)
//
// Release checks (all reported; any failure → exit 1, "not ready"):
//   - CHANGELOG.md has a dated section for the version of Cargo.toml: ## [x.y.z] - YYYY-MM-DD
//   - the git working tree is clean, and the tag vx.y.z does not exist yet
//   - the version is not on the npm registry yet (NOT CHECKED when the registry cannot be asked)
//   - `npm publish --dry-run` of the packed tarball is clean (its file list and sizes are printed)
import { execFileSync, spawnSync } from "node:child_process";
import { readFileSync, readdirSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const scratch = join(root, ".scratch");

/** The crate's version, which build.mjs gives the npm package. */
export function crateVersion(cargoToml) {
  const match = cargoToml.match(/^\[package\][^[]*?^version\s*=\s*"([^"]+)"/ms);
  if (!match) throw new Error("Cargo.toml: no version in [package]");
  return match[1];
}

/**
 * The CHANGELOG.md section of `version` (Keep a Changelog): { date, body } or null. Its
 * heading must read `## [version] - YYYY-MM-DD`; its body must list at least one change.
 */
export function changelogSection(changelog, version) {
  const escaped = version.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const heading = new RegExp(`^## \\[${escaped}\\] - (\\d{4}-\\d{2}-\\d{2})[ \\t]*$`, "m");
  const match = heading.exec(changelog);
  if (!match) return null;
  const rest = changelog.slice(match.index + match[0].length);
  const next = rest.search(/^## |^\[[^\]]+\]:/m);
  const body = (next < 0 ? rest : rest.slice(0, next)).trim();
  if (!/^- /m.test(body)) return null;
  return { date: match[1], body };
}

/** `git status --porcelain`, shortened to 10 lines. */
function uncommitted(status) {
  const lines = status.trimEnd().split("\n");
  const more = lines.length > 10 ? [`… and ${lines.length - 10} more`] : [];
  return `uncommitted changes (release from a clean checkout of the commit to tag):\n${[...lines.slice(0, 10), ...more].join("\n")}`;
}

/** The checks that do not need the build; each { name, ok: true | false | null, detail }. */
export function preflight({ version, changelog, gitStatus, tags, registryAnswer }) {
  const section = changelogSection(changelog, version);
  return [
    {
      name: "CHANGELOG.md",
      ok: Boolean(section),
      detail: section
        ? `section [${version}] - ${section.date}`
        : `no dated section for ${version}: rename "## [Unreleased]" to "## [${version}] - YYYY-MM-DD" (today), open a new empty Unreleased section above it, and update the links at the bottom`,
    },
    {
      name: "git working tree",
      ok: gitStatus === null ? null : gitStatus.trim() === "",
      detail: gitStatus === null ? "not a git checkout" : gitStatus.trim() === "" ? "clean" : uncommitted(gitStatus),
    },
    {
      name: "git tag",
      ok: tags === null ? null : !tags.includes(`v${version}`),
      detail: tags === null ? "not a git checkout" : tags.includes(`v${version}`) ? `v${version} exists already: bump the version in Cargo.toml` : `v${version} is free`,
    },
    {
      name: "npm registry",
      ok: registryAnswer.published === null ? null : !registryAnswer.published,
      detail: registryAnswer.detail,
    },
  ];
}

function git(args) {
  const result = spawnSync("git", args, { cwd: root, encoding: "utf8" });
  return result.status === 0 ? result.stdout : null;
}

/** Whether ankorstore-client@version is on the registry: { published: true|false|null, detail }. */
function askRegistry(version) {
  const result = spawnSync("npm", ["view", `ankorstore-client@${version}`, "version", "--json"], { cwd: root, encoding: "utf8", timeout: 30_000 });
  const output = `${result.stdout}${result.stderr}`;
  if (result.status === 0 && result.stdout.includes(version)) return { published: true, detail: `ankorstore-client@${version} is already published: bump the version` };
  if (/E404|404 Not Found|is not in this registry/.test(output)) return { published: false, detail: `ankorstore-client@${version} is not published yet` };
  if (result.status === 0) return { published: false, detail: `ankorstore-client@${version} is not published yet` };
  return { published: null, detail: `NOT CHECKED: the registry did not answer (${output.trim().split("\n").pop()?.slice(0, 120)})` };
}

/** The only `npm publish` this script runs: always a dry run. */
function publishDryRun(tarball) {
  return spawnSync("npm", ["publish", "--dry-run", "--json", tarball], { cwd: scratch, encoding: "utf8", maxBuffer: 16 * 1024 * 1024, timeout: 120_000 });
}

const kb = (bytes) => (bytes < 1000 ? `${bytes} B` : `${(bytes / 1000).toFixed(1)} kB`);

function main() {
  const skipTests = process.argv.includes("--skip-tests");
  const version = crateVersion(readFileSync(join(root, "Cargo.toml"), "utf8"));
  console.log(`== release: ankorstore-client ${version} (nothing will be published)`);

  if (skipTests) {
    console.log("\n== build and pack (tests SKIPPED: --skip-tests)");
    execFileSync("bash", ["scripts/setup.sh"], { cwd: root, stdio: "inherit" });
    execFileSync("node", ["scripts/build.mjs"], { cwd: root, stdio: "inherit" });
    execFileSync("node", ["scripts/pack.mjs"], { cwd: root, stdio: "inherit" });
  } else {
    console.log("\n== npm test (builds, runs every suite, packs)");
    execFileSync("npm", ["test"], { cwd: root, stdio: "inherit" });
  }

  const tarballs = readdirSync(scratch).filter((f) => f === `ankorstore-client-${version}.tgz`);
  if (tarballs.length !== 1) throw new Error(`no .scratch/ankorstore-client-${version}.tgz after packing`);
  const tarball = join(scratch, tarballs[0]);

  const checks = preflight({
    version,
    changelog: readFileSync(join(root, "CHANGELOG.md"), "utf8"),
    gitStatus: git(["status", "--porcelain"]),
    tags: git(["tag", "--list"])?.split("\n").map((t) => t.trim()).filter(Boolean) ?? null,
    registryAnswer: askRegistry(version),
  });

  console.log(`\n== npm publish --dry-run ${relative(root, tarball)}`);
  const dry = publishDryRun(tarball);
  const warnings = dry.stderr.split("\n").filter((l) => /^npm warn/i.test(l) && !/requires you to be logged in .*\(dry-run\)/.test(l));
  if (dry.status !== 0) {
    checks.push({ name: "npm publish --dry-run", ok: false, detail: dry.stderr.trim() });
  } else {
    const parsed = JSON.parse(dry.stdout);
    const report = parsed["ankorstore-client"] ?? parsed;
    const width = Math.max(...report.files.map((f) => kb(f.size).length));
    for (const file of report.files) console.log(`  ${kb(file.size).padStart(width)}  ${file.path}`);
    console.log(`  ${report.files.length} files, ${kb(report.size)} packed, ${kb(report.unpackedSize)} unpacked`);
    console.log(`  ${report.id}  shasum ${report.shasum}`);
    checks.push({ name: "npm publish --dry-run", ok: warnings.length === 0, detail: warnings.length ? warnings.join("\n") : "clean" });
  }

  console.log("\n== release checks");
  for (const check of checks) {
    const mark = check.ok === true ? "ok         " : check.ok === false ? "FAILED     " : "NOT CHECKED";
    console.log(`  ${mark}  ${check.name}: ${check.detail.replaceAll("\n", "\n               ")}`);
  }
  const ready = checks.every((c) => c.ok !== false);
  console.log("\nNothing was published.");
  if (ready) {
    console.log(`Ready. To publish ankorstore-client@${version} (needs an npm login with 2FA):
  git tag -a v${version} -m "ankorstore-client ${version}" && git push origin v${version}
  npm publish ${relative(root, tarball)}`);
  } else {
    console.log(`NOT ready to publish ${version}: fix what FAILED above, then run npm run release again.`);
    process.exitCode = 1;
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) main();

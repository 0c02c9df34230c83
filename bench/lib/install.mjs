// The bench's own install of the packed tarball (.scratch/ankorstore-client-*.tgz), so that a
// re-pack by someone else during a run cannot pull the package from under it. Reinstalled
// only when the tarball changes.
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { root, scratchDir } from "./paths.mjs";

const tarballDir = join(root, ".scratch");
export const installDir = join(scratchDir, "install");
export const packageDir = join(installDir, "node_modules", "ankorstore-client");
export const loaderPath = join(installDir, "load-esm.mjs");
/** The baseline build (--baseline), installed beside the package under another name. */
export const BASELINE_NAME = "ankorstore-client-baseline";
export const baselineDir = join(installDir, "node_modules", BASELINE_NAME);
export const baselineLoaderPath = join(installDir, "load-baseline.mjs");

function newestTarball() {
  if (!existsSync(tarballDir)) return null;
  const found = readdirSync(tarballDir)
    .filter((f) => /^ankorstore-client-.*\.tgz$/.test(f))
    .map((f) => join(tarballDir, f))
    .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs);
  return found[0] ?? null;
}

function install(bytes, hash, baseline) {
  mkdirSync(installDir, { recursive: true });
  const copy = join(installDir, "ankorstore-client.tgz");
  writeFileSync(copy, bytes);
  writeFileSync(join(installDir, "package.json"), `${JSON.stringify({ name: "bench-consumer", private: true, type: "module" }, null, 2)}\n`);
  const specs = [copy, ...(baseline ? [`${BASELINE_NAME}@file:${baseline}`] : [])];
  execFileSync("npm", ["install", "--no-audit", "--no-fund", "--silent", "--no-save", ...specs], { cwd: installDir, stdio: ["ignore", "ignore", "pipe"] });
  writeFileSync(loaderPath, 'export * from "ankorstore-client";\n');
  writeFileSync(baselineLoaderPath, `export * from "${BASELINE_NAME}";\n`);
  writeFileSync(join(installDir, "installed.sha256"), hash);
}

/** Installs the current tarball if needed (and the `baseline` tarball beside it, if given);
 * waits up to `waitMs` for one (a re-pack may be under way). */
export async function ensureBenchInstall({ waitMs = 120_000, log = () => {}, baseline = null } = {}) {
  const deadline = Date.now() + waitMs;
  for (let attempt = 1; ; attempt++) {
    const tarball = newestTarball();
    try {
      if (!tarball) throw new Error("no .scratch/ankorstore-client-*.tgz: run `node scripts/pack.mjs`");
      const bytes = readFileSync(tarball);
      const hasher = createHash("sha256").update(bytes);
      if (baseline) hasher.update(readFileSync(baseline));
      const hash = hasher.digest("hex");
      const marker = join(installDir, "installed.sha256");
      if (existsSync(marker) && readFileSync(marker, "utf8") === hash && existsSync(join(packageDir, "package.json"))) {
        return { tarball, hash, fresh: false };
      }
      log(`installing ${tarball.slice(root.length + 1)} into ${installDir.slice(root.length + 1)}`);
      install(bytes, hash, baseline);
      return { tarball, hash, fresh: true };
    } catch (error) {
      if (Date.now() > deadline) throw error;
      if (attempt === 1) log(`waiting for the packed package (${error.message.split("\n")[0]})`);
      await sleep(3000);
    }
  }
}

// Packs pkg/ as npm would publish it and installs the tarball into a scratch project, so
// that tests load the package exactly as users do: `node scripts/pack.mjs [--build]`.
// Prints the path of the scratch project. Tests import from <scratch>/node_modules.
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
export const scratch = join(root, ".scratch");
export const consumer = join(scratch, "consumer");

export function packAndInstall({ build = false } = {}) {
  if (build || !existsSync(join(root, "pkg", "package.json"))) {
    execFileSync("node", [join(root, "scripts", "build.mjs")], { stdio: "inherit" });
  }
  mkdirSync(scratch, { recursive: true });
  for (const f of readdirSync(scratch)) if (f.endsWith(".tgz")) rmSync(join(scratch, f));
  const name = execFileSync("npm", ["pack", join(root, "pkg"), "--pack-destination", scratch, "--silent"], { encoding: "utf8" }).trim().split("\n").pop();
  const tarball = join(scratch, name);
  rmSync(consumer, { recursive: true, force: true });
  mkdirSync(consumer, { recursive: true });
  writeFileSync(join(consumer, "package.json"), JSON.stringify({ name: "consumer", private: true, type: "module" }, null, 2));
  execFileSync("npm", ["install", "--no-audit", "--no-fund", "--silent", tarball], { cwd: consumer, stdio: "inherit" });
  return { tarball, consumer };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { tarball, consumer: dir } = packAndInstall({ build: process.argv.includes("--build") });
  console.log(`packed ${tarball}\ninstalled in ${dir}`);
}

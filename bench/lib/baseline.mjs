// The build of another commit (or a given tarball), benchmarked beside the current package in
// the same run: `node bench/run.mjs --baseline=<git ref | path/to/ankorstore-client.tgz>`.
// A git ref is built once in a temporary worktree (scripts/build.mjs, a few minutes) and its
// tarball kept in .scratch/bench/baseline/<commit>.tgz.
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, symlinkSync } from "node:fs";
import { join, resolve } from "node:path";
import { root, scratchDir } from "./paths.mjs";

const dir = join(scratchDir, "baseline");
const git = (...args) => execFileSync("git", args, { cwd: root, encoding: "utf8" }).trim();

/** The tarball of `spec`: the file itself, or the build of a commit. */
export function baselineTarball(spec, log = () => {}) {
  if (spec.endsWith(".tgz")) return { tarball: resolve(spec), label: spec.split("/").pop() };
  const sha = git("rev-parse", "--verify", `${spec}^{commit}`);
  const label = `${spec} (${sha.slice(0, 7)})`;
  const tarball = join(dir, `${sha}.tgz`);
  if (existsSync(tarball)) return { tarball, label };
  mkdirSync(dir, { recursive: true });
  const tree = join(dir, `src-${sha}`);
  rmSync(tree, { recursive: true, force: true });
  log(`building the baseline ${label} in ${tree.slice(root.length + 1)} (a few minutes)`);
  git("worktree", "add", "--detach", "--force", tree, sha);
  try {
    symlinkSync(join(root, "node_modules"), join(tree, "node_modules"));
    const env = { ...process.env, PATH: `${process.env.HOME}/.cargo/bin:${process.env.PATH}` };
    execFileSync("node", [join(tree, "scripts", "build.mjs")], { cwd: tree, env, stdio: ["ignore", "ignore", "inherit"] });
    execFileSync("npm", ["pack", join(tree, "pkg"), "--pack-destination", dir, "--silent"], { cwd: tree, stdio: "ignore" });
    const packed = readdirSync(dir).find((f) => f.startsWith("ankorstore-client-") && f.endsWith(".tgz"));
    renameSync(join(dir, packed), tarball);
  } finally {
    git("worktree", "remove", "--force", tree);
  }
  return { tarball, label };
}

// Where each contender's library comes from: this package from the bench's own install of the
// packed tarball (install.mjs; loaded through its `exports` as users get it), the peers from
// the workspace's node_modules.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { installDir, loaderPath, packageDir } from "./install.mjs";
import { root } from "./paths.mjs";

export { packageDir };

/** What `import()` is given for this contender (null: nothing to import). */
export function importTarget(contender) {
  if (contender.spec === null) return null;
  if (contender.id === "package") return pathToFileURL(loaderPath).href;
  if (contender.loader) return pathToFileURL(contender.loader).href;
  return contender.spec;
}

export async function loadLib(contender) {
  const target = importTarget(contender);
  return target === null ? null : import(target);
}

/** Directories esbuild resolves bare specifiers from (this package first). */
export const nodePaths = [join(installDir, "node_modules"), join(root, "node_modules")];

export function versionOf(contender) {
  if (contender.spec === null) return `node ${process.versions.node}`;
  const dir = contender.id === "package" ? packageDir : contender.packageDir ?? join(root, "node_modules", contender.spec);
  return JSON.parse(readFileSync(join(dir, "package.json"), "utf8")).version;
}

// Static files of www/ and pkg/: only regular files inside the root, no dotfiles, with exact
// content types (browsers compile .wasm streaming only when it is served as application/wasm).
import { createReadStream } from "node:fs";
import { realpath, stat } from "node:fs/promises";
import { extname, join, sep } from "node:path";

import { HttpError, safeSegments } from "./security.mjs";

const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".cjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".wasm": "application/wasm",
  ".ts": "text/plain; charset=utf-8",
  ".cts": "text/plain; charset=utf-8",
  ".md": "text/plain; charset=utf-8",
  ".png": "image/png",
  ".svg": "image/svg+xml",
  ".txt": "text/plain; charset=utf-8",
};

export function contentType(file) {
  return TYPES[extname(file).toLowerCase()] ?? "application/octet-stream";
}

/**
 * Resolves `rawPath` (relative to the mount point, e.g. "/app.js") inside `root`. Returns
 * { file, size } or throws 404. Symlinks that lead out of the root are refused too.
 */
export async function resolveStatic(root, rawPath, index = "index.html") {
  const segments = safeSegments(rawPath);
  if (segments.some((s) => s.startsWith("."))) throw new HttpError(404, "Not found.");
  if (segments.at(-1) === "") segments[segments.length - 1] = index;
  let rootReal;
  let file;
  try {
    rootReal = await realpath(root);
    file = await realpath(join(rootReal, ...segments));
  } catch {
    throw new HttpError(404, "Not found.");
  }
  if (!file.startsWith(rootReal + sep)) throw new HttpError(404, "Not found.");
  const info = await stat(file).catch(() => null);
  if (!info?.isFile()) throw new HttpError(404, "Not found.");
  return { file, size: info.size };
}

/** Sends a resolved file (HEAD: headers only). `headers` are the security headers. */
export function sendFile(req, res, { file, size }, headers) {
  res.writeHead(200, {
    ...headers,
    "content-type": contentType(file),
    "content-length": size,
    // pkg/ is rebuilt in place while developing: always revalidate.
    "cache-control": "no-cache",
  });
  if (req.method === "HEAD") return res.end();
  const stream = createReadStream(file);
  stream.on("error", () => res.destroy());
  stream.pipe(res);
}

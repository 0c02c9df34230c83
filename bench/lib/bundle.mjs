// esbuild bundles of the jobs: for workerd (run by Miniflare) and minified for the size table.
import * as esbuild from "esbuild";
import { jobPath } from "../jobs/index.mjs";
import { nodePaths } from "./libs.mjs";
import { root } from "./paths.mjs";

function libSource(contender) {
  if (contender.spec === null) return "const lib = null;";
  const names = contender.imports.join(", ");
  return `import { ${names} } from ${JSON.stringify(contender.spec)};\nconst lib = { ${names} };`;
}

/** A tiny module doing the job (client credentials + GET /me) with one library. */
export function sizeEntry(contender) {
  return `${libSource(contender)}
import { create } from ${JSON.stringify(jobPath(contender.id))};
export const me = (options) => create(lib, options);
`;
}

/** A Worker answering every request with the user, through one client per isolate. */
export function workerEntry(contender) {
  if (contender === null) return "export default { fetch: () => new Response(\"ok\") };\n";
  return `${libSource(contender)}
import { create } from ${JSON.stringify(jobPath(contender.id))};
let me;
export default {
  async fetch(request, env) {
    me ??= create(lib, { baseUrl: env.BASE_URL, clientId: env.CLIENT_ID, clientSecret: env.CLIENT_SECRET });
    return Response.json(await me());
  },
};
`;
}

/** Bundles `source`; returns {code, inputs} (inputs: files esbuild read, relative to the workspace). */
export async function bundle(source, { minify = false, conditions = [], external = [] } = {}) {
  const result = await esbuild.build({
    stdin: { contents: source, resolveDir: root, sourcefile: "entry.mjs", loader: "js" },
    bundle: true,
    write: false,
    format: "esm",
    platform: "neutral",
    mainFields: ["module", "main"],
    conditions,
    target: "es2022",
    minify,
    // @badgateway/oauth2-client has a Node-only `await import("crypto")` fallback (PKCE, not
    // reached here); a browser bundler leaves it out the same way.
    external: ["crypto", "node:*", ...external],
    nodePaths,
    absWorkingDir: root,
    metafile: true,
    logLevel: "silent",
    legalComments: "none",
  });
  return { code: result.outputFiles[0].contents, inputs: Object.keys(result.metafile.inputs) };
}

// Cold start in workerd (Miniflare): a new Miniflare (a new workerd process) per launch, with
// a minimal Worker bundled by esbuild; times `new Miniflare()` → ready → first response.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Miniflare } from "miniflare";
import { CONTENDERS } from "../jobs/index.mjs";
import { bundle, workerEntry } from "./bundle.mjs";
import { packageDir } from "./libs.mjs";
import { CLIENT_ID, CLIENT_SECRET, scratchDir } from "./paths.mjs";
import { isUser } from "./percall.mjs";
import { summarize } from "./stats.mjs";

const WASM_NAME = "ankorstore_client_bg.wasm";
const COMPATIBILITY_DATE = "2025-01-01";

async function workerModules(contender) {
  const { code } = await bundle(workerEntry(contender), {
    conditions: ["workerd", "worker", "browser"],
    external: ["*.wasm"], // the package's `import wasm from "./…wasm"` becomes a CompiledWasm module
  });
  const dir = join(scratchDir, "workerd");
  const modules = [{ type: "ESModule", path: join(dir, "worker.mjs"), contents: code }];
  const wasmDir = contender?.id === "package" ? packageDir : contender?.packageDir;
  if (wasmDir) {
    modules.push({ type: "CompiledWasm", path: join(dir, WASM_NAME), contents: readFileSync(join(wasmDir, WASM_NAME)) });
  }
  return modules;
}

async function launch(modules, baseUrl) {
  const t0 = performance.now();
  const mf = new Miniflare({
    modules,
    compatibilityDate: COMPATIBILITY_DATE,
    bindings: { BASE_URL: baseUrl, CLIENT_ID, CLIENT_SECRET },
  });
  try {
    await mf.ready;
    const ready = performance.now();
    const res = await mf.dispatchFetch("http://bench.local/");
    const body = await res.text();
    const first = performance.now();
    if (res.status !== 200) throw new Error(`worker answered ${res.status}: ${body.slice(0, 300)}`);
    // A second request on the warm isolate (token cached): what the first one paid extra.
    const second = await mf.dispatchFetch("http://bench.local/");
    await second.text();
    const secondMs = performance.now() - first;
    return { readyMs: ready - t0, firstMs: first - t0, afterReadyMs: first - ready, secondMs, body };
  } finally {
    await mf.dispose();
  }
}

export async function coldWorkerd(mock, { launches, log = () => {} }) {
  const variants = [{ id: "bare", label: "bare Worker (no fetch)", contender: null }];
  for (const contender of CONTENDERS) variants.push({ id: contender.id, label: contender.label, contender });
  for (const v of variants) v.modules = await workerModules(v.contender);
  const samples = new Map(variants.map((v) => [v.id, { ready: [], first: [], afterReady: [], second: [] }]));
  // Launch 0 warms caches and is not counted; the order rotates every launch.
  for (let i = 0; i <= launches; i++) {
    for (let k = 0; k < variants.length; k++) {
      const variant = variants[(k + i) % variants.length];
      const r = await launch(variant.modules, mock.url);
      if (variant.contender && !isUser(JSON.parse(r.body))) {
        throw new Error(`${variant.label}: the Worker did not answer with the user`);
      }
      if (i === 0) continue;
      const s = samples.get(variant.id);
      s.ready.push(r.readyMs);
      s.first.push(r.firstMs);
      s.afterReady.push(r.afterReadyMs);
      s.second.push(r.secondMs);
    }
    if (i > 0) log(`  launch ${i}/${launches}`);
  }
  return {
    launches,
    compatibilityDate: COMPATIBILITY_DATE,
    results: variants.map((v) => {
      const s = samples.get(v.id);
      return {
        id: v.id,
        label: v.label,
        contender: Boolean(v.contender),
        readyMs: summarize(s.ready),
        firstResponseMs: summarize(s.first),
        afterReadyMs: summarize(s.afterReady),
        secondRequestMs: summarize(s.second),
      };
    }),
  };
}

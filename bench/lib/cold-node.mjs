// Cold start in Node: a fresh `node` per launch, from spawn to "library imported" and to
// "first me() resolved"; beside `node -e ""` (spawn → exit) and an empty script.
import { spawn } from "node:child_process";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { CONTENDERS, jobPath } from "../jobs/index.mjs";
import { importTarget } from "./libs.mjs";
import { benchDir } from "./paths.mjs";
import { summarize } from "./stats.mjs";

const at = () => performance.timeOrigin + performance.now();
const childScript = join(benchDir, "lib", "cold-node-child.mjs");

function launch(args, timeoutMs = 30_000) {
  return new Promise((resolve, reject) => {
    const spawned = at();
    const child = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (d) => { stdout += d; });
    child.stderr.setEncoding("utf8").on("data", (d) => { stderr += d; });
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.once("error", reject);
    child.once("exit", (code, signal) => {
      const exited = at();
      clearTimeout(timer);
      if (code !== 0) return reject(new Error(`cold launch failed (${code ?? signal}): ${stderr.trim().slice(0, 500)}`));
      resolve({ spawned, exited, out: stdout.trim() ? JSON.parse(stdout.trim().split("\n").pop()) : null });
    });
  });
}

export async function coldNode(mock, { launches, log = () => {} }) {
  const variants = [
    { id: "node-e", label: 'node -e ""', args: () => ["-e", ""] },
    { id: "empty", label: "empty script", args: () => [childScript, "-", "-", mock.url] },
  ];
  for (const contender of CONTENDERS) {
    const target = importTarget(contender);
    variants.push({
      id: contender.id,
      label: contender.label,
      contender: true,
      args: () => [childScript, pathToFileURL(jobPath(contender.id)).href, target ?? "-", mock.url],
    });
  }
  const samples = new Map(variants.map((v) => [v.id, { script: [], imported: [], me: [], exit: [] }]));
  // Launch 0 warms the file cache and is not counted; the order rotates every launch.
  for (let i = 0; i <= launches; i++) {
    for (let k = 0; k < variants.length; k++) {
      const variant = variants[(k + i) % variants.length];
      const { spawned, exited, out } = await launch(variant.args());
      if (variant.contender && !out?.ok) throw new Error(`${variant.label}: the cold launch did not get the user`);
      if (i === 0) continue;
      const s = samples.get(variant.id);
      s.exit.push(exited - spawned);
      if (out) {
        s.script.push(out.script - spawned);
        if (out.imported !== undefined) s.imported.push(out.imported - spawned);
        if (out.me !== undefined) s.me.push(out.me - spawned);
      }
    }
    if (i > 0) log(`  launch ${i}/${launches}`);
  }
  const summary = (values) => (values.length ? summarize(values) : null);
  return {
    launches,
    results: variants.map((v) => {
      const s = samples.get(v.id);
      return {
        id: v.id,
        label: v.label,
        contender: Boolean(v.contender),
        scriptMs: summary(s.script),
        importedMs: summary(s.imported),
        firstMeMs: summary(s.me),
        exitMs: summary(s.exit),
      };
    }),
  };
}

#!/usr/bin/env node
// `node bench/profile.mjs [--calls=N] [--top=N]`: where the time of a me() call goes.
// Profiles steady-state sequential calls of each contender (V8 CPU profiler, one fresh process
// each, the mock in another process) and prints self time per call by origin (wasm, JS glue,
// fetch/undici, GC…) and the top functions of this package. Writes bench/results/profile.md;
// the raw .cpuprofile files (open them in Chrome DevTools) stay in .scratch/bench/profiles/.
import { execFile } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { CONTENDERS, jobPath } from "./jobs/index.mjs";
import { fixed } from "./lib/format.mjs";
import { ensureBenchInstall, packageDir } from "./lib/install.mjs";
import { importTarget } from "./lib/libs.mjs";
import { spawnMock } from "./lib/mock.mjs";
import { benchDir, resultsDir, scratchDir } from "./lib/paths.mjs";
import { summarizeProfile, wasmExportNames, wasmUrls } from "./lib/profile-summary.mjs";

const run = promisify(execFile);
const option = (name, fallback) => {
  const arg = process.argv.find((a) => a.startsWith(`--${name}=`));
  return arg ? Number(arg.split("=")[1]) : fallback;
};
const calls = option("calls", 5000);
const top = option("top", 25);
const warmup = 1000;

const log = (line) => process.stderr.write(`${line}\n`);
await ensureBenchInstall({ log });
const wasmNames = wasmExportNames(readFileSync(join(packageDir, "ankorstore_client_bg.wasm")));
const dir = join(scratchDir, "profiles");
mkdirSync(dir, { recursive: true });
const mock = await spawnMock();
const profiles = [];
const crossingCalls = 200;
let crossings = [];
try {
  let undiciWasm = new Set();
  for (const contender of CONTENDERS) { // raw fetch first: its wasm is undici's llhttp
    const output = join(dir, `${contender.id}.cpuprofile`);
    const args = [join(benchDir, "lib", "profile-child.mjs"), pathToFileURL(jobPath(contender.id)).href,
      importTarget(contender) ?? "-", mock.url, String(calls), String(warmup), output];
    log(`profiling ${contender.label} (${calls} calls)…`);
    await mock.reset(); // same mock state for each (its rate-limit window grows with traffic)
    const { stdout } = await run(process.execPath, args, { timeout: 300_000 });
    const measured = JSON.parse(stdout.trim().split("\n").pop());
    if (contender.id === "raw") undiciWasm = wasmUrls(output);
    profiles.push({ contender, measured, summary: summarizeProfile(output, { wasmNames, calls, undiciWasm }) });
  }
  log("counting JS↔wasm crossings…");
  await mock.reset();
  const { stdout } = await run(process.execPath, [join(benchDir, "lib", "crossings-child.mjs"),
    importTarget(CONTENDERS.find((c) => c.id === "package")), mock.url, String(crossingCalls)], { timeout: 120_000 });
  crossings = JSON.parse(stdout.trim().split("\n").pop());
} finally {
  await mock.close();
}

const out = [];
out.push("# Where a me() call's time goes", "");
out.push(`${calls} sequential calls per library after ${warmup} warm-up calls, token cached, V8 CPU profiler at 50 µs, one process per library, the mock in another process. Self time in µs per call (share of the profiled time). "idle" is waiting for the mock's answer.`, "");
const categories = [...new Set(profiles.flatMap((p) => p.summary.categories.map((c) => c.category)))];
out.push(`| origin | ${profiles.map((p) => p.contender.label).join(" | ")} |`);
out.push(`| --- | ${profiles.map(() => "---:").join(" | ")} |`);
for (const category of categories) {
  out.push(`| ${category} | ${profiles.map((p) => {
    const c = p.summary.categories.find((x) => x.category === category);
    return c ? `${fixed(c.perCallUs, 1)} (${fixed(c.share * 100, 0)} %)` : "–";
  }).join(" | ")} |`);
}
out.push(`| **busy (not idle)** | ${profiles.map((p) => fixed(p.summary.categories.filter((c) => !c.category.startsWith("idle")).reduce((s, c) => s + c.perCallUs, 0), 1)).join(" | ")} |`);
out.push(`| wall µs per call (measured) | ${profiles.map((p) => fixed((p.measured.wallMs * 1000) / calls, 1)).join(" | ")} |`);
out.push(`| process CPU µs per call (all threads) | ${profiles.map((p) => fixed(p.measured.cpuUs / calls, 1)).join(" | ")} |`);
out.push("");
for (const id of ["package", "raw"]) {
  const p = profiles.find((x) => x.contender.id === id);
  out.push(`## Top ${top} functions by self time: ${p.contender.label}`, "");
  if (id === "package") out.push("wasm functions show their export name when they are exported (the shipped .wasm has no name section; internal ones are wasm-function[index]).", "");
  out.push("| function | where | origin | µs per call | share |");
  out.push("| --- | --- | --- | ---: | ---: |");
  for (const f of p.summary.functions.slice(0, top)) {
    out.push(`| \`${f.name.replace(/\|/g, "\\|")}\` | ${f.where.replace(/\|/g, "\\|")} | ${f.category} | ${fixed(f.perCallUs, 2)} | ${fixed(f.share * 100, 1)} % |`);
  }
  out.push("");
}
out.push("## JS↔wasm crossings per me() call (ankorstore-client)", "");
out.push(`Every import (wasm → JS) and export (JS → wasm) call of the instance, counted over ${crossingCalls} steady-state calls.`, "");
out.push(`Total: **${fixed(crossings.reduce((s, c) => s + c.perCall, 0), 1)}** per call.`, "");
out.push("| crossing | what it does | per call |", "| --- | --- | ---: |");
for (const c of crossings) out.push(`| \`${c.name}\` | ${c.does ? `\`${c.does.replace(/\|/g, "\\|")}\`` : ""} | ${fixed(c.perCall, 1)} |`);
out.push("");
mkdirSync(resultsDir, { recursive: true });
writeFileSync(join(resultsDir, "profile.md"), out.join("\n"));
console.log(out.join("\n"));
log(`wrote bench/results/profile.md; profiles in ${dir}`);

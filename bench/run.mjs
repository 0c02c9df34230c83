#!/usr/bin/env node
// `npm run bench` / `node bench/run.mjs [--quick] [--readme] [--only=a,b] [--update-size-baseline]`
// Measures ankorstore-client against raw fetch and two OAuth2 client libraries (see
// bench/README.md) and writes bench/results/latest.{md,svg,json}.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import { join } from "node:path";
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { CONTENDERS, addBaseline } from "./jobs/index.mjs";
import { baselineTarball } from "./lib/baseline.mjs";
import { concurrency } from "./lib/concurrency.mjs";
import { coldNode } from "./lib/cold-node.mjs";
import { coldWorkerd } from "./lib/cold-workerd.mjs";
import { BASELINE_NAME, baselineDir, baselineLoaderPath, ensureBenchInstall } from "./lib/install.mjs";
import { importTarget, packageDir, versionOf } from "./lib/libs.mjs";
import { spawnMock } from "./lib/mock.mjs";
import { baselinePath, resultsDir, root } from "./lib/paths.mjs";
import { perCall } from "./lib/percall.mjs";
import { renderMarkdown, renderReadmeBlock, renderSvg } from "./lib/report.mjs";
import { GZIP_LEVEL, baselineFigures, bundleSizes, runtimeSizes } from "./lib/size.mjs";

const SECTIONS = ["size", "concurrency", "percall", "crossings", "node", "workerd"];
const FULL = { rounds: 5, callsPerRound: 2000, warmup: 1000, blockWarmup: 100, concurrentCalls: 1000, nodeLaunches: 10, workerdLaunches: 10 };
const QUICK = { rounds: 2, callsPerRound: 300, warmup: 200, blockWarmup: 50, concurrentCalls: 1000, nodeLaunches: 3, workerdLaunches: 3 };

const USAGE = `usage: node bench/run.mjs [options]
  --quick                  a short run (few samples; figures are indicative only)
  --baseline=<ref|tgz>     also measure another build in the same run: a git ref (built once
                           in a temporary worktree) or a packed tarball
  --readme                 also replace the <!-- bench:start --> … <!-- bench:end --> block of README.md
  --only=${SECTIONS.join(",")}
                           run only these sections; prints the Markdown, writes no file
  --update-size-baseline   write bench/size-baseline.json from the installed package, and exit`;

function parseArgs(argv) {
  const args = { quick: false, readme: false, only: null, updateBaseline: false, baseline: null };
  for (const arg of argv) {
    if (arg === "--quick") args.quick = true;
    else if (arg === "--readme") args.readme = true;
    else if (arg === "--update-size-baseline") args.updateBaseline = true;
    else if (arg.startsWith("--baseline=")) args.baseline = arg.slice(11);
    else if (arg.startsWith("--only=")) {
      args.only = arg.slice(7).split(",").filter(Boolean);
      const unknown = args.only.filter((s) => !SECTIONS.includes(s));
      if (unknown.length) throw new Error(`unknown section(s): ${unknown.join(", ")}\n${USAGE}`);
    } else if (arg === "--help" || arg === "-h") {
      console.log(USAGE);
      process.exit(0);
    } else throw new Error(`unknown option ${arg}\n${USAGE}`);
  }
  if (args.only && args.readme) throw new Error("--readme needs a complete run (no --only)");
  return args;
}

function machine() {
  const cpus = os.cpus();
  return {
    cpuModel: cpus[0]?.model.replace(/\s+/g, " ").trim() ?? "unknown CPU",
    cpus: cpus.length,
    totalMemGiB: Math.round(os.totalmem() / 2 ** 30),
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.versions.node,
  };
}

export function updateSizeBaseline() {
  const figures = baselineFigures();
  const baseline = {
    note: "Gzipped size of the installed package's wasm and glue; tests/bench/size.test.mjs fails past +10 %. Rewrite with: node bench/run.mjs --update-size-baseline",
    writtenAt: new Date().toISOString(),
    ...figures,
  };
  writeFileSync(baselinePath, `${JSON.stringify(baseline, null, 2)}\n`);
  return baseline;
}

/** JS↔wasm crossings of one steady-state me() call, for the package and the baseline. */
async function crossings(mock) {
  const run = promisify(execFile);
  const out = [];
  for (const contender of CONTENDERS.filter((c) => c.id === "package" || c.id === "baseline")) {
    await mock.reset();
    const { stdout } = await run(process.execPath, [join(root, "bench", "lib", "crossings-child.mjs"),
      importTarget(contender), mock.url, "200"], { timeout: 120_000 });
    const perCall = JSON.parse(stdout.trim().split("\n").pop());
    out.push({ id: contender.id, label: contender.label, total: perCall.reduce((n, c) => n + c.perCall, 0), perCall });
  }
  return out;
}

const README_START = "<!-- bench:start -->";
const README_END = "<!-- bench:end -->";

function updateReadme(block) {
  const path = join(root, "README.md");
  const text = readFileSync(path, "utf8");
  const start = text.indexOf(README_START);
  const end = text.indexOf(README_END);
  if (start < 0 || end < start) throw new Error(`README.md has no ${README_START} … ${README_END} block`);
  writeFileSync(path, `${text.slice(0, start + README_START.length)}\n${block}\n${text.slice(end)}`);
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  if (args.updateBaseline) {
    const b = updateSizeBaseline();
    console.log(`wrote ${baselinePath}: wasm ${b.wasm.gzip} B gzip (${b.wasm.raw} raw), glue ${b.glue.gzip} B gzip (${b.glue.raw} raw), v${b.version}`);
    return;
  }
  const config = args.quick ? QUICK : FULL;
  const wants = (s) => !args.only || args.only.includes(s);
  const log = (line) => process.stderr.write(`${line}\n`);
  const started = performance.now();
  const baseline = args.baseline ? baselineTarball(args.baseline, log) : null;
  const install = await ensureBenchInstall({ log, baseline: baseline?.tarball });
  if (baseline) addBaseline({ label: baseline.label, name: BASELINE_NAME, dir: baselineDir, loader: baselineLoaderPath });
  const results = {
    meta: {
      date: new Date().toISOString(), quick: args.quick, machine: machine(), config, gzipLevel: GZIP_LEVEL,
      tarballSha256: install.hash, loadAverageAtStart: os.loadavg().map((v) => Number(v.toFixed(2))),
    },
    contenders: CONTENDERS.map((c) => ({ id: c.id, label: c.label, version: versionOf(c) })),
  };
  const section = async (name, fn) => {
    if (!wants(name)) return;
    const t = performance.now();
    log(`${name}…`);
    await fn();
    log(`${name}: ${((performance.now() - t) / 1000).toFixed(1)} s`);
  };

  await section("size", async () => {
    results.sizes = {
      gzipLevel: GZIP_LEVEL, runtimes: await runtimeSizes(packageDir), bundles: await bundleSizes(CONTENDERS, packageDir),
      ...(baseline ? { baselineRuntimes: await runtimeSizes(baselineDir) } : {}),
    };
  });
  const mock = await spawnMock();
  const stop = () => { mock.close().finally(() => process.exit(130)); };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
  try {
    // Concurrency resets the mock (revoking tokens), so it runs before the per-call clients exist.
    await section("concurrency", async () => { results.concurrency = await concurrency(mock, { calls: config.concurrentCalls }); });
    await section("percall", async () => { results.perCall = await perCall(mock, { ...config, log }); });
    await section("crossings", async () => { results.crossings = await crossings(mock); });
    await section("node", async () => { results.coldNode = await coldNode(mock, { launches: config.nodeLaunches, log }); });
    await section("workerd", async () => { results.coldWorkerd = await coldWorkerd(mock, { launches: config.workerdLaunches, log }); });
  } finally {
    process.off("SIGINT", stop);
    process.off("SIGTERM", stop);
    await mock.close();
  }
  results.meta.wallSeconds = (performance.now() - started) / 1000;
  results.meta.loadAverageAtEnd = os.loadavg().map((v) => Number(v.toFixed(2)));

  const markdown = renderMarkdown(results);
  if (args.only) {
    console.log(markdown);
    return;
  }
  mkdirSync(resultsDir, { recursive: true });
  writeFileSync(join(resultsDir, "latest.json"), `${JSON.stringify(results, null, 2)}\n`);
  writeFileSync(join(resultsDir, "latest.md"), markdown);
  writeFileSync(join(resultsDir, "latest.svg"), renderSvg(results));
  if (args.readme) updateReadme(renderReadmeBlock(results));
  console.log(markdown);
  log(`wrote bench/results/latest.{md,svg,json}${args.readme ? " and the README block" : ""} in ${results.meta.wallSeconds.toFixed(0)} s`);
}

main().catch((error) => {
  console.error(error?.stack ?? String(error));
  process.exitCode = 1;
});

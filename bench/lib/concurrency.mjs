// 1,000 simultaneous me() calls on a cold client (no token yet, no open connection: a fresh
// process per library): how many token requests reach the server. Only for libraries that
// manage the token themselves.
import { execFile } from "node:child_process";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { CONTENDERS, jobPath } from "../jobs/index.mjs";
import { importTarget } from "./libs.mjs";
import { benchDir } from "./paths.mjs";

const run = promisify(execFile);
const childScript = join(benchDir, "lib", "concurrency-child.mjs");

export async function concurrency(mock, { calls }) {
  const results = [];
  for (const contender of CONTENDERS) {
    if (!contender.managesTokens) {
      results.push({ id: contender.id, label: contender.label, applicable: false });
      continue;
    }
    await mock.reset();
    const args = [childScript, pathToFileURL(jobPath(contender.id)).href, importTarget(contender) ?? "-", mock.url, String(calls)];
    const { stdout } = await run(process.execPath, args, { timeout: 120_000 });
    const out = JSON.parse(stdout.trim().split("\n").pop());
    const stats = await mock.stats();
    results.push({
      id: contender.id,
      label: contender.label,
      applicable: true,
      calls,
      tokenRequests: stats.tokenRequests,
      apiRequests: stats.apiRequests,
      ...out,
    });
  }
  await mock.reset();
  return { calls, results };
}

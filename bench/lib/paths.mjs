import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const benchDir = join(dirname(fileURLToPath(import.meta.url)), "..");
export const root = join(benchDir, "..");
export const resultsDir = join(benchDir, "results");
export const jobsDir = join(benchDir, "jobs");
/** Intermediate files (worker bundles, CPU profiles): never part of the repository. */
export const scratchDir = join(root, ".scratch", "bench");
export const baselinePath = join(benchDir, "size-baseline.json");
export const CLIENT_ID = "demo-client-id";
export const CLIENT_SECRET = "demo-client-secret";

// Profiles `calls` sequential me() calls of one contender with V8's CPU profiler (the one
// behind `node --cpu-prof`), started after a warm-up so that only steady-state calls count.
// argv: <job module URL> <import target | -> <base URL> <calls> <warm-up calls> <output .cpuprofile>
import { writeFileSync } from "node:fs";
import { Session } from "node:inspector/promises";

const [jobUrl, target, baseUrl, calls, warmup, output] = process.argv.slice(2);
const { create } = await import(jobUrl);
const lib = target === "-" ? null : await import(target);
const me = create(lib, { baseUrl, clientId: "demo-client-id", clientSecret: "demo-client-secret" });
for (let i = 0; i < Number(warmup); i++) await me();

const session = new Session();
session.connect();
await session.post("Profiler.enable");
await session.post("Profiler.setSamplingInterval", { interval: 50 }); // µs
await session.post("Profiler.start");
const cpu0 = process.cpuUsage();
const t0 = performance.now();
for (let i = 0; i < Number(calls); i++) await me();
const wallMs = performance.now() - t0;
const cpu = process.cpuUsage(cpu0);
const { profile } = await session.post("Profiler.stop");
session.disconnect();
writeFileSync(output, JSON.stringify(profile));
process.stdout.write(`${JSON.stringify({ wallMs, cpuUs: cpu.user + cpu.system })}\n`);
process.exit(0);

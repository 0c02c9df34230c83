// Sequential me() calls with a cached token, every contender in the same process, interleaved
// round by round (the order rotates each round) so that drift of the machine hits all alike.
//
// Before each timed block the mock is reset and the contender gets a fresh client (token
// fetched and a few calls made outside the timing): the mock's bookkeeping grows with the
// requests of the last minute (its X-RateLimit-Remaining window), so every block must start
// from the same mock state, not inherit the previous blocks' traffic.
import { CONTENDERS, loadJob } from "../jobs/index.mjs";
import { loadLib } from "./libs.mjs";
import { CLIENT_ID, CLIENT_SECRET } from "./paths.mjs";
import { summarize } from "./stats.mjs";

export const isUser = (body) => (body?.data ?? body)?.type === "user";

export async function perCall(mock, { rounds, callsPerRound, warmup, blockWarmup, log = () => {} }) {
  const options = { baseUrl: mock.url, clientId: CLIENT_ID, clientSecret: CLIENT_SECRET };
  const entries = [];
  for (const contender of CONTENDERS) {
    const create = await loadJob(contender.id);
    const lib = await loadLib(contender);
    entries.push({ contender, fresh: () => create(lib, options), samples: new Float64Array(rounds * callsPerRound), roundMeans: [], cpuUs: 0 });
  }
  // JIT warm-up of every code path, once.
  for (const entry of entries) {
    const me = entry.fresh();
    if (!isUser(await me())) throw new Error(`${entry.contender.label}: me() did not return the user`);
    for (let i = 0; i < warmup; i++) await me();
  }
  let tokenRequestsDuringBlocks = 0;
  let apiRequestsDuringBlocks = 0;
  for (let round = 0; round < rounds; round++) {
    const started = performance.now();
    for (let k = 0; k < entries.length; k++) {
      const entry = entries[(k + round) % entries.length];
      await mock.reset();
      const me = entry.fresh();
      if (!isUser(await me())) throw new Error(`${entry.contender.label}: me() did not return the user`);
      for (let i = 0; i < blockWarmup; i++) await me();
      const before = await mock.stats();
      const { samples } = entry;
      const offset = round * callsPerRound;
      const cpu0 = process.cpuUsage();
      const first = performance.now();
      let t0 = first;
      for (let i = 0; i < callsPerRound; i++) {
        await me();
        const t1 = performance.now();
        samples[offset + i] = (t1 - t0) * 1000; // µs
        t0 = t1;
      }
      const cpu = process.cpuUsage(cpu0);
      entry.cpuUs += cpu.user + cpu.system; // this process only: the mock runs in another one
      entry.roundMeans.push(((t0 - first) * 1000) / callsPerRound);
      const after = await mock.stats();
      tokenRequestsDuringBlocks += after.tokenRequests - before.tokenRequests;
      apiRequestsDuringBlocks += after.apiRequests - before.apiRequests;
    }
    log(`  round ${round + 1}/${rounds} (${((performance.now() - started) / 1000).toFixed(1)} s)`);
  }
  const raw = summarize(entries[0].samples);
  const totalCalls = rounds * callsPerRound;
  const rawCpu = entries[0].cpuUs / totalCalls;
  return {
    rounds,
    callsPerRound,
    warmup,
    blockWarmup,
    // A cached token means no token request at all while the blocks were timed.
    tokenRequestsDuringRounds: tokenRequestsDuringBlocks,
    apiRequestsDuringRounds: apiRequestsDuringBlocks,
    results: entries.map(({ contender, samples, roundMeans, cpuUs }) => {
      const s = summarize(samples);
      return {
        id: contender.id,
        label: contender.label,
        medianUs: s.median,
        p25Us: s.p25,
        p75Us: s.p75,
        meanUs: s.mean,
        roundMeansUs: roundMeans,
        ratio: s.median / raw.median,
        ratioMean: s.mean / raw.mean,
        // CPU time of the client process (all threads, GC included) per call.
        cpuUs: cpuUs / totalCalls,
        cpuRatio: cpuUs / totalCalls / rawCpu,
      };
    }),
  };
}

// Renders results (the object run.mjs writes to latest.json) as Markdown and as an SVG chart.
import { escapeXml, fixed, int, kb, spread } from "./format.mjs";

const byId = (list, id) => list?.find((r) => r.id === id);

export function machineLine(meta) {
  const m = meta.machine;
  return `${m.cpuModel} × ${m.cpus}, ${m.totalMemGiB} GiB RAM, ${m.os}, Node ${m.node}`;
}

/** One row per contender: the headline figures of every section. */
export function summaryTable(results) {
  const rows = [
    "| library | version | µs per /me call, median (p25–p75) | × raw fetch | client CPU µs per call (× raw fetch) | token requests, 1,000 cold calls | Node cold start → first /me, ms | workerd first response, ms | min+gzip bytes for the job |",
    "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
  ];
  for (const c of results.contenders) {
    const call = byId(results.perCall?.results, c.id);
    const conc = byId(results.concurrency?.results, c.id);
    const node = byId(results.coldNode?.results, c.id);
    const wd = byId(results.coldWorkerd?.results, c.id);
    const size = byId(results.sizes?.bundles, c.id);
    rows.push(`| ${c.label} | ${c.version} | ${call ? `${fixed(call.medianUs)} (${fixed(call.p25Us)}–${fixed(call.p75Us)})` : "–"} | ${call ? fixed(call.ratio, 2) : "–"} | ${call ? `${fixed(call.cpuUs)} (×${fixed(call.cpuRatio, 2)})` : "–"} | ${conc ? (conc.applicable ? `${conc.tokenRequests}${conc.failed ? ` (${conc.failed} failed)` : ""}` : "n/a") : "–"} | ${node ? fixed(node.firstMeMs?.median, 1) : "–"} | ${wd ? fixed(wd.firstResponseMs?.median, 1) : "–"} | ${size ? int(size.total.gzip) : "–"} |`);
  }
  return rows.join("\n");
}

export function renderMarkdown(results) {
  const { meta } = results;
  const out = [];
  out.push("# Benchmark: ankorstore-client against raw fetch and its peers", "");
  out.push(`- Date: ${meta.date}${meta.quick ? " (**--quick run**: few samples, indicative only)" : ""}`);
  out.push(`- Machine: ${machineLine(meta)}`);
  out.push(`- Load average (1, 5, 15 min) at start: ${meta.loadAverageAtStart.join(", ")}; at end: ${meta.loadAverageAtEnd.join(", ")} (${meta.machine.cpus} CPUs: above that, other processes competed for the CPU and wall times are inflated; ratios, taken interleaved, suffer less).`);
  out.push(`- Mock Ankorstore (mock/server.mjs) in its own process on loopback; this run took ${fixed(meta.wallSeconds, 0)} s (\`node bench/run.mjs${meta.quick ? " --quick" : ""}\`).`);
  out.push("", "## Summary", "", summaryTable(results), "");
  out.push("![per-call time and size](latest.svg)", "");

  if (results.perCall) {
    const p = results.perCall;
    out.push("## Time per `/me` call (token cached)", "");
    out.push(`${p.rounds} rounds × ${int(p.callsPerRound)} sequential calls per library after ${int(p.warmup)} warm-up calls, libraries interleaved round by round (order rotated each round); each call timed alone. Before each timed block the mock is reset and the library gets a fresh client that fetches its token and makes ${int(p.blockWarmup)} calls untimed. Token requests during the timed blocks: ${p.tokenRequestsDuringRounds} (a cached token means 0).`, "");
    out.push("Wall time per call includes the mock's own handling (another process, the other core); client CPU is this process's user+system time (all its threads, GC included) over the calls, i.e. the cost the library and fetch put on the caller.", "");
    out.push("| library | median µs | p25 µs | p75 µs | mean µs | × raw fetch (median) | × raw fetch (mean) | client CPU µs per call | CPU × raw fetch | mean µs of each round |");
    out.push("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |");
    for (const r of p.results) {
      out.push(`| ${r.label} | ${fixed(r.medianUs)} | ${fixed(r.p25Us)} | ${fixed(r.p75Us)} | ${fixed(r.meanUs)} | ${fixed(r.ratio, 2)} | ${fixed(r.ratioMean, 2)} | ${fixed(r.cpuUs)} | ${fixed(r.cpuRatio, 2)} | ${r.roundMeansUs.map((v) => fixed(v)).join(", ")} |`);
    }
    out.push("");
  }
  if (results.concurrency) {
    const c = results.concurrency;
    out.push(`## ${int(c.calls)} simultaneous calls on a cold client`, "");
    out.push("Token requests the mock received (counters reset before each library). n/a: the library keeps no token, so sharing one is the caller's code.", "");
    out.push("| library | token requests | /me requests | failed calls | wall ms |");
    out.push("| --- | ---: | ---: | ---: | ---: |");
    for (const r of c.results) {
      if (!r.applicable) out.push(`| ${r.label} | n/a | – | – | – |`);
      else out.push(`| ${r.label} | ${r.tokenRequests} | ${r.apiRequests} | ${r.failed}${r.failureReasons.length ? ` (${r.failureReasons.join(", ")})` : ""} | ${fixed(r.wallMs)} |`);
    }
    out.push("");
  }
  if (results.coldNode) {
    const c = results.coldNode;
    out.push("## Cold start in Node", "");
    out.push(`A fresh \`node\` per launch, ${c.launches} launches per row (plus one uncounted), rows interleaved. Milliseconds from spawn, median (p25–p75).`, "");
    out.push("| launch | script running | library imported | first /me resolved | process exited |");
    out.push("| --- | ---: | ---: | ---: | ---: |");
    for (const r of c.results) {
      out.push(`| ${r.label} | ${spread(r.scriptMs, 1)} | ${spread(r.importedMs, 1)} | ${spread(r.firstMeMs, 1)} | ${spread(r.exitMs, 1)} |`);
    }
    out.push("");
  }
  if (results.coldWorkerd) {
    const c = results.coldWorkerd;
    out.push("## Cold start in workerd (Miniflare)", "");
    out.push(`A new Miniflare (a new workerd process) per launch with a minimal Worker bundled by esbuild (conditions workerd, worker, browser; the .wasm as a CompiledWasm module); ${c.launches} launches per row (plus one uncounted), rows interleaved. Milliseconds, median (p25–p75).`, "");
    out.push("| Worker | `new Miniflare()` → ready | → first response | ready → first response | second request (warm) |");
    out.push("| --- | ---: | ---: | ---: | ---: |");
    for (const r of c.results) {
      out.push(`| ${r.label} | ${spread(r.readyMs, 1)} | ${spread(r.firstResponseMs, 1)} | ${spread(r.afterReadyMs, 1)} | ${spread(r.secondRequestMs, 1)} |`);
    }
    out.push("");
  }
  if (results.sizes) {
    const s = results.sizes;
    out.push("## Bytes", "");
    out.push(`gzip level ${s.gzipLevel}, each file compressed on its own (each is a separate load).`, "");
    out.push("What each runtime loads from the installed package:", "");
    out.push("| runtime | files | raw bytes | gzip bytes |");
    out.push("| --- | --- | ---: | ---: |");
    for (const r of s.runtimes) out.push(`| ${r.label} | ${r.files.map((f) => `\`${f}\``).join(", ")} | ${int(r.raw)} | ${int(r.gzip)} |`);
    for (const r of s.baselineRuntimes ?? []) out.push(`| ${r.label}, **baseline** | ${r.files.map((f) => `\`${f}\``).join(", ")} | ${int(r.raw)} | ${int(r.gzip)} |`);
    out.push("", "The same job (client credentials + `GET /api/v1/me`) bundled with esbuild (`bundle`, `minify`, platform neutral, condition browser, module/main fields) from a tiny entry per library:", "");
    out.push("| library | JS raw | JS gzip | wasm raw | wasm gzip | total gzip |");
    out.push("| --- | ---: | ---: | ---: | ---: | ---: |");
    for (const r of s.bundles) {
      out.push(`| ${r.label} | ${int(r.js.raw)} | ${int(r.js.gzip)} | ${int(r.wasm.raw)} | ${int(r.wasm.gzip)} | ${int(r.total.gzip)} (${kb(r.total.gzip)}) |`);
    }
    out.push("");
  }
  if (results.crossings) {
    out.push("## JS↔wasm crossings per `/me` call", "");
    out.push("Every import and export of the wasm instance wrapped and counted over 200 steady-state calls (bench/lib/crossings-child.mjs).", "");
    out.push("| build | crossings per call | the most frequent |");
    out.push("| --- | ---: | --- |");
    for (const r of results.crossings) {
      const topFive = r.perCall.slice(0, 5).map((c) => `${c.name.replace(/^(import|export) /, "")} ×${fixed(c.perCall, 1)}`).join(", ");
      out.push(`| ${r.label} | ${fixed(r.total, 1)} | ${topFive} |`);
    }
    out.push("");
  }
  out.push("Every figure above is measured by `bench/run.mjs`; see bench/README.md for the method.", "");
  return out.join("\n");
}

/** The README block (between the bench markers). */
export function renderReadmeBlock(results) {
  return [
    `Measured on ${results.meta.date.slice(0, 10)} (${machineLine(results.meta)}, load average ${results.meta.loadAverageAtStart[0]} at start) against the mock server on loopback${results.meta.quick ? ", **--quick run**" : ""}; \`npm run bench -- --readme\` regenerates this block.`,
    "",
    summaryTable(results),
    "",
    "![per-call time and size](bench/results/latest.svg)",
    "",
    "Details and method: [bench/results/latest.md](bench/results/latest.md).",
  ].join("\n");
}

/** Two horizontal bar charts: per-call time ÷ raw fetch, and gzipped bytes of the job. */
export function renderSvg(results) {
  const W = 760;
  const labelW = 200;
  const valueW = 150;
  const barMax = W - labelW - valueW - 20;
  const rowH = 26;
  const colors = { raw: "#8c8c8c", package: "#d9480f", badgateway: "#1971c2", oauth4webapi: "#2f9e44" };
  const panels = [];
  const calls = results.perCall?.results ?? [];
  if (calls.length) {
    const max = Math.max(...calls.map((r) => (r.p75Us / byId(calls, "raw").medianUs)), 1);
    panels.push({
      title: "Time per /me call ÷ raw fetch (median; whisker p25–p75; lower is better)",
      rows: calls.map((r) => {
        const raw = byId(calls, "raw").medianUs;
        return { id: r.id, label: r.label, value: r.ratio, lo: r.p25Us / raw, hi: r.p75Us / raw, max, text: `×${fixed(r.ratio, 2)}  (${fixed(r.medianUs)} µs)` };
      }),
      reference: 1,
    });
    const cpuMax = Math.max(...calls.map((r) => r.cpuRatio), 1);
    panels.push({
      title: "Client CPU time per /me call ÷ raw fetch (this process, all threads; lower is better)",
      rows: calls.map((r) => ({ id: r.id, label: r.label, value: r.cpuRatio, max: cpuMax, text: `×${fixed(r.cpuRatio, 2)}  (${fixed(r.cpuUs)} µs)` })),
      reference: 1,
    });
  }
  const bundles = results.sizes?.bundles ?? [];
  if (bundles.length) {
    const max = Math.max(...bundles.map((r) => r.total.gzip));
    panels.push({
      title: "Gzipped bytes for the job: minified bundle + wasm (lower is better)",
      rows: bundles.map((r) => ({ id: r.id, label: r.label, value: r.total.gzip, max, text: kb(r.total.gzip) })),
    });
  }
  let y = 52;
  const parts = [];
  for (const panel of panels) {
    parts.push(`<text x="10" y="${y}" class="title">${escapeXml(panel.title)}</text>`);
    y += 12;
    if (panel.reference !== undefined) {
      const x = labelW + (panel.reference / panel.rows[0].max) * barMax;
      parts.push(`<line x1="${x.toFixed(1)}" y1="${y}" x2="${x.toFixed(1)}" y2="${y + rowH * panel.rows.length}" class="reference"/>`);
    }
    for (const row of panel.rows) {
      const w = Math.max(1, (row.value / row.max) * barMax);
      const fill = colors[row.id] ?? "#555";
      parts.push(`<text x="${labelW - 8}" y="${y + 17}" class="label">${escapeXml(row.label)}</text>`);
      parts.push(`<rect x="${labelW}" y="${y + 5}" width="${w.toFixed(1)}" height="${rowH - 10}" fill="${fill}" rx="2"/>`);
      if (row.lo !== undefined) {
        const x1 = labelW + (row.lo / row.max) * barMax;
        const x2 = labelW + (row.hi / row.max) * barMax;
        const cy = y + rowH / 2;
        parts.push(`<path d="M${x1.toFixed(1)} ${cy}H${x2.toFixed(1)}M${x1.toFixed(1)} ${cy - 5}V${cy + 5}M${x2.toFixed(1)} ${cy - 5}V${cy + 5}" class="whisker"/>`);
      }
      const refW = panel.reference !== undefined ? (panel.reference / row.max) * barMax : 0;
      const textX = labelW + Math.max(w, row.hi !== undefined ? (row.hi / row.max) * barMax : 0, refW) + 6;
      parts.push(`<text x="${textX.toFixed(1)}" y="${y + 17}" class="value">${escapeXml(row.text)}</text>`);
      y += rowH;
    }
    y += 30;
  }
  const H = y;
  const foot = `${results.meta.date.slice(0, 10)} · ${machineLine(results.meta)}${results.meta.quick ? " · --quick run" : ""}`;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" role="img" aria-label="ankorstore-client benchmark">
<style>
  text { font-family: -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; font-size: 13px; fill: #222; }
  .title { font-weight: 600; font-size: 14px; }
  .label { text-anchor: end; }
  .value { font-size: 12px; fill: #333; }
  .foot { font-size: 11px; fill: #666; }
  .whisker { stroke: #222; stroke-width: 1.2; fill: none; }
  .reference { stroke: #888; stroke-width: 1; stroke-dasharray: 3 3; }
</style>
<rect width="100%" height="100%" fill="#fff"/>
<text x="10" y="22" class="title" style="font-size:16px">ankorstore-client vs raw fetch and peers</text>
${parts.join("\n")}
<text x="10" y="${H - 10}" class="foot">${escapeXml(foot)}</text>
</svg>
`;
}

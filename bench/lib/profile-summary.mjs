// Self time of a V8 .cpuprofile, by function and by where the code comes from.
import { readFileSync } from "node:fs";

/** wasm function index → export name, from the module's import and export sections. */
export function wasmExportNames(bytes) {
  const names = new Map();
  let p = 8;
  const leb = () => { let r = 0; let s = 0; let x; do { x = bytes[p++]; r |= (x & 127) << s; s += 7; } while (x & 128); return r >>> 0; };
  const str = () => { const n = leb(); const s = Buffer.from(bytes.subarray(p, p + n)).toString(); p += n; return s; };
  while (p < bytes.length) {
    const id = bytes[p++];
    const len = leb();
    const end = p + len;
    if (id === 7) {
      for (let n = leb(); n > 0; n--) {
        const name = str();
        const kind = bytes[p++];
        const index = leb();
        if (kind === 0) names.set(index, name);
      }
    }
    p = end;
  }
  return names;
}

export function categorize(frame, undiciWasm = new Set()) {
  const { functionName: fn, url } = frame;
  if (fn === "(garbage collector)") return "GC";
  if (fn === "(idle)") return "idle (waiting for the mock)";
  if (fn === "(program)") return "V8/native (program)";
  // Native stream writes: the request bytes go to the socket here (a syscall on loopback).
  if (!url && /^write(Latin1|Utf8|Ucs2|Ascii)String$|^writev$|^writeBuffer$/.test(fn)) return "socket writes (native)";
  // undici parses HTTP with llhttp compiled to wasm: its module URLs are known from the raw
  // fetch profile, so that "wasm" below is this package's only.
  if (undiciWasm.has(url)) return "fetch (undici)";
  if (url.startsWith("wasm://")) return "package: wasm";
  if (/ankorstore[-_]client|node\.cjs/.test(url)) return "package: JS glue";
  if (url.includes("undici") || url.includes("internal/deps/undici")) return "fetch (undici)";
  if (url.startsWith("node:")) return "Node internals (streams, net, timers…)";
  if (url.includes("node_modules/")) return "library JS";
  if (url.includes("/bench/")) return "bench harness";
  if (!url) return "V8 builtins (no script)";
  return "other";
}

/** The wasm module URLs a profile mentions. */
export function wasmUrls(path) {
  const profile = JSON.parse(readFileSync(path, "utf8"));
  return new Set(profile.nodes.map((n) => n.callFrame.url).filter((u) => u.startsWith("wasm://")));
}

export function summarizeProfile(path, { wasmNames = new Map(), calls, undiciWasm = new Set() }) {
  const profile = JSON.parse(readFileSync(path, "utf8"));
  const selfUs = new Map();
  for (let i = 0; i < profile.samples.length; i++) {
    const id = profile.samples[i];
    selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
  }
  const byFunction = new Map();
  const byCategory = new Map();
  let total = 0;
  for (const node of profile.nodes) {
    const us = selfUs.get(node.id) ?? 0;
    if (!us) continue;
    total += us;
    const frame = node.callFrame;
    let name = frame.functionName || "(anonymous)";
    const m = /^\$?(?:wasm-function\[|func)(\d+)\]?/.exec(name);
    if (frame.url.startsWith("wasm://") && !undiciWasm.has(frame.url) && m && wasmNames.has(Number(m[1]))) name = `${wasmNames.get(Number(m[1]))} (${name})`;
    const where = frame.url ? `${frame.url.replace(/^.*\/(node_modules|bench|install)\//, "$1/")}:${frame.lineNumber + 1}` : "";
    const key = `${name}\t${where}`;
    const category = categorize(frame, undiciWasm);
    const entry = byFunction.get(key) ?? { name, where, category, us: 0 };
    entry.us += us;
    byFunction.set(key, entry);
    byCategory.set(category, (byCategory.get(category) ?? 0) + us);
  }
  const perCall = (us) => us / calls;
  return {
    totalUs: total,
    categories: [...byCategory].map(([category, us]) => ({ category, us, perCallUs: perCall(us), share: us / total }))
      .sort((a, b) => b.us - a.us),
    functions: [...byFunction.values()].map((f) => ({ ...f, perCallUs: perCall(f.us), share: f.us / total }))
      .sort((a, b) => b.us - a.us),
  };
}

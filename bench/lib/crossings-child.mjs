// Counts the JS↔wasm boundary crossings of one steady-state me() call of this package: wraps
// every import and export of the instance (WebAssembly.Instance is patched before the package
// loads). argv: <package import target> <base URL> <calls>. Prints one JSON line.
const counts = new Map();
const does = new Map();
let counting = false;
const count = (key) => { if (counting) counts.set(key, (counts.get(key) ?? 0) + 1); };
// What an import does, in a few words: the statement of its body that computes the result.
const hint = (f) => {
  const lines = f.toString().split("\n").map((l) => l.trim());
  const line = lines.find((l) => /\bret = |^return (?!handleError)|\.(set|get)[A-Z]|^arg0\.|^(clearTimeout|queueMicrotask)\(/.test(l) && !/^function|=> \{$/.test(l)) ?? "";
  return line.replace(/^const ret = |;$/g, "").slice(0, 90);
};
const Instance = WebAssembly.Instance;
WebAssembly.Instance = function CountingInstance(module, imports) {
  for (const ns of Object.values(imports ?? {})) {
    for (const [name, f] of Object.entries(ns)) {
      if (typeof f !== "function") continue;
      does.set(`import ${name}`, hint(f));
      ns[name] = function (...args) { count(`import ${name}`); return f.apply(this, args); };
    }
  }
  const instance = new Instance(module, imports);
  const exports = {};
  for (const [name, v] of Object.entries(instance.exports)) {
    exports[name] = typeof v === "function" ? (...args) => { count(`export ${name}`); return v(...args); } : v;
  }
  return { exports };
};
const [target, baseUrl, calls] = process.argv.slice(2);
const { AnkorstoreClient } = await import(target);
const client = new AnkorstoreClient({ clientId: "demo-client-id", clientSecret: "demo-client-secret", baseUrl });
for (let i = 0; i < 20; i++) await client.me();
counting = true;
for (let i = 0; i < Number(calls); i++) await client.me();
counting = false;
const perCall = [...counts].map(([name, n]) => ({ name, does: does.get(name) ?? "", perCall: n / Number(calls) })).sort((a, b) => b.perCall - a.perCall);
process.stdout.write(`${JSON.stringify(perCall)}\n`);
process.exit(0);

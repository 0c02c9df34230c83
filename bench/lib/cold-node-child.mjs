// One cold launch, run by cold-node.mjs in a fresh `node`: prints the wall-clock instants
// (ms since the epoch, sub-ms) at which the script ran, the library was imported, and the
// first me() resolved. argv: <job module URL | -> <import target | -> <base URL>
const at = () => performance.timeOrigin + performance.now();
const script = at();
const [jobUrl, target, baseUrl] = process.argv.slice(2);
const out = { script };
if (jobUrl !== "-") {
  const { create } = await import(jobUrl);
  const lib = target === "-" ? null : await import(target);
  out.imported = at();
  const me = create(lib, { baseUrl, clientId: "demo-client-id", clientSecret: "demo-client-secret" });
  const body = await me();
  out.me = at();
  out.ok = (body?.data ?? body)?.type === "user";
}
process.stdout.write(`${JSON.stringify(out)}\n`);
process.exit(0); // idle keep-alive sockets must not hold the launch open

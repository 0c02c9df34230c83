// One library, a fresh process (cold client, no open connection): `calls` simultaneous me()
// calls. argv: <job module URL> <import target | -> <base URL> <calls>. Prints one JSON line.
const [jobUrl, target, baseUrl, calls] = process.argv.slice(2);
const { create } = await import(jobUrl);
const lib = target === "-" ? null : await import(target);
const me = create(lib, { baseUrl, clientId: "demo-client-id", clientSecret: "demo-client-secret" });
const isUser = (body) => (body?.data ?? body)?.type === "user";
const started = performance.now();
const settled = await Promise.allSettled(Array.from({ length: Number(calls) }, () => me()));
const wallMs = performance.now() - started;
const failures = settled.filter((s) => s.status === "rejected" || !isUser(s.value));
// Error codes/names only: a message could quote what the server sent.
const failureReasons = [...new Set(failures.map((s) => s.reason?.code ?? s.reason?.name ?? "not a user"))];
process.stdout.write(`${JSON.stringify({ failed: failures.length, failureReasons, wallMs })}\n`);
process.exit(0);

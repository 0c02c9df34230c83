// ankorstore-client from Node.js, as CommonJS: get an access token with the client
// credentials, then print the authenticated user (GET /api/v1/me).
//
//   node examples/node/cjs.cjs
//       starts the mock Ankorstore (mock/server.mjs) in this process and uses it
//   ANKORSTORE_BASE_URL=http://127.0.0.1:8787 node examples/node/cjs.cjs
//       uses a server that is already running (`npm run mock`, or a real Ankorstore host
//       with ANKORSTORE_CLIENT_ID and ANKORSTORE_CLIENT_SECRET)
//
// Inside this repository "ankorstore-client" is the package built in pkg/ (`npm run build`),
// linked into node_modules by the repository's package.json; in your project it is the
// package installed from npm. The code is the same.
const { AnkorstoreClient, AnkorstoreError } = require("ankorstore-client");

const DEMO_CLIENT_ID = "demo-client-id";
const DEMO_CLIENT_SECRET = "demo-client-secret";

/** The server to talk to: ANKORSTORE_BASE_URL, or a mock started here for the demo. */
async function server() {
  if (process.env.ANKORSTORE_BASE_URL) return { baseUrl: process.env.ANKORSTORE_BASE_URL, close: async () => {} };
  const { startMock } = await import("../../mock/server.mjs");
  const mock = await startMock({ port: 0 });
  console.log(`Started the mock Ankorstore API at ${mock.url}`);
  return { baseUrl: mock.url, close: () => mock.close() };
}

async function main() {
  const { baseUrl, close } = await server();
  try {
    const client = new AnkorstoreClient({
      baseUrl, // or environment: "sandbox" / "production" (the default)
      clientId: process.env.ANKORSTORE_CLIENT_ID ?? DEMO_CLIENT_ID,
      clientSecret: process.env.ANKORSTORE_CLIENT_SECRET ?? DEMO_CLIENT_SECRET,
    });

    // The client exchanges the credentials on first use and caches the token; token() is
    // only called here to show it. Never print the token itself.
    const token = await client.token();
    console.log(`Got a ${token.tokenType} token, valid ${token.expiresIn} s (until ${new Date(token.expiresAt).toISOString()})`);

    const me = await client.me();
    console.log(`Authenticated as ${me.first_name} ${me.last_name} <${me.email}> (user ${me.id})`);
    console.log(JSON.stringify(me, null, 2));
  } catch (error) {
    if (!(error instanceof AnkorstoreError)) throw error;
    // Every failure is an AnkorstoreError with a code to branch on; messages never hold secrets.
    console.error(`Ankorstore error ${error.code}${error.status ? ` (HTTP ${error.status})` : ""}: ${error.message}`);
    process.exitCode = 1;
  } finally {
    await close();
  }
}

main();

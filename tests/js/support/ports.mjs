// Loopback ports for the suites' own servers and for "nobody listens here" cases.
import { createServer } from "node:net";

/** A loopback port that was free a moment ago (bound, then released): nobody listens on it. */
export async function freePort() {
  const server = createServer();
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

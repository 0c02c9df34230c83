// api.md, "Strictness and limits", in the other runtimes (the Node entries are covered by
// tests/js/strictness.test.mjs): closed options, options that throw when read, methods,
// paths, inspection and freed clients in Chromium and in workerd, on the packed package.
// Run: node --test tests/runtimes/strictness.test.mjs
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";

import { DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, startMock } from "../../mock/server.mjs";
import { packagePage, packageWorker } from "./fixtures/package-runtimes.mjs";

/** The checks, as one function's source, run where the package is loaded; it returns what it saw. */
const CHECKS = `async ({ AnkorstoreClient, AnkorstoreError }, base, id, secret) => {
  const code = async (run) => {
    try { await run(); return "no error"; } catch (e) { return e instanceof AnkorstoreError ? e.code + ": " + e.message : "not an AnkorstoreError: " + e; }
  };
  const client = new AnkorstoreClient({ clientId: id, clientSecret: secret, baseUrl: base });
  const out = {};
  out.typo = await code(() => new AnkorstoreClient({ clientId: id, clientSecret: secret, enviroment: "sandbox" }));
  out.callTypo = await code(() => client.request("GET", "/api/v1/orders", { querry: {} }));
  out.method = await code(() => client.request("FROB", "/api/v1/orders"));
  out.dots = await code(() => client.request("GET", "/api/v1/%2e%2e/%2E%2E/oauth/token"));
  out.rawDots = await code(() => client.request("GET", base + "/api/v1/../../__mock/echo"));
  const boom = () => { throw new Error("boom"); };
  out.getter = await code(() => new AnkorstoreClient({ clientId: id, clientSecret: secret, get baseUrl() { return boom(); } }));
  out.trap = await code(() => client.request("GET", "/api/v1/orders", { query: new Proxy({}, { ownKeys: boom }) }));
  const huge = [];
  huge.length = 2 ** 32 - 1;
  out.sparse = await code(() => client.request("GET", "/api/v1/orders", { query: huge }));
  out.fakeSignal = await code(() => client.me({ signal: Object.create(AbortSignal.prototype) }));
  out.lowercase = (await client.request("get", "/api/v1/orders")).data.length > 0;
  out.string = String(client);
  out.json = JSON.parse(JSON.stringify(client));
  out.shownSecret = (String(client) + JSON.stringify(client)).includes(secret);
  client.free();
  out.freed = await code(() => client.me());
  return out;
}`;

const expectations = (base) => ({
  typo: /^invalid_config: options\.enviroment is not an option of new AnkorstoreClient\(\); did you mean environment\?$/,
  callTypo: /^invalid_argument: .*did you mean query\?$/,
  method: /^invalid_argument: "FROB" is not a method/,
  dots: /^invalid_argument: /,
  rawDots: /^invalid_argument: /,
  getter: /^invalid_config: options\.baseUrl could not be read/,
  trap: /^invalid_argument: options\.query could not be read/,
  sparse: /^invalid_argument: options\.query must be an object/,
  fakeSignal: /^invalid_argument: options\.signal must be an AbortSignal$/,
  lowercase: true,
  string: `AnkorstoreClient { baseUrl: "${base}", clientId: "${DEMO_CLIENT_ID}" }`,
  json: { type: "AnkorstoreClient", baseUrl: base, clientId: DEMO_CLIENT_ID },
  shownSecret: false,
  freed: /^invalid_argument: this client was freed$/,
});

function check(seen, base) {
  for (const [key, expected] of Object.entries(expectations(base))) {
    if (expected instanceof RegExp) assert.match(seen[key], expected, key);
    else assert.deepEqual(seen[key], expected, key);
  }
}

let mock;
before(async () => {
  mock = await startMock({ port: 0 });
});
after(() => mock?.close());

describe("Chromium", () => {
  let page;
  before(async () => {
    page = await packagePage("strictness-browser");
  });
  after(() => page?.close());

  test("the same strictness as in Node", async () => {
    mock.reset();
    const seen = await page.tab.evaluate(async ({ checks, base, id, secret }) => {
      const pkg = await import("ankorstore-client");
      return (0, eval)(checks)(pkg, base, id, secret);
    }, { checks: CHECKS, base: mock.url, id: DEMO_CLIENT_ID, secret: DEMO_CLIENT_SECRET });
    check(seen, mock.url);
    assert.deepEqual(page.pageErrors, []);
    assert.equal(mock.stats().apiRequests, 1, "only the lowercase GET was sent");
  });
});

describe("workerd (Miniflare)", () => {
  let mf;
  before(async () => {
    mf = await packageWorker("strictness-workerd", `import * as pkg from "ankorstore-client";
const checks = ${CHECKS};
export default {
  async fetch(request, env) {
    return Response.json(await checks(pkg, env.BASE, env.ID, env.SECRET));
  },
};`, { ID: DEMO_CLIENT_ID, SECRET: DEMO_CLIENT_SECRET, BASE: mock.url });
  });
  after(() => mf?.dispose());

  test("the same strictness as in Node", async () => {
    mock.reset();
    const res = await mf.dispatchFetch("http://worker.test/");
    check(await res.json(), mock.url);
    assert.equal(mock.stats().apiRequests, 1, "only the lowercase GET was sent");
  });
});

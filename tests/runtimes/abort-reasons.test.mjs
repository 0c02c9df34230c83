// A caller may abort its AbortSignal with any reason: a string, a number, undefined, null, an
// object, an Event (what `controller.abort.bind(controller)` registered as an event listener
// passes), an Error. Whatever it is, the call rejects with `aborted`, and the wasm instance
// lives on (gloo-net's error conversion traps on a rejection that is not an Error: the
// client never lets the caller's reason reach fetch). Checked in Node (both entries), workerd
// and Chromium, on the packed package. Run: node --test tests/runtimes/abort-reasons.test.mjs
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, startMock } from "../../mock/server.mjs";
import { bothEntries } from "../js/support/package.mjs";
import { packagePage, packageWorker } from "./fixtures/package-runtimes.mjs";

/** The reasons, by name; each runtime builds them itself (an Event is not cloneable). */
const REASONS = ["string", "number", "undefined", "null", "object", "event", "error"];
const MAKE_REASON = `(kind) => ({ string: () => "stop", number: () => 42, undefined: () => undefined, null: () => null,
  object: () => ({ why: "stop" }), event: () => new Event("abort"), error: () => new Error("stop") })[kind]()`;

let mock;
before(async () => {
  mock = await startMock({ port: 0 });
});
after(() => mock?.close());

/** Scripts the mock so that the next `n` API calls hang until the client leaves. */
const hangNext = (n) => mock.script("api", { hang: true, count: n });

for (const [entry, pkg] of await bothEntries()) {
  describe(`Node (${entry})`, () => {
    const makeReason = eval(MAKE_REASON); // eslint-disable-line no-eval
    test("every reason, during a call and before it, rejects with aborted; the instance lives on", async () => {
      mock.reset();
      const client = new pkg.AnkorstoreClient({ clientId: DEMO_CLIENT_ID, clientSecret: DEMO_CLIENT_SECRET, baseUrl: mock.url });
      await client.token();
      for (const kind of REASONS) {
        hangNext(2);
        for (const call of [(signal) => client.me({ signal }), (signal) => client.request("GET", "/api/v1/orders", { signal })]) {
          const controller = new AbortController();
          setTimeout(() => controller.abort(makeReason(kind)), 30);
          const error = await call(controller.signal).then(() => assert.fail(`${kind}: resolved`), (e) => e);
          assert.ok(error instanceof pkg.AnkorstoreError, `${kind}: ${error?.stack ?? error}`);
          assert.equal(error.code, "aborted", `${kind}: ${error.message}`);
          const early = new AbortController();
          early.abort(makeReason(kind));
          assert.equal((await call(early.signal).catch((e) => e)).code, "aborted", `${kind} before the call`);
        }
      }
      assert.equal((await client.me()).type, "user", "the instance still works");
    });
  });
}

describe("workerd (Miniflare)", () => {
  let mf;
  before(async () => {
    mf = await packageWorker("abort-reasons-workerd", `import { AnkorstoreClient } from "ankorstore-client";
const makeReason = ${MAKE_REASON};
export default {
  async fetch(request, env) {
    const client = new AnkorstoreClient({ clientId: env.ID, clientSecret: env.SECRET, baseUrl: env.BASE });
    const kind = new URL(request.url).searchParams.get("reason");
    if (!kind) return Response.json(await client.me());
    const controller = new AbortController();
    setTimeout(() => controller.abort(makeReason(kind)), 30);
    try {
      await client.me({ signal: controller.signal });
      return Response.json({ resolved: true });
    } catch (e) {
      return Response.json({ code: e.code, name: e.name, isError: e instanceof Error });
    }
  },
};`, { ID: DEMO_CLIENT_ID, SECRET: DEMO_CLIENT_SECRET, BASE: mock.url });
  });
  after(() => mf?.dispose());

  test("every reason rejects with aborted; the isolate keeps answering", async () => {
    mock.reset();
    for (const kind of REASONS) {
      hangNext(1);
      const res = await mf.dispatchFetch(`http://worker.test/?reason=${kind}`);
      assert.deepEqual(await res.json(), { code: "aborted", name: "AnkorstoreError", isError: true }, kind);
    }
    const res = await mf.dispatchFetch("http://worker.test/");
    assert.equal((await res.json()).type, "user");
  });
});

describe("Chromium", () => {
  let page;
  before(async () => {
    page = await packagePage("abort-reasons-browser");
  });
  after(() => page?.close());

  test("every reason rejects with aborted; the page's instance lives on", async () => {
    mock.reset();
    hangNext(REASONS.length);
    const seen = await page.tab.evaluate(async ({ base, id, secret, reasons, makeReasonSource }) => {
      const { AnkorstoreClient, AnkorstoreError } = await import("ankorstore-client");
      const makeReason = (0, eval)(makeReasonSource);
      const client = new AnkorstoreClient({ clientId: id, clientSecret: secret, baseUrl: base });
      await client.token();
      const out = {};
      for (const kind of reasons) {
        const controller = new AbortController();
        setTimeout(() => controller.abort(makeReason(kind)), 30);
        out[kind] = await client.me({ signal: controller.signal }).then(
          () => "resolved",
          (e) => (e instanceof AnkorstoreError ? e.code : `not an AnkorstoreError: ${e}`),
        );
      }
      out.after = (await client.me()).type;
      return out;
    }, { base: mock.url, id: DEMO_CLIENT_ID, secret: DEMO_CLIENT_SECRET, reasons: REASONS, makeReasonSource: MAKE_REASON });
    assert.deepEqual(page.pageErrors, []);
    assert.deepEqual(seen, { ...Object.fromEntries(REASONS.map((k) => [k, "aborted"])), after: "user" });
  });
});

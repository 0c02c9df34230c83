// The README's section "Beyond /me" runs as written, with the packed package installed in a
// fresh project: its JavaScript examples in Node against the mock (with `client` and `orderId`,
// which the section says they continue from), its Worker webhook example in workerd receiving
// the mock's signed deliveries, and its TypeScript example compiled with `tsc --strict` (and
// refused when a parameter name, a query name or a body value is wrong), then run.
// Run: node --test tests/runtimes/readme-beyond.test.mjs
import { after, before, beforeEach, describe, test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";

import * as esbuild from "esbuild";

import { DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, startMock } from "../../mock/server.mjs";
import { createOrders, createProducts, orderListResource } from "../../mock/data.mjs";
import { packageWorker } from "./fixtures/package-runtimes.mjs";
import { bin, freshProject, root, run } from "./fixtures/scratch.mjs";

/** The fenced blocks of the README section "Beyond /me", by the ### heading they follow. */
function sectionBlocks() {
  const readme = readFileSync(join(root, "README.md"), "utf8");
  const start = readme.indexOf("\n## Beyond /me");
  assert.ok(start >= 0, "README.md has no section \"Beyond /me\"");
  const end = readme.indexOf("\n## ", start + 1);
  const section = readme.slice(start, end);
  const blocks = [];
  let heading = "";
  for (const part of section.split(/^(### .*)$/m)) {
    if (part.startsWith("### ")) heading = part.slice(4);
    else for (const m of part.matchAll(/```(\w+)\n([\s\S]*?)```/g)) blocks.push({ heading, lang: m[1], code: m[2] });
  }
  return blocks;
}

const BLOCKS = sectionBlocks();
const block = (headingStart, lang) => {
  const found = BLOCKS.filter((b) => b.heading.startsWith(headingStart) && b.lang === lang);
  assert.equal(found.length, 1, `one ${lang} block under "### ${headingStart}…"`);
  return found[0].code;
};

const ORDERS = createOrders();
const TO_CONFIRM = ORDERS.filter((o) => o.attributes.status === "ankor_confirmed");

let mock;
let dir;
before(async () => {
  mock = await startMock({ port: 0 });
  ({ dir } = await freshProject("readme-beyond"));
});
after(() => mock?.close());
beforeEach(() => mock.reset());

test("the section has the blocks this suite runs", () => {
  assert.deepEqual(BLOCKS.map((b) => `${b.lang}: ${b.heading.replace(/:.*/, "")}`), [
    "js: Path templates", "js: Every page", "js: Rate limits", "js: Webhooks", "ts: TypeScript",
  ]);
});

/** Runs a JavaScript example of the section in Node, after the lines it continues from. */
function runExample(name, code, orderId = "") {
  const file = join(dir, `${name}.mjs`);
  writeFileSync(file, `import { AnkorstoreClient, AnkorstoreError } from "ankorstore-client";
const client = new AnkorstoreClient({ clientId: process.env.ID, clientSecret: process.env.SECRET, baseUrl: process.env.BASE });
const orderId = process.env.ORDER_ID;
${code}`);
  return new Promise((resolve) => {
    execFile(process.execPath, [file], {
      cwd: dir, timeout: 20_000,
      env: { ...process.env, ID: DEMO_CLIENT_ID, SECRET: DEMO_CLIENT_SECRET, BASE: mock.url, ORDER_ID: orderId },
    }, (error, stdout, stderr) => resolve({ code: error ? error.code ?? error.signal : 0, stdout, stderr }));
  });
}

describe("JavaScript, in Node", () => {
  test("Path templates: the order, with its retailer", async () => {
    const order = ORDERS[3];
    const { code, stdout, stderr } = await runExample("params", block("Path templates", "js"), order.id);
    assert.equal(code, 0, stderr);
    assert.equal(stdout, `${order.attributes.status} 1\n`);
    const [sent] = mock.stats().requests.filter((r) => r.path.startsWith("/api/"));
    assert.equal(sent.path, `/api/v1/orders/${order.id}`);
    assert.deepEqual(sent.query, { include: "retailer" });
  });

  test("Every page: the orders to confirm, a break after page 1, whole pages; one request per page", async () => {
    const { code, stdout, stderr } = await runExample("pages", block("Every page", "js"));
    assert.equal(code, 0, stderr);
    const firstOut = createProducts().find((p) => p.outOfStock);
    assert.deepEqual(stdout.trim().split("\n"), [
      ...TO_CONFIRM.map((o) => `${o.id} ${orderListResource(o).attributes.brandTotalAmount}`),
      `First out of stock: ${firstOut.name}`,
      "20 products, more: true",
      "20 products, more: true",
      "5 products, more: false",
    ]);
    const requests = mock.stats().requests.filter((r) => r.path.startsWith("/api/"));
    assert.equal(requests.filter((r) => r.path === "/api/v1/orders").length, 1);
    assert.equal(requests.filter((r) => r.path === "/api/v1/products").length, 1 + 3, "the break sent no second page");
  });

  test("Rate limits: what the mock's window says", async () => {
    const { code, stdout, stderr } = await runExample("rate-limit", block("Rate limits", "js"));
    assert.equal(code, 0, stderr);
    assert.match(stdout, /^599 of 600 calls left until \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000Z\n$/);
  });
});

describe("Webhooks, the Worker in workerd", () => {
  let mf;
  let url;
  let logs = "";
  const SECRET = "whsec-readme-3c9d";
  before(async () => {
    const collect = (stream) => stream.on("data", (chunk) => (logs += chunk));
    mf = await packageWorker("readme-beyond-worker", block("Webhooks", "js"), { ANKORSTORE_WEBHOOK_SECRET: SECRET }, {
      host: "127.0.0.1", port: 0, handleRuntimeStdio: (stdout, stderr) => { collect(stdout); collect(stderr); },
    });
    url = `${(await mf.ready).href.replace(/\/$/, "")}/webhooks/ankorstore`;
  });
  after(() => mf?.dispose());

  test("a signed delivery of the mock: 204 and logged; spoiled ones: 401", async () => {
    const signed = await mock.deliverWebhook({ url, secret: SECRET, event: "order.shipped" });
    assert.equal(signed.status, 204);
    const orderId = JSON.parse(signed.payload).data.id;
    for (let i = 0; i < 100 && !logs.includes(orderId); i++) await sleep(20);
    assert.match(logs, new RegExp(`order\\.shipped about order ${orderId}`));
    for (const tamper of ["signature", "body", "missing", "empty"]) {
      assert.equal((await mock.deliverWebhook({ url, secret: SECRET, event: "order.shipped", tamper })).status, 401, tamper);
    }
  });
});

describe("TypeScript", () => {
  /** tsc --strict on src/<name>.ts; returns the diagnostics (file(line,col): error TSxxxx: message). */
  async function tsc(name, source) {
    writeFileSync(join(dir, `${name}.ts`), source);
    writeFileSync(join(dir, `tsconfig.${name}.json`), JSON.stringify({
      compilerOptions: { strict: true, noEmit: true, skipLibCheck: false, target: "es2022", module: "nodenext", lib: ["es2022", "dom"], types: [] },
      files: [`${name}.ts`],
    }));
    return run(bin("tsc"), ["-p", `tsconfig.${name}.json`, "--pretty", "false"], { cwd: dir, timeout: 120_000 })
      .then(() => [], (e) => String(e.stdout).split("\n").filter((l) => /error TS\d+/.test(l)));
  }

  test("compiles with --strict; a wrong parameter name, query name or body value does not", async () => {
    const code = block("TypeScript", "ts");
    assert.deepEqual(await tsc("readme", code), []);
    const mutants = {
      "params name": ["params: { order: order.id }", "params: { id: order.id }"],
      "query name": ['"filter[status]": "ankor_confirmed"', '"filter[state]": "ankor_confirmed"'],
      "body enum value": ['rejectType: "PRODUCT_OUT_OF_STOCK"', 'rejectType: "SOLD_OUT"'],
      "result type": ["Promise<Order[]>", "Promise<string[]>"],
    };
    for (const [name, [from, to]] of Object.entries(mutants)) {
      assert.ok(code.includes(from), `${name}: the example has ${from}`);
      const errors = await tsc(`readme-${name.replaceAll(" ", "-")}`, code.replace(from, to));
      assert.ok(errors.length > 0, `${name}: ${to} compiled`);
    }
  });

  test("runs against the mock: the 5 orders to confirm, then one rejected", async () => {
    const { code } = await esbuild.transform(block("TypeScript", "ts"), { loader: "ts", format: "esm" });
    writeFileSync(join(dir, "readme-ts.mjs"), code);
    writeFileSync(join(dir, "run-readme-ts.mjs"), `import { AnkorstoreClient } from "ankorstore-client";
import { ordersToConfirm, rejectOrder } from "./readme-ts.mjs";
const client = new AnkorstoreClient({ clientId: process.env.ID, clientSecret: process.env.SECRET, baseUrl: process.env.BASE });
const orders = await ordersToConfirm(client);
console.log(JSON.stringify({ ids: orders.map((o) => o.id), status: await rejectOrder(client, orders[0]) }));
`);
    const { stdout } = await run(process.execPath, ["run-readme-ts.mjs"], {
      cwd: dir, timeout: 20_000, env: { ...process.env, ID: DEMO_CLIENT_ID, SECRET: DEMO_CLIENT_SECRET, BASE: mock.url },
    });
    assert.deepEqual(JSON.parse(stdout), { ids: TO_CONFIRM.map((o) => o.id), status: "rejected" });
  });
});

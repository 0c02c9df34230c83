// The README's "Before the first release": `npm pack ./pkg` at the repository root, then
// `npm install <that tarball>` in another project, which then imports and requires the
// package (both sub-paths) and calls the mock. (`git clone` and `npm run build` are what
// every CI run does from its clean checkout.) Run: node --test tests/package/install.test.mjs
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";

import { DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, startMock } from "../../mock/server.mjs";
import { USER } from "../../mock/data.mjs";
import { root, run } from "../runtimes/fixtures/scratch.mjs";

const version = JSON.parse(readFileSync(join(root, "pkg", "package.json"), "utf8")).version;
const tarballName = `ankorstore-client-${version}.tgz`;
const project = join(root, ".scratch", "readme-install");

let mock;

/** Every ```sh block between `heading` and the next heading, as lists of commands. */
function shBlocks(heading) {
  const text = readFileSync(join(root, "README.md"), "utf8");
  const start = text.indexOf(`\n${heading}\n`);
  assert.ok(start >= 0, `README.md: no "${heading}"`);
  const rest = text.slice(start + heading.length + 2);
  const section = rest.slice(0, rest.search(/^#{1,3} /m));
  return [...section.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) =>
    m[1].split("\n").map((line) => line.replace(/\s+#.*$/, "").trim()).filter(Boolean));
}

before(async () => {
  mock = await startMock({ port: 0 });
});

after(async () => {
  await mock?.close();
  rmSync(join(root, tarballName), { force: true });
});

test("README: the install command for after the release, and the path until then", () => {
  assert.deepEqual(shBlocks("## Install")[0], ["npm install ankorstore-client"]);
  assert.deepEqual(shBlocks("### Before the first release"), [
    ["git clone https://github.com/ankorstore-client/ankorstore-client.git", "cd ankorstore-client", "npm run build", "npm pack ./pkg"],
    ["cd /path/to/your/project", `npm install /path/to/ankorstore-client/${tarballName}`],
  ]);
});

test("npm pack ./pkg, then npm install <tarball> in a project: import, require, both sub-paths", async () => {
  // npm pack ./pkg (at the repository root)
  const { stdout } = await run("npm", ["pack", "./pkg"], { cwd: root, timeout: 60_000 });
  assert.equal(stdout.trim().split("\n").pop(), tarballName);
  assert.ok(existsSync(join(root, tarballName)));

  // cd /path/to/your/project && npm install /path/to/ankorstore-client/ankorstore-client-x.y.z.tgz
  rmSync(project, { recursive: true, force: true });
  mkdirSync(project, { recursive: true });
  writeFileSync(join(project, "package.json"), JSON.stringify({ name: "your-project", version: "1.0.0", private: true }, null, 2));
  await run("npm", ["install", "--no-audit", "--no-fund", join(root, tarballName)], { cwd: project, timeout: 120_000 });
  const manifest = JSON.parse(readFileSync(join(project, "package.json"), "utf8"));
  assert.match(manifest.dependencies["ankorstore-client"], new RegExp(`^file:.*${tarballName.replaceAll(".", "\\.")}$`));
  const lock = JSON.parse(readFileSync(join(project, "package-lock.json"), "utf8"));
  assert.deepEqual(Object.keys(lock.packages).sort(), ["", "node_modules/ankorstore-client"], "the package brings nothing else");

  const env = { ...process.env, BASE_URL: mock.url, CLIENT_ID: DEMO_CLIENT_ID, CLIENT_SECRET: DEMO_CLIENT_SECRET };
  writeFileSync(join(project, "esm.mjs"), `import { AnkorstoreClient } from "ankorstore-client";
import { redisTokenStore } from "ankorstore-client/stores";
const client = new AnkorstoreClient({ clientId: process.env.CLIENT_ID, clientSecret: process.env.CLIENT_SECRET, baseUrl: process.env.BASE_URL });
console.log(JSON.stringify({ user: await client.me(), stores: typeof redisTokenStore }));
`);
  writeFileSync(join(project, "cjs.cjs"), `const { getMe, exchangeCredentials } = require("ankorstore-client");
const { kvTokenStore } = require("ankorstore-client/stores");
(async () => {
  const options = { baseUrl: process.env.BASE_URL };
  const token = await exchangeCredentials({ ...options, clientId: process.env.CLIENT_ID, clientSecret: process.env.CLIENT_SECRET });
  console.log(JSON.stringify({ user: await getMe(token.accessToken, options), stores: typeof kvTokenStore }));
})();
`);
  for (const file of ["esm.mjs", "cjs.cjs"]) {
    const { stdout: out } = await run(process.execPath, [file], { cwd: project, env, timeout: 20_000 });
    assert.deepEqual(JSON.parse(out), { user: USER, stores: "function" }, file);
  }
});

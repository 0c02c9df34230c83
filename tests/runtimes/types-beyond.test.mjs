// The declarations of what "Beyond /me" adds besides the OpenAPI-typed calls (those are in
// tests/types/good-api.ts): client.rateLimit, verifyWebhookSignature, params and PageOptions,
// and what pages()/paginate() return, compiled with `tsc --strict` against the packed
// package. Each `@ts-expect-error` must meet its error (else TS2578), so the file fails to
// compile both when a type is too loose and when it is too strict.
// Run: node --test tests/runtimes/types-beyond.test.mjs
import { test } from "node:test";
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";

import { bin, freshProject, run } from "./fixtures/scratch.mjs";

const SOURCE = `import { AnkorstoreClient, verifyWebhookSignature, type PageOptions, type RateLimit, type RequestOptions } from "ankorstore-client";

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;

export async function check(client: AnkorstoreClient, body: string, bytes: Uint8Array, header: string | null): Promise<unknown[]> {
  // rateLimit: RateLimit | null, read-only; resetAt optional.
  const rate: Equal<typeof client.rateLimit, RateLimit | null> = true;
  const limit: number | undefined = client.rateLimit?.limit;
  const remaining: number | undefined = client.rateLimit?.remaining;
  const resetAt: Equal<RateLimit["resetAt"], number | undefined> = true;
  const minimal: RateLimit = { limit: 600, remaining: 599 };
  // @ts-expect-error rateLimit is read-only
  client.rateLimit = null;

  // verifyWebhookSignature: a string or bytes, a header that may be missing, a string secret; a boolean.
  const verified: Equal<ReturnType<typeof verifyWebhookSignature>, boolean> = true;
  const fromText: boolean = verifyWebhookSignature(body, header, "secret");
  const fromBytes: boolean = verifyWebhookSignature(bytes, undefined, "secret");
  // @ts-expect-error a payload is a string or bytes
  verifyWebhookSignature({ body }, header, "secret");
  // @ts-expect-error the secret is a string
  verifyWebhookSignature(body, header, bytes);
  // @ts-expect-error it is synchronous: no promise to await
  verifyWebhookSignature(body, header, "secret").then(() => {});

  // params: strings and numbers, on untyped paths too; PageOptions has no body or method.
  const options: RequestOptions = { params: { shop: "main", page: 2 }, query: { full: true } };
  await client.request("GET", "/api/v2/shops/{shop}/pages/{page}", options);
  // @ts-expect-error a params value is a string or a number
  const wrongParam: RequestOptions = { params: { shop: true } };
  const pageOptions: PageOptions = { params: { shop: "main" }, signal: AbortSignal.timeout(1000) };
  // @ts-expect-error a walk has no body
  const withBody: PageOptions = { body: {} };

  // pages()/paginate(): async iterables (for await), whatever the path.
  const walk = client.pages("/api/v2/shops/{shop}/items", pageOptions);
  const iterable: AsyncIterable<unknown> = walk;
  for await (const resource of client.paginate("/api/v2/shops/{shop}/items", pageOptions)) {
    const id: string = resource.id;
    void id;
    break;
  }
  return [rate, limit, remaining, resetAt, minimal, verified, fromText, fromBytes, wrongParam, withBody, iterable];
}
`;

test("rateLimit, verifyWebhookSignature, params and PageOptions compile as declared with --strict", async () => {
  const { dir } = await freshProject("types-beyond");
  writeFileSync(join(dir, "beyond.ts"), SOURCE);
  writeFileSync(join(dir, "tsconfig.json"), JSON.stringify({
    compilerOptions: { strict: true, noEmit: true, skipLibCheck: false, target: "es2022", module: "nodenext", lib: ["es2022", "dom"], types: [] },
    files: ["beyond.ts"],
  }));
  const output = await run(bin("tsc"), ["-p", "tsconfig.json", "--pretty", "false"], { cwd: dir, timeout: 120_000 })
    .then(({ stdout }) => stdout, (e) => String(e.stdout));
  assert.equal(output.trim(), "", `tsc:\n${output}`);
});

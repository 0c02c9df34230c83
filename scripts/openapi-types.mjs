// The typed half of the package's .d.ts: Ankorstore's OpenAPI description (the project's copy,
// openapi/ankorstore.json) turned into TypeScript by openapi-typescript, plus the generic
// declarations that type client.request(), pages() and paginate() per path template and
// method by looking them up in the generated `paths`. Nothing here is written per path.
//
//   import { openapiTypes } from "./openapi-types.mjs";
//   const fragment = await openapiTypes({ root });       // what build.mjs appends (step 4)
//
//   node scripts/openapi-types.mjs                        prints the fragment
//   node scripts/openapi-types.mjs --refresh FILE         repairs FILE (JSON or YAML, as
//                                                         Ankorstore publishes it) and writes
//                                                         it to openapi/ankorstore.json
//
// openapi-typescript needs the TypeScript 5 compiler API, which the workspace's TypeScript 7
// (the native compiler) does not have: openapi/package.json pins both, and npm installs them
// in openapi/node_modules (see openapi/README.md).
import { readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const defaultRoot = join(here, "..");

/** Where the copy lives, relative to the repository root. */
export const SPEC = "openapi/ankorstore.json";

/**
 * The known defects of Ankorstore's published file, each repaired in the copy by
 * `--refresh`. A repair whose `from` is no longer found is skipped (Ankorstore fixed it).
 */
export const REPAIRS = [
  {
    // The example of ProductGet points at a file of Ankorstore's own repository that is not
    // published (`../../v1.yaml`). An example is a literal value, so a $ref there is not a
    // reference but a `jsonapi` member that the ProductGet schema forbids (the `jsonapi`
    // schema has `additionalProperties: false`). Every other example of the file gives the
    // value the schema describes: {"version": "1.0"}.
    pointer: "/components/schemas/ProductGet/examples/0/jsonapi",
    from: { $ref: "../../v1.yaml#/components/schemas/jsonapi" },
    to: { version: "1.0" },
  },
];

/** The generator, from the openapi/ workspace (openapi-typescript with its TypeScript 5). */
async function generator(root) {
  const require = createRequire(join(root, "openapi", "package.json"));
  const pkgFile = require.resolve("openapi-typescript/package.json");
  const { version, exports } = JSON.parse(readFileSync(pkgFile, "utf8"));
  const module = await import(pathToFileURL(join(dirname(pkgFile), exports["."].import)).href);
  return { openapiTS: module.default, astToString: module.astToString, version };
}

function pointerGet(doc, pointer) {
  let node = doc;
  for (const raw of pointer.split("/").slice(1)) {
    const key = raw.replaceAll("~1", "/").replaceAll("~0", "~");
    if (node === null || typeof node !== "object" || !(key in node)) return undefined;
    node = node[key];
  }
  return node;
}

function pointerSet(doc, pointer, value) {
  const keys = pointer.split("/").slice(1).map((k) => k.replaceAll("~1", "/").replaceAll("~0", "~"));
  const last = keys.pop();
  let node = doc;
  for (const key of keys) node = node[key];
  node[last] = value;
}

const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);

/** Every `$ref` that does not point inside the document itself, with its JSON pointer. */
export function externalRefs(doc) {
  const found = [];
  const walk = (node, pointer) => {
    if (Array.isArray(node)) node.forEach((item, i) => walk(item, `${pointer}/${i}`));
    else if (node && typeof node === "object") {
      for (const [key, value] of Object.entries(node)) {
        const here = `${pointer}/${key.replaceAll("~", "~0").replaceAll("/", "~1")}`;
        if (key === "$ref" && typeof value === "string" && !value.startsWith("#")) found.push({ pointer, ref: value });
        else walk(value, here);
      }
    }
  };
  walk(doc, "");
  return found;
}

/** Applies REPAIRS to a parsed document (in place); returns the pointers repaired. */
export function repair(doc) {
  const applied = [];
  for (const { pointer, from, to } of REPAIRS) {
    if (same(pointerGet(doc, pointer), from)) {
      pointerSet(doc, pointer, structuredClone(to));
      applied.push(pointer);
    }
  }
  return applied;
}

/** Throws unless `doc` is an OpenAPI 3.x description whose every $ref is internal. */
export function checkSpec(doc, name = SPEC) {
  if (!doc || typeof doc !== "object" || !/^3\./.test(String(doc.openapi)) || !doc.paths) {
    throw new Error(`${name} is not an OpenAPI 3.x description with paths`);
  }
  const external = externalRefs(doc);
  if (external.length) {
    throw new Error(
      `${name} must be self-contained, but has ${external.length} external $ref: ` +
        external.map(({ pointer, ref }) => `${ref} at ${pointer}`).join("; ") +
        ` (repair it as openapi/README.md says: scripts/openapi-types.mjs REPAIRS)`,
    );
  }
}

/**
 * The declarations to append to index.d.ts and index.d.cts: the generated description in
 * the namespace `AnkorstoreApi`, and the typed `request`, `pages` and `paginate` of
 * `AnkorstoreClient` (merged into the class that wasm-bindgen declares). `declared` is the
 * rest of the .d.ts: a name declared there too is refused, not silently merged.
 */
export async function openapiTypes({ root = defaultRoot, spec = join(root, SPEC), declared = "" } = {}) {
  const text = readFileSync(spec, "utf8");
  const doc = JSON.parse(text);
  checkSpec(doc, spec);
  const { openapiTS, astToString, version } = await generator(root);
  // Given the parsed object, not the file: a $ref is resolved inside the document only.
  const generated = astToString(await openapiTS(doc, { silent: true, cwd: pathToFileURL(dirname(spec)) }));
  // Two spaces a level instead of the printer's four (a third of the bytes were indentation),
  // plus one level for the namespace.
  // The generator's top-level declarations, documented for editors and the API reference.
  const documented = generated
    .replace(/^export interface paths \{/m, "/** Every path template of the description, with its operations. */\nexport interface paths {")
    .replace(/^export type webhooks = /m, "/** The webhooks the description declares (none). */\nexport type webhooks = ")
    .replace(/^export interface components \{/m, "/** The description's components: schemas, responses, parameters. */\nexport interface components {")
    .replace(/^export type \$defs = /m, "/** JSON Schema definitions of the description (none). */\nexport type $defs = ")
    .replace(/^export interface operations \{/m, "/** Every operation of the description, by operationId. */\nexport interface operations {");
  const body = documented.trimEnd().split("\n").map((line) => {
    const indent = line.length - line.trimStart().length;
    return line ? " ".repeat(2 + Math.floor(indent / 4) * 2 + (indent % 4)) + line.trimStart() : line;
  }).join("\n");
  const header =
    `// Generated at build time from ${SPEC} (${doc.info?.title ?? "OpenAPI"} ${doc.info?.version ?? ""}, ` +
    `OpenAPI ${doc.openapi}) by openapi-typescript ${version}: do not edit.\n`;
  const fragment = `${header}
/**
 * Ankorstore's OpenAPI description as types, e.g. \`AnkorstoreApi.components["schemas"]["Order"]\`,
 * \`AnkorstoreApi.paths["/api/v1/orders"]["get"]\`.
 */
export namespace AnkorstoreApi {
${body}
}
${MACHINERY}`;
  const clash = declaredNames(fragment).filter((name) => declaredNames(declared).includes(name) && name !== "AnkorstoreClient");
  if (clash.length) throw new Error(`scripts/openapi-types.mjs declares ${clash.join(", ")}, already declared by the Rust side`);
  return fragment;
}

/** Top-level names a .d.ts fragment declares, exported or not. */
export function declaredNames(dts) {
  return [...dts.matchAll(/^(?:export )?(?:declare )?(?:abstract )?(?:class|interface|type|namespace|function|const|enum) ([A-Za-z_$][\w$]*)/gm)].map((m) => m[1]);
}

// The generic part, written once: it looks path templates and methods up in the generated
// `AnkorstoreApi.paths`. RequestOptions and PageOptions are the untyped options declared by
// the Rust side (src/wasm/typescript.rs); a path that the description does not define keeps them.
const MACHINERY = `
/**
 * A method of request(): "GET", "get" and "Get" are the same. (The client accepts any case;
 * the types take these three spellings, so that an error lists a few names, not every spelling.)
 */
export type HttpMethod = ApiSpellings<"get" | "head" | "post" | "put" | "patch" | "delete">;
type ApiSpellings<M extends string> = Uppercase<M> | Capitalize<M> | M;

/** Every path template that Ankorstore's OpenAPI description defines, e.g. "/api/v1/orders/{order}". */
export type ApiPath = keyof AnkorstoreApi.paths & string;

type ApiOperationMethod = "get" | "put" | "post" | "delete" | "patch";

/** The methods (lower case) that the description defines for a path template; "head" wherever "get" is. */
export type ApiMethod<P extends ApiPath> =
  | { [K in ApiOperationMethod]: [NonNullable<AnkorstoreApi.paths[P][K]>] extends [never] ? never : K }[ApiOperationMethod]
  | ([NonNullable<AnkorstoreApi.paths[P]["get"]>] extends [never] ? never : "head");

/** The path templates that answer GET, for pages(). */
export type ApiGetPath = { [P in ApiPath]: "get" extends ApiMethod<P> ? P : never }[ApiPath];

/** The path templates whose GET answers a list (\`data\` is an array), for paginate(). */
export type ApiListPath = { [P in ApiGetPath]: [ApiListItem<ApiResult<P, "get">>] extends [never] ? never : P }[ApiGetPath];
type ApiListItem<Document> = Document extends { data?: infer Data } ? (NonNullable<Data> extends readonly (infer Item)[] ? Item : never) : never;

type ApiOperation<P extends ApiPath, M extends string> = NonNullable<AnkorstoreApi.paths[P][(M extends "head" ? "get" : M) & ApiOperationMethod]>;
type ApiParameters<O, In extends "path" | "query"> = O extends { parameters: infer Ps } ? (In extends keyof Ps ? NonNullable<Ps[In]> : never) : never;
/** A query value as request() sends it: a list goes as one string (comma-separated). */
type ApiQueryValue<V> = V extends readonly unknown[] ? string : V;
type ApiQuery<O> = [ApiParameters<O, "query">] extends [never] ? never : { [K in keyof ApiParameters<O, "query">]: ApiQueryValue<ApiParameters<O, "query">[K]> };
type ApiBody<O> = O extends { requestBody?: infer B } ? (NonNullable<B> extends { content: infer C } ? C[keyof C] : never) : never;
type ApiBodyRequired<O> = O extends { requestBody: { content: unknown } } ? true : false;
type ApiOption<K extends string, V, Required extends boolean> =
  [V] extends [never] ? { [Q in K]?: never } : Required extends true ? { [Q in K]: V } : { [Q in K]?: V };
type ApiRequired<V> = [V] extends [never] ? false : {} extends V ? false : true;
type ApiFlat<T> = { [K in keyof T]: T[K] } & {};

/**
 * The options of request(method, path) for a path template of the description: \`params\` fills
 * its {placeholders} (each one required), \`query\` takes the parameters it documents, \`body\` the
 * request body it documents. An option the operation does not have is refused.
 */
export type ApiRequestOptions<P extends ApiPath, M extends ApiMethod<P>> = ApiFlat<
  Omit<RequestOptions, "params" | "query" | "body">
  & ApiOption<"params", ApiParameters<ApiOperation<P, M>, "path">, ApiRequired<ApiParameters<ApiOperation<P, M>, "path">>>
  & ApiOption<"query", ApiQuery<ApiOperation<P, M>>, ApiRequired<ApiQuery<ApiOperation<P, M>>>>
  & ApiOption<"body", M extends "head" ? never : ApiBody<ApiOperation<P, M>>, ApiBodyRequired<ApiOperation<P, M>>>
>;

/** The options of pages() and paginate() for a GET path template of the description. */
export type ApiPageOptions<P extends ApiGetPath> = ApiFlat<
  Omit<PageOptions, "params" | "query">
  & ApiOption<"params", ApiParameters<ApiOperation<P, "get">, "path">, ApiRequired<ApiParameters<ApiOperation<P, "get">, "path">>>
  & ApiOption<"query", ApiQuery<ApiOperation<P, "get">>, ApiRequired<ApiQuery<ApiOperation<P, "get">>>>
>;

type ApiContent<R> = R extends { content: infer C } ? C[keyof C] : null;
type ApiSuccess<O> = O extends { responses: infer R }
  ? { [S in keyof R]: \`\${S & (string | number)}\` extends \`2\${string}\` ? ApiContent<R[S]> : never }[keyof R]
  : never;

/**
 * What request(method, path) resolves to for a path template of the description: the body of
 * its 2xx answers, \`null\` for an answer without a body (204, and HEAD).
 */
export type ApiResponse<P extends ApiPath, M extends ApiMethod<P>> = ApiResult<P, M>;
type ApiResult<P extends ApiPath, M extends string> =
  M extends "head" ? null : [ApiSuccess<ApiOperation<P, M>>] extends [never] ? unknown : ApiSuccess<ApiOperation<P, M>>;

/** The elements of \`data\` of each page of a list path template (what paginate() yields). */
export type ApiPageItem<P extends ApiListPath> = ApiListItem<ApiResult<P, "get">>;

type ApiRequestArgs<P extends string, M extends string> = P extends ApiPath
  ? Lowercase<M> extends ApiMethod<P>
    ? {} extends ApiRequestOptions<P, Lowercase<M>> ? [options?: ApiRequestOptions<P, Lowercase<M>>] : [options: ApiRequestOptions<P, Lowercase<M>>]
    : [options?: never]
  : [options?: RequestOptions];
type ApiPageArgs<P extends string> = P extends ApiPath
  ? P extends ApiGetPath
    ? {} extends ApiPageOptions<P> ? [options?: ApiPageOptions<P>] : [options: ApiPageOptions<P>]
    : [options?: never]
  : [options?: PageOptions];
/** The methods a path takes: for a template of the description, those it defines; for any other path, all. */
type ApiMethodFor<P extends string> = P extends ApiPath ? ApiSpellings<ApiMethod<P>> : HttpMethod;

/** A resource object of a JSON:API document. */
export interface JsonApiResource<Attributes = Record<string, unknown>> {
  type: string;
  id: string;
  attributes?: Attributes;
  relationships?: Record<string, JsonApiRelationship>;
  links?: JsonApiLinks;
  meta?: Record<string, unknown>;
}

/** \`{ type, id }\`: how a relationship names a resource. */
export interface JsonApiResourceIdentifier {
  type: string;
  id: string;
  meta?: Record<string, unknown>;
}

/** A relationship of a resource: the resources it names, with links and meta. */
export interface JsonApiRelationship {
  data?: JsonApiResourceIdentifier | JsonApiResourceIdentifier[] | null;
  links?: JsonApiLinks;
  meta?: Record<string, unknown>;
}

/** A link: its URL, or an object with \`href\`. */
export type JsonApiLink = string | { href: string; meta?: Record<string, unknown> } | null;

/** The links of a document or a resource (\`links\`). */
export interface JsonApiLinks {
  self?: JsonApiLink;
  related?: JsonApiLink;
  first?: JsonApiLink;
  /** The next page: pages() follows it. */
  next?: JsonApiLink;
  prev?: JsonApiLink;
  last?: JsonApiLink;
  [name: string]: JsonApiLink | undefined;
}

/** Ankorstore's cursor pagination (\`meta.page\`). */
export interface JsonApiPageMeta {
  from?: string | null;
  to?: string | null;
  hasMore?: boolean;
  perPage?: number;
}

/** A JSON:API document, as request() resolves to and pages() yields for a path without types. */
export interface JsonApiDocument<Data = JsonApiResource | JsonApiResource[] | null> {
  data?: Data;
  included?: JsonApiResource[];
  meta?: { page?: JsonApiPageMeta; [key: string]: unknown };
  links?: JsonApiLinks;
  jsonapi?: { version?: string; meta?: Record<string, unknown> };
}

export interface AnkorstoreClient {
  /**
   * Calls \`{baseUrl}{path}\` as JSON:API and resolves to the parsed body (\`null\` when empty).
   * For a path template of Ankorstore's OpenAPI description (e.g. "/api/v1/orders/{order}",
   * its placeholders filled from \`params\`), the options and the result are typed from it;
   * any other path takes RequestOptions and resolves to \`unknown\`.
   */
  request<P extends string, M extends ApiMethodFor<P>>(
    method: M,
    path: P,
    ...options: ApiRequestArgs<P, M>
  ): Promise<P extends ApiPath ? ApiResult<P, Lowercase<M>> : unknown>;
  /**
   * GET \`path\`, then each page its \`links.next\` points to: yields every page document. For a
   * GET path template of the description, pages are typed from it.
   */
  pages<P extends string>(
    path: P extends ApiPath ? (P extends ApiGetPath ? P : ApiGetPath) : P,
    ...options: ApiPageArgs<P>
  ): AsyncIterable<P extends ApiGetPath ? ApiResult<P, "get"> : JsonApiDocument>;
  /**
   * The elements of \`data\` of every page of pages(path): for a list path template of the
   * description, typed from it.
   */
  paginate<P extends string>(
    path: P extends ApiPath ? (P extends ApiListPath ? P : ApiListPath) : P,
    ...options: ApiPageArgs<P>
  ): AsyncIterable<P extends ApiListPath ? ApiPageItem<P> : JsonApiResource>;
}

// In a declaration file every top-level declaration is exported unless the file says
// \`export {}\`: with it, the helpers above without \`export\` stay private.
export {};
`;

/**
 * Reads Ankorstore's published description (JSON or YAML), applies REPAIRS, checks it and
 * writes it as the copy (JSON, one-space indentation like the published JSON).
 */
export function refresh(file, { root = defaultRoot, out = join(root, SPEC) } = {}) {
  const source = readFileSync(file, "utf8");
  let doc;
  if (/^\s*\{/.test(source)) doc = JSON.parse(source);
  else {
    // The YAML parser of the generator's own loader (@redocly/openapi-core).
    const fromGenerator = createRequire(createRequire(join(root, "openapi", "package.json")).resolve("openapi-typescript"));
    doc = fromGenerator("@redocly/openapi-core").parseYaml(source);
  }
  const repaired = repair(doc);
  checkSpec(doc, file);
  writeFileSync(out, JSON.stringify(doc, null, 1) + "\n");
  return { paths: Object.keys(doc.paths).length, repaired };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  if (args[0] === "--refresh" && args.length === 2) {
    const { paths, repaired } = refresh(args[1]);
    console.log(`${SPEC} written from ${args[1]}: ${paths} paths; repaired: ${repaired.join(", ") || "nothing"}`);
  } else if (args.length === 0) {
    process.stdout.write(await openapiTypes());
  } else {
    console.error("usage: node scripts/openapi-types.mjs [--refresh FILE]");
    process.exit(2);
  }
}

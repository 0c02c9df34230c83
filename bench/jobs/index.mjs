// The contenders. Each job module exports `create(lib, {baseUrl, clientId, clientSecret})`
// returning `me()`; the same module is timed in Node, run in workerd, and bundled for size.
// `imports` are the names the job uses from its library: bundles import exactly those, so
// that tree shaking keeps what the job needs and nothing else.
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { jobsDir } from "../lib/paths.mjs";

export const CONTENDERS = [
  { id: "raw", label: "raw fetch", spec: null, imports: [], managesTokens: false },
  { id: "raw-timeout", label: "raw fetch + timeout", spec: null, imports: [], managesTokens: false },
  { id: "package", label: "ankorstore-client", spec: "ankorstore-client", imports: ["AnkorstoreClient"], managesTokens: true },
  {
    id: "badgateway", label: "@badgateway/oauth2-client", spec: "@badgateway/oauth2-client",
    imports: ["OAuth2Client", "OAuth2Fetch"], managesTokens: true,
  },
  {
    id: "oauth4webapi", label: "oauth4webapi", spec: "oauth4webapi",
    imports: ["ClientSecretPost", "allowInsecureRequests", "clientCredentialsGrantRequest",
      "processClientCredentialsResponse", "protectedResourceRequest"],
    managesTokens: false,
  },
];

/** Adds the baseline build (--baseline) as a contender doing the package's job. */
export function addBaseline({ label, name, dir, loader }) {
  CONTENDERS.splice(3, 0, {
    id: "baseline", label: `ankorstore-client @ ${label}`, spec: name, imports: ["AnkorstoreClient"],
    managesTokens: true, job: "package", packageDir: dir, loader,
  });
}

const jobOf = (id) => CONTENDERS.find((c) => c.id === id)?.job ?? id;
export const jobPath = (id) => join(jobsDir, `${jobOf(id)}.mjs`);

/** The job's `create`, from its module. */
export async function loadJob(id) {
  return (await import(pathToFileURL(jobPath(id)).href)).create;
}

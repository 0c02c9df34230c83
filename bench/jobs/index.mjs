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

export const jobPath = (id) => join(jobsDir, `${id}.mjs`);

/** The job's `create`, from its module. */
export async function loadJob(id) {
  return (await import(pathToFileURL(jobPath(id)).href)).create;
}

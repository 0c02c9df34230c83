// An ESM consumer that uses every export of ankorstore-client as typed in
// ../../shared/design/api.md. Type-checked only (tests/runtimes/types.test.mjs): it must
// compile with --strict and no error, and each `Equal` below must hold exactly.
import {
  AnkorstoreClient,
  AnkorstoreError,
  exchangeCredentials,
  getMe,
  type AccessToken,
  type AnkorstoreClientOptions,
  type EndpointOptions,
  type Environment,
  type ErrorCode,
  type ExchangeOptions,
  type JsonApiError,
  type RequestOptions,
  type TokenStore,
  type User,
} from "ankorstore-client";

/** true when A and B are the same type (any is equal only to any). */
type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;

// Exact shapes of api.md.
const environment: Equal<Environment, "production" | "sandbox"> = true;
const errorCodes: Equal<
  ErrorCode,
  | "invalid_config" | "invalid_argument" | "invalid_client" | "unauthenticated" | "forbidden" | "not_found"
  | "rate_limited" | "request_failed" | "server_error" | "network" | "timeout" | "aborted" | "invalid_response"
> = true;
const accessTokenShape: Equal<
  { [K in keyof AccessToken]: AccessToken[K] },
  { accessToken: string; tokenType: string; expiresIn: number; expiresAt: number }
> = true;
const userType: Equal<User["type"], "user"> = true;
const userId: Equal<User["id"], number> = true;
const userEmail: Equal<User["email"], string> = true;
const userExtra: Equal<User["some_new_field"], unknown> = true;
const storeGet: Equal<ReturnType<TokenStore["get"]>, Promise<string | null | undefined> | string | null | undefined> = true;
const storeSet: Equal<Parameters<TokenStore["set"]>, [key: string, value: string, ttlSeconds: number]> = true;
const requestQuery: Equal<RequestOptions["query"], Record<string, string | number | boolean> | undefined> = true;
const requestHeaders: Equal<RequestOptions["headers"], Record<string, string> | undefined> = true;
const requestSignal: Equal<RequestOptions["signal"], AbortSignal | undefined> = true;
const exchangeExtends: Equal<ExchangeOptions extends EndpointOptions ? true : false, true> = true;
const clientExtends: Equal<AnkorstoreClientOptions extends ExchangeOptions ? true : false, true> = true;
const tokenResult: Equal<ReturnType<AnkorstoreClient["token"]>, Promise<AccessToken>> = true;
const meResult: Equal<ReturnType<AnkorstoreClient["me"]>, Promise<User>> = true;
const requestResult: Equal<ReturnType<AnkorstoreClient["request"]>, Promise<unknown>> = true;
const invalidateResult: Equal<ReturnType<AnkorstoreClient["invalidateToken"]>, void> = true;
const baseUrlType: Equal<AnkorstoreClient["baseUrl"], string> = true;
const exchangeResult: Equal<ReturnType<typeof exchangeCredentials>, Promise<AccessToken>> = true;
const getMeResult: Equal<ReturnType<typeof getMe>, Promise<User>> = true;
const errorFields: Equal<
  Pick<AnkorstoreError, "name" | "code" | "status" | "retryAfter" | "oauthError" | "errors">,
  { name: "AnkorstoreError"; code: ErrorCode; status?: number; retryAfter?: number; oauthError?: string; errors?: JsonApiError[] }
> = true;
const jsonApiError: Equal<
  { [K in keyof JsonApiError]: JsonApiError[K] },
  { status?: string; code?: string; title?: string; detail?: string; source?: unknown; meta?: unknown }
> = true;

/** A TokenStore with synchronous methods… */
class MemoryStore implements TokenStore {
  private readonly entries = new Map<string, { value: string; until: number }>();
  get(key: string): string | undefined {
    const entry = this.entries.get(key);
    return entry && entry.until > Date.now() ? entry.value : undefined;
  }
  set(key: string, value: string, ttlSeconds: number): void {
    this.entries.set(key, { value, until: Date.now() + ttlSeconds * 1000 });
  }
}

/** …and one with asynchronous methods (a KV namespace, Redis…). */
const asyncStore: TokenStore = {
  async get(key) {
    return key.length > 0 ? null : undefined;
  },
  async set(_key, _value, ttlSeconds) {
    if (ttlSeconds < 1) throw new Error("ttl");
  },
};

/** Every code of the union, exhaustively: adding or removing a code breaks this switch. */
function advice(error: AnkorstoreError): string {
  switch (error.code) {
    case "invalid_config":
    case "invalid_argument":
      return "fix the call";
    case "invalid_client":
    case "unauthenticated":
    case "forbidden":
      return "check the credentials";
    case "not_found":
      return "nothing there";
    case "rate_limited":
      return `retry in ${error.retryAfter ?? 1} s`;
    case "request_failed":
      return `rejected: ${error.errors?.map((e) => e.detail ?? e.title ?? "").join(", ") ?? ""}`;
    case "server_error":
    case "network":
    case "timeout":
    case "invalid_response":
      return "try again later";
    case "aborted":
      return "cancelled";
    default: {
      const unreachable: never = error.code;
      return unreachable;
    }
  }
}

export async function main(baseUrl: string): Promise<string> {
  const options: AnkorstoreClientOptions = {
    clientId: "demo-client-id",
    clientSecret: "demo-client-secret",
    environment: "sandbox",
    baseUrl,
    timeoutMs: 10_000,
    maxRetries: 3,
    scope: "*",
    refreshMarginSeconds: 120,
    tokenStore: new MemoryStore(),
  };
  const client = new AnkorstoreClient(options);
  const url: string = client.baseUrl;

  const token: AccessToken = await client.token();
  const bearer: string = `${token.tokenType} ${token.accessToken}`;
  const expiresAt: number = token.expiresAt;
  const expiresIn: number = token.expiresIn;

  const controller = new AbortController();
  const user: User = await client.me({ signal: controller.signal });
  const id: number = user.id;
  const names: string[] = [user.email, user.first_name, user.last_name, user.created_at, user.updated_at];
  const kind: "user" = user.type;
  const extra: unknown = user["anything_else"];

  const request: RequestOptions = {
    query: { "page[limit]": 10, include: "retailer", archived: false },
    headers: { "x-request-id": "42" },
    body: { order: { rejectType: "OTHER" } },
    signal: controller.signal,
  };
  // A path without types (not a template of the OpenAPI description) takes RequestOptions.
  const orders: unknown = await client.request("GET", "/api/v1/orders/1", { query: request.query });
  await client.request("POST", "/api/v1/orders/1/reject", request);
  await client.request("DELETE", "/api/v1/webhook-subscriptions/1");
  client.invalidateToken();

  const once: AccessToken = await exchangeCredentials({ clientId: "id", clientSecret: "secret", environment: "production", scope: "*", maxRetries: 0 });
  const viaToken: User = await getMe(once.accessToken, { baseUrl, timeoutMs: 5_000 });
  await new AnkorstoreClient({ clientId: "id", clientSecret: "secret", tokenStore: asyncStore }).token();

  try {
    await client.me();
  } catch (error) {
    if (error instanceof AnkorstoreError) {
      const code: ErrorCode = error.code;
      const status: number | undefined = error.status;
      const oauth: string | undefined = error.oauthError;
      const first: JsonApiError | undefined = error.errors?.[0];
      const message: string = error.message;
      const asError: Error = error;
      return [code, status, oauth, first?.detail, message, asError.name, advice(error)].join(" ");
    }
    throw error;
  }
  const made = new AnkorstoreError("timeout", "no answer", { status: 504 });
  return [url, bearer, expiresAt, expiresIn, id, names, kind, extra, orders, viaToken.email, made.code].join();
}

export const checks = [
  environment, errorCodes, accessTokenShape, userType, userId, userEmail, userExtra, storeGet, storeSet, requestQuery,
  requestHeaders, requestSignal, exchangeExtends, clientExtends, tokenResult, meResult, requestResult,
  invalidateResult, baseUrlType, exchangeResult, getMeResult, errorFields, jsonApiError,
];

//! The TypeScript declarations of the options, data and error types (api.md), emitted
//! into the package's `.d.ts` beside the declarations wasm-bindgen derives.

use wasm_bindgen::prelude::*;

#[wasm_bindgen(typescript_custom_section)]
const TYPES: &'static str = r#"
/** Ankorstore environment: production https://www.ankorstore.com, sandbox https://www.public.ankorstore-sandbox.com. */
export type Environment = "production" | "sandbox";

/** Where and how a call reaches Ankorstore: environment or base URL, timeout, retries. */
export interface EndpointOptions {
  /** Default "production". */
  environment?: Environment;
  /** Overrides environment. Must be https (plain http only for localhost, 127.0.0.0/8, [::1]). */
  baseUrl?: string;
  /** Per HTTP attempt, until the body is read. Default 30000. */
  timeoutMs?: number;
  /** Default 2. Every retry, whatever its cause, counts. */
  maxRetries?: number;
}

/** Options of exchangeCredentials(): the OAuth2 client credentials and the endpoint options. */
export interface ExchangeOptions extends EndpointOptions {
  clientId: string;
  clientSecret: string;
  /** Default "*". */
  scope?: string;
}

/** Options of new AnkorstoreClient(): the client credentials, the endpoint options, and how the token is cached and shared. */
export interface AnkorstoreClientOptions extends ExchangeOptions {
  /** Seconds before expiry at which the token is renewed (never more than half its life). Default 60. */
  refreshMarginSeconds?: number;
  /** A cache shared between client instances, processes or isolates. */
  tokenStore?: TokenStore;
}

/** Options of getMe(): the endpoint options and an AbortSignal. */
export interface GetMeOptions extends EndpointOptions {
  /** Cancels the call and its retries. */
  signal?: AbortSignal;
}

/** An OAuth2 access token, as exchangeCredentials() and client.token() resolve it. Never log accessToken. */
export interface AccessToken {
  accessToken: string;
  /** As sent by the server, e.g. "Bearer". */
  tokenType: string;
  /** Seconds, as sent by the server. */
  expiresIn: number;
  /** Milliseconds since the epoch: when the token request was sent + expiresIn. */
  expiresAt: number;
}

/** The `data` object of GET /api/v1/me, every field kept as sent. */
export interface User {
  type: "user";
  id: number;
  email: string;
  first_name: string;
  last_name: string;
  created_at: string;
  updated_at: string;
  [field: string]: unknown;
}

/** A cache shared between client instances, processes or isolates. */
export interface TokenStore {
  /** The value stored under key, or null/undefined when there is none. */
  get(key: string): Promise<string | null | undefined> | string | null | undefined;
  /** Stores value under key for ttlSeconds seconds (the token's remaining life, at least 1). */
  set(key: string, value: string, ttlSeconds: number): Promise<void> | void;
  /**
   * Optional: take a short exclusive lock (resolve true when taken, false when someone else
   * holds it). With it, only one client of a fleet asks for a token while the others wait
   * for it in the store. Any other answer, an error, or no answer within 2 s: the client
   * goes on without the lock.
   */
  lock?(key: string, ttlMs: number): Promise<boolean> | boolean;
  /** Optional: release a lock taken with lock(). */
  unlock?(key: string): Promise<void> | void;
}

/** Options of client.me(). */
export interface MeOptions {
  /** Cancels the call and its retries: rejects with "aborted". */
  signal?: AbortSignal;
}

/** Options of client.request(): path parameters, query string, JSON body, extra headers, cancellation. */
export interface RequestOptions {
  /** Values of the {placeholders} of the path, each percent-encoded as one segment. */
  params?: Record<string, string | number>;
  query?: Record<string, string | number | boolean>;
  /** Sent as JSON (Content-Type: application/vnd.api+json). */
  body?: unknown;
  /** Extra headers; not Authorization (set from the token) nor those fetch sets itself (Host, Content-Length, Connection…). */
  headers?: Record<string, string>;
  /** Cancels this call and its retries: rejects with "aborted". */
  signal?: AbortSignal;
}

/** What went wrong, as AnkorstoreError.code: a closed set of codes. */
export type ErrorCode =
  | "invalid_config"
  | "invalid_argument"
  | "invalid_client"
  | "unauthenticated"
  | "forbidden"
  | "not_found"
  | "rate_limited"
  | "request_failed"
  | "server_error"
  | "network"
  | "timeout"
  | "aborted"
  | "invalid_response";

/** One error object of a JSON:API error document, every member as sent (credentials redacted). */
export interface JsonApiError {
  status?: string;
  code?: string;
  title?: string;
  detail?: string;
  source?: unknown;
  meta?: unknown;
}

/** Options of client.pages() and client.paginate(): as RequestOptions, without a method or body. */
export interface PageOptions {
  /** Values of the {placeholders} of the path, each percent-encoded as one segment. */
  params?: Record<string, string | number>;
  query?: Record<string, string | number | boolean>;
  /** Extra headers; not Authorization (set from the token) nor those fetch sets itself (Host, Content-Length, Connection…). */
  headers?: Record<string, string>;
  /** Cancels the walk: the iteration rejects with "aborted". */
  signal?: AbortSignal;
}

/** The API's rate limit as its last response that carried X-RateLimit-* headers reported it. */
export interface RateLimit {
  /** X-RateLimit-Limit. */
  limit: number;
  /** X-RateLimit-Remaining. */
  remaining: number;
  /** X-RateLimit-Reset (epoch seconds), in ms since the epoch, when sent. */
  resetAt?: number;
}

/** Every rejection of every function of this package. Never holds the client secret or a token. */
export class AnkorstoreError extends Error {
  constructor(code: ErrorCode, message: string, details?: { status?: number; retryAfter?: number; oauthError?: string; errors?: JsonApiError[] });
  name: "AnkorstoreError";
  code: ErrorCode;
  /** HTTP status, when a response was received. */
  status?: number;
  /** Seconds, for rate_limited. */
  retryAfter?: number;
  /** `error` of an OAuth error body, e.g. "invalid_client". */
  oauthError?: string;
  /** `errors` of a JSON:API error document: its error objects, every member as sent (redacted). */
  errors?: JsonApiError[];
}
"#;

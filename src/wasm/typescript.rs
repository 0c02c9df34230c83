//! The TypeScript declarations of the options, data and error types (api.md), emitted
//! into the package's `.d.ts` beside the declarations wasm-bindgen derives.

use wasm_bindgen::prelude::*;

#[wasm_bindgen(typescript_custom_section)]
const TYPES: &'static str = r#"
/** Ankorstore environment: production https://www.ankorstore.com, sandbox https://www.public.ankorstore-sandbox.com. */
export type Environment = "production" | "sandbox";

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

export interface ExchangeOptions extends EndpointOptions {
  clientId: string;
  clientSecret: string;
  /** Default "*". */
  scope?: string;
}

export interface AnkorstoreClientOptions extends ExchangeOptions {
  /** Seconds before expiry at which the token is renewed (never more than half its life). Default 60. */
  refreshMarginSeconds?: number;
  /** A cache shared between client instances, processes or isolates. */
  tokenStore?: TokenStore;
}

export interface GetMeOptions extends EndpointOptions {
  /** Cancels the call and its retries. */
  signal?: AbortSignal;
}

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
  get(key: string): Promise<string | null | undefined> | string | null | undefined;
  set(key: string, value: string, ttlSeconds: number): Promise<void> | void;
  /**
   * Optional: take a short exclusive lock (resolve true when taken, false when someone else
   * holds it). With it, only one client of a fleet asks for a token while the others wait
   * for it in the store.
   */
  lock?(key: string, ttlMs: number): Promise<boolean> | boolean;
  /** Optional: release a lock taken with lock(). */
  unlock?(key: string): Promise<void> | void;
}

export interface MeOptions {
  /** Cancels the call and its retries: rejects with "aborted". */
  signal?: AbortSignal;
}

export interface RequestOptions {
  query?: Record<string, string | number | boolean>;
  /** Sent as JSON (Content-Type: application/vnd.api+json). */
  body?: unknown;
  headers?: Record<string, string>;
  /** Cancels this call and its retries: rejects with "aborted". */
  signal?: AbortSignal;
}

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

export interface JsonApiError {
  status?: string;
  code?: string;
  title?: string;
  detail?: string;
  source?: unknown;
  meta?: unknown;
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

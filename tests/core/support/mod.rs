//! Shared setup of the core's native tests: a scripted [`Runtime`](ankorstore_client::Runtime)
//! and [`Transport`](ankorstore_client::Transport) with a virtual clock ([`platform`]), an
//! in-memory token store ([`store`]), and the harness that runs clients on them
//! ([`harness`]), plus the figures the tests expect, derived from the client's policies.
#![allow(dead_code)]

pub mod harness;
pub mod platform;
pub mod store;

use ankorstore_client::parts::{backoff_ms, store_key};
use ankorstore_client::{AccessToken, Secret};
use serde_json::Value;

pub use harness::{call, code, config, get, post, raw, Harness, C};
pub use platform::{user_document, Answer, Flag, Route, RANDOM};
pub use store::{MemStore, StoreMode};

/// Where the virtual clock starts (ms since the epoch).
pub const T0: f64 = 1_700_000_000_000.0;
/// The client id of [`Harness::client`].
pub const CLIENT_ID: &str = "client-42";
/// The client secret of [`Harness::client`]: ASCII with characters that form-encode.
pub const SECRET: &str = "s3cr3t/K+y&z=Q!";
/// [`SECRET`] form-encoded (`application/x-www-form-urlencoded`).
pub const SECRET_FORM: &str = "s3cr3t%2FK%2By%26z%3DQ%21";
/// The default base URL (production).
pub const BASE: &str = "https://www.ankorstore.com";
/// The token of [`Harness::with_token`].
pub const TOK_A: &str = "tokA";
/// The lifetime of the tokens of [`ScriptedPlatform::hour_tokens`] (seconds).
pub const HOUR_S: f64 = 3600.0;

/// The sleep before retry `n` (0-based) after a 5xx, a network error or a timeout: the retry
/// policy's backoff with the platform's [`RANDOM`].
pub fn backoff(n: u32) -> f64 {
    backoff_ms(n, RANDOM)
}

/// The sleeps of the first `n` backed-off retries.
pub fn backoffs(n: u32) -> Vec<f64> {
    (0..n).map(backoff).collect()
}

/// The store key of the client with `extra` options.
pub fn key(extra: Value) -> String {
    store_key(&config(extra))
}

/// A token store value, as another process would have written it.
pub fn stored(access_token: &str, expires_at: f64, expires_in: f64) -> String {
    AccessToken {
        access_token: Secret::new(access_token),
        token_type: "Bearer".into(),
        expires_in,
        expires_at,
    }
    .to_store_value()
}

//! `ankorstore-client`: an Ankorstore API client (OAuth2 client credentials, `GET /api/v1/me`,
//! JSON:API calls) written in Rust and compiled to WebAssembly for Node, Cloudflare Workers
//! and browsers.
//!
//! The crate has two layers (see `docs/design.md`):
//! - a plain-Rust core that holds all client behaviour: option validation, URLs, token cache
//!   and refresh, retry policy, error mapping and redaction. It reaches the outside world only
//!   through three narrow traits ([`Transport`] sends HTTP, [`Runtime`] gives time, tasks,
//!   events and cancellation, [`TokenStore`] shares tokens), so `cargo test` runs it natively
//!   with scripted answers and a virtual clock;
//! - a thin wasm-bindgen layer (`wasm`, only on `wasm32`) that implements those traits with
//!   gloo-net and the JavaScript runtime, and translates values with serde-wasm-bindgen.
#![deny(missing_docs)]

mod answer;
mod api;
mod auth;
mod client;
mod encode;
mod error;
mod loose;
mod oneshot;
mod options;
mod pages;
mod rate_limit;
mod redact;
mod retry;
mod runtime;
mod secret;
mod send;
mod token;
mod url;
mod webhook;

#[cfg(target_arch = "wasm32")]
pub mod wasm;

pub use api::{ApiRequest, CallOptions, JSON_API};
pub use auth::LocalEvent;
pub use client::Client;
pub use error::{Details, Error, ErrorCode};
pub use oneshot::{exchange_credentials, get_me};
pub use options::{
    ClientConfig, Credentials, Endpoint, Given, Options, PRODUCTION_URL, SANDBOX_URL,
};
pub use pages::{Pages, Yield};
pub use rate_limit::RateLimit;
pub use runtime::{
    race, Body, Either, HttpRequest, HttpResponse, Payload, Runtime, StoreError, TokenStore,
    Transport, TransportError,
};
pub use secret::Secret;
pub use token::{AccessToken, TokenView};
pub use webhook::verify_webhook_signature;

/// The parsers of server and caller input and the policies, for the fuzz targets, the fleet
/// simulation and the tests. Not needed to use the client.
pub mod parts {
    pub use crate::answer::{api_error, token_error, CallName, ErrorDocument};
    pub use crate::api::{
        check_user, prepare_request, DataList, MeDocument, PageLinks, PreparedCall, UserFields,
    };
    pub use crate::auth::{
        store_key, token_request_body, COOLDOWN_BASE_S, COOLDOWN_CAP_S, LOCK_TTL_MS, LOCK_WAIT_MS,
        STORE_TIMEOUT_MS,
    };
    pub use crate::encode::{encode_form, js_number};
    pub use crate::loose::{Bounded, Loose, Record, MAX_DEPTH};
    pub use crate::options::{
        Shape, CLIENT_OPTIONS, DEFAULT_MAX_RETRIES, DEFAULT_REFRESH_MARGIN_S, DEFAULT_TIMEOUT_MS,
        EXCHANGE_OPTIONS, GET_ME_OPTIONS, ME_OPTIONS, PAGE_OPTIONS, REQUEST_OPTIONS,
    };
    pub use crate::redact::{Redactor, REDACTED};
    pub use crate::retry::{
        backoff_ms, decide, parse_http_date, parse_retry_after, Attempt, Decision, BACKOFF_BASE_MS,
        BACKOFF_CAP_MS, MAX_WAITED_RETRY_AFTER_S,
    };
    pub use crate::runtime::{timer_ms, MAX_TIMER_MS};
    pub use crate::token::TokenResponse;
    pub use crate::url::{BaseUrl, UrlError};
}

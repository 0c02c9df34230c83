//! `ankorstore-client`: an Ankorstore API client (OAuth2 client credentials, `GET /api/v1/me`,
//! JSON:API calls) written in Rust and compiled to WebAssembly for Node, Cloudflare Workers
//! and browsers.
//!
//! The crate is split in two:
//! - a plain-Rust core (everything but [`wasm`]) that holds all client behaviour: option
//!   validation, form encoding, token parsing and caching, retry policy, error mapping and
//!   redaction. It talks to the outside world only through the [`platform::Platform`] trait,
//!   so `cargo test` exercises it natively with scripted responses and a virtual clock;
//! - a thin wasm-bindgen layer (`wasm`, only on `wasm32`) that implements the platform with
//!   the global `fetch`/`setTimeout` and translates between JavaScript values and the core.

pub mod api_call;
pub mod client;
pub mod config;
pub mod error;
pub mod flight;
pub mod form;
pub mod guard;
pub mod http;
pub mod json;
pub mod num;
pub mod platform;
pub mod redact;
pub mod retry;
pub mod secret;
pub mod token;
pub mod token_endpoint;
pub mod url;

#[cfg(target_arch = "wasm32")]
pub mod wasm;

#![cfg(not(target_arch = "wasm32"))]
//! Native tests of the client core against the public API contract (api.md), one module per
//! concept, on a scripted platform with a virtual clock (see `support/`). One test binary:
//! `cargo test --test core`.

mod support;

mod abort;
mod guard;
mod pages;
mod properties;
mod redaction;
mod requests;
mod retries;
mod store;
mod token_cache;
mod token_endpoint;
mod unauthorized;
mod urls;

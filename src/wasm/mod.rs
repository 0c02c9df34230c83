//! The wasm-bindgen layer: implements the core's [`Transport`](crate::Transport) with
//! gloo-net, its [`Runtime`](crate::Runtime) and [`TokenStore`](crate::TokenStore) with the
//! JavaScript runtime, and translates the public API between JavaScript values and the core
//! with serde-wasm-bindgen. No client behaviour lives here.

/// The allocator: talc instead of the default dlmalloc (smaller wasm, faster allocations).
#[cfg(not(target_feature = "atomics"))]
#[global_allocator]
static TALC: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

mod client;
mod error;
mod inspect;
mod json;
mod oneshot;
mod pages;
mod promise;
mod runtime;
mod snapshot;
mod store;
mod transport;
mod typescript;
mod webhook;

// For the wasm-bindgen tests of this layer (tests/wasm_layer.rs).
pub use client::AnkorstoreClient;
pub use error::error_to_js;
pub use json::{to_js, JsJson};
pub use oneshot::{exchange_credentials_js, get_me_js};
pub use pages::PageIterator;
pub use runtime::JsRuntime;
pub use store::JsStore;
pub use transport::FetchTransport;
pub use webhook::verify_webhook_signature_js;

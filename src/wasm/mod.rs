//! The wasm-bindgen layer: implements the core's platform with JavaScript's `fetch` and
//! timers, and translates the public API between JavaScript values and the core. No client
//! behaviour lives here.

/// The allocator: talc instead of the default dlmalloc (smaller wasm, faster allocations).
#[cfg(not(target_feature = "atomics"))]
#[global_allocator]
static TALC: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

mod api;
mod convert;
mod platform;
mod typescript;

// For the wasm-bindgen tests of this layer (tests/wasm_layer.rs).
pub use api::{exchange_credentials_js, get_me_js, AnkorstoreClient};
pub use convert::{error_to_js, to_js, to_json, token_to_js};

//! The wasm-bindgen layer: implements the core's platform with JavaScript's `fetch` and
//! timers, and translates the public API between JavaScript values and the core. No client
//! behaviour lives here.

mod api;
mod convert;
mod platform;
mod typescript;

//! Core futures as JavaScript promises, rejected with `AnkorstoreError`s.

use std::future::Future;
use std::pin::Pin;

use js_sys::Promise;
use wasm_bindgen::JsValue;
use wasm_bindgen_futures::future_to_promise;

use crate::error::Error;

use super::error::error_to_js;

/// A promise of `fut`, rejected with an `AnkorstoreError` on error. The future is boxed so
/// that every export shares one instance of the promise machinery (a few KB of wasm each).
pub fn promise(fut: impl Future<Output = Result<JsValue, Error>> + 'static) -> Promise {
    settle(Box::pin(fut))
}

fn settle(fut: Pin<Box<dyn Future<Output = Result<JsValue, Error>>>>) -> Promise {
    future_to_promise(async move { fut.await.map_err(|e| error_to_js(&e)) })
}

/// A promise rejected with `error`.
pub fn rejected(error: Error) -> Promise {
    Promise::reject(&error_to_js(&error))
}

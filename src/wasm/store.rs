//! A caller's `tokenStore` object as the core's [`TokenStore`].

use js_sys::{Function, Promise, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

use crate::runtime::{StoreError, TokenStore};

/// An object with `get(key)` and `set(key, value, ttlSeconds)`, and optionally
/// `lock(key, ttlMs)` and `unlock(key)`; each may return a promise.
pub struct JsStore(JsValue);

impl JsStore {
    /// The store, if `value` has `get` and `set` methods.
    pub fn new(value: JsValue) -> Option<JsStore> {
        let is_function = |name: &str| method(&value, name).is_some();
        (value.is_object() && is_function("get") && is_function("set")).then_some(JsStore(value))
    }

    /// Calls `store[name](...args)` and awaits its result whether or not it is a promise;
    /// a throw or a rejection is an error.
    async fn call(&self, name: &str, args: &[JsValue]) -> Result<JsValue, StoreError> {
        let function = method(&self.0, name).ok_or(StoreError)?;
        let arguments: js_sys::Array = args.iter().collect();
        let result = function
            .apply(&self.0, &arguments)
            .map_err(|_| StoreError)?;
        JsFuture::from(Promise::resolve(&result))
            .await
            .map_err(|_| StoreError)
    }
}

/// `object[name]` when it is a function (a getter that throws counts as absent).
fn method(object: &JsValue, name: &str) -> Option<Function> {
    Reflect::get(object, &JsValue::from_str(name))
        .ok()?
        .dyn_into()
        .ok()
}

impl TokenStore for JsStore {
    async fn get(&self, key: &str) -> Result<Option<String>, StoreError> {
        let value = self.call("get", &[JsValue::from_str(key)]).await?;
        if value.is_null() || value.is_undefined() {
            return Ok(None);
        }
        value.as_string().map(Some).ok_or(StoreError)
    }

    async fn set(&self, key: &str, value: &str, ttl_seconds: u32) -> Result<(), StoreError> {
        let args = [
            JsValue::from_str(key),
            JsValue::from_str(value),
            JsValue::from(ttl_seconds),
        ];
        self.call("set", &args).await.map(|_| ())
    }

    async fn lock(&self, key: &str, ttl_ms: f64) -> Result<Option<bool>, StoreError> {
        if method(&self.0, "lock").is_none() {
            return Ok(None);
        }
        let taken = self
            .call("lock", &[JsValue::from_str(key), JsValue::from_f64(ttl_ms)])
            .await?;
        // Anything but a boolean is garbage: the store is ignored for this call (no lock, no
        // wait for a holder that may not exist).
        taken.as_bool().map(Some).ok_or(StoreError)
    }

    async fn unlock(&self, key: &str) -> Result<(), StoreError> {
        if method(&self.0, "unlock").is_none() {
            return Ok(());
        }
        self.call("unlock", &[JsValue::from_str(key)])
            .await
            .map(|_| ())
    }
}

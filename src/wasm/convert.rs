//! JavaScript values ↔ the core's types.

use js_sys::{Array, Object, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use crate::api_call::USER_FIELDS;
use crate::error::Error;
use crate::json::Json;
use crate::token::AccessToken;

use super::platform::plain_set;

/// Deepest nesting read from a JavaScript value; deeper parts become `null`. The wasm
/// stack is small and a recursion overflow would trap the instance.
const MAX_DEPTH: usize = 32;

/// Reads a JavaScript value (parsed JSON or an options object) into [`Json`]. `undefined`,
/// functions, symbols and big integers become `null`; getters that throw are skipped.
pub fn to_json(value: &JsValue) -> Json {
    read(value, 0)
}

fn read(value: &JsValue, depth: usize) -> Json {
    if let Some(s) = value.as_string() {
        return Json::String(s);
    }
    if let Some(n) = value.as_f64() {
        return Json::Number(n);
    }
    if let Some(b) = value.as_bool() {
        return Json::Bool(b);
    }
    if depth >= MAX_DEPTH || !value.is_object() || value.is_function() {
        return Json::Null;
    }
    if Array::is_array(value) {
        let array: &Array = value.unchecked_ref();
        return Json::Array(array.iter().map(|item| read(&item, depth + 1)).collect());
    }
    let object: &Object = value.unchecked_ref();
    let Ok(keys) = Reflect::own_keys(object) else {
        return Json::Null;
    };
    let members = keys
        .iter()
        .filter_map(|key| {
            let name = key.as_string()?;
            let member = Reflect::get(object, &key).ok()?;
            Some((name, read(&member, depth + 1)))
        })
        .collect();
    Json::Object(members)
}

/// Writes a [`Json`] as a JavaScript value.
pub fn to_js(value: &Json) -> JsValue {
    match value {
        Json::Null => JsValue::NULL,
        Json::Bool(b) => JsValue::from_bool(*b),
        Json::Number(n) => JsValue::from_f64(*n),
        Json::String(s) => JsValue::from_str(s),
        Json::Array(items) => items.iter().map(to_js).collect::<Array>().into(),
        Json::Object(members) => {
            let object = Object::new();
            for (key, member) in members {
                plain_set(&object, &JsValue::from_str(key), &to_js(member));
            }
            object.into()
        }
    }
}

/// Strings every call repeats (option keys, header names, media types, member names).
const CONSTANTS: &[&str] = &[
    "method",
    "headers",
    "body",
    "redirect",
    "manual",
    "signal",
    "GET",
    "POST",
    "accept",
    "authorization",
    "content-type",
    "application/json",
    "application/vnd.api+json",
    "application/x-www-form-urlencoded",
    "data",
];

/// [`CONSTANTS`], then the members of the `/me` user that are read on every call.
fn constants() -> impl Iterator<Item = &'static str> {
    CONSTANTS.iter().chain(USER_FIELDS).copied()
}

thread_local! {
    /// The JavaScript strings of [`constants`], made once: decoding a string from wasm
    /// memory on every call costs more than the lookup.
    static CONSTANT_VALUES: Vec<JsValue> = constants().map(JsValue::from_str).collect();
}

/// `text` as a JavaScript string, from the cache when it is one of [`constants`].
pub fn js_str(text: &str) -> JsValue {
    match constants().position(|c| c == text) {
        Some(i) => CONSTANT_VALUES
            .with(|values| values.get(i).cloned())
            .unwrap_or_else(|| JsValue::from_str(text)),
        None => JsValue::from_str(text),
    }
}

/// Sets `object[key] = value` on an object this crate made.
pub fn set(object: &Object, key: &str, value: &JsValue) {
    plain_set(object, &js_str(key), value);
}

/// The `AccessToken` object of the public API.
pub fn token_to_js(token: &AccessToken) -> JsValue {
    let object = Object::new();
    set(
        &object,
        "accessToken",
        &JsValue::from_str(token.access_token.expose()),
    );
    set(&object, "tokenType", &JsValue::from_str(&token.token_type));
    set(&object, "expiresIn", &JsValue::from_f64(token.expires_in));
    set(&object, "expiresAt", &JsValue::from_f64(token.expires_at));
    object.into()
}

#[wasm_bindgen(module = "/js/error.js")]
extern "C" {
    #[wasm_bindgen(js_name = AnkorstoreError)]
    type JsAnkorstoreError;
    #[wasm_bindgen(constructor, js_class = "AnkorstoreError")]
    fn new(code: &str, message: &str, details: &JsValue) -> JsAnkorstoreError;
}

/// An `AnkorstoreError` instance for a core error.
pub fn error_to_js(error: &Error) -> JsValue {
    let details = Object::new();
    if let Some(status) = error.status {
        set(&details, "status", &JsValue::from(status));
    }
    if let Some(wait) = error.retry_after {
        set(&details, "retryAfter", &JsValue::from_f64(wait));
    }
    if let Some(code) = &error.oauth_error {
        set(&details, "oauthError", &JsValue::from_str(code));
    }
    if let Some(errors) = &error.errors {
        set(
            &details,
            "errors",
            &errors.iter().map(to_js).collect::<Array>(),
        );
    }
    JsAnkorstoreError::new(error.code.as_str(), &error.message, &details).into()
}

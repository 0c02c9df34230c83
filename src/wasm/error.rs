//! Core errors as `AnkorstoreError` instances (`js/error.js`).

use wasm_bindgen::prelude::*;

use crate::error::Error;

use super::json::to_js;

#[wasm_bindgen(module = "/js/error.js")]
extern "C" {
    #[wasm_bindgen(js_name = AnkorstoreError)]
    type JsAnkorstoreError;
    #[wasm_bindgen(constructor, js_class = "AnkorstoreError")]
    fn new(code: &str, message: &str, details: &JsValue) -> JsAnkorstoreError;
}

/// An `AnkorstoreError` for a core error.
pub fn error_to_js(error: &Error) -> JsValue {
    JsAnkorstoreError::new(
        error.code.as_str(),
        &error.to_string(),
        &to_js(&error.details()),
    )
    .into()
}

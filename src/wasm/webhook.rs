//! `verifyWebhookSignature`: argument reading only.

use js_sys::{Array, ArrayBuffer, Object, Reflect, Uint8Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use crate::error::{Error, ErrorCode};
use crate::webhook::verify_webhook_signature;

use super::error::error_to_js;

/// Whether `signature` is Ankorstore's HMAC-SHA256 signature of the raw webhook body
/// `payload` (a string, hashed as UTF-8, or bytes) under the subscription's `secret`; the
/// comparison is constant-time, surrounding whitespace and hex case are ignored. `false` for
/// a missing, empty or malformed signature. Pass the raw body (`await request.text()` or its
/// bytes), never re-serialised JSON.
#[wasm_bindgen(js_name = verifyWebhookSignature)]
pub fn verify_webhook_signature_js(
    #[wasm_bindgen(unchecked_param_type = "string | Uint8Array")] payload: JsValue,
    #[wasm_bindgen(unchecked_param_type = "string | null | undefined")] signature: JsValue,
    #[wasm_bindgen(unchecked_param_type = "string")] secret: JsValue,
) -> Result<bool, JsValue> {
    let invalid = |m: &str| error_to_js(&Error::new(ErrorCode::InvalidArgument, m));
    let detached =
        || invalid("payload's bytes cannot be read: their ArrayBuffer was detached (transferred)");
    let bytes = if let Some(text) = payload.as_string() {
        text.into_bytes()
    } else if let Some(array) = payload.dyn_ref::<Uint8Array>() {
        readable(&array.buffer()).ok_or_else(detached)?;
        array.to_vec()
    } else if let Some(buffer) = payload.dyn_ref::<ArrayBuffer>() {
        readable(buffer).ok_or_else(detached)?;
        Uint8Array::new(buffer).to_vec()
    } else {
        return Err(invalid(
            "payload must be the raw request body: a string or bytes (Uint8Array)",
        ));
    };
    let secret = secret
        .as_string()
        .ok_or_else(|| invalid("the webhook secret must be a non-empty string (the secret of the webhook subscription)"))?;
    verify_webhook_signature(&bytes, signature.as_string().as_deref(), &secret)
        .map_err(|e| error_to_js(&e))
}

/// Whether the bytes of `buffer` can be read: a detached (transferred) buffer makes
/// `new Uint8Array(buffer)` and copies out of a view throw, through bindings that cannot
/// catch. The probe goes through `Reflect.construct`, which catches.
fn readable(buffer: &JsValue) -> Option<()> {
    let constructor = Object::from(Uint8Array::new_with_length(0)).constructor();
    let args = Array::of3(buffer, &JsValue::from(0), &JsValue::from(0));
    Reflect::construct(&constructor, &args).ok().map(|_| ())
}

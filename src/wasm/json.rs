//! JavaScript values ↔ the core's serde shapes, with serde-wasm-bindgen.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use wasm_bindgen::JsValue;

use crate::runtime::Payload;

/// A JSON value as JavaScript holds it (what `JSON.parse` returned, or a caller's options
/// object). Deserializing it (as a member of a core shape) keeps the JavaScript value as it
/// is; [`Payload::decode`] reads the members a core shape declares, and nothing else.
#[derive(Clone, Debug)]
pub struct JsJson(pub JsValue);

impl<'de> Deserialize<'de> for JsJson {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        serde_wasm_bindgen::preserve::deserialize(deserializer).map(JsJson)
    }
}

impl Serialize for JsJson {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serde_wasm_bindgen::preserve::serialize(&self.0, serializer)
    }
}

impl Payload for JsJson {
    fn decode<T: serde::de::DeserializeOwned>(&self) -> Option<T> {
        serde_wasm_bindgen::from_value(self.0.clone()).ok()
    }
}

/// A core value as a plain JavaScript value (objects, not `Map`s; numbers, not `BigInt`s).
pub fn to_js<T: Serialize + ?Sized>(value: &T) -> JsValue {
    value
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .unwrap_or(JsValue::UNDEFINED)
}

//! What Node's `util.inspect` and `console.log` show of the package's objects: otherwise they
//! print the binding's internals (`{ __wbg_ptr: … }`).

use std::cell::Cell;
use std::thread::LocalKey;

use js_sys::Reflect;
use wasm_bindgen::JsValue;

/// Gives the class of `instance` a `Symbol.for("nodejs.util.inspect.custom")` method, the
/// same function as its `toString()`, once per module instance (`taught` remembers).
/// wasm-bindgen cannot name a method by a registered symbol, so the prototype is reached
/// through an instance (a throwaway one: the caller's is not needed).
pub fn teach_inspect(instance: JsValue, taught: &'static LocalKey<Cell<bool>>) {
    if taught.with(|done| done.replace(true)) {
        return;
    }
    if let Ok(prototype) = Reflect::get_prototype_of(&instance) {
        if let Ok(to_string) = Reflect::get(&prototype, &JsValue::from_str("toString")) {
            let key = js_sys::Symbol::for_("nodejs.util.inspect.custom");
            let _ = Reflect::set(&prototype, &key, &to_string);
        }
    }
}

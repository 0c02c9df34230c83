//! Callers' options objects, copied before the core reads them. serde-wasm-bindgen reads
//! members and elements with bindings that cannot catch, so a getter or a Proxy trap that
//! throws would unwind through the wasm frames as the caller's own exception instead of an
//! `AnkorstoreError`, and a sparse array of length 2^32 − 1 would be walked element by element
//! (a hang). The copy is made with `Reflect` (whose bindings catch) and holds only plain data,
//! to the depth the core reads options at; arrays are copied empty, as the core only ever
//! needs their kind (no option is an array).

use js_sys::{Array, Object, Reflect};
use wasm_bindgen::{JsCast, JsValue};

use crate::error::Error;
use crate::options::Shape;

/// Options → a member (`query`…) → its values: the deepest objects the core reads members of.
const DEPTH: usize = 2;

/// Members kept as they are: the caller's own objects, used but never read as options (a
/// store's methods run on the caller's object; a body is serialised as the caller gave it).
const KEPT: [&str; 3] = ["tokenStore", "body", "signal"];

/// A plain copy of `options` (of `shape`), or `shape`'s error naming what could not be read.
pub fn snapshot(options: &JsValue, shape: &Shape) -> Result<JsValue, Error> {
    copy(options, 0, "options", Some(shape)).map_err(|path| {
        Error::new(
            shape.code,
            format!("{path} could not be read: a getter or a Proxy trap threw"),
        )
    })
}

/// `value` copied at `depth`; `Err` holds the path of what threw. At depth 0, `shape` names
/// the declared options, also read when inherited (as the core's reads would see them).
fn copy(
    value: &JsValue,
    depth: usize,
    path: &str,
    shape: Option<&Shape>,
) -> Result<JsValue, String> {
    if !value.is_object() {
        return Ok(value.clone()); // primitives, functions
    }
    // First, as it catches: a revoked Proxy throws here (and would in `Array.isArray`).
    let prototype = Reflect::get_prototype_of(value).map_err(|_| path.to_string())?;
    if Array::is_array(value) {
        return Ok(Array::new().into());
    }
    if depth > 0 && !is_plain(&prototype) {
        return Ok(value.clone()); // an AbortSignal, Headers, a class instance: as it is
    }
    // No prototype: a `__proto__` key is then an own member like any other.
    let out = Object::create(JsValue::NULL.unchecked_ref());
    let keys = Reflect::own_keys(value).map_err(|_| path.to_string())?;
    for key in keys.iter() {
        let Some(name) = key.as_string() else {
            continue; // symbols: never options
        };
        let descriptor =
            Reflect::get_own_property_descriptor(value.unchecked_ref::<Object>(), &key)
                .map_err(|_| path.to_string())?;
        let enumerable = descriptor.is_object()
            && Reflect::get(&descriptor, &JsValue::from_str("enumerable"))
                .is_ok_and(|e| e.is_truthy());
        if enumerable {
            put(&out, value, &name, depth, path)?;
        }
    }
    for name in shape.map_or(&[][..], |s| s.keys) {
        let key = JsValue::from_str(name);
        let own = Reflect::has(&out, &key).unwrap_or(false);
        if !own && Reflect::has(value, &key).map_err(|_| format!("{path}.{name}"))? {
            put(&out, value, name, depth, path)?;
        }
    }
    Ok(out.into())
}

/// Copies member `name` of `from` into `out` (which has no prototype, so even `__proto__`
/// lands as an own member).
fn put(out: &Object, from: &JsValue, name: &str, depth: usize, path: &str) -> Result<(), String> {
    let here = || format!("{path}.{name}");
    let key = JsValue::from_str(name);
    let member = Reflect::get(from, &key).map_err(|_| here())?;
    let member = if (depth == 0 && KEPT.contains(&name)) || depth >= DEPTH {
        member
    } else {
        copy(&member, depth + 1, &here(), None)?
    };
    Reflect::set(out, &key, &member).map_err(|_| here())?;
    Ok(())
}

thread_local! {
    /// `Object.prototype`, read once.
    static OBJECT_PROTOTYPE: Option<Object> = Reflect::get_prototype_of(&Object::new()).ok();
}

/// Whether `prototype` is `Object.prototype` or `null`: that of a literal or a dictionary.
fn is_plain(prototype: &Object) -> bool {
    prototype.is_null() || OBJECT_PROTOTYPE.with(|p| p.as_ref() == Some(prototype))
}

//! A small JSON value for the parts of server answers the core inspects.
//!
//! Bodies are parsed by the JavaScript engine (`JSON.parse`), which is faster than shipping a
//! Rust parser in the wasm; the wasm layer converts the few values the core must read (token
//! responses, error documents, options) into this type.

/// A JSON value. Objects keep their members in order, as sent.
#[derive(Clone, Debug, PartialEq)]
pub enum Json {
    /// `null` (also what `undefined` and non-JSON JavaScript values become).
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// A number (JavaScript numbers may be `NaN` or infinite; validation rejects those).
    Number(f64),
    /// A string.
    String(String),
    /// An array.
    Array(Vec<Json>),
    /// An object, members in order.
    Object(Vec<(String, Json)>),
}

impl Json {
    /// The member `key` of an object (`None` for other values or a missing key).
    pub fn get(&self, key: &str) -> Option<&Json> {
        match self {
            Json::Object(members) => members.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// The member `key`, treating `null` as absent (JavaScript options use both).
    pub fn field(&self, key: &str) -> Option<&Json> {
        self.get(key).filter(|v| !matches!(v, Json::Null))
    }

    /// The string inside, if this is a string.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Json::String(s) => Some(s),
            _ => None,
        }
    }

    /// The number inside, if this is a number.
    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Json::Number(n) => Some(*n),
            _ => None,
        }
    }

    /// Whether this is an object.
    pub fn is_object(&self) -> bool {
        matches!(self, Json::Object(_))
    }

    /// A short name of the JSON type, for error messages.
    pub fn type_name(&self) -> &'static str {
        match self {
            Json::Null => "null",
            Json::Bool(_) => "a boolean",
            Json::Number(_) => "a number",
            Json::String(_) => "a string",
            Json::Array(_) => "an array",
            Json::Object(_) => "an object",
        }
    }

    /// Applies `f` to every string in the value, object keys included.
    pub fn map_strings(&self, f: &impl Fn(&str) -> String) -> Json {
        match self {
            Json::String(s) => Json::String(f(s)),
            Json::Array(items) => Json::Array(items.iter().map(|v| v.map_strings(f)).collect()),
            Json::Object(members) => Json::Object(
                members
                    .iter()
                    .map(|(k, v)| (f(k), v.map_strings(f)))
                    .collect(),
            ),
            other => other.clone(),
        }
    }
}

/// Builds a [`Json`] from `serde_json` in native tests.
#[cfg(all(test, not(target_arch = "wasm32")))]
pub fn from_serde(v: &serde_json::Value) -> Json {
    use serde_json::Value;
    match v {
        Value::Null => Json::Null,
        Value::Bool(b) => Json::Bool(*b),
        Value::Number(n) => Json::Number(n.as_f64().unwrap_or(f64::NAN)),
        Value::String(s) => Json::String(s.clone()),
        Value::Array(a) => Json::Array(a.iter().map(from_serde).collect()),
        Value::Object(o) => {
            Json::Object(o.iter().map(|(k, v)| (k.clone(), from_serde(v))).collect())
        }
    }
}

/// Shorthand for native tests: `j(r#"{"a":1}"#)`.
#[cfg(all(test, not(target_arch = "wasm32")))]
pub fn j(text: &str) -> Json {
    from_serde(&serde_json::from_str(text).expect("test JSON"))
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    #[test]
    fn field_treats_null_as_absent() {
        let v = j(r#"{"a":null,"b":"x"}"#);
        assert!(v.get("a").is_some());
        assert!(v.field("a").is_none());
        assert_eq!(v.field("b").and_then(Json::as_str), Some("x"));
        assert!(Json::Null.get("a").is_none());
    }

    #[test]
    fn map_strings_reaches_keys_and_nested_values() {
        let v = j(r#"{"k-s":["s",{"s":"as"}],"n":1}"#);
        let m = v.map_strings(&|s: &str| s.replace('s', "_"));
        assert_eq!(m, j(r#"{"k-_":["_",{"_":"a_"}],"n":1}"#));
    }
}

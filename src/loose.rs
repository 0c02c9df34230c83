//! The two things serde's derive cannot express, used inside the crate's serde shapes:
//! - [`Loose`]: a value read for validation, whatever its type, so that the client can say
//!   what was wrong in its own words ("options.timeoutMs must be a number, not a string")
//!   instead of serde's, and so that a function or symbol (which serde-wasm-bindgen refuses)
//!   is an answer rather than a failure of the whole object;
//! - [`Record`]: an object read as its entries in order, whatever their types;
//! - [`Bounded`]: a JSON value with a depth limit, for server documents the client walks
//!   (error objects), since a hostile nesting depth would overflow the small wasm stack.

use std::fmt;

use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Serialize, Serializer};

/// A value read for validation: scalars keep their value, objects their keys, arrays only
/// their kind.
#[derive(Clone, Debug, PartialEq)]
pub enum Loose {
    /// `null` (`undefined` and absent members are `None` around it).
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// A number (JavaScript numbers may be `NaN` or infinite; validation refuses those).
    Number(f64),
    /// A string.
    String(String),
    /// An array.
    Array,
    /// An object, with its keys in order.
    Object(Vec<String>),
    /// A function, a symbol, or anything else that is not JSON.
    Other,
}

impl Loose {
    /// The string inside, if this is a string.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Loose::String(s) => Some(s),
            _ => None,
        }
    }

    /// The number inside, if this is a number.
    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Loose::Number(n) => Some(*n),
            _ => None,
        }
    }

    /// What it is, for messages: "a string", "an object"…
    pub fn kind(&self) -> &'static str {
        match self {
            Loose::Null => "null",
            Loose::Bool(_) => "a boolean",
            Loose::Number(_) => "a number",
            Loose::String(_) => "a string",
            Loose::Array => "an array",
            Loose::Object(_) => "an object",
            Loose::Other => "a function or symbol",
        }
    }
}

impl<'de> Deserialize<'de> for Loose {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        // Never fails: what the deserializer refuses is `Other`.
        Ok(deserializer
            .deserialize_any(LooseVisitor)
            .unwrap_or(Loose::Other))
    }
}

struct LooseVisitor;

impl<'de> Visitor<'de> for LooseVisitor {
    type Value = Loose;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any value")
    }

    fn visit_unit<E>(self) -> Result<Loose, E> {
        Ok(Loose::Null)
    }

    fn visit_none<E>(self) -> Result<Loose, E> {
        Ok(Loose::Null)
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Loose, D::Error> {
        Loose::deserialize(d)
    }

    fn visit_bool<E>(self, v: bool) -> Result<Loose, E> {
        Ok(Loose::Bool(v))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Loose, E> {
        Ok(Loose::Number(v as f64))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Loose, E> {
        Ok(Loose::Number(v as f64))
    }

    fn visit_f64<E>(self, v: f64) -> Result<Loose, E> {
        Ok(Loose::Number(v))
    }

    fn visit_str<E>(self, v: &str) -> Result<Loose, E> {
        Ok(Loose::String(v.to_string()))
    }

    fn visit_string<E>(self, v: String) -> Result<Loose, E> {
        Ok(Loose::String(v))
    }

    fn visit_bytes<E>(self, _: &[u8]) -> Result<Loose, E> {
        Ok(Loose::Other)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Loose, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Loose::Array)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Loose, A::Error> {
        let mut keys = Vec::new();
        while let Some(key) = map.next_key::<String>()? {
            map.next_value::<IgnoredAny>()?;
            keys.push(key);
        }
        Ok(Loose::Object(keys))
    }
}

/// An options object read as its entries, in order (`query`, `headers`, `params`); `None`
/// inside when it is not an object.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Record(pub Option<Vec<(String, Loose)>>);

impl<'de> Deserialize<'de> for Record {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        // Never fails: anything but an object is `Record(None)`.
        Ok(Record(deserializer.deserialize_any(RecordVisitor).ok()))
    }
}

struct RecordVisitor;

impl<'de> Visitor<'de> for RecordVisitor {
    type Value = Vec<(String, Loose)>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut entries = Vec::new();
        while let Some(entry) = map.next_entry::<String, Loose>()? {
            entries.push(entry);
        }
        Ok(entries)
    }
}

/// How deep a [`Bounded`] value goes; deeper parts become `null`.
pub const MAX_DEPTH: usize = 32;

/// A JSON value read at most [`MAX_DEPTH`] levels deep, members in the order sent, and
/// serialised back as it was read. The client's one generic value: JSON:API error objects
/// are kept "every member as sent" and walked for redaction. (`serde_json::Value` would do
/// but for the depth limit, and costs 10 KB of wasm for its `BTreeMap`, measured.)
#[derive(Clone, Debug, PartialEq)]
pub enum Bounded {
    /// `null`, and whatever lies deeper than [`MAX_DEPTH`].
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// A number.
    Number(f64),
    /// A string.
    String(String),
    /// An array.
    Array(Vec<Bounded>),
    /// An object, members in order.
    Object(Vec<(String, Bounded)>),
}

impl Bounded {
    /// The member `key` of an object.
    pub fn get(&self, key: &str) -> Option<&Bounded> {
        match self {
            Bounded::Object(members) => members.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// The string inside, if this is a string.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Bounded::String(s) => Some(s),
            _ => None,
        }
    }

    /// Every string of the value, object keys included, passed through `f`.
    pub fn map_strings(&self, f: &impl Fn(&str) -> String) -> Bounded {
        match self {
            Bounded::String(s) => Bounded::String(f(s)),
            Bounded::Array(items) => {
                Bounded::Array(items.iter().map(|v| v.map_strings(f)).collect())
            }
            Bounded::Object(members) => Bounded::Object(
                members
                    .iter()
                    .map(|(k, v)| (f(k), v.map_strings(f)))
                    .collect(),
            ),
            other => other.clone(),
        }
    }
}

impl Serialize for Bounded {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Bounded::Null => serializer.serialize_unit(),
            Bounded::Bool(b) => serializer.serialize_bool(*b),
            // Whole numbers stay integers (as JSON.parse and serde_json read them).
            Bounded::Number(n) if n.fract() == 0.0 && n.abs() < 9_007_199_254_740_992.0 => {
                serializer.serialize_i64(*n as i64)
            }
            Bounded::Number(n) => serializer.serialize_f64(*n),
            Bounded::String(s) => serializer.serialize_str(s),
            Bounded::Array(items) => serializer.collect_seq(items),
            Bounded::Object(members) => serializer.collect_map(members.iter().map(|(k, v)| (k, v))),
        }
    }
}

impl<'de> Deserialize<'de> for Bounded {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Levels(MAX_DEPTH).deserialize(deserializer)
    }
}

/// Reads a value with this many levels left.
#[derive(Clone, Copy)]
struct Levels(usize);

impl<'de> DeserializeSeed<'de> for Levels {
    type Value = Bounded;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Bounded, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Levels {
    type Value = Bounded;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_unit<E>(self) -> Result<Bounded, E> {
        Ok(Bounded::Null)
    }

    fn visit_none<E>(self) -> Result<Bounded, E> {
        Ok(Bounded::Null)
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Bounded, D::Error> {
        self.deserialize(d)
    }

    fn visit_bool<E>(self, v: bool) -> Result<Bounded, E> {
        Ok(Bounded::Bool(v))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Bounded, E> {
        Ok(Bounded::Number(v as f64))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Bounded, E> {
        Ok(Bounded::Number(v as f64))
    }

    fn visit_f64<E>(self, v: f64) -> Result<Bounded, E> {
        Ok(Bounded::Number(v))
    }

    fn visit_str<E>(self, v: &str) -> Result<Bounded, E> {
        Ok(Bounded::String(v.to_string()))
    }

    fn visit_string<E>(self, v: String) -> Result<Bounded, E> {
        Ok(Bounded::String(v))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Bounded, A::Error> {
        let Some(left) = self.0.checked_sub(1) else {
            while seq.next_element::<IgnoredAny>()?.is_some() {}
            return Ok(Bounded::Null);
        };
        let mut items = Vec::new();
        while let Some(item) = seq.next_element_seed(Levels(left))? {
            items.push(item);
        }
        Ok(Bounded::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Bounded, A::Error> {
        let Some(left) = self.0.checked_sub(1) else {
            while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
            return Ok(Bounded::Null);
        };
        let mut members = Vec::new();
        while let Some(key) = map.next_key::<String>()? {
            members.push((key, map.next_value_seed(Levels(left))?));
        }
        Ok(Bounded::Object(members))
    }
}

/// `Some` of a value read leniently: a member of the wrong type reads as absent instead of
/// failing the whole document (server documents are checked member by member).
pub fn lenient<'de, D, T>(deserializer: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Ok(Option::<T>::deserialize(deserializer).unwrap_or(None))
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn loose_reads_every_kind_and_never_fails() {
        let cases = [
            (json!(null), Loose::Null),
            (json!(true), Loose::Bool(true)),
            (json!(1.5), Loose::Number(1.5)),
            (json!(-3), Loose::Number(-3.0)),
            (json!("x"), Loose::String("x".into())),
            (json!([1, [2]]), Loose::Array),
            (json!({"a": {"b": 1}}), Loose::Object(vec!["a".into()])),
        ];
        for (value, expected) in cases {
            assert_eq!(serde_json::from_value::<Loose>(value).unwrap(), expected);
        }
        assert_eq!(Loose::Object(Vec::new()).kind(), "an object");
    }

    #[test]
    fn records_keep_their_entries_in_order() {
        let r: Record = serde_json::from_value(json!({"b": 1, "a": "x"})).unwrap();
        let mut expected = vec![
            ("a".to_string(), Loose::String("x".into())),
            ("b".into(), Loose::Number(1.0)),
        ];
        // serde_json's map is sorted; JavaScript objects keep insertion order.
        expected.sort_by(|x, y| x.0.cmp(&y.0));
        assert_eq!(r.0, Some(expected));
        assert_eq!(
            serde_json::from_value::<Record>(json!([1])).unwrap(),
            Record(None)
        );
        assert_eq!(
            serde_json::from_value::<Record>(json!("x")).unwrap(),
            Record(None)
        );
    }

    #[test]
    fn bounded_cuts_what_is_too_deep() {
        let mut deep = json!("leaf");
        for _ in 0..(MAX_DEPTH + 5) {
            deep = json!([deep]);
        }
        let read: Bounded = serde_json::from_value(deep).unwrap();
        let mut depth = 0;
        let mut at = &read;
        while let Bounded::Array(items) = at {
            depth += 1;
            at = &items[0];
        }
        assert_eq!(depth, MAX_DEPTH);
        assert_eq!(at, &Bounded::Null);
        let shallow = json!({"status": "422", "source": {"pointer": "/data"}, "n": 1, "x": 0.5, "b": [true, null]});
        let read: Bounded = serde_json::from_value(shallow.clone()).unwrap();
        assert_eq!(serde_json::to_value(&read).unwrap(), shallow);
        assert_eq!(read.get("status").and_then(Bounded::as_str), Some("422"));
    }

    #[test]
    fn lenient_members_read_as_absent_when_mistyped() {
        #[derive(Deserialize)]
        struct Doc {
            #[serde(default, deserialize_with = "lenient")]
            name: Option<String>,
        }
        let doc: Doc = serde_json::from_value(json!({"name": 42})).unwrap();
        assert_eq!(doc.name, None);
        let doc: Doc = serde_json::from_value(json!({"name": "x"})).unwrap();
        assert_eq!(doc.name.as_deref(), Some("x"));
    }
}

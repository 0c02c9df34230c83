//! The options of `request()` (and the other calls): their serde shape, and their validation
//! into an [`ApiRequest`].

use serde::de::DeserializeOwned;
use serde::Deserialize;

use crate::encode::{self, js_number};
use crate::error::{Error, ErrorCode};
use crate::loose::{Loose, Record};

use super::call::ApiRequest;

/// The options of a call, as given. `P` holds the JavaScript objects the wasm layer reads
/// (`signal`); the JSON `body` is serialised by the wasm layer (`JSON.stringify`).
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", bound = "P: DeserializeOwned")]
pub struct CallOptions<P> {
    /// `params`: values of the `{placeholders}` of the path.
    pub params: Option<Record>,
    /// `query`.
    pub query: Option<Record>,
    /// `headers`.
    pub headers: Option<Record>,
    /// `signal`.
    pub signal: Option<P>,
}

impl<P> Default for CallOptions<P> {
    fn default() -> Self {
        CallOptions {
            params: None,
            query: None,
            headers: None,
            signal: None,
        }
    }
}

fn invalid(message: String) -> Error {
    Error::new(ErrorCode::InvalidArgument, message)
}

/// What the values of a record may be.
#[derive(Clone, Copy, PartialEq)]
enum Values {
    /// Strings only (headers).
    Strings,
    /// Strings and finite numbers (path parameters).
    Segments,
    /// Strings, finite numbers and booleans (query parameters).
    Scalars,
}

/// Reads `options.{what}`: an object whose values are of the `accepted` kinds (numbers
/// written as JavaScript writes them); `undefined` (and, in a query, `null`) values are
/// skipped.
fn pairs(
    record: &Option<Record>,
    what: &str,
    accepted: Values,
) -> Result<Vec<(String, String)>, Error> {
    let Some(Record(entries)) = record else {
        return Ok(Vec::new());
    };
    let entries = entries
        .as_ref()
        .ok_or_else(|| invalid(format!("options.{what} must be an object")))?;
    let mut out = Vec::with_capacity(entries.len());
    for (name, value) in entries {
        let text = match (value, accepted) {
            (Loose::String(s), _) => s.clone(),
            (Loose::Null, Values::Scalars) => continue,
            (Loose::Number(n), Values::Scalars | Values::Segments) if n.is_finite() => {
                js_number(*n)
            }
            (Loose::Bool(b), Values::Scalars) => b.to_string(),
            _ => {
                let kinds = match accepted {
                    Values::Strings => "a string",
                    Values::Segments => "a string or a finite number",
                    Values::Scalars => "a string, a finite number or a boolean",
                };
                return Err(invalid(format!("options.{what}.{name} must be {kinds}")));
            }
        };
        out.push((name.clone(), text));
    }
    Ok(out)
}

/// Fills the `{name}` placeholders of `path` (before its query) with `params`, each value
/// percent-encoded as one segment (a `/` in a value is encoded, never a separator). A
/// placeholder without a value, or a value without a placeholder, is refused.
fn fill_template(path: &str, params: &[(String, String)]) -> Result<String, Error> {
    let (route, query) = match path.find('?') {
        Some(i) => path.split_at(i),
        None => (path, ""),
    };
    let mut used = vec![false; params.len()];
    let mut out = String::with_capacity(path.len());
    let mut rest = route;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let close = after
            .find('}')
            .ok_or_else(|| invalid("the path has a \"{\" without its \"}\"".into()))?;
        let name = &after[..close];
        let index = params.iter().position(|(k, _)| k == name).ok_or_else(|| {
            invalid(format!(
                "the path's placeholder {{{name}}} has no value in options.params"
            ))
        })?;
        let value = &params[index].1;
        if value.is_empty() {
            return Err(invalid(format!("options.params.{name} must not be empty")));
        }
        encode::push_component(value, &mut out);
        used[index] = true;
        rest = &after[close + 1..];
    }
    out.push_str(rest);
    out.push_str(query);
    match used.iter().position(|u| !u) {
        Some(i) => Err(invalid(format!(
            "options.params.{} has no placeholder {{{}}} in the path",
            params[i].0, params[i].0
        ))),
        None => Ok(out),
    }
}

impl ApiRequest {
    /// The call `request(method, path, options)`, with `body` already serialised.
    pub fn from_options<P>(
        method: String,
        path: String,
        options: &CallOptions<P>,
        body: Option<String>,
    ) -> Result<ApiRequest, Error> {
        let params = pairs(&options.params, "params", Values::Segments)?;
        Ok(ApiRequest {
            method,
            path: fill_template(&path, &params)?,
            query: pairs(&options.query, "query", Values::Scalars)?,
            headers: pairs(&options.headers, "headers", Values::Strings)?,
            body,
        })
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use serde_json::{json, Value};

    fn read(options: Value) -> Result<ApiRequest, Error> {
        let options: CallOptions<Value> = serde_json::from_value(options).unwrap();
        ApiRequest::from_options("GET".into(), "/x".into(), &options, None)
    }

    #[test]
    fn query_values_are_written_as_javascript_writes_them() {
        let call =
            read(json!({"query": {"a": 1, "b": 0.5, "c": true, "d": "x y", "e": null}})).unwrap();
        assert_eq!(
            call.query,
            vec![
                ("a".to_string(), "1".to_string()),
                ("b".into(), "0.5".into()),
                ("c".into(), "true".into()),
                ("d".into(), "x y".into())
            ]
        );
    }

    #[test]
    fn params_fill_placeholders_as_one_segment_each() {
        let fill = |path: &str, params: Value| {
            let options: CallOptions<Value> =
                serde_json::from_value(json!({ "params": params })).unwrap();
            ApiRequest::from_options("GET".into(), path.into(), &options, None).map(|c| c.path)
        };
        assert_eq!(
            fill(
                "/api/v1/orders/{order}/items/{n}",
                json!({"order": "a b/c?d", "n": 7})
            )
            .unwrap(),
            "/api/v1/orders/a%20b%2Fc%3Fd/items/7"
        );
        assert_eq!(
            fill("/o/{id}?x={y}", json!({"id": "é"})).unwrap(),
            "/o/%C3%A9?x={y}"
        );
        for (path, params) in [
            ("/o/{id}", json!({})),
            ("/o/{id}", json!({"other": "1"})),
            ("/o", json!({"id": "1"})),
            ("/o/{id", json!({"id": "1"})),
            ("/o/{id}", json!({"id": ""})),
            ("/o/{id}", json!({"id": true})),
            ("/o/{id}", json!({"id": {"a": 1}})),
        ] {
            assert_eq!(
                fill(path, params.clone()).unwrap_err().code,
                ErrorCode::InvalidArgument,
                "{path} {params}"
            );
        }
    }

    #[test]
    fn refuses_what_cannot_be_sent() {
        for bad in [
            json!({"query": [1]}),
            json!({"query": "a=1"}),
            json!({"query": {"a": {"b": 1}}}),
            json!({"headers": {"x": 1}}),
            json!({"headers": "x"}),
        ] {
            assert_eq!(
                read(bad.clone()).unwrap_err().code,
                ErrorCode::InvalidArgument,
                "{bad}"
            );
        }
    }
}

//! The options of `request()` (and the other calls): their serde shape, and their validation
//! into an [`ApiRequest`].

use serde::de::DeserializeOwned;
use serde::Deserialize;

use crate::encode::js_number;
use crate::error::{Error, ErrorCode};
use crate::loose::{Loose, Record};

use super::call::ApiRequest;

/// The options of a call, as given. `P` holds the JavaScript objects the wasm layer reads
/// (`signal`); the JSON `body` is serialised by the wasm layer (`JSON.stringify`).
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", bound = "P: DeserializeOwned")]
pub struct CallOptions<P> {
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
            query: None,
            headers: None,
            signal: None,
        }
    }
}

fn invalid(message: String) -> Error {
    Error::new(ErrorCode::InvalidArgument, message)
}

/// Reads `options.{what}`: an object whose values are strings (and, when `scalars`, finite
/// numbers and booleans, written as JavaScript writes them); `undefined` values are skipped.
fn pairs(
    record: &Option<Record>,
    what: &str,
    scalars: bool,
) -> Result<Vec<(String, String)>, Error> {
    let Some(Record(entries)) = record else {
        return Ok(Vec::new());
    };
    let entries = entries
        .as_ref()
        .ok_or_else(|| invalid(format!("options.{what} must be an object")))?;
    let mut out = Vec::with_capacity(entries.len());
    for (name, value) in entries {
        let text = match value {
            Loose::String(s) => s.clone(),
            Loose::Null if scalars => continue,
            Loose::Number(n) if scalars && n.is_finite() => js_number(*n),
            Loose::Number(_) if scalars => {
                return Err(invalid(format!(
                    "options.{what}.{name} must be a finite number"
                )))
            }
            Loose::Bool(b) if scalars => b.to_string(),
            _ => {
                let kinds = if scalars {
                    "a string, a number or a boolean"
                } else {
                    "a string"
                };
                return Err(invalid(format!("options.{what}.{name} must be {kinds}")));
            }
        };
        out.push((name.clone(), text));
    }
    Ok(out)
}

impl ApiRequest {
    /// The call `request(method, path, options)`, with `body` already serialised.
    pub fn from_options<P>(
        method: String,
        path: String,
        options: &CallOptions<P>,
        body: Option<String>,
    ) -> Result<ApiRequest, Error> {
        Ok(ApiRequest {
            method,
            path,
            query: pairs(&options.query, "query", true)?,
            headers: pairs(&options.headers, "headers", false)?,
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

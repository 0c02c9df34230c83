//! Path templates (`params` filling `{placeholders}`) on any path and parameters: the client
//! fills a template exactly when an independent reading does (every placeholder has a
//! non-empty value, every value a placeholder, every `{` its `}`), with each value
//! percent-encoded as one segment; anything else is `invalid_argument`.
#![no_main]

use ankorstore_client::{ApiRequest, CallOptions, ErrorCode};
use fuzz_support::{component_encode, fields};
use libfuzzer_sys::fuzz_target;
use serde_json::{Map, Value};

/// The filled path, read independently: `None` when the template cannot be filled.
fn oracle(path: &str, params: &[(String, String)]) -> Option<String> {
    let (route, query) = path.split_at(path.find('?').unwrap_or(path.len()));
    let mut out = String::new();
    let mut used = Vec::new();
    let mut rest = route;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let (name, after) = rest[open + 1..].split_once('}')?;
        let value = &params.iter().find(|(k, _)| k == name)?.1;
        if value.is_empty() {
            return None;
        }
        out.push_str(&component_encode(value));
        used.push(name.to_string());
        rest = after;
    }
    out.push_str(rest);
    out.push_str(query);
    params.iter().all(|(k, _)| used.contains(k)).then_some(out)
}

fuzz_target!(|data: &[u8]| {
    let [path, a, va, b, vb] = fields::<5>(data);
    let mut params: Vec<(String, String)> = vec![(a, va)];
    if !b.is_empty() && b != params[0].0 {
        params.push((b, vb));
    }
    let object: Map<String, Value> = params
        .iter()
        .map(|(k, v)| (k.clone(), Value::String(v.clone())))
        .collect();
    let options: CallOptions<Value> =
        serde_json::from_value(serde_json::json!({ "params": object })).unwrap();
    let read = ApiRequest::from_options("GET".into(), path.clone(), &options, None);
    match (read, oracle(&path, &params)) {
        (Ok(call), Some(expected)) => assert_eq!(call.path, expected),
        (Err(e), None) => assert_eq!(e.code, ErrorCode::InvalidArgument),
        (got, expected) => panic!("{path:?} {params:?}: client {got:?}, oracle {expected:?}"),
    }
});

//! JSON:API and OAuth error documents (`parts::ErrorDocument`, `parts::api_error`,
//! `parts::token_error`), the body read as the client reads it (as the shipped client reads a
//! JavaScript value: `fuzz_support::decode_as_js`): any status and body map to
//! the documented code, `errors` keep the error objects as sent, the client's words never
//! hold server text, the token endpoint's free text never surfaces, and redaction reaches
//! every string that came from the server.
#![no_main]

use ankorstore_client::parts::{
    api_error, token_error, Bounded, CallName, ErrorDocument, Redactor, MAX_DEPTH, REDACTED,
};
use ankorstore_client::ErrorCode;
use fuzz_support::{bounded, decode_as_js, fields, json_from_bytes, server_strings, SEP};
use libfuzzer_sys::fuzz_target;
use serde_json::{json, Value};

const CALL: CallName<'static> = CallName {
    method: "GET",
    path: "/api/v1/orders",
};

/// Most error objects an error keeps (api.md).
const MAX_ERRORS: usize = 100;

fn expected_api_code(status: u16) -> ErrorCode {
    match status {
        401 => ErrorCode::Unauthenticated,
        403 => ErrorCode::Forbidden,
        404 => ErrorCode::NotFound,
        429 => ErrorCode::RateLimited,
        500..=599 => ErrorCode::ServerError,
        _ => ErrorCode::RequestFailed,
    }
}

fn expected_token_code(status: u16) -> ErrorCode {
    match status {
        400 | 401 => ErrorCode::InvalidClient,
        429 => ErrorCode::RateLimited,
        500..=599 => ErrorCode::ServerError,
        _ => ErrorCode::RequestFailed,
    }
}

/// A string member of an object that holds more than whitespace.
fn words<'a>(v: &'a Value, key: &str) -> Option<&'a str> {
    v.get(key)
        .and_then(Value::as_str)
        .filter(|s| !s.trim().is_empty())
}

fuzz_target!(|data: &[u8]| {
    if data.len() < 3 {
        return;
    }
    let status = u16::from_le_bytes([data[0], data[1]]) % 600;
    let retry_after = match data[2] {
        0 => None,
        n => Some(u64::from(n) - 1),
    };
    // The rest: body, then a credential to redact.
    let rest = &data[3..];
    let (body_bytes, secret) = match rest.iter().position(|&b| b == SEP) {
        Some(p) => (&rest[..p], fields::<1>(&rest[p + 1..])[0].clone()),
        None => (rest, String::new()),
    };
    let body = json_from_bytes(body_bytes);
    // What the client reads of an error body (src/api/read.rs, src/auth/endpoint.rs).
    let document = decode_as_js::<ErrorDocument>(&body);

    // The oracle reads the body as a JSON object; anything else says nothing.
    let object = body.is_object().then_some(&body);
    let sent_errors = object
        .and_then(|b| b.get("errors"))
        .and_then(Value::as_array);
    let expected_errors: Option<Vec<Bounded>> = sent_errors.map(|list| {
        list.iter()
            .filter(|e| e.is_object())
            .take(MAX_ERRORS)
            .map(|e| bounded(e, MAX_DEPTH))
            .collect()
    });
    let expected_detail = sent_errors
        .and_then(|list| {
            list.iter()
                .filter(|e| e.is_object())
                .take(MAX_ERRORS)
                .find_map(|e| words(e, "detail").or_else(|| words(e, "title")))
        })
        .or_else(|| object.and_then(|b| words(b, "message")))
        .map(str::to_string);
    let expected_oauth = object
        .and_then(|b| b.get("error"))
        .and_then(Value::as_str)
        .filter(|c| {
            !c.is_empty()
                && c.len() <= 64
                && c.bytes()
                    .all(|b| (0x20..=0x7e).contains(&b) && b != b'"' && b != b'\\')
        })
        .map(str::to_string);

    // api_error: code by status, errors as sent, the server's words as the detail only.
    let e = api_error(CALL, status, document.as_ref(), retry_after);
    assert_eq!(e.code, expected_api_code(status), "status {status}");
    assert_eq!(e.status, Some(status));
    assert_eq!(e.errors, expected_errors, "{body}");
    assert_eq!(e.detail, expected_detail, "{body}");
    assert_eq!(e.oauth_error, None);
    // The client's own words depend on the status and the wait only, never on the body.
    assert_eq!(
        e.message,
        api_error(CALL, status, None, retry_after).message
    );
    assert!(!e.message.chars().any(char::is_control), "{:?}", e.message);
    if status == 429 {
        assert_eq!(e.retry_after, Some(retry_after.unwrap_or(1)));
    } else {
        assert_eq!(e.retry_after, None);
    }

    // token_error: the same answer as for a body holding only its `error` member, so no
    // other text of the token endpoint (descriptions, hints, echoed secrets) surfaces.
    let t = token_error(status, document.as_ref(), retry_after);
    assert_eq!(t.code, expected_token_code(status), "status {status}");
    let only_code = match object.and_then(|b| b.get("error")) {
        Some(v) => json!({ "error": v }),
        None => json!({}),
    };
    let only_code = decode_as_js::<ErrorDocument>(&only_code);
    assert_eq!(t, token_error(status, only_code.as_ref(), retry_after));
    assert_eq!(t.errors, None);
    assert_eq!(t.oauth_error, expected_oauth, "{body}");
    assert_eq!(t.message, token_error(status, None, retry_after).message);
    if status == 429 {
        assert_eq!(t.retry_after, Some(retry_after.unwrap_or(1)));
    } else {
        assert_eq!(t.retry_after, None);
    }
    // Its only server text is the OAuth code.
    assert!(
        t.detail.is_none() || t.detail == t.oauth_error,
        "{:?}",
        t.detail
    );

    // Redaction reaches every string that came from the server, and leaves the client's
    // words alone.
    if !secret.is_empty() && !REDACTED.contains(secret.as_str()) {
        let redactor = Redactor::new().with(&secret);
        for err in [e, t] {
            let redacted = err.clone().redacted(&redactor);
            assert_eq!(redacted.message, err.message);
            assert_eq!(redacted.code, err.code);
            for s in server_strings(&redacted) {
                assert!(!s.contains(secret.as_str()), "secret left in {s:?}");
            }
            if let Some(d) = &redacted.detail {
                assert!(!d.chars().any(char::is_control), "{d:?}");
                assert!(d.chars().count() <= 401, "{d:?}");
            }
        }
    }
});

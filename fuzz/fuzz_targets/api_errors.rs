//! JSON:API and OAuth error documents (`error::api_error`, `token_error`,
//! `json_api_errors`): any status and body map to the documented code, `errors` keep the
//! error objects as sent, the token endpoint's free text never surfaces, and redaction
//! reaches every string of the error.
#![no_main]

use ankorstore_client::error::{api_error, json_api_errors, token_error, CallName, ErrorCode};
use ankorstore_client::json::Json;
use ankorstore_client::redact::{Redactor, REDACTED};
use fuzz_support::{error_strings, fields, json_from_bytes, SEP};
use libfuzzer_sys::fuzz_target;

const CALL: CallName<'static> = CallName {
    method: "GET",
    path: "/api/v1/orders",
};

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

fuzz_target!(|data: &[u8]| {
    if data.len() < 3 {
        return;
    }
    let status = u16::from_le_bytes([data[0], data[1]]) % 600;
    let retry_after = match data[2] {
        0 => None,
        n => Some(f64::from(n) - 1.0),
    };
    // The rest: body, then a credential to redact.
    let rest = &data[3..];
    let (body_bytes, secret) = match rest.iter().position(|&b| b == SEP) {
        Some(p) => (&rest[..p], fields::<1>(&rest[p + 1..])[0].clone()),
        None => (rest, String::new()),
    };
    let body = json_from_bytes(body_bytes);

    // json_api_errors: at most 100 of the document's error objects, each exactly as sent.
    let errors = json_api_errors(Some(&body));
    if let Some(list) = &errors {
        assert!(list.len() <= 100);
        let Some(Json::Array(sent)) = body.get("errors") else {
            panic!("errors without an errors array")
        };
        let objects: Vec<&Json> = sent.iter().filter(|e| e.is_object()).take(100).collect();
        // Compared as text: a NaN number is not equal to itself.
        assert_eq!(
            format!("{:?}", list.iter().collect::<Vec<_>>()),
            format!("{objects:?}")
        );
    }

    // api_error: code by status, errors as extracted, no control characters in the message.
    let e = api_error(CALL, status, Some(&body), retry_after);
    assert_eq!(e.code, expected_api_code(status), "status {status}");
    assert_eq!(e.status, Some(status));
    // Compared as text: a NaN inside `source`/`meta` is never equal to itself.
    assert_eq!(format!("{:?}", e.errors), format!("{errors:?}"));
    assert!(!e.message.chars().any(char::is_control), "{:?}", e.message);
    if status == 429 {
        assert_eq!(e.retry_after, Some(retry_after.unwrap_or(1.0)));
    } else {
        assert_eq!(e.retry_after, None);
    }

    // token_error: the same answer as for a body holding only its `error` member, so no
    // other text of the token endpoint (descriptions, hints, echoed secrets) surfaces.
    let t = token_error(status, Some(&body), retry_after);
    assert_eq!(t.code, expected_token_code(status), "status {status}");
    let only_code = match body.get("error") {
        Some(v) => Json::Object(vec![("error".into(), v.clone())]),
        None => Json::Object(vec![]),
    };
    assert_eq!(t, token_error(status, Some(&only_code), retry_after));
    assert_eq!(t.errors, None);
    if let Some(c) = &t.oauth_error {
        assert!(!c.is_empty() && c.len() <= 64);
        assert!(c
            .bytes()
            .all(|b| (0x20..=0x7e).contains(&b) && b != b'"' && b != b'\\'));
    }

    // Redaction reaches every string of both errors.
    if !secret.is_empty() && !REDACTED.contains(secret.as_str()) {
        let redactor = Redactor::new().with(&secret);
        for err in [e, t] {
            for s in error_strings(&err.redacted(&redactor)) {
                assert!(!s.contains(secret.as_str()), "secret left in {s:?}");
            }
        }
    }
});

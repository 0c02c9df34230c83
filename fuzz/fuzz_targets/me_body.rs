//! The `GET /api/v1/me` check on any body, read as the client reads it (`parts::MeDocument`,
//! then `parts::UserFields` of its `data`, then `parts::check_user`; values read as the
//! shipped client reads JavaScript values: `fuzz_support::decode_as_js`): what it accepts is
//! a user document with the documented member types, and the user is handed back as sent.
#![no_main]

use ankorstore_client::parts::{check_user, MeDocument, UserFields};
use fuzz_support::{decode_as_js, json_from_bytes};
use libfuzzer_sys::fuzz_target;
use serde_json::Value;

fuzz_target!(|data: &[u8]| {
    let body = json_from_bytes(data);
    // As src/api/read.rs: the `data` member kept as sent, then its checked members.
    let user = decode_as_js::<MeDocument<Value>>(&body).map(|doc| doc.data);
    let accepted = user
        .as_ref()
        .is_some_and(|d| check_user(decode_as_js::<UserFields>(d).as_ref()).is_ok());
    let expected = body.is_object()
        && body.get("data").is_some_and(|d| {
            d.is_object()
                && d.get("type").and_then(Value::as_str) == Some("user")
                && d.get("id")
                    .and_then(Value::as_f64)
                    .is_some_and(f64::is_finite)
                && d.get("email").and_then(Value::as_str).is_some()
                && ["first_name", "last_name", "created_at", "updated_at"]
                    .iter()
                    .all(|k| matches!(d.get(k), None | Some(Value::String(_) | Value::Null)))
        });
    assert_eq!(accepted, expected, "{body}");
    if accepted {
        // The user handed back is the `data` object exactly as sent.
        assert_eq!(user.as_ref(), body.get("data"));
    }
});

//! `api_call::check_user` on any `/api/v1/me` body: what it accepts is a user document with
//! the documented member types.
#![no_main]

use ankorstore_client::api_call::check_user;
use ankorstore_client::json::Json;
use fuzz_support::json_from_bytes;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let body = json_from_bytes(data);
    let accepted = check_user(&body).is_ok();
    let data = body.get("data");
    let expected = data.is_some_and(|d| {
        d.is_object()
            && d.get("type").and_then(Json::as_str) == Some("user")
            && d.get("id")
                .and_then(Json::as_f64)
                .is_some_and(f64::is_finite)
            && d.get("email").and_then(Json::as_str).is_some()
            && ["first_name", "last_name", "created_at", "updated_at"]
                .iter()
                .all(|k| matches!(d.get(k), None | Some(Json::String(_) | Json::Null)))
    });
    assert_eq!(accepted, expected, "{body:?}");
});

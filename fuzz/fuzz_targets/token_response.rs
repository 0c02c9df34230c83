//! `AccessToken::from_response` on any JSON body and request time, read as the client reads
//! it (the body decoded into `parts::TokenResponse` with serde, as the shipped client reads a
//! JavaScript value: `fuzz_support::decode_as_js`): exactly the valid bodies are accepted; an
//! accepted token is usable in a header, its expiry is consistent, its Debug output never
//! shows it, and it survives the token store format.
#![no_main]

use ankorstore_client::parts::TokenResponse;
use ankorstore_client::{AccessToken, Secret};
use fuzz_support::{assert_store_round_trip, decode_as_js, json_from_bytes};
use libfuzzer_sys::fuzz_target;
use serde_json::Value;

/// Longest token life the client accepts, in seconds (as documented in src/token.rs).
const MAX_EXPIRES_IN_S: f64 = 2_147_483_647.0;

/// What the body should give, read with an oracle of its own: the token, its type and its
/// life when every member is valid.
fn expected(body: &Value) -> Option<(&str, &str, f64)> {
    let token = body.get("access_token")?.as_str()?;
    let kind = body.get("token_type")?.as_str()?;
    let life = body.get("expires_in")?.as_f64()?;
    let valid = !token.is_empty()
        && token.bytes().all(|b| b.is_ascii_graphic())
        && kind.eq_ignore_ascii_case("bearer")
        && life > 0.0
        && life <= MAX_EXPIRES_IN_S;
    valid.then_some((token, kind, life))
}

fuzz_target!(|data: &[u8]| {
    // The first byte picks the request time (the runtime's clock, always finite): realistic
    // ones, and any finite f64.
    let (requested_at, body) = match data.split_first() {
        Some((0, rest)) => (0.0, rest),
        Some((1, rest)) => (1_700_000_000_000.0, rest),
        Some((2, rest)) if rest.len() >= 8 => {
            let t = f64::from_le_bytes(rest[..8].try_into().unwrap());
            (if t.is_finite() { t } else { 0.0 }, &rest[8..])
        }
        Some((_, rest)) => (1_767_225_600_123.0, rest),
        None => (0.0, data),
    };
    let json = json_from_bytes(body);
    // What the client does with a 2xx body: decode it, or refuse it as "not a JSON object".
    let decoded = decode_as_js::<TokenResponse>(&json);
    let result = decoded
        .as_ref()
        .map(|body| AccessToken::from_response(body, requested_at));
    let accepted = matches!(result, Some(Ok(_)));
    // Accepted exactly when the body is an object whose three members are valid.
    let oracle = if json.is_object() {
        expected(&json)
    } else {
        None
    };
    assert_eq!(accepted, oracle.is_some(), "{json}");
    let Some(Ok(t)) = result else {
        return;
    };
    let (token, kind, life) = oracle.unwrap();
    assert_eq!(t.access_token.expose(), token);
    assert_eq!(t.token_type, kind);
    assert_eq!(t.expires_in, life);
    assert!(t.expires_at.is_finite());
    assert_eq!(t.expires_at, requested_at + t.expires_in * 1000.0);

    // Debug must not depend on the token (it is printed as [redacted]).
    let other = AccessToken {
        access_token: Secret::new("x"),
        ..t.clone()
    };
    assert_eq!(format!("{t:?}"), format!("{other:?}"));

    let _ = t.is_fresh(requested_at, 60.0);
    assert!(t.ttl_seconds(requested_at) >= 1);

    // A realistic token written to a store reads back (times to the millisecond).
    let realistic = (0.0..=1e13).contains(&requested_at) && (0.001..=1e9).contains(&t.expires_in);
    if realistic {
        assert_store_round_trip(
            &t,
            "a token the client accepted must read back from its store value",
        );
    }
});

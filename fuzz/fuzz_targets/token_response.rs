//! `AccessToken::from_response` on any JSON body and request time: an accepted token is
//! usable in a header, its expiry is consistent, its Debug output never shows it, and it
//! survives the token store format.
#![no_main]

use ankorstore_client::secret::Secret;
use ankorstore_client::token::AccessToken;
use fuzz_support::{assert_store_round_trip, json_from_bytes};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // The first byte picks the request time: realistic ones, and any f64 (NaN included).
    let (requested_at, body) = match data.split_first() {
        Some((0, rest)) => (0.0, rest),
        Some((1, rest)) => (1_700_000_000_000.0, rest),
        Some((2, rest)) if rest.len() >= 8 => (
            f64::from_le_bytes(rest[..8].try_into().unwrap()),
            &rest[8..],
        ),
        Some((_, rest)) => (1_767_225_600_123.0, rest),
        None => (0.0, data),
    };
    let json = json_from_bytes(body);
    let Ok(t) = AccessToken::from_response(&json, requested_at) else {
        return;
    };
    let raw = t.access_token.expose();
    assert!(!raw.is_empty() && raw.bytes().all(|b| b.is_ascii_graphic()));
    assert!(t.token_type.eq_ignore_ascii_case("bearer"));
    assert!(t.expires_in.is_finite() && t.expires_in > 0.0);
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

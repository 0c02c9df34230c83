//! `AccessToken::from_store_value` on any text a shared store may hold: garbage is refused,
//! and whatever is accepted is a usable token that writes back to the same value.
#![no_main]

use ankorstore_client::token::AccessToken;
use fuzz_support::assert_store_round_trip;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let Some(t) = AccessToken::from_store_value(&text) else {
        return;
    };
    assert!(text.starts_with("ankorstore-token/1 "));
    let raw = t.access_token.expose();
    assert!(!raw.is_empty() && raw.bytes().all(|b| b.is_ascii_graphic()));
    assert!(t.token_type.eq_ignore_ascii_case("bearer"));
    assert!(t.expires_in.is_finite() && t.expires_in > 0.0);
    assert!(t.expires_at.is_finite() && t.expires_at >= 0.0);
    assert!(t.ttl_seconds(0.0) >= 1);
    let _ = t.is_fresh(t.expires_at - 1.0, 60.0);

    // Writing it back and reading again is stable, for values a client writes: lifetimes of
    // at least 1 ms (the format keeps three decimals) and times before the year 5138.
    if t.expires_in >= 0.001 && t.expires_in < 1e11 && t.expires_at < 1e14 {
        assert_store_round_trip(&t, "a token read from a store must write back readably");
    }
});

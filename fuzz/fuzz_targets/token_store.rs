//! `AccessToken::from_store_value` on any text a shared store may hold: garbage is refused,
//! and whatever is accepted is a usable token that writes back to the same value.
#![no_main]

use ankorstore_client::AccessToken;
use fuzz_support::assert_store_round_trip;
use libfuzzer_sys::fuzz_target;

/// Whether `text` is a whole number of milliseconds as the format writes it (digits only,
/// at most 16 of them).
fn millis(text: &str) -> Option<u64> {
    let valid = !text.is_empty() && text.len() <= 16 && text.bytes().all(|b| b.is_ascii_digit());
    valid.then(|| text.parse().unwrap())
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let parsed = AccessToken::from_store_value(&text);

    // The oracle: `ankorstore-token/2 <expires_at ms> <expires_in ms> <type> <token>`,
    // separated by single spaces, the token last (visible ASCII, no space), the type Bearer
    // in any case, a lifetime of at least 1 ms.
    let fields: Vec<&str> = text.splitn(5, ' ').collect();
    let oracle = match fields[..] {
        ["ankorstore-token/2", at, life, kind, token] => {
            let valid = kind.eq_ignore_ascii_case("bearer")
                && !token.is_empty()
                && token.bytes().all(|b| b.is_ascii_graphic());
            match (millis(at), millis(life)) {
                (Some(at), Some(life)) if valid && life > 0 => Some((at, life, kind, token)),
                _ => None,
            }
        }
        _ => None,
    };
    assert_eq!(parsed.is_some(), oracle.is_some(), "{text:?}");
    let Some(t) = parsed else {
        return;
    };
    let (at, life, kind, token) = oracle.unwrap();
    assert_eq!(t.access_token.expose(), token);
    assert_eq!(t.token_type, kind);
    assert_eq!(t.expires_at, at as f64);
    assert_eq!(t.expires_in, life as f64 / 1000.0);
    assert!(t.expires_in.is_finite() && t.expires_in > 0.0);
    assert!(t.expires_at.is_finite() && t.expires_at >= 0.0);
    assert!(t.ttl_seconds(0.0) >= 1);
    let _ = t.is_fresh(t.expires_at - 1.0, 60.0);

    // Writing it back and reading again is stable, for values a client writes: times an f64
    // holds to the millisecond (before the year 5138, lifetimes under 3,000 years).
    if at < 100_000_000_000_000 && life < 100_000_000_000_000 {
        assert_store_round_trip(&t, "a token read from a store must write back readably");
        // The canonical form of what was read: the same numbers, without leading zeros.
        assert_eq!(
            t.to_store_value(),
            format!("ankorstore-token/2 {at} {life} {kind} {token}")
        );
    }
});

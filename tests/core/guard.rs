//! api.md, "Token budget guard": a refused replacement token starts a cool-down (at least
//! 30 s, growing on repetition, reset by any success or by `invalidateToken()`) during which
//! 401s reject without a token request; a `429` from the token endpoint is remembered until
//! its `Retry-After` has passed. Figures come from the guard's `COOLDOWN_BASE_S` and
//! `COOLDOWN_CAP_S`.

use ankorstore_client::parts::{COOLDOWN_BASE_S, COOLDOWN_CAP_S, MAX_WAITED_RETRY_AFTER_S};
use ankorstore_client::ErrorCode;
use serde_json::json;

use crate::support::*;

/// The `n`-th cool-down (0-based) since the API last accepted a token: the base, doubling on
/// each repetition, capped.
fn cooldown_ms(n: i32) -> f64 {
    (COOLDOWN_BASE_S * 2f64.powi(n)).min(COOLDOWN_CAP_S) * 1000.0
}

/// A client whose API answers 401 to every token, and the first call's refusal: its first
/// token and the replacement were both refused, so the first cool-down runs.
fn cooling_down() -> (Harness, C) {
    let (mut h, c) = Harness::with_client(json!({}));
    h.platform.api_always_401();
    assert_eq!(code(h.me(&c)), ErrorCode::Unauthenticated);
    assert_eq!(
        h.platform.token_requests(),
        2,
        "a token and its replacement"
    );
    (h, c)
}

/// Advances the clock by 1 s steps, calling `me()` each time, until a call sends a token
/// request again; returns how long that took (ms). Every call in between must be refused
/// `unauthenticated` without a token request, and the call that asks sends one request.
fn probe_cooldown(h: &mut Harness, c: &C) -> f64 {
    let start = h.platform.now();
    let before = h.platform.token_requests();
    for _ in 0..=(COOLDOWN_CAP_S as usize) {
        h.platform.advance(1_000.0);
        assert_eq!(code(h.me(c)), ErrorCode::Unauthenticated);
        if h.platform.token_requests() > before {
            assert_eq!(h.platform.token_requests(), before + 1);
            return h.platform.now() - start;
        }
    }
    panic!("the cool-down never ended");
}

#[test]
fn an_api_that_always_answers_401_costs_a_handful_of_token_requests() {
    let (mut h, c) = cooling_down();
    for i in 0..1000 {
        let e = h.me(&c).unwrap_err();
        assert_eq!(e.code, ErrorCode::Unauthenticated, "call {i}: {e:?}");
    }
    assert_eq!(
        h.platform.token_requests(),
        2,
        "no request while cooling down"
    );
}

#[test]
fn a_thousand_concurrent_calls_to_an_api_that_always_answers_401() {
    let (mut h, c) = Harness::with_client(json!({}));
    h.platform.api_always_401();
    let tasks = h.spawn_mes(&c, 1000);
    h.settle();
    for t in &tasks {
        assert_eq!(code(t.output()), ErrorCode::Unauthenticated);
    }
    assert_eq!(
        h.platform.token_requests(),
        2,
        "one shared token, one shared replacement"
    );
}

#[test]
fn the_cooldown_lasts_at_least_30_s_and_doubles_up_to_its_cap() {
    const { assert!(COOLDOWN_BASE_S >= 30.0, "api.md: at least 30 seconds") };
    let (mut h, c) = cooling_down();
    // Every probe ends with one more replacement refused: the next, longer cool-down. Run
    // until two cool-downs at the cap.
    let at_cap = (0..)
        .find(|&n| cooldown_ms(n) >= COOLDOWN_CAP_S * 1000.0)
        .unwrap();
    let measured: Vec<f64> = (0..=at_cap + 1)
        .map(|_| probe_cooldown(&mut h, &c))
        .collect();
    let expected: Vec<f64> = (0..=at_cap + 1).map(cooldown_ms).collect();
    assert_eq!(measured, expected);
    assert!(measured
        .windows(2)
        .take(at_cap as usize)
        .all(|w| w[1] > w[0]));
}

#[test]
fn a_success_resets_the_cooldown() {
    let (mut h, c) = cooling_down();
    assert_eq!(probe_cooldown(&mut h, &c), cooldown_ms(0));
    // The probe's last call had a third token refused: the second, longer cool-down runs.
    // Past it, a success with a new token.
    h.platform.advance(COOLDOWN_CAP_S * 1000.0);
    h.platform.api([Answer::user()]);
    h.me(&c).unwrap();
    assert_eq!(code(h.me(&c)), ErrorCode::Unauthenticated);
    assert_eq!(
        probe_cooldown(&mut h, &c),
        cooldown_ms(0),
        "back to the first cool-down"
    );
}

#[test]
fn invalidate_token_resets_the_cooldown() {
    let (mut h, c) = cooling_down();
    assert_eq!(probe_cooldown(&mut h, &c), cooldown_ms(0));
    let requests = h.platform.token_requests();
    assert_eq!(code(h.me(&c)), ErrorCode::Unauthenticated);
    assert_eq!(h.platform.token_requests(), requests, "cooling down");
    c.invalidate_token();
    assert_eq!(code(h.me(&c)), ErrorCode::Unauthenticated);
    assert!(
        h.platform.token_requests() > requests,
        "asks at once after invalidate_token()"
    );
    assert_eq!(
        probe_cooldown(&mut h, &c),
        cooldown_ms(0),
        "back to the first cool-down"
    );
}

#[test]
fn a_stale_401_racing_a_refresh_does_not_start_the_cooldown() {
    let (mut h, c) = Harness::with_client(json!({}));
    let token_gate = Flag::new();
    h.platform.hour_tokens(["tokA", "tokB"]);
    h.platform
        .tokens([Answer::token("tokC", HOUR_S).held(&token_gate)]);
    let slow_gate = Flag::new();
    h.platform.api([
        Answer::status(401).held(&slow_gate), // slow call with tokA, which expires meanwhile
        Answer::status(401),                  // fast call with tokB (fetched after expiry)
    ]);
    h.platform.fallback(Route::Api, |_| Answer::user());
    let slow = h.spawn_me(&c, None);
    h.settle();
    h.platform.set_now(T0 + HOUR_S * 1000.0);
    let fast = h.spawn_me(&c, None);
    h.settle(); // fast: tokB refused, tokC requested (held)
    slow_gate.raise();
    h.settle(); // slow: tokA refused; tokA was never a replacement of a refused token
    token_gate.raise();
    h.settle();
    fast.output().unwrap();
    slow.output().unwrap();
    assert_eq!(h.platform.token_requests(), 3);
}

#[test]
fn a_long_429_from_the_token_endpoint_is_remembered_until_retry_after() {
    // Too long to be waited out.
    let wait_s = MAX_WAITED_RETRY_AFTER_S * 2;
    let (mut h, c) = Harness::with_client(json!({}));
    h.platform
        .tokens([Answer::status(429).retry_after(&wait_s.to_string())]);
    let e = h.token(&c).unwrap_err();
    assert_eq!(e.code, ErrorCode::RateLimited);
    assert_eq!(e.retry_after, Some(wait_s));
    assert_eq!(e.status, Some(429));
    assert!(h.platform.sleeps().is_empty(), "a long 429 is not waited");

    // Until it has passed: rejected at once, without a request, with the seconds left.
    h.platform.advance(30_500.0);
    let e = h.token(&c).unwrap_err();
    assert_eq!(e.code, ErrorCode::RateLimited);
    assert_eq!(
        e.retry_after,
        Some(wait_s - 30),
        "29.5 s passed: rounded up"
    );
    assert_eq!(code(h.me(&c)), ErrorCode::RateLimited);
    let until = T0 + wait_s as f64 * 1000.0;
    h.platform.set_now(until - 1.0);
    assert_eq!(h.token(&c).unwrap_err().retry_after, Some(1));
    assert_eq!(h.platform.token_requests(), 1);
    assert_eq!(h.platform.api_requests(), 0);

    // Then it asks again.
    h.platform.set_now(until);
    h.platform.hour_tokens(["tokA"]);
    assert_eq!(h.token_value(&c), "tokA");
    assert_eq!(h.platform.token_requests(), 2);
}

//! api.md, `AnkorstoreClient`, `token()`: the cached token while `now < expiresAt - margin`
//! (the margin capped at half the lifetime), `expiresAt` = send time + `expiresIn`, one
//! token request shared by concurrent callers, and nothing cached after a failure.

use ankorstore_client::parts::DEFAULT_REFRESH_MARGIN_S;
use ankorstore_client::ErrorCode;
use serde_json::json;

use crate::support::*;

/// Checks that the token is still `before` 1 ms before `at`, and `after` from `at` on.
fn renewed_at(h: &mut Harness, c: &C, at: f64, before: &str, after: &str) {
    h.platform.set_now(at - 1.0);
    assert_eq!(h.token_value(c), before, "1 ms before {}", at - T0);
    h.platform.set_now(at);
    assert_eq!(h.token_value(c), after, "at {}", at - T0);
}

#[test]
fn token_is_cached_while_fresh() {
    let (mut h, c) = Harness::with_token(json!({}));
    let first = h.token(&c).unwrap();
    h.platform.advance(3_000_000.0);
    let second = h.token(&c).unwrap();
    assert_eq!(raw(&first), TOK_A);
    assert_eq!(first, second);
    assert_eq!(h.platform.token_requests(), 1);
}

#[test]
fn token_is_renewed_at_expires_at_minus_the_margin() {
    assert_eq!(DEFAULT_REFRESH_MARGIN_S, 60.0, "api.md: default 60");
    let (mut h, c) = Harness::with_client(json!({}));
    h.platform.hour_tokens(["tokA", "tokB"]);
    h.token(&c).unwrap();
    // Fresh while now < T0 + 3600 s - 60 s.
    let at = T0 + (HOUR_S - DEFAULT_REFRESH_MARGIN_S) * 1000.0;
    h.platform.set_now(at - 1.0);
    assert_eq!(h.token_value(&c), "tokA");
    assert_eq!(h.platform.token_requests(), 1);
    h.platform.set_now(at);
    assert_eq!(h.token_value(&c), "tokB");
    assert_eq!(h.platform.token_requests(), 2);
}

#[test]
fn refresh_margin_option_is_honoured() {
    let (mut h, c) = Harness::with_client(json!({"refreshMarginSeconds": 10}));
    h.platform.hour_tokens(["tokA", "tokB"]);
    h.token(&c).unwrap();
    renewed_at(&mut h, &c, T0 + (HOUR_S - 10.0) * 1000.0, "tokA", "tokB");
}

#[test]
fn margin_is_capped_at_half_the_token_lifetime() {
    // expires_in 100 s, margin 60 s: the margin becomes 50 s.
    let (mut h, c) = Harness::with_client(json!({}));
    h.platform
        .tokens([Answer::token("tokA", 100.0), Answer::token("tokB", 100.0)]);
    h.token(&c).unwrap();
    renewed_at(&mut h, &c, T0 + 50_000.0, "tokA", "tokB");

    // Margin 0: used until it expires.
    let (mut h, c) = Harness::with_client(json!({"refreshMarginSeconds": 0}));
    h.platform
        .tokens([Answer::token("tokA", 100.0), Answer::token("tokB", 100.0)]);
    h.token(&c).unwrap();
    renewed_at(&mut h, &c, T0 + 100_000.0, "tokA", "tokB");
}

#[test]
fn expires_at_is_the_send_time_plus_expires_in() {
    let (mut h, c) = Harness::with_client(json!({}));
    h.platform
        .tokens([Answer::token("tokA", HOUR_S).latency(1_500.0)]);
    let t = h.token(&c).unwrap();
    assert_eq!(h.platform.now(), T0 + 1_500.0, "the answer took 1.5 s");
    assert_eq!(
        t.expires_at,
        T0 + HOUR_S * 1000.0,
        "send time, not receive time"
    );
    assert_eq!(t.expires_in, HOUR_S);
    assert_eq!(t.token_type, "Bearer");
}

#[test]
fn expires_at_counts_from_the_attempt_that_succeeded() {
    let (mut h, c) = Harness::with_client(json!({}));
    h.platform.tokens([
        Answer::status(503),
        Answer::token("tokA", HOUR_S).latency(700.0),
    ]);
    let t = h.token(&c).unwrap();
    let retried_at = T0 + backoff(0);
    assert_eq!(h.platform.sent_at(Route::Token), vec![T0, retried_at]);
    assert_eq!(t.expires_at, retried_at + HOUR_S * 1000.0);
}

#[test]
fn a_thousand_concurrent_cold_calls_send_one_token_request() {
    let (mut h, c) = Harness::with_client(json!({}));
    let gate = Flag::new();
    h.platform
        .tokens([Answer::token("tokA", HOUR_S).held(&gate)]);
    let tasks = h.spawn_tokens(&c, 1000);
    h.settle();
    assert_eq!(h.platform.token_requests(), 1);
    assert!(tasks.iter().all(|t| !t.is_done()));
    gate.raise();
    h.settle();
    let first = tasks[0].output().unwrap();
    assert_eq!(raw(&first), "tokA");
    for t in &tasks[1..] {
        assert_eq!(t.output().unwrap(), first);
    }
    assert_eq!(h.platform.token_requests(), 1);
}

#[test]
fn a_failed_token_request_rejects_every_waiter_and_caches_nothing() {
    let (mut h, c) = Harness::with_client(json!({"maxRetries": 0}));
    let gate = Flag::new();
    h.platform.tokens([Answer::status(503).held(&gate)]);
    let tasks = h.spawn_tokens(&c, 50);
    h.settle();
    gate.raise();
    h.settle();
    let first = tasks[0].output().unwrap_err();
    assert_eq!(first.code, ErrorCode::ServerError);
    assert_eq!(first.status, Some(503));
    for t in &tasks[1..] {
        assert_eq!(t.output().unwrap_err(), first);
    }
    assert_eq!(h.platform.token_requests(), 1);
    // Nothing cached: the next call asks again.
    h.platform.hour_tokens(["tokA"]);
    assert_eq!(h.token_value(&c), "tokA");
    assert_eq!(h.platform.token_requests(), 2);
}

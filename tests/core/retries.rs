//! api.md, `429` and `5xx` rules: a `429` with `Retry-After` ≤ 60 s is waited out and
//! retried for any method, a longer one rejects with `rate_limited`; `5xx`, network errors
//! and timeouts are retried with exponential backoff only for `GET`/`HEAD` and the token
//! request; every retry counts against `maxRetries`. Sleeps come from the retry policy
//! (`backoff_ms`, `BACKOFF_BASE_MS`, `BACKOFF_CAP_MS`, `MAX_WAITED_RETRY_AFTER_S`).

use ankorstore_client::parts::{
    BACKOFF_BASE_MS, BACKOFF_CAP_MS, DEFAULT_MAX_RETRIES, MAX_WAITED_RETRY_AFTER_S,
};
use ankorstore_client::ErrorCode;
use serde_json::json;

use crate::support::*;

/// A bare `429` counts as 1 second (api.md).
const BARE_429_MS: f64 = 1_000.0;

/// A 429 with `Retry-After: header` (none if `None`).
fn limited(header: Option<&str>) -> Answer {
    match header {
        Some(v) => Answer::status(429).retry_after(v),
        None => Answer::status(429),
    }
}

/// The short `Retry-After` values that are waited out, and how long.
fn short_waits() -> Vec<(Option<String>, f64)> {
    vec![
        (
            Some(MAX_WAITED_RETRY_AFTER_S.to_string()),
            MAX_WAITED_RETRY_AFTER_S as f64 * 1000.0,
        ),
        (Some("3".into()), 3_000.0),
        (Some("5".into()), 5_000.0),
        (None, BARE_429_MS),
    ]
}

// ---------------------------------------------------------------------------------------
// The token request
// ---------------------------------------------------------------------------------------

#[test]
fn token_endpoint_5xx_is_retried_with_backoff_then_server_error() {
    assert_eq!(DEFAULT_MAX_RETRIES, 2, "api.md: maxRetries default 2");
    let (mut h, c) = Harness::with_client(json!({}));
    h.platform.tokens([
        Answer::status(500),
        Answer::status(502),
        Answer::status(503),
    ]);
    let e = h.token(&c).unwrap_err();
    assert_eq!(e.code, ErrorCode::ServerError);
    assert_eq!(e.status, Some(503));
    assert_eq!(
        h.platform.token_requests(),
        1 + DEFAULT_MAX_RETRIES as usize
    );
    assert_eq!(
        h.platform.sleeps(),
        backoffs(DEFAULT_MAX_RETRIES),
        "exponential backoff"
    );

    let (mut h, c) = Harness::with_client(json!({"maxRetries": 4}));
    h.platform.fallback(Route::Token, |_| Answer::status(500));
    assert_eq!(code(h.token(&c)), ErrorCode::ServerError);
    assert_eq!(h.platform.token_requests(), 5);
    assert_eq!(h.platform.sleeps(), backoffs(4));

    let (mut h, c) = Harness::with_client(json!({"maxRetries": 0}));
    h.platform.fallback(Route::Token, |_| Answer::status(500));
    assert_eq!(code(h.token(&c)), ErrorCode::ServerError);
    assert_eq!(h.platform.token_requests(), 1);
}

#[test]
fn token_endpoint_network_errors_and_timeouts_are_retried_then_reported() {
    for (answer, expected) in [
        (Answer::network(), ErrorCode::Network),
        (Answer::timeout(), ErrorCode::Timeout),
    ] {
        let (mut h, c) = Harness::with_client(json!({}));
        let fallback = answer.clone();
        h.platform.fallback(Route::Token, move |_| fallback.clone());
        assert_eq!(code(h.token(&c)), expected);
        assert_eq!(
            h.platform.token_requests(),
            1 + DEFAULT_MAX_RETRIES as usize
        );
        assert_eq!(h.platform.sleeps(), backoffs(DEFAULT_MAX_RETRIES));
    }
    let (mut h, c) = Harness::with_client(json!({}));
    h.platform.tokens([
        Answer::network(),
        Answer::timeout(),
        Answer::token("tokA", HOUR_S),
    ]);
    assert_eq!(h.token_value(&c), "tokA");
    assert_eq!(h.platform.token_requests(), 3);
}

#[test]
fn a_short_429_from_the_token_endpoint_is_waited_out_and_retried() {
    for (header, waited) in short_waits() {
        let (mut h, c) = Harness::with_client(json!({}));
        h.platform
            .tokens([limited(header.as_deref()), Answer::token("tokA", HOUR_S)]);
        assert_eq!(h.token_value(&c), "tokA");
        assert_eq!(h.platform.sleeps(), vec![waited], "{header:?}");
        assert_eq!(h.platform.sent_at(Route::Token), vec![T0, T0 + waited]);
    }
}

// ---------------------------------------------------------------------------------------
// API calls
// ---------------------------------------------------------------------------------------

#[test]
fn get_retries_5xx_network_errors_and_timeouts() {
    let (mut h, c) = Harness::with_token(json!({"maxRetries": 3}));
    h.platform.api([
        Answer::status(503),
        Answer::network(),
        Answer::timeout(),
        Answer::json(200, json!({"data": []})),
    ]);
    let body = h.request(&c, get("/api/v1/orders")).unwrap();
    assert_eq!(body, Some(json!({"data": []})));
    assert_eq!(h.platform.api_requests(), 4);
    assert_eq!(h.platform.sleeps(), backoffs(3));
}

#[test]
fn the_backoff_doubles_from_its_base_up_to_its_cap_scaled_by_the_jitter() {
    // Enough retries to reach the cap, and two more at it.
    let at_cap = (0..)
        .find(|&n| BACKOFF_BASE_MS * 2f64.powi(n) >= BACKOFF_CAP_MS)
        .unwrap();
    let retries = at_cap as u32 + 2;
    let (mut h, c) = Harness::with_token(json!({ "maxRetries": retries }));
    h.platform.fallback(Route::Api, |_| Answer::status(503));
    assert_eq!(code(h.me(&c)), ErrorCode::ServerError);
    assert_eq!(h.platform.api_requests(), 1 + retries as usize);
    // `random()` in [0, 1) scales the delay into [50 %, 100 %].
    let jitter = 0.5 + RANDOM / 2.0;
    let expected: Vec<f64> = (0..retries as i32)
        .map(|n| (BACKOFF_BASE_MS * 2f64.powi(n)).min(BACKOFF_CAP_MS) * jitter)
        .collect();
    assert_eq!(h.platform.sleeps(), expected);
    assert_eq!(h.platform.sleeps(), backoffs(retries));
}

#[test]
fn get_gives_up_after_max_retries() {
    for (answer, expected) in [
        (Answer::status(500), ErrorCode::ServerError),
        (Answer::network(), ErrorCode::Network),
        (Answer::timeout(), ErrorCode::Timeout),
    ] {
        let (mut h, c) = Harness::with_token(json!({}));
        let a = answer.clone();
        h.platform.fallback(Route::Api, move |_| a.clone());
        assert_eq!(code(h.me(&c)), expected, "{answer:?}");
        assert_eq!(h.platform.api_requests(), 1 + DEFAULT_MAX_RETRIES as usize);
    }
}

#[test]
fn other_methods_do_not_retry_5xx_network_errors_or_timeouts() {
    for method in ["POST", "PUT", "PATCH", "DELETE"] {
        for (answer, expected) in [
            (Answer::status(503), ErrorCode::ServerError),
            (Answer::network(), ErrorCode::Network),
            (Answer::timeout(), ErrorCode::Timeout),
        ] {
            let (mut h, c) = Harness::with_token(json!({}));
            h.platform.api([answer.clone()]);
            let e = h.request(&c, call(method, "/api/v1/orders/1")).unwrap_err();
            assert_eq!(e.code, expected, "{method} {answer:?}");
            assert_eq!(h.platform.api_requests(), 1, "{method} {answer:?}");
            assert!(h.platform.sleeps().is_empty());
        }
    }
}

#[test]
fn a_short_429_is_waited_out_even_for_post() {
    for (header, waited) in short_waits() {
        let (mut h, c) = Harness::with_token(json!({}));
        h.platform.api([
            limited(header.as_deref()),
            Answer::json(201, json!({"data": {"id": "1"}})),
        ]);
        let body = h.request(&c, post("/api/v1/orders", "{}")).unwrap();
        assert!(body.is_some());
        assert_eq!(h.platform.sleeps(), vec![waited], "{header:?}");
        assert_eq!(h.platform.sent_at(Route::Api), vec![T0, T0 + waited]);
    }
}

#[test]
fn a_long_429_is_rejected_at_once_with_retry_after() {
    assert_eq!(MAX_WAITED_RETRY_AFTER_S, 60, "api.md: at most 60 seconds");
    let too_long = MAX_WAITED_RETRY_AFTER_S + 1;
    for method in ["GET", "POST"] {
        let (mut h, c) = Harness::with_token(json!({}));
        h.platform.api([Answer::json(
            429,
            json!({"errors": [{"status": "429", "title": "Too Many Requests"}]}),
        )
        .retry_after(&too_long.to_string())]);
        let e = h.request(&c, call(method, "/api/v1/orders")).unwrap_err();
        assert_eq!(e.code, ErrorCode::RateLimited, "{method}");
        assert_eq!(e.retry_after, Some(too_long));
        assert_eq!(e.status, Some(429));
        assert!(e.errors.is_some());
        assert_eq!(h.platform.api_requests(), 1);
        assert!(h.platform.sleeps().is_empty());
        // A 429 from the API concerns that call only.
        h.platform.api([Answer::user()]);
        h.me(&c).unwrap();
        assert_eq!(h.platform.token_requests(), 1);
    }
}

#[test]
fn every_retry_counts_against_max_retries_including_the_401_refresh() {
    // A backoff, the refresh: maxRetries 2 spent, the second 503 is final.
    let (mut h, c) = Harness::with_client(json!({"maxRetries": 2}));
    h.platform.hour_tokens(["tokA", "tokB"]);
    h.platform.api([
        Answer::status(503),
        Answer::status(401),
        Answer::status(503),
    ]);
    h.platform.fallback(Route::Api, |_| Answer::user());
    let e = h.me(&c).unwrap_err();
    assert_eq!(e.code, ErrorCode::ServerError);
    assert_eq!(h.platform.api_requests(), 3);

    // The refresh alone spends maxRetries 1.
    let (mut h, c) = Harness::with_client(json!({"maxRetries": 1}));
    h.platform.hour_tokens(["tokA", "tokB"]);
    h.platform.api([Answer::status(401), Answer::status(503)]);
    h.platform.fallback(Route::Api, |_| Answer::user());
    assert_eq!(code(h.me(&c)), ErrorCode::ServerError);
    assert_eq!(h.platform.api_requests(), 2);

    // Short 429s spend them too.
    let (mut h, c) = Harness::with_token(json!({"maxRetries": 2}));
    h.platform
        .fallback(Route::Api, |_| Answer::status(429).retry_after("1"));
    let e = h.request(&c, post("/api/v1/orders", "{}")).unwrap_err();
    assert_eq!((e.code, e.retry_after), (ErrorCode::RateLimited, Some(1)));
    assert_eq!(h.platform.api_requests(), 3);
    assert_eq!(h.platform.sleeps(), vec![1_000.0, 1_000.0]);

    // A 429 then a network error: two retries, the third attempt succeeds.
    let (mut h, c) = Harness::with_token(json!({"maxRetries": 2}));
    h.platform.api([Answer::status(429), Answer::network()]);
    h.platform.fallback(Route::Api, |_| Answer::user());
    h.me(&c).unwrap();
    assert_eq!(h.platform.api_requests(), 3);
}

#![cfg(not(target_arch = "wasm32"))]
//! Native tests of the client core (token cache, token endpoint, 401 handling, token budget
//! guard, retries, `request()`, abort, token store, redaction) on a scripted platform with a
//! virtual clock. See `support/mod.rs`.

mod support;

use ankorstore_client::parts::store_key;
use ankorstore_client::{
    exchange_credentials, get_me, AccessToken, ApiRequest, Error, ErrorCode, Secret, JSON_API,
};
use serde_json::json as sj;
use serde_json::Value as Json;
use support::*;

// ---------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------

fn token(h: &mut Harness, c: &C) -> Result<AccessToken, Error> {
    let c = c.clone();
    h.run(async move { c.token(None).await })
}

fn me(h: &mut Harness, c: &C) -> Result<Json, Error> {
    let c = c.clone();
    h.run(async move { c.me(None).await })
}

fn request(h: &mut Harness, c: &C, call: ApiRequest) -> Result<Option<Json>, Error> {
    let c = c.clone();
    h.run(async move { c.request(&call, None).await })
}

fn call(method: &str, path: &str) -> ApiRequest {
    ApiRequest {
        method: method.into(),
        path: path.into(),
        ..Default::default()
    }
}

fn get(path: &str) -> ApiRequest {
    call("GET", path)
}

fn post(path: &str, body: &str) -> ApiRequest {
    ApiRequest {
        body: Some(body.into()),
        ..call("POST", path)
    }
}

fn raw(t: &AccessToken) -> &str {
    t.access_token.expose()
}

fn code<T: std::fmt::Debug>(r: Result<T, Error>) -> ErrorCode {
    r.expect_err("expected an error").code
}

/// A token store value, as another process would have written it.
fn stored(access_token: &str, expires_at: f64, expires_in: f64) -> String {
    AccessToken {
        access_token: Secret::new(access_token),
        token_type: "Bearer".into(),
        expires_in,
        expires_at,
    }
    .to_store_value()
}

fn key(extra: serde_json::Value) -> String {
    store_key(&config(extra))
}

fn bearers(h: &Harness) -> Vec<String> {
    h.platform
        .sent_to(Route::Api)
        .iter()
        .map(|s| s.bearer().unwrap_or("-").to_string())
        .collect()
}

/// Every token request is answered with a new token `tokN`, every API call with 401.
fn api_always_401(h: &Harness) {
    h.platform
        .fallback(Route::Token, |n| Answer::token(&format!("tok{n}"), 3600.0));
    h.platform.fallback(Route::Api, |_| Answer::status(401));
}

/// Advances the clock by 1 s steps, calling `me()` each time, until a call sends a token
/// request again; returns how long that took (ms). Every call in between must be refused
/// `unauthenticated` without a token request.
fn probe_cooldown(h: &mut Harness, c: &C) -> f64 {
    let start = h.platform.now();
    let before = h.platform.token_requests();
    for _ in 0..4_000 {
        h.platform.advance(1_000.0);
        let result = me(h, c);
        assert_eq!(code(result), ErrorCode::Unauthenticated);
        if h.platform.token_requests() > before {
            return h.platform.now() - start;
        }
    }
    panic!("the cool-down never ended");
}

// ---------------------------------------------------------------------------------------
// token(): cache, expiry, sharing
// ---------------------------------------------------------------------------------------

#[test]
fn token_is_cached_while_fresh() {
    let mut h = Harness::new();
    let c = h.client(sj!({}));
    h.platform.tokens([Answer::token("tokA", 3600.0)]);
    let first = token(&mut h, &c).unwrap();
    h.platform.advance(3_000_000.0);
    let second = token(&mut h, &c).unwrap();
    assert_eq!(raw(&first), "tokA");
    assert_eq!(first, second);
    assert_eq!(h.platform.token_requests(), 1);
}

#[test]
fn token_is_renewed_at_expires_at_minus_the_margin() {
    let mut h = Harness::new();
    let c = h.client(sj!({}));
    h.platform
        .tokens([Answer::token("tokA", 3600.0), Answer::token("tokB", 3600.0)]);
    token(&mut h, &c).unwrap();
    // Default margin 60 s: fresh while now < T0 + 3600 s - 60 s.
    h.platform.set_now(T0 + 3_540_000.0 - 1.0);
    assert_eq!(raw(&token(&mut h, &c).unwrap()), "tokA");
    assert_eq!(h.platform.token_requests(), 1);
    h.platform.set_now(T0 + 3_540_000.0);
    assert_eq!(raw(&token(&mut h, &c).unwrap()), "tokB");
    assert_eq!(h.platform.token_requests(), 2);
}

#[test]
fn refresh_margin_option_is_honoured() {
    let mut h = Harness::new();
    let c = h.client(sj!({"refreshMarginSeconds": 10}));
    h.platform
        .tokens([Answer::token("tokA", 3600.0), Answer::token("tokB", 3600.0)]);
    token(&mut h, &c).unwrap();
    h.platform.set_now(T0 + 3_590_000.0 - 1.0);
    assert_eq!(raw(&token(&mut h, &c).unwrap()), "tokA");
    h.platform.set_now(T0 + 3_590_000.0);
    assert_eq!(raw(&token(&mut h, &c).unwrap()), "tokB");
}

#[test]
fn margin_is_capped_at_half_the_token_lifetime() {
    // expires_in 100 s, margin 60 s: the margin becomes 50 s.
    let mut h = Harness::new();
    let c = h.client(sj!({}));
    h.platform
        .tokens([Answer::token("tokA", 100.0), Answer::token("tokB", 100.0)]);
    token(&mut h, &c).unwrap();
    h.platform.set_now(T0 + 50_000.0 - 1.0);
    assert_eq!(raw(&token(&mut h, &c).unwrap()), "tokA");
    h.platform.set_now(T0 + 50_000.0);
    assert_eq!(raw(&token(&mut h, &c).unwrap()), "tokB");

    // Margin 0: used until it expires.
    let mut h = Harness::new();
    let c = h.client(sj!({"refreshMarginSeconds": 0}));
    h.platform
        .tokens([Answer::token("tokA", 100.0), Answer::token("tokB", 100.0)]);
    token(&mut h, &c).unwrap();
    h.platform.set_now(T0 + 100_000.0 - 1.0);
    assert_eq!(raw(&token(&mut h, &c).unwrap()), "tokA");
    h.platform.set_now(T0 + 100_000.0);
    assert_eq!(raw(&token(&mut h, &c).unwrap()), "tokB");
}

#[test]
fn expires_at_is_the_send_time_plus_expires_in() {
    let mut h = Harness::new();
    let c = h.client(sj!({}));
    h.platform
        .tokens([Answer::token("tokA", 3600.0).latency(1_500.0)]);
    let t = token(&mut h, &c).unwrap();
    assert_eq!(h.platform.now(), T0 + 1_500.0, "the answer took 1.5 s");
    assert_eq!(
        t.expires_at,
        T0 + 3_600_000.0,
        "send time, not receive time"
    );
    assert_eq!(t.expires_in, 3600.0);
    assert_eq!(t.token_type, "Bearer");
}

#[test]
fn expires_at_counts_from_the_attempt_that_succeeded() {
    let mut h = Harness::new();
    let c = h.client(sj!({}));
    h.platform.tokens([
        Answer::status(503),
        Answer::token("tokA", 3600.0).latency(700.0),
    ]);
    let t = token(&mut h, &c).unwrap();
    let sent: Vec<f64> = h.platform.sent().iter().map(|s| s.at).collect();
    assert_eq!(sent, vec![T0, T0 + 187.5]);
    assert_eq!(t.expires_at, T0 + 187.5 + 3_600_000.0);
}

#[test]
fn the_token_request_is_a_client_credentials_form_post() {
    let mut h = Harness::new();
    let c = h.client(sj!({}));
    h.platform.tokens([Answer::token("tokA", 3600.0)]);
    token(&mut h, &c).unwrap();
    let sent = &h.platform.sent()[0];
    assert_eq!(sent.request.method, "POST");
    assert_eq!(sent.request.url, format!("{BASE}/oauth/token"));
    assert_eq!(sent.header("accept"), Some("application/json"));
    assert_eq!(
        sent.header("content-type"),
        Some("application/x-www-form-urlencoded")
    );
    assert_eq!(sent.header("authorization"), None);
    assert_eq!(
        sent.request.body.as_deref(),
        Some(
            format!("grant_type=client_credentials&client_id={CLIENT_ID}&client_secret={SECRET_FORM}&scope=*")
                .as_str()
        )
    );
    assert_eq!(sent.timeout_ms, 30_000.0);
}

#[test]
fn a_thousand_concurrent_cold_calls_send_one_token_request() {
    let mut h = Harness::new();
    let c = h.client(sj!({}));
    let gate = Flag::new();
    h.platform
        .tokens([Answer::token("tokA", 3600.0).held(&gate)]);
    let tasks: Vec<_> = (0..1000)
        .map(|_| {
            let c = c.clone();
            h.spawn(async move { c.token(None).await })
        })
        .collect();
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
    let mut h = Harness::new();
    let c = h.client(sj!({"maxRetries": 0}));
    let gate = Flag::new();
    h.platform.tokens([Answer::status(503).held(&gate)]);
    let tasks: Vec<_> = (0..50)
        .map(|_| {
            let c = c.clone();
            h.spawn(async move { c.token(None).await })
        })
        .collect();
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
    h.platform.tokens([Answer::token("tokA", 3600.0)]);
    assert_eq!(raw(&token(&mut h, &c).unwrap()), "tokA");
    assert_eq!(h.platform.token_requests(), 2);
}

// ---------------------------------------------------------------------------------------
// Token endpoint answers
// ---------------------------------------------------------------------------------------

#[test]
fn token_endpoint_400_and_401_are_invalid_client_with_the_oauth_error() {
    for status in [400, 401] {
        let mut h = Harness::new();
        let c = h.client(sj!({}));
        h.platform.tokens([Answer::json(
            status,
            sj!({"error": "invalid_client", "error_description": "Client authentication failed"}),
        )]);
        let e = token(&mut h, &c).unwrap_err();
        assert_eq!(e.code, ErrorCode::InvalidClient, "{status}");
        assert_eq!(e.status, Some(status));
        assert_eq!(e.oauth_error.as_deref(), Some("invalid_client"));
        assert!(!e.message.contains("Client authentication failed"), "{e:?}");
        assert_eq!(h.platform.token_requests(), 1, "not retried");
    }
}

#[test]
fn other_token_endpoint_statuses_are_request_failed() {
    for status in [403, 404, 418, 302] {
        let mut h = Harness::new();
        let c = h.client(sj!({}));
        h.platform.tokens([Answer::status(status)]);
        let e = token(&mut h, &c).unwrap_err();
        assert_eq!(e.code, ErrorCode::RequestFailed, "{status}");
        assert_eq!(h.platform.token_requests(), 1, "not retried");
    }
}

#[test]
fn a_long_429_from_the_token_endpoint_is_remembered_until_retry_after() {
    let mut h = Harness::new();
    let c = h.client(sj!({}));
    h.platform.tokens([Answer::status(429).retry_after("120")]);
    let e = token(&mut h, &c).unwrap_err();
    assert_eq!(e.code, ErrorCode::RateLimited);
    assert_eq!(e.retry_after, Some(120));
    assert_eq!(e.status, Some(429));
    assert!(h.platform.sleeps().is_empty(), "a long 429 is not waited");

    // Until it has passed: rejected at once, without a request, with the seconds left.
    h.platform.advance(30_500.0);
    let e = token(&mut h, &c).unwrap_err();
    assert_eq!(e.code, ErrorCode::RateLimited);
    assert_eq!(e.retry_after, Some(90));
    assert_eq!(code(me(&mut h, &c)), ErrorCode::RateLimited);
    h.platform.set_now(T0 + 119_999.0);
    assert_eq!(token(&mut h, &c).unwrap_err().retry_after, Some(1));
    assert_eq!(h.platform.token_requests(), 1);
    assert_eq!(h.platform.api_requests(), 0);

    // Then it asks again.
    h.platform.set_now(T0 + 120_000.0);
    h.platform.tokens([Answer::token("tokA", 3600.0)]);
    assert_eq!(raw(&token(&mut h, &c).unwrap()), "tokA");
    assert_eq!(h.platform.token_requests(), 2);
}

#[test]
fn a_short_429_from_the_token_endpoint_is_waited_out_and_retried() {
    for (header, waited) in [
        (Some("60"), 60_000.0),
        (Some("3"), 3_000.0),
        (None, 1_000.0),
    ] {
        let mut h = Harness::new();
        let c = h.client(sj!({}));
        let limited = match header {
            Some(v) => Answer::status(429).retry_after(v),
            None => Answer::status(429),
        };
        h.platform.tokens([limited, Answer::token("tokA", 3600.0)]);
        assert_eq!(raw(&token(&mut h, &c).unwrap()), "tokA");
        assert_eq!(h.platform.sleeps(), vec![waited], "{header:?}");
        let at: Vec<f64> = h.platform.sent().iter().map(|s| s.at).collect();
        assert_eq!(at, vec![T0, T0 + waited]);
    }
}

#[test]
fn token_endpoint_5xx_is_retried_with_backoff_then_server_error() {
    let mut h = Harness::new();
    let c = h.client(sj!({}));
    h.platform.tokens([
        Answer::status(500),
        Answer::status(502),
        Answer::status(503),
    ]);
    let e = token(&mut h, &c).unwrap_err();
    assert_eq!(e.code, ErrorCode::ServerError);
    assert_eq!(e.status, Some(503));
    assert_eq!(h.platform.token_requests(), 3, "1 + maxRetries (2)");
    assert_eq!(
        h.platform.sleeps(),
        vec![187.5, 375.0],
        "exponential backoff"
    );

    let mut h = Harness::new();
    let c = h.client(sj!({"maxRetries": 4}));
    h.platform.fallback(Route::Token, |_| Answer::status(500));
    assert_eq!(code(token(&mut h, &c)), ErrorCode::ServerError);
    assert_eq!(h.platform.token_requests(), 5);
    assert_eq!(h.platform.sleeps(), vec![187.5, 375.0, 750.0, 1_500.0]);

    let mut h = Harness::new();
    let c = h.client(sj!({"maxRetries": 0}));
    h.platform.fallback(Route::Token, |_| Answer::status(500));
    assert_eq!(code(token(&mut h, &c)), ErrorCode::ServerError);
    assert_eq!(h.platform.token_requests(), 1);
}

#[test]
fn a_2xx_without_a_valid_token_is_invalid_response() {
    let bad = [
        Answer::not_json(200),
        Answer::status(200),
        Answer::json(200, sj!([])),
        Answer::json(200, sj!({})),
        Answer::json(
            200,
            sj!({"access_token": "a b", "token_type": "Bearer", "expires_in": 3600}),
        ),
        Answer::json(
            200,
            sj!({"access_token": "", "token_type": "Bearer", "expires_in": 3600}),
        ),
        Answer::json(
            200,
            sj!({"access_token": "t", "token_type": "mac", "expires_in": 3600}),
        ),
        Answer::json(
            200,
            sj!({"access_token": "t", "token_type": "Bearer", "expires_in": "3600"}),
        ),
        Answer::json(
            200,
            sj!({"access_token": "t", "token_type": "Bearer", "expires_in": 0}),
        ),
    ];
    for answer in bad {
        let mut h = Harness::new();
        let c = h.client(sj!({}));
        h.platform.tokens([answer.clone()]);
        let e = token(&mut h, &c).unwrap_err();
        assert_eq!(e.code, ErrorCode::InvalidResponse, "{answer:?}");
        assert_eq!(e.status, Some(200));
        assert_eq!(h.platform.token_requests(), 1, "not retried: {answer:?}");
        h.platform.tokens([Answer::token("tokA", 3600.0)]);
        assert_eq!(raw(&token(&mut h, &c).unwrap()), "tokA", "nothing cached");
    }
}

#[test]
fn token_endpoint_network_errors_and_timeouts_are_retried_then_reported() {
    for (answer, expected) in [
        (Answer::network(), ErrorCode::Network),
        (Answer::timeout(), ErrorCode::Timeout),
    ] {
        let mut h = Harness::new();
        let c = h.client(sj!({}));
        let fallback = answer.clone();
        h.platform.fallback(Route::Token, move |_| fallback.clone());
        assert_eq!(code(token(&mut h, &c)), expected);
        assert_eq!(h.platform.token_requests(), 3);
        assert_eq!(h.platform.sleeps(), vec![187.5, 375.0]);
    }
    let mut h = Harness::new();
    let c = h.client(sj!({}));
    h.platform.tokens([
        Answer::network(),
        Answer::timeout(),
        Answer::token("tokA", 3600.0),
    ]);
    assert_eq!(raw(&token(&mut h, &c).unwrap()), "tokA");
    assert_eq!(h.platform.token_requests(), 3);
}

// ---------------------------------------------------------------------------------------
// 401 from the API
// ---------------------------------------------------------------------------------------

#[test]
fn a_401_replaces_the_token_and_retries_once() {
    let mut h = Harness::new();
    let c = h.client(sj!({}));
    h.platform
        .tokens([Answer::token("tokA", 3600.0), Answer::token("tokB", 3600.0)]);
    h.platform.api([Answer::status(401), Answer::user()]);
    let user = me(&mut h, &c).unwrap();
    assert_eq!(user, (user_document()["data"]).clone());
    assert_eq!(bearers(&h), vec!["tokA", "tokB"]);
    assert_eq!(h.platform.token_requests(), 2);
    assert_eq!(
        raw(&token(&mut h, &c).unwrap()),
        "tokB",
        "the new one is cached"
    );
    assert_eq!(h.platform.token_requests(), 2);
}

#[test]
fn a_second_401_is_unauthenticated() {
    let mut h = Harness::new();
    let c = h.client(sj!({}));
    h.platform
        .tokens([Answer::token("tokA", 3600.0), Answer::token("tokB", 3600.0)]);
    let refused = Answer::json(401, sj!({"message": "Unauthenticated."}));
    h.platform.api([refused.clone(), refused]);
    let e = me(&mut h, &c).unwrap_err();
    assert_eq!(e.code, ErrorCode::Unauthenticated);
    assert_eq!(e.status, Some(401));
    assert_eq!(h.platform.api_requests(), 2);
    assert_eq!(h.platform.token_requests(), 2);
}

#[test]
fn concurrent_401s_share_one_refresh() {
    let mut h = Harness::new();
    let c = h.client(sj!({}));
    h.platform
        .tokens([Answer::token("tokA", 3600.0), Answer::token("tokB", 3600.0)]);
    token(&mut h, &c).unwrap();
    let gate = Flag::new();
    h.platform.api([
        Answer::status(401).held(&gate),
        Answer::status(401).held(&gate),
        Answer::status(401).held(&gate),
    ]);
    h.platform.fallback(Route::Api, |_| Answer::user());
    let tasks: Vec<_> = (0..3)
        .map(|_| {
            let c = c.clone();
            h.spawn(async move { c.me(None).await })
        })
        .collect();
    h.settle();
    assert_eq!(bearers(&h), vec!["tokA"; 3]);
    gate.raise();
    h.settle();
    for t in &tasks {
        t.output().unwrap();
    }
    assert_eq!(h.platform.token_requests(), 2, "one shared refresh");
    assert_eq!(&bearers(&h)[3..], &["tokB", "tokB", "tokB"]);
}

#[test]
fn a_stale_401_does_not_invalidate_a_token_fetched_after_expiry() {
    let mut h = Harness::new();
    let c = h.client(sj!({}));
    h.platform
        .tokens([Answer::token("tokA", 3600.0), Answer::token("tokB", 3600.0)]);
    let gate = Flag::new();
    h.platform.api([
        Answer::status(401).held(&gate), // the slow call made with tokA
        Answer::user(),                  // another call, with tokB
        Answer::user(),                  // the slow call's retry
    ]);
    let slow = {
        let c = c.clone();
        h.spawn(async move { c.me(None).await })
    };
    h.settle();
    h.platform.set_now(T0 + 3_600_000.0); // tokA is no longer fresh
    me(&mut h, &c).unwrap();
    assert_eq!(h.platform.token_requests(), 2);
    gate.raise();
    h.settle();
    slow.output().unwrap();
    assert_eq!(bearers(&h), vec!["tokA", "tokB", "tokB"]);
    assert_eq!(h.platform.token_requests(), 2, "tokB was kept");
    assert_eq!(raw(&token(&mut h, &c).unwrap()), "tokB");
}

#[test]
fn a_stale_401_does_not_invalidate_a_token_fetched_after_another_401() {
    let mut h = Harness::new();
    let c = h.client(sj!({}));
    h.platform
        .tokens([Answer::token("tokA", 3600.0), Answer::token("tokB", 3600.0)]);
    token(&mut h, &c).unwrap();
    let gate = Flag::new();
    h.platform.api([
        Answer::status(401).held(&gate), // slow call, tokA
        Answer::status(401),             // fast call, tokA
        Answer::user(),                  // fast call retried with tokB
        Answer::user(),                  // slow call retried
    ]);
    let slow = {
        let c = c.clone();
        h.spawn(async move { c.me(None).await })
    };
    h.settle();
    me(&mut h, &c).unwrap();
    gate.raise();
    h.settle();
    slow.output().unwrap();
    assert_eq!(bearers(&h), vec!["tokA", "tokA", "tokB", "tokB"]);
    assert_eq!(h.platform.token_requests(), 2);
}

// ---------------------------------------------------------------------------------------
// Token budget guard
// ---------------------------------------------------------------------------------------

#[test]
fn an_api_that_always_answers_401_costs_a_handful_of_token_requests() {
    let mut h = Harness::new();
    let c = h.client(sj!({}));
    api_always_401(&h);
    for i in 0..1000 {
        let e = me(&mut h, &c).unwrap_err();
        assert_eq!(e.code, ErrorCode::Unauthenticated, "call {i}: {e:?}");
    }
    assert!(
        h.platform.token_requests() <= 3,
        "{}",
        h.platform.token_requests()
    );
}

#[test]
fn a_thousand_concurrent_calls_to_an_api_that_always_answers_401() {
    let mut h = Harness::new();
    let c = h.client(sj!({}));
    api_always_401(&h);
    let tasks: Vec<_> = (0..1000)
        .map(|_| {
            let c = c.clone();
            h.spawn(async move { c.me(None).await })
        })
        .collect();
    h.settle();
    for t in &tasks {
        assert_eq!(code(t.output()), ErrorCode::Unauthenticated);
    }
    assert!(
        h.platform.token_requests() <= 3,
        "{}",
        h.platform.token_requests()
    );
}

#[test]
fn the_cooldown_lasts_at_least_30_s_and_grows_on_repetition() {
    let mut h = Harness::new();
    let c = h.client(sj!({}));
    api_always_401(&h);
    assert_eq!(code(me(&mut h, &c)), ErrorCode::Unauthenticated);
    assert_eq!(h.platform.token_requests(), 2);
    let first = probe_cooldown(&mut h, &c);
    let second = probe_cooldown(&mut h, &c);
    let third = probe_cooldown(&mut h, &c);
    assert!(first >= 30_000.0, "{first}");
    assert!(second > first, "{first} then {second}");
    assert!(third > second, "{second} then {third}");
}

#[test]
fn a_success_resets_the_cooldown() {
    let mut h = Harness::new();
    let c = h.client(sj!({}));
    api_always_401(&h);
    assert_eq!(code(me(&mut h, &c)), ErrorCode::Unauthenticated);
    let first = probe_cooldown(&mut h, &c);
    assert!(first >= 30_000.0);
    // The probe's last call had a third token refused: the second, longer cool-down runs.
    h.platform.advance(3_600_000.0);
    h.platform.api([Answer::user()]);
    me(&mut h, &c).unwrap(); // a success with a new token
    assert_eq!(code(me(&mut h, &c)), ErrorCode::Unauthenticated);
    assert_eq!(
        probe_cooldown(&mut h, &c),
        first,
        "back to the first cool-down"
    );
}

#[test]
fn invalidate_token_resets_the_cooldown() {
    let mut h = Harness::new();
    let c = h.client(sj!({}));
    api_always_401(&h);
    assert_eq!(code(me(&mut h, &c)), ErrorCode::Unauthenticated);
    let first = probe_cooldown(&mut h, &c);
    let requests = h.platform.token_requests();
    assert_eq!(code(me(&mut h, &c)), ErrorCode::Unauthenticated);
    assert_eq!(h.platform.token_requests(), requests, "cooling down");
    c.invalidate_token();
    assert_eq!(code(me(&mut h, &c)), ErrorCode::Unauthenticated);
    assert!(
        h.platform.token_requests() > requests,
        "asks at once after invalidate_token()"
    );
    assert_eq!(
        probe_cooldown(&mut h, &c),
        first,
        "back to the first cool-down"
    );
}

// ---------------------------------------------------------------------------------------
// Retries
// ---------------------------------------------------------------------------------------

#[test]
fn get_retries_5xx_network_errors_and_timeouts() {
    let mut h = Harness::new();
    let c = h.client(sj!({"maxRetries": 3}));
    h.platform.tokens([Answer::token("tokA", 3600.0)]);
    h.platform.api([
        Answer::status(503),
        Answer::network(),
        Answer::timeout(),
        Answer::json(200, sj!({"data": []})),
    ]);
    let body = request(&mut h, &c, get("/api/v1/orders")).unwrap();
    assert_eq!(body, Some((sj!({"data": []})).clone()));
    assert_eq!(h.platform.api_requests(), 4);
    assert_eq!(h.platform.sleeps(), vec![187.5, 375.0, 750.0]);
}

#[test]
fn get_gives_up_after_max_retries() {
    for (answer, expected) in [
        (Answer::status(500), ErrorCode::ServerError),
        (Answer::network(), ErrorCode::Network),
        (Answer::timeout(), ErrorCode::Timeout),
    ] {
        let mut h = Harness::new();
        let c = h.client(sj!({}));
        h.platform.tokens([Answer::token("tokA", 3600.0)]);
        let a = answer.clone();
        h.platform.fallback(Route::Api, move |_| a.clone());
        assert_eq!(code(me(&mut h, &c)), expected, "{answer:?}");
        assert_eq!(h.platform.api_requests(), 3);
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
            let mut h = Harness::new();
            let c = h.client(sj!({}));
            h.platform.tokens([Answer::token("tokA", 3600.0)]);
            h.platform.api([answer.clone()]);
            let e = request(&mut h, &c, call(method, "/api/v1/orders/1")).unwrap_err();
            assert_eq!(e.code, expected, "{method} {answer:?}");
            assert_eq!(h.platform.api_requests(), 1, "{method} {answer:?}");
            assert!(h.platform.sleeps().is_empty());
        }
    }
}

#[test]
fn a_short_429_is_waited_out_even_for_post() {
    for (header, waited) in [
        (Some("5"), 5_000.0),
        (Some("60"), 60_000.0),
        (None, 1_000.0),
    ] {
        let mut h = Harness::new();
        let c = h.client(sj!({}));
        h.platform.tokens([Answer::token("tokA", 3600.0)]);
        let limited = match header {
            Some(v) => Answer::status(429).retry_after(v),
            None => Answer::status(429),
        };
        h.platform
            .api([limited, Answer::json(201, sj!({"data": {"id": "1"}}))]);
        let body = request(&mut h, &c, post("/api/v1/orders", "{}")).unwrap();
        assert!(body.is_some());
        assert_eq!(h.platform.sleeps(), vec![waited], "{header:?}");
        let at: Vec<f64> = h
            .platform
            .sent_to(Route::Api)
            .iter()
            .map(|s| s.at)
            .collect();
        assert_eq!(at, vec![T0, T0 + waited]);
    }
}

#[test]
fn a_long_429_is_rejected_at_once_with_retry_after() {
    for method in ["GET", "POST"] {
        let mut h = Harness::new();
        let c = h.client(sj!({}));
        h.platform.tokens([Answer::token("tokA", 3600.0)]);
        h.platform.api([Answer::json(
            429,
            sj!({"errors": [{"status": "429", "title": "Too Many Requests"}]}),
        )
        .retry_after("61")]);
        let e = request(&mut h, &c, call(method, "/api/v1/orders")).unwrap_err();
        assert_eq!(e.code, ErrorCode::RateLimited, "{method}");
        assert_eq!(e.retry_after, Some(61));
        assert_eq!(e.status, Some(429));
        assert!(e.errors.is_some());
        assert_eq!(h.platform.api_requests(), 1);
        assert!(h.platform.sleeps().is_empty());
        // A 429 from the API concerns that call only.
        h.platform.api([Answer::user()]);
        me(&mut h, &c).unwrap();
        assert_eq!(h.platform.token_requests(), 1);
    }
}

#[test]
fn every_retry_counts_against_max_retries_including_the_401_refresh() {
    let mut h = Harness::new();
    let c = h.client(sj!({"maxRetries": 2}));
    h.platform
        .tokens([Answer::token("tokA", 3600.0), Answer::token("tokB", 3600.0)]);
    h.platform.api([
        Answer::status(503),
        Answer::status(401),
        Answer::status(503),
    ]);
    h.platform.fallback(Route::Api, |_| Answer::user());
    let e = me(&mut h, &c).unwrap_err();
    assert_eq!(e.code, ErrorCode::ServerError);
    assert_eq!(h.platform.api_requests(), 3);

    let mut h = Harness::new();
    let c = h.client(sj!({"maxRetries": 1}));
    h.platform
        .tokens([Answer::token("tokA", 3600.0), Answer::token("tokB", 3600.0)]);
    h.platform.api([Answer::status(401), Answer::status(503)]);
    h.platform.fallback(Route::Api, |_| Answer::user());
    assert_eq!(code(me(&mut h, &c)), ErrorCode::ServerError);
    assert_eq!(h.platform.api_requests(), 2);

    let mut h = Harness::new();
    let c = h.client(sj!({"maxRetries": 2}));
    h.platform.tokens([Answer::token("tokA", 3600.0)]);
    h.platform
        .fallback(Route::Api, |_| Answer::status(429).retry_after("1"));
    let e = request(&mut h, &c, post("/api/v1/orders", "{}")).unwrap_err();
    assert_eq!((e.code, e.retry_after), (ErrorCode::RateLimited, Some(1)));
    assert_eq!(h.platform.api_requests(), 3);
    assert_eq!(h.platform.sleeps(), vec![1_000.0, 1_000.0]);

    let mut h = Harness::new();
    let c = h.client(sj!({"maxRetries": 2}));
    h.platform.tokens([Answer::token("tokA", 3600.0)]);
    h.platform.api([Answer::status(429), Answer::network()]);
    h.platform.fallback(Route::Api, |_| Answer::user());
    me(&mut h, &c).unwrap();
    assert_eq!(h.platform.api_requests(), 3);
}

// ---------------------------------------------------------------------------------------
// request() and me(): what is sent and how answers are read
// ---------------------------------------------------------------------------------------

#[test]
fn request_sends_json_api_headers_and_the_bearer_token() {
    let mut h = Harness::new();
    let c = h.client(sj!({}));
    h.platform.tokens([Answer::token("tokA", 3600.0)]);
    h.platform
        .fallback(Route::Api, |_| Answer::json(200, sj!({"data": []})));
    request(&mut h, &c, get("/api/v1/orders")).unwrap();
    let mut with_body = post("/api/v1/orders", r#"{"data":{"type":"orders"}}"#);
    with_body.headers = vec![("X-Trace".into(), "t-1".into())];
    request(&mut h, &c, with_body).unwrap();

    let sent = h.platform.sent_to(Route::Api);
    assert_eq!(sent[0].request.method, "GET");
    assert_eq!(sent[0].request.url, format!("{BASE}/api/v1/orders"));
    assert_eq!(sent[0].header("accept"), Some(JSON_API));
    assert_eq!(
        sent[0].header("content-type"),
        None,
        "no body, no content-type"
    );
    assert_eq!(sent[0].header("authorization"), Some("Bearer tokA"));
    assert_eq!(sent[0].request.body, None);

    assert_eq!(sent[1].request.method, "POST");
    assert_eq!(sent[1].header("accept"), Some(JSON_API));
    assert_eq!(sent[1].header("content-type"), Some(JSON_API));
    assert_eq!(sent[1].header("authorization"), Some("Bearer tokA"));
    assert_eq!(sent[1].header("x-trace"), Some("t-1"));
    assert_eq!(
        sent[1].request.body.as_deref(),
        Some(r#"{"data":{"type":"orders"}}"#)
    );
}

#[test]
fn me_asks_for_plain_json_with_the_bearer_token() {
    let mut h = Harness::new();
    let c = h.client(sj!({}));
    h.platform.tokens([Answer::token("tokA", 3600.0)]);
    h.platform.api([Answer::user()]);
    let user = me(&mut h, &c).unwrap();
    assert_eq!(user.get("extra"), Some(&(sj!({"kept": true})).clone()));
    let sent = &h.platform.sent_to(Route::Api)[0];
    assert_eq!(sent.request.method, "GET");
    assert_eq!(sent.request.url, format!("{BASE}/api/v1/me"));
    assert_eq!(sent.header("accept"), Some("application/json"));
    assert_eq!(sent.header("authorization"), Some("Bearer tokA"));
    assert_eq!(sent.request.body, None);
}

#[test]
fn query_parameters_are_percent_encoded() {
    let mut h = Harness::new();
    let c = h.client(sj!({}));
    h.platform.tokens([Answer::token("tokA", 3600.0)]);
    h.platform
        .fallback(Route::Api, |_| Answer::json(200, sj!({"data": []})));
    let mut q = get("/api/v1/orders");
    q.query = vec![
        ("filter[status]".into(), "a b&c=d".into()),
        ("page[number]".into(), "2".into()),
        ("q".into(), "é/ü+~".into()),
    ];
    request(&mut h, &c, q).unwrap();
    let mut q = get("/api/v1/orders?include=retailer");
    q.query = vec![("page".into(), "2".into())];
    request(&mut h, &c, q).unwrap();
    let urls: Vec<String> = h
        .platform
        .sent_to(Route::Api)
        .into_iter()
        .map(|s| s.request.url)
        .collect();
    assert_eq!(
        urls,
        vec![
            format!("{BASE}/api/v1/orders?filter%5Bstatus%5D=a%20b%26c%3Dd&page%5Bnumber%5D=2&q=%C3%A9%2F%C3%BC%2B~"),
            format!("{BASE}/api/v1/orders?include=retailer&page=2"),
        ]
    );
}

#[test]
fn an_empty_body_resolves_to_none() {
    for status in [204, 200, 202] {
        let mut h = Harness::new();
        let c = h.client(sj!({}));
        h.platform.tokens([Answer::token("tokA", 3600.0)]);
        h.platform.api([Answer::status(status)]);
        let body = request(&mut h, &c, call("DELETE", "/api/v1/orders/1")).unwrap();
        assert_eq!(body, None, "{status}");
    }
}

#[test]
fn a_non_json_2xx_is_invalid_response() {
    let mut h = Harness::new();
    let c = h.client(sj!({}));
    h.platform.tokens([Answer::token("tokA", 3600.0)]);
    h.platform
        .api([Answer::not_json(200), Answer::not_json(200)]);
    let e = request(&mut h, &c, get("/api/v1/orders")).unwrap_err();
    assert_eq!((e.code, e.status), (ErrorCode::InvalidResponse, Some(200)));
    let e = me(&mut h, &c).unwrap_err();
    assert_eq!((e.code, e.status), (ErrorCode::InvalidResponse, Some(200)));
    assert_eq!(h.platform.api_requests(), 2, "not retried");
}

#[test]
fn me_refuses_a_2xx_that_is_not_a_user() {
    for body in [
        sj!({}),
        sj!({"data": []}),
        sj!({"data": {"type": "brand", "id": 1, "email": "a@b.c"}}),
        sj!({"data": {"type": "user", "id": "1", "email": "a@b.c"}}),
    ] {
        let mut h = Harness::new();
        let c = h.client(sj!({}));
        h.platform.tokens([Answer::token("tokA", 3600.0)]);
        h.platform.api([Answer::json(200, body.clone())]);
        assert_eq!(code(me(&mut h, &c)), ErrorCode::InvalidResponse, "{body}");
    }
}

#[test]
fn error_statuses_map_to_codes_and_keep_json_api_errors() {
    let document = sj!({
        "jsonapi": {"version": "1.0"},
        "errors": [{
            "status": "422",
            "code": "invalid",
            "title": "Invalid attribute",
            "detail": "Quantity must be positive",
            "source": {"pointer": "/data/attributes/quantity"},
            "meta": {"min": 1},
            "links": {"about": "https://example.com"},
        }]
    });
    // Every member as sent (`links` included).
    let kept = vec![(document["errors"][0]).clone()];
    for (status, expected) in [
        (404, ErrorCode::NotFound),
        (403, ErrorCode::Forbidden),
        (422, ErrorCode::RequestFailed),
        (400, ErrorCode::RequestFailed),
        (409, ErrorCode::RequestFailed),
    ] {
        let mut h = Harness::new();
        let c = h.client(sj!({}));
        h.platform.tokens([Answer::token("tokA", 3600.0)]);
        h.platform.api([Answer::json(status, document.clone())]);
        let e = request(&mut h, &c, get("/api/v1/orders/1")).unwrap_err();
        assert_eq!(e.code, expected, "{status}");
        assert_eq!(e.status, Some(status));
        assert_eq!(
            serde_json::to_value(&e.errors).unwrap(),
            serde_json::to_value(Some(&kept)).unwrap(),
            "{status}"
        );
        assert!(
            e.to_string().contains("Quantity must be positive"),
            "{}",
            e.message
        );
        assert_eq!(h.platform.api_requests(), 1, "not retried");
    }
}

#[test]
fn a_redirect_is_not_followed() {
    let mut h = Harness::new();
    let c = h.client(sj!({}));
    h.platform.tokens([Answer::token("tokA", 3600.0)]);
    h.platform.api([Answer::status(302), Answer::status(0)]);
    assert_eq!(code(me(&mut h, &c)), ErrorCode::RequestFailed);
    assert_eq!(code(me(&mut h, &c)), ErrorCode::RequestFailed);
    assert_eq!(h.platform.api_requests(), 2);
}

#[test]
fn a_foreign_origin_is_invalid_argument_and_nothing_is_sent() {
    let mut h = Harness::new();
    let c = h.client(sj!({}));
    for target in [
        "https://evil.example/api/v1/me",
        "http://www.ankorstore.com/api/v1/me",
        "https://www.ankorstore.com.evil.example/api/v1/me",
        "https://www.ankorstore.com:8443/api/v1/me",
        "https://user:pw@www.ankorstore.com/api/v1/me",
        "https:\\\\evil.example/api",
        "ftp://www.ankorstore.com/api",
        "api/v1/me",
        "javascript:alert(1)",
        " https://evil.example/",
    ] {
        let e = request(&mut h, &c, get(target)).unwrap_err();
        assert_eq!(e.code, ErrorCode::InvalidArgument, "{target}");
    }
    assert!(h.platform.sent().is_empty(), "{:?}", h.platform.sent());
}

#[test]
fn an_absolute_url_on_the_clients_own_origin_is_followed() {
    let mut h = Harness::new();
    let c = h.client(sj!({}));
    h.platform.tokens([Answer::token("tokA", 3600.0)]);
    h.platform
        .fallback(Route::Api, |_| Answer::json(200, sj!({"data": []})));
    request(
        &mut h,
        &c,
        get("https://www.ankorstore.com/api/v1/orders?page[number]=2"),
    )
    .unwrap();
    request(
        &mut h,
        &c,
        get("HTTPS://WWW.ANKORSTORE.COM:443/api/v1/orders"),
    )
    .unwrap();
    let urls: Vec<String> = h
        .platform
        .sent_to(Route::Api)
        .into_iter()
        .map(|s| s.request.url)
        .collect();
    assert_eq!(
        urls,
        vec![
            "https://www.ankorstore.com/api/v1/orders?page[number]=2".to_string(),
            "https://www.ankorstore.com/api/v1/orders".to_string(),
        ]
    );
}

// ---------------------------------------------------------------------------------------
// Abort
// ---------------------------------------------------------------------------------------

#[test]
fn a_fired_signal_rejects_with_aborted_and_sends_nothing() {
    let mut h = Harness::new();
    let c = h.client(sj!({}));
    let signal = Flag::new();
    signal.raise();
    let (c1, s1) = (c.clone(), signal.clone());
    assert_eq!(
        code(h.run(async move { c1.token(Some(&s1)).await })),
        ErrorCode::Aborted
    );
    let (c2, s2) = (c.clone(), signal.clone());
    assert_eq!(
        code(h.run(async move { c2.me(Some(&s2)).await })),
        ErrorCode::Aborted
    );
    let (c3, s3) = (c.clone(), signal.clone());
    assert_eq!(
        code(h.run(async move { c3.request(&get("/api/v1/orders"), Some(&s3)).await })),
        ErrorCode::Aborted
    );
    assert!(h.platform.sent().is_empty());
}

#[test]
fn a_signal_fired_during_a_call_rejects_with_aborted() {
    let mut h = Harness::new();
    let c = h.client(sj!({}));
    h.platform.tokens([Answer::token("tokA", 3600.0)]);
    let never = Flag::new();
    h.platform.api([Answer::user().held(&never)]);
    let signal = Flag::new();
    let task = {
        let (c, s) = (c.clone(), signal.clone());
        h.spawn(async move { c.me(Some(&s)).await })
    };
    h.settle();
    assert_eq!(h.platform.api_requests(), 1);
    assert!(!task.is_done());
    signal.raise();
    h.settle();
    assert_eq!(code(task.output()), ErrorCode::Aborted);
    assert_eq!(h.platform.api_requests(), 1, "not retried");
}

#[test]
fn aborting_one_waiter_does_not_cancel_the_shared_token_request() {
    let mut h = Harness::new();
    let c = h.client(sj!({}));
    let gate = Flag::new();
    h.platform
        .tokens([Answer::token("tokA", 3600.0).held(&gate)]);
    h.platform.api([Answer::user()]);
    let (sx, sz) = (Flag::new(), Flag::new());
    let x = {
        let (c, s) = (c.clone(), sx.clone());
        h.spawn(async move { c.token(Some(&s)).await })
    };
    let y = {
        let c = c.clone();
        h.spawn(async move { c.token(None).await })
    };
    let z = {
        let (c, s) = (c.clone(), sz.clone());
        h.spawn(async move { c.me(Some(&s)).await })
    };
    h.settle();
    assert_eq!(h.platform.token_requests(), 1);
    sx.raise();
    h.settle();
    assert_eq!(code(x.output()), ErrorCode::Aborted);
    assert!(!y.is_done() && !z.is_done());
    gate.raise();
    h.settle();
    assert_eq!(raw(&y.output().unwrap()), "tokA");
    z.output().unwrap();
    assert_eq!(h.platform.token_requests(), 1);
    assert_eq!(raw(&token(&mut h, &c).unwrap()), "tokA", "cached");
    assert_eq!(h.platform.token_requests(), 1);
}

#[test]
fn a_call_aborted_while_waiting_for_its_token_leaves_the_token_cached() {
    let mut h = Harness::new();
    let c = h.client(sj!({}));
    let gate = Flag::new();
    h.platform
        .tokens([Answer::token("tokA", 3600.0).held(&gate)]);
    let signal = Flag::new();
    let task = {
        let (c, s) = (c.clone(), signal.clone());
        h.spawn(async move { c.me(Some(&s)).await })
    };
    h.settle();
    signal.raise();
    h.settle();
    assert_eq!(code(task.output()), ErrorCode::Aborted);
    gate.raise();
    h.settle();
    assert_eq!(raw(&token(&mut h, &c).unwrap()), "tokA");
    assert_eq!(h.platform.token_requests(), 1);
    assert_eq!(h.platform.api_requests(), 0);
}

// ---------------------------------------------------------------------------------------
// Token store
// ---------------------------------------------------------------------------------------

#[test]
fn a_fresh_stored_token_means_no_token_request() {
    let mut h = Harness::new();
    let store = MemStore::new();
    store.put(&key(sj!({})), &stored("tokS", T0 + 3_000_000.0, 3600.0));
    let c = h.client_with_store(sj!({}), &store);
    h.platform.api([Answer::user()]);
    me(&mut h, &c).unwrap();
    assert_eq!(bearers(&h), vec!["tokS"]);
    assert_eq!(h.platform.token_requests(), 0);
    let t = token(&mut h, &c).unwrap();
    assert_eq!((raw(&t), t.expires_at), ("tokS", T0 + 3_000_000.0));
    assert_eq!(store.gets(), vec![key(sj!({}))], "read once, then cached");
    assert!(store.sets().is_empty(), "not written back");
}

#[test]
fn a_stale_stored_token_is_ignored() {
    let mut h = Harness::new();
    let store = MemStore::new();
    // Expires in 30 s: inside the 60 s margin.
    store.put(&key(sj!({})), &stored("tokS", T0 + 30_000.0, 3600.0));
    let c = h.client_with_store(sj!({}), &store);
    h.platform.tokens([Answer::token("tokA", 3600.0)]);
    assert_eq!(raw(&token(&mut h, &c).unwrap()), "tokA");
    assert_eq!(h.platform.token_requests(), 1);
}

#[test]
fn a_fetched_token_is_written_with_its_remaining_life_under_a_key_without_the_secret() {
    let mut h = Harness::new();
    let store = MemStore::new();
    let extra = sj!({"environment": "sandbox", "scope": "orders:read"});
    let c = h.client_with_store(extra.clone(), &store);
    h.platform
        .tokens([Answer::token("tokA", 3600.0).latency(1_500.0)]);
    let t = token(&mut h, &c).unwrap();
    h.settle();
    let sets = store.sets();
    assert_eq!(sets.len(), 1);
    let (k, value, ttl) = &sets[0];
    assert_eq!(*ttl, 3598, "3598.5 s left, in whole seconds");
    assert_eq!(k, &key(extra));
    assert_eq!(store.gets(), vec![k.clone()]);
    // Each part is percent-encoded in the key.
    assert!(k.contains("www.public.ankorstore-sandbox.com"), "{k}");
    assert!(k.contains(CLIENT_ID), "{k}");
    assert!(k.contains("orders%3Aread"), "{k}");
    assert!(!k.contains(SECRET) && !k.contains(SECRET_FORM), "{k}");
    assert!(!value.contains(SECRET) && !value.contains(SECRET_FORM));
    assert_eq!(AccessToken::from_store_value(value), Some(t));
}

#[test]
fn the_stored_ttl_is_at_least_one_second() {
    let mut h = Harness::new();
    let store = MemStore::new();
    let c = h.client_with_store(sj!({}), &store);
    h.platform
        .tokens([Answer::token("tokA", 1.0).latency(400.0)]);
    token(&mut h, &c).unwrap();
    h.settle();
    assert_eq!(store.sets()[0].2, 1);
}

#[test]
fn a_store_that_fails_or_holds_garbage_is_ignored() {
    for (mode, preset) in [
        (StoreMode::Fails, None),
        (StoreMode::Garbage, None),
        (
            StoreMode::Works,
            Some("ankorstore-token/1 soon 3600 Bearer tokS"),
        ),
        (StoreMode::Works, Some("tokS")),
    ] {
        let mut h = Harness::new();
        let store = MemStore::new();
        store.get_mode(mode);
        store.set_mode(mode);
        if let Some(v) = preset {
            store.put(&key(sj!({})), v);
        }
        let c = h.client_with_store(sj!({}), &store);
        h.platform.tokens([Answer::token("tokA", 3600.0)]);
        h.platform.api([Answer::user()]);
        me(&mut h, &c).unwrap();
        assert_eq!(bearers(&h), vec!["tokA"], "{mode:?} {preset:?}");
        assert_eq!(h.platform.token_requests(), 1);
    }
}

#[test]
fn a_store_that_never_answers_is_given_up_after_2_s() {
    let mut h = Harness::new();
    let store = MemStore::new();
    store.get_mode(StoreMode::Hangs);
    store.set_mode(StoreMode::Hangs);
    let c = h.client_with_store(sj!({}), &store);
    h.platform.tokens([Answer::token("tokA", 3600.0)]);
    assert_eq!(raw(&token(&mut h, &c).unwrap()), "tokA");
    assert_eq!(store.gets().len(), 1);
    assert_eq!(
        h.platform.sent()[0].at,
        T0 + 2_000.0,
        "the token request waited 2 s for the store, no more"
    );
    h.settle();
    assert_eq!(store.sets().len(), 1, "the write was tried and abandoned");
    assert_eq!(raw(&token(&mut h, &c).unwrap()), "tokA");
    assert_eq!(h.platform.token_requests(), 1);
}

#[test]
fn a_store_lock_that_fails_or_hangs_is_ignored() {
    for mode in [StoreMode::Fails, StoreMode::Garbage, StoreMode::Hangs] {
        let mut h = Harness::new();
        let store = MemStore::new();
        store.lock_mode(Some(mode));
        let c = h.client_with_store(sj!({}), &store);
        h.platform.tokens([Answer::token("tokA", 3600.0)]);
        assert_eq!(raw(&token(&mut h, &c).unwrap()), "tokA", "{mode:?}");
        h.settle();
        assert_eq!(h.platform.token_requests(), 1);
        assert!(
            h.platform.sent()[0].at <= T0 + 4_000.0,
            "{mode:?}: waited {} ms",
            h.platform.sent()[0].at - T0
        );
    }
}

#[test]
fn a_token_the_api_refused_is_never_taken_from_the_store_again() {
    let mut h = Harness::new();
    let store = MemStore::new();
    let k = key(sj!({}));
    store.put(&k, &stored("tokS", T0 + 36_000_000.0, 36_000.0));
    let c = h.client_with_store(sj!({}), &store);
    h.platform
        .tokens([Answer::token("tokA", 3600.0), Answer::token("tokB", 3600.0)]);
    h.platform.api([Answer::status(401), Answer::user()]);
    me(&mut h, &c).unwrap();
    assert_eq!(bearers(&h), vec!["tokS", "tokA"]);
    assert_eq!(h.platform.token_requests(), 1);
    // Another process writes the refused token back; tokA goes stale.
    store.put(&k, &stored("tokS", T0 + 36_000_000.0, 36_000.0));
    h.platform.set_now(T0 + 3_600_000.0);
    assert_eq!(raw(&token(&mut h, &c).unwrap()), "tokB");
    assert_eq!(h.platform.token_requests(), 2);
}

#[test]
fn an_invalidated_token_is_not_taken_from_the_store_again() {
    let mut h = Harness::new();
    let store = MemStore::new();
    store.put(&key(sj!({})), &stored("tokS", T0 + 3_000_000.0, 3600.0));
    let c = h.client_with_store(sj!({}), &store);
    assert_eq!(raw(&token(&mut h, &c).unwrap()), "tokS");
    c.invalidate_token();
    h.platform.tokens([Answer::token("tokA", 3600.0)]);
    assert_eq!(raw(&token(&mut h, &c).unwrap()), "tokA");
    assert_eq!(h.platform.token_requests(), 1);
}

#[test]
fn clients_sharing_a_store_share_the_token() {
    let mut h = Harness::new();
    let store = MemStore::new();
    let first = h.client_with_store(sj!({}), &store);
    let second = h.client_with_store(sj!({}), &store);
    h.platform.tokens([Answer::token("tokA", 3600.0)]);
    token(&mut h, &first).unwrap();
    assert_eq!(raw(&token(&mut h, &second).unwrap()), "tokA");
    assert_eq!(h.platform.token_requests(), 1);
}

#[test]
fn the_store_is_consulted_while_the_token_endpoint_is_rate_limited() {
    let mut h = Harness::new();
    let store = MemStore::new();
    let c = h.client_with_store(sj!({}), &store);
    h.platform.tokens([Answer::status(429).retry_after("600")]);
    assert_eq!(code(token(&mut h, &c)), ErrorCode::RateLimited);
    // Another instance, not rate limited, shares its token through the store.
    store.put(&key(sj!({})), &stored("tokS", T0 + 3_000_000.0, 3600.0));
    assert_eq!(raw(&token(&mut h, &c).unwrap()), "tokS");
    assert_eq!(h.platform.token_requests(), 1);
}

#[test]
fn different_credentials_never_share_a_store_key() {
    let x = sj!({"clientId": "acme", "scope": "orders/read"});
    let y = sj!({"clientId": "acme/orders", "scope": "read"});
    assert_ne!(key(x.clone()), key(y.clone()));

    let mut h = Harness::new();
    let store = MemStore::new();
    let cx = h.client_with_store(x, &store);
    let cy = h.client_with_store(y, &store);
    h.platform
        .tokens([Answer::token("tokX", 3600.0), Answer::token("tokY", 3600.0)]);
    token(&mut h, &cx).unwrap();
    assert_eq!(raw(&token(&mut h, &cy).unwrap()), "tokY");
}

// ---------------------------------------------------------------------------------------
// Redaction
// ---------------------------------------------------------------------------------------

const TOK_A: &str = "tokA-live-7f3c9e21";
const TOK_B: &str = "tokB-live-0d8a4b55";

/// The error, Debug-formatted, holds neither the secret (raw or encoded) nor a token.
fn assert_clean(e: &Error) {
    let text = format!("{e:?}");
    for needle in [
        SECRET,
        SECRET_FORM,
        "s3cr3t%2fK%2by%26z%3dQ%21",
        TOK_A,
        TOK_B,
    ] {
        assert!(!text.contains(needle), "{needle} leaked: {text}");
    }
}

#[test]
fn token_endpoint_echoes_of_the_secret_are_not_surfaced() {
    let echoes = [
        (
            401,
            sj!({
                "error": "invalid_client",
                "error_description": format!("client_secret={SECRET_FORM} does not match {SECRET}"),
                "message": SECRET,
                "hint": format!("grant_type=client_credentials&client_secret={SECRET_FORM}"),
            }),
        ),
        (400, sj!({"error": SECRET, "error_description": SECRET})),
        (400, sj!({"error": SECRET_FORM})),
        (
            429,
            sj!({"error": "slow_down", "error_description": SECRET, "message": SECRET_FORM}),
        ),
        (403, sj!({"error": "access_denied", "message": SECRET})),
        (500, sj!({"message": SECRET, "exception": SECRET_FORM})),
    ];
    for (status, body) in echoes {
        let mut h = Harness::new();
        let c = h.client(sj!({"maxRetries": 0}));
        h.platform.tokens([Answer::json(status, body.clone())]);
        let e = token(&mut h, &c).unwrap_err();
        assert_clean(&e);
        // The same answer reached through me().
        let mut h = Harness::new();
        let c = h.client(sj!({"maxRetries": 0}));
        h.platform.tokens([Answer::json(status, body.clone())]);
        assert_clean(&me(&mut h, &c).unwrap_err());
        // And through exchange_credentials.
        let mut h = Harness::new();
        h.platform.tokens([Answer::json(status, body)]);
        let cfg = config(sj!({"maxRetries": 0}));
        let p = h.platform.clone();
        let e = h
            .run(async move { exchange_credentials(&p, &p, &cfg.endpoint, &cfg.credentials).await })
            .unwrap_err();
        assert_clean(&e);
    }
}

#[test]
fn the_oauth_error_code_survives_redaction() {
    let mut h = Harness::new();
    let c = h.client(sj!({}));
    h.platform.tokens([Answer::json(
        401,
        sj!({"error": "invalid_client", "error_description": SECRET}),
    )]);
    let e = token(&mut h, &c).unwrap_err();
    assert_eq!(e.oauth_error.as_deref(), Some("invalid_client"));
    assert_clean(&e);
}

#[test]
fn api_error_documents_echoing_credentials_are_redacted() {
    let echoes = [
        // JSON:API detail, title, meta (keys and values) and source.
        (
            422,
            sj!({"errors": [{
                "status": "422",
                "title": format!("Bad client_secret={SECRET_FORM}"),
                "detail": format!("token {TOK_A} and secret {SECRET}"),
                "source": {"parameter": TOK_A},
                "meta": {
                    TOK_A: SECRET,
                    "echo": format!("Authorization: Bearer {TOK_A}"),
                    "nested": [SECRET_FORM, {"deep": TOK_A}],
                },
            }]}),
        ),
        // Laravel messages.
        (
            404,
            sj!({"message": format!("No user for {TOK_A}; client_secret={SECRET_FORM}")}),
        ),
        (403, sj!({"message": format!("{SECRET} / {TOK_A}")})),
        (500, sj!({"message": format!("{SECRET} / {TOK_A}")})),
        (
            429,
            sj!({"errors": [{"detail": TOK_A, "meta": {"secret": SECRET}}]}),
        ),
    ];
    for (status, body) in echoes {
        let mut h = Harness::new();
        let c = h.client(sj!({"maxRetries": 0}));
        h.platform.tokens([Answer::token(TOK_A, 3600.0)]);
        h.platform
            .api([Answer::json(status, body.clone()).retry_after("600")]);
        let e = request(&mut h, &c, get("/api/v1/orders")).unwrap_err();
        assert_eq!(e.status, Some(status));
        assert_clean(&e);
    }
}

#[test]
fn unauthenticated_errors_echoing_both_tokens_are_redacted() {
    let mut h = Harness::new();
    let c = h.client(sj!({}));
    h.platform
        .tokens([Answer::token(TOK_A, 3600.0), Answer::token(TOK_B, 3600.0)]);
    h.platform.api([
        Answer::json(401, sj!({"message": format!("Token {TOK_A} revoked")})),
        Answer::json(
            401,
            sj!({"message": format!("Token {TOK_B} revoked, previous {TOK_A}"),
                 "errors": [{"detail": format!("{TOK_B} {SECRET}")}]}),
        ),
    ]);
    let e = me(&mut h, &c).unwrap_err();
    assert_eq!(e.code, ErrorCode::Unauthenticated);
    assert_clean(&e);
}

#[test]
fn get_me_errors_echoing_the_token_are_redacted() {
    let mut h = Harness::new();
    h.platform.api([Answer::json(
        401,
        sj!({"message": format!("bad token {TOK_A}"), "errors": [{"meta": {TOK_A: TOK_A}}]}),
    )]);
    let endpoint = config(sj!({})).endpoint;
    let p = h.platform.clone();
    let e = h
        .run(async move { get_me(&p, &p, &endpoint, TOK_A, None).await })
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::Unauthenticated);
    assert_eq!(
        h.platform.token_requests(),
        0,
        "getMe has no token to refresh"
    );
    assert_clean(&e);
}

#[test]
fn a_long_server_message_does_not_leak_part_of_a_credential() {
    for needle in [SECRET, TOK_A] {
        let mut h = Harness::new();
        let c = h.client(sj!({}));
        h.platform.tokens([Answer::token(TOK_A, 3600.0)]);
        let pad = "x".repeat(300 - (needle.len() - 1));
        h.platform.api([Answer::json(
            422,
            sj!({"errors": [{"detail": format!("{pad}{needle}")}]}),
        )]);
        let e = request(&mut h, &c, get("/api/v1/orders")).unwrap_err();
        let text = format!("{e:?}");
        let partial = &needle[..needle.len() - 1];
        assert!(!text.contains(partial), "{partial} leaked: {}", e.message);
    }
}

// ---------------------------------------------------------------------------------------
// Budget guard: a refusal that is not of a replacement token
// ---------------------------------------------------------------------------------------

#[test]
fn a_stale_401_racing_a_refresh_does_not_start_the_cooldown() {
    let mut h = Harness::new();
    let c = h.client(sj!({}));
    let token_gate = Flag::new();
    h.platform.tokens([
        Answer::token("tokA", 3600.0),
        Answer::token("tokB", 3600.0),
        Answer::token("tokC", 3600.0).held(&token_gate),
    ]);
    let slow_gate = Flag::new();
    h.platform.api([
        Answer::status(401).held(&slow_gate), // slow call with tokA, which expires meanwhile
        Answer::status(401),                  // fast call with tokB (fetched after expiry)
    ]);
    h.platform.fallback(Route::Api, |_| Answer::user());
    let slow = {
        let c = c.clone();
        h.spawn(async move { c.me(None).await })
    };
    h.settle();
    h.platform.set_now(T0 + 3_600_000.0);
    let fast = {
        let c = c.clone();
        h.spawn(async move { c.me(None).await })
    };
    h.settle(); // fast: tokB refused, tokC requested (held)
    slow_gate.raise();
    h.settle(); // slow: tokA refused; tokA was never a replacement of a refused token
    token_gate.raise();
    h.settle();
    fast.output().unwrap();
    slow.output().unwrap();
    assert_eq!(h.platform.token_requests(), 3);
}

// ---------------------------------------------------------------------------------------
// Property tests
// ---------------------------------------------------------------------------------------

mod properties {
    use super::*;
    use proptest::prelude::*;

    const TOKENS: [&str; 3] = ["tokP1-aaaa", "tokP2-bbbb", "tokP3-cccc"];

    fn echo_body() -> serde_json::Value {
        sj!({
            "message": format!("{SECRET} {} {}", TOKENS[0], TOKENS[1]),
            "errors": [{"detail": TOKENS[2], "meta": {"s": SECRET_FORM}}],
            "error": "invalid_client",
            "error_description": SECRET,
        })
    }

    fn token_answer() -> impl Strategy<Value = Answer> {
        prop_oneof![
            4 => (0usize..3, 1u32..7200).prop_map(|(i, e)| Answer::token(TOKENS[i], e as f64)),
            1 => Just(Answer::json(400, echo_body())),
            1 => Just(Answer::json(401, echo_body())),
            1 => Just(Answer::status(403)),
            1 => Just(Answer::status(302)),
            1 => Just(Answer::status(429).retry_after("2")),
            1 => Just(Answer::status(429).retry_after("3600")),
            1 => Just(Answer::status(429)),
            1 => Just(Answer::json(500, echo_body())),
            1 => Just(Answer::status(503)),
            1 => Just(Answer::not_json(200)),
            1 => Just(Answer::json(200, sj!({"access_token": "", "token_type": "Bearer"}))),
            1 => Just(Answer::network()),
            1 => Just(Answer::timeout()),
        ]
    }

    fn api_answer() -> impl Strategy<Value = Answer> {
        prop_oneof![
            3 => Just(Answer::user()),
            3 => Just(Answer::json(401, echo_body())),
            1 => Just(Answer::json(403, echo_body())),
            1 => Just(Answer::json(404, echo_body())),
            1 => Just(Answer::json(422, echo_body())),
            1 => Just(Answer::status(302)),
            1 => Just(Answer::status(429).retry_after("1")),
            1 => Just(Answer::status(429).retry_after("120")),
            1 => Just(Answer::json(500, echo_body())),
            1 => Just(Answer::network()),
            1 => Just(Answer::timeout()),
            1 => Just(Answer::status(204)),
            1 => Just(Answer::not_json(200)),
            1 => Just(Answer::json(200, sj!({"data": {"type": "user", "id": "x"}}))),
        ]
    }

    fn store_mode() -> impl Strategy<Value = Option<StoreMode>> {
        prop_oneof![
            Just(None),
            Just(Some(StoreMode::Works)),
            Just(Some(StoreMode::Fails)),
            Just(Some(StoreMode::Garbage)),
            Just(Some(StoreMode::Hangs)),
        ]
    }

    const ME_CODES: [ErrorCode; 10] = [
        ErrorCode::InvalidClient,
        ErrorCode::Unauthenticated,
        ErrorCode::Forbidden,
        ErrorCode::NotFound,
        ErrorCode::RateLimited,
        ErrorCode::RequestFailed,
        ErrorCode::ServerError,
        ErrorCode::Network,
        ErrorCode::Timeout,
        ErrorCode::InvalidResponse,
    ];

    proptest! {
        #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

        #[test]
        fn me_always_settles_with_a_user_or_a_documented_error(
            tokens in proptest::collection::vec(token_answer(), 0..8),
            api in proptest::collection::vec(api_answer(), 0..10),
            max_retries in 0u32..4,
            store in store_mode(),
            gaps in proptest::collection::vec(prop_oneof![Just(0.0), Just(1_000.0), Just(45_000.0), Just(7_200_000.0)], 1..5),
        ) {
            let mut h = Harness::new();
            let extra = sj!({"maxRetries": max_retries});
            let c = match store {
                None => h.client(extra),
                Some(mode) => {
                    let s = MemStore::new();
                    s.get_mode(mode);
                    s.set_mode(mode);
                    h.client_with_store(extra, &s)
                }
            };
            h.platform.tokens(tokens);
            h.platform.api(api);
            h.platform.fallback(Route::Token, |_| Answer::status(503));
            h.platform.fallback(Route::Api, |_| Answer::network());
            let max = max_retries as usize;
            for gap in gaps {
                h.platform.advance(gap);
                let (t0, a0) = (h.platform.token_requests(), h.platform.api_requests());
                let result = me(&mut h, &c); // panics if it never settles
                let (t1, a1) = (h.platform.token_requests(), h.platform.api_requests());
                prop_assert!(t1 - t0 <= 2 * (max + 1), "token requests {}", t1 - t0);
                prop_assert!(a1 - a0 <= max + 2, "api requests {}", a1 - a0);
                match result {
                    Ok(user) => prop_assert_eq!(user.get("type"), Some(&Json::String("user".into()))),
                    Err(e) => {
                        prop_assert!(ME_CODES.contains(&e.code), "{:?}", e);
                        if e.code == ErrorCode::RateLimited {
                            prop_assert!(e.retry_after.is_some(), "{:?}", e);
                        }
                        let text = format!("{e:?}");
                        prop_assert!(!text.contains(SECRET) && !text.contains(SECRET_FORM), "{}", text);
                        for sent in h.platform.sent_to(Route::Api) {
                            if let Some(t) = sent.bearer() {
                                prop_assert!(!text.contains(t), "{} leaked: {}", t, text);
                            }
                        }
                    }
                }
            }
        }
    }
}

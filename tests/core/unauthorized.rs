//! api.md, `AnkorstoreClient`: "A `401` from any API call invalidates the token that was
//! used (only that token: a newer one fetched meanwhile by another caller stays), fetches a
//! new one and retries the call once. A second `401` rejects with `unauthenticated`."

use ankorstore_client::ErrorCode;
use serde_json::json;

use crate::support::*;

#[test]
fn a_401_replaces_the_token_and_retries_once() {
    let (mut h, c) = Harness::with_client(json!({}));
    h.platform.hour_tokens(["tokA", "tokB"]);
    h.platform.api([Answer::status(401), Answer::user()]);
    let user = h.me(&c).unwrap();
    assert_eq!(user, user_document()["data"]);
    assert_eq!(h.platform.bearers(), vec!["tokA", "tokB"]);
    assert_eq!(h.platform.token_requests(), 2);
    assert_eq!(h.token_value(&c), "tokB", "the new one is cached");
    assert_eq!(h.platform.token_requests(), 2);
}

#[test]
fn a_second_401_is_unauthenticated() {
    let (mut h, c) = Harness::with_client(json!({}));
    h.platform.hour_tokens(["tokA", "tokB"]);
    let refused = Answer::json(401, json!({"message": "Unauthenticated."}));
    h.platform.api([refused.clone(), refused]);
    let e = h.me(&c).unwrap_err();
    assert_eq!(e.code, ErrorCode::Unauthenticated);
    assert_eq!(e.status, Some(401));
    assert_eq!(h.platform.api_requests(), 2);
    assert_eq!(h.platform.token_requests(), 2);
}

#[test]
fn concurrent_401s_share_one_refresh() {
    let (mut h, c) = Harness::with_client(json!({}));
    h.platform.hour_tokens(["tokA", "tokB"]);
    h.token(&c).unwrap();
    let gate = Flag::new();
    h.platform
        .api((0..3).map(|_| Answer::status(401).held(&gate)));
    h.platform.fallback(Route::Api, |_| Answer::user());
    let tasks = h.spawn_mes(&c, 3);
    h.settle();
    assert_eq!(h.platform.bearers(), vec!["tokA"; 3]);
    gate.raise();
    h.settle();
    for t in &tasks {
        t.output().unwrap();
    }
    assert_eq!(h.platform.token_requests(), 2, "one shared refresh");
    assert_eq!(&h.platform.bearers()[3..], &["tokB", "tokB", "tokB"]);
}

#[test]
fn a_stale_401_does_not_invalidate_a_token_fetched_after_expiry() {
    let (mut h, c) = Harness::with_client(json!({}));
    h.platform.hour_tokens(["tokA", "tokB"]);
    let gate = Flag::new();
    h.platform.api([
        Answer::status(401).held(&gate), // the slow call made with tokA
        Answer::user(),                  // another call, with tokB
        Answer::user(),                  // the slow call's retry
    ]);
    let slow = h.spawn_me(&c, None);
    h.settle();
    h.platform.set_now(T0 + HOUR_S * 1000.0); // tokA is no longer fresh
    h.me(&c).unwrap();
    assert_eq!(h.platform.token_requests(), 2);
    gate.raise();
    h.settle();
    slow.output().unwrap();
    assert_eq!(h.platform.bearers(), vec!["tokA", "tokB", "tokB"]);
    assert_eq!(h.platform.token_requests(), 2, "tokB was kept");
    assert_eq!(h.token_value(&c), "tokB");
}

#[test]
fn a_stale_401_does_not_invalidate_a_token_fetched_after_another_401() {
    let (mut h, c) = Harness::with_client(json!({}));
    h.platform.hour_tokens(["tokA", "tokB"]);
    h.token(&c).unwrap();
    let gate = Flag::new();
    h.platform.api([
        Answer::status(401).held(&gate), // slow call, tokA
        Answer::status(401),             // fast call, tokA
        Answer::user(),                  // fast call retried with tokB
        Answer::user(),                  // slow call retried
    ]);
    let slow = h.spawn_me(&c, None);
    h.settle();
    h.me(&c).unwrap();
    gate.raise();
    h.settle();
    slow.output().unwrap();
    assert_eq!(h.platform.bearers(), vec!["tokA", "tokA", "tokB", "tokB"]);
    assert_eq!(h.platform.token_requests(), 2);
}

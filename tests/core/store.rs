//! api.md, `tokenStore`: `token()` looks in the store first and writes a fetched token with
//! its remaining life (≥ 1 s) under a key without the secret; a store that throws, holds
//! garbage or does not answer within 2 s is ignored; a refused token is never taken from it
//! again. Also the package's lock protocol (`lock`/`unlock`: one client of a fleet asks,
//! the others wait for its token). Timings come from `STORE_TIMEOUT_MS`, `LOCK_TTL_MS` and
//! `LOCK_WAIT_MS`.

use ankorstore_client::parts::{LOCK_TTL_MS, LOCK_WAIT_MS, STORE_TIMEOUT_MS};
use ankorstore_client::{AccessToken, ErrorCode};
use serde_json::json;

use crate::support::*;

/// The longest pause between two looks at the store while another client holds the lock.
const MAX_POLL_MS: f64 = 1_000.0;

/// The store key of the default test client.
fn default_key() -> String {
    key(json!({}))
}

/// A token another process wrote to the store: fresh for 50 minutes.
fn shared(access_token: &str) -> String {
    stored(access_token, T0 + 3_000_000.0, HOUR_S)
}

/// A client whose store can lock, the first token request answered by `tokA`.
fn with_locking_store() -> (Harness, MemStore, C) {
    let (h, store, c) = Harness::with_store(json!({}));
    store.lock_mode(Some(StoreMode::Works));
    h.platform.hour_tokens([TOK_A]);
    (h, store, c)
}

#[test]
fn a_fresh_stored_token_means_no_token_request() {
    let (mut h, store, c) = Harness::with_store(json!({}));
    store.put(&default_key(), &shared("tokS"));
    h.platform.api([Answer::user()]);
    h.me(&c).unwrap();
    assert_eq!(h.platform.bearers(), vec!["tokS"]);
    assert_eq!(h.platform.token_requests(), 0);
    let t = h.token(&c).unwrap();
    assert_eq!((raw(&t), t.expires_at), ("tokS", T0 + 3_000_000.0));
    assert_eq!(store.gets(), vec![default_key()], "read once, then cached");
    assert!(store.sets().is_empty(), "not written back");
}

#[test]
fn a_stale_stored_token_is_ignored() {
    let (mut h, store, c) = Harness::with_store(json!({}));
    // Expires in 30 s: inside the 60 s margin.
    store.put(&default_key(), &stored("tokS", T0 + 30_000.0, HOUR_S));
    h.platform.hour_tokens(["tokA"]);
    assert_eq!(h.token_value(&c), "tokA");
    assert_eq!(h.platform.token_requests(), 1);
}

#[test]
fn a_fetched_token_is_written_with_its_remaining_life_under_a_key_without_the_secret() {
    let extra = json!({"environment": "sandbox", "scope": "orders:read"});
    let (mut h, store, c) = Harness::with_store(extra.clone());
    h.platform
        .tokens([Answer::token("tokA", HOUR_S).latency(1_500.0)]);
    let t = h.token(&c).unwrap();
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
    let (mut h, store, c) = Harness::with_store(json!({}));
    h.platform
        .tokens([Answer::token("tokA", 1.0).latency(400.0)]);
    h.token(&c).unwrap();
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
        let (mut h, store, c) = Harness::with_store(json!({}));
        store.mode(mode);
        if let Some(v) = preset {
            store.put(&default_key(), v);
        }
        h.platform.hour_tokens(["tokA"]);
        h.platform.api([Answer::user()]);
        h.me(&c).unwrap();
        assert_eq!(h.platform.bearers(), vec!["tokA"], "{mode:?} {preset:?}");
        assert_eq!(h.platform.token_requests(), 1);
    }
}

#[test]
fn a_store_that_never_answers_is_given_up_after_2_s() {
    assert_eq!(STORE_TIMEOUT_MS, 2_000.0, "api.md: within 2 seconds");
    let (mut h, store, c) = Harness::with_store(json!({}));
    store.mode(StoreMode::Hangs);
    h.platform.hour_tokens(["tokA"]);
    assert_eq!(h.token_value(&c), "tokA");
    assert_eq!(store.gets().len(), 1);
    assert_eq!(
        h.platform.sent()[0].at,
        T0 + STORE_TIMEOUT_MS,
        "the token request waited for the store, no more"
    );
    h.settle();
    assert_eq!(store.sets().len(), 1, "the write was tried and abandoned");
    assert_eq!(h.token_value(&c), "tokA");
    assert_eq!(h.platform.token_requests(), 1);
}

#[test]
fn a_store_lock_that_fails_or_hangs_is_ignored() {
    for (mode, waited) in [
        (StoreMode::Fails, 0.0),
        (StoreMode::Garbage, 0.0),
        (StoreMode::Hangs, STORE_TIMEOUT_MS),
    ] {
        let (mut h, store, c) = Harness::with_store(json!({}));
        store.lock_mode(Some(mode));
        h.platform.hour_tokens(["tokA"]);
        assert_eq!(h.token_value(&c), "tokA", "{mode:?}");
        h.settle();
        assert_eq!(h.platform.token_requests(), 1);
        assert_eq!(store.lock_calls().len(), 1, "{mode:?}");
        assert_eq!(
            h.platform.sent()[0].at,
            T0 + waited,
            "{mode:?}: the lock is waited for at most {STORE_TIMEOUT_MS} ms"
        );
    }
}

#[test]
fn a_client_that_takes_the_store_lock_holds_it_while_it_asks_then_releases_it() {
    let (mut h, store, c) = Harness::with_store(json!({}));
    store.lock_mode(Some(StoreMode::Works));
    let gate = Flag::new();
    h.platform
        .tokens([Answer::token("tokA", HOUR_S).held(&gate)]);
    let task = h.spawn_token(&c, None);
    h.settle();
    assert_eq!(h.platform.token_requests(), 1);
    let calls = store.lock_calls();
    assert_eq!(calls.len(), 1);
    let (lock_key, ttl) = calls[0].clone();
    assert_eq!(ttl, LOCK_TTL_MS);
    assert_ne!(lock_key, default_key(), "the lock has its own key");
    assert!(
        !lock_key.contains(SECRET) && !lock_key.contains(SECRET_FORM),
        "{lock_key}"
    );
    assert_eq!(store.locks(), vec![(lock_key.clone(), T0 + LOCK_TTL_MS)]);
    gate.raise();
    h.settle();
    assert_eq!(raw(&task.output().unwrap()), "tokA");
    let written = store.value(&default_key()).expect("written to the store");
    assert_eq!(
        AccessToken::from_store_value(&written).map(|t| raw(&t).to_string()),
        Some("tokA".to_string())
    );
    assert_eq!(store.unlocks(), vec![lock_key]);
    assert!(store.locks().is_empty(), "released");
}

#[test]
fn a_client_that_finds_the_lock_held_waits_for_the_holders_token() {
    let (mut h, store, c) = with_locking_store();
    store.lock_held_elsewhere_until(T0 + LOCK_TTL_MS);
    let written_at = T0 + 1_000.0;
    store.put_at(written_at, &default_key(), &shared("tokS"));
    assert_eq!(h.token_value(&c), "tokS");
    assert_eq!(h.platform.token_requests(), 0);
    let now = h.platform.now();
    assert!(
        now >= written_at && now <= written_at + MAX_POLL_MS,
        "found {} ms after it was written",
        now - written_at
    );
    h.settle();
    assert!(store.sets().is_empty(), "not written back");
    assert!(store.unlocks().is_empty(), "never held the lock");
}

#[test]
fn a_lock_holder_that_never_writes_is_waited_for_lock_wait_ms_then_the_client_asks() {
    let (mut h, store, c) = with_locking_store();
    // A holder stuck for longer than anyone waits.
    store.lock_held_elsewhere_until(T0 + 10.0 * LOCK_WAIT_MS);
    assert_eq!(h.token_value(&c), "tokA");
    let waited = h.platform.sent_at(Route::Token)[0] - T0;
    assert!(
        (LOCK_WAIT_MS..=LOCK_WAIT_MS + MAX_POLL_MS).contains(&waited),
        "waited {waited} ms"
    );
    h.settle();
    assert_eq!(store.sets().len(), 1, "its token is shared");
    assert!(store.unlocks().is_empty(), "never held the lock");
}

#[test]
fn the_lock_of_a_holder_that_crashed_is_taken_over_once_it_expires() {
    const {
        assert!(
            LOCK_TTL_MS < LOCK_WAIT_MS,
            "a waiter outlives the lock of a holder that crashed"
        )
    };
    let (mut h, store, c) = with_locking_store();
    store.lock_held_elsewhere_until(T0 + LOCK_TTL_MS);
    assert_eq!(h.token_value(&c), "tokA");
    let waited = h.platform.sent_at(Route::Token)[0] - T0;
    assert!(
        (LOCK_TTL_MS..=LOCK_TTL_MS + MAX_POLL_MS).contains(&waited),
        "waited {waited} ms"
    );
    h.settle();
    assert_eq!(store.sets().len(), 1, "its token is shared");
    assert_eq!(store.unlocks().len(), 1, "the lock it took is released");
    assert!(store.locks().is_empty());
}

#[test]
fn a_token_the_api_refused_is_never_taken_from_the_store_again() {
    let (mut h, store, c) = Harness::with_store(json!({}));
    let k = default_key();
    let refused = stored("tokS", T0 + 36_000_000.0, 36_000.0);
    store.put(&k, &refused);
    h.platform.hour_tokens(["tokA", "tokB"]);
    h.platform.api([Answer::status(401), Answer::user()]);
    h.me(&c).unwrap();
    assert_eq!(h.platform.bearers(), vec!["tokS", "tokA"]);
    assert_eq!(h.platform.token_requests(), 1);
    // Another process writes the refused token back; tokA goes stale.
    store.put(&k, &refused);
    h.platform.set_now(T0 + HOUR_S * 1000.0);
    assert_eq!(h.token_value(&c), "tokB");
    assert_eq!(h.platform.token_requests(), 2);
}

#[test]
fn an_invalidated_token_is_not_taken_from_the_store_again() {
    let (mut h, store, c) = Harness::with_store(json!({}));
    store.put(&default_key(), &shared("tokS"));
    assert_eq!(h.token_value(&c), "tokS");
    c.invalidate_token();
    h.platform.hour_tokens(["tokA"]);
    assert_eq!(h.token_value(&c), "tokA");
    assert_eq!(h.platform.token_requests(), 1);
}

#[test]
fn clients_sharing_a_store_share_the_token() {
    let (mut h, store, first) = Harness::with_store(json!({}));
    let second = h.client_with_store(json!({}), &store);
    h.platform.hour_tokens(["tokA"]);
    h.token(&first).unwrap();
    assert_eq!(h.token_value(&second), "tokA");
    assert_eq!(h.platform.token_requests(), 1);
}

#[test]
fn the_store_is_consulted_while_the_token_endpoint_is_rate_limited() {
    let (mut h, store, c) = Harness::with_store(json!({}));
    h.platform.tokens([Answer::status(429).retry_after("600")]);
    assert_eq!(code(h.token(&c)), ErrorCode::RateLimited);
    // Another instance, not rate limited, shares its token through the store.
    store.put(&default_key(), &shared("tokS"));
    assert_eq!(h.token_value(&c), "tokS");
    assert_eq!(h.platform.token_requests(), 1);
}

#[test]
fn different_credentials_never_share_a_store_key() {
    let x = json!({"clientId": "acme", "scope": "orders/read"});
    let y = json!({"clientId": "acme/orders", "scope": "read"});
    assert_ne!(key(x.clone()), key(y.clone()));

    let (mut h, store, cx) = Harness::with_store(x);
    let cy = h.client_with_store(y, &store);
    h.platform.hour_tokens(["tokX", "tokY"]);
    h.token(&cx).unwrap();
    assert_eq!(h.token_value(&cy), "tokY");
}

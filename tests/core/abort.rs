//! api.md, `RequestOptions.signal`: a fired signal "cancels this call and its retries:
//! rejects with `aborted`", and only this call: a token request shared with other callers
//! goes on and its token is cached.

use ankorstore_client::ErrorCode;
use serde_json::json;

use crate::support::*;

#[test]
fn a_fired_signal_rejects_with_aborted_and_sends_nothing() {
    let (mut h, c) = Harness::with_client(json!({}));
    let signal = Flag::new();
    signal.raise();
    let token = h.spawn_token(&c, Some(&signal));
    let me = h.spawn_me(&c, Some(&signal));
    let request = h.spawn_request(&c, get("/api/v1/orders"), Some(&signal));
    h.settle();
    assert_eq!(code(token.output()), ErrorCode::Aborted);
    assert_eq!(code(me.output()), ErrorCode::Aborted);
    assert_eq!(code(request.output()), ErrorCode::Aborted);
    assert!(h.platform.sent().is_empty());
}

#[test]
fn a_signal_fired_during_a_call_rejects_with_aborted() {
    let (mut h, c) = Harness::with_token(json!({}));
    let never = Flag::new();
    h.platform.api([Answer::user().held(&never)]);
    let signal = Flag::new();
    let task = h.spawn_me(&c, Some(&signal));
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
    let (mut h, c) = Harness::with_client(json!({}));
    let gate = Flag::new();
    h.platform
        .tokens([Answer::token("tokA", HOUR_S).held(&gate)]);
    h.platform.api([Answer::user()]);
    let (sx, sz) = (Flag::new(), Flag::new());
    let x = h.spawn_token(&c, Some(&sx));
    let y = h.spawn_token(&c, None);
    let z = h.spawn_me(&c, Some(&sz));
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
    assert_eq!(h.token_value(&c), "tokA", "cached");
    assert_eq!(h.platform.token_requests(), 1);
}

#[test]
fn a_call_aborted_while_waiting_for_its_token_leaves_the_token_cached() {
    let (mut h, c) = Harness::with_client(json!({}));
    let gate = Flag::new();
    h.platform
        .tokens([Answer::token("tokA", HOUR_S).held(&gate)]);
    let signal = Flag::new();
    let task = h.spawn_me(&c, Some(&signal));
    h.settle();
    signal.raise();
    h.settle();
    assert_eq!(code(task.output()), ErrorCode::Aborted);
    gate.raise();
    h.settle();
    assert_eq!(h.token_value(&c), "tokA");
    assert_eq!(h.platform.token_requests(), 1);
    assert_eq!(h.platform.api_requests(), 0);
}

//! api.md as a whole, under random scripts: whatever the token endpoint, the API and the
//! token store answer, `me()` settles with a `User` or an error of a documented code
//! (`rate_limited` with `retryAfter`), within a bounded number of requests, and no error
//! holds the secret or a token that was sent; and every call's retries, whatever their
//! causes, follow the `429` and `5xx` rules and stop at `maxRetries`.

use ankorstore_client::parts::MAX_WAITED_RETRY_AFTER_S;
use ankorstore_client::ErrorCode;
use proptest::prelude::*;
use serde_json::{json, Value};

use crate::support::*;

const TOKENS: [&str; 3] = ["tokP1-aaaa", "tokP2-bbbb", "tokP3-cccc"];

fn echo_body() -> Value {
    json!({
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
        1 => Just(Answer::json(200, json!({"access_token": "", "token_type": "Bearer"}))),
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
        1 => Just(Answer::json(200, json!({"data": {"type": "user", "id": "x"}}))),
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
        locks in store_mode(),
        gaps in proptest::collection::vec(prop_oneof![Just(0.0), Just(1_000.0), Just(45_000.0), Just(7_200_000.0)], 1..5),
    ) {
        let extra = json!({"maxRetries": max_retries});
        let (mut h, c) = match store {
            None => Harness::with_client(extra),
            Some(mode) => {
                let (h, s, c) = Harness::with_store(extra);
                s.mode(mode);
                s.lock_mode(locks);
                (h, c)
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
            let result = h.me(&c); // panics if it never settles
            let (t1, a1) = (h.platform.token_requests(), h.platform.api_requests());
            prop_assert!(t1 - t0 <= 2 * (max + 1), "token requests {}", t1 - t0);
            prop_assert!(a1 - a0 <= max + 2, "api requests {}", a1 - a0);
            match result {
                Ok(user) => prop_assert_eq!(user.get("type"), Some(&Value::String("user".into()))),
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

/// What the retry rules of api.md make of an API answer.
#[derive(Clone, Copy, Debug)]
enum Kind {
    /// A 2xx, or a 4xx other than 401 and 429: final.
    Final,
    /// A 5xx, a network error or a timeout: retried with backoff, for GET only.
    Backoff,
    /// A 429 whose `Retry-After` (seconds) is waited out when at most
    /// [`MAX_WAITED_RETRY_AFTER_S`], for any method.
    RateLimited(u64),
}

/// `Retry-After` seconds, often on either side of the longest wait.
fn retry_after_s() -> impl Strategy<Value = u64> {
    prop_oneof![
        Just(0),
        Just(MAX_WAITED_RETRY_AFTER_S),
        Just(MAX_WAITED_RETRY_AFTER_S + 1),
        0..=MAX_WAITED_RETRY_AFTER_S * 2,
    ]
}

fn kinded_answer() -> impl Strategy<Value = (Answer, Kind)> {
    prop_oneof![
        Just((Answer::json(200, json!({"data": []})), Kind::Final)),
        Just((Answer::status(204), Kind::Final)),
        Just((Answer::json(422, json!({"errors": []})), Kind::Final)),
        Just((Answer::status(404), Kind::Final)),
        (500u16..600).prop_map(|s| (Answer::status(s), Kind::Backoff)),
        Just((Answer::network(), Kind::Backoff)),
        Just((Answer::timeout(), Kind::Backoff)),
        retry_after_s().prop_map(|s| (
            Answer::status(429).retry_after(&s.to_string()),
            Kind::RateLimited(s)
        )),
        Just((Answer::status(429), Kind::RateLimited(1))),
    ]
}

/// The requests and sleeps the rules allow for `answers`, the API answering 200 once they
/// run out.
fn expected_attempts(answers: &[Kind], get: bool, max_retries: u32) -> (usize, Vec<f64>) {
    let mut sleeps = Vec::new();
    let mut used = 0;
    for (i, kind) in answers.iter().enumerate() {
        let wait = match *kind {
            Kind::Final => None,
            Kind::Backoff => get.then_some(backoff(used)),
            Kind::RateLimited(s) => (s <= MAX_WAITED_RETRY_AFTER_S).then_some(s as f64 * 1000.0),
        };
        match wait {
            Some(ms) if used < max_retries => {
                sleeps.push(ms);
                used += 1;
            }
            _ => return (i + 1, sleeps),
        }
    }
    (answers.len() + 1, sleeps)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn every_retry_follows_the_rules_and_counts_against_max_retries(
        script in proptest::collection::vec(kinded_answer(), 0..8),
        get_method: bool,
        max_retries in 0u32..5,
    ) {
        let (mut h, c) = Harness::with_token(json!({"maxRetries": max_retries}));
        let (answers, kinds): (Vec<Answer>, Vec<Kind>) = script.into_iter().unzip();
        h.platform.api(answers);
        h.platform.fallback(Route::Api, |_| Answer::json(200, json!({"data": []})));
        let call = if get_method { get("/api/v1/orders") } else { post("/api/v1/orders", "{}") };
        let _ = h.request(&c, call); // panics if it never settles
        let (requests, sleeps) = expected_attempts(&kinds, get_method, max_retries);
        prop_assert_eq!(h.platform.api_requests(), requests);
        prop_assert!(requests <= 1 + max_retries as usize);
        prop_assert_eq!(h.platform.sleeps(), sleeps);
        prop_assert_eq!(h.platform.token_requests(), 1);
    }
}

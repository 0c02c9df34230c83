//! api.md, `AnkorstoreError`: "No error, message, stack, property (`errors` included) or log
//! line ever contains the client secret (raw or encoded) or an access token, whatever the
//! server sent back"; free text of the token endpoint is not surfaced beyond its OAuth
//! `error` code.

use ankorstore_client::{exchange_credentials, get_me, Error, ErrorCode};
use serde_json::{json, Value};

use crate::support::*;

const LIVE_A: &str = "tokA-live-7f3c9e21";
const LIVE_B: &str = "tokB-live-0d8a4b55";

/// The error, Debug-formatted, holds neither the secret (raw or encoded) nor a token.
fn assert_clean(e: &Error) {
    let text = format!("{e:?}");
    for needle in [
        SECRET,
        SECRET_FORM,
        "s3cr3t%2fK%2by%26z%3dQ%21",
        LIVE_A,
        LIVE_B,
    ] {
        assert!(!text.contains(needle), "{needle} leaked: {text}");
    }
}

/// A client without retries whose API answers its first call with `status` and `body`, its
/// token being [`LIVE_A`].
fn api_answering(status: u16, body: Value) -> (Harness, C) {
    let (h, c) = Harness::with_client(json!({"maxRetries": 0}));
    h.platform.tokens([Answer::token(LIVE_A, HOUR_S)]);
    h.platform
        .api([Answer::json(status, body).retry_after("600")]);
    (h, c)
}

#[test]
fn token_endpoint_echoes_of_the_secret_are_not_surfaced() {
    let echoes = [
        (
            401,
            json!({
                "error": "invalid_client",
                "error_description": format!("client_secret={SECRET_FORM} does not match {SECRET}"),
                "message": SECRET,
                "hint": format!("grant_type=client_credentials&client_secret={SECRET_FORM}"),
            }),
        ),
        (400, json!({"error": SECRET, "error_description": SECRET})),
        (400, json!({"error": SECRET_FORM})),
        (
            429,
            json!({"error": "slow_down", "error_description": SECRET, "message": SECRET_FORM}),
        ),
        (403, json!({"error": "access_denied", "message": SECRET})),
        (500, json!({"message": SECRET, "exception": SECRET_FORM})),
    ];
    for (status, body) in echoes {
        let answer = Answer::json(status, body);
        let (mut h, c) = Harness::with_client(json!({"maxRetries": 0}));
        h.platform.tokens([answer.clone()]);
        assert_clean(&h.token(&c).unwrap_err());
        // The same answer reached through me().
        let (mut h, c) = Harness::with_client(json!({"maxRetries": 0}));
        h.platform.tokens([answer.clone()]);
        assert_clean(&h.me(&c).unwrap_err());
        // And through exchange_credentials.
        let mut h = Harness::new();
        h.platform.tokens([answer]);
        let cfg = config(json!({"maxRetries": 0}));
        let p = h.platform.clone();
        let e = h
            .run(async move { exchange_credentials(&p, &p, &cfg.endpoint, &cfg.credentials).await })
            .unwrap_err();
        assert_clean(&e);
    }
}

#[test]
fn the_oauth_error_code_survives_redaction() {
    let (mut h, c) = Harness::with_client(json!({}));
    h.platform.tokens([Answer::json(
        401,
        json!({"error": "invalid_client", "error_description": SECRET}),
    )]);
    let e = h.token(&c).unwrap_err();
    assert_eq!(e.oauth_error.as_deref(), Some("invalid_client"));
    assert_clean(&e);
}

#[test]
fn api_error_documents_echoing_credentials_are_redacted() {
    let echoes = [
        // JSON:API detail, title, meta (keys and values) and source.
        (
            422,
            json!({"errors": [{
                "status": "422",
                "title": format!("Bad client_secret={SECRET_FORM}"),
                "detail": format!("token {LIVE_A} and secret {SECRET}"),
                "source": {"parameter": LIVE_A},
                "meta": {
                    LIVE_A: SECRET,
                    "echo": format!("Authorization: Bearer {LIVE_A}"),
                    "nested": [SECRET_FORM, {"deep": LIVE_A}],
                },
            }]}),
        ),
        // Laravel messages.
        (
            404,
            json!({"message": format!("No user for {LIVE_A}; client_secret={SECRET_FORM}")}),
        ),
        (403, json!({"message": format!("{SECRET} / {LIVE_A}")})),
        (500, json!({"message": format!("{SECRET} / {LIVE_A}")})),
        (
            429,
            json!({"errors": [{"detail": LIVE_A, "meta": {"secret": SECRET}}]}),
        ),
    ];
    for (status, body) in echoes {
        let (mut h, c) = api_answering(status, body);
        let e = h.request(&c, get("/api/v1/orders")).unwrap_err();
        assert_eq!(e.status, Some(status));
        assert_clean(&e);
    }
}

#[test]
fn unauthenticated_errors_echoing_both_tokens_are_redacted() {
    let (mut h, c) = Harness::with_client(json!({}));
    h.platform.hour_tokens([LIVE_A, LIVE_B]);
    h.platform.api([
        Answer::json(401, json!({"message": format!("Token {LIVE_A} revoked")})),
        Answer::json(
            401,
            json!({"message": format!("Token {LIVE_B} revoked, previous {LIVE_A}"),
                 "errors": [{"detail": format!("{LIVE_B} {SECRET}")}]}),
        ),
    ]);
    let e = h.me(&c).unwrap_err();
    assert_eq!(e.code, ErrorCode::Unauthenticated);
    assert_clean(&e);
}

#[test]
fn get_me_errors_echoing_the_token_are_redacted() {
    let mut h = Harness::new();
    h.platform.api([Answer::json(
        401,
        json!({"message": format!("bad token {LIVE_A}"), "errors": [{"meta": {LIVE_A: LIVE_A}}]}),
    )]);
    let endpoint = config(json!({})).endpoint;
    let p = h.platform.clone();
    let e = h
        .run(async move { get_me(&p, &p, &endpoint, LIVE_A, None).await })
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
    for needle in [SECRET, LIVE_A] {
        let pad = "x".repeat(300 - (needle.len() - 1));
        let (mut h, c) = api_answering(
            422,
            json!({"errors": [{"detail": format!("{pad}{needle}")}]}),
        );
        let e = h.request(&c, get("/api/v1/orders")).unwrap_err();
        let text = format!("{e:?}");
        let partial = &needle[..needle.len() - 1];
        assert!(!text.contains(partial), "{partial} leaked: {}", e.message);
    }
}

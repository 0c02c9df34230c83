//! api.md, "Token endpoint answers map as": the client credentials request itself, then
//! `400`/`401` → `invalid_client` (with `oauthError`), other `4xx` → `request_failed`, a
//! `2xx` without a valid token → `invalid_response` (the retried answers are in `retries`,
//! the remembered `429` in `guard`).

use ankorstore_client::parts::DEFAULT_TIMEOUT_MS;
use ankorstore_client::ErrorCode;
use serde_json::json;

use crate::support::*;

#[test]
fn the_token_request_is_a_client_credentials_form_post() {
    let (mut h, c) = Harness::with_token(json!({}));
    h.token(&c).unwrap();
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
    assert_eq!(
        DEFAULT_TIMEOUT_MS, 30_000.0,
        "api.md: timeoutMs default 30000"
    );
    assert_eq!(sent.timeout_ms, DEFAULT_TIMEOUT_MS);
}

#[test]
fn token_endpoint_400_and_401_are_invalid_client_with_the_oauth_error() {
    for status in [400, 401] {
        let (mut h, c) = Harness::with_client(json!({}));
        h.platform.tokens([Answer::json(
            status,
            json!({"error": "invalid_client", "error_description": "Client authentication failed"}),
        )]);
        let e = h.token(&c).unwrap_err();
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
        let (mut h, c) = Harness::with_client(json!({}));
        h.platform.tokens([Answer::status(status)]);
        let e = h.token(&c).unwrap_err();
        assert_eq!(e.code, ErrorCode::RequestFailed, "{status}");
        assert_eq!(h.platform.token_requests(), 1, "not retried");
    }
}

#[test]
fn a_2xx_without_a_valid_token_is_invalid_response() {
    let token = |access_token: &str, token_type: &str, expires_in: serde_json::Value| {
        Answer::json(
            200,
            json!({"access_token": access_token, "token_type": token_type, "expires_in": expires_in}),
        )
    };
    let bad = [
        Answer::not_json(200),
        Answer::status(200),
        Answer::json(200, json!([])),
        Answer::json(200, json!({})),
        token("a b", "Bearer", json!(3600)),
        token("", "Bearer", json!(3600)),
        token("t", "mac", json!(3600)),
        token("t", "Bearer", json!("3600")),
        token("t", "Bearer", json!(0)),
    ];
    for answer in bad {
        let (mut h, c) = Harness::with_client(json!({}));
        h.platform.tokens([answer.clone()]);
        let e = h.token(&c).unwrap_err();
        assert_eq!(e.code, ErrorCode::InvalidResponse, "{answer:?}");
        assert_eq!(e.status, Some(200));
        assert_eq!(h.platform.token_requests(), 1, "not retried: {answer:?}");
        h.platform.hour_tokens(["tokA"]);
        assert_eq!(h.token_value(&c), "tokA", "nothing cached");
    }
}

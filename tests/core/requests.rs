//! api.md, `me()` and `request()`: what is sent (JSON:API or plain JSON headers, the bearer
//! token, the percent-encoded query, same-origin URLs only, no redirect followed) and how
//! answers are read (`null` for an empty body, a `User` check, error statuses mapped to
//! codes with the JSON:API `errors` kept).

use ankorstore_client::{ErrorCode, JSON_API};
use serde_json::json;

use crate::support::*;

/// A client with a token whose API answers every call with `{"data": []}`.
fn answering_empty_lists() -> (Harness, C) {
    let (h, c) = Harness::with_token(json!({}));
    h.platform
        .fallback(Route::Api, |_| Answer::json(200, json!({"data": []})));
    (h, c)
}

#[test]
fn request_sends_json_api_headers_and_the_bearer_token() {
    let (mut h, c) = answering_empty_lists();
    h.request(&c, get("/api/v1/orders")).unwrap();
    let mut with_body = post("/api/v1/orders", r#"{"data":{"type":"orders"}}"#);
    with_body.headers = vec![("X-Trace".into(), "t-1".into())];
    h.request(&c, with_body).unwrap();

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
    let (mut h, c) = Harness::with_token(json!({}));
    h.platform.api([Answer::user()]);
    let user = h.me(&c).unwrap();
    assert_eq!(user.get("extra"), Some(&json!({"kept": true})));
    let sent = &h.platform.sent_to(Route::Api)[0];
    assert_eq!(sent.request.method, "GET");
    assert_eq!(sent.request.url, format!("{BASE}/api/v1/me"));
    assert_eq!(sent.header("accept"), Some("application/json"));
    assert_eq!(sent.header("authorization"), Some("Bearer tokA"));
    assert_eq!(sent.request.body, None);
}

#[test]
fn query_parameters_are_percent_encoded() {
    let (mut h, c) = answering_empty_lists();
    let mut q = get("/api/v1/orders");
    q.query = vec![
        ("filter[status]".into(), "a b&c=d".into()),
        ("page[number]".into(), "2".into()),
        ("q".into(), "é/ü+~".into()),
    ];
    h.request(&c, q).unwrap();
    let mut q = get("/api/v1/orders?include=retailer");
    q.query = vec![("page".into(), "2".into())];
    h.request(&c, q).unwrap();
    assert_eq!(
        h.platform.api_urls(),
        vec![
            format!("{BASE}/api/v1/orders?filter%5Bstatus%5D=a%20b%26c%3Dd&page%5Bnumber%5D=2&q=%C3%A9%2F%C3%BC%2B~"),
            format!("{BASE}/api/v1/orders?include=retailer&page=2"),
        ]
    );
}

#[test]
fn an_empty_body_resolves_to_none() {
    for status in [204, 200, 202] {
        let (mut h, c) = Harness::with_token(json!({}));
        h.platform.api([Answer::status(status)]);
        let body = h.request(&c, call("DELETE", "/api/v1/orders/1")).unwrap();
        assert_eq!(body, None, "{status}");
    }
}

#[test]
fn a_non_json_2xx_is_invalid_response() {
    let (mut h, c) = Harness::with_token(json!({}));
    h.platform
        .api([Answer::not_json(200), Answer::not_json(200)]);
    let e = h.request(&c, get("/api/v1/orders")).unwrap_err();
    assert_eq!((e.code, e.status), (ErrorCode::InvalidResponse, Some(200)));
    let e = h.me(&c).unwrap_err();
    assert_eq!((e.code, e.status), (ErrorCode::InvalidResponse, Some(200)));
    assert_eq!(h.platform.api_requests(), 2, "not retried");
}

#[test]
fn me_refuses_a_2xx_that_is_not_a_user() {
    for body in [
        json!({}),
        json!({"data": []}),
        json!({"data": {"type": "brand", "id": 1, "email": "a@b.c"}}),
        json!({"data": {"type": "user", "id": "1", "email": "a@b.c"}}),
    ] {
        let (mut h, c) = Harness::with_token(json!({}));
        h.platform.api([Answer::json(200, body.clone())]);
        assert_eq!(code(h.me(&c)), ErrorCode::InvalidResponse, "{body}");
    }
}

#[test]
fn error_statuses_map_to_codes_and_keep_json_api_errors() {
    let document = json!({
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
    let kept = vec![document["errors"][0].clone()];
    for (status, expected) in [
        (404, ErrorCode::NotFound),
        (403, ErrorCode::Forbidden),
        (422, ErrorCode::RequestFailed),
        (400, ErrorCode::RequestFailed),
        (409, ErrorCode::RequestFailed),
    ] {
        let (mut h, c) = Harness::with_token(json!({}));
        h.platform.api([Answer::json(status, document.clone())]);
        let e = h.request(&c, get("/api/v1/orders/1")).unwrap_err();
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
    let (mut h, c) = Harness::with_token(json!({}));
    h.platform.api([Answer::status(302), Answer::status(0)]);
    assert_eq!(code(h.me(&c)), ErrorCode::RequestFailed);
    assert_eq!(code(h.me(&c)), ErrorCode::RequestFailed);
    assert_eq!(h.platform.api_requests(), 2);
}

#[test]
fn a_foreign_origin_is_invalid_argument_and_nothing_is_sent() {
    let (mut h, c) = Harness::with_client(json!({}));
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
        let e = h.request(&c, get(target)).unwrap_err();
        assert_eq!(e.code, ErrorCode::InvalidArgument, "{target}");
    }
    assert!(h.platform.sent().is_empty(), "{:?}", h.platform.sent());
}

#[test]
fn an_absolute_url_on_the_clients_own_origin_is_followed() {
    let (mut h, c) = answering_empty_lists();
    h.request(
        &c,
        get("https://www.ankorstore.com/api/v1/orders?page[number]=2"),
    )
    .unwrap();
    h.request(&c, get("HTTPS://WWW.ANKORSTORE.COM:443/api/v1/orders"))
        .unwrap();
    assert_eq!(
        h.platform.api_urls(),
        vec![
            "https://www.ankorstore.com/api/v1/orders?page[number]=2".to_string(),
            "https://www.ankorstore.com/api/v1/orders".to_string(),
        ]
    );
}

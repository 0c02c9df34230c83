//! The wasm-bindgen layer tested from inside wasm (Node and headless Chrome):
//! `bash scripts/test-wasm.sh` (wasm-pack test --node / --headless --chrome, --test wasm_layer).
//! What is checked here is what only this layer does: reading JavaScript arguments,
//! throwing or rejecting with real `AnkorstoreError` instances, and value conversions.
//! Client behaviour (retries, token cache…) is tested natively and through the package.
#![cfg(target_arch = "wasm32")]

use ankorstore_client::parts::{Bounded, Loose, Record};
use ankorstore_client::wasm::{
    error_to_js, exchange_credentials_js, get_me_js, to_js, AnkorstoreClient, JsJson,
};
use ankorstore_client::{AccessToken, Error, ErrorCode, Payload, Secret};
use js_sys::{Array, Function, Object, Promise, Reflect, JSON};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;

const SECRET: &str = "wasm-layer-secret-7Qz";
/// Nothing listens there: calls that get past validation fail fast with `network`.
const CLOSED: &str = "http://127.0.0.1:9";

/// A JavaScript value from a JSON literal.
fn js(json: &str) -> JsValue {
    JSON::parse(json).expect("valid JSON literal")
}

fn get(value: &JsValue, key: &str) -> JsValue {
    Reflect::get(value, &JsValue::from_str(key)).unwrap()
}

fn has_own(value: &JsValue, key: &str) -> bool {
    !Reflect::get_own_property_descriptor(value.unchecked_ref::<Object>(), &JsValue::from_str(key))
        .unwrap()
        .is_undefined()
}

/// Asserts `value` is an `AnkorstoreError` (a real `Error`) with `code`, and returns its
/// message; no property, message or stack may contain the secret.
fn assert_error(value: &JsValue, code: &str) -> String {
    assert!(
        value.is_instance_of::<js_sys::Error>(),
        "not an Error: {value:?}"
    );
    assert_eq!(
        get(value, "name").as_string().as_deref(),
        Some("AnkorstoreError")
    );
    assert_eq!(
        get(value, "code").as_string().as_deref(),
        Some(code),
        "{value:?}"
    );
    let message = get(value, "message").as_string().expect("a string message");
    assert!(message.len() > 10, "message too short: {message}");
    let everything = format!(
        "{message} {} {}",
        get(value, "stack").as_string().unwrap_or_default(),
        JSON::stringify(value)
            .ok()
            .and_then(|s| s.as_string())
            .unwrap_or_default()
    );
    assert!(
        !everything.contains(SECRET),
        "the secret leaked: {everything}"
    );
    message
}

/// Awaits a promise that must reject; returns the rejection.
async fn rejection(promise: Promise) -> JsValue {
    match JsFuture::from(promise).await {
        Ok(value) => panic!("expected a rejection, resolved with {value:?}"),
        Err(error) => error,
    }
}

fn options(extra: &str) -> JsValue {
    let base =
        format!(r#"{{"clientId":"id","clientSecret":"{SECRET}","baseUrl":"{CLOSED}"{extra}}}"#);
    js(&base)
}

fn client_error(options: JsValue) -> JsValue {
    match AnkorstoreClient::new(options) {
        Ok(_) => panic!("the constructor accepted bad options"),
        Err(error) => error,
    }
}

// ---------------------------------------------------------------------------------------
// new AnkorstoreClient(options)

#[wasm_bindgen_test]
fn constructor_throws_invalid_config_for_bad_options() {
    let cases: Vec<(&str, JsValue)> = vec![
        ("no options", JsValue::UNDEFINED),
        ("null", JsValue::NULL),
        ("a string", JsValue::from_str("id:secret")),
        ("no clientSecret", js(r#"{"clientId":"id"}"#)),
        ("empty clientId", options(r#","clientId":"""#)),
        ("clientId not a string", options(r#","clientId":42"#)),
        (
            "unknown environment",
            js(&format!(
                r#"{{"clientId":"id","clientSecret":"{SECRET}","environment":"staging"}}"#
            )),
        ),
        (
            "plain http to a remote host",
            options(r#","baseUrl":"http://example.com""#),
        ),
        ("not a URL", options(r#","baseUrl":"not a url""#)),
        ("negative timeoutMs", options(r#","timeoutMs":-1"#)),
        ("maxRetries not a number", options(r#","maxRetries":"2""#)),
        (
            "negative refreshMarginSeconds",
            options(r#","refreshMarginSeconds":-5"#),
        ),
        (
            "tokenStore without set",
            options(r#","tokenStore":{"get":null}"#),
        ),
    ];
    for (what, value) in cases {
        let Err(error) = AnkorstoreClient::new(value) else {
            panic!("{what}: the constructor accepted it");
        };
        let code = get(&error, "code").as_string();
        assert_eq!(code.as_deref(), Some("invalid_config"), "{what}: {error:?}");
        assert_error(&error, "invalid_config");
    }
}

#[wasm_bindgen_test]
fn constructor_rejects_non_finite_numbers() {
    let options = options("");
    Reflect::set(&options, &"timeoutMs".into(), &JsValue::from_f64(f64::NAN)).unwrap();
    assert_error(&client_error(options), "invalid_config");
    let options = self::options("");
    Reflect::set(
        &options,
        &"maxRetries".into(),
        &JsValue::from_f64(f64::INFINITY),
    )
    .unwrap();
    assert_error(&client_error(options), "invalid_config");
}

#[wasm_bindgen_test]
fn constructor_errors_are_ankorstore_error_instances() {
    // A real subclass of Error (the class of js/error.js), not a plain object or a bare Error.
    let error = client_error(JsValue::UNDEFINED);
    let ctor = get(&error, "constructor");
    assert!(ctor.is_function());
    assert_eq!(
        get(&ctor, "name").as_string().as_deref(),
        Some("AnkorstoreError")
    );
    assert!(error.is_instance_of::<js_sys::Error>());
    let error_prototype = get(&get(&js_sys::global(), "Error"), "prototype");
    let prototype: JsValue = Reflect::get_prototype_of(&error).unwrap().into();
    assert!(
        prototype != error_prototype,
        "a subclass of Error, not a bare Error"
    );
    assert!(error.is_instance_of::<js_sys::Error>());
}

#[wasm_bindgen_test]
fn base_url_is_normalised() {
    let client = AnkorstoreClient::new(options(r#","baseUrl":"http://127.0.0.1:8787/""#)).unwrap();
    assert_eq!(client.base_url(), "http://127.0.0.1:8787");
    let client = AnkorstoreClient::new(js(
        r#"{"clientId":"id","clientSecret":"s","environment":"sandbox"}"#,
    ))
    .unwrap();
    assert_eq!(
        client.base_url(),
        "https://www.public.ankorstore-sandbox.com"
    );
    let client = AnkorstoreClient::new(js(r#"{"clientId":"id","clientSecret":"s"}"#)).unwrap();
    assert_eq!(client.base_url(), "https://www.ankorstore.com");
    // baseUrl overrides environment; localhost and [::1] may use plain http.
    let client = AnkorstoreClient::new(js(r#"{"clientId":"id","clientSecret":"s","environment":"sandbox","baseUrl":"http://localhost:3000"}"#)).unwrap();
    assert_eq!(client.base_url(), "http://localhost:3000");
    assert!(AnkorstoreClient::new(js(
        r#"{"clientId":"id","clientSecret":"s","baseUrl":"http://[::1]:3000/"}"#
    ))
    .is_ok());
}

#[wasm_bindgen_test]
fn a_token_store_with_get_and_set_functions_is_accepted() {
    let store = Object::new();
    let noop = Function::new_no_args("return undefined");
    Reflect::set(&store, &"get".into(), &noop).unwrap();
    Reflect::set(&store, &"set".into(), &noop).unwrap();
    let options = options("");
    Reflect::set(&options, &"tokenStore".into(), &store).unwrap();
    assert!(AnkorstoreClient::new(options).is_ok());
}

// ---------------------------------------------------------------------------------------
// Calls: bad arguments reject (never throw), before anything is sent

#[wasm_bindgen_test]
async fn exchange_credentials_rejects_bad_options() {
    for bad in [
        JsValue::UNDEFINED,
        js(r#"{"clientId":"id"}"#),
        options(r#","baseUrl":"ftp://host""#),
    ] {
        let error = rejection(exchange_credentials_js(bad)).await;
        assert_error(&error, "invalid_config");
    }
}

#[wasm_bindgen_test]
async fn get_me_rejects_bad_arguments() {
    assert_error(
        &rejection(get_me_js(JsValue::from_f64(42.0), JsValue::UNDEFINED)).await,
        "invalid_argument",
    );
    assert_error(
        &rejection(get_me_js(JsValue::from_str(""), JsValue::UNDEFINED)).await,
        "invalid_argument",
    );
    let bad_options = js(r#"{"environment":"staging"}"#);
    assert_error(
        &rejection(get_me_js(JsValue::from_str("a-token"), bad_options)).await,
        "invalid_config",
    );
    let bad_signal = js(&format!(r#"{{"baseUrl":"{CLOSED}","signal":"stop"}}"#));
    assert_error(
        &rejection(get_me_js(JsValue::from_str("a-token"), bad_signal)).await,
        "invalid_argument",
    );
}

#[wasm_bindgen_test]
async fn request_rejects_bad_arguments() {
    let client = AnkorstoreClient::new(options("")).unwrap();
    let cases: Vec<(JsValue, JsValue, JsValue)> = vec![
        (
            JsValue::from_f64(1.0),
            "/api/v1/me".into(),
            JsValue::UNDEFINED,
        ),
        ("GET".into(), JsValue::NULL, JsValue::UNDEFINED),
        ("GET".into(), "api/v1/me".into(), JsValue::UNDEFINED),
        (
            "GET".into(),
            "https://evil.example/api/v1/me".into(),
            JsValue::UNDEFINED,
        ),
        (
            "GET".into(),
            "/api/v1/orders".into(),
            JsValue::from_str("page=1"),
        ),
        (
            "GET".into(),
            "/api/v1/orders".into(),
            js(r#"{"query":{"filter":{"status":"x"}}}"#),
        ),
        (
            "GET".into(),
            "/api/v1/orders".into(),
            js(r#"{"query":["a"]}"#),
        ),
        (
            "GET".into(),
            "/api/v1/orders".into(),
            js(r#"{"headers":{"x-count":1}}"#),
        ),
        (
            "GET".into(),
            "/api/v1/orders".into(),
            js(r#"{"signal":{}}"#),
        ),
    ];
    for (method, path, opts) in cases {
        let error = rejection(client.request(method, path, opts)).await;
        assert_error(&error, "invalid_argument");
    }
    // A body JSON cannot represent (a cycle) is refused too.
    let cyclic = Object::new();
    Reflect::set(&cyclic, &"self".into(), &cyclic).unwrap();
    let opts = Object::new();
    Reflect::set(&opts, &"body".into(), &cyclic).unwrap();
    let error = rejection(client.request("POST".into(), "/api/v1/echo".into(), opts.into())).await;
    assert_error(&error, "invalid_argument");
}

#[wasm_bindgen_test]
async fn me_rejects_options_that_are_not_an_object() {
    let client = AnkorstoreClient::new(options("")).unwrap();
    assert_error(
        &rejection(client.me(JsValue::from_f64(42.0))).await,
        "invalid_argument",
    );
}

#[wasm_bindgen_test]
async fn an_aborted_signal_rejects_with_aborted() {
    let client = AnkorstoreClient::new(options("")).unwrap();
    let controller = web_sys::AbortController::new().unwrap();
    controller.abort();
    let opts = Object::new();
    Reflect::set(&opts, &"signal".into(), &controller.signal()).unwrap();
    assert_error(&rejection(client.me(opts.into())).await, "aborted");
}

#[wasm_bindgen_test]
async fn an_unreachable_server_rejects_with_network() {
    let error = rejection(exchange_credentials_js(options(
        r#","maxRetries":0,"timeoutMs":5000"#,
    )))
    .await;
    assert_error(&error, "network");
    let client = AnkorstoreClient::new(options(r#","maxRetries":0,"timeoutMs":5000"#)).unwrap();
    assert_error(&rejection(client.token()).await, "network");
}

// ---------------------------------------------------------------------------------------
// Conversions (serde-wasm-bindgen, both ways)

#[wasm_bindgen_test]
fn loose_values_read_every_kind_and_never_fail() {
    let read = |v: &JsValue| JsJson(v.clone()).decode::<Loose>();
    assert_eq!(
        read(&JsValue::from_str("é\u{1F600}")),
        Some(Loose::String("é\u{1F600}".into()))
    );
    assert_eq!(read(&JsValue::from_f64(1.5)), Some(Loose::Number(1.5)));
    assert_eq!(read(&JsValue::TRUE), Some(Loose::Bool(true)));
    assert_eq!(read(&JsValue::UNDEFINED), Some(Loose::Null));
    assert_eq!(read(&js("[1,[2]]")), Some(Loose::Array));
    assert_eq!(
        read(&js(r#"{"b":1,"a":{"c":2}}"#)),
        Some(Loose::Object(vec!["b".into(), "a".into()]))
    );
    // What serde-wasm-bindgen refuses is an answer, not a failure.
    assert_eq!(
        read(&Function::new_no_args("return 1").into()),
        Some(Loose::Other)
    );
    assert_eq!(read(&js_sys::Symbol::for_("x").into()), Some(Loose::Other));
    // Non-finite numbers are kept as numbers: validation, not conversion, refuses them.
    assert!(matches!(read(&JsValue::from_f64(f64::NAN)), Some(Loose::Number(n)) if n.is_nan()));
}

#[wasm_bindgen_test]
fn records_keep_insertion_order() {
    let record = JsJson(js(r#"{"z":"1","a":2,"m":true}"#))
        .decode::<Record>()
        .unwrap();
    let keys: Vec<&str> = record
        .0
        .as_ref()
        .unwrap()
        .iter()
        .map(|(k, _)| k.as_str())
        .collect();
    assert_eq!(keys, ["z", "a", "m"]);
    assert_eq!(JsJson(js("[1]")).decode::<Record>(), Some(Record(None)));
}

#[wasm_bindgen_test]
fn bounded_values_cap_depth_and_round_trip() {
    // 100 levels of nesting: read without overflowing the wasm stack, deep parts as null.
    let deep = js(&format!("{}1{}", "[".repeat(100), "]".repeat(100)));
    let read = JsJson(deep).decode::<Bounded>().unwrap();
    let (mut level, mut depth) = (&read, 0);
    while let Bounded::Array(items) = level {
        level = &items[0];
        depth += 1;
    }
    assert_eq!(level, &Bounded::Null);
    assert!((16..100).contains(&depth), "depth {depth}");
    let text = r#"{"z":null,"a":[1,-2.5,"s",false,{"n":"é"}],"m":{}}"#;
    let value = to_js(&JsJson(js(text)).decode::<Bounded>().unwrap());
    assert_eq!(JSON::stringify(&value).unwrap().as_string().unwrap(), text);
    assert!(Array::is_array(&get(&value, "a")));
}

#[wasm_bindgen_test]
fn error_to_js_sets_only_the_details_present() {
    let mut error = Error::new(
        ErrorCode::RateLimited,
        "Too many requests, retry in 30 seconds",
    );
    error.status = Some(429);
    error.retry_after = Some(30);
    error.oauth_error = Some("slow_down".into());
    error.errors = Some(vec![JsJson(js(r#"{"status":"429"}"#))
        .decode::<Bounded>()
        .unwrap()]);
    let value = error_to_js(&error);
    assert_error(&value, "rate_limited");
    assert_eq!(get(&value, "status").as_f64(), Some(429.0));
    assert_eq!(get(&value, "retryAfter").as_f64(), Some(30.0));
    assert_eq!(
        get(&value, "oauthError").as_string().as_deref(),
        Some("slow_down")
    );
    let errors = get(&value, "errors");
    assert!(Array::is_array(&errors));
    assert_eq!(
        JSON::stringify(&errors).unwrap().as_string().unwrap(),
        r#"[{"status":"429"}]"#
    );

    let bare = error_to_js(&Error::new(
        ErrorCode::Network,
        "The request could not be sent",
    ));
    assert_error(&bare, "network");
    for key in ["status", "retryAfter", "oauthError", "errors"] {
        assert!(!has_own(&bare, key), "{key} set on an error without it");
    }
}

#[wasm_bindgen_test]
fn the_access_token_has_the_four_fields() {
    let token = AccessToken {
        access_token: Secret::new("tok-123"),
        token_type: "Bearer".into(),
        expires_in: 3600.0,
        expires_at: 1_700_003_600_000.0,
    };
    let value = to_js(&token.view());
    let keys: Vec<String> = Object::keys(value.unchecked_ref::<Object>())
        .iter()
        .filter_map(|k| k.as_string())
        .collect();
    assert_eq!(keys, ["accessToken", "tokenType", "expiresIn", "expiresAt"]);
    assert_eq!(
        get(&value, "accessToken").as_string().as_deref(),
        Some("tok-123")
    );
    assert_eq!(
        get(&value, "tokenType").as_string().as_deref(),
        Some("Bearer")
    );
    assert_eq!(get(&value, "expiresIn").as_f64(), Some(3600.0));
    assert_eq!(get(&value, "expiresAt").as_f64(), Some(1_700_003_600_000.0));
}

// ---------------------------------------------------------------------------------------
// URLs: the runtime's own WHATWG parser gives what the url crate gives natively

#[path = "cases/urls.rs"]
mod url_cases;

#[wasm_bindgen_test]
fn urls_parse_as_natively() {
    url_cases::check_all();
}

//! API calls: building `request()` and `/me` requests, and reading their answers.

use crate::error::{api_error, CallName, Error, ErrorCode};
use crate::http::Received;
use crate::json::Json;
use crate::platform::{Body, HttpRequest, Platform};
use crate::url::{append_query, BaseUrl};

/// Media type of JSON:API documents.
pub const JSON_API: &str = "application/vnd.api+json";

/// A `request()` call as the user gave it.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ApiRequest {
    /// HTTP method (any case).
    pub method: String,
    /// A path starting with `/`, or an absolute URL on the client's origin.
    pub path: String,
    /// Query parameters, already turned into strings.
    pub query: Vec<(String, String)>,
    /// Extra headers.
    pub headers: Vec<(String, String)>,
    /// JSON text of the body, if one was given.
    pub body: Option<String>,
}

/// A request ready to be sent once a token is attached.
#[derive(Clone, Debug, PartialEq)]
pub struct PreparedCall {
    /// The request without `Authorization`.
    pub request: HttpRequest,
    /// Method and path, for messages.
    pub path: String,
}

impl PreparedCall {
    /// Whether the call may be retried after a 5xx, a network error or a timeout.
    pub fn idempotent(&self) -> bool {
        matches!(self.request.method.as_str(), "GET" | "HEAD")
    }

    /// The method and path, for messages.
    pub fn name(&self) -> CallName<'_> {
        CallName {
            method: &self.request.method,
            path: &self.path,
        }
    }

    /// The request with `Authorization: Bearer <token>`.
    pub fn with_token(&self, token: &str) -> HttpRequest {
        let mut request = self.request.clone();
        request
            .headers
            .push(("authorization".into(), format!("Bearer {token}")));
        request
    }
}

fn invalid_argument(message: String) -> Error {
    Error::new(ErrorCode::InvalidArgument, message)
}

fn is_token(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
}

fn path_of(url: &str, base: &BaseUrl) -> String {
    let rest = url.strip_prefix(base.origin()).unwrap_or(url);
    rest.split('?').next().unwrap_or(rest).to_string()
}

/// Validates a `request()` call and builds its HTTP request (JSON:API headers).
pub fn prepare_request(base: &BaseUrl, call: &ApiRequest) -> Result<PreparedCall, Error> {
    let method = call.method.to_ascii_uppercase();
    if !is_token(&method) {
        return Err(invalid_argument(format!(
            "\"{}\" is not an HTTP method",
            call.method.chars().take(20).collect::<String>()
        )));
    }
    let mut url = base
        .resolve(&call.path)
        .map_err(|e| invalid_argument(format!("path {}; nothing was sent", e.0)))?;
    append_query(&mut url, &call.query);
    if call.body.is_some() && (method == "GET" || method == "HEAD") {
        return Err(invalid_argument(format!(
            "a {method} request cannot have a body"
        )));
    }
    let mut headers: Vec<(String, String)> = vec![("accept".into(), JSON_API.into())];
    if call.body.is_some() {
        headers.push(("content-type".into(), JSON_API.into()));
    }
    for (name, value) in &call.headers {
        let lower = name.to_ascii_lowercase();
        if !is_token(name) {
            return Err(invalid_argument(format!(
                "\"{}\" is not a valid header name",
                name.chars().take(40).collect::<String>()
            )));
        }
        // fetch refuses these with a TypeError that would look like a network failure.
        if value
            .chars()
            .any(|c| c == '\r' || c == '\n' || c == '\0' || c as u32 > 0xff)
        {
            return Err(invalid_argument(format!(
                "the value of header {name} contains a line break, NUL or a character beyond Latin-1"
            )));
        }
        if lower == "authorization" {
            return Err(invalid_argument(
                "the Authorization header is set by the client from its token; do not pass it"
                    .into(),
            ));
        }
        headers.retain(|(n, _)| *n != lower);
        headers.push((lower, value.clone()));
    }
    let path = path_of(&url, base);
    Ok(PreparedCall {
        request: HttpRequest {
            method,
            url,
            headers,
            body: call.body.clone(),
        },
        path,
    })
}

/// The `GET /api/v1/me` request (plain JSON, not JSON:API).
pub fn prepare_me(base: &BaseUrl) -> PreparedCall {
    PreparedCall {
        request: HttpRequest {
            method: "GET".into(),
            url: base.join("/api/v1/me"),
            headers: vec![("accept".into(), "application/json".into())],
            body: None,
        },
        path: "/api/v1/me".into(),
    }
}

/// The members of the `/me` user that are checked.
pub const USER_FIELDS: &[&str] = &[
    "type",
    "id",
    "email",
    "first_name",
    "last_name",
    "created_at",
    "updated_at",
];

/// Checks the `/me` document: `data` is a user with an id and an email.
pub fn check_user(body: &Json) -> Result<(), &'static str> {
    check_user_data(body.get("data").ok_or("it has no data member")?)
}

/// Checks the `data` object of the `/me` document (only [`USER_FIELDS`] are read).
pub fn check_user_data(data: &Json) -> Result<(), &'static str> {
    if !data.is_object() {
        return Err("data is not an object");
    }
    if data.get("type").and_then(Json::as_str) != Some("user") {
        return Err("data.type is not \"user\"");
    }
    if !data
        .get("id")
        .and_then(Json::as_f64)
        .is_some_and(f64::is_finite)
    {
        return Err("data.id is not a number");
    }
    if data.get("email").and_then(Json::as_str).is_none() {
        return Err("data.email is not a string");
    }
    for key in ["first_name", "last_name", "created_at", "updated_at"] {
        if !matches!(
            data.get(key),
            None | Some(Json::String(_)) | Some(Json::Null)
        ) {
            return Err("a name or date of data is not a string");
        }
    }
    Ok(())
}

fn invalid_response(call: CallName<'_>, status: u16, why: &str) -> Error {
    Error {
        status: Some(status),
        ..Error::new(
            ErrorCode::InvalidResponse,
            format!(
                "{} {} answered {status} with a body that is not what the endpoint promises: {why}",
                call.method, call.path
            ),
        )
    }
}

/// Reads the final answer of a `request()`: the parsed body (`None` for an empty body), or
/// the mapped error.
pub fn read_request_answer<P: Platform>(
    platform: &P,
    call: &PreparedCall,
    received: Received<P::Value>,
) -> Result<Option<P::Value>, Error> {
    let status = received.response.status;
    if !(200..300).contains(&status) {
        return Err(answer_error(platform, call, &received));
    }
    match received.response.body {
        Body::Empty => Ok(None),
        Body::Json(v) => Ok(Some(v)),
        Body::NotJson => Err(invalid_response(call.name(), status, "it is not JSON")),
    }
}

/// Reads the final answer of `GET /api/v1/me`: the `data` object, kept as sent.
pub fn read_me_answer<P: Platform>(
    platform: &P,
    call: &PreparedCall,
    received: Received<P::Value>,
) -> Result<P::Value, Error> {
    let status = received.response.status;
    if !(200..300).contains(&status) {
        return Err(answer_error(platform, call, &received));
    }
    let Body::Json(value) = &received.response.body else {
        return Err(invalid_response(call.name(), status, "it is not JSON"));
    };
    let data = platform
        .member(value, "data")
        .ok_or_else(|| invalid_response(call.name(), status, "it has no data member"))?;
    // Only the checked members cross into Rust: the rest of the user is returned as sent.
    check_user_data(&platform.pick(&data, USER_FIELDS))
        .map_err(|why| invalid_response(call.name(), status, why))?;
    Ok(data)
}

/// The error for a non-2xx final answer.
pub fn answer_error<P: Platform>(
    platform: &P,
    call: &PreparedCall,
    received: &Received<P::Value>,
) -> Error {
    let status = received.response.status;
    let retry_after = (status == 429).then(|| received.retry_after(platform.now_ms()));
    api_error(
        call.name(),
        status,
        received.json(platform).as_ref(),
        retry_after,
    )
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use crate::json::j;

    fn base() -> BaseUrl {
        BaseUrl::parse("https://www.ankorstore.com").unwrap()
    }

    #[test]
    fn builds_json_api_requests() {
        let call = prepare_request(
            &base(),
            &ApiRequest {
                method: "post".into(),
                path: "/api/v1/orders/1/accept".into(),
                query: vec![("include".into(), "retailer".into())],
                headers: vec![
                    ("X-Trace".into(), "1".into()),
                    ("Accept".into(), "application/json".into()),
                ],
                body: Some("{}".into()),
            },
        )
        .unwrap();
        assert_eq!(call.request.method, "POST");
        assert_eq!(
            call.request.url,
            "https://www.ankorstore.com/api/v1/orders/1/accept?include=retailer"
        );
        assert_eq!(
            call.request.headers,
            vec![
                ("content-type".to_string(), JSON_API.to_string()),
                ("x-trace".into(), "1".into()),
                ("accept".into(), "application/json".into())
            ]
        );
        assert_eq!(call.path, "/api/v1/orders/1/accept");
        assert!(!call.idempotent());
        let auth = call.with_token("T");
        assert!(auth
            .headers
            .contains(&("authorization".into(), "Bearer T".into())));
    }

    #[test]
    fn refuses_bad_calls() {
        let cases = [
            ApiRequest {
                method: "GET".into(),
                path: "https://evil.com/x".into(),
                ..Default::default()
            },
            ApiRequest {
                method: "GET".into(),
                path: "api/v1".into(),
                ..Default::default()
            },
            ApiRequest {
                method: "GE T".into(),
                path: "/x".into(),
                ..Default::default()
            },
            ApiRequest {
                method: "".into(),
                path: "/x".into(),
                ..Default::default()
            },
            ApiRequest {
                method: "GET".into(),
                path: "/x".into(),
                body: Some("{}".into()),
                ..Default::default()
            },
            ApiRequest {
                method: "GET".into(),
                path: "/x".into(),
                headers: vec![("Authorization".into(), "Bearer x".into())],
                ..Default::default()
            },
            ApiRequest {
                method: "GET".into(),
                path: "/x".into(),
                headers: vec![("x".into(), "a\r\nb".into())],
                ..Default::default()
            },
            ApiRequest {
                method: "GET".into(),
                path: "/x".into(),
                headers: vec![("a b".into(), "1".into())],
                ..Default::default()
            },
        ];
        for c in cases {
            assert_eq!(
                prepare_request(&base(), &c).unwrap_err().code,
                ErrorCode::InvalidArgument,
                "{c:?}"
            );
        }
    }

    #[test]
    fn checks_user_documents() {
        assert!(check_user(&j(r#"{"data":{"type":"user","id":1234,"email":"a@b.c","first_name":"T","last_name":"A","created_at":"x","updated_at":"y","extra":[1]}}"#)).is_ok());
        for bad in [
            r#"{}"#,
            r#"{"data":null}"#,
            r#"{"data":[]}"#,
            r#"{"data":{"type":"brand","id":1,"email":"a"}}"#,
            r#"{"data":{"type":"user","id":"1","email":"a"}}"#,
            r#"{"data":{"type":"user","id":1}}"#,
            r#"{"data":{"type":"user","id":1,"email":"a","first_name":3}}"#,
        ] {
            assert!(check_user(&j(bad)).is_err(), "{bad}");
        }
    }
}

//! Building the requests of `request()` and `me()`.

use crate::answer::CallName;
use crate::error::{Error, ErrorCode};
use crate::redact::Redactor;
use crate::runtime::HttpRequest;
use crate::url::{append_query, BaseUrl};

/// Media type of JSON:API documents.
pub const JSON_API: &str = "application/vnd.api+json";

/// A `request()` call as the caller gave it.
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
    /// The path, safe to quote in messages.
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

/// Headers that `fetch` sets from the connection and the body itself. Browsers silently drop
/// them and Node's fetch fails on several (`transfer-encoding`, `keep-alive`, `upgrade`,
/// `expect`, a wrong `content-length`) with what reads as a network error: refused at once,
/// the same in every runtime.
const FETCH_MANAGED: [&str; 9] = [
    "connection",
    "content-length",
    "expect",
    "host",
    "keep-alive",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
];

/// The methods `request()` sends.
const METHODS: [&str; 6] = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"];

/// An RFC 9110 token (header names).
fn is_token(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
}

/// The path of `url` (an absolute URL on `base`'s origin), without origin and query.
fn path_of(url: &str, base: &BaseUrl) -> String {
    let rest = url.strip_prefix(base.origin()).unwrap_or(url);
    rest.split('?').next().unwrap_or(rest).to_string()
}

/// Validates a `request()` call and builds its HTTP request (JSON:API headers). Caller input
/// quoted in errors and messages goes through `quoter`.
pub fn prepare_request(
    base: &BaseUrl,
    call: &ApiRequest,
    quoter: &Redactor,
) -> Result<PreparedCall, Error> {
    let method = call.method.to_ascii_uppercase();
    if !METHODS.contains(&method.as_str()) {
        return Err(invalid_argument(format!(
            "\"{}\" is not a method request() sends (GET, HEAD, POST, PUT, PATCH or DELETE); nothing was sent",
            quoter.quote(&call.method, 20)
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
        if !is_token(name) {
            return Err(invalid_argument(format!(
                "\"{}\" is not a valid header name",
                quoter.quote(name, 40)
            )));
        }
        let lower = name.to_ascii_lowercase();
        // fetch refuses these with a TypeError that would look like a network failure.
        if value
            .chars()
            .any(|c| c == '\r' || c == '\n' || c == '\0' || c as u32 > 0xff)
        {
            return Err(invalid_argument(format!(
                "the value of header {} contains a line break, NUL or a character beyond Latin-1",
                quoter.quote(&lower, 40)
            )));
        }
        if lower == "authorization" {
            return Err(invalid_argument(
                "the Authorization header is set by the client from its token; do not pass it"
                    .into(),
            ));
        }
        if FETCH_MANAGED.contains(&lower.as_str()) {
            return Err(invalid_argument(format!(
                "the {lower} header is managed by fetch itself (browsers drop it, Node refuses some values); do not pass it"
            )));
        }
        headers.retain(|(n, _)| *n != lower);
        headers.push((lower, value.clone()));
    }
    let path = quoter.quote(&path_of(&url, base), 200);
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

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    fn base() -> BaseUrl {
        BaseUrl::parse("https://www.ankorstore.com").unwrap()
    }

    fn call(method: &str, path: &str) -> ApiRequest {
        ApiRequest {
            method: method.into(),
            path: path.into(),
            ..Default::default()
        }
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
            &Redactor::new(),
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
        let with_body = ApiRequest {
            body: Some("{}".into()),
            ..call("GET", "/x")
        };
        let with_header = |name: &str, value: &str| ApiRequest {
            headers: vec![(name.into(), value.into())],
            ..call("GET", "/x")
        };
        let cases = [
            call("GET", "https://evil.com/x"),
            call("GET", "api/v1"),
            call("GE T", "/x"),
            call("", "/x"),
            call("FROB", "/x"),
            call("OPTIONS", "/x"),
            call("TRACE", "/x"),
            with_body,
            with_header("Authorization", "Bearer x"),
            with_header("Transfer-Encoding", "chunked"),
            with_header("content-length", "5"),
            with_header("HOST", "evil.example"),
            with_header("Keep-Alive", "1"),
            with_header("x", "a\r\nb"),
            with_header("a b", "1"),
        ];
        for c in cases {
            let e = prepare_request(&base(), &c, &Redactor::new()).unwrap_err();
            assert_eq!(e.code, ErrorCode::InvalidArgument, "{c:?}");
        }
    }

    #[test]
    fn accepts_the_six_methods_in_any_case() {
        for method in ["get", "HEAD", "Post", "put", "pAtCh", "delete"] {
            let call = prepare_request(&base(), &call(method, "/x"), &Redactor::new()).unwrap();
            assert_eq!(call.request.method, method.to_ascii_uppercase());
        }
    }

    #[test]
    fn quotes_caller_input_through_the_quoter() {
        let e = prepare_request(
            &base(),
            &call("SE CRET", "/x"),
            &Redactor::new().with("CRET"),
        )
        .unwrap_err();
        assert!(!e.to_string().contains("CRET"), "{e}");
        let ok = prepare_request(
            &base(),
            &call("GET", "/orders/CRET"),
            &Redactor::new().with("CRET"),
        )
        .unwrap();
        assert_eq!(ok.path, "/orders/[redacted]");
        assert!(ok.request.url.ends_with("/orders/CRET"));
    }
}

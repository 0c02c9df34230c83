//! Typed errors and the mapping from HTTP answers to the error codes of the public API.

use crate::json::Json;
use crate::num::Num;
use crate::redact::Redactor;

/// The `code` of an `AnkorstoreError`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorCode {
    /// Bad constructor or function options.
    InvalidConfig,
    /// Bad arguments to a call.
    InvalidArgument,
    /// The token endpoint refused the credentials.
    InvalidClient,
    /// The API answered 401 even after one fresh token.
    Unauthenticated,
    /// 403.
    Forbidden,
    /// 404.
    NotFound,
    /// 429 that was not retried.
    RateLimited,
    /// Any other 4xx (and redirects, which are never followed).
    RequestFailed,
    /// 5xx after retries.
    ServerError,
    /// The request could not be sent or its answer could not be read.
    Network,
    /// No complete answer within `timeoutMs`.
    Timeout,
    /// The caller's `AbortSignal` fired.
    Aborted,
    /// A 2xx whose body is not what the endpoint promises.
    InvalidResponse,
}

impl ErrorCode {
    /// The code as JavaScript sees it.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::InvalidConfig => "invalid_config",
            ErrorCode::InvalidArgument => "invalid_argument",
            ErrorCode::InvalidClient => "invalid_client",
            ErrorCode::Unauthenticated => "unauthenticated",
            ErrorCode::Forbidden => "forbidden",
            ErrorCode::NotFound => "not_found",
            ErrorCode::RateLimited => "rate_limited",
            ErrorCode::RequestFailed => "request_failed",
            ErrorCode::ServerError => "server_error",
            ErrorCode::Network => "network",
            ErrorCode::Timeout => "timeout",
            ErrorCode::Aborted => "aborted",
            ErrorCode::InvalidResponse => "invalid_response",
        }
    }
}

/// An error of the client, with what `AnkorstoreError` exposes.
#[derive(Clone, Debug, PartialEq)]
pub struct Error {
    /// The error code.
    pub code: ErrorCode,
    /// What happened, in words a user can act on. Never holds a credential.
    pub message: String,
    /// HTTP status, when a response was received.
    pub status: Option<u16>,
    /// Seconds to wait, for `rate_limited`.
    pub retry_after: Option<f64>,
    /// The `error` member of an OAuth error body.
    pub oauth_error: Option<String>,
    /// The `errors` of a JSON:API error document, each reduced to its documented members.
    pub errors: Option<Vec<Json>>,
}

impl Error {
    /// An error with a code and a message only.
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Error {
        Error {
            code,
            message: message.into(),
            status: None,
            retry_after: None,
            oauth_error: None,
            errors: None,
        }
    }

    /// The same error with every server-provided text passed through `redactor`.
    pub fn redacted(mut self, redactor: &Redactor) -> Error {
        let message = redactor.apply(&self.message);
        self.message = if message.chars().count() > MAX_MESSAGE {
            message
                .chars()
                .take(MAX_MESSAGE)
                .chain("…".chars())
                .collect()
        } else {
            message
        };
        self.oauth_error = self.oauth_error.map(|e| redactor.apply(&e));
        let strip = |s: &str| redactor.apply(s);
        self.errors = self
            .errors
            .map(|list| list.iter().map(|e| e.map_strings(&strip)).collect());
        self
    }

    /// `rate_limited` with the seconds to wait.
    pub fn rate_limited(message: String, status: Option<u16>, retry_after: f64) -> Error {
        Error {
            status,
            retry_after: Some(retry_after),
            ..Error::new(ErrorCode::RateLimited, message)
        }
    }
}

/// Longest message, in characters (server text can be long).
const MAX_MESSAGE: usize = 600;

/// Server text for a message, on one line. Not shortened here: a cut could split a
/// credential so that redaction no longer recognises it; [`Error::redacted`] shortens after.
fn quote(text: &str) -> String {
    let clean: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    clean.trim().to_string()
}

/// The `errors` of a JSON:API error document: its error objects, every member as sent (the
/// strings are redacted later, with the rest of the error).
pub fn json_api_errors(body: Option<&Json>) -> Option<Vec<Json>> {
    let Some(Json::Array(items)) = body.and_then(|b| b.get("errors")) else {
        return None;
    };
    // A bound, so that a huge document cannot make a huge error.
    Some(
        items
            .iter()
            .filter(|e| e.is_object())
            .take(100)
            .cloned()
            .collect(),
    )
}

/// The most useful sentence a server gave: a JSON:API `detail`/`title`, or a Laravel
/// `message`.
fn server_words(body: Option<&Json>, errors: Option<&[Json]>) -> Option<String> {
    let from_errors = errors.and_then(|list| {
        list.iter().find_map(|e| {
            e.get("detail")
                .or_else(|| e.get("title"))
                .and_then(Json::as_str)
                .filter(|s| !s.trim().is_empty())
        })
    });
    let from_message = body
        .and_then(|b| b.get("message"))
        .and_then(Json::as_str)
        .filter(|s| !s.trim().is_empty());
    from_errors.or(from_message).map(quote)
}

/// What the call was, for messages: `GET /api/v1/me`.
#[derive(Clone, Copy, Debug)]
pub struct CallName<'a> {
    /// HTTP method.
    pub method: &'a str,
    /// URL path (no origin, no query).
    pub path: &'a str,
}

/// Maps a non-2xx answer of an API endpoint (401 is final here: the caller retried already).
pub fn api_error(
    call: CallName<'_>,
    status: u16,
    body: Option<&Json>,
    retry_after: Option<f64>,
) -> Error {
    let errors = json_api_errors(body);
    let words = server_words(body, errors.as_deref());
    let said = words.map(|w| format!(": {w}")).unwrap_or_default();
    let CallName { method, path } = call;
    let (code, message) = match status {
        401 => (
            ErrorCode::Unauthenticated,
            format!("{method} {path} refused the access token (401){said}. The token is invalid or expired, or the client has been revoked or lacks access to this API"),
        ),
        403 => (ErrorCode::Forbidden, format!("{method} {path} is forbidden (403){said}. The client's account lacks access to this resource")),
        404 => (ErrorCode::NotFound, format!("{method} {path} was not found (404){said}")),
        429 => {
            let wait = retry_after.unwrap_or(1.0);
            let mut e = Error::rate_limited(
                format!("{method} {path} was rate limited (429){said}. Retry in {} s", Num(wait)),
                Some(status),
                wait,
            );
            e.errors = errors;
            return e;
        }
        300..=399 | 0 => (
            ErrorCode::RequestFailed,
            format!("{method} {path} answered with a redirect ({status}), which the client never follows so that the token stays on this host"),
        ),
        500..=599 => (ErrorCode::ServerError, format!("{method} {path} failed on the server ({status}){said}. Try again later")),
        _ => (ErrorCode::RequestFailed, format!("{method} {path} was refused ({status}){said}")),
    };
    Error {
        status: Some(status),
        errors,
        ..Error::new(code, message)
    }
}

/// Characters allowed in an OAuth `error` code (RFC 6749, section 5.2).
fn valid_oauth_code(code: &str) -> bool {
    !code.is_empty()
        && code.len() <= 64
        && code
            .bytes()
            .all(|b| (0x20..=0x7e).contains(&b) && b != b'"' && b != b'\\')
}

/// Maps a non-2xx answer of `POST /oauth/token`. Only the OAuth `error` code is surfaced:
/// descriptions are free text that may echo what was sent.
pub fn token_error(status: u16, body: Option<&Json>, retry_after: Option<f64>) -> Error {
    let oauth_error = body
        .and_then(|b| b.get("error"))
        .and_then(Json::as_str)
        .filter(|c| valid_oauth_code(c))
        .map(str::to_string);
    let named = oauth_error
        .as_deref()
        .map(|c| format!(" ({c})"))
        .unwrap_or_default();
    let (code, message) = match status {
        400 | 401 => (
            ErrorCode::InvalidClient,
            format!("The token endpoint refused the client credentials: {status}{named}. Check clientId and clientSecret, and that they belong to this environment (production or sandbox)"),
        ),
        429 => {
            let wait = retry_after.unwrap_or(1.0);
            let mut e = Error::rate_limited(
                format!("The token endpoint is rate limited (429; it allows 60 token requests an hour). Retry in {} s", Num(wait)),
                Some(status),
                wait,
            );
            e.oauth_error = oauth_error;
            return e;
        }
        300..=399 | 0 => (
            ErrorCode::RequestFailed,
            format!("The token endpoint answered with a redirect ({status}), which the client never follows so that the credentials stay on this host. Check baseUrl"),
        ),
        500..=599 => (ErrorCode::ServerError, format!("The token endpoint failed on the server ({status}). Try again later")),
        _ => (ErrorCode::RequestFailed, format!("The token endpoint refused the request: {status}{named}")),
    };
    Error {
        status: Some(status),
        oauth_error,
        ..Error::new(code, message)
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use crate::json::j;

    const CALL: CallName<'static> = CallName {
        method: "GET",
        path: "/api/v1/orders/1",
    };

    #[test]
    fn maps_api_statuses() {
        let cases = [
            (401, ErrorCode::Unauthenticated),
            (403, ErrorCode::Forbidden),
            (404, ErrorCode::NotFound),
            (422, ErrorCode::RequestFailed),
            (400, ErrorCode::RequestFailed),
            (302, ErrorCode::RequestFailed),
            (0, ErrorCode::RequestFailed),
            (429, ErrorCode::RateLimited),
            (500, ErrorCode::ServerError),
            (503, ErrorCode::ServerError),
        ];
        for (status, code) in cases {
            let e = api_error(CALL, status, None, None);
            assert_eq!(e.code, code, "{status}");
            assert_eq!(e.status, Some(status));
        }
        assert_eq!(api_error(CALL, 429, None, None).retry_after, Some(1.0));
    }

    #[test]
    fn keeps_json_api_errors_and_quotes_the_detail() {
        let body = j(
            r#"{"jsonapi":{"version":"1.0"},"errors":[{"status":"422","detail":"Order cannot be accepted","source":{"pointer":"/data"},"extra":1},"junk"]}"#,
        );
        let e = api_error(CALL, 422, Some(&body), None);
        assert_eq!(
            e.errors,
            Some(vec![j(
                r#"{"status":"422","detail":"Order cannot be accepted","source":{"pointer":"/data"},"extra":1}"#
            )])
        );
        assert!(
            e.message.contains("Order cannot be accepted"),
            "{}",
            e.message
        );
    }

    #[test]
    fn quotes_laravel_messages() {
        let e = api_error(
            CALL,
            401,
            Some(&j(r#"{"message":"Unauthenticated."}"#)),
            None,
        );
        assert!(e.message.contains("Unauthenticated."));
        assert_eq!(e.errors, None);
    }

    #[test]
    fn token_errors_surface_only_the_oauth_code() {
        let body = j(
            r#"{"error":"invalid_client","error_description":"secret abc is wrong","message":"abc"}"#,
        );
        let e = token_error(401, Some(&body), None);
        assert_eq!(e.code, ErrorCode::InvalidClient);
        assert_eq!(e.oauth_error.as_deref(), Some("invalid_client"));
        assert!(!e.message.contains("abc"));
        assert_eq!(token_error(400, None, None).code, ErrorCode::InvalidClient);
        assert_eq!(token_error(403, None, None).code, ErrorCode::RequestFailed);
        assert_eq!(token_error(502, None, None).code, ErrorCode::ServerError);
        let limited = token_error(429, None, Some(30.0));
        assert_eq!(
            (limited.code, limited.retry_after),
            (ErrorCode::RateLimited, Some(30.0))
        );
        let weird = token_error(401, Some(&j(r#"{"error":"a\"b"}"#)), None);
        assert_eq!(weird.oauth_error, None);
    }

    #[test]
    fn redaction_reaches_every_field() {
        let body = j(r#"{"errors":[{"detail":"token TKN","meta":{"TKN":["TKN"]}}]}"#);
        let e = api_error(CALL, 422, Some(&body), None).redacted(&Redactor::new().with("TKN"));
        assert!(!format!("{e:?}").contains("TKN"), "{e:?}");
    }
}

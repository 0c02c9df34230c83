//! What a non-2xx answer means: the error codes of api.md by status, for API calls and for
//! the token endpoint, with what the server said (redacted later, with the rest of the
//! error).

use serde::Deserialize;

use crate::error::{Error, ErrorCode};
use crate::loose::{lenient, Bounded};

/// Most JSON:API error objects kept in an error (a huge document must not make a huge error).
const MAX_ERRORS: usize = 100;

/// An error body, as far as the client reads it: a JSON:API error document (`errors`), a
/// Laravel answer (`message`) or an OAuth error (`error`). Members of another type read as
/// absent.
#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
pub struct ErrorDocument {
    /// `errors`: the error objects, each as sent (to a bounded depth).
    #[serde(default, deserialize_with = "lenient")]
    pub errors: Option<Vec<Bounded>>,
    /// `message`.
    #[serde(default, deserialize_with = "lenient")]
    pub message: Option<String>,
    /// `error` (OAuth).
    #[serde(default, deserialize_with = "lenient")]
    pub error: Option<String>,
}

impl ErrorDocument {
    /// The error objects of `errors` (other items are dropped), at most [`MAX_ERRORS`].
    pub fn error_objects(&self) -> Option<Vec<Bounded>> {
        self.errors.as_ref().map(|items| {
            items
                .iter()
                .filter(|e| matches!(e, Bounded::Object(_)))
                .take(MAX_ERRORS)
                .cloned()
                .collect()
        })
    }

    /// The most useful sentence the server gave: a JSON:API `detail`/`title`, or a Laravel
    /// `message`.
    fn words(&self, errors: Option<&[Bounded]>) -> Option<String> {
        let from_errors = errors.and_then(|list| {
            list.iter().find_map(|e| {
                let text = |key| {
                    e.get(key)
                        .and_then(Bounded::as_str)
                        .filter(|s| !s.trim().is_empty())
                };
                text("detail").or_else(|| text("title"))
            })
        });
        let from_message = self.message.as_deref().filter(|s| !s.trim().is_empty());
        from_errors.or(from_message).map(str::to_string)
    }
}

/// What the call was, for messages: `GET /api/v1/me`.
#[derive(Clone, Copy, Debug)]
pub struct CallName<'a> {
    /// HTTP method.
    pub method: &'a str,
    /// URL path (no origin, no query), already safe to quote.
    pub path: &'a str,
}

/// Maps a non-2xx answer of an API endpoint (401 is final here: the caller retried already).
pub fn api_error(
    call: CallName<'_>,
    status: u16,
    body: Option<&ErrorDocument>,
    retry_after: Option<u64>,
) -> Error {
    let errors = body.and_then(ErrorDocument::error_objects);
    let said = body.and_then(|b| b.words(errors.as_deref()));
    let CallName { method, path } = call;
    let (code, message) = match status {
        401 => (
            ErrorCode::Unauthenticated,
            format!("{method} {path} refused the access token (401): it is invalid or expired, or the client has been revoked or lacks access to this API"),
        ),
        403 => (ErrorCode::Forbidden, format!("{method} {path} is forbidden (403): the client's account lacks access to this resource")),
        404 => (ErrorCode::NotFound, format!("{method} {path} was not found (404)")),
        429 => {
            let wait = retry_after.unwrap_or(1);
            let e = Error::rate_limited(format!("{method} {path} was rate limited (429); retry in {wait} s"), wait);
            return Error { errors, ..e.with_status(status).with_detail(said) };
        }
        300..=399 | 0 => (
            ErrorCode::RequestFailed,
            format!("{method} {path} answered with a redirect ({status}), which the client never follows so that the token stays on this host"),
        ),
        500..=599 => (ErrorCode::ServerError, format!("{method} {path} failed on the server ({status}); try again later")),
        _ => (ErrorCode::RequestFailed, format!("{method} {path} was refused ({status})")),
    };
    Error {
        errors,
        ..Error::new(code, message)
            .with_status(status)
            .with_detail(said)
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

/// Maps a non-2xx answer of `POST /oauth/token`. Only the OAuth `error` code is surfaced
/// (as the error's detail and `oauthError`): descriptions are free text that may echo what
/// was sent.
pub fn token_error(status: u16, body: Option<&ErrorDocument>, retry_after: Option<u64>) -> Error {
    let oauth_error = body
        .and_then(|b| b.error.as_deref())
        .filter(|c| valid_oauth_code(c))
        .map(str::to_string);
    let (code, message) = match status {
        400 | 401 => (
            ErrorCode::InvalidClient,
            format!("The token endpoint refused the client credentials ({status}; check clientId and clientSecret, and that they belong to this environment, production or sandbox)"),
        ),
        429 => {
            let wait = retry_after.unwrap_or(1);
            let e = Error::rate_limited(
                format!("The token endpoint is rate limited (429; it allows 60 token requests an hour); retry in {wait} s"),
                wait,
            );
            return Error { oauth_error, ..e.with_status(status) };
        }
        300..=399 | 0 => (
            ErrorCode::RequestFailed,
            format!("The token endpoint answered with a redirect ({status}), which the client never follows so that the credentials stay on this host. Check baseUrl"),
        ),
        500..=599 => (ErrorCode::ServerError, format!("The token endpoint failed on the server ({status}); try again later")),
        _ => (ErrorCode::RequestFailed, format!("The token endpoint refused the request ({status})")),
    };
    Error {
        detail: oauth_error.clone(),
        oauth_error,
        ..Error::new(code, message).with_status(status)
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use crate::redact::Redactor;
    use serde_json::{json, Value};

    const CALL: CallName<'static> = CallName {
        method: "GET",
        path: "/api/v1/orders/1",
    };

    fn doc(v: Value) -> ErrorDocument {
        serde_json::from_value(v).unwrap()
    }

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
        assert_eq!(api_error(CALL, 429, None, None).retry_after, Some(1));
    }

    #[test]
    fn keeps_json_api_errors_and_quotes_the_detail() {
        let body = doc(
            json!({"jsonapi":{"version":"1.0"},"errors":[{"status":"422","detail":"Order cannot be accepted","source":{"pointer":"/data"},"extra":1},"junk"]}),
        );
        let e = api_error(CALL, 422, Some(&body), None);
        assert_eq!(
            serde_json::to_value(&e.errors).unwrap(),
            json!([{"status":"422","detail":"Order cannot be accepted","source":{"pointer":"/data"},"extra":1}])
        );
        assert_eq!(
            e.to_string(),
            "GET /api/v1/orders/1 was refused (422): Order cannot be accepted"
        );
    }

    #[test]
    fn quotes_laravel_messages_and_ignores_mistyped_members() {
        let e = api_error(
            CALL,
            401,
            Some(&doc(json!({"message":"Unauthenticated."}))),
            None,
        );
        assert!(e.to_string().ends_with(": Unauthenticated."), "{e}");
        assert_eq!(e.errors, None);
        let odd = api_error(
            CALL,
            500,
            Some(&doc(json!({"message":7,"errors":"x"}))),
            None,
        );
        assert_eq!((odd.detail, odd.errors), (None, None));
    }

    #[test]
    fn token_errors_surface_only_the_oauth_code() {
        let body = doc(
            json!({"error":"invalid_client","error_description":"secret abc is wrong","message":"abc"}),
        );
        let e = token_error(401, Some(&body), None);
        assert_eq!(e.code, ErrorCode::InvalidClient);
        assert_eq!(e.oauth_error.as_deref(), Some("invalid_client"));
        assert!(!e.to_string().contains("abc"));
        assert_eq!(token_error(400, None, None).code, ErrorCode::InvalidClient);
        assert_eq!(token_error(403, None, None).code, ErrorCode::RequestFailed);
        assert_eq!(token_error(502, None, None).code, ErrorCode::ServerError);
        let limited = token_error(429, None, Some(30));
        assert_eq!(
            (limited.code, limited.retry_after),
            (ErrorCode::RateLimited, Some(30))
        );
        let weird = token_error(401, Some(&doc(json!({"error":"a\"b"}))), None);
        assert_eq!(weird.oauth_error, None);
    }

    #[test]
    fn redaction_reaches_every_member() {
        let body = doc(json!({"errors":[{"detail":"token TKN","meta":{"TKN":["TKN"]}}]}));
        let e = api_error(CALL, 422, Some(&body), None).redacted(&Redactor::new().with("TKN"));
        assert!(!format!("{e:?}").contains("TKN"), "{e:?}");
    }
}

//! The client's error type: a code of the public API, the client's own words, and what the
//! server (or the platform) said, kept apart so that redaction only ever touches the latter.

use std::fmt;

use serde::Serialize;

use crate::loose::Bounded;

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

/// An error of the client, with what `AnkorstoreError` exposes. Its text is
/// `"{message}: {detail}"`: the client's words, then (when there is one) what the server or
/// the platform said.
#[derive(Clone, Debug, PartialEq)]
pub struct Error {
    /// The error code.
    pub code: ErrorCode,
    /// The client's own words. They never hold a credential, so they are never redacted
    /// (caller input they quote is redacted when it is quoted).
    pub message: String,
    /// Words of the server or the platform, redacted before they reach a user.
    pub detail: Option<String>,
    /// HTTP status, when a response was received.
    pub status: Option<u16>,
    /// Whole seconds to wait, for `rate_limited`.
    pub retry_after: Option<u64>,
    /// The `error` member of an OAuth error body.
    pub oauth_error: Option<String>,
    /// The `errors` of a JSON:API error document: its error objects, every member as sent.
    pub errors: Option<Vec<Bounded>>,
}

impl Error {
    /// An error with a code and the client's words only.
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Error {
        Error {
            code,
            message: message.into(),
            detail: None,
            status: None,
            retry_after: None,
            oauth_error: None,
            errors: None,
        }
    }

    /// The same error with what the server or the platform said.
    pub fn with_detail(mut self, detail: Option<String>) -> Error {
        self.detail = detail;
        self
    }

    /// The same error with the HTTP status of the answer.
    pub fn with_status(mut self, status: u16) -> Error {
        self.status = Some(status);
        self
    }

    /// `rate_limited` with the seconds to wait.
    pub fn rate_limited(message: impl Into<String>, retry_after: u64) -> Error {
        Error {
            retry_after: Some(retry_after),
            ..Error::new(ErrorCode::RateLimited, message)
        }
    }

    /// What `AnkorstoreError` carries besides its code and message.
    pub fn details(&self) -> Details<'_> {
        Details {
            status: self.status,
            retry_after: self.retry_after,
            oauth_error: self.oauth_error.as_deref(),
            errors: self.errors.as_deref(),
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)?;
        match &self.detail {
            Some(detail) => write!(f, ": {detail}"),
            None => Ok(()),
        }
    }
}

impl std::error::Error for Error {}

/// The optional members of an `AnkorstoreError` (absent ones are left out), as handed to
/// JavaScript.
#[derive(Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Details<'a> {
    /// HTTP status.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    /// Seconds to wait.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retry_after: Option<u64>,
    /// OAuth `error` code.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub oauth_error: Option<&'a str>,
    /// JSON:API error objects.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub errors: Option<&'a [Bounded]>,
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    #[test]
    fn displays_the_clients_words_then_the_detail() {
        let plain = Error::new(ErrorCode::NotFound, "GET /x was not found (404)");
        assert_eq!(plain.to_string(), "GET /x was not found (404)");
        let said = plain.with_detail(Some("No such order".into()));
        assert_eq!(
            said.to_string(),
            "GET /x was not found (404): No such order"
        );
        let e: &dyn std::error::Error = &said;
        assert!(e.source().is_none());
    }

    #[test]
    fn details_leave_out_what_is_absent() {
        let e = Error::rate_limited("slow down", 30).with_status(429);
        let json = serde_json::to_value(e.details()).unwrap();
        assert_eq!(json, serde_json::json!({"status": 429, "retryAfter": 30}));
        let none = serde_json::to_value(Error::new(ErrorCode::Timeout, "t").details()).unwrap();
        assert_eq!(none, serde_json::json!({}));
    }
}

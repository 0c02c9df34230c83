//! `POST /oauth/token`: the client credentials grant.

use crate::config::{Credentials, Endpoint};
use crate::error::{token_error, Error, ErrorCode};
use crate::form::token_request_body;
use crate::http::send_with_retries;
use crate::platform::{HttpRequest, Platform};
use crate::token::AccessToken;

/// The token request for these credentials.
pub fn token_request(endpoint: &Endpoint, credentials: &Credentials) -> HttpRequest {
    HttpRequest {
        method: "POST".into(),
        url: endpoint.base_url.join("/oauth/token"),
        headers: vec![
            ("accept".into(), "application/json".into()),
            (
                "content-type".into(),
                "application/x-www-form-urlencoded".into(),
            ),
        ],
        body: Some(token_request_body(credentials)),
    }
}

/// Performs one token request (with the retry policy: the token request is retried on
/// 5xx, network errors and timeouts, and after a short 429) and validates the answer.
/// Errors are not yet redacted: the caller knows which credentials to cut out.
pub async fn fetch_token<P: Platform>(
    platform: &P,
    endpoint: &Endpoint,
    credentials: &Credentials,
) -> Result<AccessToken, Error> {
    let request = token_request(endpoint, credentials);
    let mut retries = 0;
    let received =
        send_with_retries(platform, endpoint, &request, true, &mut retries, None).await?;
    let status = received.response.status;
    let body = received.json(platform);
    if (200..300).contains(&status) {
        let body = body.ok_or_else(|| invalid_token_response(status, "the body is not JSON"))?;
        return AccessToken::from_response(&body, received.sent_at)
            .map_err(|why| invalid_token_response(status, why));
    }
    let retry_after = (status == 429).then(|| received.retry_after(platform.now_ms()));
    Err(token_error(status, body.as_ref(), retry_after))
}

fn invalid_token_response(status: u16, why: &str) -> Error {
    Error {
        status: Some(status),
        ..Error::new(
            ErrorCode::InvalidResponse,
            format!("The token endpoint answered {status} without a valid access token: {why}"),
        )
    }
}

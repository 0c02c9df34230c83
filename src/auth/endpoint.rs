//! `POST /oauth/token`: the client credentials grant.

use crate::answer::{token_error, ErrorDocument};
use crate::encode::encode_form;
use crate::error::{Error, ErrorCode};
use crate::options::{Credentials, Endpoint};
use crate::runtime::{HttpRequest, Runtime, Transport};
use crate::send::send_with_retries;
use crate::token::{AccessToken, TokenResponse};

/// The body of `POST /oauth/token` for the client credentials grant.
pub fn token_request_body(credentials: &Credentials) -> String {
    encode_form([
        ("grant_type", "client_credentials"),
        ("client_id", credentials.client_id.as_str()),
        ("client_secret", credentials.client_secret.expose()),
        ("scope", credentials.scope.as_str()),
    ])
}

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
pub async fn fetch_token<R: Runtime, T: Transport>(
    runtime: &R,
    transport: &T,
    endpoint: &Endpoint,
    credentials: &Credentials,
) -> Result<AccessToken, Error> {
    let request = token_request(endpoint, credentials);
    let mut retries = 0;
    let received = send_with_retries(
        runtime,
        transport,
        endpoint,
        &request,
        true,
        &mut retries,
        None,
    )
    .await?;
    let status = received.response.status;
    if (200..300).contains(&status) {
        let body: TokenResponse = received
            .document()
            .ok_or_else(|| invalid_token_response(status, "the body is not a JSON object"))?;
        return AccessToken::from_response(&body, received.sent_at)
            .map_err(|why| invalid_token_response(status, why));
    }
    let retry_after = (status == 429).then(|| received.retry_after(runtime.now_ms()));
    Err(token_error(
        status,
        received.document::<ErrorDocument>().as_ref(),
        retry_after,
    ))
}

fn invalid_token_response(status: u16, why: &str) -> Error {
    Error::new(
        ErrorCode::InvalidResponse,
        format!("The token endpoint answered {status} without a valid access token: {why}"),
    )
    .with_status(status)
}

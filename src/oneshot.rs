//! `exchangeCredentials` and `getMe`: one call each, no cache.

use crate::api::{prepare_me, read_me_answer};
use crate::auth::fetch_token;
use crate::error::{Error, ErrorCode};
use crate::options::{Credentials, Endpoint};
use crate::redact::Redactor;
use crate::runtime::{Runtime, Transport};
use crate::send::send_with_retries;
use crate::token::AccessToken;

/// `exchangeCredentials`: one token request (with the client's retry rules), no cache.
pub async fn exchange_credentials<R: Runtime, T: Transport>(
    runtime: &R,
    transport: &T,
    endpoint: &Endpoint,
    credentials: &Credentials,
) -> Result<AccessToken, Error> {
    fetch_token(runtime, transport, endpoint, credentials)
        .await
        .map_err(|e| e.redacted(&Redactor::new().with(credentials.client_secret.expose())))
}

/// `getMe`: `GET /api/v1/me` with a token the caller holds; a 401 is final.
pub async fn get_me<R: Runtime, T: Transport>(
    runtime: &R,
    transport: &T,
    endpoint: &Endpoint,
    token: &str,
    signal: Option<&R::Signal>,
) -> Result<T::Payload, Error> {
    if token.trim().is_empty() || !token.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(Error::new(
            ErrorCode::InvalidArgument,
            "accessToken must be a non-empty token without spaces or control characters",
        ));
    }
    let call = prepare_me(&endpoint.base_url);
    let request = call.with_token(token);
    let mut retries = 0;
    let result = match send_with_retries(
        runtime,
        transport,
        endpoint,
        &request,
        true,
        &mut retries,
        signal,
    )
    .await
    {
        Ok(received) => read_me_answer(runtime, &call, received),
        Err(e) => Err(e),
    };
    result.map_err(|e| e.redacted(&Redactor::new().with(token)))
}

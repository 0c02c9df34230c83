//! Sending one call: the retry policy, cancellation by the caller's signal, and the errors of
//! transport failures.

use std::future::Future;

use serde::de::DeserializeOwned;

use crate::error::{Error, ErrorCode};
use crate::options::Endpoint;
use crate::rate_limit::RateLimit;
use crate::retry::{decide, parse_retry_after, Attempt, Decision};
use crate::runtime::{
    race, Body, Either, HttpRequest, HttpResponse, Payload, Runtime, Transport, TransportError,
};

/// The error of a call whose `AbortSignal` fired.
pub fn aborted_error() -> Error {
    Error::new(
        ErrorCode::Aborted,
        "The call was cancelled by its AbortSignal",
    )
}

/// Runs `fut` unless `signal` fires first (then `aborted`, and `fut` is dropped, which
/// cancels whatever it was doing).
pub async fn abortable<R: Runtime, F: Future>(
    runtime: &R,
    fut: F,
    signal: Option<&R::Signal>,
) -> Result<F::Output, Error> {
    match signal {
        None => Ok(fut.await),
        Some(s) if runtime.is_aborted(s) => Err(aborted_error()),
        Some(s) => match race(fut, runtime.aborted(s)).await {
            Either::Left(v) => Ok(v),
            Either::Right(()) => Err(aborted_error()),
        },
    }
}

/// A response that came back, with when its request was sent.
pub struct Received<P> {
    /// The response.
    pub response: HttpResponse<P>,
    /// When the (last) attempt was sent, ms since the epoch.
    pub sent_at: f64,
    /// The rate limit the last attempt that reported one reported.
    pub rate_limit: Option<RateLimit>,
}

impl<P: Payload> Received<P> {
    /// The body read as `T`, if it is JSON of that shape.
    pub fn document<T: DeserializeOwned>(&self) -> Option<T> {
        match &self.response.body {
            Body::Json(p) => p.decode(),
            _ => None,
        }
    }

    /// `Retry-After` in whole seconds (1 when missing), read at `now_ms`.
    pub fn retry_after(&self, now_ms: f64) -> u64 {
        parse_retry_after(self.response.retry_after.as_deref(), now_ms)
    }
}

/// Sends `request`, retrying per the policy of [`decide`]; `retries` counts every retry of
/// the call, including those its caller made for other reasons. Resolves to the final
/// response whatever its status; transport failures become `network`, `timeout`,
/// `invalid_response` (a body too large) or `aborted` errors.
pub async fn send_with_retries<R: Runtime, T: Transport>(
    runtime: &R,
    transport: &T,
    endpoint: &Endpoint,
    request: &HttpRequest,
    idempotent: bool,
    retries: &mut u32,
    signal: Option<&R::Signal>,
) -> Result<Received<T::Payload>, Error> {
    let origin = endpoint.base_url.origin();
    let mut attempts = 0u32;
    let mut rate_limit = None;
    loop {
        let sent_at = runtime.now_ms();
        attempts += 1;
        let outcome = abortable(
            runtime,
            transport.send(request, endpoint.timeout_ms),
            signal,
        )
        .await?;
        if let Ok(response) = &outcome {
            rate_limit = RateLimit::from_headers(&response.rate_limit).or(rate_limit);
        }
        let attempt = match &outcome {
            Ok(r) if r.status == 429 => Attempt::Status(
                429,
                Some(parse_retry_after(r.retry_after.as_deref(), runtime.now_ms())),
            ),
            Ok(r) => Attempt::Status(r.status, None),
            Err(TransportError::Network(_)) => Attempt::Network,
            Err(TransportError::Timeout) => Attempt::Timeout,
            Err(TransportError::TooLarge) => {
                return Err(Error::new(
                    ErrorCode::InvalidResponse,
                    format!("{origin} answered with a body larger than 16 MiB; the client stopped reading it"),
                ))
            }
        };
        match decide(attempt, idempotent, *retries, endpoint.max_retries, || {
            runtime.random()
        }) {
            Decision::RetryAfterMs(ms) => {
                *retries += 1;
                abortable(runtime, runtime.sleep(ms), signal).await?;
            }
            Decision::Stop => {
                let tries = if attempts == 1 {
                    String::new()
                } else {
                    format!(" ({attempts} attempts)")
                };
                return match outcome {
                    Ok(response) => Ok(Received {
                        response,
                        sent_at,
                        rate_limit,
                    }),
                    Err(TransportError::Network(detail)) => Err(Error::new(
                        ErrorCode::Network,
                        format!("Could not reach {origin}{tries}; check the network connection and baseUrl"),
                    )
                    .with_detail(Some(detail))),
                    Err(_) => Err(Error::new(
                        ErrorCode::Timeout,
                        format!("{origin} did not answer within {} ms{tries}; try again later or raise timeoutMs", crate::encode::js_number(endpoint.timeout_ms)),
                    )),
                };
            }
        }
    }
}

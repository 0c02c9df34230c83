//! Sending one call with the retry policy, cancellation and error mapping of transport
//! failures.

use std::future::Future;

use crate::config::Endpoint;
use crate::error::{Error, ErrorCode};
use crate::json::Json;
use crate::num::Num;
use crate::platform::{race, Body, Either, HttpRequest, HttpResponse, Platform, TransportError};
use crate::retry::{decide, parse_retry_after, Attempt, Decision};

/// The error of a call whose `AbortSignal` fired.
pub fn aborted_error() -> Error {
    Error::new(
        ErrorCode::Aborted,
        "The call was cancelled by its AbortSignal",
    )
}

/// Runs `fut` unless `signal` fires first (then `aborted`, and `fut` is dropped).
pub async fn abortable<P: Platform, F: Future>(
    platform: &P,
    fut: F,
    signal: Option<&P::Signal>,
) -> Result<F::Output, Error> {
    match signal {
        None => Ok(fut.await),
        Some(s) if platform.is_aborted(s) => Err(aborted_error()),
        Some(s) => match race(fut, platform.aborted(s)).await {
            Either::Left(v) => Ok(v),
            Either::Right(()) => Err(aborted_error()),
        },
    }
}

/// A response that came back, with when its request was sent.
pub struct Received<V> {
    /// The response.
    pub response: HttpResponse<V>,
    /// When the (last) attempt was sent, ms since the epoch.
    pub sent_at: f64,
}

impl<V> Received<V> {
    /// The body as the core's [`Json`], if it is JSON.
    pub fn json<P: Platform<Value = V>>(&self, platform: &P) -> Option<Json> {
        match &self.response.body {
            Body::Json(v) => Some(platform.to_json(v)),
            _ => None,
        }
    }

    /// `Retry-After` in seconds (1 when missing), read at `now_ms`.
    pub fn retry_after(&self, now_ms: f64) -> f64 {
        parse_retry_after(self.response.retry_after.as_deref(), now_ms)
    }
}

/// Sends `request`, retrying per the policy of [`decide`]; `retries` counts every retry of
/// the call, including those its caller made for other reasons. Resolves to the final
/// response whatever its status; transport failures become `network`, `timeout` or
/// `aborted` errors.
pub async fn send_with_retries<P: Platform>(
    platform: &P,
    endpoint: &Endpoint,
    request: &HttpRequest,
    idempotent: bool,
    retries: &mut u32,
    signal: Option<&P::Signal>,
) -> Result<Received<P::Value>, Error> {
    let origin = endpoint.base_url.origin();
    let mut attempts = 0u32;
    loop {
        if signal.is_some_and(|s| platform.is_aborted(s)) {
            return Err(aborted_error());
        }
        let sent_at = platform.now_ms();
        attempts += 1;
        let outcome = platform.send(request, endpoint.timeout_ms, signal).await;
        let attempt = match &outcome {
            Ok(r) if r.status == 429 => Attempt::Status(
                429,
                Some(parse_retry_after(
                    r.retry_after.as_deref(),
                    platform.now_ms(),
                )),
            ),
            Ok(r) => Attempt::Status(r.status, None),
            Err(TransportError::Network(_)) => Attempt::Network,
            Err(TransportError::Timeout) => Attempt::Timeout,
            Err(TransportError::Aborted) => return Err(aborted_error()),
        };
        match decide(attempt, idempotent, *retries, endpoint.max_retries, || {
            platform.random()
        }) {
            Decision::RetryAfterMs(ms) => {
                *retries += 1;
                abortable(platform, platform.sleep(ms), signal).await?;
            }
            Decision::Stop => {
                let tries = if attempts == 1 {
                    String::new()
                } else {
                    format!(" ({attempts} attempts)")
                };
                return match outcome {
                    Ok(response) => Ok(Received { response, sent_at }),
                    Err(TransportError::Network(detail)) => Err(Error::new(
                        ErrorCode::Network,
                        format!("Could not reach {origin}{tries}: {detail}. Check the network connection and baseUrl"),
                    )),
                    Err(TransportError::Timeout) => Err(Error::new(
                        ErrorCode::Timeout,
                        format!("{origin} did not answer within {} ms{tries}. Try again later or raise timeoutMs", Num(endpoint.timeout_ms)),
                    )),
                    Err(TransportError::Aborted) => Err(aborted_error()),
                };
            }
        }
    }
}

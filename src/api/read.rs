//! Reading the final answer of an API call: the value handed back, or the error.

use crate::answer::{api_error, CallName, ErrorDocument};
use crate::error::{Error, ErrorCode};
use crate::runtime::{Body, Payload, Runtime};
use crate::send::Received;

use super::call::PreparedCall;
use super::user::{check_user, MeDocument, UserFields};

fn invalid_response(call: CallName<'_>, status: u16, why: &str) -> Error {
    Error::new(
        ErrorCode::InvalidResponse,
        format!(
            "{} {} answered {status} with a body that is not what the endpoint promises: {why}",
            call.method, call.path
        ),
    )
    .with_status(status)
}

/// The error for a non-2xx final answer.
pub fn answer_error<R: Runtime, P: Payload>(
    runtime: &R,
    call: &PreparedCall,
    received: &Received<P>,
) -> Error {
    let status = received.response.status;
    let retry_after = (status == 429).then(|| received.retry_after(runtime.now_ms()));
    api_error(
        call.name(),
        status,
        received.document::<ErrorDocument>().as_ref(),
        retry_after,
    )
}

/// Reads the final answer of a `request()`: the parsed body (`None` for an empty body), or
/// the mapped error.
pub fn read_request_answer<R: Runtime, P: Payload>(
    runtime: &R,
    call: &PreparedCall,
    received: Received<P>,
) -> Result<Option<P>, Error> {
    let status = received.response.status;
    if !(200..300).contains(&status) {
        return Err(answer_error(runtime, call, &received));
    }
    match received.response.body {
        Body::Empty => Ok(None),
        Body::Json(p) => Ok(Some(p)),
        Body::NotJson => Err(invalid_response(call.name(), status, "it is not JSON")),
    }
}

/// Reads the final answer of `GET /api/v1/me`: the `data` object, kept as sent.
pub fn read_me_answer<R: Runtime, P: Payload>(
    runtime: &R,
    call: &PreparedCall,
    received: Received<P>,
) -> Result<P, Error> {
    let status = received.response.status;
    if !(200..300).contains(&status) {
        return Err(answer_error(runtime, call, &received));
    }
    let Body::Json(body) = &received.response.body else {
        return Err(invalid_response(call.name(), status, "it is not JSON"));
    };
    let data = body
        .decode::<MeDocument<P>>()
        .ok_or_else(|| invalid_response(call.name(), status, "it has no data member"))?
        .data;
    // Only the checked members cross into Rust: the rest of the user is returned as sent.
    check_user(data.decode::<UserFields>().as_ref())
        .map_err(|why| invalid_response(call.name(), status, why))?;
    Ok(data)
}

//! What the core needs from its environment, as three narrow traits:
//! - [`Transport`] sends one HTTP request and reads its answer;
//! - [`Runtime`] gives the time, timers, background tasks, one-shot events and the caller's
//!   cancellation signal;
//! - [`TokenStore`] is a cache shared between clients (implemented by the store type).
//!
//! The wasm build implements them with gloo-net and the JavaScript runtime; native tests with
//! scripted answers and a virtual clock. Everything is single-threaded, as in JavaScript.

use std::future::Future;
use std::pin::pin;
use std::task::Poll;

use serde::de::DeserializeOwned;

/// An HTTP request, complete.
#[derive(Clone, Debug, PartialEq)]
pub struct HttpRequest {
    /// Upper-case method.
    pub method: String,
    /// Absolute URL, as the WHATWG URL parser serialises it.
    pub url: String,
    /// Header names (lower case) and values.
    pub headers: Vec<(String, String)>,
    /// Body text, if any.
    pub body: Option<String>,
}

/// A complete HTTP response. `P` is a parsed JSON body as the transport holds it.
#[derive(Clone, Debug, PartialEq)]
pub struct HttpResponse<P> {
    /// Status code (0 for a redirect a browser hides from scripts).
    pub status: u16,
    /// The `Retry-After` header, when the status is 429.
    pub retry_after: Option<String>,
    /// The `X-RateLimit-Limit`, `X-RateLimit-Remaining` and `X-RateLimit-Reset` headers.
    pub rate_limit: [Option<String>; 3],
    /// The body.
    pub body: Body<P>,
}

/// A response body, read to its end.
#[derive(Clone, Debug, PartialEq)]
pub enum Body<P> {
    /// No bytes at all (or only whitespace).
    Empty,
    /// A JSON document.
    Json(P),
    /// Bytes that are not JSON (an HTML error page, a truncated document…).
    NotJson,
}

/// A JSON value as the transport holds it: a JavaScript value in wasm (never copied into
/// Rust unless a member is read), a `serde_json::Value` natively. The client reads it with
/// serde and hands it back to callers as it came.
pub trait Payload: Clone + DeserializeOwned + 'static {
    /// The value read as `T`; `None` when it does not have that shape.
    fn decode<T: DeserializeOwned>(&self) -> Option<T>;
}

#[cfg(not(target_arch = "wasm32"))]
impl Payload for serde_json::Value {
    fn decode<T: DeserializeOwned>(&self) -> Option<T> {
        T::deserialize(native::JsLike(self)).ok()
    }
}

/// Natively, values are read as serde-wasm-bindgen reads JavaScript values, so that native
/// tests see what the shipped client sees: serde_json alone would read a struct from an array
/// by position (`["tok","Bearer",3600]` as a token response); serde-wasm-bindgen reads a
/// struct from an object's members by name, so an array reads as an object without them.
#[cfg(not(target_arch = "wasm32"))]
mod native {
    use serde::de::value::MapDeserializer;
    use serde::de::{Deserializer, Visitor};
    use serde::forward_to_deserialize_any;
    use serde_json::Value;

    pub struct JsLike<'a>(pub &'a Value);

    impl<'de> Deserializer<'de> for JsLike<'de> {
        type Error = serde_json::Error;

        fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
            self.0.deserialize_any(visitor)
        }

        fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
            self.0.deserialize_option(visitor)
        }

        fn deserialize_struct<V: Visitor<'de>>(
            self,
            name: &'static str,
            fields: &'static [&'static str],
            visitor: V,
        ) -> Result<V::Value, Self::Error> {
            match self.0 {
                Value::Array(_) => visitor
                    .visit_map(MapDeserializer::new(
                        std::iter::empty::<(&'de str, &'de str)>(),
                    )),
                other => other.deserialize_struct(name, fields, visitor),
            }
        }

        forward_to_deserialize_any! {
            bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
            unit unit_struct newtype_struct seq tuple tuple_struct map enum identifier
            ignored_any
        }
    }

    #[cfg(test)]
    mod tests {
        use crate::runtime::Payload;
        use crate::token::TokenResponse;
        use serde_json::json;

        #[test]
        fn an_array_is_no_struct() {
            let token: Option<TokenResponse> = json!(["t", "Bearer", 3600]).decode();
            assert_eq!(token, Some(TokenResponse::default()));
            assert!(json!("text").decode::<TokenResponse>().is_none());
        }
    }
}

/// Why no complete response was received.
#[derive(Clone, Debug, PartialEq)]
pub enum TransportError {
    /// Connection refused or reset, DNS failure, CORS refusal, unreadable body… with the
    /// platform's words.
    Network(String),
    /// The per-attempt timeout passed before the body was read.
    Timeout,
    /// The body is larger than the transport reads (it stopped reading).
    TooLarge,
}

/// Sends one request. Dropping the returned future cancels the request.
#[allow(async_fn_in_trait)]
pub trait Transport: 'static {
    /// Parsed JSON bodies.
    type Payload: Payload;

    /// Sends `request` and reads the whole body within `timeout_ms`. Redirects are not
    /// followed: they come back as responses.
    async fn send(
        &self,
        request: &HttpRequest,
        timeout_ms: f64,
    ) -> Result<HttpResponse<Self::Payload>, TransportError>;
}

/// The longest delay a JavaScript timer keeps (2^31 − 1 ms, about 24.8 days). A longer one
/// fires at once (and Node prints a warning), so a `timeoutMs` of `1e12` would time every
/// call out immediately: timers are clamped to it instead.
pub const MAX_TIMER_MS: f64 = 2_147_483_647.0;

/// `ms` as a timer delay: from 0 (NaN too) to [`MAX_TIMER_MS`].
pub fn timer_ms(ms: f64) -> f64 {
    if ms > 0.0 {
        ms.min(MAX_TIMER_MS)
    } else {
        0.0
    }
}

/// Time, tasks, events and cancellation.
#[allow(async_fn_in_trait)]
pub trait Runtime: 'static {
    /// The caller's cancellation signal (`AbortSignal` in JavaScript).
    type Signal: Clone + 'static;
    /// A one-shot event that tasks can wait for (how the waiters of a shared token request
    /// are resumed, each in its own context: see `auth::flight`).
    type Event: 'static;

    /// Milliseconds since the epoch.
    fn now_ms(&self) -> f64;
    /// A number in `[0, 1)`.
    fn random(&self) -> f64;
    /// Resolves after `ms` milliseconds.
    async fn sleep(&self, ms: f64);
    /// Runs `task` to completion in the background, whoever waits for it.
    fn spawn(&self, task: impl Future<Output = ()> + 'static);
    /// A new event that has not fired.
    fn new_event(&self) -> Self::Event;
    /// Fires `event`: every waiter resumes.
    fn fire(&self, event: &Self::Event);
    /// Resolves once `event` has fired (at once if it already has).
    async fn wait_event(&self, event: &Self::Event);
    /// Whether `signal` has fired.
    fn is_aborted(&self, signal: &Self::Signal) -> bool;
    /// Resolves once `signal` has fired (at once if it already has).
    async fn aborted(&self, signal: &Self::Signal);
}

/// A token store failed, or answered something that is not what it should.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StoreError;

/// A cache shared between clients, processes or isolates (`TokenStore` in JavaScript).
#[allow(async_fn_in_trait)]
pub trait TokenStore: 'static {
    /// The value under `key`; `Ok(None)` for a miss.
    async fn get(&self, key: &str) -> Result<Option<String>, StoreError>;
    /// Writes `value` under `key` for `ttl_seconds`.
    async fn set(&self, key: &str, value: &str, ttl_seconds: u32) -> Result<(), StoreError>;
    /// Takes a short exclusive lock: `Some(taken)`, or `None` when the store cannot lock.
    async fn lock(&self, _key: &str, _ttl_ms: f64) -> Result<Option<bool>, StoreError> {
        Ok(None)
    }
    /// Releases a lock taken with [`TokenStore::lock`].
    async fn unlock(&self, _key: &str) -> Result<(), StoreError> {
        Ok(())
    }
}

/// Which of two futures finished first.
#[derive(Debug, PartialEq)]
pub enum Either<A, B> {
    /// The first one.
    Left(A),
    /// The second one.
    Right(B),
}

/// Polls both futures and returns the first output (the first future wins a tie). The
/// other future is dropped, which cancels it.
pub async fn race<A: Future, B: Future>(a: A, b: B) -> Either<A::Output, B::Output> {
    let mut a = pin!(a);
    let mut b = pin!(b);
    std::future::poll_fn(|cx| {
        if let Poll::Ready(v) = a.as_mut().poll(cx) {
            return Poll::Ready(Either::Left(v));
        }
        if let Poll::Ready(v) = b.as_mut().poll(cx) {
            return Poll::Ready(Either::Right(v));
        }
        Poll::Pending
    })
    .await
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    #[test]
    fn timer_delays_stay_within_what_javascript_timers_keep() {
        for (ms, expected) in [
            (0.0, 0.0),
            (-5.0, 0.0),
            (f64::NAN, 0.0),
            (1.5, 1.5),
            (30_000.0, 30_000.0),
            (MAX_TIMER_MS, MAX_TIMER_MS),
            (MAX_TIMER_MS + 1.0, MAX_TIMER_MS),
            (1e12, MAX_TIMER_MS),
            (f64::INFINITY, MAX_TIMER_MS),
        ] {
            assert_eq!(timer_ms(ms), expected, "{ms}");
        }
    }
}

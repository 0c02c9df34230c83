//! What the core needs from its environment: HTTP, time, timers, tasks and a token store.
//!
//! The wasm build implements it with the global `fetch` and `setTimeout`; native tests
//! implement it with scripted responses and a virtual clock.

use std::future::Future;
use std::pin::pin;
use std::task::Poll;

use crate::json::Json;

/// An HTTP request, complete.
#[derive(Clone, Debug, PartialEq)]
pub struct HttpRequest {
    /// Upper-case method.
    pub method: String,
    /// Absolute URL.
    pub url: String,
    /// Header names and values.
    pub headers: Vec<(String, String)>,
    /// Body text, if any.
    pub body: Option<String>,
}

/// A response body, read to its end and parsed by the platform.
#[derive(Clone, Debug, PartialEq)]
pub enum Body<V> {
    /// No bytes at all.
    Empty,
    /// A JSON document, as the platform holds it.
    Json(V),
    /// Bytes that are not JSON (an HTML error page, a truncated document…).
    NotJson,
}

/// A complete HTTP response.
#[derive(Clone, Debug, PartialEq)]
pub struct HttpResponse<V> {
    /// Status code (0 for a redirect a browser hides from scripts).
    pub status: u16,
    /// The `Retry-After` header, if any.
    pub retry_after: Option<String>,
    /// The body.
    pub body: Body<V>,
}

/// Why no complete response was received.
#[derive(Clone, Debug, PartialEq)]
pub enum TransportError {
    /// Connection refused or reset, DNS failure, CORS refusal, unreadable body…
    Network(String),
    /// `timeoutMs` passed before the body was read.
    Timeout,
    /// The caller's signal fired.
    Aborted,
}

/// The environment of the core. Everything is single-threaded, as in JavaScript.
#[allow(async_fn_in_trait)]
pub trait Platform: 'static {
    /// The caller's cancellation signal (`AbortSignal` in JavaScript).
    type Signal: Clone + 'static;
    /// A parsed JSON body as the platform holds it (a JavaScript value in wasm).
    type Value: Clone + 'static;
    /// A shared token cache.
    type Store: 'static;

    /// A one-shot event that tasks can wait for (how waiters of a shared token request are
    /// resumed, each in its own context: see [`crate::flight`]).
    type Event: 'static;

    /// A new event that has not fired.
    fn new_event(&self) -> Self::Event;
    /// Fires `event`: every waiter resumes.
    fn fire(&self, event: &Self::Event);
    /// Resolves once `event` has fired (at once if it already has).
    async fn wait_event(&self, event: &Self::Event);
    /// Milliseconds since the epoch.
    fn now_ms(&self) -> f64;
    /// A number in `[0, 1)`.
    fn random(&self) -> f64;
    /// Sends `request` and reads the whole body, within `timeout_ms`, unless `signal` fires.
    /// Redirects are not followed: they come back as responses.
    async fn send(
        &self,
        request: &HttpRequest,
        timeout_ms: f64,
        signal: Option<&Self::Signal>,
    ) -> Result<HttpResponse<Self::Value>, TransportError>;
    /// Resolves after `ms` milliseconds.
    async fn sleep(&self, ms: f64);
    /// Resolves once `signal` has fired (at once if it already has).
    async fn aborted(&self, signal: &Self::Signal);
    /// Whether `signal` has fired.
    fn is_aborted(&self, signal: &Self::Signal) -> bool;
    /// Runs `task` to completion in the background, whoever waits for it.
    fn spawn(&self, task: impl Future<Output = ()> + 'static);
    /// Reads a JSON value into the core's [`Json`].
    fn to_json(&self, value: &Self::Value) -> Json;
    /// The member `key` of an object value.
    fn member(&self, value: &Self::Value, key: &str) -> Option<Self::Value>;
    /// The members `keys` of an object value (those present), as a [`Json`] object;
    /// [`Json::Null`] when the value is not an object. Cheaper than [`Platform::to_json`]
    /// of the whole value when only a few members matter.
    fn pick(&self, value: &Self::Value, keys: &[&str]) -> Json {
        match self.to_json(value) {
            Json::Object(members) => Json::Object(
                members
                    .into_iter()
                    .filter(|(k, _)| keys.contains(&k.as_str()))
                    .collect(),
            ),
            _ => Json::Null,
        }
    }
    /// `store.get(key)`: `Ok(None)` for a miss, `Err` when the store failed or answered
    /// something that is not a string.
    async fn store_get(&self, store: &Self::Store, key: &str) -> Result<Option<String>, ()>;
    /// `store.lock(key, ttlMs)`: `Ok(Some(taken))`, or `Ok(None)` when the store has no
    /// `lock` method.
    async fn store_lock(
        &self,
        store: &Self::Store,
        key: &str,
        ttl_ms: f64,
    ) -> Result<Option<bool>, ()>;
    /// `store.unlock(key)`, when the store has such a method.
    async fn store_unlock(&self, store: &Self::Store, key: &str) -> Result<(), ()>;
    /// `store.set(key, value, ttlSeconds)`.
    async fn store_set(
        &self,
        store: &Self::Store,
        key: &str,
        value: &str,
        ttl_seconds: u32,
    ) -> Result<(), ()>;
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

//! The scripted platform: one object that is both the [`Runtime`] and the [`Transport`] of
//! the client under test, sharing a virtual clock.
//!
//! - a virtual clock with timers: `now_ms` reads a `Cell`; `sleep(ms)` records `ms` and
//!   waits for a timer; the [`Harness`](super::Harness) moves the clock to the next timer
//!   only when every task waits, so concurrent waits overlap as in real time and the loser
//!   of a race (a store call against its timeout) costs nothing once dropped. Response
//!   latency and transport timeouts are timers too;
//! - `random()` is always [`RANDOM`];
//! - `send()` logs every request and pops the next scripted [`Answer`] of its [`Route`]
//!   (the token endpoint or the API): a response, a network error, a timeout, or an answer
//!   held until a [`Flag`] is raised (for concurrency tests);
//! - `spawn()` runs tasks on a `futures::executor::LocalPool` driven by the
//!   [`Harness`](super::Harness).

use std::cell::{Cell, RefCell};
use std::collections::{HashMap, VecDeque};
use std::future::Future;
use std::rc::Rc;
use std::task::{Poll, Waker};

use ankorstore_client::{
    Body, HttpRequest, HttpResponse, LocalEvent, Runtime, Transport, TransportError,
};
use futures::executor::LocalSpawner;
use futures::task::LocalSpawnExt;
use serde_json::Value;

use super::{HOUR_S, T0};

/// What the platform's `random()` always answers (it scales the retry backoff).
pub const RANDOM: f64 = 0.5;

/// Resolves after being polled twice: lets every other ready task run once.
pub async fn yield_once() {
    let mut yielded = false;
    std::future::poll_fn(move |cx| {
        if yielded {
            Poll::Ready(())
        } else {
            yielded = true;
            cx.waker().wake_by_ref();
            Poll::Pending
        }
    })
    .await
}

// ---------------------------------------------------------------------------------------
// Flags: abort signals and gates.
// ---------------------------------------------------------------------------------------

#[derive(Default)]
struct FlagInner {
    raised: Cell<bool>,
    wakers: RefCell<Vec<Waker>>,
}

/// A one-way flag with wakers: the platform's abort signal, and the gate that releases held
/// answers.
#[derive(Clone, Default)]
pub struct Flag(Rc<FlagInner>);

impl Flag {
    /// A flag not yet raised.
    pub fn new() -> Self {
        Self::default()
    }

    /// Raises the flag and wakes every waiter.
    pub fn raise(&self) {
        self.0.raised.set(true);
        for w in self.0.wakers.take() {
            w.wake();
        }
    }

    /// Whether the flag was raised.
    pub fn is_raised(&self) -> bool {
        self.0.raised.get()
    }

    /// Resolves once the flag is raised.
    pub fn raised(&self) -> impl Future<Output = ()> + 'static {
        let flag = self.clone();
        std::future::poll_fn(move |cx| {
            if flag.is_raised() {
                return Poll::Ready(());
            }
            let mut wakers = flag.0.wakers.borrow_mut();
            if !wakers.iter().any(|w| w.will_wake(cx.waker())) {
                wakers.push(cx.waker().clone());
            }
            Poll::Pending
        })
    }
}

// ---------------------------------------------------------------------------------------
// Scripted answers.
// ---------------------------------------------------------------------------------------

/// Which script a request takes its answer from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Route {
    /// `POST /oauth/token`.
    Token,
    /// Everything else.
    Api,
}

impl Route {
    fn of(url: &str) -> Route {
        if url.ends_with("/oauth/token") {
            Route::Token
        } else {
            Route::Api
        }
    }
}

/// One scripted outcome of `send()`.
#[derive(Clone, Debug)]
pub enum Answer {
    /// A complete response; the clock advances by `latency_ms` before it comes back.
    Response {
        status: u16,
        body: Body<Value>,
        retry_after: Option<String>,
        latency_ms: f64,
    },
    /// `TransportError::Network`.
    Network(String),
    /// `TransportError::Timeout` (the clock advances by the timeout first).
    Timeout,
    /// The inner answer, once the flag is raised.
    Held(Flag, Box<Answer>),
}

impl std::fmt::Debug for Flag {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Flag({})", self.is_raised())
    }
}

impl Answer {
    /// A response with an empty body.
    pub fn status(status: u16) -> Answer {
        Answer::Response {
            status,
            body: Body::Empty,
            retry_after: None,
            latency_ms: 0.0,
        }
    }

    /// A response with a JSON body.
    pub fn json(status: u16, body: serde_json::Value) -> Answer {
        Answer::Response {
            status,
            body: Body::Json(body),
            retry_after: None,
            latency_ms: 0.0,
        }
    }

    /// A response whose body is not JSON (an HTML error page…).
    pub fn not_json(status: u16) -> Answer {
        Answer::Response {
            status,
            body: Body::NotJson,
            retry_after: None,
            latency_ms: 0.0,
        }
    }

    /// A successful token response.
    pub fn token(access_token: &str, expires_in: f64) -> Answer {
        Answer::json(
            200,
            serde_json::json!({
                "token_type": "Bearer",
                "expires_in": expires_in,
                "access_token": access_token,
            }),
        )
    }

    /// A 200 of `GET /api/v1/me`.
    pub fn user() -> Answer {
        Answer::json(200, user_document())
    }

    /// A network failure.
    pub fn network() -> Answer {
        Answer::Network("connection reset".into())
    }

    /// A timeout.
    pub fn timeout() -> Answer {
        Answer::Timeout
    }

    /// This answer with a `Retry-After` header.
    pub fn retry_after(mut self, value: &str) -> Answer {
        if let Answer::Response { retry_after, .. } = &mut self {
            *retry_after = Some(value.to_string());
        }
        self
    }

    /// This answer after `ms` of network latency.
    pub fn latency(mut self, ms: f64) -> Answer {
        if let Answer::Response { latency_ms, .. } = &mut self {
            *latency_ms = ms;
        }
        self
    }

    /// This answer, held until `gate` is raised.
    pub fn held(self, gate: &Flag) -> Answer {
        Answer::Held(gate.clone(), Box::new(self))
    }
}

/// The body of a valid `GET /api/v1/me` answer.
pub fn user_document() -> serde_json::Value {
    serde_json::json!({
        "data": {
            "type": "user",
            "id": 1234,
            "email": "retailer@example.com",
            "first_name": "Ada",
            "last_name": "Lovelace",
            "created_at": "2024-01-01T00:00:00Z",
            "updated_at": "2024-01-02T00:00:00Z",
            "extra": {"kept": true},
        }
    })
}

/// A request as the platform saw it.
#[derive(Clone, Debug)]
pub struct Sent {
    /// Virtual time at which it was sent.
    pub at: f64,
    /// The script it took its answer from.
    pub route: Route,
    /// The request.
    pub request: HttpRequest,
    /// The timeout the core asked for.
    pub timeout_ms: f64,
}

impl Sent {
    /// The value of header `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.request
            .headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The bearer token sent, if any.
    pub fn bearer(&self) -> Option<&str> {
        self.header("authorization")
            .and_then(|v| v.strip_prefix("Bearer "))
    }
}

/// Builds the answer of the `n`-th request (0-based) of a route once its script is empty.
pub type Fallback = Rc<dyn Fn(usize) -> Answer>;

// ---------------------------------------------------------------------------------------
// Virtual timers.
// ---------------------------------------------------------------------------------------

/// Pending timers: id → (deadline, waker of the task that waits).
#[derive(Default)]
struct Timers {
    next_id: u64,
    pending: HashMap<u64, (f64, Waker)>,
}

/// A wait until the virtual clock reaches `deadline`. It never moves the clock itself:
/// [`ScriptedPlatform::fire_next_timers`] does, once no task can make progress. Dropping it
/// (the loser of a race) cancels its timer, so the clock never jumps to a wait nobody
/// awaits any more.
struct Delay {
    platform: ScriptedPlatform,
    deadline: f64,
    id: Option<u64>,
    polled: bool,
}

impl Future for Delay {
    type Output = ();

    fn poll(mut self: std::pin::Pin<&mut Self>, cx: &mut std::task::Context<'_>) -> Poll<()> {
        let first = !self.polled;
        self.polled = true;
        if self.platform.now() >= self.deadline {
            if first {
                // Even a zero wait lets every other ready task run once.
                cx.waker().wake_by_ref();
                return Poll::Pending;
            }
            self.cancel();
            return Poll::Ready(());
        }
        let mut timers = self.platform.0.timers.borrow_mut();
        let id = match self.id {
            Some(id) => id,
            None => {
                timers.next_id += 1;
                timers.next_id
            }
        };
        timers
            .pending
            .insert(id, (self.deadline, cx.waker().clone()));
        drop(timers);
        self.id = Some(id);
        Poll::Pending
    }
}

impl Delay {
    fn cancel(&mut self) {
        if let Some(id) = self.id.take() {
            self.platform.0.timers.borrow_mut().pending.remove(&id);
        }
    }
}

impl Drop for Delay {
    fn drop(&mut self) {
        self.cancel();
    }
}

// ---------------------------------------------------------------------------------------
// The platform.
// ---------------------------------------------------------------------------------------

struct Inner {
    now: Rc<Cell<f64>>,
    timers: RefCell<Timers>,
    sleeps: RefCell<Vec<f64>>,
    scripts: RefCell<HashMap<Route, VecDeque<Answer>>>,
    fallbacks: RefCell<HashMap<Route, Fallback>>,
    sent: RefCell<Vec<Sent>>,
    spawner: LocalSpawner,
}

/// The scripted platform. Clones share everything.
#[derive(Clone)]
pub struct ScriptedPlatform(Rc<Inner>);

impl ScriptedPlatform {
    /// A platform whose tasks run on `spawner`'s pool, its clock at [`T0`].
    pub fn new(spawner: LocalSpawner) -> Self {
        ScriptedPlatform(Rc::new(Inner {
            now: Rc::new(Cell::new(T0)),
            timers: RefCell::default(),
            sleeps: RefCell::default(),
            scripts: RefCell::default(),
            fallbacks: RefCell::default(),
            sent: RefCell::default(),
            spawner,
        }))
    }

    /// Appends answers to the script of `route`.
    pub fn script(&self, route: Route, answers: impl IntoIterator<Item = Answer>) {
        self.0
            .scripts
            .borrow_mut()
            .entry(route)
            .or_default()
            .extend(answers);
    }

    /// Appends answers to the token endpoint's script.
    pub fn tokens(&self, answers: impl IntoIterator<Item = Answer>) {
        self.script(Route::Token, answers);
    }

    /// Appends answers to the API's script.
    pub fn api(&self, answers: impl IntoIterator<Item = Answer>) {
        self.script(Route::Api, answers);
    }

    /// Appends to the token endpoint's script one successful answer per name: tokens that
    /// live an hour.
    pub fn hour_tokens<'a>(&self, names: impl IntoIterator<Item = &'a str>) {
        self.tokens(names.into_iter().map(|n| Answer::token(n, HOUR_S)));
    }

    /// Every token request is answered with a new token `tokN` (N counts from 0), every API
    /// call with 401.
    pub fn api_always_401(&self) {
        self.fallback(Route::Token, |n| Answer::token(&format!("tok{n}"), HOUR_S));
        self.fallback(Route::Api, |_| Answer::status(401));
    }

    /// What `route` answers once its script is empty (otherwise such a request panics).
    pub fn fallback(&self, route: Route, f: impl Fn(usize) -> Answer + 'static) {
        self.0.fallbacks.borrow_mut().insert(route, Rc::new(f));
    }

    /// Answers still scripted for `route`.
    pub fn remaining(&self, route: Route) -> usize {
        self.0.scripts.borrow().get(&route).map_or(0, VecDeque::len)
    }

    /// The virtual clock, shared.
    pub fn clock(&self) -> Rc<Cell<f64>> {
        Rc::clone(&self.0.now)
    }

    /// The virtual time.
    pub fn now(&self) -> f64 {
        self.0.now.get()
    }

    /// Sets the virtual time.
    pub fn set_now(&self, ms: f64) {
        self.0.now.set(ms);
    }

    /// Moves the virtual clock forward.
    pub fn advance(&self, ms: f64) {
        self.0.now.set(self.0.now.get() + ms);
    }

    /// A wait of `ms` on the virtual clock.
    fn delay(&self, ms: f64) -> Delay {
        Delay {
            platform: self.clone(),
            deadline: self.now() + ms.max(0.0),
            id: None,
            polled: false,
        }
    }

    /// Moves the clock to the earliest pending timer (never backwards) and wakes every timer
    /// due by then. False if no timer is pending.
    pub fn fire_next_timers(&self) -> bool {
        let mut timers = self.0.timers.borrow_mut();
        let Some(next) = timers
            .pending
            .values()
            .map(|(deadline, _)| *deadline)
            .min_by(f64::total_cmp)
        else {
            return false;
        };
        if next > self.now() {
            self.set_now(next);
        }
        let now = self.now();
        let due: Vec<u64> = timers
            .pending
            .iter()
            .filter(|(_, (deadline, _))| *deadline <= now)
            .map(|(id, _)| *id)
            .collect();
        let wakers: Vec<Waker> = due
            .iter()
            .filter_map(|id| timers.pending.remove(id))
            .map(|(_, waker)| waker)
            .collect();
        drop(timers);
        for waker in wakers {
            waker.wake();
        }
        true
    }

    /// How many timers are pending.
    pub fn pending_timers(&self) -> usize {
        self.0.timers.borrow().pending.len()
    }

    /// Every `sleep()` duration, in order.
    pub fn sleeps(&self) -> Vec<f64> {
        self.0.sleeps.borrow().clone()
    }

    /// Every request sent.
    pub fn sent(&self) -> Vec<Sent> {
        self.0.sent.borrow().clone()
    }

    /// The requests sent to `route`.
    pub fn sent_to(&self, route: Route) -> Vec<Sent> {
        self.sent()
            .into_iter()
            .filter(|s| s.route == route)
            .collect()
    }

    /// How many requests went to `route`.
    pub fn count(&self, route: Route) -> usize {
        self.0
            .sent
            .borrow()
            .iter()
            .filter(|s| s.route == route)
            .count()
    }

    /// When each request to `route` was sent (virtual ms).
    pub fn sent_at(&self, route: Route) -> Vec<f64> {
        self.sent_to(route).iter().map(|s| s.at).collect()
    }

    /// The bearer token of each API request, `-` for none.
    pub fn bearers(&self) -> Vec<String> {
        self.sent_to(Route::Api)
            .iter()
            .map(|s| s.bearer().unwrap_or("-").to_string())
            .collect()
    }

    /// The URL of each API request.
    pub fn api_urls(&self) -> Vec<String> {
        self.sent_to(Route::Api)
            .into_iter()
            .map(|s| s.request.url)
            .collect()
    }

    /// How many token requests were sent.
    pub fn token_requests(&self) -> usize {
        self.count(Route::Token)
    }

    /// How many API requests were sent.
    pub fn api_requests(&self) -> usize {
        self.count(Route::Api)
    }

    fn next_answer(&self, route: Route, index: usize, url: &str) -> Answer {
        if let Some(a) = self
            .0
            .scripts
            .borrow_mut()
            .get_mut(&route)
            .and_then(VecDeque::pop_front)
        {
            return a;
        }
        let fallback = self.0.fallbacks.borrow().get(&route).cloned();
        match fallback {
            Some(f) => f(index),
            None => panic!("unexpected {route:?} request #{index} to {url}: script is empty"),
        }
    }

    async fn play(
        &self,
        mut answer: Answer,
        timeout_ms: f64,
    ) -> Result<HttpResponse<Value>, TransportError> {
        // Nothing comes back from a network synchronously.
        yield_once().await;
        loop {
            match answer {
                Answer::Held(gate, inner) => {
                    gate.raised().await;
                    answer = *inner;
                }
                Answer::Response {
                    status,
                    body,
                    retry_after,
                    latency_ms,
                } => {
                    self.delay(latency_ms).await;
                    return Ok(HttpResponse {
                        status,
                        retry_after,
                        rate_limit: [None, None, None],
                        body,
                    });
                }
                Answer::Network(m) => return Err(TransportError::Network(m)),
                Answer::Timeout => {
                    self.delay(timeout_ms).await;
                    return Err(TransportError::Timeout);
                }
            }
        }
    }
}

impl Runtime for ScriptedPlatform {
    type Signal = Flag;
    type Event = LocalEvent;

    fn now_ms(&self) -> f64 {
        self.0.now.get()
    }

    fn random(&self) -> f64 {
        RANDOM
    }

    async fn sleep(&self, ms: f64) {
        self.0.sleeps.borrow_mut().push(ms);
        self.delay(ms).await;
    }

    fn spawn(&self, task: impl Future<Output = ()> + 'static) {
        self.0.spawner.spawn_local(task).expect("the pool is alive");
    }

    fn new_event(&self) -> LocalEvent {
        LocalEvent::new()
    }

    fn fire(&self, event: &LocalEvent) {
        event.fire();
    }

    async fn wait_event(&self, event: &LocalEvent) {
        event.wait().await
    }

    fn is_aborted(&self, signal: &Flag) -> bool {
        signal.is_raised()
    }

    async fn aborted(&self, signal: &Flag) {
        signal.raised().await;
    }
}

impl Transport for ScriptedPlatform {
    type Payload = Value;

    async fn send(
        &self,
        request: &HttpRequest,
        timeout_ms: f64,
    ) -> Result<HttpResponse<Value>, TransportError> {
        let route = Route::of(&request.url);
        let index = self.count(route);
        self.0.sent.borrow_mut().push(Sent {
            at: self.now(),
            route,
            request: request.clone(),
            timeout_ms,
        });
        let answer = self.next_answer(route, index, &request.url);
        self.play(answer, timeout_ms).await
    }
}

//! A scripted [`Runtime`] and [`Transport`] (one object, sharing a virtual clock) and an
//! in-memory [`TokenStore`] for native tests of the client core.
//!
//! - a virtual clock: `now_ms` reads a `Cell`; `sleep(ms)` records `ms`, advances the clock
//!   by it and yields once so other tasks run;
//! - `random()` is always 0.5;
//! - `send()` logs every request and pops the next scripted [`Answer`] of its [`Route`]
//!   (the token endpoint or the API): a response, a network error, a timeout, or an answer
//!   held until a [`Flag`] is raised (for concurrency tests);
//! - `spawn()` runs tasks on a `futures::executor::LocalPool` driven by [`Harness`];
//! - the token store is an in-memory [`MemStore`] that can fail, return garbage or hang
//!   (optionally with `lock`/`unlock` methods).
#![allow(dead_code)]

use std::cell::{Cell, RefCell};
use std::collections::{HashMap, VecDeque};
use std::future::Future;
use std::rc::Rc;
use std::task::{Poll, Waker};

use ankorstore_client::parts::CLIENT_OPTIONS;
use ankorstore_client::{
    Body, Client, ClientConfig, Given, HttpRequest, HttpResponse, LocalEvent, Runtime, StoreError,
    TokenStore, Transport, TransportError,
};
use futures::executor::{LocalPool, LocalSpawner};
use futures::task::LocalSpawnExt;
use serde_json::Value;

/// Where the virtual clock starts (ms since the epoch).
pub const T0: f64 = 1_700_000_000_000.0;
/// The client id of [`Harness::client`].
pub const CLIENT_ID: &str = "client-42";
/// The client secret of [`Harness::client`]: ASCII with characters that form-encode.
pub const SECRET: &str = "s3cr3t/K+y&z=Q!";
/// [`SECRET`] form-encoded (`application/x-www-form-urlencoded`).
pub const SECRET_FORM: &str = "s3cr3t%2FK%2By%26z%3DQ%21";
/// The default base URL (production).
pub const BASE: &str = "https://www.ankorstore.com";

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
// Token store.
// ---------------------------------------------------------------------------------------

/// How a [`MemStore`] operation behaves.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StoreMode {
    /// As a map.
    Works,
    /// Throws.
    Fails,
    /// `get` answers a string that is not a token value; `set` does nothing.
    Garbage,
    /// Never answers.
    Hangs,
}

struct StoreInner {
    values: RefCell<HashMap<String, String>>,
    get_mode: Cell<StoreMode>,
    set_mode: Cell<StoreMode>,
    gets: RefCell<Vec<String>>,
    sets: RefCell<Vec<(String, String, u32)>>,
    /// `None`: the store has no `lock`/`unlock` methods.
    lock_mode: Cell<Option<StoreMode>>,
    /// Held locks and when they expire (virtual ms).
    locks: RefCell<HashMap<String, f64>>,
    /// The virtual clock of the platform the store is used with (lock expiry).
    clock: RefCell<Rc<Cell<f64>>>,
}

/// An in-memory token store shared by clones.
#[derive(Clone)]
pub struct MemStore(Rc<StoreInner>);

impl Default for MemStore {
    fn default() -> Self {
        Self::new()
    }
}

impl MemStore {
    /// An empty, working store.
    pub fn new() -> Self {
        MemStore(Rc::new(StoreInner {
            values: RefCell::default(),
            get_mode: Cell::new(StoreMode::Works),
            set_mode: Cell::new(StoreMode::Works),
            gets: RefCell::default(),
            sets: RefCell::default(),
            lock_mode: Cell::new(None),
            locks: RefCell::default(),
            clock: RefCell::new(Rc::new(Cell::new(T0))),
        }))
    }

    /// Reads time from `clock` (the platform's) from now on.
    pub fn use_clock(&self, clock: Rc<Cell<f64>>) {
        *self.0.clock.borrow_mut() = clock;
    }

    /// Gives the store `lock`/`unlock` methods behaving as `mode` (`None`: no such methods,
    /// the default).
    pub fn lock_mode(&self, mode: Option<StoreMode>) {
        self.0.lock_mode.set(mode);
    }

    /// Marks `key` as locked until `until_ms` (another process holds the lock).
    pub fn hold_lock(&self, key: &str, until_ms: f64) {
        self.0.locks.borrow_mut().insert(key.to_string(), until_ms);
    }

    /// The locks currently recorded.
    pub fn locks(&self) -> Vec<String> {
        self.0.locks.borrow().keys().cloned().collect()
    }

    /// Sets how `get` behaves.
    pub fn get_mode(&self, mode: StoreMode) {
        self.0.get_mode.set(mode);
    }

    /// Sets how `set` behaves.
    pub fn set_mode(&self, mode: StoreMode) {
        self.0.set_mode.set(mode);
    }

    /// Writes a value directly (another process sharing the store).
    pub fn put(&self, key: &str, value: &str) {
        self.0
            .values
            .borrow_mut()
            .insert(key.to_string(), value.to_string());
    }

    /// The value under `key`.
    pub fn value(&self, key: &str) -> Option<String> {
        self.0.values.borrow().get(key).cloned()
    }

    /// Every key `get` was called with.
    pub fn gets(&self) -> Vec<String> {
        self.0.gets.borrow().clone()
    }

    /// Every `set(key, value, ttl)` call.
    pub fn sets(&self) -> Vec<(String, String, u32)> {
        self.0.sets.borrow().clone()
    }
}

// ---------------------------------------------------------------------------------------
// The platform.
// ---------------------------------------------------------------------------------------

struct Inner {
    now: Rc<Cell<f64>>,
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
                    self.advance(latency_ms);
                    return Ok(HttpResponse {
                        status,
                        retry_after,
                        rate_limit: [None, None, None],
                        body,
                    });
                }
                Answer::Network(m) => return Err(TransportError::Network(m)),
                Answer::Timeout => {
                    self.advance(timeout_ms);
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
        0.5
    }

    async fn sleep(&self, ms: f64) {
        self.0.sleeps.borrow_mut().push(ms);
        self.advance(ms);
        yield_once().await;
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

impl TokenStore for MemStore {
    async fn get(&self, key: &str) -> Result<Option<String>, StoreError> {
        self.0.gets.borrow_mut().push(key.to_string());
        yield_once().await;
        match self.0.get_mode.get() {
            StoreMode::Works => Ok(self.value(key)),
            StoreMode::Fails => Err(StoreError),
            StoreMode::Garbage => Ok(Some("{\"not\":\"a token value\"}".into())),
            StoreMode::Hangs => std::future::pending().await,
        }
    }

    async fn set(&self, key: &str, value: &str, ttl_seconds: u32) -> Result<(), StoreError> {
        self.0
            .sets
            .borrow_mut()
            .push((key.to_string(), value.to_string(), ttl_seconds));
        yield_once().await;
        match self.0.set_mode.get() {
            StoreMode::Works => {
                self.put(key, value);
                Ok(())
            }
            StoreMode::Fails => Err(StoreError),
            StoreMode::Garbage => Ok(()),
            StoreMode::Hangs => std::future::pending().await,
        }
    }

    async fn lock(&self, key: &str, ttl_ms: f64) -> Result<Option<bool>, StoreError> {
        let Some(mode) = self.0.lock_mode.get() else {
            return Ok(None);
        };
        yield_once().await;
        match mode {
            StoreMode::Works => {
                let now = self.0.clock.borrow().get();
                let mut locks = self.0.locks.borrow_mut();
                if locks.get(key).is_some_and(|until| *until > now) {
                    Ok(Some(false))
                } else {
                    locks.insert(key.to_string(), now + ttl_ms);
                    Ok(Some(true))
                }
            }
            StoreMode::Fails | StoreMode::Garbage => Err(StoreError),
            StoreMode::Hangs => std::future::pending().await,
        }
    }

    async fn unlock(&self, key: &str) -> Result<(), StoreError> {
        let Some(mode) = self.0.lock_mode.get() else {
            return Ok(());
        };
        yield_once().await;
        match mode {
            StoreMode::Works => {
                self.0.locks.borrow_mut().remove(key);
                Ok(())
            }
            StoreMode::Fails | StoreMode::Garbage => Err(StoreError),
            StoreMode::Hangs => std::future::pending().await,
        }
    }
}

// ---------------------------------------------------------------------------------------
// The harness: a pool, a platform, and helpers to run futures to completion.
// ---------------------------------------------------------------------------------------

/// The result slot of a spawned future.
pub struct Task<T>(Rc<RefCell<Option<T>>>);

impl<T> Task<T> {
    /// Whether the future has finished.
    pub fn is_done(&self) -> bool {
        self.0.borrow().is_some()
    }

    /// The output, once finished.
    pub fn take(&self) -> Option<T> {
        self.0.borrow_mut().take()
    }

    /// The output; panics if the future has not finished.
    pub fn output(&self) -> T {
        self.take().expect("the task has not settled")
    }
}

/// A local executor and the platform whose tasks it runs.
pub struct Harness {
    pool: LocalPool,
    /// The scripted platform (shared with every client made here).
    pub platform: ScriptedPlatform,
}

impl Default for Harness {
    fn default() -> Self {
        Self::new()
    }
}

/// The options of [`Harness::client`] merged with `extra`.
pub fn options(extra: Value) -> Value {
    let mut base = serde_json::json!({"clientId": CLIENT_ID, "clientSecret": SECRET});
    if let (Some(b), Value::Object(e)) = (base.as_object_mut(), extra) {
        for (k, v) in e {
            b.insert(k, v);
        }
    }
    base
}

/// A validated configuration of [`options`].
pub fn config(extra: Value) -> ClientConfig {
    Given::read(&options(extra), &CLIENT_OPTIONS, Rc::default())
        .and_then(|given| ClientConfig::from_options(&given))
        .expect("valid test options")
}

/// The client type of these tests.
pub type C = Client<ScriptedPlatform, ScriptedPlatform, MemStore>;

impl Harness {
    /// A fresh pool and platform, the clock at [`T0`].
    pub fn new() -> Self {
        let pool = LocalPool::new();
        let platform = ScriptedPlatform::new(pool.spawner());
        Harness { pool, platform }
    }

    /// A client with the default test credentials plus `extra` options.
    pub fn client(&self, extra: Value) -> C {
        Client::new(
            self.platform.clone(),
            self.platform.clone(),
            config(extra),
            None,
        )
    }

    /// The same, with a token store.
    pub fn client_with_store(&self, extra: Value, store: &MemStore) -> C {
        store.use_clock(self.platform.clock());
        Client::new(
            self.platform.clone(),
            self.platform.clone(),
            config(extra),
            Some(store.clone()),
        )
    }

    /// Spawns `fut`; run [`Harness::settle`] to make progress.
    pub fn spawn<T: 'static>(&self, fut: impl Future<Output = T> + 'static) -> Task<T> {
        let slot = Rc::new(RefCell::new(None));
        let out = Rc::clone(&slot);
        self.pool
            .spawner()
            .spawn_local(async move {
                let v = fut.await;
                *out.borrow_mut() = Some(v);
            })
            .expect("the pool is alive");
        Task(slot)
    }

    /// Runs every task until none can make progress.
    pub fn settle(&mut self) {
        self.pool.run_until_stalled();
    }

    /// Runs `fut` to completion; panics if it stalls (waits on something that never comes).
    pub fn run<T: 'static>(&mut self, fut: impl Future<Output = T> + 'static) -> T {
        let task = self.spawn(fut);
        self.settle();
        task.take()
            .expect("the future stalled: it never settled with nothing left to run")
    }
}

//! The harness: a local executor, the scripted platform whose tasks it runs, the usual
//! setups (a client, a client whose first token is scripted, a client with a store) and the
//! calls of the client run to completion.

use std::cell::RefCell;
use std::future::Future;
use std::rc::Rc;

use ankorstore_client::parts::CLIENT_OPTIONS;
use ankorstore_client::{AccessToken, ApiRequest, Client, ClientConfig, Error, ErrorCode, Given};
use futures::executor::LocalPool;
use futures::task::LocalSpawnExt;
use serde_json::Value;

use super::platform::{Flag, ScriptedPlatform};
use super::store::MemStore;
use super::{CLIENT_ID, SECRET, TOK_A};

/// The client type of these tests.
pub type C = Client<ScriptedPlatform, ScriptedPlatform, MemStore>;

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

/// The options of [`Harness::client`]: the test credentials merged with `extra`.
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

impl Harness {
    /// A fresh pool and platform, the clock at [`T0`](super::T0).
    pub fn new() -> Self {
        let pool = LocalPool::new();
        let platform = ScriptedPlatform::new(pool.spawner());
        Harness { pool, platform }
    }

    /// A fresh harness and a client with the test credentials plus `extra` options; nothing
    /// scripted.
    pub fn with_client(extra: Value) -> (Harness, C) {
        let h = Harness::new();
        let c = h.client(extra);
        (h, c)
    }

    /// The same, with the first token request answered by [`TOK_A`] (an hour's token).
    pub fn with_token(extra: Value) -> (Harness, C) {
        let (h, c) = Harness::with_client(extra);
        h.platform.hour_tokens([TOK_A]);
        (h, c)
    }

    /// A fresh harness and a client with `extra` options and a new, working token store.
    pub fn with_store(extra: Value) -> (Harness, MemStore, C) {
        let h = Harness::new();
        let store = MemStore::new();
        let c = h.client_with_store(extra, &store);
        (h, store, c)
    }

    /// A client with the test credentials plus `extra` options.
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

    /// Runs every task until none can make progress, moving the virtual clock to the next
    /// pending timer whenever every task waits (as time would pass).
    pub fn settle(&mut self) {
        loop {
            self.pool.run_until_stalled();
            if !self.platform.fire_next_timers() {
                break;
            }
        }
    }

    /// Runs `fut` to completion; panics if it stalls (waits on something that never comes).
    pub fn run<T: 'static>(&mut self, fut: impl Future<Output = T> + 'static) -> T {
        let task = self.spawn(fut);
        self.settle();
        task.take()
            .expect("the future stalled: it never settled with nothing left to run")
    }

    /// Spawns `c.token(signal)`.
    pub fn spawn_token(&self, c: &C, signal: Option<&Flag>) -> Task<Result<AccessToken, Error>> {
        let (c, signal) = (c.clone(), signal.cloned());
        self.spawn(async move { c.token(signal.as_ref()).await })
    }

    /// Spawns `c.me(signal)`.
    pub fn spawn_me(&self, c: &C, signal: Option<&Flag>) -> Task<Result<Value, Error>> {
        let (c, signal) = (c.clone(), signal.cloned());
        self.spawn(async move { c.me(signal.as_ref()).await })
    }

    /// Spawns `c.request(call, signal)`.
    pub fn spawn_request(
        &self,
        c: &C,
        call: ApiRequest,
        signal: Option<&Flag>,
    ) -> Task<Result<Option<Value>, Error>> {
        let (c, signal) = (c.clone(), signal.cloned());
        self.spawn(async move { c.request(&call, signal.as_ref()).await })
    }

    /// Spawns `n` concurrent `c.token()` calls.
    pub fn spawn_tokens(&self, c: &C, n: usize) -> Vec<Task<Result<AccessToken, Error>>> {
        (0..n).map(|_| self.spawn_token(c, None)).collect()
    }

    /// Spawns `n` concurrent `c.me()` calls.
    pub fn spawn_mes(&self, c: &C, n: usize) -> Vec<Task<Result<Value, Error>>> {
        (0..n).map(|_| self.spawn_me(c, None)).collect()
    }

    /// `c.token()`, run to completion.
    pub fn token(&mut self, c: &C) -> Result<AccessToken, Error> {
        let task = self.spawn_token(c, None);
        self.finish(task)
    }

    /// `c.me()`, run to completion.
    pub fn me(&mut self, c: &C) -> Result<Value, Error> {
        let task = self.spawn_me(c, None);
        self.finish(task)
    }

    /// `c.request(call)`, run to completion.
    pub fn request(&mut self, c: &C, call: ApiRequest) -> Result<Option<Value>, Error> {
        let task = self.spawn_request(c, call, None);
        self.finish(task)
    }

    /// The raw value of `c.token()`, run to completion; panics on an error.
    pub fn token_value(&mut self, c: &C) -> String {
        raw(&self.token(c).expect("a token")).to_string()
    }

    fn finish<T>(&mut self, task: Task<T>) -> T {
        self.settle();
        task.take()
            .expect("the call stalled: it never settled with nothing left to run")
    }
}

/// A `request()` call.
pub fn call(method: &str, path: &str) -> ApiRequest {
    ApiRequest {
        method: method.into(),
        path: path.into(),
        ..Default::default()
    }
}

/// A `GET` call.
pub fn get(path: &str) -> ApiRequest {
    call("GET", path)
}

/// A `POST` call with a JSON body.
pub fn post(path: &str, body: &str) -> ApiRequest {
    ApiRequest {
        body: Some(body.into()),
        ..call("POST", path)
    }
}

/// The access token's value.
pub fn raw(t: &AccessToken) -> &str {
    t.access_token.expose()
}

/// The code of an expected error.
pub fn code<T: std::fmt::Debug>(r: Result<T, Error>) -> ErrorCode {
    r.expect_err("expected an error").code
}

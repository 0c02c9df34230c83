//! An in-memory [`TokenStore`] that can fail, return garbage or hang, optionally with
//! `lock`/`unlock` methods, and that can play another process of the fleet: a lock held
//! elsewhere, a token written later.

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::rc::Rc;

use ankorstore_client::{StoreError, TokenStore};

use super::platform::yield_once;
use super::T0;

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
    /// Writes of another process, applied once the clock reaches their time.
    later: RefCell<Vec<(f64, String, String)>>,
    get_mode: Cell<StoreMode>,
    set_mode: Cell<StoreMode>,
    gets: RefCell<Vec<String>>,
    sets: RefCell<Vec<(String, String, u32)>>,
    /// `None`: the store has no `lock`/`unlock` methods.
    lock_mode: Cell<Option<StoreMode>>,
    /// Locks held by this store's clients and when they expire (virtual ms).
    locks: RefCell<HashMap<String, f64>>,
    /// Until when another process holds every lock (virtual ms).
    held_elsewhere_until: Cell<f64>,
    lock_calls: RefCell<Vec<(String, f64)>>,
    unlocks: RefCell<Vec<String>>,
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
    /// An empty, working store without `lock`/`unlock`.
    pub fn new() -> Self {
        MemStore(Rc::new(StoreInner {
            values: RefCell::default(),
            later: RefCell::default(),
            get_mode: Cell::new(StoreMode::Works),
            set_mode: Cell::new(StoreMode::Works),
            gets: RefCell::default(),
            sets: RefCell::default(),
            lock_mode: Cell::new(None),
            locks: RefCell::default(),
            held_elsewhere_until: Cell::new(0.0),
            lock_calls: RefCell::default(),
            unlocks: RefCell::default(),
            clock: RefCell::new(Rc::new(Cell::new(T0))),
        }))
    }

    /// Reads time from `clock` (the platform's) from now on.
    pub fn use_clock(&self, clock: Rc<Cell<f64>>) {
        *self.0.clock.borrow_mut() = clock;
    }

    fn now(&self) -> f64 {
        self.0.clock.borrow().get()
    }

    /// Gives the store `lock`/`unlock` methods behaving as `mode` (`None`: no such methods,
    /// the default).
    pub fn lock_mode(&self, mode: Option<StoreMode>) {
        self.0.lock_mode.set(mode);
    }

    /// Another process holds every lock until `until_ms` (its lock's expiry).
    pub fn lock_held_elsewhere_until(&self, until_ms: f64) {
        self.0.held_elsewhere_until.set(until_ms);
    }

    /// The locks this store's clients hold, with their expiry (virtual ms).
    pub fn locks(&self) -> Vec<(String, f64)> {
        self.0
            .locks
            .borrow()
            .iter()
            .map(|(k, until)| (k.clone(), *until))
            .collect()
    }

    /// Every `lock(key, ttl_ms)` call.
    pub fn lock_calls(&self) -> Vec<(String, f64)> {
        self.0.lock_calls.borrow().clone()
    }

    /// Every key `unlock` was called with.
    pub fn unlocks(&self) -> Vec<String> {
        self.0.unlocks.borrow().clone()
    }

    /// Sets how `get` behaves.
    pub fn get_mode(&self, mode: StoreMode) {
        self.0.get_mode.set(mode);
    }

    /// Sets how `set` behaves.
    pub fn set_mode(&self, mode: StoreMode) {
        self.0.set_mode.set(mode);
    }

    /// Sets how `get` and `set` behave.
    pub fn mode(&self, mode: StoreMode) {
        self.get_mode(mode);
        self.set_mode(mode);
    }

    /// Writes a value directly (another process sharing the store).
    pub fn put(&self, key: &str, value: &str) {
        self.0
            .values
            .borrow_mut()
            .insert(key.to_string(), value.to_string());
    }

    /// Another process writes `value` under `key` once the clock reaches `at_ms`.
    pub fn put_at(&self, at_ms: f64, key: &str, value: &str) {
        self.0
            .later
            .borrow_mut()
            .push((at_ms, key.to_string(), value.to_string()));
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

    /// Applies the writes of other processes that are due.
    fn catch_up(&self) {
        let now = self.now();
        let due: Vec<_> = {
            let mut later = self.0.later.borrow_mut();
            let (due, rest) = later.drain(..).partition(|(at, _, _)| *at <= now);
            *later = rest;
            due
        };
        for (_, key, value) in due {
            self.put(&key, &value);
        }
    }
}

impl TokenStore for MemStore {
    async fn get(&self, key: &str) -> Result<Option<String>, StoreError> {
        self.0.gets.borrow_mut().push(key.to_string());
        yield_once().await;
        match self.0.get_mode.get() {
            StoreMode::Works => {
                self.catch_up();
                Ok(self.value(key))
            }
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
        self.0
            .lock_calls
            .borrow_mut()
            .push((key.to_string(), ttl_ms));
        yield_once().await;
        match mode {
            StoreMode::Works => {
                let now = self.now();
                if self.0.held_elsewhere_until.get() > now {
                    return Ok(Some(false));
                }
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
        self.0.unlocks.borrow_mut().push(key.to_string());
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

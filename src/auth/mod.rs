//! Token acquisition: one cached token for every caller, refreshed by a single request
//! shared by all concurrent callers (the flight), guarded against burning the token
//! endpoint's budget, and shared with other clients through an optional token store.
//!
//! - [`flight`]: one result handed to every waiter;
//! - [`guard`]: what the client remembers about refused tokens and 429s;
//! - [`lock`]: the token store protocol (read, write, lock);
//! - [`endpoint`]: the token request itself.

mod endpoint;
mod flight;
mod guard;
mod lock;

use std::cell::RefCell;
use std::rc::Rc;

pub use endpoint::{fetch_token, token_request_body};
pub use flight::LocalEvent;
pub use guard::{COOLDOWN_BASE_S, COOLDOWN_CAP_S};
pub use lock::{store_key, LOCK_TTL_MS, LOCK_WAIT_MS, STORE_TIMEOUT_MS};

use crate::error::{Error, ErrorCode};
use crate::options::ClientConfig;
use crate::redact::Redactor;
use crate::runtime::{Runtime, TokenStore, Transport};
use crate::send::{abortable, aborted_error};
use crate::token::AccessToken;
use flight::Flight;
use guard::TokenGuard;
use lock::{Lock, SharedStore, Waited};

type TokenFlight<E> = Flight<Result<AccessToken, Error>, E>;

/// Where a token came from.
enum Source {
    Store,
    Fetched { locked: bool },
}

/// Mutable state of the token cache.
struct State<E> {
    cached: Option<AccessToken>,
    in_flight: Option<Rc<TokenFlight<E>>>,
    guard: TokenGuard,
    /// The redactor of the secret and the recent tokens, made again when a token arrives.
    redactor: Option<Rc<Redactor>>,
}

/// The token source of one client. Shared (`Rc`) between the client and its background
/// refreshes.
pub struct Auth<R: Runtime, T: Transport, S> {
    /// Time, tasks, events.
    pub runtime: R,
    /// HTTP.
    pub transport: T,
    /// The validated options.
    pub config: ClientConfig,
    store: Option<SharedStore<S>>,
    state: RefCell<State<R::Event>>,
}

impl<R: Runtime, T: Transport, S: TokenStore> Auth<R, T, S> {
    /// A token source without a token yet.
    pub fn new(runtime: R, transport: T, config: ClientConfig, store: Option<S>) -> Rc<Self> {
        let store = store.map(|s| SharedStore::new(s, &config));
        Rc::new(Auth {
            runtime,
            transport,
            config,
            store,
            state: RefCell::new(State {
                cached: None,
                in_flight: None,
                guard: TokenGuard::default(),
                redactor: None,
            }),
        })
    }

    /// Cuts the secret and every recent token out of text (made once per new token: every
    /// call quotes its path through it).
    pub fn redactor(&self) -> Rc<Redactor> {
        let mut state = self.state.borrow_mut();
        if let Some(redactor) = &state.redactor {
            return Rc::clone(redactor);
        }
        let mut redactor = Redactor::new();
        redactor.add(self.config.credentials.client_secret.expose());
        for token in state.guard.recent() {
            redactor.add(token);
        }
        let redactor = Rc::new(redactor);
        state.redactor = Some(Rc::clone(&redactor));
        redactor
    }

    /// The cached token while it is fresh; otherwise the result of one token request
    /// shared by every concurrent caller. `signal` cancels only this caller's wait.
    /// Errors are not redacted yet.
    pub async fn token(self: &Rc<Self>, signal: Option<&R::Signal>) -> Result<AccessToken, Error> {
        let runtime = &self.runtime;
        if signal.is_some_and(|s| runtime.is_aborted(s)) {
            return Err(aborted_error());
        }
        let flight = {
            let mut state = self.state.borrow_mut();
            if let Some(token) = &state.cached {
                if token.is_fresh(runtime.now_ms(), self.config.refresh_margin_s) {
                    return Ok(token.clone());
                }
            }
            match &state.in_flight {
                Some(flight) => Rc::clone(flight),
                None => {
                    let flight = Flight::new(runtime.new_event());
                    state.in_flight = Some(Rc::clone(&flight));
                    drop(state);
                    runtime.spawn(Rc::clone(self).refresh(Rc::clone(&flight)));
                    flight
                }
            }
        };
        let landed = async {
            runtime.wait_event(flight.event()).await;
            flight.result()
        };
        abortable(runtime, landed, signal)
            .await?
            .unwrap_or_else(|| {
                Err(Error::new(
                    ErrorCode::Network,
                    "The token request ended without a result",
                ))
            })
    }

    /// The background half of a token refresh: obtains a token, lands it for every waiter,
    /// then writes it to the store (and releases the store's lock, if this client took it).
    async fn refresh(self: Rc<Self>, flight: Rc<TokenFlight<R::Event>>) {
        let obtained = self.obtain().await;
        let result = obtained
            .as_ref()
            .map(|(token, _)| token.clone())
            .map_err(Clone::clone);
        {
            let mut state = self.state.borrow_mut();
            state.in_flight = None;
            if let Ok(token) = &result {
                state.guard.obtained(token.access_token.expose());
                state.redactor = None;
                state.cached = Some(token.clone());
            }
        }
        flight.land(result);
        self.runtime.fire(flight.event());
        if let (Ok((token, Source::Fetched { locked })), Some(store)) = (&obtained, &self.store) {
            store.write(&self.runtime, token).await;
            if *locked {
                store.unlock(&self.runtime).await;
            }
        }
    }

    /// Whether a token from the store may be used: fresh, and not refused by the API.
    fn usable(&self, token: &AccessToken) -> bool {
        token.is_fresh(self.runtime.now_ms(), self.config.refresh_margin_s)
            && !self
                .state
                .borrow()
                .guard
                .is_refused(token.access_token.expose())
    }

    /// A token from the store, or from the token endpoint. With a store that can lock, only
    /// the holder of the lock asks the endpoint; the others wait for its token in the store.
    /// The store is read even while requests are refused: reading it costs no token request.
    async fn obtain(&self) -> Result<(AccessToken, Source), Error> {
        let usable = |t: &AccessToken| self.usable(t);
        if let Some(store) = &self.store {
            if let Some(token) = store.read(&self.runtime, usable).await {
                return Ok((token, Source::Store));
            }
        }
        if let Some(refusal) = self
            .state
            .borrow()
            .guard
            .request_refusal(self.runtime.now_ms())
        {
            return Err(refusal);
        }
        let Some(store) = &self.store else {
            return self
                .request_token()
                .await
                .map(|t| (t, Source::Fetched { locked: false }));
        };
        let locked = match store.lock(&self.runtime).await {
            Lock::Taken => true,
            Lock::HeldElsewhere => match store.wait_for_holder(&self.runtime, usable).await {
                Waited::Token(token) => return Ok((token, Source::Store)),
                Waited::LockTaken => true,
                Waited::GaveUp => false,
            },
            Lock::Unavailable => false,
        };
        if locked {
            // The previous holder may have written its token between our read and our lock.
            if let Some(token) = store.read(&self.runtime, usable).await {
                store.unlock(&self.runtime).await;
                return Ok((token, Source::Store));
            }
        }
        let result = self.request_token().await;
        if result.is_err() && locked {
            // Let the next waiter try at once rather than after the lock expires.
            store.unlock(&self.runtime).await;
        }
        result.map(|token| (token, Source::Fetched { locked }))
    }

    /// Asks the token endpoint, remembering a 429 so that nobody asks again too soon.
    async fn request_token(&self) -> Result<AccessToken, Error> {
        let result = fetch_token(
            &self.runtime,
            &self.transport,
            &self.config.endpoint,
            &self.config.credentials,
        )
        .await;
        if let Err(Error {
            code: ErrorCode::RateLimited,
            retry_after: Some(wait),
            ..
        }) = &result
        {
            let until = self.runtime.now_ms() + *wait as f64 * 1000.0;
            self.state.borrow_mut().guard.endpoint_rate_limited(until);
        }
        result
    }

    /// The API refused `token`: forget it (only if it is still the cached one: a newer token
    /// fetched meanwhile stays) and start a cool-down when a replacement was refused too.
    pub fn refused(&self, token: &AccessToken) {
        let now = self.runtime.now_ms();
        let mut state = self.state.borrow_mut();
        let raw = token.access_token.expose();
        if state.guard.refused(raw, now)
            && state
                .cached
                .as_ref()
                .is_some_and(|c| c.access_token.expose() == raw)
        {
            state.cached = None;
        }
    }

    /// The API accepted a token: the guard relaxes.
    pub fn accepted(&self) {
        self.state.borrow_mut().guard.accepted();
    }

    /// Drops the cached token (it will not be reused, even from a store) and resets the
    /// token budget guard.
    pub fn invalidate(&self) {
        let mut state = self.state.borrow_mut();
        let cached = state.cached.take();
        state
            .guard
            .invalidated(cached.as_ref().map(|t| t.access_token.expose()));
    }
}

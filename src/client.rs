//! The client: one token for every caller, refreshed once, guarded against burning the
//! token budget, shared through an optional token store.

use std::cell::RefCell;
use std::rc::Rc;

use crate::api_call::{
    prepare_me, prepare_request, read_me_answer, read_request_answer, ApiRequest, PreparedCall,
};
use crate::config::{ClientConfig, Endpoint};
use crate::error::{Error, ErrorCode};
use crate::flight::Flight;
use crate::guard::TokenGuard;
use crate::http::{abortable, send_with_retries, Received};
use crate::platform::{race, Either, Platform};
use crate::redact::Redactor;
use crate::token::AccessToken;
use crate::token_endpoint::fetch_token;
use crate::url::encode_query_component;

/// How long a token store may take to answer before it is ignored for that call.
pub const STORE_TIMEOUT_MS: f64 = 2_000.0;
/// How long a store lock is held at most (a token request with its retries normally takes
/// far less; an expired lock lets another process take over).
pub const LOCK_TTL_MS: f64 = 10_000.0;
/// How long a client waits for the lock holder's token before asking the endpoint itself.
pub const LOCK_WAIT_MS: f64 = 12_000.0;

type TokenFlight<E> = Flight<Result<AccessToken, Error>, E>;

/// Where a token came from.
enum Source {
    Store,
    Fetched { locked: bool },
}

/// The answer of a store's `lock()`.
enum Lock {
    Taken,
    HeldElsewhere,
    /// No `lock` method, an error, or no answer in time: proceed without the lock.
    Unavailable,
}

/// How waiting for another process's token ended.
enum Waited {
    Token(AccessToken),
    LockTaken,
    GaveUp,
}

/// Mutable state of the token cache.
struct TokenState<E> {
    cached: Option<AccessToken>,
    in_flight: Option<Rc<TokenFlight<E>>>,
    guard: TokenGuard,
}

impl<E> Default for TokenState<E> {
    fn default() -> Self {
        TokenState {
            cached: None,
            in_flight: None,
            guard: TokenGuard::default(),
        }
    }
}

struct Shared<P: Platform> {
    platform: P,
    config: ClientConfig,
    store: Option<P::Store>,
    store_key: String,
    /// The `/me` request, built once: every `me()` sends the same one.
    me_call: PreparedCall,
    state: RefCell<TokenState<P::Event>>,
}

/// An Ankorstore client (`AnkorstoreClient`). Cloning shares the same token cache.
pub struct Client<P: Platform> {
    shared: Rc<Shared<P>>,
}

impl<P: Platform> Clone for Client<P> {
    fn clone(&self) -> Self {
        Client {
            shared: Rc::clone(&self.shared),
        }
    }
}

/// The key under which a token store keeps the token of these options: base URL, client
/// id and scope, never the secret.
pub fn store_key(config: &ClientConfig) -> String {
    // Each part percent-encoded, so that no two (base URL, id, scope) share a key.
    let mut key = String::from("ankorstore-client/token/v1");
    for part in [
        config.endpoint.base_url.as_string().as_str(),
        &config.credentials.client_id,
        &config.credentials.scope,
    ] {
        key.push('/');
        encode_query_component(part, &mut key);
    }
    key
}

impl<P: Platform> Client<P> {
    /// A client with validated options and an optional token store.
    pub fn new(platform: P, config: ClientConfig, store: Option<P::Store>) -> Self {
        let store_key = store_key(&config);
        let me_call = prepare_me(&config.endpoint.base_url);
        Client {
            shared: Rc::new(Shared {
                platform,
                config,
                store,
                store_key,
                me_call,
                state: RefCell::default(),
            }),
        }
    }

    /// The normalised base URL.
    pub fn base_url(&self) -> String {
        self.shared.config.endpoint.base_url.as_string()
    }

    /// Cuts the secret and every recent token out of `error`.
    fn redact(&self, error: Error) -> Error {
        let mut redactor = Redactor::new();
        redactor.add(self.shared.config.credentials.client_secret.expose());
        for token in self.shared.state.borrow().guard.recent() {
            redactor.add(token);
        }
        error.redacted(&redactor)
    }

    /// The cached token while it is fresh; otherwise the result of one token request
    /// shared by every concurrent caller. `signal` cancels only this caller's wait.
    pub async fn token(&self, signal: Option<&P::Signal>) -> Result<AccessToken, Error> {
        self.current_token(signal).await.map_err(|e| self.redact(e))
    }

    async fn current_token(&self, signal: Option<&P::Signal>) -> Result<AccessToken, Error> {
        let platform = &self.shared.platform;
        if signal.is_some_and(|s| platform.is_aborted(s)) {
            return Err(crate::http::aborted_error());
        }
        let flight = {
            let mut state = self.shared.state.borrow_mut();
            let now = platform.now_ms();
            if let Some(token) = &state.cached {
                if token.is_fresh(now, self.shared.config.refresh_margin_s) {
                    return Ok(token.clone());
                }
            }
            match &state.in_flight {
                Some(flight) => Rc::clone(flight),
                None => {
                    let flight = Flight::new(platform.new_event());
                    state.in_flight = Some(Rc::clone(&flight));
                    drop(state);
                    platform.spawn(self.clone().refresh(Rc::clone(&flight)));
                    flight
                }
            }
        };
        let landed = async {
            platform.wait_event(flight.event()).await;
            flight.result()
        };
        abortable(platform, landed, signal)
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
    async fn refresh(self, flight: Rc<TokenFlight<P::Event>>) {
        let obtained = self.obtain().await;
        let result = obtained
            .as_ref()
            .map(|(token, _)| token.clone())
            .map_err(Clone::clone);
        {
            let mut state = self.shared.state.borrow_mut();
            state.in_flight = None;
            if let Ok(token) = &result {
                state.guard.obtained(token.access_token.expose());
                state.cached = Some(token.clone());
            }
        }
        flight.land(result);
        self.shared.platform.fire(flight.event());
        if let (Ok((token, Source::Fetched { locked })), Some(store)) =
            (&obtained, &self.shared.store)
        {
            let platform = &self.shared.platform;
            let ttl = token.ttl_seconds(platform.now_ms());
            let value = token.to_store_value();
            let write = platform.store_set(store, &self.shared.store_key, &value, ttl);
            // A slow store is abandoned, never awaited for ever.
            let _ = race(write, platform.sleep(STORE_TIMEOUT_MS)).await;
            if *locked {
                self.unlock().await;
            }
        }
    }

    /// A token from the store, or from the token endpoint. With a store that can lock, only
    /// the holder of the lock asks the endpoint; the others wait for its token in the store.
    /// The store is read even while requests are refused: reading it costs no token request.
    async fn obtain(&self) -> Result<(AccessToken, Source), Error> {
        if let Some(token) = self.token_from_store().await {
            return Ok((token, Source::Store));
        }
        let refusal = self
            .shared
            .state
            .borrow()
            .guard
            .request_refusal(self.shared.platform.now_ms());
        if let Some(refusal) = refusal {
            return Err(refusal);
        }
        let mut locked = false;
        match self.take_lock().await {
            Lock::Taken => locked = true,
            Lock::HeldElsewhere => match self.wait_for_holder().await {
                Waited::Token(token) => return Ok((token, Source::Store)),
                Waited::LockTaken => locked = true,
                Waited::GaveUp => {}
            },
            Lock::Unavailable => {}
        }
        if locked {
            // The previous holder may have written its token between our read and our lock.
            if let Some(token) = self.token_from_store().await {
                self.unlock().await;
                return Ok((token, Source::Store));
            }
        }
        let result = self.request_token().await;
        if result.is_err() && locked {
            // Let the next waiter try at once rather than after the lock expires.
            self.unlock().await;
        }
        result.map(|token| (token, Source::Fetched { locked }))
    }

    fn lock_key(&self) -> String {
        format!("{}/lock", self.shared.store_key)
    }

    async fn take_lock(&self) -> Lock {
        let (Some(store), platform) = (&self.shared.store, &self.shared.platform) else {
            return Lock::Unavailable;
        };
        let key = self.lock_key();
        match race(
            platform.store_lock(store, &key, LOCK_TTL_MS),
            platform.sleep(STORE_TIMEOUT_MS),
        )
        .await
        {
            Either::Left(Ok(Some(true))) => Lock::Taken,
            Either::Left(Ok(Some(false))) => Lock::HeldElsewhere,
            _ => Lock::Unavailable,
        }
    }

    async fn unlock(&self) {
        if let Some(store) = &self.shared.store {
            let platform = &self.shared.platform;
            let key = self.lock_key();
            let _ = race(
                platform.store_unlock(store, &key),
                platform.sleep(STORE_TIMEOUT_MS),
            )
            .await;
        }
    }

    /// Another process holds the lock: poll the store for its token (50 ms, doubling to
    /// 1 s), taking the lock over if it is released without a token, for at most
    /// `LOCK_WAIT_MS`.
    async fn wait_for_holder(&self) -> Waited {
        let platform = &self.shared.platform;
        let deadline = platform.now_ms() + LOCK_WAIT_MS;
        let mut pause = 50.0;
        while platform.now_ms() < deadline {
            platform.sleep(pause).await;
            pause = (pause * 2.0).min(1_000.0);
            if let Some(token) = self.token_from_store().await {
                return Waited::Token(token);
            }
            match self.take_lock().await {
                Lock::Taken => return Waited::LockTaken,
                Lock::HeldElsewhere => {}
                Lock::Unavailable => return Waited::GaveUp,
            }
        }
        Waited::GaveUp
    }

    /// A fresh token from the store, if it has one this client may use.
    async fn token_from_store(&self) -> Option<AccessToken> {
        let store = self.shared.store.as_ref()?;
        let platform = &self.shared.platform;
        let read = platform.store_get(store, &self.shared.store_key);
        let value = match race(read, platform.sleep(STORE_TIMEOUT_MS)).await {
            Either::Left(Ok(Some(value))) => value,
            _ => return None,
        };
        let token = AccessToken::from_store_value(&value)?;
        let state = self.shared.state.borrow();
        let usable = token.is_fresh(platform.now_ms(), self.shared.config.refresh_margin_s)
            && !state.guard.is_refused(token.access_token.expose());
        usable.then_some(token)
    }

    /// Asks the token endpoint, remembering a 429 so that nobody asks again too soon.
    async fn request_token(&self) -> Result<AccessToken, Error> {
        let platform = &self.shared.platform;
        let result = fetch_token(
            platform,
            &self.shared.config.endpoint,
            &self.shared.config.credentials,
        )
        .await;
        if let Err(Error {
            code: ErrorCode::RateLimited,
            retry_after: Some(wait),
            ..
        }) = &result
        {
            let until = platform.now_ms() + wait * 1000.0;
            self.shared
                .state
                .borrow_mut()
                .guard
                .endpoint_rate_limited(until);
        }
        result
    }

    /// The API refused `token`: forget it (only if it is still the cached one: a newer token
    /// fetched meanwhile stays) and start a cool-down when a replacement was refused too.
    fn token_refused(&self, token: &AccessToken) {
        let now = self.shared.platform.now_ms();
        let mut state = self.shared.state.borrow_mut();
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
    fn token_accepted(&self) {
        self.shared.state.borrow_mut().guard.accepted();
    }

    /// Drops the cached token (it will not be reused, even from a store) and resets the
    /// token budget guard.
    pub fn invalidate_token(&self) {
        let mut state = self.shared.state.borrow_mut();
        let cached = state.cached.take();
        state
            .guard
            .invalidated(cached.as_ref().map(|t| t.access_token.expose()));
    }

    /// Sends an authenticated call: a 401 invalidates the token used, fetches a new one and
    /// retries once; a second 401 is final.
    async fn authenticated(
        &self,
        call: &PreparedCall,
        signal: Option<&P::Signal>,
    ) -> Result<Received<P::Value>, Error> {
        let platform = &self.shared.platform;
        let endpoint: &Endpoint = &self.shared.config.endpoint;
        let mut retries = 0;
        let mut refreshed = false;
        let mut token = self.current_token(signal).await?;
        loop {
            let request = call.with_token(token.access_token.expose());
            let received = send_with_retries(
                platform,
                endpoint,
                &request,
                call.idempotent(),
                &mut retries,
                signal,
            )
            .await?;
            if received.response.status != 401 {
                self.token_accepted();
                return Ok(received);
            }
            self.token_refused(&token);
            if refreshed {
                return Ok(received);
            }
            refreshed = true;
            retries += 1;
            token = self.current_token(signal).await?;
        }
    }

    /// `GET /api/v1/me`: the `data` object of the answer, as sent.
    pub async fn me(&self, signal: Option<&P::Signal>) -> Result<P::Value, Error> {
        let call = &self.shared.me_call;
        let result = match self.authenticated(call, signal).await {
            Ok(received) => read_me_answer(&self.shared.platform, call, received),
            Err(e) => Err(e),
        };
        result.map_err(|e| self.redact(e))
    }

    /// A JSON:API call: the parsed body, or `None` for an empty one.
    pub async fn request(
        &self,
        call: &ApiRequest,
        signal: Option<&P::Signal>,
    ) -> Result<Option<P::Value>, Error> {
        let result = match prepare_request(&self.shared.config.endpoint.base_url, call) {
            Ok(prepared) => match self.authenticated(&prepared, signal).await {
                Ok(received) => read_request_answer(&self.shared.platform, &prepared, received),
                Err(e) => Err(e),
            },
            Err(e) => Err(e),
        };
        result.map_err(|e| self.redact(e))
    }
}

/// `exchangeCredentials`: one token request, no cache.
pub async fn exchange_credentials<P: Platform>(
    platform: &P,
    endpoint: &Endpoint,
    credentials: &crate::config::Credentials,
) -> Result<AccessToken, Error> {
    fetch_token(platform, endpoint, credentials)
        .await
        .map_err(|e| e.redacted(&Redactor::new().with(credentials.client_secret.expose())))
}

/// `getMe`: `GET /api/v1/me` with a token the caller holds; a 401 is final.
pub async fn get_me<P: Platform>(
    platform: &P,
    endpoint: &Endpoint,
    token: &str,
    signal: Option<&P::Signal>,
) -> Result<P::Value, Error> {
    let redactor = Redactor::new().with(token);
    if token.trim().is_empty() || !token.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(Error::new(
            ErrorCode::InvalidArgument,
            "accessToken must be a non-empty token without spaces or control characters",
        )
        .redacted(&redactor));
    }
    let call = prepare_me(&endpoint.base_url);
    let request = call.with_token(token);
    let mut retries = 0;
    let result =
        match send_with_retries(platform, endpoint, &request, true, &mut retries, signal).await {
            Ok(received) => read_me_answer(platform, &call, received),
            Err(e) => Err(e),
        };
    result.map_err(|e| e.redacted(&redactor))
}

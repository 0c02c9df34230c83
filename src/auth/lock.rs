//! The token store protocol: reading and writing the shared token, and, with a store that
//! can lock, letting one client of a fleet ask for a token while the others wait for it in
//! the store. Every store operation is bounded in time: a store that hangs is ignored.

use crate::encode::push_component;
use crate::options::ClientConfig;
use crate::runtime::{race, Either, Runtime, TokenStore};
use crate::token::AccessToken;

/// How long a token store may take to answer before it is ignored for that call.
pub const STORE_TIMEOUT_MS: f64 = 2_000.0;
/// How long a store lock is held at most (a token request with its retries normally takes
/// far less; an expired lock lets another process take over).
pub const LOCK_TTL_MS: f64 = 10_000.0;
/// How long a client waits for the lock holder's token before asking the endpoint itself.
pub const LOCK_WAIT_MS: f64 = 12_000.0;

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
        push_component(part, &mut key);
    }
    key
}

/// The answer of a store's `lock()`.
pub enum Lock {
    /// This client holds the lock.
    Taken,
    /// Another client holds it.
    HeldElsewhere,
    /// No `lock` method, an error, or no answer in time: proceed without the lock.
    Unavailable,
}

/// How waiting for another client's token ended.
pub enum Waited {
    /// Its token arrived in the store.
    Token(AccessToken),
    /// The lock was released without a token, and this client took it.
    LockTaken,
    /// No token in time, or the store stopped answering.
    GaveUp,
}

/// A token store and the key of this client's token.
pub struct SharedStore<S> {
    store: S,
    key: String,
}

impl<S: TokenStore> SharedStore<S> {
    /// The store, for the token of `config`.
    pub fn new(store: S, config: &ClientConfig) -> Self {
        SharedStore {
            store,
            key: store_key(config),
        }
    }

    fn lock_key(&self) -> String {
        format!("{}/lock", self.key)
    }

    /// The stored token, if there is one and `usable` accepts it.
    pub async fn read<R: Runtime>(
        &self,
        runtime: &R,
        usable: impl Fn(&AccessToken) -> bool,
    ) -> Option<AccessToken> {
        let value = match race(self.store.get(&self.key), runtime.sleep(STORE_TIMEOUT_MS)).await {
            Either::Left(Ok(Some(value))) => value,
            _ => return None,
        };
        AccessToken::from_store_value(&value).filter(|t| usable(t))
    }

    /// Writes `token` with its remaining life as TTL (a slow store is abandoned, never
    /// awaited for ever).
    pub async fn write<R: Runtime>(&self, runtime: &R, token: &AccessToken) {
        let ttl = token.ttl_seconds(runtime.now_ms());
        let value = token.to_store_value();
        let _ = race(
            self.store.set(&self.key, &value, ttl),
            runtime.sleep(STORE_TIMEOUT_MS),
        )
        .await;
    }

    /// Tries to take the lock.
    pub async fn lock<R: Runtime>(&self, runtime: &R) -> Lock {
        let key = self.lock_key();
        match race(
            self.store.lock(&key, LOCK_TTL_MS),
            runtime.sleep(STORE_TIMEOUT_MS),
        )
        .await
        {
            Either::Left(Ok(Some(true))) => Lock::Taken,
            Either::Left(Ok(Some(false))) => Lock::HeldElsewhere,
            _ => Lock::Unavailable,
        }
    }

    /// Releases the lock.
    pub async fn unlock<R: Runtime>(&self, runtime: &R) {
        let key = self.lock_key();
        let _ = race(self.store.unlock(&key), runtime.sleep(STORE_TIMEOUT_MS)).await;
    }

    /// Another client holds the lock: polls the store for its token (50 ms, doubling to
    /// 1 s), taking the lock over if it is released without a token, for at most
    /// [`LOCK_WAIT_MS`].
    pub async fn wait_for_holder<R: Runtime>(
        &self,
        runtime: &R,
        usable: impl Fn(&AccessToken) -> bool,
    ) -> Waited {
        let deadline = runtime.now_ms() + LOCK_WAIT_MS;
        let mut pause = 50.0;
        while runtime.now_ms() < deadline {
            runtime.sleep(pause).await;
            pause = f64::min(pause * 2.0, 1_000.0);
            if let Some(token) = self.read(runtime, &usable).await {
                return Waited::Token(token);
            }
            match self.lock(runtime).await {
                Lock::Taken => return Waited::LockTaken,
                Lock::HeldElsewhere => {}
                Lock::Unavailable => return Waited::GaveUp,
            }
        }
        Waited::GaveUp
    }
}

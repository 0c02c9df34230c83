//! The client (`AnkorstoreClient`): calls with the token of its [`Auth`], a 401 refreshing
//! it once.

use std::cell::Cell;
use std::rc::Rc;

use crate::api::{
    prepare_me, prepare_request, read_me_answer, read_request_answer, ApiRequest, PreparedCall,
};
use crate::auth::Auth;
use crate::error::Error;
use crate::options::ClientConfig;
use crate::rate_limit::RateLimit;
use crate::runtime::{Runtime, TokenStore, Transport};
use crate::send::{send_with_retries, Received};
use crate::token::AccessToken;

/// An Ankorstore client. Cloning shares the same token cache.
pub struct Client<R: Runtime, T: Transport, S: TokenStore> {
    auth: Rc<Auth<R, T, S>>,
    /// The `/me` request, built once: every `me()` sends the same one.
    me_call: Rc<PreparedCall>,
    /// The rate limit the last API response reported.
    rate_limit: Rc<Cell<Option<RateLimit>>>,
}

impl<R: Runtime, T: Transport, S: TokenStore> Clone for Client<R, T, S> {
    fn clone(&self) -> Self {
        Client {
            auth: Rc::clone(&self.auth),
            me_call: Rc::clone(&self.me_call),
            rate_limit: Rc::clone(&self.rate_limit),
        }
    }
}

impl<R: Runtime, T: Transport, S: TokenStore> Client<R, T, S> {
    /// A client with validated options and an optional token store.
    pub fn new(runtime: R, transport: T, config: ClientConfig, store: Option<S>) -> Self {
        let me_call = Rc::new(prepare_me(&config.endpoint.base_url));
        Client {
            auth: Auth::new(runtime, transport, config, store),
            me_call,
            rate_limit: Rc::default(),
        }
    }

    /// The `X-RateLimit-*` headers of the last API response that carried them.
    pub fn rate_limit(&self) -> Option<RateLimit> {
        self.rate_limit.get()
    }

    /// The normalised base URL.
    pub fn base_url(&self) -> String {
        self.auth.config.endpoint.base_url.as_string()
    }

    /// The base URL, parsed: what targets and links are resolved against.
    pub fn base(&self) -> &crate::url::BaseUrl {
        &self.auth.config.endpoint.base_url
    }

    /// The client id.
    pub fn client_id(&self) -> &str {
        &self.auth.config.credentials.client_id
    }

    /// Cuts the secret and every recent token out of text: for caller input quoted in
    /// messages.
    pub fn quoter(&self) -> Rc<crate::redact::Redactor> {
        self.auth.redactor()
    }

    /// The cached token while it is fresh; otherwise the result of one token request
    /// shared by every concurrent caller. `signal` cancels only this caller's wait.
    pub async fn token(&self, signal: Option<&R::Signal>) -> Result<AccessToken, Error> {
        self.auth
            .token(signal)
            .await
            .map_err(|e| e.redacted(&self.auth.redactor()))
    }

    /// Drops the cached token (it will not be reused, even from a store) and resets the
    /// token budget guard.
    pub fn invalidate_token(&self) {
        self.auth.invalidate();
    }

    /// Sends an authenticated call: a 401 invalidates the token used, fetches a new one and
    /// retries once; a second 401 is final.
    async fn authenticated(
        &self,
        call: &PreparedCall,
        signal: Option<&R::Signal>,
    ) -> Result<Received<T::Payload>, Error> {
        let auth = &self.auth;
        let mut retries = 0;
        let mut refreshed = false;
        let mut token = auth.token(signal).await?;
        loop {
            let request = call.with_token(token.access_token.expose());
            let received = send_with_retries(
                &auth.runtime,
                &auth.transport,
                &auth.config.endpoint,
                &request,
                call.idempotent(),
                &mut retries,
                signal,
            )
            .await?;
            if let Some(limit) = received.rate_limit {
                self.rate_limit.set(Some(limit));
            }
            if received.response.status != 401 {
                auth.accepted();
                return Ok(received);
            }
            auth.refused(&token);
            if refreshed {
                return Ok(received);
            }
            refreshed = true;
            retries += 1;
            token = auth.token(signal).await?;
        }
    }

    /// `GET /api/v1/me`: the `data` object of the answer, as sent.
    pub async fn me(&self, signal: Option<&R::Signal>) -> Result<T::Payload, Error> {
        let call = &self.me_call;
        let result = match self.authenticated(call, signal).await {
            Ok(received) => read_me_answer(&self.auth.runtime, call, received),
            Err(e) => Err(e),
        };
        result.map_err(|e| e.redacted(&self.auth.redactor()))
    }

    /// A JSON:API call: the parsed body, or `None` for an empty one.
    pub async fn request(
        &self,
        call: &ApiRequest,
        signal: Option<&R::Signal>,
    ) -> Result<Option<T::Payload>, Error> {
        let redactor = self.auth.redactor();
        let result = match prepare_request(&self.auth.config.endpoint.base_url, call, &redactor) {
            Ok(prepared) => match self.authenticated(&prepared, signal).await {
                Ok(received) => read_request_answer(&self.auth.runtime, &prepared, received),
                Err(e) => Err(e),
            },
            Err(e) => Err(e),
        };
        result.map_err(|e| e.redacted(&self.auth.redactor()))
    }
}

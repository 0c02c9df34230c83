//! `AnkorstoreClient`: argument reading and result translation only.

use std::future::Future;
use std::pin::Pin;

use js_sys::{Promise, JSON};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::future_to_promise;
use web_sys::AbortSignal;

use crate::api::{ApiRequest, CallOptions};
use crate::client::Client;
use crate::error::{Error, ErrorCode};
use crate::options::{ClientConfig, Given};
use crate::runtime::Payload;

use super::error::error_to_js;
use super::json::{to_js, JsJson};
use super::runtime::JsRuntime;
use super::store::JsStore;
use super::transport::FetchTransport;

type WebClient = Client<JsRuntime, FetchTransport, JsStore>;

/// A promise of `fut`, rejected with an `AnkorstoreError` on error. The future is boxed so
/// that every export shares one instance of the promise machinery (a few KB of wasm each).
pub fn promise(fut: impl Future<Output = Result<JsValue, Error>> + 'static) -> Promise {
    settle(Box::pin(fut))
}

fn settle(fut: Pin<Box<dyn Future<Output = Result<JsValue, Error>>>>) -> Promise {
    future_to_promise(async move { fut.await.map_err(|e| error_to_js(&e)) })
}

/// A promise rejected with `error`.
pub fn rejected(error: Error) -> Promise {
    Promise::reject(&error_to_js(&error))
}

/// `options.signal`: absent, or an `AbortSignal`.
pub fn signal_of(signal: Option<JsJson>) -> Result<Option<AbortSignal>, Error> {
    signal
        .map(|s| s.0.dyn_into::<AbortSignal>())
        .transpose()
        .map_err(|_| {
            Error::new(
                ErrorCode::InvalidArgument,
                "options.signal must be an AbortSignal",
            )
        })
}

/// Reads call options that may be absent: their members, and their `signal`.
fn call_options(options: &JsValue) -> Result<(CallOptions<JsJson>, Option<AbortSignal>), Error> {
    let json = JsJson(options.clone());
    Given::read(&json, "options", true, ErrorCode::InvalidArgument)?;
    let mut read: CallOptions<JsJson> = json.decode().unwrap_or_default();
    let signal = signal_of(read.signal.take())?;
    Ok((read, signal))
}

/// The client of the Ankorstore API.
#[wasm_bindgen]
pub struct AnkorstoreClient {
    client: WebClient,
}

#[wasm_bindgen]
impl AnkorstoreClient {
    /// Validates `options` and throws an `invalid_config` `AnkorstoreError` when they are
    /// wrong.
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_param_type = "AnkorstoreClientOptions")] options: JsValue,
    ) -> Result<AnkorstoreClient, JsValue> {
        let json = JsJson(options);
        let given = Given::read(
            &json,
            "AnkorstoreClient options",
            false,
            ErrorCode::InvalidConfig,
        )
        .map_err(|e| error_to_js(&e))?;
        let config = ClientConfig::from_options(&given).map_err(|e| error_to_js(&e))?;
        let store = match given.options.token_store.clone() {
            None => None,
            Some(value) => Some(JsStore::new(value.0).ok_or_else(|| {
                error_to_js(&Error::new(
                    ErrorCode::InvalidConfig,
                    "options.tokenStore must be an object with get(key) and set(key, value, ttlSeconds) methods",
                ))
            })?),
        };
        Ok(AnkorstoreClient {
            client: Client::new(JsRuntime, FetchTransport::default(), config, store),
        })
    }

    /// The normalised base URL, without a trailing slash.
    #[wasm_bindgen(getter = baseUrl)]
    pub fn base_url(&self) -> String {
        self.client.base_url()
    }

    /// The cached access token, or a new one (one request for all concurrent callers).
    #[wasm_bindgen(unchecked_return_type = "Promise<AccessToken>")]
    pub fn token(&self) -> Promise {
        let client = self.client.clone();
        promise(async move { client.token(None).await.map(|t| to_js(&t.view())) })
    }

    /// `GET /api/v1/me`: the `data` object of the answer, every field as sent.
    #[wasm_bindgen(unchecked_return_type = "Promise<User>")]
    pub fn me(
        &self,
        #[wasm_bindgen(unchecked_optional_param_type = "MeOptions")] options: JsValue,
    ) -> Promise {
        let signal = if options.is_undefined() {
            None
        } else {
            match call_options(&options) {
                Ok((_, signal)) => signal,
                Err(e) => return rejected(e),
            }
        };
        let client = self.client.clone();
        promise(async move { client.me(signal.as_ref()).await.map(|user| user.0) })
    }

    /// Calls `{baseUrl}{path}` as JSON:API and resolves to the parsed body (`null` when
    /// empty).
    #[wasm_bindgen(unchecked_return_type = "Promise<unknown>")]
    pub fn request(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] method: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string")] path: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "RequestOptions")] options: JsValue,
    ) -> Promise {
        let (call, signal) = match read_request(method, path, &options) {
            Ok(read) => read,
            Err(e) => return rejected(e),
        };
        let client = self.client.clone();
        promise(async move {
            client
                .request(&call, signal.as_ref())
                .await
                .map(|body| body.map_or(JsValue::NULL, |b| b.0))
        })
    }

    /// Forgets the cached token (it is never reused, even from a token store) and resets
    /// the token budget guard.
    #[wasm_bindgen(js_name = invalidateToken)]
    pub fn invalidate_token(&self) {
        self.client.invalidate_token();
    }
}

/// `options.body` serialised as JSON (`undefined`: no body). `JSON.stringify`, so that the
/// caller's `toJSON()` methods and dates are honoured exactly as `fetch` users expect.
fn body_of(options: &JsValue) -> Result<Option<String>, Error> {
    if !options.is_object() {
        return Ok(None);
    }
    let body =
        js_sys::Reflect::get(options, &JsValue::from_str("body")).unwrap_or(JsValue::UNDEFINED);
    if body.is_undefined() {
        return Ok(None);
    }
    JSON::stringify(&body)
        .ok()
        .and_then(|s| s.as_string())
        .map(Some)
        .ok_or_else(|| {
            Error::new(
                ErrorCode::InvalidArgument,
                "options.body cannot be serialised as JSON",
            )
        })
}

fn read_request(
    method: JsValue,
    path: JsValue,
    options: &JsValue,
) -> Result<(ApiRequest, Option<AbortSignal>), Error> {
    let invalid = |m: &str| Error::new(ErrorCode::InvalidArgument, m);
    let method = method
        .as_string()
        .ok_or_else(|| invalid("method must be a string such as \"GET\""))?;
    let path = path
        .as_string()
        .ok_or_else(|| invalid("path must be a string starting with \"/\""))?;
    let (read, signal) = call_options(options)?;
    let body = body_of(options)?;
    Ok((ApiRequest::from_options(method, path, &read, body)?, signal))
}

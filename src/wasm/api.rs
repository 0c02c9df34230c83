//! The exported JavaScript API of `../shared/design/api.md`: argument reading and result
//! translation only.

use std::future::Future;
use std::pin::Pin;

use js_sys::{Array, Object, Promise, Reflect, JSON};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::future_to_promise;
use web_sys::AbortSignal;

use crate::api_call::ApiRequest;
use crate::client::{exchange_credentials, get_me, Client};
use crate::config::{redact_secret_of, ClientConfig, Credentials, Endpoint};
use crate::error::{Error, ErrorCode};

use super::convert::{error_to_js, to_json, token_to_js};
use super::platform::WebPlatform;

/// A promise of `fut`, rejected with an `AnkorstoreError` on error. The future is boxed so
/// that every export shares one instance of the promise machinery (a few KB of wasm each).
fn promise(fut: impl Future<Output = Result<JsValue, Error>> + 'static) -> Promise {
    settle(Box::pin(fut))
}

fn settle(fut: Pin<Box<dyn Future<Output = Result<JsValue, Error>>>>) -> Promise {
    future_to_promise(async move { fut.await.map_err(|e| error_to_js(&e)) })
}

fn rejected(error: Error) -> Promise {
    Promise::reject(&error_to_js(&error))
}

fn invalid_argument(message: &str) -> Error {
    Error::new(ErrorCode::InvalidArgument, message)
}

/// `object[key]`, `undefined` when `object` is not an object or the getter throws.
fn member(object: &JsValue, key: &str) -> JsValue {
    if !object.is_object() {
        return JsValue::UNDEFINED;
    }
    Reflect::get(object, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
}

/// `options.signal`: absent, or an `AbortSignal`.
fn read_signal(options: &JsValue) -> Result<Option<AbortSignal>, Error> {
    let signal = member(options, "signal");
    if signal.is_undefined() || signal.is_null() {
        return Ok(None);
    }
    signal
        .dyn_into::<AbortSignal>()
        .map(Some)
        .map_err(|_| invalid_argument("options.signal must be an AbortSignal"))
}

/// Reads `options` that must be an object or absent.
fn check_options(options: &JsValue, what: &str) -> Result<(), Error> {
    if options.is_undefined()
        || options.is_null()
        || (options.is_object() && !options.is_function())
    {
        Ok(())
    } else {
        Err(invalid_argument(&format!("{what} must be an object")))
    }
}

/// `tokenStore`: absent, or an object with `get` and `set` functions.
fn read_token_store(options: &JsValue) -> Result<Option<JsValue>, Error> {
    let store = member(options, "tokenStore");
    if store.is_undefined() || store.is_null() {
        return Ok(None);
    }
    let is_function = |name| member(&store, name).is_function();
    if store.is_object() && is_function("get") && is_function("set") {
        Ok(Some(store))
    } else {
        Err(Error::new(
            ErrorCode::InvalidConfig,
            "options.tokenStore must be an object with get(key) and set(key, value, ttlSeconds) methods",
        ))
    }
}

/// The client of the Ankorstore API.
#[wasm_bindgen]
pub struct AnkorstoreClient {
    client: Client<WebPlatform>,
}

#[wasm_bindgen]
impl AnkorstoreClient {
    /// Validates `options` and throws an `invalid_config` `AnkorstoreError` when they are
    /// wrong.
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_param_type = "AnkorstoreClientOptions")] options: JsValue,
    ) -> Result<AnkorstoreClient, JsValue> {
        let json = to_json(&options);
        let config = ClientConfig::from_options(&json).map_err(|e| error_to_js(&e))?;
        let store =
            read_token_store(&options).map_err(|e| error_to_js(&redact_secret_of(&json, e)))?;
        Ok(AnkorstoreClient {
            client: Client::new(WebPlatform, config, store),
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
        promise(async move { client.token(None).await.map(|t| token_to_js(&t)) })
    }

    /// `GET /api/v1/me`: the `data` object of the answer, every field as sent.
    #[wasm_bindgen(unchecked_return_type = "Promise<User>")]
    pub fn me(
        &self,
        #[wasm_bindgen(unchecked_optional_param_type = "MeOptions")] options: JsValue,
    ) -> Promise {
        let signal = match check_options(&options, "options").and_then(|_| read_signal(&options)) {
            Ok(signal) => signal,
            Err(e) => return rejected(e),
        };
        let client = self.client.clone();
        promise(async move { client.me(signal.as_ref()).await })
    }

    /// Calls `{baseUrl}{path}` as JSON:API and resolves to the parsed body (`null` when
    /// empty).
    #[wasm_bindgen(skip_typescript)]
    pub fn request(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] method: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string")] path: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "RequestOptions")] options: JsValue,
    ) -> Promise {
        let (call, signal) = match read_request(&method, &path, &options) {
            Ok(read) => read,
            Err(e) => return rejected(e),
        };
        let client = self.client.clone();
        promise(async move {
            client
                .request(&call, signal.as_ref())
                .await
                .map(|body| body.unwrap_or(JsValue::NULL))
        })
    }

    /// Forgets the cached token (it is never reused, even from a token store) and resets
    /// the token budget guard.
    #[wasm_bindgen(js_name = invalidateToken)]
    pub fn invalidate_token(&self) {
        self.client.invalidate_token();
    }
}

fn read_request(
    method: &JsValue,
    path: &JsValue,
    options: &JsValue,
) -> Result<(ApiRequest, Option<AbortSignal>), Error> {
    let method = method
        .as_string()
        .ok_or_else(|| invalid_argument("method must be a string such as \"GET\""))?;
    let path = path
        .as_string()
        .ok_or_else(|| invalid_argument("path must be a string starting with \"/\""))?;
    check_options(options, "options")?;
    let signal = read_signal(options)?;
    let query = read_pairs(&member(options, "query"), "query", true)?;
    let headers = read_pairs(&member(options, "headers"), "headers", false)?;
    let body = member(options, "body");
    let body = if body.is_undefined() {
        None
    } else {
        let text = JSON::stringify(&body)
            .ok()
            .and_then(|s| s.as_string())
            .ok_or_else(|| invalid_argument("options.body cannot be serialised as JSON"))?;
        Some(text)
    };
    Ok((
        ApiRequest {
            method,
            path,
            query,
            headers,
            body,
        },
        signal,
    ))
}

/// Reads a record of strings (and, for queries, numbers and booleans) in insertion order.
fn read_pairs(record: &JsValue, what: &str, scalars: bool) -> Result<Vec<(String, String)>, Error> {
    if record.is_undefined() || record.is_null() {
        return Ok(Vec::new());
    }
    if !record.is_object() || Array::is_array(record) {
        return Err(invalid_argument(&format!(
            "options.{what} must be an object"
        )));
    }
    let entries = Object::entries(record.unchecked_ref());
    let mut pairs = Vec::with_capacity(entries.length() as usize);
    for entry in entries.iter() {
        let entry: Array = entry.unchecked_into();
        let name = entry.get(0).as_string().unwrap_or_default();
        let value = entry.get(1);
        let text = if let Some(s) = value.as_string() {
            s
        } else if value.is_undefined() {
            continue;
        } else if let (true, Some(n)) = (scalars, value.as_f64()) {
            if !n.is_finite() {
                return Err(invalid_argument(&format!(
                    "options.{what}.{name} must be a finite number"
                )));
            }
            String::from(
                js_sys::Number::from(n)
                    .to_string_with_radix(10)
                    .map_err(|_| invalid_argument("bad number"))?,
            )
        } else if let (true, Some(b)) = (scalars, value.as_bool()) {
            b.to_string()
        } else {
            let kinds = if scalars {
                "a string, a number or a boolean"
            } else {
                "a string"
            };
            return Err(invalid_argument(&format!(
                "options.{what}.{name} must be {kinds}"
            )));
        };
        pairs.push((name, text));
    }
    Ok(pairs)
}

/// One token request with the client's retry rules, no cache.
#[wasm_bindgen(js_name = exchangeCredentials, unchecked_return_type = "Promise<AccessToken>")]
pub fn exchange_credentials_js(
    #[wasm_bindgen(unchecked_param_type = "ExchangeOptions")] options: JsValue,
) -> Promise {
    let json = to_json(&options);
    let read =
        Credentials::from_options(&json).and_then(|c| Ok((c, Endpoint::from_options(&json)?)));
    let (credentials, endpoint) = match read {
        Ok(read) => read,
        Err(e) => return rejected(redact_secret_of(&json, e)),
    };
    promise(async move {
        exchange_credentials(&WebPlatform, &endpoint, &credentials)
            .await
            .map(|t| token_to_js(&t))
    })
}

/// `GET /api/v1/me` with a token the caller holds; a 401 rejects with `unauthenticated`.
#[wasm_bindgen(js_name = getMe, unchecked_return_type = "Promise<User>")]
pub fn get_me_js(
    #[wasm_bindgen(js_name = accessToken, unchecked_param_type = "string")] access_token: JsValue,
    #[wasm_bindgen(unchecked_optional_param_type = "GetMeOptions")] options: JsValue,
) -> Promise {
    let Some(token) = access_token.as_string() else {
        return rejected(invalid_argument("accessToken must be a string"));
    };
    let read = check_options(&options, "options")
        .and_then(|_| Endpoint::from_options(&to_json(&options)))
        .and_then(|endpoint| Ok((endpoint, read_signal(&options)?)));
    let (endpoint, signal) = match read {
        Ok(read) => read,
        Err(e) => return rejected(e.redacted(&crate::redact::Redactor::new().with(&token))),
    };
    promise(async move { get_me(&WebPlatform, &endpoint, &token, signal.as_ref()).await })
}

//! `AnkorstoreClient`: argument reading and result translation only.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use js_sys::{Promise, JSON};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::AbortSignal;

use crate::api::{ApiRequest, CallOptions};
use crate::client::Client;
use crate::error::{Error, ErrorCode};
use crate::options::{
    ClientConfig, Given, Shape, CLIENT_OPTIONS, ME_OPTIONS, PAGE_OPTIONS, REQUEST_OPTIONS,
};
use crate::pages::{Pages, Yield};
use crate::redact::Redactor;
use crate::runtime::Payload;

use super::error::error_to_js;
use super::inspect::teach_inspect;
use super::json::{to_js, JsJson};
use super::pages::PageIterator;
use super::promise::{promise, rejected};
use super::runtime::JsRuntime;
use super::snapshot::snapshot;
use super::store::JsStore;
use super::transport::FetchTransport;

/// The client of the wasm build.
pub type WebClient = Client<JsRuntime, FetchTransport, JsStore>;

/// `options.signal`: absent, or an `AbortSignal`. Anything else is a bad argument of the call
/// (`invalid_argument`, getMe's too: the signal belongs to this call, not to a configuration).
pub fn signal_of(signal: Option<JsJson>) -> Result<Option<AbortSignal>, Error> {
    let refused = || {
        Error::new(
            ErrorCode::InvalidArgument,
            "options.signal must be an AbortSignal",
        )
    };
    let Some(signal) = signal else {
        return Ok(None);
    };
    let signal = signal.0.dyn_into::<AbortSignal>().map_err(|_| refused())?;
    // `instanceof` holds for an `Object.create(AbortSignal.prototype)` too (and for a Proxy
    // of a signal, which browsers cannot read through); its `aborted` getter throws. Only a
    // signal whose state reads is taken.
    let state = js_sys::Reflect::get(&signal, &JsValue::from_str("aborted"));
    match state {
        Ok(state) if state.as_bool().is_some() => Ok(Some(signal)),
        _ => Err(refused()),
    }
}

/// Reads call options of `shape` that may be absent: their members, and their `signal`.
fn call_options(
    options: &JsValue,
    shape: &Shape,
    quoter: Rc<Redactor>,
) -> Result<(CallOptions<JsJson>, Option<AbortSignal>), Error> {
    let json = JsJson(snapshot(options, shape)?);
    Given::read(&json, shape, quoter)?;
    let mut read: CallOptions<JsJson> = json.decode().unwrap_or_default();
    let signal = signal_of(read.signal.take())?;
    Ok((read, signal))
}

/// The client of the Ankorstore API.
#[wasm_bindgen]
pub struct AnkorstoreClient {
    /// `None` once freed.
    client: RefCell<Option<WebClient>>,
    base_url: String,
    client_id: String,
}

fn freed() -> Error {
    Error::new(ErrorCode::InvalidArgument, "this client was freed")
}

thread_local! {
    /// Whether `util.inspect` was taught to show clients (once per module instance).
    static INSPECTABLE: Cell<bool> = const { Cell::new(false) };
}

#[wasm_bindgen]
impl AnkorstoreClient {
    /// Validates `options` and throws an `invalid_config` `AnkorstoreError` when they are
    /// wrong.
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_param_type = "AnkorstoreClientOptions")] options: JsValue,
    ) -> Result<AnkorstoreClient, JsValue> {
        let json = JsJson(snapshot(&options, &CLIENT_OPTIONS).map_err(|e| error_to_js(&e))?);
        let given =
            Given::read(&json, &CLIENT_OPTIONS, Rc::default()).map_err(|e| error_to_js(&e))?;
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
        let client = Client::new(JsRuntime, FetchTransport::default(), config, store);
        let (base_url, client_id) = (client.base_url(), client.client_id().to_string());
        let probe = AnkorstoreClient {
            client: RefCell::new(None),
            base_url: base_url.clone(),
            client_id: client_id.clone(),
        };
        teach_inspect(JsValue::from(probe), &INSPECTABLE);
        Ok(AnkorstoreClient {
            client: RefCell::new(Some(client)),
            base_url,
            client_id,
        })
    }

    fn live(&self) -> Result<WebClient, Error> {
        self.client.borrow().clone().ok_or_else(freed)
    }

    /// The normalised base URL, without a trailing slash.
    #[wasm_bindgen(getter = baseUrl)]
    pub fn base_url(&self) -> String {
        self.base_url.clone()
    }

    /// The client id (never the secret).
    #[wasm_bindgen(getter = clientId)]
    pub fn client_id(&self) -> String {
        self.client_id.clone()
    }

    /// `AnkorstoreClient { baseUrl: "…", clientId: "…" }`: what `String(client)` and
    /// `util.inspect(client)` show; never the secret or a token.
    #[wasm_bindgen(js_name = toString)]
    pub fn to_display(&self) -> String {
        format!(
            "AnkorstoreClient {{ baseUrl: {:?}, clientId: {:?} }}",
            self.base_url, self.client_id
        )
    }

    /// `{ "type": "AnkorstoreClient", "baseUrl": "…", "clientId": "…" }`: what
    /// `JSON.stringify(client)` writes; never the secret or a token.
    #[wasm_bindgen(js_name = toJSON, unchecked_return_type = "{ type: \"AnkorstoreClient\"; baseUrl: string; clientId: string }")]
    pub fn to_json(&self) -> JsValue {
        #[derive(serde::Serialize)]
        #[serde(rename_all = "camelCase")]
        struct Shown<'a> {
            #[serde(rename = "type")]
            kind: &'a str,
            base_url: &'a str,
            client_id: &'a str,
        }
        to_js(&Shown {
            kind: "AnkorstoreClient",
            base_url: &self.base_url,
            client_id: &self.client_id,
        })
    }

    /// Releases the client: its cached token and pending state are dropped, and any later call
    /// rejects with `invalid_argument` ("this client was freed"). Also `client[Symbol.dispose]()`.
    #[wasm_bindgen(js_name = free)]
    pub fn release(&self) {
        self.client.borrow_mut().take();
    }

    /// The cached access token, or a new one (one request for all concurrent callers).
    #[wasm_bindgen(unchecked_return_type = "Promise<AccessToken>")]
    pub fn token(&self) -> Promise {
        let client = match self.live() {
            Ok(client) => client,
            Err(e) => return rejected(e),
        };
        promise(async move { client.token(None).await.map(|t| to_js(&t.view())) })
    }

    /// `GET /api/v1/me`: the `data` object of the answer, every field as sent.
    #[wasm_bindgen(unchecked_return_type = "Promise<User>")]
    pub fn me(
        &self,
        #[wasm_bindgen(unchecked_optional_param_type = "MeOptions")] options: JsValue,
    ) -> Promise {
        let client = match self.live() {
            Ok(client) => client,
            Err(e) => return rejected(e),
        };
        let signal = if options.is_undefined() {
            None
        } else {
            match call_options(&options, &ME_OPTIONS, client.quoter()) {
                Ok((_, signal)) => signal,
                Err(e) => return rejected(e),
            }
        };
        promise(async move { client.me(signal.as_ref()).await.map(|user| user.0) })
    }

    /// Calls `{baseUrl}{path}` as JSON:API and resolves to the parsed body (`null` when
    /// empty). Typed per path template in the package's declarations (generated from
    /// Ankorstore's OpenAPI).
    #[wasm_bindgen(skip_typescript)]
    pub fn request(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] method: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string")] path: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "RequestOptions")] options: JsValue,
    ) -> Promise {
        let client = match self.live() {
            Ok(client) => client,
            Err(e) => return rejected(e),
        };
        let (call, signal) = match read_request(method, path, &options, client.quoter()) {
            Ok(read) => read,
            Err(e) => return rejected(e),
        };
        promise(async move {
            client
                .request(&call, signal.as_ref())
                .await
                .map(|body| body.map_or(JsValue::NULL, |b| b.0))
        })
    }

    /// The pages of a JSON:API list: `GET path`, then each `links.next`, until a page has
    /// none or says `meta.page.hasMore: false`.
    #[wasm_bindgen(skip_typescript)]
    pub fn pages(&self, path: JsValue, options: JsValue) -> PageIterator {
        self.walk(path, options, Yield::Pages, "pages()")
    }

    /// Each resource of each page's `data`, in order (the walk of `pages()`).
    #[wasm_bindgen(skip_typescript)]
    pub fn paginate(&self, path: JsValue, options: JsValue) -> PageIterator {
        self.walk(path, options, Yield::Resources, "paginate()")
    }

    fn walk(
        &self,
        path: JsValue,
        options: JsValue,
        yields: Yield,
        owner: &'static str,
    ) -> PageIterator {
        PageIterator::new(self.live().and_then(|client| {
            let shape = Shape {
                owner,
                ..PAGE_OPTIONS
            };
            let path = path.as_string().ok_or_else(|| {
                Error::new(
                    ErrorCode::InvalidArgument,
                    "path must be a string starting with \"/\"",
                )
            })?;
            let (read, signal) = call_options(&options, &shape, client.quoter())?;
            let first = ApiRequest::from_options("GET".into(), path, &read, None)?;
            Ok(Pages::new(client, first, yields, signal))
        }))
    }

    /// The `X-RateLimit-Limit`, `X-RateLimit-Remaining` and `X-RateLimit-Reset` (as
    /// `resetAt`, ms since the epoch) of the last API response that carried them; `null`
    /// before any.
    #[wasm_bindgen(getter = rateLimit, unchecked_return_type = "RateLimit | null")]
    pub fn rate_limit(&self) -> JsValue {
        let limit = self.client.borrow().as_ref().and_then(|c| c.rate_limit());
        limit.map_or(JsValue::NULL, |l| to_js(&l))
    }

    /// Forgets the cached token (it is never reused, even from a token store) and resets
    /// the token budget guard.
    #[wasm_bindgen(js_name = invalidateToken)]
    pub fn invalidate_token(&self) -> Result<(), JsValue> {
        let client = self.live().map_err(|e| error_to_js(&e))?;
        client.invalidate_token();
        Ok(())
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
    quoter: Rc<Redactor>,
) -> Result<(ApiRequest, Option<AbortSignal>), Error> {
    let invalid = |m: &str| Error::new(ErrorCode::InvalidArgument, m);
    let method = method
        .as_string()
        .ok_or_else(|| invalid("method must be a string such as \"GET\""))?;
    let path = path
        .as_string()
        .ok_or_else(|| invalid("path must be a string starting with \"/\""))?;
    let (read, signal) = call_options(options, &REQUEST_OPTIONS, quoter)?;
    let body = body_of(options)?;
    Ok((ApiRequest::from_options(method, path, &read, body)?, signal))
}

//! The core's [`Platform`] on JavaScript: the global `fetch` (Node ≥ 18, workerd and
//! browsers alike), `setTimeout`, `AbortController`, and a user's `tokenStore` object.

use std::cell::Cell;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use js_sys::{Function, JsString, Object, Promise, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{AbortController, AbortSignal, Response};

use crate::json::Json;
use crate::platform::{Body, HttpRequest, HttpResponse, Platform, TransportError};

use super::convert::{js_str, set, to_json};

#[wasm_bindgen]
extern "C" {
    /// The global `fetch`, called unbound so that no `window` is needed.
    #[wasm_bindgen(catch, js_name = fetch)]
    fn global_fetch(url: &str, init: &Object) -> Result<Promise, JsValue>;
    /// `JSON.parse` of a JavaScript string (js-sys's takes a Rust `&str`, a copy each way).
    #[wasm_bindgen(catch, js_namespace = JSON, js_name = parse)]
    fn json_parse(text: &JsString) -> Result<JsValue, JsValue>;
    /// `Reflect.get` without an exception wrapper (a try/catch and an `apply` per call): only
    /// for objects this crate made or `JSON.parse` returned, which have no getter that throws.
    #[wasm_bindgen(js_namespace = Reflect, js_name = get)]
    pub(super) fn plain_get(target: &JsValue, key: &JsValue) -> JsValue;
    /// `Reflect.set`, likewise only on plain objects.
    #[wasm_bindgen(js_namespace = Reflect, js_name = set)]
    pub(super) fn plain_set(target: &JsValue, key: &JsValue, value: &JsValue) -> bool;
    #[wasm_bindgen(js_name = setTimeout)]
    fn set_timeout(callback: &Function, ms: f64) -> JsValue;
    #[wasm_bindgen(js_name = clearTimeout)]
    fn clear_timeout(handle: &JsValue);
}

/// The JavaScript platform. It holds nothing: every resource is per call.
#[derive(Clone, Copy, Default)]
pub struct WebPlatform;

/// A pending `setTimeout`, cleared when dropped: an abandoned timer neither fires nor keeps
/// Node's event loop alive.
struct Timer(JsValue);

impl Timer {
    fn start(callback: &Function, ms: f64) -> Timer {
        Timer(set_timeout(callback, ms.max(0.0)))
    }
}

impl Drop for Timer {
    fn drop(&mut self) {
        clear_timeout(&self.0);
    }
}

/// Resolves a promise when dropped. A `JsFuture` frees its callbacks only when its promise
/// settles, so a promise that would never settle (a cleared timer, a removed listener) is
/// settled on the way out instead of leaking them.
struct SettleOnDrop(Option<Function>);

impl Drop for SettleOnDrop {
    fn drop(&mut self) {
        if let Some(resolve) = self.0.take() {
            let _ = resolve.call0(&JsValue::UNDEFINED);
        }
    }
}

/// A future that resolves after `ms`.
struct Sleep {
    future: JsFuture,
    _timer: Option<Timer>,
    _settle: SettleOnDrop,
}

impl Sleep {
    fn new(ms: f64) -> Sleep {
        let mut timer = None;
        let mut resolve_fn = None;
        let promise = Promise::new(&mut |resolve, _reject| {
            timer = Some(Timer::start(&resolve, ms));
            resolve_fn = Some(resolve);
        });
        Sleep {
            future: JsFuture::from(promise),
            _settle: SettleOnDrop(resolve_fn),
            _timer: timer,
        }
    }
}

impl Future for Sleep {
    type Output = ();
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        Pin::new(&mut self.future).poll(cx).map(|_| ())
    }
}

/// A listener on an `AbortSignal`, removed when dropped.
struct Listener {
    signal: AbortSignal,
    callback: Function,
}

impl Listener {
    fn new(signal: &AbortSignal, callback: Function) -> Listener {
        let _ = signal.add_event_listener_with_callback("abort", &callback);
        Listener {
            signal: signal.clone(),
            callback,
        }
    }
}

impl Drop for Listener {
    fn drop(&mut self) {
        let _ = self
            .signal
            .remove_event_listener_with_callback("abort", &self.callback);
    }
}

/// A bound method of a JavaScript object (`obj.name.bind(obj)`), without a Rust closure.
fn bound_method(object: &JsValue, name: &str) -> Option<Function> {
    let method: Function = Reflect::get(object, &JsValue::from_str(name))
        .ok()?
        .dyn_into()
        .ok()?;
    Some(method.bind0(object))
}

/// Words for a failed fetch: the error's message and, in Node, its cause's code.
fn describe(error: &JsValue) -> String {
    let text = |v: &JsValue, key: &str| {
        Reflect::get(v, &JsValue::from_str(key))
            .ok()
            .and_then(|v| v.as_string())
    };
    let message = text(error, "message").unwrap_or_else(|| "fetch failed".into());
    let cause = Reflect::get(error, &JsValue::from_str("cause")).unwrap_or(JsValue::UNDEFINED);
    match text(&cause, "code").or_else(|| text(&cause, "message")) {
        Some(detail) if !cause.is_undefined() => format!("{message} ({detail})"),
        _ => message,
    }
}

/// The `init` of `fetch(url, init)`, as a plain object (cheaper for fetch implementations
/// than a `Headers` instance, and fewer calls across the wasm boundary).
fn build_init(request: &HttpRequest, signal: &AbortSignal) -> Object {
    let headers = Object::new();
    for (name, value) in &request.headers {
        plain_set(&headers, &js_str(name), &js_str(value));
    }
    let init = Object::new();
    set(&init, "method", &js_str(&request.method));
    set(&init, "headers", &headers);
    if let Some(body) = &request.body {
        set(&init, "body", &JsValue::from_str(body));
    }
    // Never follow a redirect: the credentials and the token must not travel elsewhere.
    set(&init, "redirect", &js_str("manual"));
    set(&init, "signal", signal);
    init
}

/// Sends and reads the whole body; every failure is a JavaScript value. The body stays a
/// JavaScript string (parsed by `JSON.parse`), never copied into wasm memory.
async fn exchange(
    request: &HttpRequest,
    init: &Object,
) -> Result<(u16, Option<String>, JsString), JsValue> {
    let response: Response = JsFuture::from(global_fetch(&request.url, init)?)
        .await?
        .unchecked_into();
    let status = response.status();
    let retry_after = if status == 429 {
        response.headers().get("retry-after").ok().flatten()
    } else {
        None
    };
    let text: JsString = JsFuture::from(response.text()?).await?.unchecked_into();
    Ok((status, retry_after, text))
}

fn parse_body(text: &JsString) -> Body<JsValue> {
    if text.length() == 0 {
        return Body::Empty;
    }
    match json_parse(text) {
        Ok(value) => Body::Json(value),
        Err(_) if text.trim().length() == 0 => Body::Empty,
        Err(_) => Body::NotJson,
    }
}

/// A one-shot event as a JavaScript promise: each waiter awaits the promise itself, so its
/// continuation runs in its own context (one per request in workerd).
pub struct JsEvent {
    promise: Promise,
    resolve: Option<Function>,
    fired: Cell<bool>,
}

impl Platform for WebPlatform {
    type Signal = AbortSignal;
    type Value = JsValue;
    type Store = JsValue;
    type Event = JsEvent;

    fn new_event(&self) -> JsEvent {
        let mut resolve = None;
        let promise = Promise::new(&mut |res, _reject| resolve = Some(res));
        JsEvent {
            promise,
            resolve,
            fired: Cell::new(false),
        }
    }

    fn fire(&self, event: &JsEvent) {
        event.fired.set(true);
        if let Some(resolve) = &event.resolve {
            let _ = resolve.call0(&JsValue::UNDEFINED);
        }
    }

    async fn wait_event(&self, event: &JsEvent) {
        if !event.fired.get() {
            let _ = JsFuture::from(event.promise.clone()).await;
        }
    }

    fn now_ms(&self) -> f64 {
        js_sys::Date::now()
    }

    fn random(&self) -> f64 {
        js_sys::Math::random()
    }

    async fn send(
        &self,
        request: &HttpRequest,
        timeout_ms: f64,
        signal: Option<&AbortSignal>,
    ) -> Result<HttpResponse<JsValue>, TransportError> {
        let network = |e: JsValue| TransportError::Network(describe(&e));
        let controller = AbortController::new().map_err(network)?;
        let abort = bound_method(&controller, "abort")
            .ok_or_else(|| TransportError::Network("AbortController is unavailable".into()))?;
        // The controller fires on the deadline or on the caller's signal, whichever is first.
        let deadline = Timer::start(&abort, timeout_ms);
        let _link = signal.map(|s| Listener::new(s, abort.clone()));
        if signal.is_some_and(AbortSignal::aborted) {
            return Err(TransportError::Aborted);
        }
        let init = build_init(request, &controller.signal());
        let outcome = exchange(request, &init).await;
        drop(deadline);
        match outcome {
            Ok((status, retry_after, text)) => Ok(HttpResponse {
                status,
                retry_after,
                body: parse_body(&text),
            }),
            Err(_) if signal.is_some_and(AbortSignal::aborted) => Err(TransportError::Aborted),
            Err(_) if controller.signal().aborted() => Err(TransportError::Timeout),
            Err(e) => Err(network(e)),
        }
    }

    async fn sleep(&self, ms: f64) {
        Sleep::new(ms).await
    }

    async fn aborted(&self, signal: &AbortSignal) {
        if signal.aborted() {
            return;
        }
        let mut resolve_fn = None;
        let promise = Promise::new(&mut |resolve, _reject| resolve_fn = Some(resolve));
        let _settle = SettleOnDrop(resolve_fn.clone());
        let _listener = resolve_fn.map(|resolve| Listener::new(signal, resolve));
        let _ = JsFuture::from(promise).await;
    }

    fn is_aborted(&self, signal: &AbortSignal) -> bool {
        signal.aborted()
    }

    fn spawn(&self, task: impl Future<Output = ()> + 'static) {
        wasm_bindgen_futures::spawn_local(task);
    }

    fn to_json(&self, value: &JsValue) -> Json {
        to_json(value)
    }

    fn pick(&self, value: &JsValue, keys: &[&str]) -> Json {
        if !value.is_object() {
            return Json::Null;
        }
        let members = keys
            .iter()
            .filter_map(|&key| {
                let member = plain_get(value, &js_str(key));
                (!member.is_undefined()).then(|| (key.to_string(), to_json(&member)))
            })
            .collect();
        Json::Object(members)
    }

    fn member(&self, value: &JsValue, key: &str) -> Option<JsValue> {
        if !value.is_object() {
            return None;
        }
        Some(plain_get(value, &js_str(key)))
    }

    async fn store_get(&self, store: &JsValue, key: &str) -> Result<Option<String>, ()> {
        let value = call_store(store, "get", &[JsValue::from_str(key)]).await?;
        if value.is_null() || value.is_undefined() {
            return Ok(None);
        }
        value.as_string().map(Some).ok_or(())
    }

    async fn store_lock(
        &self,
        store: &JsValue,
        key: &str,
        ttl_ms: f64,
    ) -> Result<Option<bool>, ()> {
        if !Reflect::get(store, &JsValue::from_str("lock"))
            .map_err(|_| ())?
            .is_function()
        {
            return Ok(None);
        }
        let taken = call_store(
            store,
            "lock",
            &[JsValue::from_str(key), JsValue::from_f64(ttl_ms)],
        )
        .await?;
        Ok(Some(taken.as_bool() == Some(true)))
    }

    async fn store_unlock(&self, store: &JsValue, key: &str) -> Result<(), ()> {
        if !Reflect::get(store, &JsValue::from_str("unlock"))
            .map_err(|_| ())?
            .is_function()
        {
            return Ok(());
        }
        call_store(store, "unlock", &[JsValue::from_str(key)])
            .await
            .map(|_| ())
    }

    async fn store_set(
        &self,
        store: &JsValue,
        key: &str,
        value: &str,
        ttl_seconds: u32,
    ) -> Result<(), ()> {
        call_store(
            store,
            "set",
            &[
                JsValue::from_str(key),
                JsValue::from_str(value),
                JsValue::from(ttl_seconds),
            ],
        )
        .await
        .map(|_| ())
    }
}

/// Calls `store[method](...args)` and awaits its result whether or not it is a promise;
/// a throw or a rejection is `Err`.
async fn call_store(store: &JsValue, method: &str, args: &[JsValue]) -> Result<JsValue, ()> {
    let function: Function = Reflect::get(store, &JsValue::from_str(method))
        .map_err(|_| ())?
        .dyn_into()
        .map_err(|_| ())?;
    let arguments: js_sys::Array = args.iter().collect();
    let result = function.apply(store, &arguments).map_err(|_| ())?;
    JsFuture::from(Promise::resolve(&result))
        .await
        .map_err(|_| ())
}

//! The core's [`Transport`] on gloo-net: every request is a `gloo_net::http::Request`
//! (headers through gloo-net's `Headers`), sent to the global `fetch` (Node ≥ 18, workerd
//! and browsers alike) and read as a `gloo_net::http::Response`.
//!
//! Two of gloo-net's defects are worked around here (docs/design.md, "gloo-net"):
//! - `RequestBuilder` builds every request three times (`new Request(url)`, `new URL`, then
//!   `new Request(url, init)`) to merge query parameters, about 35 µs a call in Node. The
//!   core already hands over the final URL, so the request is built once and wrapped with
//!   `gloo_net::http::Request::from`; and a request without a body (every `me()`) is built
//!   once per token and reused: `fetch(request, { signal })` copies it.
//! - `Request::send` converts a rejection with `js_to_error`, which reaches `unreachable!`
//!   (a trap that kills the wasm instance) when `fetch` rejects with a value that is not an
//!   `Error`, and keeps only the name and message of one that is (Node's `cause.code`, such as
//!   `ECONNREFUSED`, is lost). The transport awaits `fetch` itself and reads the rejection
//!   before anything converts it. It also aborts only its own `AbortController`, with no
//!   reason: the caller's `AbortSignal`, whatever it was aborted with, never reaches `fetch`
//!   (the core races the call against it and drops this future, which aborts the request).

use std::cell::RefCell;

use gloo_net::http::{Headers, Request, Response};
use js_sys::{Function, JsString, Promise, Reflect, Uint8Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{
    AbortController, ReadableStreamDefaultReader, ReadableStreamReadResult, RequestInit,
    RequestRedirect,
};

use crate::runtime::{Body, HttpRequest, HttpResponse, Transport, TransportError};

use super::json::JsJson;

#[wasm_bindgen]
extern "C" {
    /// The global `fetch`, called unbound so that no `window` is needed.
    #[wasm_bindgen(catch, js_name = fetch)]
    fn fetch(request: &web_sys::Request, init: &RequestInit) -> Result<Promise, JsValue>;
    /// `JSON.parse` of a JavaScript string (the body never crosses into wasm memory).
    #[wasm_bindgen(catch, js_namespace = JSON, js_name = parse)]
    fn json_parse(text: &JsString) -> Result<JsValue, JsValue>;

    /// A `TextDecoder` that hands back a JavaScript string (web-sys's copies it into Rust).
    type Utf8Decoder;
    #[wasm_bindgen(constructor, js_class = "TextDecoder")]
    fn new() -> Utf8Decoder;
    #[wasm_bindgen(method, js_name = decode)]
    fn decode(this: &Utf8Decoder, bytes: &Uint8Array) -> JsString;
}

/// Most bytes of a response body read (api.md, "Body size"); past them the read stops.
const MAX_BODY_BYTES: u32 = 16 * 1024 * 1024;

/// Why a body was not read.
enum Unread {
    /// The platform failed (the JavaScript value it threw or rejected with).
    Failed(JsValue),
    /// The body is larger than [`MAX_BODY_BYTES`].
    TooLarge,
}

impl From<JsValue> for Unread {
    fn from(e: JsValue) -> Unread {
        Unread::Failed(e)
    }
}

/// Whether the whole body can be read with `text()`: its length is announced, within the
/// limit, and it is not compressed (a compressed body may inflate past its `Content-Length`).
/// Only where every header is visible: a CORS response may hide `Content-Encoding`.
fn small_and_plain(response: &Response, headers: &Headers) -> bool {
    let visible = matches!(
        response.type_(),
        web_sys::ResponseType::Basic | web_sys::ResponseType::Default
    );
    let length = headers
        .get("content-length")
        .and_then(|l| l.parse::<u32>().ok());
    visible
        && length.is_some_and(|l| l <= MAX_BODY_BYTES)
        && headers.get("content-encoding").is_none()
}

/// The whole body as text, read as a stream with a byte count (at most [`MAX_BODY_BYTES`];
/// the rest is not read), or with `text()` when it is known to be small.
async fn read_text(
    response: &Response,
    headers: &Headers,
    raw: &web_sys::Response,
) -> Result<JsString, Unread> {
    if small_and_plain(response, headers) {
        return Ok(JsFuture::from(raw.text()?).await?.dyn_into()?);
    }
    let Some(stream) = response.body() else {
        return Ok(JsString::from(""));
    };
    let reader: ReadableStreamDefaultReader = stream.get_reader().unchecked_into();
    let mut chunks: Vec<Uint8Array> = Vec::new();
    let mut total: u32 = 0;
    loop {
        let read: ReadableStreamReadResult = JsFuture::from(reader.read()).await?.unchecked_into();
        if read.get_done() == Some(true) {
            break;
        }
        let chunk: Uint8Array = read.get_value().dyn_into()?;
        total = total.saturating_add(chunk.length());
        if total > MAX_BODY_BYTES {
            let _ = reader.cancel();
            return Err(Unread::TooLarge);
        }
        chunks.push(chunk);
    }
    let bytes = match chunks.len() {
        1 => chunks
            .pop()
            .unwrap_or_else(|| Uint8Array::new_with_length(0)),
        _ => {
            let all = Uint8Array::new_with_length(total);
            let mut at = 0;
            for chunk in &chunks {
                all.set(chunk, at);
                at += chunk.length();
            }
            all
        }
    };
    // A decoder per streamed body (rare): none is kept between calls.
    Ok(Utf8Decoder::new().decode(&bytes))
}

/// Sends requests with gloo-net.
#[derive(Default)]
pub struct FetchTransport {
    /// The last request sent without a body, built: sent again as it is (a `Request` is
    /// immutable, and `fetch` copies it).
    last: RefCell<Option<(HttpRequest, web_sys::Request)>>,
}

impl FetchTransport {
    /// The request to send: the last one again when nothing changed (same URL, headers and
    /// token), else a new one.
    fn request_for(&self, request: &HttpRequest) -> Result<web_sys::Request, JsValue> {
        if request.body.is_some() {
            return build(request).map(web_sys::Request::from);
        }
        if let Some((sent, built)) = &*self.last.borrow() {
            if sent == request {
                // The handle, not `Request.clone()` (which would copy the request in JS).
                return Ok(Clone::clone(built));
            }
        }
        let built = web_sys::Request::from(build(request)?);
        *self.last.borrow_mut() = Some((request.clone(), Clone::clone(&built)));
        Ok(built)
    }
}

/// Aborts the request's controller when the call is dropped before it completed (the caller
/// aborted, or gave up): the connection is released at once.
struct AbortOnDrop(Option<AbortController>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        if let Some(controller) = self.0.take() {
            controller.abort();
        }
    }
}

#[wasm_bindgen]
extern "C" {
    /// `setTimeout(callback, ms, arg)`: `callback(arg)` after `ms`.
    #[wasm_bindgen(js_name = setTimeout)]
    fn set_timeout_with(callback: &Function, ms: f64, arg: &AbortController) -> JsValue;
    #[wasm_bindgen(js_name = clearTimeout)]
    fn clear_timeout(handle: &JsValue);
}

thread_local! {
    /// `c => c.abort()`, made once as
    /// `Function.prototype.call.bind(AbortController.prototype.abort)`: called by `setTimeout`
    /// with the controller, it aborts it with no reason (the runtime's own `AbortError`, an
    /// `Error`), and no bound function is made per request.
    static ABORT: Option<Function> = abort_function();
}

fn abort_function() -> Option<Function> {
    let get = |o: &JsValue, k: &str| Reflect::get(o, &JsValue::from_str(k)).ok();
    let global = js_sys::global();
    let abort: Function = get(
        &get(&get(&global, "AbortController")?, "prototype")?,
        "abort",
    )?
    .dyn_into()
    .ok()?;
    let call: Function = get(&get(&get(&global, "Function")?, "prototype")?, "call")?
        .dyn_into()
        .ok()?;
    Some(call.bind0(&abort))
}

/// The per-attempt deadline: aborts the controller when it passes; cleared when dropped.
struct Deadline(JsValue);

impl Deadline {
    fn start(controller: &AbortController, ms: f64) -> Option<Deadline> {
        ABORT.with(|abort| {
            abort.as_ref().map(|f| {
                Deadline(set_timeout_with(
                    f,
                    crate::runtime::timer_ms(ms),
                    controller,
                ))
            })
        })
    }
}

impl Drop for Deadline {
    fn drop(&mut self) {
        clear_timeout(&self.0);
    }
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
        Some(detail) if cause.is_object() => format!("{message} ({detail})"),
        _ => message,
    }
}

/// The gloo-net request: method, headers, body and `redirect: manual` (credentials and tokens
/// never travel to another URL). The signal is given to `fetch`, per attempt.
fn build(request: &HttpRequest) -> Result<Request, JsValue> {
    let headers = Headers::new();
    for (name, value) in &request.headers {
        headers.set(name, value);
    }
    let init = RequestInit::new();
    init.set_method(&request.method);
    init.set_headers(&headers.into_raw());
    if let Some(body) = &request.body {
        init.set_body(&JsValue::from_str(body));
    }
    init.set_redirect(RequestRedirect::Manual);
    web_sys::Request::new_with_str_and_init(&request.url, &init).map(Request::from)
}

/// Sends and reads the whole body; every failure is the JavaScript value it rejected with.
async fn exchange(
    request: &web_sys::Request,
    signal: &web_sys::AbortSignal,
) -> Result<(Response, Headers, JsString), Unread> {
    let init = RequestInit::new();
    init.set_signal(Some(signal));
    let raw: web_sys::Response = JsFuture::from(fetch(request, &init)?).await?.dyn_into()?;
    // gloo-net's view for the status, headers and body stream; `text()` of the raw response,
    // since gloo-net's copies the text into Rust.
    let response = Response::from(Clone::clone(&raw));
    let headers = response.headers();
    let text = read_text(&response, &headers, &raw).await?;
    Ok((response, headers, text))
}

fn parse_body(text: &JsString) -> Body<JsJson> {
    if text.length() == 0 {
        return Body::Empty;
    }
    match json_parse(text) {
        Ok(value) => Body::Json(JsJson(value)),
        Err(_) if text.trim().length() == 0 => Body::Empty,
        Err(_) => Body::NotJson,
    }
}

impl Transport for FetchTransport {
    type Payload = JsJson;

    async fn send(
        &self,
        request: &HttpRequest,
        timeout_ms: f64,
    ) -> Result<HttpResponse<JsJson>, TransportError> {
        let network = |e: JsValue| TransportError::Network(describe(&e));
        let controller = AbortController::new().map_err(network)?;
        let deadline = Deadline::start(&controller, timeout_ms)
            .ok_or_else(|| TransportError::Network("AbortController is unavailable".into()))?;
        let mut guard = AbortOnDrop(Some(controller.clone()));
        let signal = controller.signal();
        let outcome = match self.request_for(request) {
            Ok(built) => exchange(&built, &signal).await,
            Err(e) => Err(Unread::Failed(e)),
        };
        drop(deadline);
        guard.0 = None;
        match outcome {
            Ok((response, headers, text)) => {
                let status = response.status();
                let retry_after = if status == 429 {
                    headers.get("retry-after")
                } else {
                    None
                };
                let rate_limit = match headers.get("x-ratelimit-limit") {
                    Some(limit) => [
                        Some(limit),
                        headers.get("x-ratelimit-remaining"),
                        headers.get("x-ratelimit-reset"),
                    ],
                    None => [None, None, None],
                };
                Ok(HttpResponse {
                    status,
                    retry_after,
                    rate_limit,
                    body: parse_body(&text),
                })
            }
            Err(Unread::TooLarge) => Err(TransportError::TooLarge),
            Err(_) if signal.aborted() => Err(TransportError::Timeout),
            Err(Unread::Failed(e)) => Err(network(e)),
        }
    }
}

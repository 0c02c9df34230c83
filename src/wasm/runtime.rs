//! The core's [`Runtime`] on JavaScript: `Date.now`, `setTimeout`, promises as events,
//! `spawn_local`, and the caller's `AbortSignal`.

use std::cell::Cell;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use js_sys::{Function, Promise, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::AbortSignal;

use crate::runtime::Runtime;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_name = setTimeout)]
    fn set_timeout(callback: &Function, ms: f64) -> JsValue;
    #[wasm_bindgen(js_name = clearTimeout)]
    fn clear_timeout(handle: &JsValue);
}

/// The JavaScript runtime. It holds nothing: every resource is per call.
#[derive(Clone, Copy, Default)]
pub struct JsRuntime;

/// A pending `setTimeout`, cleared when dropped: an abandoned timer neither fires nor keeps
/// Node's event loop alive. `callback` is called with no argument.
pub struct Timer(JsValue);

impl Timer {
    /// Calls `callback()` after `ms`.
    pub fn start(callback: &Function, ms: f64) -> Timer {
        Timer(set_timeout(callback, crate::runtime::timer_ms(ms)))
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

/// A one-shot event as a JavaScript promise: each waiter awaits the promise itself, so its
/// continuation runs in its own context (one per request in workerd).
pub struct JsEvent {
    promise: Promise,
    resolve: Option<Function>,
    fired: Cell<bool>,
}

impl Runtime for JsRuntime {
    type Signal = AbortSignal;
    type Event = JsEvent;

    fn now_ms(&self) -> f64 {
        js_sys::Date::now()
    }

    fn random(&self) -> f64 {
        js_sys::Math::random()
    }

    async fn sleep(&self, ms: f64) {
        Sleep::new(ms).await
    }

    fn spawn(&self, task: impl Future<Output = ()> + 'static) {
        wasm_bindgen_futures::spawn_local(task);
    }

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

    fn is_aborted(&self, signal: &AbortSignal) -> bool {
        read_aborted(signal)
    }

    async fn aborted(&self, signal: &AbortSignal) {
        if read_aborted(signal) {
            return;
        }
        // The listener resolves a promise of ours: the signal's reason, whatever the caller
        // aborted with, never reaches a fetch (see transport.rs).
        let mut resolve_fn = None;
        let promise = Promise::new(&mut |resolve, _reject| resolve_fn = Some(resolve));
        let _settle = SettleOnDrop(resolve_fn.clone());
        let _listener = resolve_fn.map(|resolve| Listener::new(signal, resolve));
        let _ = JsFuture::from(promise).await;
    }
}

/// `signal.aborted`, read through `Reflect` (whose binding catches): a caller's object that
/// passes `instanceof AbortSignal` without being one (a Proxy, `Object.create`) throws on
/// the getter, which would otherwise escape from a task as an uncaught exception. What cannot
/// be read counts as aborted.
pub fn read_aborted(signal: &AbortSignal) -> bool {
    Reflect::get(signal, &JsValue::from_str("aborted")).map_or(true, |v| v.is_truthy())
}

//! One result shared by every waiter: how concurrent callers share one token request.
//!
//! Waiters are woken through an event of the platform, not by the task that lands the
//! result: in Cloudflare Workers every request has its own I/O context, and a waiter resumed
//! from another request's task would send its own requests from that context (workerd then
//! cancels them). The wasm platform's event is a JavaScript promise, whose reactions run in
//! the waiter's own context; native runtimes use [`LocalEvent`].

use std::cell::{Cell, RefCell};
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll, Waker};

/// A result that arrives once and is handed, cloned, to every waiter. The platform's event
/// `E` tells waiters it has arrived.
pub struct Flight<T, E> {
    result: RefCell<Option<T>>,
    event: E,
}

impl<T: Clone, E> Flight<T, E> {
    /// A flight still in the air, announced by `event` when it lands.
    pub fn new(event: E) -> Rc<Self> {
        Rc::new(Flight {
            result: RefCell::new(None),
            event,
        })
    }

    /// The event that fires when the flight lands.
    pub fn event(&self) -> &E {
        &self.event
    }

    /// Stores the result; the caller then fires the event.
    pub fn land(&self, result: T) {
        *self.result.borrow_mut() = Some(result);
    }

    /// The result, once landed.
    pub fn result(&self) -> Option<T> {
        self.result.borrow().clone()
    }
}

/// A one-shot event that many tasks can wait for, with Rust wakers (for platforms where a
/// task may wake another: native tests and simulations).
#[derive(Clone, Default)]
pub struct LocalEvent {
    inner: Rc<EventState>,
}

#[derive(Default)]
struct EventState {
    fired: Cell<bool>,
    wakers: RefCell<Vec<Waker>>,
}

impl LocalEvent {
    /// An event that has not fired.
    pub fn new() -> Self {
        Self::default()
    }

    /// Fires the event and wakes every waiter.
    pub fn fire(&self) {
        self.inner.fired.set(true);
        for waker in self.inner.wakers.take() {
            waker.wake();
        }
    }

    /// A future that resolves once the event has fired.
    pub fn wait(&self) -> EventWait {
        EventWait {
            event: self.clone(),
            slot: None,
        }
    }
}

/// The future returned by [`LocalEvent::wait`].
pub struct EventWait {
    event: LocalEvent,
    slot: Option<usize>,
}

impl Future for EventWait {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.event.inner.fired.get() {
            return Poll::Ready(());
        }
        // One slot per waiter, refreshed in place: re-registering on every poll would grow
        // the list without bound when a waiter is polled often (e.g. inside a race).
        let event = self.event.clone();
        let mut wakers = event.inner.wakers.borrow_mut();
        match self.slot.and_then(|i| wakers.get_mut(i)) {
            Some(w) if !w.will_wake(cx.waker()) => *w = cx.waker().clone(),
            Some(_) => {}
            None => {
                self.slot = Some(wakers.len());
                wakers.push(cx.waker().clone());
            }
        }
        Poll::Pending
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use futures::executor::LocalPool;
    use futures::task::LocalSpawnExt;

    #[test]
    fn every_waiter_gets_the_same_result() {
        let mut pool = LocalPool::new();
        let flight = Flight::<Result<u32, String>, LocalEvent>::new(LocalEvent::new());
        let got = Rc::new(RefCell::new(Vec::new()));
        for _ in 0..1000 {
            let (flight, got) = (Rc::clone(&flight), Rc::clone(&got));
            pool.spawner()
                .spawn_local(async move {
                    flight.event().wait().await;
                    let result = flight.result();
                    got.borrow_mut().push(result);
                })
                .unwrap();
        }
        pool.run_until_stalled();
        assert!(got.borrow().is_empty());
        flight.land(Err("boom".into()));
        flight.event().fire();
        pool.run_until_stalled();
        assert_eq!(got.borrow().len(), 1000);
        assert!(got
            .borrow()
            .iter()
            .all(|r| r == &Some(Err("boom".to_string()))));
        // Polling often does not grow the waker list.
        assert!(flight.event().inner.wakers.borrow().is_empty());
    }
}

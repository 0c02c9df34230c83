//! One result shared by every waiter: how concurrent callers share one token request.

use std::cell::RefCell;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll, Waker};

/// A result that arrives once and is handed, cloned, to every waiter.
pub struct Flight<T> {
    result: RefCell<Option<T>>,
    wakers: RefCell<Vec<Waker>>,
}

impl<T: Clone> Flight<T> {
    /// A flight still in the air.
    pub fn new() -> Rc<Self> {
        Rc::new(Flight {
            result: RefCell::new(None),
            wakers: RefCell::new(Vec::new()),
        })
    }

    /// Lands the flight: stores the result and wakes every waiter.
    pub fn land(&self, result: T) {
        *self.result.borrow_mut() = Some(result);
        for waker in self.wakers.take() {
            waker.wake();
        }
    }

    /// A future of the result. Dropping it (a caller that gave up) leaves the flight and
    /// the other waiters alone.
    pub fn wait(self: &Rc<Self>) -> Wait<T> {
        Wait {
            flight: Rc::clone(self),
            slot: None,
        }
    }
}

/// The future returned by [`Flight::wait`].
pub struct Wait<T> {
    flight: Rc<Flight<T>>,
    slot: Option<usize>,
}

impl<T: Clone> Future for Wait<T> {
    type Output = T;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<T> {
        if let Some(result) = self.flight.result.borrow().as_ref() {
            return Poll::Ready(result.clone());
        }
        // One slot per waiter, refreshed in place: re-registering on every poll would grow
        // the list without bound when a waiter is polled often (e.g. inside a race).
        let flight = Rc::clone(&self.flight);
        let mut wakers = flight.wakers.borrow_mut();
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
        let flight = Flight::<Result<u32, String>>::new();
        let got = Rc::new(RefCell::new(Vec::new()));
        for _ in 0..1000 {
            let (w, got) = (flight.wait(), Rc::clone(&got));
            pool.spawner()
                .spawn_local(async move {
                    let result = w.await;
                    got.borrow_mut().push(result);
                })
                .unwrap();
        }
        pool.run_until_stalled();
        assert!(got.borrow().is_empty());
        flight.land(Err("boom".into()));
        pool.run_until_stalled();
        assert_eq!(got.borrow().len(), 1000);
        assert!(got.borrow().iter().all(|r| r == &Err("boom".to_string())));
    }
}

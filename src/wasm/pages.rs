//! The async iterator of `pages()` and `paginate()`: an object with `next()`, `return()` and
//! `[Symbol.asyncIterator]()`, as `for await` uses it.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use js_sys::Promise;
use serde::Serialize;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

use crate::error::Error;
use crate::pages::Pages;

use super::inspect::teach_inspect;
use super::json::{to_js, JsJson};
use super::promise::promise;
use super::runtime::JsRuntime;
use super::store::JsStore;
use super::transport::FetchTransport;

type WebPages = Pages<JsRuntime, FetchTransport, JsStore>;

/// Where a walk is.
enum Walk {
    /// Ready for the next step.
    Ready(Box<WebPages>),
    /// A step is under way (it holds the walk).
    Busy,
    /// Ended: by its last page, an error, or `return()`.
    Done,
    /// Never started: its options were wrong (the first `next()` rejects with this).
    Refused(Error),
}

/// What an iterator and the iterator `[Symbol.asyncIterator]()` returns share.
struct Shared {
    walk: RefCell<Walk>,
    /// The promise of the last `next()`: a `next()` called before it settles waits for it,
    /// so that steps run one at a time, in call order (as an async generator queues them).
    last: RefCell<Option<Promise>>,
}

/// `{ value, done }`, what `next()` resolves to.
#[derive(Serialize)]
struct Step<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    value: Option<&'a JsJson>,
    done: bool,
}

fn step(value: Option<&JsJson>) -> JsValue {
    to_js(&Step {
        value,
        done: value.is_none(),
    })
}

/// An async iterator over the pages, or the resources, of a JSON:API list. Nothing is fetched
/// before `next()` asks for it, and nothing after `return()` (what leaving a `for await` loop
/// early calls). Not a declared class: `pages()` and `paginate()` are typed as returning
/// `AsyncIterable`, and the class is not exported (it has no constructor to call).
#[wasm_bindgen(skip_typescript)]
pub struct PageIterator {
    shared: Rc<Shared>,
}

thread_local! {
    /// Whether `util.inspect` was taught to show iterators (once per module instance).
    static INSPECTABLE: Cell<bool> = const { Cell::new(false) };
}

impl PageIterator {
    /// A walk that starts at the first `next()`.
    pub fn new(pages: Result<WebPages, Error>) -> PageIterator {
        if !INSPECTABLE.with(Cell::get) {
            let probe = PageIterator::with(Walk::Done);
            teach_inspect(JsValue::from(probe), &INSPECTABLE);
        }
        let walk = match pages {
            Ok(pages) => Walk::Ready(Box::new(pages)),
            Err(e) => Walk::Refused(e),
        };
        PageIterator::with(walk)
    }

    fn with(walk: Walk) -> PageIterator {
        PageIterator {
            shared: Rc::new(Shared {
                walk: RefCell::new(walk),
                last: RefCell::new(None),
            }),
        }
    }
}

/// One step of the walk, once the steps asked for before it have settled.
async fn advance(shared: Rc<Shared>, previous: Option<Promise>) -> Result<JsValue, Error> {
    if let Some(previous) = previous {
        let _ = JsFuture::from(previous).await; // its outcome went to its own caller
    }
    let taken = std::mem::replace(&mut *shared.walk.borrow_mut(), Walk::Busy);
    let mut pages = match taken {
        Walk::Ready(pages) => pages,
        Walk::Refused(e) => {
            *shared.walk.borrow_mut() = Walk::Done;
            return Err(e);
        }
        Walk::Done | Walk::Busy => {
            *shared.walk.borrow_mut() = Walk::Done;
            return Ok(step(None));
        }
    };
    let result = pages.step().await;
    let mut state = shared.walk.borrow_mut();
    // return() may have been called meanwhile: it ended the walk.
    let ended = matches!(*state, Walk::Done);
    *state = match &result {
        Ok(Some(_)) if !ended => Walk::Ready(pages),
        _ => Walk::Done,
    };
    result.map(|value| step(value.as_ref()))
}

#[wasm_bindgen]
impl PageIterator {
    /// The next page or resource: `{ value, done: false }`, or `{ done: true }` at the end.
    #[wasm_bindgen(unchecked_return_type = "Promise<IteratorResult<unknown, undefined>>")]
    pub fn next(&self) -> Promise {
        let previous = self.shared.last.borrow_mut().take();
        let next = promise(advance(Rc::clone(&self.shared), previous));
        *self.shared.last.borrow_mut() = Some(next.clone());
        next
    }

    /// Ends the walk (no further request): what `break` in a `for await` loop calls.
    #[wasm_bindgen(
        js_name = "return",
        unchecked_return_type = "Promise<IteratorResult<unknown, undefined>>"
    )]
    pub fn finish(&self) -> Promise {
        *self.shared.walk.borrow_mut() = Walk::Done;
        Promise::resolve(&step(None))
    }

    /// Ends the walk, as `return()` does (and `[Symbol.dispose]()`): the iterator is not
    /// released early, so that a later `next()` still answers `{ done: true }`.
    #[wasm_bindgen(js_name = free)]
    pub fn release(&self) {
        *self.shared.walk.borrow_mut() = Walk::Done;
    }

    /// What `String(iterator)` and `util.inspect(iterator)` show.
    #[wasm_bindgen(js_name = toString)]
    pub fn describe(&self) -> String {
        "PageIterator {}".into()
    }

    /// The iterator itself (the same walk), so that `for await` accepts it.
    #[wasm_bindgen(js_name = "[Symbol.asyncIterator]")]
    pub fn iterator(&self) -> PageIterator {
        PageIterator {
            shared: Rc::clone(&self.shared),
        }
    }
}

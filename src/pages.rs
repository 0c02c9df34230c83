//! `pages()` and `paginate()`: a walk over a JSON:API list, one page per step, following
//! `links.next` under the rules of `request()` (same origin, under the base path; each page
//! with the token handling and retries of a call). Nothing is fetched ahead: a step sends at
//! most one request, and a stopped walk sends nothing more.

use std::collections::VecDeque;

use crate::api::{ApiRequest, DataList, PageLinks};
use crate::client::Client;
use crate::error::{Error, ErrorCode};
use crate::runtime::{Payload, Runtime, TokenStore, Transport};
use crate::url::append_query;

/// What a walk yields.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Yield {
    /// Each page's document (`pages()`).
    Pages,
    /// Each resource of each page's `data` (`paginate()`).
    Resources,
}

/// A walk over the pages of a list.
pub struct Pages<R: Runtime, T: Transport, S: TokenStore> {
    client: Client<R, T, S>,
    yields: Yield,
    /// The request of the next page, if any, or why its link was refused (said when the
    /// walk gets there: the page that held the link is yielded first).
    next: Option<Result<ApiRequest, Error>>,
    /// Resources of the current page not handed out yet.
    resources: VecDeque<T::Payload>,
    signal: Option<R::Signal>,
}

impl<R: Runtime, T: Transport, S: TokenStore> Pages<R, T, S> {
    /// A walk starting with `GET first` (its `params`, `query` and `headers` already read).
    pub fn new(
        client: Client<R, T, S>,
        first: ApiRequest,
        yields: Yield,
        signal: Option<R::Signal>,
    ) -> Self {
        Pages {
            client,
            yields,
            next: Some(Ok(ApiRequest {
                method: "GET".into(),
                body: None,
                ..first
            })),
            resources: VecDeque::new(),
            signal,
        }
    }

    /// The next page or resource; `None` at the end. An error ends the walk.
    pub async fn step(&mut self) -> Result<Option<T::Payload>, Error> {
        let result = self.advance().await;
        if result.is_err() {
            self.stop();
        }
        result
    }

    async fn advance(&mut self) -> Result<Option<T::Payload>, Error> {
        loop {
            if let Some(resource) = self.resources.pop_front() {
                return Ok(Some(resource));
            }
            let Some(call) = self.next.take() else {
                return Ok(None);
            };
            let call = call?;
            let Some(document) = self.client.request(&call, self.signal.as_ref()).await? else {
                return Ok(None); // an empty page ends the list
            };
            let links: PageLinks = document.decode().unwrap_or_default();
            // A link to the page itself would keep a `for await` loop fetching it forever:
            // it ends the walk, as no link does (JSON:API servers point `next` at the last
            // page itself, here and there).
            self.next = links.next().and_then(|next| {
                // A URI reference, resolved against this page's URL; the next step holds the
                // result to the rules of request() again.
                let path = match self.client.base().follow(&call.path, next) {
                    Ok(path) if Some(&path) == self.url_of(&call).as_ref() => return None,
                    Ok(path) => path,
                    Err(e) => {
                        return Some(Err(Error::new(
                            ErrorCode::InvalidArgument,
                            format!(
                                "links.next of {} {}; nothing was sent",
                                self.quoted(&call),
                                e.0
                            ),
                        )))
                    }
                };
                Some(Ok(ApiRequest {
                    method: "GET".into(),
                    path,
                    query: Vec::new(), // links.next carries the query of the next page
                    headers: call.headers.clone(),
                    body: None,
                }))
            });
            match self.yields {
                Yield::Pages => return Ok(Some(document)),
                Yield::Resources => {
                    let list: DataList<T::Payload> = document.decode().ok_or_else(|| {
                        Error::new(
                            ErrorCode::InvalidResponse,
                            format!(
                                "{} answered a page whose data is not an array of resources",
                                self.quoted(&call)
                            ),
                        )
                    })?;
                    self.resources.extend(list.data);
                }
            }
        }
    }

    /// The URL `call` fetched (as `request()` builds it), if it resolves.
    fn url_of(&self, call: &ApiRequest) -> Option<String> {
        let mut url = self.client.base().resolve(&call.path).ok()?;
        append_query(&mut url, &call.query);
        Some(url)
    }

    /// `GET <path>` of a page for a message: the path without its query, redacted (after the
    /// first page it is the server's `links.next`, which may echo a credential).
    fn quoted(&self, call: &ApiRequest) -> String {
        let path = call.path.strip_prefix(self.client.base().origin());
        let path = path.unwrap_or(&call.path).split(['?', '#']).next();
        let path = path.unwrap_or("");
        format!("GET {}", self.client.quoter().quote(path, 200))
    }

    /// Ends the walk: no further request is sent.
    pub fn stop(&mut self) {
        self.next = None;
        self.resources.clear();
    }
}

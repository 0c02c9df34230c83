//! api.md, "Pagination": `pages()` follows `links.next` under the rules of `request()`. A
//! link is a URI reference (JSON:API), resolved against the URL of the page that held it;
//! a refused link ends the walk after its page, with nothing sent; messages never quote a
//! credential a server put in a link.

use ankorstore_client::{ApiRequest, Error, ErrorCode, Pages, Yield};
use serde_json::{json, Value};

use crate::support::*;

/// Every step of a walk starting with `first`: what it yielded, and the error that ended it,
/// if any.
fn walk(h: &mut Harness, c: &C, first: ApiRequest, yields: Yield) -> (Vec<Value>, Option<Error>) {
    let mut pages = Pages::new(c.clone(), first, yields, None);
    h.run(async move {
        let mut out = Vec::new();
        loop {
            match pages.step().await {
                Ok(Some(v)) => out.push(v),
                Ok(None) => return (out, None),
                Err(e) => return (out, Some(e)),
            }
        }
    })
}

/// A page whose one resource is `id`, followed by `next` (none when `None`).
fn page(id: &str, next: Option<&str>) -> Answer {
    Answer::json(
        200,
        json!({"data": [{"type": "orders", "id": id}], "links": {"next": next}}),
    )
}

#[test]
fn links_resolve_against_the_page_url_under_a_base_path() {
    let (mut h, c) = Harness::with_token(json!({"baseUrl": "https://h.example/api"}));
    h.platform.api([
        // Absolute-path, relative and query-only references, then an absolute URL.
        page("1", Some("/api/v1/orders?page[after]=1")),
        page("2", Some("orders?page[after]=2")),
        page("3", Some("?page[after]=3")),
        page("4", Some("https://h.example/api/v1/orders?page[after]=4")),
        page("5", None),
    ]);
    let (resources, error) = walk(&mut h, &c, get("/v1/orders"), Yield::Resources);
    assert!(error.is_none(), "{error:?}");
    let ids: Vec<_> = resources.iter().map(|r| r["id"].clone()).collect();
    assert_eq!(ids, ["1", "2", "3", "4", "5"]);
    assert_eq!(
        h.platform.api_urls(),
        [
            "https://h.example/api/v1/orders",
            "https://h.example/api/v1/orders?page[after]=1",
            "https://h.example/api/v1/orders?page[after]=2",
            "https://h.example/api/v1/orders?page[after]=3",
            "https://h.example/api/v1/orders?page[after]=4",
        ]
    );
}

#[test]
fn a_refused_link_ends_the_walk_after_its_page_with_nothing_sent() {
    for link in [
        "https://evil.example/api/v1/orders?page=2",
        "//evil.example/api/v1/orders",
        "/elsewhere/v1/orders",
        "../../oauth/token",
        "%2e%2e/%2E%2E/oauth/token",
        "/api/v1/%2e%2e/%2e%2e/oauth/token",
        "#top",
    ] {
        let (mut h, c) = Harness::with_token(json!({"baseUrl": "https://h.example/api"}));
        h.platform.api([page("1", Some(link))]);
        h.platform
            .fallback(Route::Api, |_| Answer::json(200, json!({"data": []})));
        let (pages, error) = walk(&mut h, &c, get("/v1/orders"), Yield::Pages);
        assert_eq!(
            pages.len(),
            1,
            "{link}: the page holding the link is yielded"
        );
        let error = error.unwrap_or_else(|| panic!("{link} was followed"));
        assert_eq!(error.code, ErrorCode::InvalidArgument, "{link}");
        assert!(error.message.contains("nothing was sent"), "{link}");
        assert_eq!(h.platform.count(Route::Api), 1, "{link} was sent");
    }
}

#[test]
fn messages_never_quote_a_credential_from_a_link() {
    let (mut h, c) = Harness::with_token(json!({}));
    let echo = format!("/api/v1/orders?t={TOK_A}&s={SECRET_FORM}&raw={SECRET}");
    h.platform.api([
        page("1", Some(&echo)),
        Answer::json(200, json!({"data": {"type": "orders", "id": "2"}})),
    ]);
    let (_, error) = walk(&mut h, &c, get("/api/v1/orders"), Yield::Resources);
    let error = error.expect("a page whose data is not a list");
    assert_eq!(error.code, ErrorCode::InvalidResponse);
    let text = format!("{error} {error:?}");
    for credential in [TOK_A, SECRET, SECRET_FORM] {
        assert!(!text.contains(credential), "{credential} in {text}");
    }
    assert!(
        error
            .message
            .starts_with("GET /api/v1/orders answered a page"),
        "{}",
        error.message
    );
}

#[test]
fn a_page_linking_to_itself_ends_the_walk() {
    // The first page, its query given as an option; its link is its own URL.
    let (mut h, c) = Harness::with_token(json!({}));
    let mut first = get("/api/v1/orders");
    first.query = vec![("page[limit]".into(), "2".into())];
    let itself = format!("{BASE}/api/v1/orders?page%5Blimit%5D=2");
    h.platform.api([page("1", Some(&itself))]);
    let (resources, error) = walk(&mut h, &c, first, Yield::Resources);
    assert_eq!((resources.len(), error), (1, None));
    assert_eq!(h.platform.count(Route::Api), 1);

    // Later in a walk: page 2 links to itself (a relative link this time).
    let (mut h, c) = Harness::with_token(json!({}));
    h.platform.api([
        page("1", Some("/api/v1/orders?page[after]=1")),
        page("2", Some("?page[after]=1")),
    ]);
    let (resources, error) = walk(&mut h, &c, get("/api/v1/orders"), Yield::Resources);
    assert_eq!((resources.len(), error), (2, None));
    assert_eq!(h.platform.count(Route::Api), 2);
}

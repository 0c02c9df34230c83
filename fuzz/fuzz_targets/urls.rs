//! Base URLs and request targets (`url::BaseUrl::parse`, `BaseUrl::resolve`,
//! `api_call::prepare_request`): a base URL is https (or http on loopback only) and
//! normalised; a resolved target never leaves the base origin; a prepared request carries
//! only safe headers and never an Authorization header from the caller.
#![no_main]

use ankorstore_client::api_call::{prepare_request, ApiRequest};
use ankorstore_client::error::ErrorCode;
use ankorstore_client::url::{is_loopback, BaseUrl};
use fuzz_support::fields;
use libfuzzer_sys::fuzz_target;

/// Checks what a fetch implementation would see in `url`: it starts with the origin and a
/// slash (so the authority is exactly the origin's) and holds no character that a URL
/// parser would strip or stop at. What the client appends (path, query) is fully encoded;
/// the base URL's own path is kept as the user wrote it (spaces or non-ASCII there are
/// encoded by fetch's URL parser, which cannot move the origin).
fn assert_on_origin(url: &str, base: &BaseUrl) {
    let prefix = format!("{}/", base.origin());
    assert!(url.starts_with(&prefix), "{url:?} left {prefix:?}");
    assert!(!url.chars().any(char::is_control), "{url:?}");
    assert!(!url.contains(['\\', '#']), "{url:?}");
    let base_string = base.as_string();
    let added = url
        .strip_prefix(base_string.as_str())
        .unwrap_or(&url[base.origin().len()..]);
    assert!(
        added.bytes().all(|b| b.is_ascii_graphic()),
        "{added:?} (of {url:?}) holds a space or a non-ASCII byte"
    );
    // The same origin, read back by the crate's own parser.
    let without_query = url.split('?').next().unwrap();
    let again = BaseUrl::parse(without_query).expect("a resolved URL parses as a base URL");
    assert_eq!(again.origin(), base.origin());
}

fn check_base(input: &str) -> Option<BaseUrl> {
    let base = BaseUrl::parse(input).ok()?;
    let s = base.as_string();
    assert_eq!(
        BaseUrl::parse(&s).as_ref(),
        Ok(&base),
        "{s:?} does not reparse"
    );
    assert!(s.starts_with(base.origin()));
    assert!(!s.ends_with('/'), "{s:?}");
    assert!(!s.contains(['?', '#', '\\']), "{s:?}");
    assert!(!s.chars().any(char::is_control), "{s:?}");
    let origin = base.origin();
    let (scheme, authority) = origin.split_once("://").unwrap();
    let host = match authority.strip_prefix('[') {
        Some(v6) => &authority[..v6.find(']').unwrap() + 2],
        None => authority.rsplit_once(':').map_or(authority, |(h, _)| h),
    };
    assert_eq!(host, host.to_ascii_lowercase());
    // Nothing of the input's authority was dropped: it is the host, then at most a port.
    let written = input.split_once("://").unwrap().1;
    let written =
        written[..written.find(['/', '?', '#']).unwrap_or(written.len())].to_ascii_lowercase();
    let port = written
        .strip_prefix(host)
        .unwrap_or_else(|| panic!("{input:?} read as host {host:?}"));
    assert!(
        port.is_empty()
            || port
                .strip_prefix(':')
                .is_some_and(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit())),
        "{input:?} read as {origin:?}: {port:?} was dropped"
    );
    match scheme {
        "https" => {}
        "http" => assert!(is_loopback(host), "plain http to {host:?}"),
        other => panic!("scheme {other:?}"),
    }
    Some(base)
}

fuzz_target!(|data: &[u8]| {
    let [base_text, target, method, header_name, header_value, query, body] = fields::<7>(data);
    let parsed = check_base(&base_text);
    let fixed = [
        BaseUrl::parse("https://www.ankorstore.com").unwrap(),
        BaseUrl::parse("http://127.0.0.1:8787/api").unwrap(),
    ];
    for base in parsed.iter().chain(fixed.iter()) {
        if let Ok(url) = base.resolve(&target) {
            assert_on_origin(&url, base);
        }
        let call = ApiRequest {
            method: method.clone(),
            path: target.clone(),
            query: vec![(query.clone(), body.clone())],
            headers: vec![(header_name.clone(), header_value.clone())],
            body: (!body.is_empty()).then(|| body.clone()),
        };
        match prepare_request(base, &call) {
            Ok(p) => {
                let r = &p.request;
                assert_on_origin(&r.url, base);
                assert_eq!(r.method, method.to_ascii_uppercase());
                assert!(!r.method.is_empty() && r.method.bytes().all(|b| b.is_ascii_graphic()));
                assert!(!(r.body.is_some() && matches!(r.method.as_str(), "GET" | "HEAD")));
                for (name, value) in &r.headers {
                    assert_ne!(name, "authorization");
                    assert_eq!(name, &name.to_ascii_lowercase());
                    assert!(!name.is_empty() && name.bytes().all(|b| b.is_ascii_graphic()));
                    assert!(!value.contains(['\r', '\n', '\0']), "{value:?}");
                }
                let auth = p.with_token("T0KEN");
                assert_eq!(
                    auth.headers
                        .iter()
                        .filter(|(n, _)| n == "authorization")
                        .count(),
                    1
                );
                assert!(
                    p.path.starts_with('/') && !p.path.contains('?'),
                    "{:?}",
                    p.path
                );
            }
            Err(e) => assert_eq!(e.code, ErrorCode::InvalidArgument),
        }
    }
});

//! Base URLs, request targets and links (`parts::BaseUrl::parse`, `BaseUrl::resolve`,
//! `BaseUrl::follow`, `parts::prepare_request`): a base URL is https (or http on loopback only), normalised,
//! holds no user credentials and keeps the whole authority it was given; a resolved target never leaves the base
//! origin; a prepared request carries only safe headers and never an Authorization header
//! from the caller.
#![no_main]

use ankorstore_client::parts::{prepare_request, BaseUrl, Redactor};
use ankorstore_client::{ApiRequest, ErrorCode};
use fuzz_support::{expected_host, fields, is_loopback_host, same_ipv6, written_authority};
use libfuzzer_sys::fuzz_target;

/// Checks what a fetch implementation would see in `url`: it starts with the origin and a
/// slash (so the authority is exactly the origin's), is fully encoded (visible ASCII only:
/// the WHATWG serialisation) and holds no fragment or backslash.
fn assert_on_origin(url: &str, base: &BaseUrl) {
    let prefix = format!("{}/", base.origin());
    assert!(url.starts_with(&prefix), "{url:?} left {prefix:?}");
    assert!(url.bytes().all(|b| b.is_ascii_graphic()), "{url:?}");
    assert!(!url.contains(['\\', '#']), "{url:?}");
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
    assert!(s.bytes().all(|b| b.is_ascii_graphic()), "{s:?}");
    let origin = base.origin();
    let (scheme, authority) = origin.split_once("://").unwrap();
    let (host, port) = match authority.strip_prefix('[') {
        Some(v6) => authority.split_at(v6.find(']').unwrap() + 2),
        None => authority.split_at(authority.find(':').unwrap_or(authority.len())),
    };
    assert_eq!(host, host.to_ascii_lowercase());
    match scheme {
        "https" => {}
        "http" => assert!(is_loopback_host(host), "plain http to {host:?}"),
        other => panic!("scheme {other:?}"),
    }

    // Nothing of the input's authority was dropped: the host is the one written (as the
    // WHATWG parser normalises it), then at most the port written.
    let written = written_authority(input).expect("an accepted URL has an authority");
    assert!(!written.credentials, "{input:?} holds user credentials");
    let same_host = match expected_host(&written.host) {
        Some(expected) => expected == host,
        None if written.host.starts_with('[') => same_ipv6(&written.host, host)
            .unwrap_or_else(|| panic!("{input:?}: IPv6 host {:?} read as {host:?}", written.host)),
        // A non-ASCII name (IDNA): only its shape is checked.
        None => !host.is_empty() && host.is_ascii(),
    };
    assert!(same_host, "{input:?} read as host {host:?}");
    let written_port = written.port.strip_prefix(':').map(|p| {
        assert!(
            p.bytes().all(|b| b.is_ascii_digit()),
            "{input:?} read as {origin:?}: {:?} was dropped",
            written.port
        );
        p.trim_start_matches('0')
    });
    assert!(
        written.port.is_empty() || written_port.is_some(),
        "{input:?} read as {origin:?}: {:?} was dropped",
        written.port
    );
    let default = if scheme == "https" { "443" } else { "80" };
    let expected_port = match written_port {
        None | Some("") => "",
        Some(p) if p == default => "",
        Some(p) => p,
    };
    assert_eq!(
        port.strip_prefix(':').unwrap_or(""),
        expected_port,
        "{input:?} read as {origin:?}"
    );
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
        // A link found in the answer to a page (links.next): resolved against the page, it
        // stays on the origin, under the base path, and resolves to itself again.
        for page in ["/v1/orders/", target.as_str()] {
            if let Ok(url) = base.follow(page, &query) {
                assert_on_origin(&url, base);
                let under = base.as_string();
                let rest = &url[under.len().min(url.len())..];
                assert!(
                    url.starts_with(&under) && (rest.is_empty() || rest.starts_with(['/', '?'])),
                    "{url:?} left {under:?}"
                );
                assert_eq!(base.resolve(&url).as_deref(), Ok(url.as_str()));
            }
        }
        let call = ApiRequest {
            method: method.clone(),
            path: target.clone(),
            query: vec![(query.clone(), body.clone())],
            headers: vec![(header_name.clone(), header_value.clone())],
            body: (!body.is_empty()).then(|| body.clone()),
        };
        match prepare_request(base, &call, &Redactor::new()) {
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
                    assert!(value.chars().all(|c| (c as u32) <= 0xff), "{value:?}");
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

//! Base URLs and request targets: `https` except for loopback, same-origin checks, query
//! strings. Parsing is the WHATWG URL parser's (see [`whatwg`]), so the client checks exactly
//! the URL that `fetch` will request.

mod whatwg;

use crate::encode;

/// A validated base URL: `scheme://host[:port][/path]`, as the WHATWG parser normalises it
/// (lower-case scheme and host, default port dropped), without a trailing slash, credentials,
/// query or fragment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BaseUrl {
    origin: String,
    path: String,
}

/// Why a URL was refused: the rest of a sentence that starts with the URL's name
/// ("options.baseUrl …", "path …"). It never quotes the URL.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UrlError(pub &'static str);

impl BaseUrl {
    /// Parses and normalises a base URL. Plain `http:` is accepted only for loopback hosts
    /// (`localhost`, `127.0.0.0/8`, `[::1]`), so credentials never travel in clear text.
    pub fn parse(input: &str) -> Result<BaseUrl, UrlError> {
        check_chars(input)?;
        if input.contains(['?', '#']) {
            return Err(UrlError("must not contain a query or a fragment"));
        }
        check_segments(path_of_absolute(input))?;
        let url = whatwg::parse(input).ok_or(UrlError(
            "must be an absolute URL such as https://www.ankorstore.com",
        ))?;
        let scheme = url.scheme();
        if scheme != "https" && scheme != "http" {
            return Err(UrlError("must use https"));
        }
        if url.has_credentials() {
            return Err(UrlError("must not contain user credentials"));
        }
        if url.port() == Some(0) {
            return Err(UrlError("has an invalid port"));
        }
        if !is_plain_host(url.hostname()) {
            return Err(UrlError("has an invalid host"));
        }
        if scheme == "http" && !is_loopback(url.hostname()) {
            return Err(UrlError(
                "must use https; plain http is only allowed for localhost, 127.0.0.0/8 and [::1]",
            ));
        }
        Ok(BaseUrl {
            origin: url.origin(),
            path: url.path().trim_end_matches('/').to_string(),
        })
    }

    /// `scheme://host[:port]`.
    pub fn origin(&self) -> &str {
        &self.origin
    }

    /// The normalised URL, without a trailing slash.
    pub fn as_string(&self) -> String {
        format!("{}{}", self.origin, self.path)
    }

    /// The URL of `path` (a constant of the client that starts with `/`) under this base.
    pub fn join(&self, path: &str) -> String {
        format!("{}{}{}", self.origin, self.path, path)
    }

    /// Resolves the target of a `request()` call: a path starting with `/` is appended to the
    /// base URL; an absolute URL is accepted only on this origin (to follow `links.next`).
    /// Anything else is refused, so the token never leaves for another host. The result is
    /// the URL as the WHATWG parser serialises it, without fragment.
    pub fn resolve(&self, target: &str) -> Result<String, UrlError> {
        let target = target.split('#').next().unwrap_or("");
        check_chars(target)?;
        let (candidate, raw_path) = if target.starts_with('/') {
            (self.join(target), target)
        } else if is_http_url(target) {
            (target.to_string(), path_of_absolute(target))
        } else {
            return Err(UrlError(
                "must be a path starting with \"/\" or an absolute URL on the client's origin",
            ));
        };
        // Before the parser, which would resolve them: `..` leaves the API's path (the token
        // then reaches whatever the host serves there).
        check_segments(raw_path)?;
        let url = whatwg::parse(&candidate).ok_or(UrlError("is not a valid URL"))?;
        if url.has_credentials() || url.origin() != self.origin {
            return Err(UrlError(
                "points to another origin, and this client only sends its token to its own",
            ));
        }
        if !self.path.is_empty()
            && url.path() != self.path
            && !url.path().starts_with(&format!("{}/", self.path))
        {
            return Err(UrlError("is outside the base URL's path"));
        }
        Ok(url.into_string())
    }

    /// Resolves a link found in the answer to `page` (a target `resolve` accepted), such as
    /// `links.next`: a URI reference, resolved against the page's URL as a browser would (so
    /// `/api/v1/orders?page[after]=x` keeps the base URL's path instead of doubling it), then
    /// held to the rules of `resolve`.
    pub fn follow(&self, page: &str, link: &str) -> Result<String, UrlError> {
        let link = link.split('#').next().unwrap_or("");
        if link.is_empty() || is_http_url(link) {
            return self.resolve(link);
        }
        check_chars(link)?;
        // Before the parser resolves them, as in `resolve`.
        check_segments(link)?;
        let page = self.resolve(page)?;
        let url = whatwg::join(&page, link).ok_or(UrlError("is not a valid URL"))?;
        self.resolve(url.as_str())
    }
}

/// The path of an absolute URL as written: from the first `/` after the authority to the
/// query (empty when there is none).
fn path_of_absolute(url: &str) -> &str {
    let rest = url.split_once("://").map_or("", |(_, rest)| rest);
    let path = rest.find(['/', '?']).map_or("", |i| &rest[i..]);
    path.split('?').next().unwrap_or("")
}

/// Refuses `.` and `..` path segments, raw or percent-encoded (`%2e`, `%2E`), which the URL
/// parser (and `fetch`) would resolve away.
fn check_segments(path: &str) -> Result<(), UrlError> {
    let path = path.split('?').next().unwrap_or("");
    for segment in path.split('/') {
        let decoded = segment.replace("%2e", ".").replace("%2E", ".");
        if decoded == "." || decoded == ".." {
            return Err(UrlError(
                "holds a \".\" or \"..\" segment (raw or percent-encoded), which would leave the API's path",
            ));
        }
    }
    Ok(())
}

/// Whether `text` starts with `http://` or `https://`, in any case.
fn is_http_url(text: &str) -> bool {
    let head = text.get(..8).unwrap_or(text).to_ascii_lowercase();
    head.starts_with("http://") || head.starts_with("https://")
}

/// Whether `host` (as the WHATWG parser writes it: lower case, IPv4 in dotted decimal, IPv6
/// in brackets) is a loopback host.
pub fn is_loopback(host: &str) -> bool {
    host == "localhost"
        || host == "[::1]"
        || host.strip_prefix("127.").is_some_and(|rest| {
            rest.split('.').count() == 3 && rest.bytes().all(|b| b.is_ascii_digit() || b == b'.')
        })
}

/// Whether `host` is a DNS name of letters, digits, `-` and `_`, or an IP address: what the
/// standard allows, checked here because parsers differ (Chromium keeps `bad%20host`).
fn is_plain_host(host: &str) -> bool {
    if let Some(ip) = host.strip_prefix('[').and_then(|h| h.strip_suffix(']')) {
        return !ip.is_empty()
            && ip
                .bytes()
                .all(|b| b.is_ascii_hexdigit() || b == b':' || b == b'.');
    }
    !host.is_empty()
        && host.split('.').all(|label| {
            !label.is_empty()
                && label
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        })
}

/// Refuses control characters (the parser would silently drop tabs and line breaks) and
/// backslashes (a slash for the parser, but not for every server).
fn check_chars(text: &str) -> Result<(), UrlError> {
    if text.chars().any(|c| c.is_control() || c == '\\') {
        return Err(UrlError("contains control characters or backslashes"));
    }
    Ok(())
}

/// Appends `name=value` pairs to `url`, after `?` or `&` as needed, each part
/// percent-encoded (RFC 3986 unreserved characters stay; a space is `%20`).
pub fn append_query(url: &mut String, pairs: &[(String, String)]) {
    for (name, value) in pairs {
        url.push(if url.contains('?') { '&' } else { '?' });
        encode::push_component(name, url);
        url.push('=');
        encode::push_component(value, url);
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Cases tests/cases/urls.txt cannot hold (that file runs in tests/core and in wasm).
    #[test]
    fn controls_and_empty_input() {
        for bad in ["", "https://a.com/\n", "/a\r\nb"] {
            assert!(
                BaseUrl::parse(bad).is_err() || bad.starts_with('/'),
                "{bad:?}"
            );
        }
        let b = BaseUrl::parse("http://127.0.0.1:8787").unwrap();
        for bad in ["", "/a\r\nb"] {
            assert!(b.resolve(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn dot_segments_are_refused_raw_or_encoded() {
        let b = BaseUrl::parse("https://www.ankorstore.com").unwrap();
        for bad in [
            "/api/v1/../../oauth/token",
            "/api/v1/%2e%2e/%2E%2E/oauth/token",
            "/api/v1/.%2e/x",
            "/api/./v1",
            "/api/v1/..",
            "https://www.ankorstore.com/api/v1/../../../mock/__mock/echo",
            "https://www.ankorstore.com/api/%2E%2E/x?y=1",
        ] {
            assert!(b.resolve(bad).is_err(), "{bad}");
        }
        // Dots inside a segment, or in the query, are fine.
        for ok in [
            "/api/v1/a..b",
            "/api/v1/.well-known",
            "/api/v1/x?path=../y",
            "/api/v1/%2e%2ex",
        ] {
            assert!(b.resolve(ok).is_ok(), "{ok}");
        }
        assert!(BaseUrl::parse("https://h.example/api/../admin").is_err());
    }

    #[test]
    fn same_origin_urls_stay_under_the_base_path() {
        let b = BaseUrl::parse("https://h.example/api").unwrap();
        assert_eq!(
            b.resolve("/v1/orders").unwrap(),
            "https://h.example/api/v1/orders"
        );
        assert_eq!(
            b.resolve("https://h.example/api/v1/orders?page=2").unwrap(),
            "https://h.example/api/v1/orders?page=2"
        );
        for bad in [
            "https://h.example/admin",
            "https://h.example/apix/v1",
            "https://h.example/",
        ] {
            assert!(b.resolve(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn query_encoding() {
        let mut url = "https://x.com/a".to_string();
        append_query(
            &mut url,
            &[
                ("page[limit]".into(), "10".into()),
                ("q".into(), "a b&c".into()),
            ],
        );
        assert_eq!(url, "https://x.com/a?page%5Blimit%5D=10&q=a%20b%26c");
    }

    proptest! {
        #[test]
        fn parse_never_panics_and_output_reparses(s in ".{0,80}") {
            if let Ok(b) = BaseUrl::parse(&s) {
                let again = BaseUrl::parse(&b.as_string()).unwrap();
                prop_assert_eq!(again, b);
            }
        }

        #[test]
        fn resolve_never_leaves_the_origin(s in ".{0,80}") {
            let b = BaseUrl::parse("https://www.ankorstore.com").unwrap();
            if let Ok(url) = b.resolve(&s) {
                prop_assert!(url.starts_with("https://www.ankorstore.com/"));
            }
        }

        #[test]
        fn url_like_inputs(scheme in "(https?|HTTP|ftp)", host in "[a-z0-9.\\[\\]:@-]{0,20}", rest in "[/a-z?#:@%]{0,10}") {
            let s = format!("{scheme}://{host}{rest}");
            let _ = BaseUrl::parse(&s);
            let b = BaseUrl::parse("https://www.ankorstore.com").unwrap();
            if let Ok(url) = b.resolve(&s) {
                prop_assert!(url.starts_with("https://www.ankorstore.com/"));
            }
        }
    }
}

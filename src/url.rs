//! Base URLs and request targets: strict parsing, `https` except for loopback, same-origin
//! checks, and query encoding.

use crate::form::push_percent;

/// A validated base URL: `scheme://host[:port][/path]`, lower-case scheme and host, default
/// port dropped, no trailing slash, no credentials, query or fragment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BaseUrl {
    origin: String,
    path: String,
}

/// Why a URL was refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UrlError(pub String);

impl BaseUrl {
    /// Parses and normalises a base URL. Plain `http:` is accepted only for loopback hosts
    /// (`localhost`, `127.0.0.0/8`, `[::1]`), so credentials never travel in clear text.
    pub fn parse(input: &str) -> Result<BaseUrl, UrlError> {
        let (origin, rest) = parse_origin(input)?;
        if rest.contains(['?', '#']) {
            return Err(UrlError("must not contain a query or a fragment".into()));
        }
        check_path_chars(rest)?;
        let path = rest.trim_end_matches('/').to_string();
        Ok(BaseUrl { origin, path })
    }

    /// `scheme://host[:port]`.
    pub fn origin(&self) -> &str {
        &self.origin
    }

    /// The normalised URL, without a trailing slash.
    pub fn as_string(&self) -> String {
        format!("{}{}", self.origin, self.path)
    }

    /// The URL of `path` (which starts with `/`) under this base.
    pub fn join(&self, path: &str) -> String {
        format!("{}{}{}", self.origin, self.path, path)
    }

    /// Resolves the target of a `request()` call: a path starting with `/` is appended to the
    /// base URL; an absolute URL is accepted only on this origin (to follow `links.next`).
    /// Anything else is refused, so the token never leaves for another host.
    pub fn resolve(&self, target: &str) -> Result<String, UrlError> {
        let target = target.split('#').next().unwrap_or("");
        if target.starts_with('/') {
            check_path_chars(target)?;
            return Ok(self.join(&encode_unsafe(target)));
        }
        let lower = target.get(..8).unwrap_or(target).to_ascii_lowercase();
        if !(lower.starts_with("http://") || lower.starts_with("https://")) {
            return Err(UrlError(
                "must be a path starting with \"/\" or an absolute URL on the client's origin"
                    .into(),
            ));
        }
        let (origin, rest) =
            parse_origin(target).map_err(|e| UrlError(format!("is not a valid URL: {}", e.0)))?;
        if origin != self.origin {
            return Err(UrlError(format!(
                "points to {origin}, but this client only sends its token to {}",
                self.origin
            )));
        }
        check_path_chars(rest)?;
        // `https://host?x` means `https://host/?x`.
        let slash = if rest.starts_with('/') { "" } else { "/" };
        Ok(format!("{origin}{slash}{}", encode_unsafe(rest)))
    }
}

/// Whether `host` (lower-case, IPv6 in brackets) is a loopback host.
pub fn is_loopback(host: &str) -> bool {
    if host == "localhost" || host == "[::1]" {
        return true;
    }
    parse_ipv4(host).is_some_and(|octets| octets[0] == 127)
}

fn parse_ipv4(host: &str) -> Option<[u8; 4]> {
    let mut octets = [0u8; 4];
    let mut parts = host.split('.');
    for octet in &mut octets {
        let part = parts.next()?;
        if part.is_empty() || part.len() > 3 || !part.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        *octet = part.parse().ok()?;
    }
    parts.next().is_none().then_some(octets)
}

/// Splits `scheme://authority` from the rest and returns the normalised origin.
fn parse_origin(input: &str) -> Result<(String, &str), UrlError> {
    let (scheme, after) = input.split_once("://").ok_or_else(|| {
        UrlError("must be an absolute URL such as https://www.ankorstore.com".into())
    })?;
    let scheme = scheme.to_ascii_lowercase();
    let default_port = match scheme.as_str() {
        "https" => 443,
        "http" => 80,
        _ => return Err(UrlError(format!("must use https (got \"{scheme}:\")"))),
    };
    let end = after.find(['/', '?', '#']).unwrap_or(after.len());
    let (authority, rest) = after.split_at(end);
    if authority.contains('@') {
        return Err(UrlError("must not contain user credentials".into()));
    }
    let (host, port) = split_host_port(authority)?;
    let host = host.to_ascii_lowercase();
    check_host(&host)?;
    if scheme == "http" && !is_loopback(&host) {
        return Err(UrlError(
            "must use https; plain http is only allowed for localhost, 127.0.0.0/8 and [::1]"
                .into(),
        ));
    }
    let origin = match port {
        Some(p) if p != default_port => format!("{scheme}://{host}:{p}"),
        _ => format!("{scheme}://{host}"),
    };
    Ok((origin, rest))
}

fn split_host_port(authority: &str) -> Result<(&str, Option<u16>), UrlError> {
    let (host, port) = if authority.starts_with('[') {
        match authority.find(']') {
            Some(i) => {
                let (h, p) = authority.split_at(i + 1);
                if !p.is_empty() && !p.starts_with(':') {
                    return Err(UrlError("has characters after its IPv6 address".into()));
                }
                (h, p.strip_prefix(':'))
            }
            None => return Err(UrlError("has an unterminated IPv6 address".into())),
        }
    } else {
        match authority.rsplit_once(':') {
            Some((h, p)) => (h, Some(p)),
            None => (authority, None),
        }
    };
    let port = match port {
        None => None,
        Some(p) => {
            let valid = !p.is_empty() && p.len() <= 5 && p.bytes().all(|b| b.is_ascii_digit());
            match p.parse::<u16>() {
                Ok(n) if valid && n > 0 => Some(n),
                _ => return Err(UrlError(format!("has an invalid port \"{p}\""))),
            }
        }
    };
    Ok((host, port))
}

fn check_host(host: &str) -> Result<(), UrlError> {
    if host.is_empty() {
        return Err(UrlError("has no host".into()));
    }
    let ok = if let Some(inner) = host.strip_prefix('[') {
        inner.strip_suffix(']').is_some_and(|ip| {
            !ip.is_empty()
                && ip
                    .bytes()
                    .all(|b| b.is_ascii_hexdigit() || b == b':' || b == b'.')
        })
    } else {
        host.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && label
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        }) && host.len() <= 253
    };
    if ok {
        Ok(())
    } else {
        Err(UrlError("has an invalid host".into()))
    }
}

/// Refuses control characters and backslashes, which fetch implementations treat
/// differently (a backslash is a slash for some of them).
fn check_path_chars(path: &str) -> Result<(), UrlError> {
    if path.chars().any(|c| c.is_control() || c == '\\') {
        return Err(UrlError(
            "contains control characters or backslashes".into(),
        ));
    }
    Ok(())
}

/// Percent-encodes spaces and non-ASCII characters, leaving everything else (including
/// existing `%XX` escapes) as given.
fn encode_unsafe(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for c in path.chars() {
        if c.is_ascii_graphic() && c != '"' && c != '<' && c != '>' && c != '`' {
            out.push(c);
        } else {
            let mut buf = [0u8; 4];
            for &b in c.encode_utf8(&mut buf).as_bytes() {
                push_percent(b, &mut out);
            }
        }
    }
    out
}

/// Encodes a query component: RFC 3986 unreserved characters stay, every other byte is
/// `%XX` (a space is `%20`).
pub fn encode_query_component(text: &str, out: &mut String) {
    for &b in text.as_bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(b as char);
        } else {
            push_percent(b, out);
        }
    }
}

/// Appends `name=value` pairs to `url`, after `?` or `&` as needed.
pub fn append_query(url: &mut String, pairs: &[(String, String)]) {
    for (name, value) in pairs {
        url.push(if url.contains('?') { '&' } else { '?' });
        encode_query_component(name, url);
        url.push('=');
        encode_query_component(value, url);
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn ok(s: &str) -> String {
        BaseUrl::parse(s).unwrap().as_string()
    }

    #[test]
    fn normalises_base_urls() {
        assert_eq!(
            ok("https://www.ankorstore.com/"),
            "https://www.ankorstore.com"
        );
        assert_eq!(
            ok("HTTPS://WWW.Ankorstore.com:443//"),
            "https://www.ankorstore.com"
        );
        assert_eq!(
            ok("https://h.example:8443/api/"),
            "https://h.example:8443/api"
        );
        assert_eq!(ok("http://127.0.0.1:8787"), "http://127.0.0.1:8787");
        assert_eq!(ok("http://localhost:80/"), "http://localhost");
        assert_eq!(ok("http://[::1]:3000"), "http://[::1]:3000");
        assert_eq!(ok("http://127.10.0.3"), "http://127.10.0.3");
    }

    #[test]
    fn refuses_bad_base_urls() {
        for bad in [
            "http://www.ankorstore.com",
            "http://128.0.0.1",
            "http://127.0.0.1.evil.com",
            "http://localhost.evil.com",
            "ftp://x.com",
            "www.ankorstore.com",
            "https://",
            "https://user:pw@www.ankorstore.com",
            "https://www.ankorstore.com?x=1",
            "https://www.ankorstore.com/#f",
            "https://www.ankorstore.com:0",
            "https://www.ankorstore.com:99999",
            "https://www.ankorstore.com:x",
            "https://bad host.com",
            "https://[::1",
            "http://[::1]evil.example/api",
            "",
            "https://a.com/\n",
        ] {
            assert!(BaseUrl::parse(bad).is_err(), "{bad:?} should be refused");
        }
    }

    #[test]
    fn resolves_paths_and_same_origin_urls_only() {
        let b = BaseUrl::parse("http://127.0.0.1:8787").unwrap();
        assert_eq!(
            b.resolve("http://127.0.0.1:8787?page=2").unwrap(),
            "http://127.0.0.1:8787/?page=2"
        );
        assert_eq!(
            b.resolve("http://127.0.0.1:8787").unwrap(),
            "http://127.0.0.1:8787/"
        );
        assert_eq!(
            b.resolve("/api/v1/orders").unwrap(),
            "http://127.0.0.1:8787/api/v1/orders"
        );
        assert_eq!(
            b.resolve("http://127.0.0.1:8787/api/v1/orders?page%5Bafter%5D=x")
                .unwrap(),
            "http://127.0.0.1:8787/api/v1/orders?page%5Bafter%5D=x"
        );
        assert_eq!(
            b.resolve("/a b/é#frag").unwrap(),
            "http://127.0.0.1:8787/a%20b/%C3%A9"
        );
        for bad in [
            "api/v1/orders",
            "http://127.0.0.1:8788/api",
            "https://127.0.0.1:8787/api",
            "http://evil.com/api",
            "http://127.0.0.1:8787@evil.com/",
            "javascript:alert(1)",
            "",
            "/a\r\nb",
        ] {
            assert!(b.resolve(bad).is_err(), "{bad:?} should be refused");
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

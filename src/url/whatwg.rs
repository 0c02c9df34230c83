//! The WHATWG URL parser, as `fetch` itself applies it: the runtime's own `URL` in the wasm
//! build (no parser shipped in the wasm), the `url` crate natively (cargo tests, fuzzing).
//! Both implement the same standard; `tests/wasm_layer.rs` runs the URL cases in both.
//!
//! Only the serialised URL (`href`) crosses back: its parts are read from that canonical
//! form ([`Href`]), one call into JavaScript instead of one per part.

/// Parses an absolute URL into its canonical serialisation.
pub fn parse(input: &str) -> Option<Href> {
    #[cfg(target_arch = "wasm32")]
    let href = web_sys::Url::new(input).ok().map(|url| url.href());
    #[cfg(not(target_arch = "wasm32"))]
    let href = url::Url::parse(input).ok().map(String::from);
    href.map(Href::new)
}

/// Resolves `reference` (a URI reference: `/path`, `?query`, `page2`…) against the absolute
/// URL `base`, as a browser resolves a link.
pub fn join(base: &str, reference: &str) -> Option<Href> {
    #[cfg(target_arch = "wasm32")]
    let href = web_sys::Url::new_with_base(reference, base)
        .ok()
        .map(|url| url.href());
    #[cfg(not(target_arch = "wasm32"))]
    let href = url::Url::parse(base)
        .and_then(|base| base.join(reference))
        .ok()
        .map(String::from);
    href.map(Href::new)
}

/// A URL as the WHATWG parser serialises it: `scheme:` then, for http(s), `//`, optional
/// `user[:password]@`, the host (lower case, IPv4 dotted decimal, IPv6 in brackets), an
/// optional `:port` (never the default one), a path starting with `/`, then `?query` and
/// `#fragment` when present. The positions of the parts are found once, in one pass.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Href {
    text: String,
    /// Where the user info ends (after `@`), or the authority starts.
    host: usize,
    /// Where the `:port` starts, or the host ends.
    port: usize,
    /// Where the path starts (the authority ends).
    path: usize,
    /// Where the path ends.
    end: usize,
}

impl Href {
    fn new(text: String) -> Href {
        let bytes = text.as_bytes();
        let scheme = bytes.iter().position(|&b| b == b':').unwrap_or(0);
        let start = if bytes[scheme..].starts_with(b"://") {
            scheme + 3
        } else {
            scheme
        };
        let mut host = start;
        let mut port = None;
        let mut path = bytes.len();
        for (i, &b) in bytes.iter().enumerate().skip(start) {
            match b {
                b'@' => {
                    host = i + 1;
                    port = None;
                }
                b':' => port = Some(i),
                b']' => port = None,
                b'/' | b'?' | b'#' => {
                    path = i;
                    break;
                }
                _ => {}
            }
        }
        let end = bytes[path..]
            .iter()
            .position(|&b| b == b'?' || b == b'#')
            .map_or(bytes.len(), |i| path + i);
        Href {
            port: port.unwrap_or(path),
            host,
            path,
            end,
            text,
        }
    }

    /// `https`, `http`, `ftp`…
    pub fn scheme(&self) -> &str {
        self.text.split(':').next().unwrap_or("")
    }

    /// Whether a user name or password is present.
    pub fn has_credentials(&self) -> bool {
        self.text[..self.host].ends_with('@')
    }

    /// The host.
    pub fn hostname(&self) -> &str {
        &self.text[self.host..self.port]
    }

    /// The port, when it is not the scheme's default.
    pub fn port(&self) -> Option<u16> {
        self.text[self.port..self.path]
            .strip_prefix(':')?
            .parse()
            .ok()
    }

    /// `scheme://host[:port]`.
    pub fn origin(&self) -> String {
        format!("{}://{}", self.scheme(), &self.text[self.host..self.path])
    }

    /// The path, `/` at least for http(s).
    pub fn path(&self) -> &str {
        &self.text[self.path..self.end]
    }

    /// The whole serialised URL.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The whole serialised URL.
    pub fn into_string(self) -> String {
        self.text
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    #[test]
    fn reads_the_parts_of_canonical_urls() {
        let u = parse("HTTP://user:pw@[::1]:8080/a/b?c=1#d").unwrap();
        assert_eq!(
            u.clone().into_string(),
            "http://user:pw@[::1]:8080/a/b?c=1#d"
        );
        assert_eq!(
            (u.scheme(), u.hostname(), u.port(), u.path()),
            ("http", "[::1]", Some(8080), "/a/b")
        );
        assert!(u.has_credentials());
        assert_eq!(
            u.origin(),
            "http://user:pw@[::1]:8080".replace("user:pw@", "")
        );
        let v = parse("https://www.Ankorstore.com:443").unwrap();
        assert_eq!(
            (v.hostname(), v.port(), v.path(), v.origin().as_str()),
            (
                "www.ankorstore.com",
                None,
                "/",
                "https://www.ankorstore.com"
            )
        );
        assert!(!v.has_credentials());
        let w = parse("http://127.1:9?x").unwrap();
        assert_eq!(
            (w.hostname(), w.port(), w.path()),
            ("127.0.0.1", Some(9), "/")
        );
    }
}

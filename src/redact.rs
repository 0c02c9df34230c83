//! Removes credentials from text that came from a server before it reaches a user.
//!
//! A server may echo what it received (a misconfigured proxy, a debug page, an error that
//! quotes the request). Everything the client surfaces from a response goes through a
//! [`Redactor`] that knows the secret and the tokens in play, in every encoding they may have
//! travelled in, and also masks anything shaped like a bearer token or a JWT.

use crate::form::{encode_component, push_percent};
use crate::url::encode_query_component;

/// What replaces a credential.
pub const REDACTED: &str = "[redacted]";

/// A set of credentials to cut out of text.
#[derive(Clone, Debug, Default)]
pub struct Redactor {
    needles: Vec<String>,
}

impl Redactor {
    /// An empty redactor (it still masks bearer tokens and JWT-shaped strings).
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a credential and its encoded forms: form-encoded, percent-encoded (upper and
    /// lower-case hex) and JSON-escaped.
    pub fn add(&mut self, credential: &str) {
        if credential.is_empty() {
            return;
        }
        let mut form = String::new();
        encode_component(credential, &mut form);
        let mut query = String::new();
        encode_query_component(credential, &mut query);
        let lower = lower_hex_escapes(&query);
        let uri = encode_uri(credential);
        let url_query = encode_url_query(credential);
        let uri_lower = lower_hex_escapes(&uri);
        let json = json_escape(credential);
        for variant in [
            credential.to_string(),
            form,
            query,
            lower,
            uri,
            uri_lower,
            url_query,
            json,
        ] {
            if !self.needles.contains(&variant) {
                // Longest first, so a credential is cut whole before any shorter one inside
                // it. (An insertion, not a sort: the sort routines cost kilobytes of wasm.)
                let at = self.needles.iter().position(|n| n.len() < variant.len());
                self.needles
                    .insert(at.unwrap_or(self.needles.len()), variant);
            }
        }
    }

    /// A copy of this redactor that also knows `credential`.
    pub fn with(&self, credential: &str) -> Redactor {
        let mut r = self.clone();
        r.add(credential);
        r
    }

    /// `text` with every known credential and every token-shaped string replaced.
    pub fn apply(&self, text: &str) -> String {
        let mut out = mask_token_shapes(text);
        // A replacement can join with its neighbours into a new match (secret `x[r` in
        // `xx[r`), so repeat until nothing is found; give up on the text if that never ends.
        for _ in 0..4 {
            let mut changed = false;
            for needle in &self.needles {
                if out.contains(needle.as_str()) {
                    out = out.replace(needle.as_str(), REDACTED);
                    changed = true;
                }
            }
            if !changed {
                return out;
            }
        }
        if self.needles.iter().any(|n| out.contains(n.as_str())) {
            REDACTED.to_string()
        } else {
            out
        }
    }
}

/// JavaScript's `encodeURI`: what a server quoting a whole URL (with the credential in its
/// query) would show. Reserved characters stay as they are.
fn encode_uri(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for &b in text.as_bytes() {
        if b.is_ascii_alphanumeric() || b";,/?:@&=+$-_.!~*'()#".contains(&b) {
            out.push(b as char);
        } else {
            push_percent(b, &mut out);
        }
    }
    out
}

/// The WHATWG URL parser's query encoding (`new URL(…).search`): only spaces, quotes, `#`,
/// `<`, `>`, controls and non-ASCII bytes are escaped; `%` stays as it is.
fn encode_url_query(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for &b in text.as_bytes() {
        if b <= b' ' || b >= 0x7f || b"\"#<>'".contains(&b) {
            push_percent(b, &mut out);
        } else {
            out.push(b as char);
        }
    }
    out
}

fn lower_hex_escapes(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut after_percent = 0;
    for c in s.chars() {
        if c == '%' {
            after_percent = 2;
            out.push(c);
        } else if after_percent > 0 {
            after_percent -= 1;
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

fn json_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '/' => out.push('/'),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out
}

fn is_token_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"-._~+/=".contains(&b)
}

/// Masks `Bearer <token>` and JWT-shaped words (`eyJ…` with at least two dots).
fn mask_token_shapes(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    let mut copied = 0;
    while i < bytes.len() {
        let rest = &bytes[i..];
        let at_word_start = i == 0 || !is_token_char(bytes[i - 1]);
        if at_word_start && rest.len() > 7 && rest[..7].eq_ignore_ascii_case(b"bearer ") {
            let start = i + 7;
            let end = start
                + bytes[start..]
                    .iter()
                    .take_while(|&&b| is_token_char(b))
                    .count();
            if end > start && bytes[start..end] != *REDACTED.as_bytes() {
                out.push_str(&text[copied..start]);
                out.push_str(REDACTED);
                copied = end;
                i = end;
                continue;
            }
        }
        if at_word_start && rest.starts_with(b"eyJ") {
            let len = rest.iter().take_while(|&&b| is_token_char(b)).count();
            let word = &rest[..len];
            if len >= 20 && word.iter().filter(|&&b| b == b'.').count() >= 2 {
                out.push_str(&text[copied..i]);
                out.push_str(REDACTED);
                i += len;
                copied = i;
                continue;
            }
        }
        i += 1;
    }
    out.push_str(&text[copied..]);
    out
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn cuts_every_encoding_of_a_secret() {
        let mut r = Redactor::new();
        r.add("s3cr+t &é\"");
        for shape in [
            "s3cr+t &é\"",
            "s3cr%2Bt+%26%C3%A9%22",
            "s3cr%2Bt%20%26%C3%A9%22",
            "s3cr+t%20&%C3%A9%22",
            "s3cr+t%20&%c3%a9%22",
            "s3cr%2bt%20%26%c3%a9%22",
            "s3cr+t &é\\\"",
        ] {
            let out = r.apply(&format!("bad secret <{shape}>!"));
            assert_eq!(out, "bad secret <[redacted]>!", "{shape}");
        }
    }

    #[test]
    fn cuts_secrets_quoted_inside_urls() {
        let secret = "s3cr+t &x=1 %41 é \"q\"";
        let mut r = Redactor::new();
        r.add(secret);
        for quoted in [
            "https://h/?s3cr+t%20&x=1%20%2541%20%C3%A9%20%22q%22",
            "https://h/?s3cr+t%20&x=1%20%41%20%C3%A9%20%22q%22",
        ] {
            assert!(!r.apply(quoted).contains("s3cr"), "{quoted}");
        }
    }

    #[test]
    fn masks_bearer_and_jwt_shapes() {
        let r = Redactor::new();
        assert_eq!(
            r.apply("got Bearer abc.def-123 here"),
            "got Bearer [redacted] here"
        );
        assert_eq!(
            r.apply("authorization: bearer x"),
            "authorization: bearer [redacted]"
        );
        assert_eq!(
            r.apply("token eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig_part ok"),
            "token [redacted] ok"
        );
        assert_eq!(r.apply("plain message"), "plain message");
        assert_eq!(r.apply("Bearer "), "Bearer ");
    }

    proptest! {
        #[test]
        fn never_leaves_the_secret(secret in "[ -~é]{1,12}", prefix in ".{0,20}", suffix in ".{0,20}") {
            let mut r = Redactor::new();
            r.add(&secret);
            let out = r.apply(&format!("{prefix}{secret}{suffix}"));
            // A secret that is part of the marker itself is the one thing that may remain.
            prop_assert!(!out.contains(&secret) || REDACTED.contains(&secret));
        }

        #[test]
        fn never_panics(text in ".{0,200}") {
            let _ = Redactor::new().apply(&text);
        }
    }
}

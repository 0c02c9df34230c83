//! Removes credentials from text that came from a server (or the platform) before it reaches
//! a user.
//!
//! A server may echo what it received (a misconfigured proxy, a debug page, an error that
//! quotes the request). Everything the client surfaces from a response goes through a
//! [`Redactor`] that knows the secret and the tokens in play, in every encoding they may have
//! travelled in, and also masks anything shaped like a bearer token or a JWT. The client's own
//! words never hold a credential and are never rewritten (see [`Error::redacted`]).

use crate::encode;
use crate::error::Error;

/// What replaces a credential.
pub const REDACTED: &str = "[redacted]";

/// Longest server text kept in a message, in characters (after redaction, so that a cut
/// never splits a credential that redaction would have recognised).
const MAX_DETAIL: usize = 400;

/// Shortest part of a credential that is cut out when it appears on its own: a server that
/// shortens what it echoes (a log line, a debug page) still leaks most of a token.
pub const MIN_FRAGMENT: usize = 12;

/// A set of credentials to cut out of text.
#[derive(Clone, Debug, Default)]
pub struct Redactor {
    needles: Vec<String>,
    /// The credentials as given, in ASCII lower case, for the case-insensitive and prefix
    /// matches of [`Redactor::mask_fragments`].
    lowered: Vec<String>,
}

impl Redactor {
    /// An empty redactor (it still masks bearer tokens and JWT-shaped strings).
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a credential and the shapes it takes in transit: form-encoded, percent-encoded
    /// (upper and lower-case hex, as a component, by `encodeURI` and in a WHATWG query) and
    /// JSON-escaped.
    pub fn add(&mut self, credential: &str) {
        if credential.is_empty() {
            return;
        }
        let lowered = credential.to_ascii_lowercase();
        if lowered.len() >= MIN_FRAGMENT && !self.lowered.contains(&lowered) {
            self.lowered.push(lowered);
        }
        let component = encode::component(credential);
        let uri = encode::uri(credential);
        for variant in [
            credential.to_string(),
            encode::form(credential),
            encode::lower_hex(&component),
            component,
            encode::lower_hex(&uri),
            uri,
            encode::url_query(credential),
            encode::json_escaped(credential),
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
        let mut out = self.mask_fragments(mask_token_shapes(text));
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

    /// Caller input quoted in the client's own words (a path, an option's value or name):
    /// redacted like server text, shortened to `max` characters.
    pub fn quote(&self, text: &str, max: usize) -> String {
        shorten(&self.apply(&one_line(text)), max)
    }
}

impl Error {
    /// The same error with every text that came from a server or the platform passed through
    /// `redactor`. The client's own words are left as they are: they never hold a credential.
    pub fn redacted(mut self, redactor: &Redactor) -> Error {
        self.detail = self
            .detail
            .map(|d| shorten(&redactor.apply(&one_line(&d)), MAX_DETAIL));
        self.oauth_error = self.oauth_error.map(|e| redactor.apply(&e));
        self.errors = self.errors.map(|list| {
            list.iter()
                .map(|e| e.map_strings(&|s| redactor.apply(s)))
                .collect()
        });
        self
    }
}

impl Redactor {
    /// Cuts out, in any letter case, every run of at least [`MIN_FRAGMENT`] characters that
    /// starts a credential: an upper-cased echo, or one a server shortened.
    fn mask_fragments(&self, mut text: String) -> String {
        for credential in &self.lowered {
            let Some(head) = credential.get(..MIN_FRAGMENT) else {
                continue;
            };
            let mut from = 0;
            loop {
                let lower = text.to_ascii_lowercase();
                let Some(start) = lower
                    .get(from..)
                    .and_then(|rest| rest.find(head))
                    .map(|i| from + i)
                else {
                    break;
                };
                let matched = lower.as_bytes()[start..]
                    .iter()
                    .zip(credential.as_bytes())
                    .take_while(|(a, b)| a == b)
                    .count();
                let mut end = start + matched;
                while !text.is_char_boundary(end) {
                    end -= 1;
                }
                text.replace_range(start..end, REDACTED);
                from = start + REDACTED.len();
            }
        }
        text
    }
}

/// Text on one line: control characters become spaces, the ends are trimmed.
fn one_line(text: &str) -> String {
    let clean: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    clean.trim().to_string()
}

fn shorten(text: &str, max: usize) -> String {
    if text.chars().count() > max {
        text.chars().take(max).chain("…".chars()).collect()
    } else {
        text.to_string()
    }
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
    use crate::error::ErrorCode;
    use proptest::prelude::*;

    #[test]
    fn cuts_every_encoding_of_a_secret() {
        let r = Redactor::new().with("s3cr+t &é\"");
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
        let r = Redactor::new().with("s3cr+t &x=1 %41 é \"q\"");
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

    #[test]
    fn errors_keep_the_clients_words_and_lose_the_servers_credentials() {
        let e = Error::new(ErrorCode::RequestFailed, "options.baseUrl must use https")
            .with_detail(Some("token TKN\nin b".into()));
        let mut e = e;
        e.errors = Some(vec![serde_json::from_value(
            serde_json::json!({"detail": "TKN", "meta": {"TKN": ["TKN", 1]}}),
        )
        .unwrap()]);
        e.oauth_error = Some("b_TKN".into());
        let r = Redactor::new().with("TKN").with("b");
        let out = e.redacted(&r);
        assert_eq!(out.message, "options.baseUrl must use https");
        assert_eq!(
            out.detail.as_deref(),
            Some("token [redacted] in [redacted]")
        );
        assert!(!format!("{out:?}").contains("TKN"), "{out:?}");
    }

    #[test]
    fn cuts_upper_cased_and_shortened_echoes() {
        let token = "eyJ0eXAiOiJKV1Qi.payloadPart_123.signature-XYZ";
        let r = Redactor::new().with(token);
        assert_eq!(
            r.apply(&format!("got {}!", token.to_uppercase())),
            "got [redacted]!"
        );
        assert_eq!(
            r.apply(&format!("token {}…", &token[..20])),
            "token [redacted]…"
        );
        assert_eq!(
            r.apply(&format!("a {} b", &token[..MIN_FRAGMENT - 1])),
            format!("a {} b", &token[..MIN_FRAGMENT - 1])
        );
        // A short secret is only cut whole (a fragment of it is no secret).
        let short = Redactor::new().with("abc123");
        assert_eq!(short.apply("x ABC123 abc123"), "x ABC123 [redacted]");
        // Non-ASCII credentials and text keep valid boundaries.
        let r = Redactor::new().with("é-secret-very-long-value");
        assert_eq!(
            r.apply("« É-SECRET-VERY-LONG » é-secret-very-lo"),
            "« É-SECRET-VERY-LONG » [redacted]"
        );
    }

    #[test]
    fn quoting_shortens_after_redacting() {
        let r = Redactor::new().with("SECRET");
        let long = format!("{}SECRET", "x".repeat(10));
        assert_eq!(r.quote(&long, 12), "xxxxxxxxxx[r…");
        assert_eq!(r.quote("a\r\nb", 10), "a  b");
    }

    proptest! {
        #[test]
        fn never_leaves_the_secret(secret in "[ -~é]{1,12}", prefix in ".{0,20}", suffix in ".{0,20}") {
            let r = Redactor::new().with(&secret);
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

//! Percent-encoding, in one place: every encoder the client uses, built on `percent-encoding`
//! and `form_urlencoded`. A leaf module: it depends on nothing else of the crate.

use std::fmt::Write;

use percent_encoding::{utf8_percent_encode, AsciiSet, CONTROLS, NON_ALPHANUMERIC};

/// RFC 3986 unreserved characters stay, every other byte is `%XX`: query names and values,
/// path parameters (a `/` in a value is encoded, never a separator) and store key parts.
const COMPONENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// What JavaScript's `encodeURI` leaves alone, inverted: how a server quoting a whole URL
/// may show a credential that travelled in it.
const URI: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b';')
    .remove(b',')
    .remove(b'/')
    .remove(b'?')
    .remove(b':')
    .remove(b'@')
    .remove(b'&')
    .remove(b'=')
    .remove(b'+')
    .remove(b'$')
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'!')
    .remove(b'~')
    .remove(b'*')
    .remove(b'\'')
    .remove(b'(')
    .remove(b')')
    .remove(b'#');

/// The WHATWG URL parser's query encode set (`new URL(…).search`): `%` itself stays.
const URL_QUERY: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'<')
    .add(b'>')
    .add(b'\'');

/// Appends `text` percent-encoded as one URL component (RFC 3986 unreserved stay).
pub fn push_component(text: &str, out: &mut String) {
    let _ = write!(out, "{}", utf8_percent_encode(text, COMPONENT));
}

/// `text` percent-encoded as one URL component.
pub fn component(text: &str) -> String {
    utf8_percent_encode(text, COMPONENT).to_string()
}

/// `text` as JavaScript's `encodeURI` would write it.
pub fn uri(text: &str) -> String {
    utf8_percent_encode(text, URI).to_string()
}

/// `text` as the WHATWG URL parser writes it in a query.
pub fn url_query(text: &str) -> String {
    utf8_percent_encode(text, URL_QUERY).to_string()
}

/// `text` encoded as one `application/x-www-form-urlencoded` name or value (HTML forms: a
/// space is `+`, `*-._` and alphanumerics stay).
pub fn form(text: &str) -> String {
    form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

/// Name/value pairs as a form body: `a=1&b=2`.
pub fn encode_form<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> String {
    form_urlencoded::Serializer::new(String::new())
        .extend_pairs(pairs)
        .finish()
}

/// The same text with the hex digits of every `%XX` escape in lower case (servers and
/// libraries write either case).
pub fn lower_hex(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut after_percent = 0;
    for c in text.chars() {
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

/// `text` as a JSON string literal's contents (what a server echoing it in JSON shows).
pub fn json_escaped(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out
}

/// A number as JavaScript's `String(n)` writes it (`1.5`, `30000`, `-2`, `NaN`), for query
/// values and messages; but always in decimal, where JavaScript switches to an exponent
/// (beyond 1e21 and below 1e-6), which would cost the float-exponent printer in the wasm.
pub fn js_number(n: f64) -> String {
    if n.is_infinite() {
        return if n > 0.0 { "Infinity" } else { "-Infinity" }.into();
    }
    if n == 0.0 {
        return "0".into(); // -0 too
    }
    format!("{n}")
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Decodes a form component (test oracle, independent of the encoder).
    fn decode_form(s: &str) -> Vec<u8> {
        let b = s.as_bytes();
        let mut out = Vec::new();
        let mut i = 0;
        while i < b.len() {
            match b[i] {
                b'+' => out.push(b' '),
                b'%' => {
                    out.push(u8::from_str_radix(&s[i + 1..i + 3], 16).unwrap());
                    i += 2;
                }
                c => out.push(c),
            }
            i += 1;
        }
        out
    }

    #[test]
    fn form_encoding_is_the_html_one() {
        assert_eq!(form(r#"a+b&c=d%e f"é"#), "a%2Bb%26c%3Dd%25e+f%22%C3%A9");
        assert_eq!(form("*-._~"), "*-._%7E");
        assert_eq!(encode_form([("a b", "1&2"), ("c", "")]), "a+b=1%262&c=");
    }

    #[test]
    fn components_keep_only_unreserved_characters() {
        assert_eq!(component("page[limit]"), "page%5Blimit%5D");
        assert_eq!(component("a b/c~é"), "a%20b%2Fc~%C3%A9");
        assert_eq!(uri("s3cr+t &é"), "s3cr+t%20&%C3%A9");
        assert_eq!(url_query("a b%41\"#'"), "a%20b%41%22%23%27");
        assert_eq!(lower_hex("%C3%A9A"), "%c3%a9A");
        assert_eq!(json_escaped("a\"b\\c\n"), "a\\\"b\\\\c\\u000a");
    }

    #[test]
    fn numbers_read_as_javascript_writes_them() {
        for (n, s) in [
            (30000.0, "30000"),
            (1.5, "1.5"),
            (-2.0, "-2"),
            (-0.0, "0"),
            (0.1, "0.1"),
            (1e21, "1000000000000000000000"),
            (1.5e-7, "0.00000015"),
            (123456789012.0, "123456789012"),
            (f64::NAN, "NaN"),
            (f64::NEG_INFINITY, "-Infinity"),
        ] {
            assert_eq!(js_number(n), s, "{n}");
        }
    }

    proptest! {
        #[test]
        fn form_round_trips_and_stays_in_the_safe_alphabet(s in any::<String>()) {
            let e = form(&s);
            prop_assert!(e.bytes().all(|b| b.is_ascii_alphanumeric() || b"*-._+%".contains(&b)));
            prop_assert_eq!(decode_form(&e), s.as_bytes().to_vec());
        }

        #[test]
        fn components_never_hold_separators(s in any::<String>()) {
            let e = component(&s);
            prop_assert!(e.bytes().all(|b| b.is_ascii_alphanumeric() || b"-._~%".contains(&b)));
        }
    }
}

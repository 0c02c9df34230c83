//! `parts::Redactor`: whatever the text, no added credential (nor any encoding of it the
//! redactor promises: form, percent as a component, by `encodeURI` and in a WHATWG query,
//! both hex cases, JSON) remains, unless it is part of the "[redacted]" marker itself; with
//! no credential, no `Bearer <token>` or JWT-shaped word survives; quoting gives one short
//! line. The input may ask for any shape of a credential to be spliced into the text.
#![no_main]

use ankorstore_client::parts::{Redactor, REDACTED};
use fuzz_support::{
    component_encode, encode_uri, form_encode, json_escape, lower_hex, whatwg_query_encode, SEP,
};
use libfuzzer_sys::fuzz_target;

/// The shapes a credential may travel in, built by the oracle's own encoders.
fn shapes(credential: &str) -> Vec<String> {
    let component = component_encode(credential);
    let uri = encode_uri(credential);
    vec![
        credential.to_string(),
        form_encode(credential),
        lower_hex(&component),
        component,
        lower_hex(&uri),
        uri,
        whatwg_query_encode(credential),
        json_escape(credential),
    ]
}

fn is_token_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"-._~+/=".contains(&b)
}

fn assert_clean(out: &str, credentials: &[String]) {
    for c in credentials.iter().filter(|c| !c.is_empty()) {
        for shape in shapes(c) {
            assert!(
                !out.contains(shape.as_str()) || REDACTED.contains(shape.as_str()),
                "{shape:?} (of {c:?}) left in {out:?}"
            );
        }
    }
}

/// Marks a shape to splice into the text: `SHAPE` then a byte that picks a credential
/// (`b % 3`) and one of its shapes (`b / 3 % 8`). 0xFE never occurs in UTF-8.
const SHAPE: u8 = 0xFE;

/// The text of the input, with the credential shapes it asks for spliced in (so that every
/// encoding is exercised, not only those the fuzzer happens to build).
fn text_with_shapes(raw: &[u8], credentials: &[String]) -> String {
    let mut text = String::new();
    let mut pieces = raw.split(|&b| b == SHAPE);
    text.push_str(&String::from_utf8_lossy(pieces.next().unwrap_or_default()));
    for piece in pieces {
        let Some((&pick, rest)) = piece.split_first() else {
            continue;
        };
        if let Some(c) = credentials.get(usize::from(pick) % 3) {
            if !c.is_empty() {
                text.push_str(&shapes(c)[usize::from(pick) / 3 % 8]);
            }
        }
        text.push_str(&String::from_utf8_lossy(rest));
    }
    text
}

fuzz_target!(|data: &[u8]| {
    // Fields: text, then up to three credentials.
    let mut fields = data.split(|&b| b == SEP);
    let raw_text = fields.next().unwrap_or_default();
    let credentials: Vec<String> = fields
        .take(3)
        .map(|f| String::from_utf8_lossy(f).into_owned())
        .collect();
    let text = text_with_shapes(raw_text, &credentials);

    let mut redactor = Redactor::new();
    for c in &credentials {
        redactor.add(c);
    }
    let out = redactor.apply(&text);
    assert_clean(&out, &credentials);
    // `with` is `add` on a copy.
    let copy = credentials.iter().fold(Redactor::new(), |r, c| r.with(c));
    assert_eq!(copy.apply(&text), out);

    // Quoting caller input: redacted, on one line, at most `max` characters and "…".
    for max in [0, 12, 40] {
        let quoted = redactor.quote(&text, max);
        // (The "…" of a cut is the client's: with what precedes it, it is no credential.)
        assert_clean(quoted.strip_suffix('…').unwrap_or(&quoted), &credentials);
        assert!(!quoted.chars().any(char::is_control), "{quoted:?}");
        assert!(quoted.chars().count() <= max + 1, "{quoted:?}");
    }

    // Shapes alone: no bearer token or JWT at the start of a word survives.
    let masked = Redactor::new().apply(&text);
    let b = masked.as_bytes();
    for i in 0..b.len() {
        let word_start = i == 0 || !is_token_char(b[i - 1]);
        if !word_start {
            continue;
        }
        if b.len() > i + 7 && b[i..i + 7].eq_ignore_ascii_case(b"bearer ") {
            assert!(!is_token_char(b[i + 7]), "bearer token left in {masked:?}");
        }
        if b[i..].starts_with(b"eyJ") {
            let word: Vec<u8> = b[i..]
                .iter()
                .copied()
                .take_while(|&c| is_token_char(c))
                .collect();
            let dots = word.iter().filter(|&&c| c == b'.').count();
            assert!(word.len() < 20 || dots < 2, "JWT left in {masked:?}");
        }
    }
});

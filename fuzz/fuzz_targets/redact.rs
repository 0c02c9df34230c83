//! `redact::Redactor::apply`: whatever the text, no added credential (nor any encoding of it
//! the redactor knows) remains, unless it is part of the "[redacted]" marker itself; and
//! with no credential, no `Bearer <token>` or JWT-shaped word survives.
#![no_main]

use ankorstore_client::form::encode_component;
use ankorstore_client::redact::{Redactor, REDACTED};
use ankorstore_client::url::encode_query_component;
use fuzz_support::SEP;
use libfuzzer_sys::fuzz_target;

/// The encodings a credential may travel in (form, percent with both hex cases, JSON).
fn shapes(credential: &str) -> Vec<String> {
    let mut form = String::new();
    encode_component(credential, &mut form);
    let mut query = String::new();
    encode_query_component(credential, &mut query);
    let lower = {
        let mut out = String::new();
        let mut hex = 0;
        for c in query.chars() {
            if c == '%' {
                hex = 2;
                out.push(c);
            } else if hex > 0 {
                hex -= 1;
                out.push(c.to_ascii_lowercase());
            } else {
                out.push(c);
            }
        }
        out
    };
    let json = credential.replace('\\', "\\\\").replace('"', "\\\"");
    vec![credential.to_string(), form, query, lower, json]
}

fn is_token_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"-._~+/=".contains(&b)
}

fuzz_target!(|data: &[u8]| {
    // Fields: text, then up to three credentials.
    let mut fields = data
        .split(|&b| b == SEP)
        .map(|f| String::from_utf8_lossy(f).into_owned());
    let text = fields.next().unwrap_or_default();
    let credentials: Vec<String> = fields.take(3).collect();

    let mut redactor = Redactor::new();
    for c in &credentials {
        redactor.add(c);
    }
    let out = redactor.apply(&text);
    for c in credentials.iter().filter(|c| !c.is_empty()) {
        let control = c.chars().any(|ch| (ch as u32) < 0x20);
        for shape in shapes(c) {
            // The JSON shape of a credential with control characters is \u00XX, which this
            // oracle does not build; its raw and percent shapes are still checked.
            if control && shape.contains('\\') {
                continue;
            }
            assert!(
                !out.contains(shape.as_str()) || REDACTED.contains(shape.as_str()),
                "{shape:?} left in {out:?}"
            );
        }
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

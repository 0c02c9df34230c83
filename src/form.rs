//! `application/x-www-form-urlencoded` encoding of the token request.

use crate::config::Credentials;

/// Encodes one name or value the way HTML forms do (WHATWG URL standard): ASCII letters,
/// digits and `*-._` stay, a space becomes `+`, every other byte of the UTF-8 text is `%XX`.
pub fn encode_component(text: &str, out: &mut String) {
    for &b in text.as_bytes() {
        match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'*' | b'-' | b'.' | b'_' => {
                out.push(b as char)
            }
            b' ' => out.push('+'),
            _ => push_percent(b, out),
        }
    }
}

/// Appends `%XX` (upper-case hex) for one byte.
pub(crate) fn push_percent(b: u8, out: &mut String) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    out.push('%');
    out.push(HEX[(b >> 4) as usize] as char);
    out.push(HEX[(b & 15) as usize] as char);
}

/// Encodes name/value pairs as a form body: `a=1&b=2`.
pub fn encode_pairs<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> String {
    let mut out = String::new();
    for (i, (name, value)) in pairs.into_iter().enumerate() {
        if i > 0 {
            out.push('&');
        }
        encode_component(name, &mut out);
        out.push('=');
        encode_component(value, &mut out);
    }
    out
}

/// The body of `POST /oauth/token` for the client credentials grant.
pub fn token_request_body(credentials: &Credentials) -> String {
    encode_pairs([
        ("grant_type", "client_credentials"),
        ("client_id", credentials.client_id.as_str()),
        ("client_secret", credentials.client_secret.expose()),
        ("scope", credentials.scope.as_str()),
    ])
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use crate::secret::Secret;
    use proptest::prelude::*;

    fn encode(s: &str) -> String {
        let mut out = String::new();
        encode_component(s, &mut out);
        out
    }

    /// Decodes a form component (test oracle).
    fn decode(s: &str) -> Vec<u8> {
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
    fn encodes_special_characters() {
        assert_eq!(encode(r#"a+b&c=d%e f"é"#), "a%2Bb%26c%3Dd%25e+f%22%C3%A9");
        assert_eq!(encode("*-._~"), "*-._%7E");
        assert_eq!(encode(""), "");
    }

    #[test]
    fn token_body_has_the_grant_and_encoded_credentials() {
        let c = Credentials {
            client_id: "id 1".into(),
            client_secret: Secret::new(r#"s+&=% é""#),
            scope: "*".into(),
        };
        assert_eq!(
            token_request_body(&c),
            "grant_type=client_credentials&client_id=id+1&client_secret=s%2B%26%3D%25+%C3%A9%22&scope=*"
        );
    }

    proptest! {
        #[test]
        fn round_trips_and_stays_in_the_safe_alphabet(s in any::<String>()) {
            let e = encode(&s);
            prop_assert!(e.bytes().all(|b| b.is_ascii_alphanumeric() || b"*-._+%".contains(&b)));
            prop_assert_eq!(decode(&e), s.as_bytes().to_vec());
        }
    }
}

//! The token request's form encoder (`parts::encode_form`, `parts::token_request_body`):
//! output in the safe alphabet, and an independent strict decoder gives back exactly the
//! pairs.
#![no_main]

use ankorstore_client::parts::{encode_form, token_request_body};
use ankorstore_client::{Credentials, Secret};
use fuzz_support::{form_decode, form_encode, SEP};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // Fields alternate name, value, name, value…
    let texts: Vec<String> = data
        .split(|&b| b == SEP)
        .map(|f| String::from_utf8_lossy(f).into_owned())
        .collect();
    let pairs: Vec<(&str, &str)> = texts
        .chunks(2)
        .map(|c| (c[0].as_str(), c.get(1).map_or("", String::as_str)))
        .collect();
    let body = encode_form(pairs.iter().copied());
    assert!(
        body.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"*-._+%=&".contains(&b)),
        "{body:?}"
    );
    let decoded = form_decode(&body).expect("the encoder wrote something undecodable");
    let expected: Vec<(Vec<u8>, Vec<u8>)> = pairs
        .iter()
        .map(|(n, v)| (n.as_bytes().to_vec(), v.as_bytes().to_vec()))
        .collect();
    assert_eq!(decoded, expected);
    // And it is the HTML form encoding exactly (the one every server decodes).
    let oracle: Vec<String> = pairs
        .iter()
        .map(|(n, v)| format!("{}={}", form_encode(n), form_encode(v)))
        .collect();
    assert_eq!(body, oracle.join("&"));

    let credentials = Credentials {
        client_id: pairs.first().map_or("", |p| p.0).to_string(),
        client_secret: Secret::new(pairs.first().map_or("", |p| p.1)),
        scope: pairs.get(1).map_or("*", |p| p.0).to_string(),
    };
    let token_body = form_decode(&token_request_body(&credentials)).unwrap();
    let got: Vec<(&[u8], &[u8])> = token_body
        .iter()
        .map(|(n, v)| (n.as_slice(), v.as_slice()))
        .collect();
    assert_eq!(
        got,
        vec![
            (&b"grant_type"[..], &b"client_credentials"[..]),
            (b"client_id", credentials.client_id.as_bytes()),
            (
                b"client_secret",
                credentials.client_secret.expose().as_bytes()
            ),
            (b"scope", credentials.scope.as_bytes()),
        ]
    );
});

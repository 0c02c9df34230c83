//! The URL cases of `urls.txt`, run natively (tests/core, the url crate) and in wasm
//! (tests/wasm_layer.rs, the runtime's own `URL`): the same lines must give the same answers.

use ankorstore_client::parts::BaseUrl;

/// Checks every case of `urls.txt`: `base <input> => <normalised>|refused`,
/// `resolve <target> => <url>|refused` (against `http://127.0.0.1:8787`) and
/// `follow <base> <page> <link> => <url>|refused`.
pub fn check_all() {
    for line in include_str!("urls.txt")
        .lines()
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
    {
        let (kind, rest) = line.split_once(' ').unwrap();
        let (input, expected) = rest.split_once(" => ").unwrap();
        let got = match kind {
            "base" => BaseUrl::parse(input).map(|b| b.as_string()).map_err(|_| ()),
            "resolve" => BaseUrl::parse("http://127.0.0.1:8787")
                .unwrap()
                .resolve(input)
                .map_err(|_| ()),
            "follow" => {
                let mut parts = input.split(' ');
                let (base, page, link) = (parts.next(), parts.next(), parts.next());
                BaseUrl::parse(base.unwrap())
                    .unwrap()
                    .follow(page.unwrap(), link.unwrap())
                    .map_err(|_| ())
            }
            _ => panic!("unknown case kind {kind}"),
        };
        let expected = if expected == "refused" {
            Err(())
        } else {
            Ok(expected.to_string())
        };
        assert_eq!(got, expected, "{line}");
    }
}

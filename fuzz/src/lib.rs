//! Helpers shared by the fuzz targets: a total bytes → [`Json`] decoder, a field splitter,
//! and small independent oracles (HTTP date formatting, form decoding) that the targets
//! compare the crate against.

use ankorstore_client::error::Error;
use ankorstore_client::json::Json;
use ankorstore_client::token::AccessToken;

/// Separates the fields of one fuzz input. 0xFF never occurs in UTF-8, so a field decoded
/// from the input can hold any text.
pub const SEP: u8 = 0xFF;

/// Splits `data` at [`SEP`] into exactly `N` fields (missing ones are empty; the last one
/// keeps any further separators, lossily decoded).
pub fn fields<const N: usize>(data: &[u8]) -> [String; N] {
    let mut out: [String; N] = std::array::from_fn(|_| String::new());
    let mut rest = data;
    for (i, slot) in out.iter_mut().enumerate() {
        if i + 1 == N {
            *slot = String::from_utf8_lossy(rest).into_owned();
            break;
        }
        match rest.iter().position(|&b| b == SEP) {
            Some(p) => {
                *slot = String::from_utf8_lossy(&rest[..p]).into_owned();
                rest = &rest[p + 1..];
            }
            None => {
                *slot = String::from_utf8_lossy(rest).into_owned();
                rest = &[];
            }
        }
    }
    out
}

/// Deepest nesting the decoder builds (deeper input becomes `null`).
const MAX_DEPTH: usize = 24;

/// Decodes any bytes into a [`Json`]: JSON text (plus `NaN`, `Infinity`, `-Infinity` and
/// bare-word keys, which JavaScript values converted by the wasm layer can also produce),
/// skipping what it cannot read. Total: every input gives a value, in linear time, so the
/// fuzzer can start from readable JSON seeds and mutate them freely.
pub fn json_from_bytes(data: &[u8]) -> Json {
    let mut d = Decoder { b: data, i: 0 };
    d.value(0)
}

struct Decoder<'a> {
    b: &'a [u8],
    i: usize,
}

impl Decoder<'_> {
    fn peek(&self) -> Option<u8> {
        self.b.get(self.i).copied()
    }

    fn ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.i += 1;
        }
    }

    fn eat(&mut self, word: &[u8]) -> bool {
        if self.b[self.i..].starts_with(word) {
            self.i += word.len();
            true
        } else {
            false
        }
    }

    fn value(&mut self, depth: usize) -> Json {
        self.ws();
        let Some(c) = self.peek() else {
            return Json::Null;
        };
        if depth >= MAX_DEPTH && matches!(c, b'{' | b'[') {
            self.i = self.b.len();
            return Json::Null;
        }
        match c {
            b'{' => {
                self.i += 1;
                self.object(depth)
            }
            b'[' => {
                self.i += 1;
                self.array(depth)
            }
            b'"' => {
                self.i += 1;
                Json::String(self.string())
            }
            b't' if self.eat(b"true") => Json::Bool(true),
            b'f' if self.eat(b"false") => Json::Bool(false),
            b'n' if self.eat(b"null") => Json::Null,
            b'N' if self.eat(b"NaN") => Json::Number(f64::NAN),
            b'I' if self.eat(b"Infinity") => Json::Number(f64::INFINITY),
            b'-' if self.eat(b"-Infinity") => Json::Number(f64::NEG_INFINITY),
            b'-' | b'0'..=b'9' => self.number(),
            _ => {
                // Unreadable: skip one byte so that the decoder always moves on.
                self.i += 1;
                Json::Null
            }
        }
    }

    fn object(&mut self, depth: usize) -> Json {
        let mut members = Vec::new();
        loop {
            self.ws();
            let start = self.i;
            match self.peek() {
                None => break,
                Some(b'}') => {
                    self.i += 1;
                    break;
                }
                Some(b',') => {
                    self.i += 1;
                    continue;
                }
                Some(b'"') => {
                    self.i += 1;
                    let key = self.string();
                    self.ws();
                    if self.peek() == Some(b':') {
                        self.i += 1;
                    }
                    let value = self.value(depth + 1);
                    members.push((key, value));
                }
                Some(c) if c.is_ascii_alphanumeric() || c == b'_' || c == b'$' => {
                    let key = self.word();
                    self.ws();
                    if self.peek() == Some(b':') {
                        self.i += 1;
                    }
                    let value = self.value(depth + 1);
                    members.push((key, value));
                }
                Some(_) => self.i += 1,
            }
            debug_assert!(self.i > start);
        }
        Json::Object(members)
    }

    fn array(&mut self, depth: usize) -> Json {
        let mut items = Vec::new();
        loop {
            self.ws();
            match self.peek() {
                None => break,
                Some(b']') => {
                    self.i += 1;
                    break;
                }
                Some(b',') => self.i += 1,
                Some(_) => items.push(self.value(depth + 1)),
            }
        }
        Json::Array(items)
    }

    fn word(&mut self) -> String {
        let start = self.i;
        while self
            .peek()
            .is_some_and(|c| c.is_ascii_alphanumeric() || c == b'_' || c == b'$')
        {
            self.i += 1;
        }
        String::from_utf8_lossy(&self.b[start..self.i]).into_owned()
    }

    /// A string body after its opening quote, up to the closing quote or the end.
    fn string(&mut self) -> String {
        let mut bytes = Vec::new();
        let mut units: Vec<u16> = Vec::new();
        let flush = |units: &mut Vec<u16>, bytes: &mut Vec<u8>| {
            if !units.is_empty() {
                bytes.extend(String::from_utf16_lossy(units).as_bytes());
                units.clear();
            }
        };
        while let Some(c) = self.peek() {
            self.i += 1;
            match c {
                b'"' => break,
                b'\\' => {
                    let Some(e) = self.peek() else { break };
                    self.i += 1;
                    let simple = match e {
                        b'n' => Some(b'\n'),
                        b't' => Some(b'\t'),
                        b'r' => Some(b'\r'),
                        b'b' => Some(8),
                        b'f' => Some(12),
                        b'u' => None,
                        other => Some(other),
                    };
                    match simple {
                        Some(b) => {
                            flush(&mut units, &mut bytes);
                            bytes.push(b);
                        }
                        None => {
                            let hex = self.b.get(self.i..self.i + 4).and_then(|h| {
                                std::str::from_utf8(h)
                                    .ok()
                                    .and_then(|h| u16::from_str_radix(h, 16).ok())
                            });
                            match hex {
                                Some(u) => {
                                    self.i += 4;
                                    // Surrogate pairs are joined; lone ones become U+FFFD,
                                    // as a JavaScript string would hand them over.
                                    units.push(u);
                                }
                                None => {
                                    flush(&mut units, &mut bytes);
                                    bytes.push(b'u');
                                }
                            }
                        }
                    }
                }
                other => {
                    flush(&mut units, &mut bytes);
                    bytes.push(other);
                }
            }
        }
        flush(&mut units, &mut bytes);
        String::from_utf8_lossy(&bytes).into_owned()
    }

    fn number(&mut self) -> Json {
        let start = self.i;
        if self.peek() == Some(b'-') {
            self.i += 1;
        }
        while self
            .peek()
            .is_some_and(|c| c.is_ascii_digit() || matches!(c, b'.' | b'e' | b'E' | b'+' | b'-'))
        {
            self.i += 1;
        }
        let text = std::str::from_utf8(&self.b[start..self.i]).unwrap_or("");
        Json::Number(text.parse().unwrap_or(0.0))
    }
}

/// Every string an error carries (message, OAuth code, and every string and key of
/// `errors`): what a user could see or log.
pub fn error_strings(error: &Error) -> Vec<String> {
    let mut out = vec![error.message.clone()];
    out.extend(error.oauth_error.clone());
    fn walk(v: &Json, out: &mut Vec<String>) {
        match v {
            Json::String(s) => out.push(s.clone()),
            Json::Array(items) => items.iter().for_each(|i| walk(i, out)),
            Json::Object(members) => {
                for (k, v) in members {
                    out.push(k.clone());
                    walk(v, out);
                }
            }
            _ => {}
        }
    }
    for e in error.errors.iter().flatten() {
        walk(e, &mut out);
    }
    out
}

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];
const DAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];

/// The civil date of a day number (days since 1970-01-01), Howard Hinnant's inverse
/// algorithm: an oracle independent of the crate's forward conversion.
pub fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// Formats whole seconds since the epoch as an IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`).
pub fn format_http_date(seconds: i64) -> String {
    let days = seconds.div_euclid(86_400);
    let secs = seconds.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    format!(
        "{}, {:02} {} {:04} {:02}:{:02}:{:02} GMT",
        DAYS[days.rem_euclid(7) as usize],
        d,
        MONTHS[m as usize - 1],
        y,
        secs / 3600,
        secs / 60 % 60,
        secs % 60
    )
}

/// Days in a month of the proleptic Gregorian calendar.
pub fn days_in_month(year: i64, month: u32) -> u32 {
    match month {
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// The month number (1–12) of an IMF-fixdate month name.
pub fn month_number(name: &str) -> Option<u32> {
    MONTHS.iter().position(|m| *m == name).map(|i| i as u32 + 1)
}

/// Decodes an `application/x-www-form-urlencoded` body strictly: `None` if anything is not
/// what an encoder should write (a bad escape, a raw byte outside the safe alphabet).
pub fn form_decode(body: &str) -> Option<Vec<(Vec<u8>, Vec<u8>)>> {
    if body.is_empty() {
        return Some(Vec::new());
    }
    body.split('&')
        .map(|pair| {
            let (name, value) = pair.split_once('=')?;
            Some((form_component(name)?, form_component(value)?))
        })
        .collect()
}

fn form_component(s: &str) -> Option<Vec<u8>> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'+' => out.push(b' '),
            b'%' => {
                let hex = b.get(i + 1..i + 3)?;
                if !hex
                    .iter()
                    .all(|c| c.is_ascii_digit() || (b'A'..=b'F').contains(c))
                {
                    return None;
                }
                out.push(u8::from_str_radix(std::str::from_utf8(hex).ok()?, 16).ok()?);
                i += 2;
            }
            c if c.is_ascii_alphanumeric() || b"*-._".contains(&c) => out.push(c),
            _ => return None,
        }
        i += 1;
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn obj(members: &[(&str, Json)]) -> Json {
        Json::Object(
            members
                .iter()
                .map(|(k, v)| (k.to_string(), v.clone()))
                .collect(),
        )
    }

    #[test]
    fn decodes_json_text() {
        assert_eq!(
            json_from_bytes(br#"{"a":[1,-2.5e1,"x\"\u00e9\ud83d\ude00"],"b":{"c":null,"d":true}}"#),
            obj(&[
                (
                    "a",
                    Json::Array(vec![
                        Json::Number(1.0),
                        Json::Number(-25.0),
                        Json::String("x\"é😀".into())
                    ])
                ),
                ("b", obj(&[("c", Json::Null), ("d", Json::Bool(true))])),
            ])
        );
        assert_eq!(json_from_bytes(b""), Json::Null);
        assert!(matches!(json_from_bytes(b"NaN"), Json::Number(n) if n.is_nan()));
        assert_eq!(
            json_from_bytes(b"-Infinity"),
            Json::Number(f64::NEG_INFINITY)
        );
        assert_eq!(
            json_from_bytes(b"{k: \"\\ud800\"}"),
            obj(&[("k", Json::String("\u{fffd}".into()))])
        );
    }

    #[test]
    fn decoder_is_total_on_garbage_and_deep_input() {
        for input in [
            &b"{{{{"[..],
            b"[[[",
            b"\"\\",
            b"{\"a\"",
            b"\xff\xfe{",
            b"}]",
            b"-",
            b"1e999",
        ] {
            let _ = json_from_bytes(input);
        }
        let deep = vec![b'['; 100_000];
        let _ = json_from_bytes(&deep);
    }

    #[test]
    fn splits_fields() {
        let [a, b, c] = fields::<3>(b"x\xffy\xffz\xffw");
        assert_eq!((a.as_str(), b.as_str()), ("x", "y"));
        assert_eq!(c, "z\u{fffd}w");
        let [a, b] = fields::<2>(b"only");
        assert_eq!((a.as_str(), b.as_str()), ("only", ""));
    }

    #[test]
    fn formats_http_dates() {
        assert_eq!(
            format_http_date(784_111_777),
            "Sun, 06 Nov 1994 08:49:37 GMT"
        );
        assert_eq!(format_http_date(0), "Thu, 01 Jan 1970 00:00:00 GMT");
        assert_eq!(
            format_http_date(951_782_400),
            "Tue, 29 Feb 2000 00:00:00 GMT"
        );
        assert_eq!(days_in_month(1900, 2), 28);
        assert_eq!(days_in_month(2000, 2), 29);
    }

    #[test]
    fn decodes_forms_strictly() {
        assert_eq!(
            form_decode("a=1&b+c=%C3%A9"),
            Some(vec![
                (b"a".to_vec(), b"1".to_vec()),
                (b"b c".to_vec(), "é".as_bytes().to_vec())
            ])
        );
        assert_eq!(form_decode(""), Some(vec![]));
        assert_eq!(form_decode("a"), None);
        assert_eq!(form_decode("a=%zz"), None);
        assert_eq!(form_decode("a=%c3"), None);
        assert_eq!(form_decode("a=~"), None);
    }
}

/// Asserts that `token` reads back from its token store value: the same token and type,
/// and times equal to the millisecond (the store keeps three decimals), or to 1e-12
/// relative where an f64 has no more precision than that. `why` says which promise broke.
pub fn assert_store_round_trip(token: &AccessToken, why: &str) {
    let close = |a: f64, b: f64| (a - b).abs() <= 0.001_f64.max(b.abs() * 1e-12);
    let back = AccessToken::from_store_value(&token.to_store_value()).expect(why);
    assert_eq!(back.access_token, token.access_token);
    assert_eq!(back.token_type, token.token_type);
    assert!(
        close(back.expires_in, token.expires_in),
        "{} vs {}",
        back.expires_in,
        token.expires_in
    );
    assert!(
        close(back.expires_at, token.expires_at),
        "{} vs {}",
        back.expires_at,
        token.expires_at
    );
}

//! Helpers shared by the fuzz targets: a total bytes → [`Value`] decoder, a field splitter,
//! and small independent oracles (HTTP date formatting, form decoding, percent-encoders,
//! WHATWG host normalisation, depth-limited values) that the targets compare the crate
//! against. None of them calls the crate's own encoders or parsers.

use std::net::Ipv6Addr;

use ankorstore_client::parts::{Bounded, MAX_DEPTH};
use ankorstore_client::{AccessToken, Error, Payload};
use serde::de::DeserializeOwned;
use serde_json::{Map, Number, Value};

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

/// Deepest nesting the decoder builds (deeper input becomes `null`): past the crate's
/// [`MAX_DEPTH`], so that its cut-off is exercised.
pub const DECODER_DEPTH: usize = MAX_DEPTH + 8;

/// Decodes any bytes into a [`Value`]: JSON text (plus bare-word keys, and `NaN`,
/// `Infinity`, `-Infinity`, which JavaScript values can hold but serde_json cannot: `NaN`
/// becomes `null` and the infinities the largest finite numbers), skipping what it cannot
/// read. Integers are kept as integers (as `serde_json::from_str` and `JSON.parse` + serde
/// give them), other numbers as floats; a number too large for a float is the largest one.
/// Total: every input gives a value, in linear time, so the fuzzer can start from readable
/// JSON seeds and mutate them freely.
pub fn json_from_bytes(data: &[u8]) -> Value {
    let mut d = Decoder { b: data, i: 0 };
    d.value(0)
}

/// A float as a JSON value: infinities clamp to the largest finite numbers, NaN is `null`.
fn float(n: f64) -> Value {
    let n = if n.is_infinite() {
        f64::MAX.copysign(n)
    } else {
        n
    };
    Number::from_f64(n).map_or(Value::Null, Value::Number)
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

    fn value(&mut self, depth: usize) -> Value {
        self.ws();
        let Some(c) = self.peek() else {
            return Value::Null;
        };
        if depth >= DECODER_DEPTH && matches!(c, b'{' | b'[') {
            self.i = self.b.len();
            return Value::Null;
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
                Value::String(self.string())
            }
            b't' if self.eat(b"true") => Value::Bool(true),
            b'f' if self.eat(b"false") => Value::Bool(false),
            b'n' if self.eat(b"null") => Value::Null,
            b'N' if self.eat(b"NaN") => float(f64::NAN),
            b'I' if self.eat(b"Infinity") => float(f64::INFINITY),
            b'-' if self.eat(b"-Infinity") => float(f64::NEG_INFINITY),
            b'-' | b'0'..=b'9' => self.number(),
            _ => {
                // Unreadable: skip one byte so that the decoder always moves on.
                self.i += 1;
                Value::Null
            }
        }
    }

    fn object(&mut self, depth: usize) -> Value {
        // A later duplicate key replaces the earlier one, as in JSON.parse.
        let mut members = Map::new();
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
                    members.insert(key, value);
                }
                Some(c) if c.is_ascii_alphanumeric() || c == b'_' || c == b'$' => {
                    let key = self.word();
                    self.ws();
                    if self.peek() == Some(b':') {
                        self.i += 1;
                    }
                    let value = self.value(depth + 1);
                    members.insert(key, value);
                }
                Some(_) => self.i += 1,
            }
            debug_assert!(self.i > start);
        }
        Value::Object(members)
    }

    fn array(&mut self, depth: usize) -> Value {
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
        Value::Array(items)
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

    fn number(&mut self) -> Value {
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
        if let Ok(n) = text.parse::<u64>() {
            return Value::from(n);
        }
        if let Ok(n) = text.parse::<i64>() {
            return Value::from(n);
        }
        float(text.parse().unwrap_or(0.0))
    }
}

/// Reads `value` as `T` the way the client does (`Payload::decode`): natively the crate
/// reads a `serde_json::Value` as serde-wasm-bindgen reads a JavaScript value (a struct from
/// an object's members by name; an array is an object without them).
pub fn decode_as_js<T: DeserializeOwned>(value: &Value) -> Option<T> {
    value.decode()
}

/// `value` as the crate's [`Bounded`] should read it with `levels` levels left: containers
/// below the last level are `null`. An oracle of its own (the crate's is a serde visitor).
pub fn bounded(value: &Value, levels: usize) -> Bounded {
    match value {
        Value::Null => Bounded::Null,
        Value::Bool(b) => Bounded::Bool(*b),
        Value::Number(n) => Bounded::Number(n.as_f64().expect("serde_json numbers are f64s")),
        Value::String(s) => Bounded::String(s.clone()),
        Value::Array(_) | Value::Object(_) if levels == 0 => Bounded::Null,
        Value::Array(items) => {
            Bounded::Array(items.iter().map(|v| bounded(v, levels - 1)).collect())
        }
        Value::Object(members) => Bounded::Object(
            members
                .iter()
                .map(|(k, v)| (k.clone(), bounded(v, levels - 1)))
                .collect(),
        ),
    }
}

/// Every string of an error that came from a server (detail, OAuth code, and every string
/// and key of `errors`): what redaction must reach. The message is left out: it is the
/// client's own words, never redacted.
pub fn server_strings(error: &Error) -> Vec<String> {
    let mut out = Vec::new();
    out.extend(error.detail.clone());
    out.extend(error.oauth_error.clone());
    fn walk(v: &Bounded, out: &mut Vec<String>) {
        match v {
            Bounded::String(s) => out.push(s.clone()),
            Bounded::Array(items) => items.iter().for_each(|i| walk(i, out)),
            Bounded::Object(members) => {
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

// ---------------------------------------------------------------------------------------
// HTTP dates.
// ---------------------------------------------------------------------------------------

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

// ---------------------------------------------------------------------------------------
// Forms and percent-encoding.
// ---------------------------------------------------------------------------------------

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

/// `text` with every UTF-8 byte for which `keep` is false written `%XX` (upper-case hex).
pub fn percent_encode(text: &str, keep: impl Fn(u8) -> bool) -> String {
    let mut out = String::with_capacity(text.len());
    for &b in text.as_bytes() {
        if keep(b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// An HTML form name or value: alphanumerics and `*-._` stay, a space is `+`.
pub fn form_encode(text: &str) -> String {
    percent_encode(text, |b| b.is_ascii_alphanumeric() || b"*-._ ".contains(&b)).replace(' ', "+")
}

/// A URL component: RFC 3986 unreserved characters stay.
pub fn component_encode(text: &str) -> String {
    percent_encode(text, |b| b.is_ascii_alphanumeric() || b"-._~".contains(&b))
}

/// JavaScript's `encodeURI`.
pub fn encode_uri(text: &str) -> String {
    percent_encode(text, |b| {
        b.is_ascii_alphanumeric() || b";,/?:@&=+$-_.!~*'()#".contains(&b)
    })
}

/// The WHATWG URL parser's query encoding (special schemes): C0 controls, space, `"`, `#`,
/// `<`, `>`, `'`, DEL and every non-ASCII byte are escaped.
pub fn whatwg_query_encode(text: &str) -> String {
    percent_encode(text, |b| b > 0x20 && b < 0x7f && !b"\"#<>'".contains(&b))
}

/// `text` with the hex digits of every `%XX` escape in lower case.
pub fn lower_hex(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut hex = 0;
    for c in text.chars() {
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
}

/// `text` as the contents of a JSON string literal (`"` and `\` escaped, control characters
/// as `\u00xx`).
pub fn json_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out
}

// ---------------------------------------------------------------------------------------
// WHATWG hosts (an oracle of the parts the URL target checks).
// ---------------------------------------------------------------------------------------

/// What the authority of an absolute http(s) URL says, as written: whether it holds a user
/// name or password, its host text and port text.
#[derive(Debug, PartialEq)]
pub struct WrittenAuthority {
    /// A user name or a password is present (`https://@h` and `https://:@h` have neither).
    pub credentials: bool,
    /// The host as written (brackets included for IPv6).
    pub host: String,
    /// The text after the host: empty, or `:` and the port as written.
    pub port: String,
}

/// The authority of `input` as a WHATWG parser delimits it for a special scheme: leading and
/// trailing spaces dropped, any number of slashes after `scheme:`, up to the first `/`, `?`,
/// `#` or `\`, after the last `@`, the host ending at the first `:` outside brackets.
pub fn written_authority(input: &str) -> Option<WrittenAuthority> {
    let input = input.trim_matches(|c: char| c <= ' ');
    let (_, rest) = input.split_once(':')?;
    let rest = rest.trim_start_matches(['/', '\\']);
    let end = rest.find(['/', '?', '#', '\\']).unwrap_or(rest.len());
    let authority = &rest[..end];
    let (userinfo, hostport) = authority.rsplit_once('@').unwrap_or(("", authority));
    let (user, password) = userinfo.split_once(':').unwrap_or((userinfo, ""));
    let split = if hostport.starts_with('[') {
        hostport.find(']').map_or(hostport.len(), |i| i + 1)
    } else {
        hostport.find(':').unwrap_or(hostport.len())
    };
    Some(WrittenAuthority {
        credentials: !user.is_empty() || !password.is_empty(),
        host: hostport[..split].to_string(),
        port: hostport[split..].to_string(),
    })
}

/// Percent-decodes `text` (invalid escapes stay as they are).
pub fn percent_decode(text: &str) -> Vec<u8> {
    let b = text.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let hex = b
            .get(i + 1..i + 3)
            .filter(|h| b[i] == b'%' && h.iter().all(u8::is_ascii_hexdigit));
        match hex {
            Some(h) => {
                out.push(u8::from_str_radix(std::str::from_utf8(h).unwrap(), 16).unwrap());
                i += 3;
            }
            None => {
                out.push(b[i]);
                i += 1;
            }
        }
    }
    out
}

/// One part of a WHATWG IPv4 address: decimal, `0x` hex, or octal with a leading zero.
fn ipv4_number(part: &str) -> Option<u64> {
    if part.is_empty() {
        return None;
    }
    let (digits, radix) =
        if let Some(h) = part.strip_prefix("0x").or_else(|| part.strip_prefix("0X")) {
            (h, 16)
        } else if part.len() > 1 && part.starts_with('0') {
            (&part[1..], 8)
        } else {
            (part, 10)
        };
    if digits.is_empty() {
        return Some(0);
    }
    if !digits.chars().all(|c| c.is_digit(radix)) {
        return None;
    }
    // Anything that does not fit is out of range anyway.
    Some(u64::from_str_radix(digits, radix).unwrap_or(u64::MAX))
}

/// Whether a WHATWG domain "ends in a number" (and so must be an IPv4 address).
pub fn ends_in_number(domain: &str) -> bool {
    let mut parts: Vec<&str> = domain.split('.').collect();
    if parts.last() == Some(&"") {
        if parts.len() == 1 {
            return false;
        }
        parts.pop();
    }
    let last = parts.last().copied().unwrap_or("");
    (!last.is_empty() && last.bytes().all(|b| b.is_ascii_digit()))
        || (ipv4_number(last).is_some() && last.to_ascii_lowercase().starts_with("0x"))
}

/// The WHATWG IPv4 parser: `127.1`, `0x7f.0.0.1`, `2130706433`… as dotted decimal.
pub fn parse_ipv4(domain: &str) -> Option<String> {
    let mut parts: Vec<&str> = domain.split('.').collect();
    if parts.last() == Some(&"") && parts.len() > 1 {
        parts.pop();
    }
    if parts.len() > 4 {
        return None;
    }
    let numbers: Vec<u64> = parts
        .iter()
        .map(|p| ipv4_number(p))
        .collect::<Option<_>>()?;
    let (last, init) = numbers.split_last()?;
    if init.iter().any(|n| *n > 255) || *last >= 256u64.pow(5 - numbers.len() as u32) {
        return None;
    }
    let mut address = *last;
    for (i, n) in init.iter().enumerate() {
        address += n * 256u64.pow(3 - i as u32);
    }
    let o = (address as u32).to_be_bytes();
    Some(format!("{}.{}.{}.{}", o[0], o[1], o[2], o[3]))
}

/// How a WHATWG parser should serialise the host written as `written`: `Some(host)` for
/// ASCII hosts (IPv4 forms normalised, percent escapes decoded, lower case), `None` when
/// this oracle cannot tell (IDNA mapping of non-ASCII names, an IPv6 literal: compare those
/// with [`same_ipv6`]).
pub fn expected_host(written: &str) -> Option<String> {
    if written.starts_with('[') {
        return None;
    }
    let decoded = String::from_utf8(percent_decode(written)).ok()?;
    if !decoded.is_ascii() {
        return None;
    }
    let domain = decoded.to_ascii_lowercase();
    if ends_in_number(&domain) {
        return parse_ipv4(&domain);
    }
    Some(domain)
}

/// Whether two bracketed IPv6 literals denote the same address (`None`: one does not parse
/// as an IPv6 address for Rust's own parser).
pub fn same_ipv6(a: &str, b: &str) -> Option<bool> {
    let addr =
        |s: &str| -> Option<Ipv6Addr> { s.strip_prefix('[')?.strip_suffix(']')?.parse().ok() };
    Some(addr(a)? == addr(b)?)
}

/// Whether `host` (as a WHATWG parser serialises it) is a loopback host: `localhost`, an
/// IPv4 address in 127.0.0.0/8, or `[::1]`.
pub fn is_loopback_host(host: &str) -> bool {
    if host == "localhost" {
        return true;
    }
    if let Some(v6) = host.strip_prefix('[').and_then(|h| h.strip_suffix(']')) {
        return v6.parse::<Ipv6Addr>().is_ok_and(|a| a.is_loopback());
    }
    host.parse::<std::net::Ipv4Addr>()
        .is_ok_and(|a| a.is_loopback())
}

// ---------------------------------------------------------------------------------------
// Tokens.
// ---------------------------------------------------------------------------------------

/// Asserts that `token` reads back from its token store value: the same token and type, and
/// times to the millisecond (the store keeps whole milliseconds). `why` says which promise
/// broke.
pub fn assert_store_round_trip(token: &AccessToken, why: &str) {
    let value = token.to_store_value();
    let back = AccessToken::from_store_value(&value).expect(why);
    assert_eq!(back.access_token, token.access_token);
    assert_eq!(back.token_type, token.token_type);
    let close = |a: f64, b: f64, unit: f64| (a - b).abs() <= unit / 2.0 + b.abs() * 1e-15;
    assert!(
        close(back.expires_in, token.expires_in, 0.001),
        "{} vs {} ({value})",
        back.expires_in,
        token.expires_in
    );
    assert!(
        close(back.expires_at, token.expires_at, 1.0),
        "{} vs {} ({value})",
        back.expires_at,
        token.expires_at
    );
    // Written again, the value is the same: it is canonical.
    assert_eq!(back.to_store_value(), value);
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn decodes_json_text() {
        assert_eq!(
            json_from_bytes(br#"{"a":[1,-2.5e1,"x\"\u00e9\ud83d\ude00"],"b":{"c":null,"d":true}}"#),
            json!({"a": [1, -25.0, "x\"é😀"], "b": {"c": null, "d": true}})
        );
        assert_eq!(json_from_bytes(b""), Value::Null);
        assert_eq!(
            json_from_bytes(b"{k: \"\\ud800\"}"),
            json!({"k": "\u{fffd}"})
        );
        // Later duplicates win, as in JSON.parse.
        assert_eq!(json_from_bytes(br#"{"a":1,"a":2}"#), json!({"a": 2}));
    }

    #[test]
    fn numbers_keep_their_kind_and_stay_finite() {
        assert!(json_from_bytes(b"3600").is_u64());
        assert!(json_from_bytes(b"-3").is_i64());
        assert!(json_from_bytes(b"1.5").is_f64());
        assert!(json_from_bytes(b"18446744073709551616").is_f64());
        assert_eq!(json_from_bytes(b"NaN"), Value::Null);
        assert_eq!(json_from_bytes(b"Infinity").as_f64(), Some(f64::MAX));
        assert_eq!(json_from_bytes(b"-Infinity").as_f64(), Some(-f64::MAX));
        assert_eq!(json_from_bytes(b"1e999").as_f64(), Some(f64::MAX));
        assert_eq!(json_from_bytes(b"-").as_f64(), Some(0.0));
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
        let mut v = &json_from_bytes(&deep);
        let mut depth = 0;
        while let Value::Array(items) = v {
            depth += 1;
            v = items.first().unwrap_or(&Value::Null);
        }
        assert_eq!(depth, DECODER_DEPTH);
    }

    #[test]
    fn reads_structs_from_objects_only_as_javascript_values_are() {
        use ankorstore_client::parts::{ErrorDocument, MeDocument, TokenResponse};
        let doc = json!({"errors": [{"detail": "d"}], "message": "m", "error": "e", "x": 1});
        let read: ErrorDocument = decode_as_js(&doc).unwrap();
        assert_eq!(read.message.as_deref(), Some("m"));
        assert_eq!(read.errors.map(|e| e.len()), Some(1));
        // An array has no named members; other values are no documents at all.
        let empty: ErrorDocument = decode_as_js(&json!([[{"detail": "d"}], "m", "e"])).unwrap();
        assert_eq!(empty, ErrorDocument::default());
        let token: TokenResponse = decode_as_js(&json!(["t", "Bearer", 3600])).unwrap();
        assert_eq!(token, TokenResponse::default());
        assert!(decode_as_js::<ErrorDocument>(&json!("text")).is_none());
        assert!(decode_as_js::<ErrorDocument>(&json!(null)).is_none());
        assert!(decode_as_js::<MeDocument<Value>>(&json!([{"type": "user"}])).is_none());
        let me: MeDocument<Value> = decode_as_js(&json!({"data": [1]})).unwrap();
        assert_eq!(me.data, json!([1]));
    }

    #[test]
    fn bounded_cuts_below_the_last_level() {
        let v = json!({"a": [1, {"b": "x"}], "n": -2});
        assert_eq!(
            bounded(&v, 2),
            Bounded::Object(vec![
                (
                    "a".into(),
                    Bounded::Array(vec![Bounded::Number(1.0), Bounded::Null])
                ),
                ("n".into(), Bounded::Number(-2.0)),
            ])
        );
        assert_eq!(bounded(&v, 0), Bounded::Null);
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

    #[test]
    fn encodes_credentials_as_they_travel() {
        let s = "s3cr+t &é\"~\n";
        assert_eq!(form_encode(s), "s3cr%2Bt+%26%C3%A9%22%7E%0A");
        assert_eq!(component_encode(s), "s3cr%2Bt%20%26%C3%A9%22~%0A");
        assert_eq!(encode_uri(s), "s3cr+t%20&%C3%A9%22~%0A");
        assert_eq!(whatwg_query_encode(s), "s3cr+t%20&%C3%A9%22~%0A");
        assert_eq!(whatwg_query_encode("'#%<"), "%27%23%%3C");
        assert_eq!(lower_hex("%C3%A9AB"), "%c3%a9AB");
        assert_eq!(json_escape(s), "s3cr+t &é\\\"~\\u000a");
    }

    #[test]
    fn reads_written_authorities() {
        let a = |s: &str| written_authority(s).map(|w| (w.host, w.port));
        let credentials = |s: &str| written_authority(s).unwrap().credentials;
        assert!(credentials("https://u@h") && credentials("https://:p@h"));
        assert!(credentials("https://a@b@h") && credentials("https://::@h"));
        assert!(!credentials("https://@h") && !credentials("https://:@h/x@y"));
        let pair = |h: &str, p: &str| Some((h.to_string(), p.to_string()));
        assert_eq!(a("https://www.x.com/api"), pair("www.x.com", ""));
        assert_eq!(a(" https:x.com:8443"), pair("x.com", ":8443"));
        assert_eq!(a("http://u:p@[::1]evil/x"), pair("[::1]", "evil"));
        assert_eq!(a("http:///@127.1:9"), pair("127.1", ":9"));
        assert_eq!(a("nothing"), None);
    }

    #[test]
    fn normalises_hosts_as_whatwg_does() {
        assert_eq!(expected_host("127.1").as_deref(), Some("127.0.0.1"));
        assert_eq!(expected_host("0x7F.1").as_deref(), Some("127.0.0.1"));
        assert_eq!(expected_host("017700000001").as_deref(), Some("127.0.0.1"));
        assert_eq!(expected_host("2130706433.").as_deref(), Some("127.0.0.1"));
        assert_eq!(expected_host("256.1.1.1"), None);
        assert_eq!(expected_host("1.2.3.4.5"), None);
        assert_eq!(expected_host("WWW.%41.com").as_deref(), Some("www.a.com"));
        assert_eq!(expected_host("a.0x"), None);
        assert_eq!(expected_host("0x").as_deref(), Some("0.0.0.0"));
        assert_eq!(expected_host("x.09"), None);
        assert_eq!(expected_host("é.com"), None);
        assert!(!ends_in_number("x.com"));
        assert!(ends_in_number("x.1."));
        assert_eq!(same_ipv6("[::1]", "[0:0::1]"), Some(true));
        assert_eq!(same_ipv6("[::1]", "[::2]"), Some(false));
        for host in ["localhost", "127.0.0.1", "127.255.0.9", "[::1]"] {
            assert!(is_loopback_host(host), "{host}");
        }
        for host in [
            "128.0.0.1",
            "localhost.",
            "[::2]",
            "127.0.0.1.x",
            "[::ffff:7f00:1]",
        ] {
            assert!(!is_loopback_host(host), "{host}");
        }
    }

    #[test]
    fn store_round_trip_is_to_the_millisecond() {
        let t = AccessToken {
            access_token: ankorstore_client::Secret::new("abc.def~+/="),
            token_type: "Bearer".into(),
            expires_in: 3600.0004,
            expires_at: 1_700_000_000_123.4,
        };
        assert_store_round_trip(&t, "round trip");
    }
}

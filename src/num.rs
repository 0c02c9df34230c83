//! Number formatting and parsing without the float machinery of `core` (about 20 KB of
//! wasm): the client only prints and reads non-negative decimals with at most three places.

use std::fmt;

/// Displays a number as JavaScript would for the values the client prints (integers and
/// decimals with up to three places): `30000`, `1.5`, `-2`, `NaN`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Num(pub f64);

impl fmt::Display for Num {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.0;
        if n.is_nan() {
            return f.write_str("NaN");
        }
        if n < 0.0 {
            f.write_str("-")?;
        }
        let abs = n.abs();
        if abs.is_infinite() {
            return f.write_str("Infinity");
        }
        // Saturating casts: beyond 2^64 / 1000 the digits are not exact, which only messages
        // about absurd values would show.
        let millis = (abs * 1000.0).round() as u64;
        let (int, frac) = (millis / 1000, millis % 1000);
        write!(f, "{int}")?;
        if frac != 0 {
            let digits = [
                b'0' + (frac / 100) as u8,
                b'0' + (frac / 10 % 10) as u8,
                b'0' + (frac % 10) as u8,
            ];
            let len = 3 - digits.iter().rev().take_while(|&&d| d == b'0').count();
            f.write_str(".")?;
            f.write_str(std::str::from_utf8(&digits[..len]).unwrap_or("0"))?;
        }
        Ok(())
    }
}

/// Parses `digits[.digits]` (no sign, no exponent), as written by [`Num`]. At most 15
/// integer digits and 9 decimals, so the value is exact enough for milliseconds.
pub fn parse_decimal(text: &str) -> Option<f64> {
    let (int, frac) = match text.split_once('.') {
        Some((i, f)) => (i, f),
        None => (text, ""),
    };
    let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if int.is_empty()
        || int.len() > 15
        || frac.len() > 9
        || !all_digits(int)
        || !all_digits(frac)
        || text.ends_with('.')
    {
        return None;
    }
    let int: u64 = int.parse().ok()?;
    let mut value = int as f64;
    if !frac.is_empty() {
        let scaled: u64 = frac.parse().ok()?;
        value += scaled as f64 / 10f64.powi(frac.len() as i32);
    }
    Some(value)
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn prints_like_javascript_for_client_values() {
        for (n, s) in [
            (30000.0, "30000"),
            (1.5, "1.5"),
            (0.25, "0.25"),
            (0.001, "0.001"),
            (-2.0, "-2"),
            (0.0, "0"),
            (1_700_000_000_123.0, "1700000000123"),
            (f64::NAN, "NaN"),
            (f64::INFINITY, "Infinity"),
            (f64::NEG_INFINITY, "-Infinity"),
        ] {
            assert_eq!(Num(n).to_string(), s);
        }
    }

    #[test]
    fn parses_decimals() {
        assert_eq!(parse_decimal("3600"), Some(3600.0));
        assert_eq!(parse_decimal("1.5"), Some(1.5));
        assert_eq!(parse_decimal("1700000000123"), Some(1_700_000_000_123.0));
        for bad in [
            "",
            ".",
            "1.",
            ".5",
            "-1",
            "1e3",
            "1.2.3",
            "abc",
            "1234567890123456",
        ] {
            assert_eq!(parse_decimal(bad), None, "{bad}");
        }
    }

    proptest! {
        #[test]
        fn round_trips_milliseconds(ms in 0u64..4_000_000_000_000u64, frac in 0u64..1000) {
            let n = ms as f64 + frac as f64 / 1000.0;
            let back = parse_decimal(&Num(n).to_string()).unwrap();
            prop_assert!((back - n).abs() < 0.002);
        }

        #[test]
        fn parse_never_panics(s in ".{0,30}") {
            let _ = parse_decimal(&s);
        }
    }
}

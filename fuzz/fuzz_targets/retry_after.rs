//! `parts::parse_retry_after` and `parts::parse_http_date`: any header gives a bounded wait
//! in whole seconds; accepted dates are what they say (checked against an independent
//! formatter), and every real date is read back exactly.
#![no_main]

use ankorstore_client::parts::{parse_http_date, parse_retry_after};
use fuzz_support::{days_in_month, format_http_date, month_number};
use libfuzzer_sys::fuzz_target;

/// Seconds of 0001-01-01 and 9999-12-31T23:59:59 relative to the epoch.
const FIRST: i64 = -62_135_596_800;
const LAST: i64 = 253_402_300_799;
/// Longest wait the client counts in (a billion seconds is "never").
const CAP_S: u64 = 1_000_000_000;

fuzz_target!(|data: &[u8]| {
    // Structured half: a real instant, formatted, must parse back exactly.
    if data.len() >= 8 {
        let raw = i64::from_le_bytes(data[..8].try_into().unwrap());
        let seconds = FIRST + raw.rem_euclid(LAST - FIRST + 1);
        let text = format_http_date(seconds);
        assert_eq!(
            parse_http_date(&text),
            Some(seconds as f64 * 1000.0),
            "{text}"
        );
        let now = (seconds as f64 - 30.0) * 1000.0;
        assert_eq!(parse_retry_after(Some(&text), now), 30, "{text}");
        assert_eq!(parse_retry_after(Some(&text), now + 30_500.0), 0, "{text}");
    }

    // Free half: the whole input as a header value.
    let header = String::from_utf8_lossy(data);
    assert_eq!(parse_retry_after(None, 0.0), 1);
    for now in [0.0, 1_700_000_000_000.0, 4e12] {
        let wait = parse_retry_after(Some(&header), now);
        assert!(wait <= CAP_S, "{header:?} -> {wait}");
    }
    let trimmed = header.trim();
    let digits = !trimmed.is_empty() && trimmed.bytes().all(|b| b.is_ascii_digit());
    if digits {
        // Delta-seconds: the number itself (capped).
        let n: f64 = trimmed.parse().unwrap();
        assert_eq!(
            parse_retry_after(Some(&header), 0.0),
            n.min(CAP_S as f64) as u64
        );
    } else if let Some(ms) = parse_http_date(trimmed) {
        // A date: the whole seconds until then, none if it has passed.
        for now in [0.0, 1_700_000_000_000.5, ms - 1.0, ms + 1.0] {
            let expected = ((ms - now) / 1000.0).ceil().clamp(0.0, CAP_S as f64) as u64;
            assert_eq!(
                parse_retry_after(Some(&header), now),
                expected,
                "{header:?}"
            );
        }
    } else {
        // Anything else reads as a bare 429: one second.
        assert_eq!(parse_retry_after(Some(&header), 0.0), 1, "{header:?}");
    }

    if let Some(ms) = parse_http_date(&header) {
        assert!(ms.is_finite() && ms % 1000.0 == 0.0);
        // The fields it read are the ones written: `<wkd>, DD Mon YYYY HH:MM:SS GMT`.
        let (_, rest) = header.split_once(", ").unwrap();
        let parts: Vec<&str> = rest.split(' ').collect();
        assert_eq!(parts.len(), 5, "{header:?}");
        assert_eq!(parts[4], "GMT");
        let day: u32 = parts[0].parse().unwrap();
        let month = month_number(parts[1]).expect("a month name");
        let year: i64 = parts[2].parse().unwrap();
        let time: Vec<u32> = parts[3].split(':').map(|p| p.parse().unwrap()).collect();
        assert_eq!(time.len(), 3);
        assert!((1..=31).contains(&day) && time[0] <= 23 && time[1] <= 59 && time[2] <= 60);
        // Day 29–31 of a shorter month and second 60 roll over (harmless for a wait);
        // every other accepted date must read back as written.
        if day <= days_in_month(year, month) && time[2] <= 59 {
            let canonical = format_http_date((ms / 1000.0) as i64);
            assert_eq!(
                canonical.split_once(", ").unwrap().1,
                rest,
                "{header:?} read as {canonical:?}"
            );
        }
    }
});

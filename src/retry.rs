//! The retry policy: which failures are retried, and how long to wait first.

/// Longest `Retry-After` that is waited out; a longer one is handed to the caller.
pub const MAX_WAITED_RETRY_AFTER_S: u64 = 60;
/// First backoff delay for 5xx, network errors and timeouts.
pub const BACKOFF_BASE_MS: f64 = 250.0;
/// Longest backoff delay.
pub const BACKOFF_CAP_MS: f64 = 8_000.0;
/// Longest `Retry-After` the client counts in (a billion seconds is "never").
const RETRY_AFTER_CAP_S: u64 = 1_000_000_000;

/// What one attempt ended with, as the policy sees it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Attempt {
    /// A response with this status and, for 429, its `Retry-After` in seconds.
    Status(u16, Option<u64>),
    /// The request failed before a complete response (refused, reset, DNS, CORS).
    Network,
    /// No complete response within the timeout.
    Timeout,
}

/// What to do after an attempt.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Decision {
    /// Wait this many milliseconds, then send again.
    RetryAfterMs(f64),
    /// Stop: the attempt's outcome is final.
    Stop,
}

/// Decides whether to retry. `retries_used` counts every retry so far, whatever its cause;
/// `idempotent` is true for GET/HEAD and the token request, the only calls retried after a
/// 5xx, a network error or a timeout (a 429 means the server did not process the call, so
/// any method is retried). `random` gives a number in `[0, 1)` that spreads the backoff of
/// many clients; it is only asked for when backing off.
pub fn decide(
    attempt: Attempt,
    idempotent: bool,
    retries_used: u32,
    max_retries: u32,
    random: impl FnOnce() -> f64,
) -> Decision {
    if retries_used >= max_retries {
        return Decision::Stop;
    }
    match attempt {
        Attempt::Status(429, retry_after) => {
            let wait = retry_after.unwrap_or(1);
            if wait <= MAX_WAITED_RETRY_AFTER_S {
                Decision::RetryAfterMs(wait as f64 * 1000.0)
            } else {
                Decision::Stop
            }
        }
        Attempt::Status(500..=599, _) | Attempt::Network | Attempt::Timeout if idempotent => {
            Decision::RetryAfterMs(backoff_ms(retries_used, random()))
        }
        _ => Decision::Stop,
    }
}

/// Exponential backoff with jitter: `base * 2^n`, capped, scaled into `[50 %, 100 %]`.
pub fn backoff_ms(retries_used: u32, random: f64) -> f64 {
    let full = (BACKOFF_BASE_MS * 2f64.powi(retries_used.min(16) as i32)).min(BACKOFF_CAP_MS);
    full * (0.5 + random.clamp(0.0, 1.0) / 2.0)
}

/// Parses `Retry-After` (RFC 9110) into whole seconds: delay-seconds, or an IMF-fixdate
/// relative to `now_ms`. Missing or unreadable means 1 second, as for a bare 429; a date in
/// the past means 0.
pub fn parse_retry_after(header: Option<&str>, now_ms: f64) -> u64 {
    let Some(value) = header.map(str::trim) else {
        return 1;
    };
    if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) {
        // Digits only: beyond u64 it can only be "never".
        return value
            .parse::<u64>()
            .map_or(RETRY_AFTER_CAP_S, |s| s.min(RETRY_AFTER_CAP_S));
    }
    let Some(at_ms) = parse_http_date(value) else {
        return 1;
    };
    let seconds = ((at_ms - now_ms) / 1000.0).ceil();
    seconds.clamp(0.0, RETRY_AFTER_CAP_S as f64) as u64
}

// Hand-written rather than the `httpdate` crate: that crate cost 7.2 KB of wasm (measured:
// its three date formats, `SystemTime` arithmetic and `Duration`'s Debug) for a header
// Ankorstore sends in seconds. RFC 9110 senders must use IMF-fixdate; this parser is fuzzed
// against an independent formatter (fuzz/fuzz_targets/retry_after.rs).
/// Parses an IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`) into ms since the epoch.
pub fn parse_http_date(value: &str) -> Option<f64> {
    let rest = value.split_once(", ").map(|(_, r)| r)?;
    let mut parts = rest.split(' ');
    let day: u32 = parse_digits(parts.next()?, 2)?;
    let month_name = parts.next()?;
    let month = MONTHS.iter().position(|m| *m == month_name)? as u32 + 1;
    let year: i64 = parse_digits(parts.next()?, 4)? as i64;
    let time = parts.next()?;
    if parts.next()? != "GMT" || parts.next().is_some() {
        return None;
    }
    let mut hms = time.split(':');
    let h = parse_digits(hms.next()?, 2)?;
    let m = parse_digits(hms.next()?, 2)?;
    let s = parse_digits(hms.next()?, 2)?;
    if hms.next().is_some() || day == 0 || day > 31 || h > 23 || m > 59 || s > 60 {
        return None;
    }
    let days = days_from_civil(year, month, day);
    Some(((days * 86_400) + (h * 3600 + m * 60 + s) as i64) as f64 * 1000.0)
}

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

fn parse_digits(s: &str, len: usize) -> Option<u32> {
    if s.len() == len && s.bytes().all(|b| b.is_ascii_digit()) {
        s.parse().ok()
    } else {
        None
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month as i64 + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn retries_5xx_network_and_timeouts_only_when_idempotent() {
        for a in [
            Attempt::Status(500, None),
            Attempt::Status(503, None),
            Attempt::Network,
            Attempt::Timeout,
        ] {
            assert!(
                matches!(decide(a, true, 0, 2, || 0.0), Decision::RetryAfterMs(_)),
                "{a:?}"
            );
            assert_eq!(decide(a, false, 0, 2, || 0.0), Decision::Stop, "{a:?}");
            assert_eq!(decide(a, true, 2, 2, || 0.0), Decision::Stop, "{a:?}");
        }
        for status in [400, 401, 403, 404, 422, 302] {
            assert_eq!(
                decide(Attempt::Status(status, None), true, 0, 2, || 0.0),
                Decision::Stop
            );
        }
    }

    #[test]
    fn waits_out_short_429s_for_any_method() {
        let at = |wait, used| decide(Attempt::Status(429, wait), false, used, 2, || 0.5);
        assert_eq!(at(Some(2), 0), Decision::RetryAfterMs(2000.0));
        assert_eq!(at(None, 0), Decision::RetryAfterMs(1000.0));
        assert_eq!(
            at(Some(MAX_WAITED_RETRY_AFTER_S), 1),
            Decision::RetryAfterMs(60_000.0)
        );
        assert_eq!(at(Some(MAX_WAITED_RETRY_AFTER_S + 1), 0), Decision::Stop);
        assert_eq!(at(Some(1), 2), Decision::Stop);
    }

    #[test]
    fn backoff_grows_and_is_capped() {
        assert_eq!(backoff_ms(0, 1.0), BACKOFF_BASE_MS);
        assert_eq!(backoff_ms(1, 1.0), 2.0 * BACKOFF_BASE_MS);
        assert_eq!(backoff_ms(0, 0.0), BACKOFF_BASE_MS / 2.0);
        assert_eq!(backoff_ms(30, 1.0), BACKOFF_CAP_MS);
    }

    #[test]
    fn parses_retry_after() {
        assert_eq!(parse_retry_after(Some("30"), 0.0), 30);
        assert_eq!(parse_retry_after(Some(" 0 "), 0.0), 0);
        assert_eq!(parse_retry_after(None, 0.0), 1);
        assert_eq!(parse_retry_after(Some("soon"), 0.0), 1);
        assert_eq!(parse_retry_after(Some("-5"), 0.0), 1);
        assert_eq!(
            parse_retry_after(Some("99999999999999999999999"), 0.0),
            RETRY_AFTER_CAP_S
        );
        let at = 784_111_777_000.0; // Sun, 06 Nov 1994 08:49:37 GMT
        let date = "Sun, 06 Nov 1994 08:49:37 GMT";
        assert_eq!(parse_http_date(date), Some(at));
        assert_eq!(parse_retry_after(Some(date), at - 10_500.0), 11);
        assert_eq!(parse_retry_after(Some(date), at + 5_000.0), 0);
        assert_eq!(
            parse_retry_after(Some("Sun, 06 Nov 1994 08:49:37 UTC"), 0.0),
            1
        );
        assert_eq!(
            parse_retry_after(Some("Sun, 32 Nov 1994 08:49:37 GMT"), 0.0),
            1
        );
    }

    proptest! {
        #[test]
        fn http_dates_near_valid(d in "[0-9]{1,3}", m in "[A-Za-z]{3}", y in "[0-9]{3,5}", t in "[0-9:]{5,9}") {
            let _ = parse_http_date(&format!("Mon, {d} {m} {y} {t} GMT"));
        }

        #[test]
        fn retry_after_never_panics_and_is_bounded(s in ".{0,40}", now in 0f64..4e12) {
            prop_assert!(parse_retry_after(Some(&s), now) <= RETRY_AFTER_CAP_S);
        }

    }
}

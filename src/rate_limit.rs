//! `client.rateLimit`: the `X-RateLimit-*` headers of the last API response that carried them.

use serde::Serialize;

/// The API's rate limit as last reported.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RateLimit {
    /// `X-RateLimit-Limit`: requests allowed in the window.
    pub limit: u64,
    /// `X-RateLimit-Remaining`: requests left in it.
    pub remaining: u64,
    /// `X-RateLimit-Reset` (epoch seconds) in ms since the epoch, when sent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reset_at: Option<f64>,
}

fn whole(text: &Option<String>) -> Option<u64> {
    let text = text.as_deref()?.trim();
    let digits = !text.is_empty() && text.len() <= 15 && text.bytes().all(|b| b.is_ascii_digit());
    digits.then(|| text.parse().ok()).flatten()
}

impl RateLimit {
    /// Reads `[limit, remaining, reset]` header values; `None` unless the limit and the
    /// remaining count are whole numbers.
    pub fn from_headers(headers: &[Option<String>; 3]) -> Option<RateLimit> {
        Some(RateLimit {
            limit: whole(&headers[0])?,
            remaining: whole(&headers[1])?,
            reset_at: whole(&headers[2]).map(|s| s as f64 * 1000.0),
        })
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    fn read(values: [Option<&str>; 3]) -> Option<RateLimit> {
        RateLimit::from_headers(&values.map(|v| v.map(str::to_string)))
    }

    #[test]
    fn reads_the_headers() {
        assert_eq!(
            read([Some("600"), Some(" 599 "), Some("1700000000")]),
            Some(RateLimit {
                limit: 600,
                remaining: 599,
                reset_at: Some(1_700_000_000_000.0)
            })
        );
        assert_eq!(read([Some("600"), Some("0"), None]).unwrap().reset_at, None);
        assert_eq!(
            read([Some("600"), Some("0"), Some("soon")])
                .unwrap()
                .reset_at,
            None
        );
        for bad in [
            [None, Some("1"), None],
            [Some("600"), None, None],
            [Some("-1"), Some("1"), None],
            [Some("1.5"), Some("1"), None],
        ] {
            assert_eq!(read(bad), None, "{bad:?}");
        }
        let json = serde_json::to_value(read([Some("10"), Some("9"), None]).unwrap()).unwrap();
        assert_eq!(json, serde_json::json!({"limit": 10, "remaining": 9}));
    }
}

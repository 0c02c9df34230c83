//! Access tokens: the token response, expiry, what JavaScript sees, and the token store
//! format.

use serde::{Deserialize, Serialize};

use crate::loose::Loose;
use crate::secret::Secret;

/// A 2xx body of the token endpoint, as given (each member read as a [`Loose`] value so that
/// a wrong one is named in the error).
#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
pub struct TokenResponse {
    /// `access_token`.
    pub access_token: Option<Loose>,
    /// `token_type`.
    pub token_type: Option<Loose>,
    /// `expires_in`.
    pub expires_in: Option<Loose>,
}

/// Longest token life the client accepts, in seconds (68 years: anything longer is a bug).
const MAX_EXPIRES_IN_S: f64 = 2_147_483_647.0;

/// An OAuth2 access token (`AccessToken` in the public API).
#[derive(Clone, Debug, PartialEq)]
pub struct AccessToken {
    /// The bearer token.
    pub access_token: Secret,
    /// `token_type` as sent by the server (case-insensitively `Bearer`).
    pub token_type: String,
    /// `expires_in` as sent by the server, in seconds.
    pub expires_in: f64,
    /// Milliseconds since the epoch: when the token request was sent + `expires_in`.
    pub expires_at: f64,
}

/// The `AccessToken` object handed to JavaScript. A view of its own, so that nothing
/// serialises a [`Secret`] by accident.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TokenView<'a> {
    /// The bearer token.
    pub access_token: &'a str,
    /// As sent by the server.
    pub token_type: &'a str,
    /// Seconds, as sent by the server.
    pub expires_in: f64,
    /// Milliseconds since the epoch.
    pub expires_at: f64,
}

/// Whether `value` can travel in an `Authorization` header: visible ASCII, no spaces.
fn is_header_safe(value: &str) -> bool {
    !value.is_empty() && value.bytes().all(|b| b.is_ascii_graphic())
}

impl AccessToken {
    /// Validates a 2xx body of the token endpoint; `requested_at` is when the request was
    /// sent. The error says what is wrong (never the token itself).
    pub fn from_response(
        body: &TokenResponse,
        requested_at: f64,
    ) -> Result<AccessToken, &'static str> {
        let access_token = match &body.access_token {
            Some(Loose::String(t)) if is_header_safe(t) => t,
            Some(Loose::String(_)) => {
                return Err("access_token is empty or holds characters a header cannot carry")
            }
            _ => return Err("access_token is missing"),
        };
        let token_type = match &body.token_type {
            Some(Loose::String(t)) if t.eq_ignore_ascii_case("bearer") => t,
            Some(Loose::String(_)) => return Err("token_type is not Bearer"),
            _ => return Err("token_type is missing"),
        };
        let expires_in = match &body.expires_in {
            Some(Loose::Number(n)) if n.is_finite() && *n > 0.0 && *n <= MAX_EXPIRES_IN_S => *n,
            Some(Loose::Number(n)) if n.is_finite() && *n > 0.0 => {
                return Err("expires_in is out of range")
            }
            Some(Loose::Number(_)) => return Err("expires_in is not a positive number"),
            _ => return Err("expires_in is missing or not a number"),
        };
        Ok(AccessToken {
            access_token: Secret::new(access_token.as_str()),
            token_type: token_type.clone(),
            expires_in,
            expires_at: requested_at + expires_in * 1000.0,
        })
    }

    /// What JavaScript receives.
    pub fn view(&self) -> TokenView<'_> {
        TokenView {
            access_token: self.access_token.expose(),
            token_type: &self.token_type,
            expires_in: self.expires_in,
            expires_at: self.expires_at,
        }
    }

    /// Whether the token may still be used at `now`: `now < expiresAt - margin`, the margin
    /// being `refresh_margin_s` but never more than half of the token's lifetime.
    pub fn is_fresh(&self, now: f64, refresh_margin_s: f64) -> bool {
        let margin_s = refresh_margin_s.min(self.expires_in / 2.0);
        now < self.expires_at - margin_s * 1000.0
    }

    /// Whole seconds of life left at `now`, at least 1 (a token store's TTL).
    pub fn ttl_seconds(&self, now: f64) -> u32 {
        let left = ((self.expires_at - now) / 1000.0).floor();
        left.clamp(1.0, u32::MAX as f64) as u32
    }

    /// The token as kept in a token store: `ankorstore-token/2 <expires_at> <expires_in>
    /// <token_type> <access_token>`, times in whole milliseconds. The token is last and holds
    /// no spaces, so the line splits back without any escaping, and only integers are
    /// written and read (no float formatting or parsing in the wasm).
    pub fn to_store_value(&self) -> String {
        format!(
            "{STORE_PREFIX} {} {} {} {}",
            self.expires_at.round() as u64,
            (self.expires_in * 1000.0).round() as u64,
            self.token_type,
            self.access_token.expose()
        )
    }

    /// Reads a token store value; anything malformed is `None` (the store is then ignored).
    pub fn from_store_value(value: &str) -> Option<AccessToken> {
        let mut parts = value.splitn(5, ' ');
        if parts.next()? != STORE_PREFIX {
            return None;
        }
        let millis = |text: &str| {
            let valid =
                !text.is_empty() && text.len() <= 16 && text.bytes().all(|b| b.is_ascii_digit());
            valid.then(|| text.parse::<u64>().ok()).flatten()
        };
        let expires_at = millis(parts.next()?)?;
        let expires_in = millis(parts.next()?)?;
        let token_type = parts.next()?;
        let access_token = parts.next()?;
        let valid = expires_in > 0
            && token_type.eq_ignore_ascii_case("bearer")
            && is_header_safe(access_token);
        valid.then(|| AccessToken {
            access_token: Secret::new(access_token),
            token_type: token_type.to_string(),
            expires_in: expires_in as f64 / 1000.0,
            expires_at: expires_at as f64,
        })
    }
}

const STORE_PREFIX: &str = "ankorstore-token/2";

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde_json::{json, Value};

    fn parse(body: Value, at: f64) -> Result<AccessToken, &'static str> {
        AccessToken::from_response(&serde_json::from_value(body).unwrap(), at)
    }

    #[test]
    fn parses_the_documented_response() {
        let t = parse(
            json!({"token_type":"Bearer","expires_in":3600,"access_token":"eyJ.abc.def"}),
            1_000.0,
        )
        .unwrap();
        assert_eq!(t.access_token.expose(), "eyJ.abc.def");
        assert_eq!(t.token_type, "Bearer");
        assert_eq!(t.expires_in, 3600.0);
        assert_eq!(t.expires_at, 3_601_000.0);
        let view = serde_json::to_value(t.view()).unwrap();
        assert_eq!(
            view,
            json!({"accessToken":"eyJ.abc.def","tokenType":"Bearer","expiresIn":3600.0,"expiresAt":3601000.0})
        );
    }

    #[test]
    fn refuses_invalid_responses() {
        for bad in [
            json!({}),
            json!({"token_type":"Bearer","expires_in":3600,"access_token":""}),
            json!({"token_type":"Bearer","expires_in":3600,"access_token":"a b"}),
            json!({"token_type":"Bearer","expires_in":3600,"access_token":42}),
            json!({"token_type":"mac","expires_in":3600,"access_token":"t"}),
            json!({"expires_in":3600,"access_token":"t"}),
            json!({"token_type":"Bearer","expires_in":"3600","access_token":"t"}),
            json!({"token_type":"Bearer","expires_in":0,"access_token":"t"}),
            json!({"token_type":"Bearer","expires_in":-1,"access_token":"t"}),
            json!({"token_type":"Bearer","access_token":"t"}),
            json!({"token_type":"Bearer","expires_in":1e308,"access_token":"t"}),
        ] {
            assert!(parse(bad.clone(), 0.0).is_err(), "{bad}");
        }
    }

    #[test]
    fn margin_is_capped_at_half_the_lifetime() {
        let t = parse(
            json!({"token_type":"bearer","expires_in":10,"access_token":"t"}),
            0.0,
        )
        .unwrap();
        // margin min(60, 5) = 5 s: fresh until 5 s.
        assert!(t.is_fresh(4_999.0, 60.0));
        assert!(!t.is_fresh(5_000.0, 60.0));
        // margin 0: fresh until expiry.
        assert!(t.is_fresh(9_999.0, 0.0));
        assert!(!t.is_fresh(10_000.0, 0.0));
        assert_eq!(t.ttl_seconds(0.0), 10);
        assert_eq!(t.ttl_seconds(9_500.0), 1);
        assert_eq!(t.ttl_seconds(20_000.0), 1);
    }

    #[test]
    fn store_value_round_trips() {
        let t = AccessToken {
            access_token: Secret::new("abc.def~+/="),
            token_type: "Bearer".into(),
            expires_in: 3600.5,
            expires_at: 1_700_000_000_123.0,
        };
        assert_eq!(
            t.to_store_value(),
            "ankorstore-token/2 1700000000123 3600500 Bearer abc.def~+/="
        );
        assert_eq!(AccessToken::from_store_value(&t.to_store_value()), Some(t));
        for garbage in [
            "",
            "x",
            "ankorstore-token/2",
            "ankorstore-token/2 a b Bearer t",
            "ankorstore-token/2 1 0 Bearer t",
            "ankorstore-token/2 1 1 Bearer t u",
            "ankorstore-token/2 1.5 1 Bearer t",
            "ankorstore-token/2 -1 1 Bearer t",
            "ankorstore-token/1 1 1 Bearer t",
        ] {
            assert_eq!(AccessToken::from_store_value(garbage), None, "{garbage}");
        }
    }

    proptest! {
        #[test]
        fn store_parser_never_panics(s in ".{0,100}") {
            let _ = AccessToken::from_store_value(&s);
        }

        #[test]
        fn store_parser_on_near_valid_lines(a in "[0-9.e+-]{0,18}", b in "[0-9.e+-]{0,6}", tt in "[a-zA-Z]{0,7}", tok in "[ -~]{0,20}") {
            let line = format!("ankorstore-token/2 {a} {b} {tt} {tok}");
            if let Some(t) = AccessToken::from_store_value(&line) {
                prop_assert!(t.expires_in > 0.0 && !t.access_token.expose().contains(' '));
            }
        }
    }
}

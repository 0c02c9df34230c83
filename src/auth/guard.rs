//! The token budget guard: what the client remembers about tokens so that it never burns the
//! token endpoint's allowance (60 requests an hour).
//!
//! - A token the API refused (or the user invalidated) is never used again, even from a
//!   token store.
//! - When a token obtained to replace a refused one is refused too (a revoked client, a
//!   server bug), no token is requested for a cool-down: 30 s, doubling on each repetition up
//!   to 30 min. Any call the API accepts, or `invalidateToken()`, ends it.
//! - A 429 from the token endpoint is honoured: no token request until its `Retry-After`.

use std::collections::VecDeque;

use crate::error::{Error, ErrorCode};

/// First cool-down after a replacement token was refused too.
pub const COOLDOWN_BASE_S: f64 = 30.0;
/// Longest cool-down.
pub const COOLDOWN_CAP_S: f64 = 1_800.0;
/// How many refused tokens are remembered (so a store cannot hand them back).
const REFUSED_MEMORY: usize = 32;
/// How many recent tokens are remembered (to cut them out of error messages).
const TOKEN_MEMORY: usize = 8;

/// The guard's state. Times are milliseconds since the epoch.
#[derive(Debug, Default)]
pub struct TokenGuard {
    /// Tokens the API refused, or the user invalidated.
    refused: VecDeque<String>,
    /// Tokens recently obtained.
    recent: VecDeque<String>,
    /// A token was refused since the API last accepted one: tokens obtained now are
    /// replacements.
    refusal_pending: bool,
    /// Tokens obtained to replace a refused one.
    replacements: VecDeque<String>,
    /// Cool-downs since the API last accepted a token.
    cooldowns: u32,
    cooldown_until: f64,
    endpoint_blocked_until: f64,
}

/// Adds `token` to a bounded list (oldest out first), once.
fn remember(list: &mut VecDeque<String>, token: &str, capacity: usize) {
    if list.iter().any(|t| t == token) {
        return;
    }
    if list.len() == capacity {
        list.pop_front();
    }
    list.push_back(token.to_string());
}

fn seconds_left(until: f64, now: f64) -> u64 {
    ((until - now) / 1000.0).ceil().max(1.0) as u64
}

impl TokenGuard {
    /// The client obtained `token` (from the endpoint or a store).
    pub fn obtained(&mut self, token: &str) {
        if self.refusal_pending {
            remember(&mut self.replacements, token, TOKEN_MEMORY);
        }
        remember(&mut self.recent, token, TOKEN_MEMORY);
    }

    /// The API answered 401 to `token` at `now`. False when it was already known as refused
    /// (another caller's 401 on the same token).
    pub fn refused(&mut self, token: &str, now: f64) -> bool {
        if self.is_refused(token) {
            return false;
        }
        remember(&mut self.refused, token, REFUSED_MEMORY);
        self.refusal_pending = true;
        if self.replacements.iter().any(|t| t == token) {
            let seconds =
                (COOLDOWN_BASE_S * 2f64.powi(self.cooldowns.min(16) as i32)).min(COOLDOWN_CAP_S);
            self.cooldowns += 1;
            self.cooldown_until = now + seconds * 1000.0;
        }
        true
    }

    /// The API accepted a token: the cool-down ends and stops growing.
    pub fn accepted(&mut self) {
        self.refusal_pending = false;
        self.replacements.clear();
        self.cooldowns = 0;
        self.cooldown_until = 0.0;
    }

    /// The user invalidated `token` (the cached one, if any): it is not used again, and the
    /// guard starts afresh.
    pub fn invalidated(&mut self, token: Option<&str>) {
        if let Some(token) = token {
            remember(&mut self.refused, token, REFUSED_MEMORY);
        }
        self.accepted();
    }

    /// Whether `token` was refused or invalidated.
    pub fn is_refused(&self, token: &str) -> bool {
        self.refused.iter().any(|t| t == token)
    }

    /// The token endpoint answered 429: no request until `until`.
    pub fn endpoint_rate_limited(&mut self, until: f64) {
        self.endpoint_blocked_until = until;
    }

    /// Why no token may be requested at `now`, if so.
    pub fn request_refusal(&self, now: f64) -> Option<Error> {
        if self.endpoint_blocked_until > now {
            let wait = seconds_left(self.endpoint_blocked_until, now);
            return Some(Error::rate_limited(
                format!("The token endpoint answered 429 (it allows 60 token requests an hour); no token is requested for another {wait} s"),
                wait,
            ));
        }
        if self.cooldown_until > now {
            let wait = seconds_left(self.cooldown_until, now);
            return Some(Error::new(
                ErrorCode::Unauthenticated,
                format!("The API refused a freshly issued access token (401): the client may have been revoked or may lack access. To protect the token budget (60 token requests an hour) no new token is requested for another {wait} s; call invalidateToken() to try again sooner"),
            ));
        }
        None
    }

    /// Tokens recently obtained, to cut out of error messages.
    pub fn recent(&self) -> impl Iterator<Item = &str> {
        self.recent.iter().map(String::as_str)
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    fn cooldown_s(g: &TokenGuard, now: f64) -> Option<f64> {
        g.request_refusal(now).and_then(|e| {
            (e.code == ErrorCode::Unauthenticated).then(|| (g.cooldown_until - now) / 1000.0)
        })
    }

    #[test]
    fn a_refused_first_token_does_not_cool_down() {
        let mut g = TokenGuard::default();
        g.obtained("t1");
        assert!(g.refused("t1", 0.0));
        assert!(
            !g.refused("t1", 0.0),
            "a second 401 on the same token counts once"
        );
        assert_eq!(cooldown_s(&g, 0.0), None);
        assert!(g.is_refused("t1"));
    }

    #[test]
    fn a_refused_replacement_cools_down_and_doubles() {
        let mut g = TokenGuard::default();
        g.obtained("t1");
        g.refused("t1", 0.0);
        for (i, (token, expected)) in [("t2", 30.0), ("t3", 60.0), ("t4", 120.0)]
            .into_iter()
            .enumerate()
        {
            let now = i as f64 * 1_000_000.0;
            g.obtained(token);
            g.refused(token, now);
            assert_eq!(cooldown_s(&g, now), Some(expected), "{token}");
        }
    }

    #[test]
    fn the_cool_down_is_capped_and_ends_on_success_or_invalidation() {
        let mut g = TokenGuard::default();
        g.obtained("t0");
        g.refused("t0", 0.0);
        for i in 0..20 {
            let token = format!("t{}", i + 1);
            g.obtained(&token);
            g.refused(&token, 0.0);
        }
        assert_eq!(cooldown_s(&g, 0.0), Some(COOLDOWN_CAP_S));
        g.accepted();
        assert_eq!(cooldown_s(&g, 0.0), None);
        g.obtained("u1");
        g.refused("u1", 0.0);
        g.obtained("u2");
        g.refused("u2", 0.0);
        assert_eq!(cooldown_s(&g, 0.0), Some(30.0));
        g.invalidated(Some("u3"));
        assert_eq!(cooldown_s(&g, 0.0), None);
        assert!(g.is_refused("u3"));
    }

    #[test]
    fn a_stale_401_on_an_old_token_does_not_start_a_cool_down() {
        let mut g = TokenGuard::default();
        g.obtained("old");
        g.obtained("t1");
        g.refused("t1", 0.0);
        g.obtained("t2");
        // A slow call made with "old" gets its 401 now: "old" was no replacement.
        g.refused("old", 0.0);
        assert_eq!(cooldown_s(&g, 0.0), None);
    }

    #[test]
    fn the_endpoint_429_is_honoured_until_it_passes() {
        let mut g = TokenGuard::default();
        g.endpoint_rate_limited(90_000.0);
        let e = g.request_refusal(500.0).unwrap();
        assert_eq!((e.code, e.retry_after), (ErrorCode::RateLimited, Some(90)));
        assert_eq!(g.request_refusal(89_500.0).unwrap().retry_after, Some(1));
        assert!(g.request_refusal(90_000.0).is_none());
    }
}

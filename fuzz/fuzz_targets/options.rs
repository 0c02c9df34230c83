//! `config::ClientConfig::from_options` on any options object: accepted options are within
//! the documented ranges, refused ones are `invalid_config`, and no message quotes the
//! secret.
#![no_main]

use ankorstore_client::config::{ClientConfig, Credentials, Endpoint};
use ankorstore_client::error::ErrorCode;
use ankorstore_client::json::Json;
use ankorstore_client::redact::REDACTED;
use ankorstore_client::secret::Secret;
use fuzz_support::json_from_bytes;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let options = json_from_bytes(data);
    match ClientConfig::from_options(&options) {
        Ok(c) => {
            assert!(c.endpoint.timeout_ms.is_finite() && c.endpoint.timeout_ms > 0.0);
            assert!(c.endpoint.max_retries <= 100);
            assert!(c.refresh_margin_s.is_finite() && c.refresh_margin_s >= 0.0);
            assert!(!c.credentials.client_id.trim().is_empty());
            assert!(!c.credentials.client_secret.expose().trim().is_empty());
            assert!(!c.credentials.scope.trim().is_empty());
            let base = c.endpoint.base_url.as_string();
            assert_eq!(
                ankorstore_client::url::BaseUrl::parse(&base).as_ref(),
                Ok(&c.endpoint.base_url)
            );
            // The same options read piecewise give the same answer.
            assert_eq!(Endpoint::from_options(&options).as_ref(), Ok(&c.endpoint));
            assert_eq!(
                Credentials::from_options(&options).as_ref(),
                Ok(&c.credentials)
            );
            // Debug output of the config does not depend on the secret.
            let mut other = c.clone();
            other.credentials.client_secret = Secret::new("x");
            assert_eq!(format!("{c:?}"), format!("{other:?}"));
        }
        Err(e) => {
            assert_eq!(e.code, ErrorCode::InvalidConfig);
            assert!(!e.message.is_empty());
            if let Some(Json::String(secret)) = options.get("clientSecret") {
                if !secret.is_empty() && !REDACTED.contains(secret.as_str()) {
                    assert!(!e.message.contains(secret.as_str()), "{:?}", e.message);
                }
            }
        }
    }
    let _ = Endpoint::from_options(&options);
});

//! `verifyWebhookSignature` on any secret, payload and signature: an empty secret is the
//! caller's mistake (`invalid_argument`); otherwise the answer is `true` exactly when the
//! signature, trimmed, is the lower- or upper-case hex of the HMAC-SHA256 of the payload under
//! the secret, and the true signature always verifies, in any case and with whitespace around.
#![no_main]

use ankorstore_client::{verify_webhook_signature, ErrorCode};
use fuzz_support::fields;
use hmac::{Hmac, Mac};
use libfuzzer_sys::fuzz_target;
use sha2::Sha256;

fuzz_target!(|data: &[u8]| {
    let [secret, payload, signature] = fields::<3>(data);
    let verdict = verify_webhook_signature(payload.as_bytes(), Some(&signature), &secret);
    if secret.is_empty() {
        assert_eq!(verdict.unwrap_err().code, ErrorCode::InvalidArgument);
        return;
    }
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(payload.as_bytes());
    let expected: String = mac
        .finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let given = signature.trim();
    assert_eq!(
        verdict,
        Ok(given.eq_ignore_ascii_case(&expected)),
        "{signature:?}"
    );
    for shape in [
        expected.clone(),
        expected.to_uppercase(),
        format!(" \t{expected}\n"),
    ] {
        assert_eq!(
            verify_webhook_signature(payload.as_bytes(), Some(&shape), &secret),
            Ok(true)
        );
    }
    assert_eq!(
        verify_webhook_signature(payload.as_bytes(), None, &secret),
        Ok(false)
    );
});

//! `verifyWebhookSignature`: Ankorstore signs each webhook with HMAC-SHA256 of the raw request
//! body, keyed with the webhook subscription's secret, as lower-case hex in the `signature`
//! header.

use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::error::{Error, ErrorCode};

/// Whether `signature` (hex, any case, surrounding whitespace ignored) is the HMAC-SHA256 of
/// `payload` under `secret`. The comparison takes the same time whatever the signature (it
/// leaks nothing of the expected one). `false` for a missing, empty or malformed signature;
/// an empty secret is a mistake of the caller (`invalid_argument`).
pub fn verify_webhook_signature(
    payload: &[u8],
    signature: Option<&str>,
    secret: &str,
) -> Result<bool, Error> {
    if secret.is_empty() {
        return Err(Error::new(
            ErrorCode::InvalidArgument,
            "the webhook secret must be a non-empty string (the secret of the webhook subscription)",
        ));
    }
    let mut expected = [0u8; 32];
    let given = signature.map(str::trim).unwrap_or("");
    if hex::decode_to_slice(given, &mut expected).is_err() {
        return Ok(false);
    }
    // A key of any length is accepted by HMAC: this cannot fail.
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(secret.as_bytes()) else {
        return Ok(false);
    };
    mac.update(payload);
    Ok(mac.verify_slice(&expected).is_ok())
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const SECRET: &str = "whsec_9f2c1e";
    const PAYLOAD: &str = r#"{"data":{"type":"order.brand_created","id":"e3a4"}}"#;

    /// Computed independently with Node:
    /// `crypto.createHmac("sha256", secret).update(payload).digest("hex")`.
    const VECTORS: [(&[u8], &str, &str); 4] = [
        (
            PAYLOAD.as_bytes(),
            SECRET,
            "bec7fe66ae131b861e4a18c6a593278289f72c6d814674bdec4c7faf3d248ee6",
        ),
        (
            &[0, 255, 1, 2],
            "k é",
            "77fff8ff231fe86251fd97e203410a78dd1347128dd137bdde4e41719c5e4ac1",
        ),
        (
            b"",
            "s",
            "64eca07cce67929c357d63d0a4aec207e774800403298914fc04e88ce02ac49f",
        ),
        (
            "héllo wörld ✓".as_bytes(),
            "secret",
            "e66efaf09eac54b22824e6cde45832297bc44551d3be5f509d8df65dddce1356",
        ),
    ];

    #[test]
    fn verifies_vectors_computed_by_node() {
        for (payload, secret, signature) in VECTORS {
            assert_eq!(
                verify_webhook_signature(payload, Some(signature), secret),
                Ok(true)
            );
            let shouted = format!("\t{}  ", signature.to_uppercase());
            assert_eq!(
                verify_webhook_signature(payload, Some(&shouted), secret),
                Ok(true)
            );
            assert_eq!(
                verify_webhook_signature(b"other", Some(signature), secret),
                Ok(false)
            );
            assert_eq!(
                verify_webhook_signature(payload, Some(signature), "other"),
                Ok(false)
            );
        }
    }

    #[test]
    fn refuses_an_empty_secret() {
        assert_eq!(
            verify_webhook_signature(b"x", Some("00"), "")
                .unwrap_err()
                .code,
            ErrorCode::InvalidArgument
        );
    }

    #[test]
    fn malformed_signatures_are_false() {
        for bad in [
            None,
            Some(""),
            Some("   "),
            Some("zz"),
            Some("abc"),
            Some(&"0".repeat(63)),
            Some(&"0".repeat(66)),
            Some("sha256=00"),
        ] {
            assert_eq!(
                verify_webhook_signature(PAYLOAD.as_bytes(), bad, SECRET),
                Ok(false),
                "{bad:?}"
            );
        }
    }

    fn lower_hex(bytes: &[u8]) -> String {
        bytes.iter().map(|b| format!("{b:02x}")).collect()
    }

    proptest! {
        #[test]
        fn a_signature_verifies_its_payload_only(payload in proptest::collection::vec(any::<u8>(), 0..200), secret in "[ -~]{1,40}", flip in 0usize..32) {
            let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap();
            mac.update(&payload);
            let good = mac.finalize().into_bytes();
            let hex = lower_hex(&good);
            prop_assert!(verify_webhook_signature(&payload, Some(&hex), &secret).unwrap());
            let padded = format!(" {}\n", hex.to_uppercase());
            prop_assert!(verify_webhook_signature(&payload, Some(&padded), &secret).unwrap());
            let mut bad = good;
            bad[flip] ^= 1;
            prop_assert!(!verify_webhook_signature(&payload, Some(&lower_hex(&bad)), &secret).unwrap());
        }
    }
}

//! Arbitrary headers and bodies through webhook verification and parsing:
//! every outcome is a value, never a panic.

#![no_main]

use arbitrary::Arbitrary;
use cashfree_vkyc::Api;
use cashfree_vkyc::webhook::{Verifier, WebhookEvent, header_signature};
use http::{HeaderMap, HeaderValue};
use libfuzzer_sys::fuzz_target;

#[derive(Arbitrary, Debug)]
struct Delivery<'a> {
    signature: Option<&'a [u8]>,
    timestamp: Option<&'a str>,
    attempt: Option<&'a [u8]>,
    /// Sign the body properly, so the parser behind the signature check is reached.
    sign_it: bool,
    family: Option<bool>,
    secret: &'a [u8],
    body: &'a [u8],
}

fuzz_target!(|d: Delivery<'_>| {
    let mut verifier =
        Verifier::with_secrets([d.secret, b"second-secret"]).now_millis(1_780_308_000_000);
    if let Some(ppi) = d.family {
        verifier = verifier.api(if ppi { Api::Ppi } else { Api::VerificationSuite });
    }
    let timestamp = d.timestamp.unwrap_or("1780308000000");
    let mut headers = HeaderMap::new();
    let signature = if d.sign_it {
        HeaderValue::from_str(&header_signature(d.secret, timestamp, d.body)).ok()
    } else {
        d.signature.and_then(|s| HeaderValue::from_bytes(s).ok())
    };
    if let Some(signature) = signature {
        headers.insert("x-webhook-signature", signature);
    }
    if let Ok(value) = HeaderValue::from_str(timestamp) {
        headers.insert("x-webhook-timestamp", value);
    }
    if let Some(attempt) = d.attempt.and_then(|a| HeaderValue::from_bytes(a).ok()) {
        headers.insert("x-webhook-attempt", attempt);
    }
    if let Ok(delivery) = verifier.verify(&headers, d.body) {
        let _ = (delivery.delivery_key(), delivery.attempt(), format!("{delivery:?}"));
        if let Ok(event) = delivery.parse() {
            let _ = (event.delivery_key(), event.event_type.as_str(), event.verification.phase());
            // The parts parsed only when asked for.
            let _ = (event.envelope().len(), event.verification.extra().count());
        }
    }
    let _ = verifier.verify(&HeaderMap::new(), d.body);
    let _ = verifier.verify_signed_body(d.body);
    for api in [Api::Ppi, Api::VerificationSuite] {
        if let Ok(event) = WebhookEvent::parse(api, d.body) {
            let _ = event.delivery_key();
        }
    }
});

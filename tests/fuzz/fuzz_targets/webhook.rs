//! Arbitrary headers and bodies through webhook verification and parsing:
//! every outcome is a value, never a panic.

#![no_main]

use arbitrary::Arbitrary;
use cashfree_vkyc::Api;
use cashfree_vkyc::webhook::{Verifier, WebhookEvent, sign_ppi};
use libfuzzer_sys::fuzz_target;

#[derive(Arbitrary, Debug)]
struct Delivery<'a> {
    signature: Option<&'a str>,
    timestamp: Option<&'a str>,
    /// Sign the body properly, so the parser behind the signature check is reached.
    sign_it: bool,
    secret: &'a [u8],
    body: &'a [u8],
}

fuzz_target!(|d: Delivery<'_>| {
    let verifier = Verifier::with_secrets([d.secret, b"second-secret"]).now_millis(1_780_308_000_000);
    let timestamp = d.timestamp.unwrap_or("1780308000000");
    let signed;
    let signature = if d.sign_it {
        signed = sign_ppi(d.secret, timestamp, d.body);
        Some(signed.as_str())
    } else {
        d.signature
    };
    if let Ok(event) = verifier.verify_ppi(signature, Some(timestamp), d.body) {
        let _ = (event.delivery_key(), event.event_type.as_str(), event.verification.phase());
    }
    let _ = verifier.verify_ppi(d.signature, d.timestamp, d.body);
    let _ = verifier.verify_verification_suite(d.body);
    for api in [Api::Ppi, Api::VerificationSuite] {
        if let Ok(event) = WebhookEvent::parse(api, d.body) {
            let _ = event.delivery_key();
        }
    }
});

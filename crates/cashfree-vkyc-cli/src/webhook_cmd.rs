//! `cashfree-vkyc verify-webhook`.

use crate::family::ApiFamily;
use cashfree_vkyc::webhook::{
    ATTEMPT_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER, Verifier, WebhookError,
};
use clap::Args;
use serde_json::json;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

#[derive(Args)]
pub struct VerifyArgs {
    /// The family the delivery belongs to, when the payload does not say.
    #[arg(long, value_enum)]
    api: Option<ApiFamily>,
    /// The client secret the delivery is signed with (repeat for a rotation).
    #[arg(long = "secret", required = true)]
    secrets: Vec<String>,
    /// The x-webhook-timestamp header (signed-headers scheme, both families).
    #[arg(long)]
    timestamp: Option<String>,
    /// The x-webhook-signature header (signed-headers scheme, both families).
    #[arg(long)]
    signature: Option<String>,
    /// The x-webhook-attempt header, if you have it.
    #[arg(long)]
    attempt: Option<u32>,
    /// The raw body, exactly as received. Without --signature and
    /// --timestamp, the signature is looked for in the body (older
    /// Verification Suite deliveries).
    #[arg(long)]
    body_file: PathBuf,
    /// How far the signed timestamp may be from now, in seconds.
    #[arg(long, default_value_t = 300)]
    tolerance_secs: u64,
}

/// Exit 0 when the signature is valid, 1 when it is not (or cannot be
/// checked), with the reason. A valid delivery whose body this version
/// cannot read is still valid: what could not be read is said apart.
pub fn run(format: crate::output::Format, args: &VerifyArgs) -> ExitCode {
    let json = format.is_machine();
    let body = match std::fs::read(&args.body_file) {
        Ok(body) => body,
        Err(e) => {
            eprintln!("error: cannot read {}: {e}", args.body_file.display());
            return ExitCode::from(2);
        }
    };
    let mut verifier =
        Verifier::with_secrets(&args.secrets).tolerance(Duration::from_secs(args.tolerance_secs));
    if let Some(api) = args.api {
        verifier = verifier.api(api.into());
    }
    let mut headers = axum::http::HeaderMap::new();
    for (name, value) in [
        (SIGNATURE_HEADER, args.signature.clone()),
        (TIMESTAMP_HEADER, args.timestamp.clone()),
        (ATTEMPT_HEADER, args.attempt.map(|a| a.to_string())),
    ] {
        if let Some(value) = value {
            match value.parse() {
                Ok(value) => {
                    headers.insert(name, value);
                }
                Err(_) => return invalid(json, &WebhookError::BadSignatureEncoding),
            }
        }
    }
    let delivery = match verifier.verify(&headers, body.as_slice()) {
        Ok(delivery) => delivery,
        Err(e) => return invalid(json, &e),
    };
    let scheme = delivery.scheme();
    match delivery.parse() {
        Ok(event) => {
            if json {
                println!(
                    "{}",
                    json!({"valid": true, "scheme": scheme.as_str(), "api": event.verification.api.as_str(),
                           "event_type": event.event_type.as_str(), "delivery_key": event.delivery_key(),
                           "attempt": event.attempt,
                           "verification": crate::output::verification_json(format, &event.verification)})
                );
            } else {
                println!(
                    "valid ({scheme}-signed {}): {} for {} ({})",
                    event.verification.api,
                    event.event_type,
                    event.verification.verification_id,
                    event.verification.sub_status
                );
            }
        }
        Err(e) => {
            if json {
                println!(
                    "{}",
                    json!({"valid": true, "scheme": scheme.as_str(), "delivery_key": delivery.delivery_key(),
                           "parse_error": e.to_string()})
                );
            } else {
                println!("valid ({scheme}-signed)");
                eprintln!("note: authentic, but not a webhook payload this version reads: {e}");
            }
        }
    }
    ExitCode::SUCCESS
}

fn invalid(json: bool, e: &WebhookError) -> ExitCode {
    if json {
        println!("{}", json!({"valid": false, "reason": e.to_string()}));
    }
    eprintln!("invalid: {e}");
    ExitCode::from(1)
}

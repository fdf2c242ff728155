//! `cashfree-vkyc verify-webhook`.

use crate::ApiFamily;
use cashfree_vkyc::webhook::Verifier;
use clap::Args;
use serde_json::json;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

#[derive(Args)]
pub struct VerifyArgs {
    #[arg(long, value_enum)]
    api: ApiFamily,
    /// The client secret the delivery is signed with (repeat for a rotation).
    #[arg(long = "secret", required = true)]
    secrets: Vec<String>,
    /// The x-webhook-timestamp header (PPI).
    #[arg(long)]
    timestamp: Option<String>,
    /// The x-webhook-signature header (PPI).
    #[arg(long)]
    signature: Option<String>,
    /// The raw body, exactly as received.
    #[arg(long)]
    body_file: PathBuf,
    /// How far the PPI timestamp may be from now, in seconds.
    #[arg(long, default_value_t = 300)]
    tolerance_secs: u64,
}

/// Exit 0 when the signature is valid, 1 when it is not (or cannot be
/// checked), with the reason.
pub fn run(json: bool, args: &VerifyArgs) -> ExitCode {
    let body = match std::fs::read(&args.body_file) {
        Ok(body) => body,
        Err(e) => {
            eprintln!("error: cannot read {}: {e}", args.body_file.display());
            return ExitCode::from(2);
        }
    };
    let verifier =
        Verifier::with_secrets(&args.secrets).tolerance(Duration::from_secs(args.tolerance_secs));
    let result = match args.api {
        ApiFamily::Ppi => {
            verifier.verify_ppi(args.signature.as_deref(), args.timestamp.as_deref(), &body)
        }
        ApiFamily::Verification => verifier.verify_verification_suite(&body),
    };
    match result {
        Ok(event) => {
            if json {
                println!(
                    "{}",
                    json!({"valid": true, "event_type": event.event_type.as_str(), "delivery_key": event.delivery_key(),
                           "verification": crate::output::verification_json(&event.verification)})
                );
            } else {
                println!(
                    "valid: {} for {} ({})",
                    event.event_type,
                    event.verification.verification_id,
                    event.verification.sub_status
                );
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            if json {
                println!("{}", json!({"valid": false, "reason": e.to_string()}));
            }
            eprintln!("invalid: {e}");
            ExitCode::from(1)
        }
    }
}

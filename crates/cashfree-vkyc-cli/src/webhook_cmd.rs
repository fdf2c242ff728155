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
    /// The client secret the verification was created with, never printed
    /// [env: CASHFREE_CLIENT_SECRET, so it need not be typed on the command
    /// line].
    #[arg(long)]
    pub(crate) client_secret: Option<String>,
    /// Another client secret to try (repeat it during a rotation).
    #[arg(long = "secret")]
    secrets: Vec<String>,
    /// A captured request, headers and body, as `curl -i`, a proxy log or
    /// a receiver's dump gives it (a request or status line is skipped;
    /// `Name: value` lines up to the first blank line; the rest, byte for
    /// byte, is the body). `-` reads standard input.
    #[arg(long, conflicts_with = "body_file")]
    request: Option<PathBuf>,
    /// The x-webhook-timestamp header (signed-headers scheme, both families).
    #[arg(long)]
    timestamp: Option<String>,
    /// The x-webhook-signature header (signed-headers scheme, both families).
    #[arg(long)]
    signature: Option<String>,
    /// The x-webhook-attempt header, if you have it.
    #[arg(long)]
    attempt: Option<u32>,
    /// The raw body alone, exactly as received (with --signature and
    /// --timestamp; without them, the signature is looked for in the body,
    /// as older Verification Suite deliveries carry it).
    #[arg(long, required_unless_present = "request")]
    body_file: Option<PathBuf>,
    /// How far the signed timestamp may be from now, in seconds (a capture
    /// older than this matches but is reported outside the window).
    #[arg(long, default_value_t = 300)]
    tolerance_secs: u64,
    /// Print the report as JSON, with the library's view of the payload.
    #[arg(long)]
    pub(crate) json: bool,
    /// Print the report as JSON, with Cashfree's payload exactly as sent.
    #[arg(long, conflicts_with = "json")]
    pub(crate) raw: bool,
}

/// A captured request's headers and body: an optional first line that is
/// a request or status line, `Name: value` lines, a blank line, the body.
/// Written by hand: the `http` crate parses no wire format, and the
/// captures people paste (CRLF or LF, with or without the first line) are
/// looser than what an HTTP parser accepts.
fn read_capture(raw: &[u8]) -> Result<(axum::http::HeaderMap, Vec<u8>), String> {
    let (head, body) = [&b"\r\n\r\n"[..], b"\n\n"]
        .iter()
        .filter_map(|sep| {
            raw.windows(sep.len())
                .position(|w| w == *sep)
                .map(|at| (at, sep.len()))
        })
        .min()
        .map(|(at, len)| (&raw[..at], raw[at + len..].to_vec()))
        .ok_or("no blank line between the headers and the body")?;
    let head = std::str::from_utf8(head).map_err(|_| "the headers are not text")?;
    let mut headers = axum::http::HeaderMap::new();
    for (i, line) in head.lines().enumerate() {
        let line = line.trim_end_matches('\r');
        let Some((name, value)) = line.split_once(':') else {
            if i == 0 {
                continue; // POST /webhooks HTTP/1.1, or HTTP/1.1 200 OK
            }
            return Err(format!("line {} is not `Name: value`", i + 1));
        };
        let name: axum::http::HeaderName = name
            .trim()
            .parse()
            .map_err(|_| format!("line {}: {:?} is not a header name", i + 1, name.trim()))?;
        let value = value
            .trim()
            .parse()
            .map_err(|_| format!("line {}: the value of {name} is not a header value", i + 1))?;
        headers.append(name, value);
    }
    Ok((headers, body))
}

fn read_input(path: &std::path::Path) -> std::io::Result<Vec<u8>> {
    if path.as_os_str() == "-" {
        let mut all = Vec::new();
        std::io::Read::read_to_end(&mut std::io::stdin(), &mut all)?;
        Ok(all)
    } else {
        std::fs::read(path)
    }
}

/// Exit 0 when the signature is valid, 1 when it is not (or cannot be
/// checked), with the reason. A valid delivery whose body this version
/// cannot read is still valid: what could not be read is said apart.
pub fn run(
    format: crate::output::Format,
    args: &VerifyArgs,
    client_secret: Option<&str>,
) -> ExitCode {
    let json = format.is_machine();
    let secrets: Vec<&str> = args
        .secrets
        .iter()
        .map(String::as_str)
        .chain(client_secret)
        .collect();
    if secrets.is_empty() {
        eprintln!(
            "error: no secret to verify with: set CASHFREE_CLIENT_SECRET (or --client-secret, or --secret)"
        );
        return ExitCode::from(2);
    }
    // clap requires one of the two.
    let Some(path) = args.request.as_ref().or(args.body_file.as_ref()) else {
        eprintln!("error: give --request or --body-file");
        return ExitCode::from(2);
    };
    let captured = args.request.is_some();
    let raw = match read_input(path) {
        Ok(raw) => raw,
        Err(e) => {
            eprintln!("error: cannot read {}: {e}", path.display());
            return ExitCode::from(2);
        }
    };
    let (mut headers, body) = if captured {
        match read_capture(&raw) {
            Ok(parts) => parts,
            Err(e) => {
                eprintln!("error: {} is not a captured request: {e}", path.display());
                return ExitCode::from(2);
            }
        }
    } else {
        (axum::http::HeaderMap::new(), raw)
    };
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
    let tolerance = Duration::from_secs(args.tolerance_secs);
    let verifier = |tolerance| {
        let verifier = Verifier::with_secrets(&secrets).tolerance(tolerance);
        match args.api {
            Some(api) => verifier.api(api.into()),
            None => verifier,
        }
    };
    let delivery = match verifier(tolerance).verify(&headers, body.as_slice()) {
        Ok(delivery) => delivery,
        Err(e @ (WebhookError::StaleTimestamp { .. } | WebhookError::FutureTimestamp { .. })) => {
            return outside_window(
                json,
                &e,
                verifier(Duration::MAX)
                    .verify(&headers, body.as_slice())
                    .is_ok(),
            );
        }
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

/// A capture older (or newer) than the window: whether its signature
/// matches all the same, and the flag that widens the window.
fn outside_window(json: bool, e: &WebhookError, matches: bool) -> ExitCode {
    let off = match e {
        WebhookError::StaleTimestamp { age, .. } => *age,
        WebhookError::FutureTimestamp { ahead, .. } => *ahead,
        _ => Duration::ZERO,
    };
    let needed = off.as_secs() + 1;
    if json {
        println!(
            "{}",
            json!({"valid": false, "signature_matches": matches, "reason": e.to_string(),
                   "tolerance_secs_needed": needed})
        );
    }
    if matches {
        eprintln!(
            "invalid now: {e}. The signature matches the body: it is authentic, only outside the window. `--tolerance-secs {needed}` accepts it."
        );
    } else {
        eprintln!("invalid: {e}, and the signature does not match the body either");
    }
    ExitCode::from(1)
}

fn invalid(json: bool, e: &WebhookError) -> ExitCode {
    if json {
        println!("{}", json!({"valid": false, "reason": e.to_string()}));
    }
    eprintln!("invalid: {e}");
    ExitCode::from(1)
}

//! Helpers shared by the command's tests: running the binary, signing
//! deliveries independently of the code under test.
#![allow(dead_code)]

use cashfree_vkyc_sandbox::{Sandbox, SandboxConfig};
use std::process::Output;

pub const SECRET: &str = "cli_test_secret_4f1c";

/// Runs the binary off the async runtime, with credentials in the environment.
pub async fn cli(args: &[&str]) -> Output {
    run(args, true).await
}

/// Runs the binary off the async runtime; `credentials` puts the client id
/// and secret in the environment, otherwise they are removed from it.
pub async fn run(args: &[&str], credentials: bool) -> Output {
    let args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
    tokio::task::spawn_blocking(move || {
        let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_cashfree-vkyc"));
        command.args(&args);
        if credentials {
            command
                .env("CASHFREE_CLIENT_ID", "cli_id")
                .env("CASHFREE_CLIENT_SECRET", SECRET);
        } else {
            command
                .env_remove("CASHFREE_CLIENT_ID")
                .env_remove("CASHFREE_CLIENT_SECRET");
        }
        command.output().expect("the binary runs")
    })
    .await
    .unwrap()
}

/// base64(HMAC-SHA256(secret, parts...)), written here from Cashfree's
/// documented algorithm rather than taken from the code under test.
pub fn hmac_b64(secret: &str, parts: &[&[u8]]) -> String {
    use base64::Engine;
    use hmac::Mac;
    let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    for part in parts {
        mac.update(part);
    }
    base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
}

/// The `x-webhook-signature` of a delivery: over the timestamp and the raw body.
pub fn sign_ppi(secret: &str, timestamp: &str, body: &[u8]) -> String {
    hmac_b64(secret, &[timestamp.as_bytes(), body])
}

pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

pub async fn sandbox() -> Sandbox {
    Sandbox::start_with(SandboxConfig::default().credentials("cli_id", SECRET))
        .await
        .unwrap()
}

pub fn now_millis() -> String {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis()
        .to_string()
}

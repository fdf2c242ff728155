//! `cashfree-vkyc-sandbox`: runs the sandbox in the foreground.

use cashfree_vkyc_sandbox::{Sandbox, SandboxConfig};
use std::process::ExitCode;
use std::time::Duration;

const USAGE: &str = "usage: cashfree-vkyc-sandbox [--port P] [--client-id ID --client-secret S] [--webhook-url URL] [--auto-advance-ms N] [--duplicate-webhooks]";

#[tokio::main]
async fn main() -> ExitCode {
    let mut config = SandboxConfig::default();
    let mut args = std::env::args().skip(1);
    let (mut id, mut secret) = (None, None);
    while let Some(arg) = args.next() {
        let mut value = || args.next().ok_or_else(|| format!("{arg} needs a value"));
        let result: Result<(), String> = (|| {
            match arg.as_str() {
                "--port" => {
                    config = config
                        .clone()
                        .port(value()?.parse().map_err(|e| format!("--port: {e}"))?)
                }
                "--client-id" => id = Some(value()?),
                "--client-secret" => secret = Some(value()?),
                "--webhook-url" => config = config.clone().webhook_url(value()?),
                "--auto-advance-ms" => {
                    let ms: u64 = value()?
                        .parse()
                        .map_err(|e| format!("--auto-advance-ms: {e}"))?;
                    config = config.clone().auto_advance(Duration::from_millis(ms));
                }
                "--duplicate-webhooks" => config = config.clone().duplicate_webhooks(true),
                "-h" | "--help" => return Err(String::new()),
                other => return Err(format!("unknown argument {other}")),
            }
            Ok(())
        })();
        if let Err(message) = result {
            if !message.is_empty() {
                eprintln!("error: {message}");
            }
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    }
    match (id, secret) {
        (Some(id), Some(secret)) => config = config.credentials(id, secret),
        (None, None) => {}
        _ => {
            eprintln!("error: --client-id and --client-secret go together\n{USAGE}");
            return ExitCode::from(2);
        }
    }
    match Sandbox::start_with(config).await {
        Ok(sandbox) => {
            println!("{}", sandbox.base_url());
            sandbox.run_until_interrupted().await;
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: cannot start the sandbox: {e}");
            ExitCode::FAILURE
        }
    }
}

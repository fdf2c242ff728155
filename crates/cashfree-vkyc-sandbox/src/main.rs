//! `cashfree-vkyc-sandbox`: runs the sandbox in the foreground. The same
//! options as `cashfree-vkyc sandbox`.

use cashfree_vkyc_sandbox::{Sandbox, SandboxArgs};
use clap::Parser;
use std::process::ExitCode;

/// A local, stateful stand-in for Cashfree's Video KYC APIs.
#[derive(Parser)]
#[command(name = "cashfree-vkyc-sandbox", version, after_help = cashfree_vkyc_sandbox::CONTROL_HELP)]
struct Cli {
    #[command(flatten)]
    sandbox: SandboxArgs,
    /// Accept only this client id (with --client-secret).
    #[arg(
        long,
        env = "CASHFREE_CLIENT_ID",
        requires = "client_secret",
        hide_env_values = true
    )]
    client_id: Option<String>,
    /// Accept only this client secret (with --client-id).
    #[arg(
        long,
        env = "CASHFREE_CLIENT_SECRET",
        requires = "client_id",
        hide_env_values = true
    )]
    client_secret: Option<String>,
}

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    let credentials = cli.client_id.zip(cli.client_secret);
    match Sandbox::start_with(cli.sandbox.config(credentials)).await {
        Ok(sandbox) => {
            println!("{}", sandbox.base_url());
            eprintln!("{}", sandbox.banner());
            sandbox.run_until_interrupted().await;
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: cannot start the sandbox: {e}");
            ExitCode::FAILURE
        }
    }
}

//! Follow a verification until it is final, printing each change.
//!
//! ```sh
//! cargo run -p cashfree-vkyc --example wait
//! ```
//!
//! Runs against a local sandbox that advances the verification every 100 ms.

use cashfree_vkyc::{Client, Environment, Outcome, PpiInitiateRequest};
use cashfree_vkyc_sandbox::{Sandbox, SandboxConfig};
use std::time::Duration;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let sandbox =
        Sandbox::start_with(SandboxConfig::default().auto_advance(Duration::from_millis(100)))
            .await?;
    let client = Client::new(
        "local",
        "local",
        Environment::Custom(sandbox.base_url().into()),
    )?;
    client
        .ppi()
        .initiate(&PpiInitiateRequest::new("example-wait", "USER827364"))
        .await?;

    let last = client
        .ppi()
        .watch("example-wait", "USER827364")
        .poll_interval(Duration::from_millis(25), Duration::from_millis(200))
        .deadline(Duration::from_secs(30))
        .until_final(|v| println!("{:<15} {}", v.phase(), v.sub_status))
        .await?;
    match last.outcome() {
        Outcome::Approved => println!("approved"),
        other => println!("ended: {other}"),
    }
    Ok(())
}

//! Read a verification's status and what it means.
//!
//! ```sh
//! cargo run -p cashfree-vkyc --example status
//! ```
//!
//! Runs against a local sandbox, where it first creates the verification.

use cashfree_vkyc::{Client, Environment, PpiInitiateRequest};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let sandbox = cashfree_vkyc_sandbox::Sandbox::start().await?;
    let client = Client::new(
        "local",
        "local",
        Environment::Custom(sandbox.base_url().into()),
    )?;
    client
        .ppi()
        .initiate(&PpiInitiateRequest::new("example-status", "USER827364"))
        .await?;
    sandbox.advance("example-status").unwrap();

    let v = client.ppi().status("example-status", "USER827364").await?;
    println!("{} / {}", v.status, v.sub_status);
    println!("phase:   {}", v.phase());
    println!("outcome: {}", v.outcome());
    println!(
        "meaning: {}",
        v.sub_status
            .description()
            .unwrap_or("unknown to this version")
    );
    println!(
        "action:  {}",
        v.sub_status.recommended_action().unwrap_or("-")
    );
    for (field, value) in v.extra() {
        println!("also sent: {field} = {value}");
    }

    // Errors carry Cashfree's own code.
    let missing = client
        .ppi()
        .status("no-such-verification", "USER827364")
        .await
        .unwrap_err();
    if let Some(api) = missing.as_api() {
        println!("unknown id: HTTP {} {:?}", api.status, api.code);
    }
    Ok(())
}

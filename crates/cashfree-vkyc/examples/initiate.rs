//! Start a Video KYC in each family.
//!
//! With `CASHFREE_CLIENT_ID` and `CASHFREE_CLIENT_SECRET` set, this talks to
//! Cashfree's sandbox environment; without them, to a local sandbox it
//! starts itself.
//!
//! ```sh
//! cargo run -p cashfree-vkyc --example initiate
//! ```

use cashfree_vkyc::{
    Channel, Client, Environment, PpiInitiateRequest, VerificationSuiteInitiateRequest,
};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (client, _local) = client().await?;
    let suffix = std::process::id();

    let ppi = PpiInitiateRequest::new(format!("example-ppi-{suffix}"), "USER827364")
        .notification_mode(Channel::Sms)
        .security_question("What is your father's name?", "John Snow");
    let v = client.ppi().initiate(&ppi).await?;
    println!(
        "PPI: {} is {} / {}; link {:?}",
        v.verification_id, v.status, v.sub_status, v.vkyc_link
    );

    let vs =
        VerificationSuiteInitiateRequest::for_user_id(format!("example-vs-{suffix}"), "User0123")
            .notification_type(Channel::Sms);
    match client.verification_suite().initiate(&vs).await {
        Ok(v) => println!(
            "Verification Suite: {} has reference_id {:?}",
            v.verification_id,
            v.cashfree_id
                .as_ref()
                .and_then(cashfree_vkyc::CashfreeId::as_i64)
        ),
        Err(e) => match e.as_api() {
            // A real account may have no such user yet.
            Some(api) if api.is_not_found() => println!("Verification Suite: {}", api),
            _ => return Err(e.into()),
        },
    }
    Ok(())
}

/// A client for Cashfree's sandbox if credentials are set, else for a
/// local sandbox (kept alive by the returned handle).
async fn client()
-> Result<(Client, Option<cashfree_vkyc_sandbox::Sandbox>), Box<dyn std::error::Error>> {
    match (
        std::env::var("CASHFREE_CLIENT_ID"),
        std::env::var("CASHFREE_CLIENT_SECRET"),
    ) {
        (Ok(id), Ok(secret)) => Ok((Client::new(id, secret, Environment::CashfreeSandbox)?, None)),
        _ => {
            let local = cashfree_vkyc_sandbox::Sandbox::start().await?;
            let client = Client::new(
                "local",
                "local",
                Environment::Custom(local.base_url().into()),
            )?;
            Ok((client, Some(local)))
        }
    }
}

//! The Verification Suite's whole Video KYC flow, in Cashfree's order:
//! Create User, Initiate Video KYC with its `user_reference_id`, the token
//! Cashfree's in-app VKYC SDK opens the session with, then following the
//! verification to its outcome. Then the same customer's "start Video
//! KYC" pressed twice with `onboard`, which creates one user and one
//! verification.
//!
//! It runs against a local sandbox it starts itself (which also plays the
//! customer, agent and auditor), so it needs no account:
//!
//! ```sh
//! cargo run -p cashfree-vkyc --example onboard
//! ```

use cashfree_vkyc::{
    Channel, Client, CreateUserRequest, OnboardRequest, SdkTokenRequest,
    VerificationSuiteInitiateRequest,
};
use cashfree_vkyc_sandbox::{Family, Sandbox, Scenario};
use std::time::Duration;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let sandbox = Sandbox::start().await?;
    let client = Client::builder("CF_CLIENT_ID", "CF_CLIENT_SECRET")
        .base_url(sandbox.base_url())
        .build()?;
    let suite = client.verification_suite();

    // 1. Create User: Cashfree answers with its user_reference_id.
    let user = suite
        .create_user(
            &CreateUserRequest::new("9876543210")
                .user_id("customer-42")
                .name("Rahul Sharma"),
        )
        .await?;
    let reference = user.user_reference_id.ok_or("no user_reference_id")?;
    println!("1. user customer-42 is user_reference_id {reference}");

    // 2. Initiate Video KYC for that user.
    sandbox.plan(
        Family::VerificationSuite,
        "vkyc-customer-42",
        Scenario::Approved,
    );
    let request =
        VerificationSuiteInitiateRequest::for_user_reference_id("vkyc-customer-42", reference)
            .notification_type(Channel::Sms);
    let v = suite.initiate(&request).await?;
    println!("2. link {}", v.vkyc_link.as_deref().unwrap_or("-"));

    // 3. The token an app hands to Cashfree's VKYC SDK.
    let token = suite
        .sdk_token(
            &SdkTokenRequest::new("your_app_id", "vkyc-customer-42")
                .authenticated_user("userId", "customer-42"),
        )
        .await?;
    println!(
        "3. SDK token of {} characters, expires {}",
        token.access_token().len(),
        token.expires_at.as_ref().map_or("-", |t| t.as_str())
    );

    // 4. The customer, the agent and the auditor (the sandbox plays them),
    //    followed to the outcome.
    sandbox.run_to_end("vkyc-customer-42")?;
    let last = suite
        .watch("vkyc-customer-42")
        .poll_interval(Duration::from_millis(10), Duration::from_millis(50))
        .until_final(|v| println!("   {} {}", v.phase(), v.sub_status))
        .await?;
    println!("4. outcome: {}", last.outcome());

    // The same, as one call a "start Video KYC" button can make twice.
    let onboarding = OnboardRequest::new(
        "vkyc-customer-43",
        CreateUserRequest::new("9876500000").user_id("customer-43"),
    )
    .notification_type(Channel::Whatsapp);
    let first = suite.onboard(&onboarding).await?;
    let second = suite.onboard(&onboarding).await?;
    assert_eq!(
        first.verification.cashfree_id,
        second.verification.cashfree_id
    );
    println!(
        "onboarded customer-43 twice: one user ({:?}), one verification ({})",
        first.user.user_reference_id, first.verification.verification_id
    );
    Ok(())
}

//! `cashfree-vkyc demo`: both API families through their lifecycle on an
//! in-process sandbox, with signed webhooks verified as they arrive.

use crate::failure::Failure;
use crate::output;
use axum::extract::State;
use axum::http::StatusCode;
use cashfree_vkyc::webhook::Verifier;
use cashfree_vkyc::webhook::axum::{VerifiedWebhook, WebhookRejection};
use cashfree_vkyc::{
    Channel, Client, CreateUserRequest, PpiInitiateRequest, VerificationSuiteInitiateRequest,
};
use cashfree_vkyc_sandbox::{Family, Sandbox, SandboxConfig, Scenario};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

const CLIENT_ID: &str = "demo_client_id";
const CLIENT_SECRET: &str = "demo_client_secret";

#[derive(Default)]
struct Inbox {
    verified: AtomicU64,
    rejected: AtomicU64,
}

#[derive(Clone)]
struct Receiver {
    inbox: Arc<Inbox>,
    verifier: Verifier,
}

impl axum::extract::FromRef<Receiver> for Verifier {
    fn from_ref(receiver: &Receiver) -> Verifier {
        receiver.verifier.clone()
    }
}

/// A webhook endpoint as a merchant would write it: the extractor verifies
/// the signature before the handler runs.
async fn receive(
    State(receiver): State<Receiver>,
    webhook: Result<VerifiedWebhook, WebhookRejection>,
) -> StatusCode {
    match webhook {
        Ok(VerifiedWebhook(delivery)) => {
            receiver.inbox.verified.fetch_add(1, Ordering::Relaxed);
            if let Ok(event) = delivery.parse() {
                println!(
                    "  webhook         {:<36} {} (verified, {}-signed)",
                    event.event_type.as_str(),
                    event.verification.verification_id,
                    delivery.scheme()
                );
            }
            StatusCode::OK
        }
        Err(_) => {
            receiver.inbox.rejected.fetch_add(1, Ordering::Relaxed);
            StatusCode::UNAUTHORIZED
        }
    }
}

fn failed(what: &str, e: impl std::fmt::Display) -> Failure {
    Failure {
        code: 1,
        error: None,
        message: format!("{what}: {e}"),
    }
}

pub async fn run(step: Duration) -> Result<(), Failure> {
    let inbox = Arc::new(Inbox::default());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .map_err(|e| failed("webhook receiver", e))?;
    let webhook_url = format!(
        "http://{}/webhooks/cashfree",
        listener
            .local_addr()
            .map_err(|e| failed("webhook receiver", e))?
    );
    let receiver = Receiver {
        inbox: inbox.clone(),
        verifier: Verifier::new(CLIENT_SECRET),
    };
    let app = axum::Router::new()
        .route("/webhooks/cashfree", axum::routing::post(receive))
        .with_state(receiver);
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });

    let sandbox = Arc::new(
        Sandbox::start_with(
            SandboxConfig::default()
                .credentials(CLIENT_ID, CLIENT_SECRET)
                .webhook_url(&webhook_url),
        )
        .await
        .map_err(|e| failed("cannot start the sandbox", e))?,
    );
    println!(
        "Local Cashfree sandbox at {} (no account, no network)",
        sandbox.base_url()
    );
    println!("Webhooks go to {webhook_url}, which verifies each signature.");
    println!(
        "Lines marked `webhook` are deliveries as they arrive (in any order); the others are status polls.\nThe code: crates/cashfree-vkyc-cli/src/demo.rs\n"
    );
    let client = Client::builder(CLIENT_ID, CLIENT_SECRET)
        .base_url(sandbox.base_url())
        .build()?;

    println!(
        "1. PPI  POST /ppi/kyc/vkyc  (the user passes every check; agent and auditor approve)"
    );
    let request = PpiInitiateRequest::new("demo-ppi-0001", "USER827364")
        .notification_mode(Channel::Sms)
        .notification_mode(Channel::Whatsapp)
        .security_question("What is your father's name?", "John Snow");
    let v = client.ppi().initiate(&request).await?;
    print_link(&v);
    let last = drive(
        &client,
        &sandbox,
        Target::Ppi(&request),
        Scenario::Approved,
        step,
    )
    .await?;
    output::outcome(output::Format::Human, &last);

    println!(
        "\n2. Verification Suite  POST /verification/user, then POST /verification/vkyc  (the agent rejects; the auditor confirms)"
    );
    let user = client
        .verification_suite()
        .create_user(
            &CreateUserRequest::new("9876543210")
                .user_id("demo-user-0001")
                .name("Rahul Sharma"),
        )
        .await?;
    let reference = user.user_reference_id.unwrap_or_default();
    println!("   created user {reference} (user_id demo-user-0001)");
    let request =
        VerificationSuiteInitiateRequest::for_user_reference_id("demo-vs-0001", reference)
            .notification_type(Channel::Sms)
            .user_template("vkyc_user_template_v1");
    let v = client.verification_suite().initiate(&request).await?;
    print_link(&v);
    let last = drive(
        &client,
        &sandbox,
        Target::VerificationSuite(&request),
        Scenario::AgentRejected,
        step,
    )
    .await?;
    output::outcome(output::Format::Human, &last);
    if let Some(remarks) = &last.agent_remarks {
        println!("agent remarks: {remarks}");
    }

    // Deliveries run in the background; wait for the last ones.
    let _ = sandbox
        .wait_for(Duration::from_secs(2), |stats| {
            stats.webhooks_delivered + inbox.rejected.load(Ordering::Relaxed) >= expected_webhooks()
        })
        .await;
    println!(
        "\nWebhooks: {} received and verified, {} rejected.",
        inbox.verified.load(Ordering::Relaxed),
        inbox.rejected.load(Ordering::Relaxed)
    );
    Ok(())
}

/// The events the two demo paths send: link, Aadhaar, queue, call start,
/// call end and auditor review, for each verification.
fn expected_webhooks() -> u64 {
    [Scenario::Approved, Scenario::AgentRejected]
        .iter()
        .map(|s| {
            s.steps()
                .iter()
                .filter(|st| cashfree_vkyc_sandbox::event_for(st).is_some())
                .count() as u64
        })
        .sum()
}

fn print_link(v: &cashfree_vkyc::Verification) {
    println!(
        "   created {} (Cashfree id {}), link {} expires {}",
        v.verification_id,
        v.cashfree_id
            .as_ref()
            .map(cashfree_vkyc::CashfreeId::as_str)
            .unwrap_or("?"),
        v.vkyc_link.as_deref().unwrap_or("?"),
        v.link_expiry.as_ref().map_or("?", |e| e.as_str())
    );
}

enum Target<'a> {
    Ppi(&'a PpiInitiateRequest),
    VerificationSuite(&'a VerificationSuiteInitiateRequest),
}

/// Plays the part of the user, the agent and the auditor (the sandbox
/// advances one step per `step`) while the client watches.
async fn drive(
    client: &Client,
    sandbox: &Arc<Sandbox>,
    target: Target<'_>,
    scenario: Scenario,
    step: Duration,
) -> Result<cashfree_vkyc::Verification, Failure> {
    let (family, id, watch) = match target {
        Target::Ppi(r) => (
            Family::Ppi,
            r.verification_id.clone(),
            client.ppi().watch(&r.verification_id, &r.user_id),
        ),
        Target::VerificationSuite(r) => (
            Family::VerificationSuite,
            r.verification_id.clone(),
            client.verification_suite().watch(&r.verification_id),
        ),
    };
    sandbox
        .set_scenario((family, &id), scenario)
        .map_err(|e| failed("sandbox", e))?;
    let driver = {
        let sandbox = sandbox.clone();
        let id = id.clone();
        tokio::spawn(async move {
            loop {
                tokio::time::sleep(step).await;
                match sandbox.advance((family, &id)) {
                    Ok(s) if !cashfree_vkyc_sandbox::is_final(s) => {}
                    _ => break,
                }
            }
        })
    };
    let poll = (step / 4).max(Duration::from_millis(1));
    let watch = watch
        .poll_interval(poll, poll)
        .deadline(step * 100 + Duration::from_secs(10));
    let last = output::follow(output::Format::Human, &id, watch).await;
    driver.abort();
    last
}

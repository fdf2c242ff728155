//! A lender's whole Video KYC service, to copy: an axum app with its own
//! state, that starts a verification, answers its status, and receives
//! Cashfree's webhooks exactly once, keeping the latest state of each
//! verification however the deliveries arrive.
//!
//! Run it against the local sandbox, which plays Cashfree, the customers,
//! the agents and the auditors, and delivers every webhook twice and
//! concurrently (so out of order):
//!
//! ```sh
//! cargo run -p cashfree-vkyc --features axum --example service
//! ```
//!
//! It exits non-zero unless the approved customer ends approved and the
//! rejected one rejected, each with the remarks a status call reads.

use axum::extract::{FromRef, Path, State};
use axum::http::StatusCode;
use axum::routing::post;
use axum::{Json, Router};
use cashfree_vkyc::coordination::LocalDeliveryLog;
use cashfree_vkyc::webhook::axum::ClaimedWebhook;
use cashfree_vkyc::webhook::{ExactlyOnce, Verifier};
use cashfree_vkyc::{Client, LatestState, PpiInitiateRequest, Verification, VerificationRef};
use cashfree_vkyc_sandbox::{Family, Sandbox, SandboxConfig, Scenario};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

const CLIENT_ID: &str = "lender-client-id";
const CLIENT_SECRET: &str = "lender-client-secret";

/// The service's own state: the Cashfree client, the exactly-once
/// webhook log, and the latest state of each verification (a database in
/// production).
#[derive(Clone)]
struct AppState {
    cashfree: Client,
    webhooks: ExactlyOnce,
    verifications: Arc<Mutex<HashMap<String, LatestState>>>,
}

/// How the `ClaimedWebhook` extractor finds the `ExactlyOnce` in the
/// service's own state.
impl FromRef<AppState> for ExactlyOnce {
    fn from_ref(state: &AppState) -> ExactlyOnce {
        state.webhooks.clone()
    }
}

impl AppState {
    /// Offers a report to the verification's latest state; the state now.
    fn offer(&self, v: Verification, event_time: Option<&cashfree_vkyc::LenientTime>) {
        let mut all = self.verifications.lock().unwrap();
        all.entry(v.verification_id.clone())
            .or_default()
            .offer(v, event_time);
    }

    fn latest(&self, id: &str) -> Option<Verification> {
        let all = self.verifications.lock().unwrap();
        all.get(id).and_then(|l| l.get()).cloned()
    }
}

/// `POST /customers/{id}/vkyc`: start a Video KYC for a customer.
async fn start(
    State(app): State<AppState>,
    Path(customer): Path<String>,
) -> Result<Json<Verification>, (StatusCode, String)> {
    let verification_id = format!("vkyc-{customer}");
    // Registered before the call: its first webhook can arrive before
    // `initiate` returns.
    app.verifications
        .lock()
        .unwrap()
        .entry(verification_id.clone())
        .or_default();
    let request = PpiInitiateRequest::new(&verification_id, &customer);
    let v = app
        .cashfree
        .ppi()
        .initiate(&request)
        .await
        .map_err(|e| (StatusCode::BAD_GATEWAY, e.to_string()))?;
    app.offer(v.clone(), None);
    Ok(Json(v))
}

/// `GET /customers/{id}/vkyc`: the latest state this service knows.
async fn status(
    State(app): State<AppState>,
    Path(customer): Path<String>,
) -> Result<Json<Verification>, StatusCode> {
    app.latest(&format!("vkyc-{customer}"))
        .map(Json)
        .ok_or(StatusCode::NOT_FOUND)
}

/// `POST /webhooks/cashfree`: verified and claimed by the extractor (a
/// redelivery never gets here twice); the latest state kept; on a final
/// event, the remarks read with a status call (payloads carry none).
async fn webhook(
    State(app): State<AppState>,
    ClaimedWebhook(claimed): ClaimedWebhook,
) -> StatusCode {
    let event = claimed.event().clone();
    app.offer(event.verification.clone(), event.event_time.as_ref());
    if event.verification.is_final() {
        let user_id = event.verification.user_id.clone().unwrap_or_default();
        let named = VerificationRef::ppi(&event.verification.verification_id, user_id);
        match app.cashfree.status(&named).await {
            Ok(now) => app.offer(now, None),
            // Not done: the redelivery tries again.
            Err(_) => {
                let _ = claimed.release().await;
                return StatusCode::SERVICE_UNAVAILABLE;
            }
        }
    }
    match claimed.done().await {
        Ok(processed) => processed.status(),
        Err(_) => StatusCode::SERVICE_UNAVAILABLE,
    }
}

fn app(state: AppState) -> Router {
    Router::new()
        .route("/customers/{id}/vkyc", post(start).get(status))
        .route("/webhooks/cashfree", post(webhook))
        .with_state(state)
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    // The service listens first, so the sandbox knows where to deliver.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let service_url = format!("http://{}", listener.local_addr()?);
    let sandbox = Sandbox::start_with(
        SandboxConfig::default()
            .credentials(CLIENT_ID, CLIENT_SECRET)
            .webhook_url(format!("{service_url}/webhooks/cashfree"))
            .duplicate_webhooks(true),
    )
    .await?;
    println!(
        "local sandbox {} delivering to {service_url}",
        sandbox.base_url()
    );

    let state = AppState {
        cashfree: Client::builder(CLIENT_ID, CLIENT_SECRET)
            .base_url(sandbox.base_url())
            .build()?,
        webhooks: ExactlyOnce::new(Verifier::new(CLIENT_SECRET), LocalDeliveryLog::new()),
        verifications: Arc::default(),
    };
    tokio::spawn(axum::serve(listener, app(state.clone())).into_future());

    let http = reqwest_like::Http::new(&service_url);
    let cases = [
        ("asha", Scenario::Approved, "AUDITOR_APPROVED"),
        ("ravi", Scenario::AgentRejected, "AUDITOR_REJECTED"),
    ];
    for (customer, scenario, _) in &cases {
        sandbox.plan(Family::Ppi, &format!("vkyc-{customer}"), *scenario);
        http.post(&format!("/customers/{customer}/vkyc")).await?;
        // Every step at once: the deliveries race each other.
        sandbox.run_to_end(format!("vkyc-{customer}"))?;
    }
    let mut ok = true;
    for (customer, _, expected) in cases {
        let id = format!("vkyc-{customer}");
        let mut last = None;
        for _ in 0..200 {
            last = state.latest(&id);
            if last
                .as_ref()
                .is_some_and(|v| v.is_final() && v.auditor_remarks.is_some())
            {
                break;
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        let Some(v) = last else {
            println!("{customer}: no state");
            ok = false;
            continue;
        };
        let served = http.get(&format!("/customers/{customer}/vkyc")).await?;
        println!(
            "{customer}: {} ({}), auditor: {:?}; GET answered {}",
            v.sub_status,
            v.outcome(),
            v.auditor_remarks,
            if served.contains(expected) {
                "the same"
            } else {
                "otherwise"
            }
        );
        ok &= v.sub_status.as_str() == expected
            && v.auditor_remarks.is_some()
            && served.contains(expected);
    }
    let stats = sandbox.stats();
    println!(
        "{} deliveries acknowledged of {} attempts (each event sent twice)",
        stats.webhooks_delivered, stats.webhook_attempts
    );
    if !ok {
        return Err("a customer did not end in the state Cashfree reported last".into());
    }
    Ok(())
}

/// Calls the service as its front end would. (hyper's client through
/// reqwest, which the SDK already depends on.)
mod reqwest_like {
    pub struct Http {
        base: String,
        client: reqwest::Client,
    }

    impl Http {
        pub fn new(base: &str) -> Self {
            Http {
                base: base.to_owned(),
                client: reqwest::Client::new(),
            }
        }

        pub async fn post(&self, path: &str) -> Result<String, reqwest::Error> {
            let answer = self
                .client
                .post(format!("{}{path}", self.base))
                .send()
                .await?;
            answer.error_for_status()?.text().await
        }

        pub async fn get(&self, path: &str) -> Result<String, reqwest::Error> {
            let answer = self
                .client
                .get(format!("{}{path}", self.base))
                .send()
                .await?;
            answer.error_for_status()?.text().await
        }
    }
}

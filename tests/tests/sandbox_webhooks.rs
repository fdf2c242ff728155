//! The sandbox's webhooks end to end: signed in both schemes, redelivered,
//! duplicated, and verified by the facade and its axum extractor.

use cashfree_vkyc::webhook::{Scheme, Verifier, WebhookError, WebhookEvent};
use cashfree_vkyc::{Client, PpiInitiateRequest, VerificationSuiteInitiateRequest};
use cashfree_vkyc_sandbox::WebhookSigning;
use cashfree_vkyc_sandbox::{Sandbox, SandboxConfig, Scenario};
use std::collections::HashSet;
use std::time::Duration;
use workspace_tests::canned::{Canned, Reply};

#[tokio::test]
async fn webhooks_arrive_signed_and_verify() {
    // The receiver refuses the first delivery, so redelivery is exercised.
    let receiver = Canned::start([Reply::status(503, "{}")]).await;
    receiver.otherwise(Reply::ok("{}"));
    let sandbox = Sandbox::start_with(
        SandboxConfig::default()
            .credentials("id", "whsec")
            .webhook_url(&receiver.base_url)
            .duplicate_webhooks(true),
    )
    .await
    .unwrap();
    let client = Client::builder("id", "whsec")
        .base_url(sandbox.base_url())
        .build()
        .unwrap();
    client
        .ppi()
        .initiate(&PpiInitiateRequest::new("hook-ppi", "u1"))
        .await
        .unwrap();
    let user = client
        .verification_suite()
        .create_user(&cashfree_vkyc::CreateUserRequest::new("9876543210"))
        .await
        .unwrap();
    client
        .verification_suite()
        .initiate(&VerificationSuiteInitiateRequest::for_user_reference_id(
            "hook-vs",
            user.user_reference_id.unwrap(),
        ))
        .await
        .unwrap();
    for id in ["hook-ppi", "hook-vs"] {
        sandbox.set_scenario(id, Scenario::LinkExpired).unwrap();
        sandbox.advance(id).unwrap();
    }
    // 2 events per verification, each delivered twice, plus one refused attempt.
    let stats = sandbox
        .wait_for(Duration::from_secs(10), |s| s.webhooks_delivered >= 8)
        .await
        .unwrap_or_else(|s| s);
    assert_eq!(
        (stats.webhooks_delivered, stats.webhook_attempts),
        (8, 9),
        "{stats:?}"
    );

    let verifier = Verifier::new("whsec");
    let mut keys = HashSet::new();
    let mut events: Vec<WebhookEvent> = Vec::new();
    let received = receiver.received();
    assert!(
        received
            .iter()
            .any(|r| r.headers["x-webhook-attempt"] == "2"),
        "a redelivery is marked"
    );
    for delivery in &received {
        let verified = verifier
            .verify(&delivery.headers, &delivery.body[..])
            .unwrap_or_else(|e| panic!("delivery does not verify: {e}"));
        // Cashfree's current pages sign both families in the headers.
        assert_eq!(verified.scheme(), Scheme::Headers);
        assert_eq!(
            Verifier::new("other")
                .verify(&delivery.headers, &delivery.body[..])
                .unwrap_err(),
            WebhookError::Mismatch
        );
        let event = verified.parse().unwrap();
        if keys.insert(event.delivery_key().to_owned()) {
            events.push(event);
        }
    }
    assert_eq!(events.len(), 4, "duplicates share a delivery key");
    let mut seen: Vec<(String, String)> = events
        .iter()
        .map(|e| {
            (
                e.verification.verification_id.clone(),
                e.event_type.to_string(),
            )
        })
        .collect();
    seen.sort();
    assert_eq!(
        seen,
        [
            ("hook-ppi", "VKYC_USER_LINK_EXPIRED"),
            ("hook-ppi", "VKYC_USER_LINK_GENERATED"),
            ("hook-vs", "VKYC_USER_LINK_EXPIRED"),
            ("hook-vs", "VKYC_USER_LINK_GENERATED"),
        ]
        .map(|(a, b)| (a.to_string(), b.to_string()))
    );
    let vs = events
        .iter()
        .find(|e| e.verification.verification_id == "hook-vs")
        .unwrap();
    assert_eq!(vs.verification.user_reference_id, user.user_reference_id);
    assert_eq!(
        vs.verification.recording_link, None,
        "\"\" in a webhook reads as absent"
    );
}

#[tokio::test]
async fn the_axum_extractor_accepts_the_sandboxs_deliveries_and_refuses_forgeries() {
    use axum::extract::State;
    use cashfree_vkyc::webhook::axum::VerifiedWebhook;
    use std::sync::{Arc, Mutex};

    #[derive(Clone)]
    struct App {
        verifier: Verifier,
        seen: Arc<Mutex<Vec<String>>>,
    }
    impl axum::extract::FromRef<App> for Verifier {
        fn from_ref(app: &App) -> Verifier {
            app.verifier.clone()
        }
    }
    async fn receive(
        State(app): State<App>,
        VerifiedWebhook(delivery): VerifiedWebhook,
    ) -> &'static str {
        let event = delivery.parse().unwrap();
        app.seen.lock().unwrap().push(format!(
            "{}:{}",
            event.verification.verification_id, event.event_type
        ));
        "ok"
    }

    let seen = Arc::new(Mutex::new(Vec::new()));
    let app = axum::Router::new()
        .route("/hook", axum::routing::post(receive))
        .with_state(App {
            verifier: Verifier::new("whsec"),
            seen: seen.clone(),
        });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });

    let sandbox = Sandbox::start_with(
        SandboxConfig::default()
            .credentials("id", "whsec")
            .webhook_url(&url),
    )
    .await
    .unwrap();
    let client = Client::builder("id", "whsec")
        .base_url(sandbox.base_url())
        .build()
        .unwrap();
    client
        .ppi()
        .initiate(&PpiInitiateRequest::new("ax-ppi", "u"))
        .await
        .unwrap();
    client
        .verification_suite()
        .initiate(&VerificationSuiteInitiateRequest::for_user_id("ax-vs", "u"))
        .await
        .unwrap();
    sandbox
        .wait_for(Duration::from_secs(10), |s| s.webhooks_delivered >= 2)
        .await
        .expect("both deliveries arrive");
    let mut got = seen.lock().unwrap().clone();
    got.sort();
    assert_eq!(
        got,
        [
            "ax-ppi:VKYC_USER_LINK_GENERATED",
            "ax-vs:VKYC_USER_LINK_GENERATED"
        ]
    );

    let http = reqwest::Client::new();
    let forged = http
        .post(&url)
        .header(
            "x-webhook-signature",
            "bm90IGEgc2lnbmF0dXJlIGF0IGFsbCwganVzdCBieXRlcyE=",
        )
        .header(
            "x-webhook-timestamp",
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_millis()
                .to_string(),
        )
        .body(
            r#"{"event_type":"VKYC_AUDITOR_REVIEW_COMPLETED","data":{"verification_id":"ax-ppi"}}"#,
        )
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status(), 401);
    assert!(!forged.text().await.unwrap().contains("whsec"));
    // Neither signed headers nor a signed body: refused as unsigned.
    let junk = http.post(&url).body("not json").send().await.unwrap();
    assert_eq!(junk.status(), 401);
    assert!(
        junk.text()
            .await
            .unwrap()
            .contains("no x-webhook-signature")
    );
    let huge = http
        .post(&url)
        .body(vec![b' '; 300 * 1024])
        .send()
        .await
        .unwrap();
    assert_eq!(huge.status(), 413);
    assert_eq!(seen.lock().unwrap().len(), 2, "nothing forged got through");
}

/// On request, the sandbox signs Verification Suite deliveries the older
/// way, in the body; the same receiver verifies them.
#[tokio::test]
async fn verification_suite_deliveries_signed_in_the_body_on_request() {
    let receiver = Canned::start([]).await;
    receiver.otherwise(Reply::ok("{}"));
    let sandbox = Sandbox::start_with(
        SandboxConfig::default()
            .credentials("id", "whsec")
            .webhook_url(&receiver.base_url)
            .verification_suite_signing(WebhookSigning::Body),
    )
    .await
    .unwrap();
    let client = Client::builder("id", "whsec")
        .base_url(sandbox.base_url())
        .build()
        .unwrap();
    client
        .verification_suite()
        .initiate(&VerificationSuiteInitiateRequest::for_user_id(
            "body-vs", "u",
        ))
        .await
        .unwrap();
    client
        .ppi()
        .initiate(&PpiInitiateRequest::new("body-ppi", "u"))
        .await
        .unwrap();
    sandbox
        .wait_for(Duration::from_secs(10), |s| s.webhooks_delivered >= 2)
        .await
        .expect("both deliveries arrive");
    let verifier = Verifier::new("whsec");
    let mut schemes: Vec<(String, Scheme)> = receiver
        .received()
        .iter()
        .map(|d| {
            let delivery = verifier.verify(&d.headers, &d.body[..]).unwrap();
            let event = delivery.parse().unwrap();
            (event.verification.verification_id, delivery.scheme())
        })
        .collect();
    schemes.sort_by(|a, b| a.0.cmp(&b.0));
    assert_eq!(
        schemes,
        [
            ("body-ppi".to_string(), Scheme::Headers),
            ("body-vs".to_string(), Scheme::Body)
        ]
    );
}

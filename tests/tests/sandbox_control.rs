//! Driving the sandbox as a new user would: control keyed by family,
//! scenarios chosen before initiate, webhooks signed with the client's own
//! secret, failed deliveries visible.

use cashfree_vkyc::webhook::Verifier;
use cashfree_vkyc::{Client, PpiInitiateRequest, VerificationSuiteInitiateRequest};
use cashfree_vkyc_sandbox::{ControlError, Family, Sandbox, SandboxConfig, Scenario};
use serde_json::{Value, json};
use std::time::Duration;
use workspace_tests::canned::{Canned, Reply};

fn client(sandbox: &Sandbox, secret: &str) -> Client {
    Client::builder("any-client-id", secret)
        .base_url(sandbox.base_url())
        .build()
        .unwrap()
}

async fn post(sandbox: &Sandbox, path: &str, body: Value) -> (u16, Value) {
    let response = reqwest::Client::new()
        .post(format!("{}{path}", sandbox.base_url()))
        .json(&body)
        .send()
        .await
        .unwrap();
    (
        response.status().as_u16(),
        response.json().await.unwrap_or(Value::Null),
    )
}

#[tokio::test]
async fn the_same_id_in_both_families_needs_the_family() {
    let sandbox = Sandbox::start().await.unwrap();
    let client = client(&sandbox, "secret");
    client
        .ppi()
        .initiate(&PpiInitiateRequest::new("twin", "u1"))
        .await
        .unwrap();
    // One family has it: the short form works.
    assert_eq!(sandbox.advance("twin"), Ok("AADHAAR_VERIFICATION_SUCCESS"));
    client
        .verification_suite()
        .initiate(&VerificationSuiteInitiateRequest::for_user_id("twin", "u1"))
        .await
        .unwrap();
    assert_eq!(
        sandbox.advance("twin"),
        Err(ControlError::Ambiguous("twin".into()))
    );
    assert_eq!(
        sandbox.set_scenario("twin", Scenario::LinkExpired),
        Err(ControlError::Ambiguous("twin".into()))
    );
    // Keyed by family, each moves on its own.
    sandbox
        .set_scenario((Family::VerificationSuite, "twin"), Scenario::LinkExpired)
        .unwrap();
    assert_eq!(
        sandbox.advance((Family::VerificationSuite, "twin")),
        Ok("VKYC_EXPIRED")
    );
    let ppi = client.ppi().status("twin", "u1").await.unwrap();
    assert_eq!(ppi.sub_status.as_str(), "AADHAAR_VERIFICATION_SUCCESS");

    let (status, body) = post(&sandbox, "/__sandbox/verifications/twin/advance", json!({})).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (409, Some("verification_id_ambiguous"))
    );
    let (status, body) = post(
        &sandbox,
        "/__sandbox/ppi/verifications/twin/advance",
        json!({}),
    )
    .await;
    assert_eq!(
        (status, body["sub_status"].as_str()),
        (200, Some("USER_IP_VERIFICATION_SUCCESSFUL"))
    );
    let (status, _) = post(
        &sandbox,
        "/__sandbox/nonsense/verifications/twin/advance",
        json!({}),
    )
    .await;
    assert_eq!(status, 400);
}

#[tokio::test]
async fn a_scenario_planned_before_initiate_and_run_to_the_end() {
    let sandbox = Sandbox::start().await.unwrap();
    let client = client(&sandbox, "secret");
    // From Rust, typed, for a verification any client creates later.
    sandbox.plan(Family::Ppi, "planned-1", Scenario::AgentRejected);
    // Over HTTP, for another one.
    let (status, body) = post(
        &sandbox,
        "/__sandbox/verification_suite/verifications/planned-2/scenario",
        json!({"scenario": "link_expired"}),
    )
    .await;
    assert_eq!((status, body["planned"].as_bool()), (200, Some(true)));

    client
        .ppi()
        .initiate(&PpiInitiateRequest::new("planned-1", "u1"))
        .await
        .unwrap();
    client
        .verification_suite()
        .initiate(&VerificationSuiteInitiateRequest::for_user_id(
            "planned-2",
            "u1",
        ))
        .await
        .unwrap();
    // The handle can be moved into another task.
    let handle = sandbox.handle();
    let last = tokio::spawn(async move { handle.run_to_end((Family::Ppi, "planned-1")) })
        .await
        .unwrap();
    assert_eq!(last, Ok("AUDITOR_REJECTED"));
    let (status, body) = post(
        &sandbox,
        "/__sandbox/verification_suite/verifications/planned-2/run-to-end",
        json!({}),
    )
    .await;
    assert_eq!(
        (status, body["sub_status"].as_str()),
        (200, Some("VKYC_EXPIRED"))
    );
    let v = client.ppi().status("planned-1", "u1").await.unwrap();
    assert!(v.is_final() && v.auditor_remarks.is_some());
}

/// The sandbox was started without credentials; a client uses its own
/// secret, and a receiver built from the same secret accepts every delivery.
#[tokio::test]
async fn webhooks_are_signed_with_the_clients_secret() {
    let receiver = Canned::start([]).await;
    receiver.otherwise(Reply::ok("{}"));
    let sandbox = Sandbox::start_with(SandboxConfig::default().webhook_url(&receiver.base_url))
        .await
        .unwrap();
    let secret = "merchant-own-secret-42";
    client(&sandbox, secret)
        .ppi()
        .initiate(&PpiInitiateRequest::new("signed-1", "u1"))
        .await
        .unwrap();
    client(&sandbox, secret)
        .verification_suite()
        .initiate(&VerificationSuiteInitiateRequest::for_user_id(
            "signed-2", "u1",
        ))
        .await
        .unwrap();
    sandbox
        .wait_for(Duration::from_secs(10), |s| s.webhooks_delivered >= 2)
        .await
        .expect("both deliveries arrive");
    let deliveries = receiver.received();
    for delivery in &deliveries {
        assert!(
            Verifier::new(secret)
                .verify(&delivery.headers, &delivery.body[..])
                .is_ok()
        );
        assert!(
            Verifier::new("sandbox-secret")
                .verify(&delivery.headers, &delivery.body[..])
                .is_err()
        );
    }
}

#[tokio::test]
async fn failed_deliveries_are_visible() {
    let receiver = Canned::start([]).await;
    receiver.otherwise(Reply::status(401, r#"{"error":"bad signature"}"#));
    let sandbox = Sandbox::start_with(SandboxConfig::default().webhook_url(&receiver.base_url))
        .await
        .unwrap();
    client(&sandbox, "secret")
        .ppi()
        .initiate(&PpiInitiateRequest::new("refused-1", "u1"))
        .await
        .unwrap();
    let stats = sandbox
        .wait_for(Duration::from_secs(10), |s| s.last_webhook_error.is_some())
        .await
        .expect("the failed attempt is reported");
    let error = stats.last_webhook_error.expect("the failure is recorded");
    assert!(error.contains("401"), "{error}");
    assert_eq!(stats.webhooks_delivered, 0);
}

#[tokio::test]
async fn another_users_ppi_status_names_the_mismatch() {
    let sandbox = Sandbox::start().await.unwrap();
    let client = client(&sandbox, "secret");
    client
        .ppi()
        .initiate(&PpiInitiateRequest::new("mine-1", "owner"))
        .await
        .unwrap();
    let e = client
        .ppi()
        .status("mine-1", "someone-else")
        .await
        .unwrap_err();
    let api = e.as_api().unwrap();
    assert_eq!(api.status, 404);
    assert!(
        api.message.as_deref().unwrap().contains("for this user_id"),
        "{api:?}"
    );
}

/// The per-account limit, set and lifted from the control endpoint: 429
/// past it with Cashfree's `x-ratelimit-*` headers, counted per client id
/// and minute.
#[tokio::test]
async fn the_rate_limit_is_per_client_id_and_set_at_run_time() {
    let sandbox = Sandbox::start().await.unwrap();
    let raw = reqwest::Client::new();
    let status = |client_id: &'static str| {
        raw.post(format!("{}/ppi/kyc/vkyc/status", sandbox.base_url()))
            .header("x-client-id", client_id)
            .header("x-client-secret", "s")
            .header("x-api-version", "2025-11-01")
            .json(&json!({"user_id": "u1", "verification_id": "nobody"}))
            .send()
    };
    // No limit: no headers.
    let free = status("a").await.unwrap();
    assert!(free.headers().get("x-ratelimit-limit").is_none());

    let (code, body) = post(&sandbox, "/__sandbox/rate-limit", json!({"per_minute": 0})).await;
    assert_eq!(
        (code, body["code"].as_str()),
        (400, Some("per_minute_value_invalid"))
    );
    let (code, body) = post(&sandbox, "/__sandbox/rate-limit", json!({"per_minute": 2})).await;
    assert_eq!((code, &body["per_minute"]), (200, &json!(2)));

    // The calls can straddle a minute; then the second minute's counts
    // are checked the same way.
    let mut answers = Vec::new();
    for _ in 0..3 {
        let r = status("a").await.unwrap();
        let header = |name: &str| {
            r.headers()
                .get(name)
                .map(|v| v.to_str().unwrap().to_owned())
                .unwrap_or_default()
        };
        answers.push((
            r.status().as_u16(),
            header("x-ratelimit-limit"),
            header("x-ratelimit-remaining"),
            header("x-ratelimit-reset").parse::<u64>().unwrap(),
            header("retry-after"),
        ));
    }
    let other = status("b").await.unwrap();
    let stats = sandbox.stats();
    let minutes: Vec<_> = stats
        .per_minute
        .iter()
        .filter(|m| m.client_id == "a")
        .collect();
    if minutes.len() == 1 {
        // A 404 (no such verification) is a request served.
        assert_eq!(answers[0].0, 404);
        assert_eq!((answers[0].1.as_str(), answers[0].2.as_str()), ("2", "1"));
        assert_eq!((answers[1].0, answers[1].2.as_str()), (404, "0"));
        assert_eq!(answers[2].0, 429);
        assert!((1..=60).contains(&answers[2].3), "{answers:?}");
        assert_eq!(answers[2].4, answers[2].3.to_string());
        assert_eq!((minutes[0].served, minutes[0].limited), (2, 1));
    }
    assert_eq!(other.status(), 404, "another client id has its own limit");
    assert_eq!(stats.rate_limit_per_minute, Some(2));

    let (code, _) = post(
        &sandbox,
        "/__sandbox/rate-limit",
        json!({"per_minute": null}),
    )
    .await;
    assert_eq!(code, 200);
    assert_eq!(status("a").await.unwrap().status(), 404);
}

/// The JSON a control request answers with.
async fn call(request: reqwest::RequestBuilder) -> Value {
    request.send().await.unwrap().json().await.unwrap()
}

/// The control plane's own rules: a fault count of 0 is refused; faults
/// are listed and cleared; redelivery names its delivery; the history is
/// bounded and says what it dropped; loopback Host only, and no change
/// from another origin.
#[tokio::test]
async fn the_control_plane_lists_clears_redelivers_and_refuses_strangers() {
    let receiver = Canned::start(vec![]).await;
    receiver.otherwise(Reply::ok("{}"));
    let sandbox = Sandbox::start_with(
        SandboxConfig::default()
            .webhook_url(receiver.base_url.clone())
            .history_limit(5),
    )
    .await
    .unwrap();
    let (status, body) = post(
        &sandbox,
        "/__sandbox/faults",
        json!({"fault": "server_error", "count": 0}),
    )
    .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (400, Some("count_value_invalid")),
        "{body}"
    );
    let (status, _) = post(
        &sandbox,
        "/__sandbox/faults",
        json!({"fault": "delay", "ms": 1, "count": 3}),
    )
    .await;
    assert_eq!(status, 201);
    let http = reqwest::Client::new();
    let listed = call(http.get(format!("{}/__sandbox/faults", sandbox.base_url()))).await;
    assert_eq!(listed["faults"][0]["fault"], "delay");
    assert_eq!(listed["faults"][0]["count"], 3);
    let cleared = call(http.delete(format!("{}/__sandbox/faults", sandbox.base_url()))).await;
    assert_eq!(cleared["cleared"], 1);

    client(&sandbox, "secret")
        .ppi()
        .initiate(&PpiInitiateRequest::new("ctl-1", "u1"))
        .await
        .unwrap();
    sandbox
        .wait_for(Duration::from_secs(10), |s| s.webhooks_delivered >= 1)
        .await
        .unwrap();
    let (status, body) = post(&sandbox, "/__sandbox/deliveries/1/redeliver", json!({})).await;
    assert_eq!(
        (status, body["redelivery_of"].as_u64()),
        (202, Some(1)),
        "{body}"
    );
    sandbox
        .wait_for(Duration::from_secs(10), |s| s.webhooks_delivered >= 2)
        .await
        .unwrap();
    assert_eq!(receiver.received().len(), 2, "sent again");
    let (status, body) = post(&sandbox, "/__sandbox/deliveries/999/redeliver", json!({})).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (404, Some("delivery_id_not_found"))
    );
    let (status, body) = post(&sandbox, "/__sandbox/deliveries/first/redeliver", json!({})).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (400, Some("delivery_id_value_invalid"))
    );

    // Six requests and more went by; the history kept five and says so.
    for _ in 0..3 {
        sandbox.advance((Family::Ppi, "ctl-1")).unwrap();
    }
    let listed = call(http.get(format!("{}/__sandbox/verifications", sandbox.base_url()))).await;
    assert_eq!(listed["verifications"][0]["verification_id"], "ctl-1");
    let info = call(http.get(format!("{}/__sandbox/console/info", sandbox.base_url()))).await;
    assert_eq!(info["history"]["limit"], 5);
    assert!(info["history"]["dropped"].as_u64().unwrap() > 0, "{info}");

    // Another origin may not change anything; a foreign Host gets nothing.
    let advance = format!(
        "{}/__sandbox/ppi/verifications/ctl-1/advance",
        sandbox.base_url()
    );
    let refused = http
        .post(&advance)
        .header("origin", "http://evil.example")
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 403);
    let refused = http
        .post(&advance)
        .header("sec-fetch-site", "cross-site")
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 403);
    let refused = http
        .get(format!("{}/__sandbox/stats", sandbox.base_url()))
        .header("host", "rebound.example")
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 403);
    let same_origin = http
        .post(&advance)
        .header("origin", sandbox.base_url())
        .send()
        .await
        .unwrap();
    assert_eq!(same_origin.status(), 200);
}

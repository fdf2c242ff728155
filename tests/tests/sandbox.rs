//! The sandbox end to end: Cashfree's error answers, every scenario to its
//! outcome, faults recovered by the facade, and many clients at once.

use cashfree_vkyc::{
    Client, Outcome, PpiInitiateRequest, RetryPolicy, SubStatus, VerificationSuiteInitiateRequest,
};
use cashfree_vkyc_sandbox::{Operation, Sandbox, SandboxConfig, Scenario};
use serde_json::{Value, json};
use std::collections::HashSet;
use std::time::Duration;

fn client_for(sandbox: &Sandbox) -> Client {
    workspace_tests::client_builder(sandbox.base_url())
        .retry_policy(
            RetryPolicy::default()
                .max_retries(10)
                .initial_delay(Duration::from_millis(1))
                .max_delay(Duration::from_millis(4)),
        )
        .build()
        .unwrap()
}

/// Sends a raw request, so that requests the facade would refuse to send
/// can be tried.
async fn raw(
    sandbox: &Sandbox,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: Option<Value>,
) -> (u16, Value) {
    let http = reqwest::Client::new();
    let url = format!("{}{path}", sandbox.base_url());
    let mut request = if method == "GET" {
        http.get(url)
    } else {
        http.post(url)
    };
    for (k, v) in headers {
        request = request.header(*k, *v);
    }
    if let Some(body) = body {
        request = request
            .header("content-type", "application/json")
            .body(body.to_string());
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

/// Method, path, headers, body, expected status and expected code.
type Case<'a> = (
    &'a str,
    &'a str,
    Vec<(&'a str, &'a str)>,
    Option<Value>,
    u16,
    &'a str,
);

const AUTH: [(&str, &str); 3] = [
    ("x-client-id", "id"),
    ("x-client-secret", "secret"),
    ("x-api-version", "2025-11-01"),
];

#[tokio::test]
async fn answers_like_cashfree_for_every_error_case() {
    let sandbox = Sandbox::start_with(SandboxConfig::default().credentials("id", "secret"))
        .await
        .unwrap();
    let ok_body = json!({"user_id": "u1", "verification_id": "v1"});
    let cases: Vec<Case> = vec![
        (
            "POST",
            "/ppi/kyc/vkyc",
            vec![AUTH[1], AUTH[2]],
            Some(ok_body.clone()),
            400,
            "x-client-id_missing",
        ),
        (
            "POST",
            "/ppi/kyc/vkyc",
            vec![AUTH[0], AUTH[2]],
            Some(ok_body.clone()),
            400,
            "x-client-secret_missing",
        ),
        (
            "POST",
            "/ppi/kyc/vkyc",
            vec![AUTH[0], ("x-client-secret", "wrong"), AUTH[2]],
            Some(ok_body.clone()),
            401,
            "authentication_failed",
        ),
        (
            "POST",
            "/ppi/kyc/vkyc",
            vec![AUTH[0], AUTH[1]],
            Some(ok_body.clone()),
            400,
            "x-api-version_missing",
        ),
        (
            "POST",
            "/ppi/kyc/vkyc",
            AUTH.to_vec(),
            Some(json!({"user_id": "u1"})),
            400,
            "verification_id_missing",
        ),
        (
            "POST",
            "/ppi/kyc/vkyc",
            AUTH.to_vec(),
            Some(json!({"user_id": "u1", "verification_id": "has space"})),
            400,
            "verification_id_value_invalid",
        ),
        (
            "POST",
            "/ppi/kyc/vkyc",
            AUTH.to_vec(),
            Some(json!({"verification_id": "v1"})),
            400,
            "user_id_missing",
        ),
        (
            "POST",
            "/ppi/kyc/vkyc",
            AUTH.to_vec(),
            Some(json!({"user_id": "u1", "verification_id": "v1", "notification_modes": ["sms"]})),
            400,
            "notification_modes_value_invalid",
        ),
        (
            "POST",
            "/ppi/kyc/vkyc",
            AUTH.to_vec(),
            Some(
                json!({"user_id": "u1", "verification_id": "v1", "security_questions": [
                {"order": 1, "question": "q", "answer": "a"}, {"order": 1, "question": "q2", "answer": "a2"}]}),
            ),
            400,
            "security_questions_value_invalid",
        ),
        (
            "POST",
            "/ppi/kyc/vkyc",
            AUTH.to_vec(),
            None,
            400,
            "request_body_invalid",
        ),
        (
            "POST",
            "/ppi/kyc/vkyc/status",
            AUTH.to_vec(),
            Some(json!({"user_id": "u1", "verification_id": "nope"})),
            404,
            "verification_id_not_found",
        ),
        (
            "POST",
            "/verification/vkyc",
            AUTH.to_vec(),
            Some(json!({"verification_id": "v1"})),
            400,
            "user_id_number_missing",
        ),
        (
            "GET",
            "/verification/vkyc",
            AUTH.to_vec(),
            None,
            400,
            "verification_id_missing",
        ),
        (
            "GET",
            "/verification/vkyc?verification_id=nope",
            AUTH.to_vec(),
            None,
            404,
            "verification_id_not_found",
        ),
        (
            "GET",
            "/verification/vkyc?reference_id=999999",
            AUTH.to_vec(),
            None,
            404,
            "reference_id_not_found",
        ),
        (
            "GET",
            "/verification/vkyc?reference_id=abc",
            AUTH.to_vec(),
            None,
            400,
            "reference_id_value_invalid",
        ),
    ];
    for (method, path, headers, body, status, code) in cases {
        let (got_status, got) = raw(&sandbox, method, path, &headers, body).await;
        assert_eq!(
            (got_status, got["code"].as_str()),
            (status, Some(code)),
            "{method} {path}: {got}"
        );
        assert!(
            got["type"].is_string() && got["message"].is_string(),
            "{got}"
        );
    }
    // A reused verification_id, per family.
    let (status, _) = raw(
        &sandbox,
        "POST",
        "/ppi/kyc/vkyc",
        &AUTH,
        Some(ok_body.clone()),
    )
    .await;
    assert_eq!(status, 200);
    let (status, body) = raw(&sandbox, "POST", "/ppi/kyc/vkyc", &AUTH, Some(ok_body)).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (409, Some("verification_id_already_exists"))
    );
    assert_eq!(sandbox.stats().verifications["ppi"], 1);
}

#[tokio::test]
async fn responses_have_each_familys_shape() {
    let sandbox = Sandbox::start().await.unwrap();
    let (_, user) = raw(
        &sandbox,
        "POST",
        "/verification/user",
        &AUTH,
        Some(json!({"phone": "9876543210", "user_id": "vs-user-1"})),
    )
    .await;
    let reference = user["user_reference_id"].as_i64().unwrap();
    let (_, vs) = raw(
        &sandbox,
        "POST",
        "/verification/vkyc",
        &AUTH,
        Some(json!({"verification_id": "vs1", "user_reference_id": reference})),
    )
    .await;
    assert!(
        vs["reference_id"].is_i64(),
        "Verification Suite ids are integers: {vs}"
    );
    assert_eq!(vs["user_reference_id"], json!(reference));
    assert!(
        vs["link_expiry"]
            .as_str()
            .unwrap()
            .ends_with("T00:00:00.000Z")
    );
    assert!(vs["recording_link"].is_null());
    let (_, ppi) = raw(
        &sandbox,
        "POST",
        "/ppi/kyc/vkyc",
        &AUTH,
        Some(json!({"user_id": "u", "verification_id": "p1", "notification_modes": ["SMS"]})),
    )
    .await;
    assert!(
        ppi["cf_verification_id"].is_string(),
        "PPI ids are strings of digits: {ppi}"
    );
    assert_eq!(
        ppi["link_expiry"].as_str().unwrap().len(),
        10,
        "a plain date"
    );
    assert_eq!(ppi["notification_modes"], json!(["SMS"]));
    let reference = vs["reference_id"].as_i64().unwrap();
    let (status, by_ref) = raw(
        &sandbox,
        "GET",
        &format!("/verification/vkyc?reference_id={reference}"),
        &AUTH,
        None,
    )
    .await;
    assert_eq!(
        (status, by_ref["verification_id"].as_str()),
        (200, Some("vs1"))
    );
}

#[tokio::test]
async fn every_scenario_reaches_its_outcome() {
    let sandbox = Sandbox::start().await.unwrap();
    let client = client_for(&sandbox);
    let expected = [
        (
            Scenario::Approved,
            SubStatus::AuditorApproved,
            Outcome::Approved,
        ),
        (
            Scenario::AuditorRejected,
            SubStatus::AuditorRejected,
            Outcome::Rejected,
        ),
        (
            Scenario::AgentRejected,
            SubStatus::AuditorRejected,
            Outcome::Rejected,
        ),
        (
            Scenario::UserDroppedOff,
            SubStatus::VkycExpired,
            Outcome::Expired,
        ),
        (
            Scenario::LinkExpired,
            SubStatus::VkycExpired,
            Outcome::Expired,
        ),
        (
            Scenario::ProxyDetected,
            SubStatus::VkycExpired,
            Outcome::Expired,
        ),
        (
            Scenario::Scheduled,
            SubStatus::AuditorApproved,
            Outcome::Approved,
        ),
    ];
    assert_eq!(expected.len(), Scenario::ALL.len());
    for (i, (scenario, last, outcome)) in expected.into_iter().enumerate() {
        let (ppi_id, vs_id) = (format!("ppi-{i}"), format!("vs-{i}"));
        client
            .ppi()
            .initiate(&PpiInitiateRequest::new(&ppi_id, "u1"))
            .await
            .unwrap();
        client
            .verification_suite()
            .initiate(&VerificationSuiteInitiateRequest::for_user_id(&vs_id, "u1"))
            .await
            .unwrap();
        for id in [&ppi_id, &vs_id] {
            sandbox.set_scenario(id, scenario).unwrap();
            let mut steps = 0;
            while let Ok(sub_status) = sandbox.advance(id) {
                steps += 1;
                if cashfree_vkyc_sandbox::is_final(sub_status) || steps > 50 {
                    break;
                }
            }
            assert_eq!(steps + 1, scenario.steps().len(), "{scenario:?}");
        }
        let ppi = client.ppi().status(&ppi_id, "u1").await.unwrap();
        let vs = client.verification_suite().status(&vs_id).await.unwrap();
        for v in [&ppi, &vs] {
            assert_eq!(
                (&v.sub_status, v.outcome()),
                (&last, outcome),
                "{scenario:?}"
            );
            assert!(v.is_final());
        }
        if scenario == Scenario::AgentRejected {
            assert!(vs.agent_remarks.is_some() && vs.auditor_remarks.is_some());
        }
        if matches!(scenario, Scenario::Approved | Scenario::UserDroppedOff) {
            assert!(
                vs.recording_link.is_some(),
                "a finished call has a recording"
            );
        }
        // A final verification stays final.
        assert_eq!(sandbox.advance(&ppi_id), Ok(last.as_str()));
    }
}

#[tokio::test]
async fn control_endpoints_over_http() {
    let sandbox = Sandbox::start().await.unwrap();
    raw(
        &sandbox,
        "POST",
        "/ppi/kyc/vkyc",
        &[
            AUTH[0],
            AUTH[1],
            AUTH[2],
            ("x-sandbox-scenario", "link_expired"),
        ],
        Some(json!({"user_id": "u", "verification_id": "c1"})),
    )
    .await;
    let (status, body) = raw(
        &sandbox,
        "POST",
        "/__sandbox/verifications/c1/advance",
        &[],
        None,
    )
    .await;
    assert_eq!(
        (status, body["sub_status"].as_str(), body["status"].as_str()),
        (200, Some("VKYC_EXPIRED"), Some("EXPIRED"))
    );
    let (status, body) = raw(
        &sandbox,
        "POST",
        "/__sandbox/verifications/c1/scenario",
        &[],
        Some(json!({"scenario": "nonsense"})),
    )
    .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (400, Some("scenario_value_invalid"))
    );
    let (status, _) = raw(
        &sandbox,
        "POST",
        "/__sandbox/verifications/none/advance",
        &[],
        None,
    )
    .await;
    assert_eq!(status, 404);
    let (status, installed) = raw(
        &sandbox,
        "POST",
        "/__sandbox/faults",
        &[],
        Some(json!({"fault": "server_error", "operation": "ppi_status", "count": 2})),
    )
    .await;
    assert_eq!(status, 201);
    assert_eq!(
        installed,
        json!({"fault": "server_error", "operation": "ppi_status", "count": 2}),
        "the answer is the rule as installed"
    );
    let (status, _) = raw(
        &sandbox,
        "POST",
        "/ppi/kyc/vkyc/status",
        &AUTH,
        Some(json!({"user_id": "u", "verification_id": "c1"})),
    )
    .await;
    assert_eq!(status, 500);
    let (_, stats) = raw(&sandbox, "GET", "/__sandbox/stats", &[], None).await;
    assert_eq!(stats["requests"]["ppi_status"], json!(1));
    assert_eq!(stats["verifications"]["ppi"], json!(1));
}

#[tokio::test]
async fn random_faults_are_recovered_with_one_verification_per_initiate() {
    let sandbox = Sandbox::start_with(SandboxConfig::default().fault_rate(0.3))
        .await
        .unwrap();
    let client = client_for(&sandbox);
    for i in 0..20 {
        if i % 5 == 0 {
            sandbox.inject(
                cashfree_vkyc_sandbox::Fault::DropAfterProcessing,
                Some(Operation::PpiInitiate),
                1,
            );
        }
        let v = client
            .ppi()
            .initiate(&PpiInitiateRequest::new(format!("faulty-{i}"), "u1"))
            .await
            .unwrap();
        assert_eq!(v.verification_id, format!("faulty-{i}"));
        let v = client
            .ppi()
            .status(&format!("faulty-{i}"), "u1")
            .await
            .unwrap();
        assert_eq!(v.sub_status, SubStatus::LinkGenerated);
    }
    let stats = sandbox.stats();
    assert_eq!(stats.verifications["ppi"], 20, "{stats:?}");
    assert!(
        stats.requests[&Operation::PpiInitiate] > 20,
        "faults forced retries: {stats:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nothing_is_lost_under_concurrent_clients() {
    let sandbox = Sandbox::start().await.unwrap();
    let client = client_for(&sandbox);
    let mut tasks = tokio::task::JoinSet::new();
    for i in 0..100 {
        let client = client.clone();
        tasks.spawn(async move {
            if i % 2 == 0 {
                client
                    .ppi()
                    .initiate(&PpiInitiateRequest::new(format!("c-{i}"), "u"))
                    .await
                    .map(|v| v.cashfree_id)
            } else {
                let request = VerificationSuiteInitiateRequest::for_user_id(format!("c-{i}"), "u");
                client
                    .verification_suite()
                    .initiate(&request)
                    .await
                    .map(|v| v.cashfree_id)
            }
        });
    }
    let mut ids = HashSet::new();
    while let Some(done) = tasks.join_next().await {
        ids.insert(done.unwrap().unwrap().unwrap());
    }
    assert_eq!(ids.len(), 100, "every verification got its own Cashfree id");
    let stats = sandbox.stats();
    assert_eq!(
        (
            stats.verifications["ppi"],
            stats.verifications["verification_suite"]
        ),
        (50, 50)
    );
    for i in (1..100).step_by(2) {
        assert_eq!(
            client
                .verification_suite()
                .status(&format!("c-{i}"))
                .await
                .unwrap()
                .verification_id,
            format!("c-{i}")
        );
    }
}

/// Every answer carries its own `x-request-id`, as Cashfree's do: a
/// success, Cashfree's 404, missing credentials and an injected fault;
/// and the facade hands a success's id to the caller.
#[tokio::test]
async fn every_answer_has_its_own_request_id() {
    let sandbox = Sandbox::start().await.unwrap();
    sandbox.inject(
        cashfree_vkyc_sandbox::Fault::ServerError,
        Some(Operation::PpiStatus),
        1,
    );
    let http = reqwest::Client::new();
    let mut ids = HashSet::new();
    for (path, id, secret, expected) in [
        ("/ppi/kyc/vkyc/status", "id", "secret", 500),
        ("/ppi/kyc/vkyc/status", "id", "secret", 404),
        ("/ppi/kyc/vkyc/status", "", "", 400),
    ] {
        let response = http
            .post(format!("{}{path}", sandbox.base_url()))
            .header("x-client-id", id)
            .header("x-client-secret", secret)
            .header("x-api-version", "2025-11-01")
            .json(&json!({"user_id": "u1", "verification_id": "missing"}))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), expected);
        let request_id = response.headers()["x-request-id"]
            .to_str()
            .unwrap()
            .to_owned();
        assert_eq!(request_id.len(), 36, "{request_id}");
        assert!(ids.insert(request_id), "each answer has its own id");
    }
    let v = client_for(&sandbox)
        .ppi()
        .initiate(&PpiInitiateRequest::new("rid-1", "u1"))
        .await
        .unwrap();
    let id = v.request_id().expect("a success carries its request id");
    assert!(!ids.contains(id));
}

//! The facade against local servers on 127.0.0.1: what it decodes, what it
//! sends, and how it follows a verification.

use cashfree_vkyc::{
    Client, Error, Outcome, Phase, PpiInitiateRequest, RetryPolicy, SecurityQuestion, SubStatus,
    VerificationSuiteInitiateRequest, VkycStatus,
};
use cashfree_vkyc_sandbox::Sandbox;
use serde_json::{Value, json};
use std::time::Duration;
use workspace_tests::canned::{Canned, Reply};
use workspace_tests::{SECRET, examples, fast_client as client, paused, root};

fn spec(family: &str) -> Value {
    serde_json::from_str(
        &std::fs::read_to_string(root().join(format!("specs/openapi/{family}.json"))).unwrap(),
    )
    .unwrap()
}

/// Every documented success example, served as Cashfree would, decodes
/// through the facade into the view, keeping every field.
#[tokio::test]
async fn every_documented_success_example_decodes() {
    let mut checked = 0;
    for family in ["verification-suite", "ppi"] {
        for example in examples::all(&spec(family)).into_iter().filter(|e| {
            e.kind == "200"
                && matches!(
                    e.schema.as_str(),
                    "VKYCLinkResponseSchema" | "GetVKYCLinkResponseSchema" | "PpiVkycResponse"
                )
        }) {
            let server = Canned::start([Reply::ok(example.value.to_string())]).await;
            let client = client(&server.base_url);
            let v = match (
                family,
                example.at.contains("get") || example.at.contains("GetVKYC"),
            ) {
                ("ppi", _) => {
                    client
                        .ppi()
                        .status("TestVkycVerification", "USER827364")
                        .await
                }
                (_, true) => {
                    client
                        .verification_suite()
                        .status("vkyc_verification_id")
                        .await
                }
                (_, false) => {
                    let request = VerificationSuiteInitiateRequest::for_user_reference_id(
                        "vkyc_verification_id",
                        11174,
                    );
                    client.verification_suite().initiate(&request).await
                }
            }
            .unwrap_or_else(|e| panic!("{}: {e}", example.at));
            let sent = example.value.as_object().unwrap();
            assert_eq!(v.raw(), sent, "{}: the raw fields are kept", example.at);
            assert_eq!(v.verification_id, sent["verification_id"].as_str().unwrap());
            assert_eq!(v.sub_status.as_str(), sent["sub_status"].as_str().unwrap());
            assert_eq!(v.status.as_str(), sent["status"].as_str().unwrap());
            assert!(v.cashfree_id.is_some(), "{}", example.at);
            assert!(
                v.link_expiry.as_ref().and_then(|e| e.date()).is_some(),
                "{}: expiry parses",
                example.at
            );
            checked += 1;
        }
    }
    assert_eq!(
        checked, 6,
        "2 Verification Suite and 4 PPI verification success examples"
    );
}

#[tokio::test]
async fn lenient_decoding_of_what_cashfree_really_sends() {
    let body = json!({
        "verification_id": "v1", "reference_id": "1358", "user_reference_id": 11174, "user_id": "",
        "status": "INITIATED", "sub_status": "USER_TELEPORTED", "vkyc_link": "https://x",
        "link_expiry": "2025-08-03T00:00:00.000Z", "recording_link": "", "meeting_schedule": null,
        "agent_remarks": "", "auditor_remarks": null, "brand_new_field": [1, 2]
    });
    let server = Canned::start([Reply::ok(body.to_string())]).await;
    let v = client(&server.base_url)
        .verification_suite()
        .status("v1")
        .await
        .unwrap();
    assert_eq!(
        v.cashfree_id
            .as_ref()
            .and_then(cashfree_vkyc::CashfreeId::as_i64),
        Some(1358)
    );
    assert_eq!(v.user_reference_id, Some(11174));
    assert_eq!(v.user_id, None);
    assert_eq!(v.recording_link, None);
    assert_eq!(v.agent_remarks, None);
    assert_eq!(v.status, VkycStatus::Initiated);
    assert_eq!(v.sub_status, SubStatus::Unknown("USER_TELEPORTED".into()));
    assert_eq!(v.sub_status.as_str(), "USER_TELEPORTED");
    assert_eq!(v.phase(), Phase::Received);
    assert_eq!(v.outcome(), Outcome::Unknown);
    assert_eq!(
        v.link_expiry.as_ref().unwrap().date(),
        chrono::NaiveDate::from_ymd_opt(2025, 8, 3)
    );
    assert_eq!(
        v.extra().collect::<Vec<_>>(),
        vec![("brand_new_field", &json!([1, 2]))]
    );

    let server = Canned::start([Reply::ok(
        json!({"verification_id": "v2", "cf_verification_id": 8901234567890123458u64, "status": "VIDEO_CALL_ONGOING",
               "sub_status": "LINK_GENERATED", "link_expiry": "2026-06-03"})
        .to_string(),
    )])
    .await;
    let v = client(&server.base_url)
        .ppi()
        .status("v2", "u")
        .await
        .unwrap();
    assert_eq!(
        v.cashfree_id
            .as_ref()
            .map(cashfree_vkyc::CashfreeId::as_str),
        Some("8901234567890123458")
    );
    assert_eq!(v.status.as_str(), "VIDEO_CALL_ONGOING");
    assert_eq!(
        serde_json::to_value(&v.status).unwrap(),
        json!("VIDEO_CALL_ONGOING")
    );
}

#[tokio::test]
async fn a_broken_success_body_is_a_decode_error_with_the_raw_body() {
    let server = Canned::start([Reply::ok(
        "{\"verification_id\": 12, \"reference_id\": true}",
    )])
    .await;
    match client(&server.base_url)
        .verification_suite()
        .status("v1")
        .await
    {
        Err(Error::Decode(d)) => {
            assert_eq!(d.status, 200);
            assert_eq!(d.path.as_deref(), Some("verification_id"));
            assert!(d.body.to_text().contains("\"reference_id\": true"));
        }
        other => panic!("expected a decode error, got {other:?}"),
    }
    let server = Canned::start([Reply::ok("<html>gateway</html>")]).await;
    let e = client(&server.base_url)
        .ppi()
        .status("v", "u")
        .await
        .unwrap_err();
    assert!(
        matches!(&e, Error::Decode(d) if d.body.as_bytes() == b"<html>gateway</html>"),
        "{e:?}"
    );
    assert!(!e.is_retryable());
}

#[tokio::test]
async fn api_errors_carry_cashfrees_fields() {
    let server = Canned::start([
        Reply::status(404, r#"{"type":"validation_error","code":"verification_id_not_found","message":"verification_id does not exist."}"#),
        Reply::status(403, r#"{"error":{"type":"authentication_error","code":"ip_validation_failed","message":"IP not whitelisted"}}"#),
        Reply::status(418, "teapot"),
    ])
    .await;
    let client = client(&server.base_url);
    let e = client
        .verification_suite()
        .status("missing")
        .await
        .unwrap_err();
    let api = e.as_api().expect("an API error");
    assert_eq!(
        (api.status, api.code.as_deref()),
        (404, Some("verification_id_not_found"))
    );
    assert_eq!(api.error_type.as_deref(), Some("validation_error"));
    assert!(api.is_not_found() && !e.is_retryable());
    let e = client.verification_suite().status("x").await.unwrap_err();
    assert_eq!(
        e.as_api().unwrap().code.as_deref(),
        Some("ip_validation_failed"),
        "nested `error` object"
    );
    let e = client.verification_suite().status("x").await.unwrap_err();
    assert_eq!(
        (
            e.as_api().unwrap().status,
            e.as_api().unwrap().body.to_text()
        ),
        (418, "teapot".into())
    );
}

#[tokio::test]
async fn a_documented_error_status_with_a_non_json_body_is_still_that_error() {
    let server = Canned::start([Reply::status(500, "<html>502 Bad Gateway</html>")]).await;
    let client = Client::builder("id", SECRET)
        .base_url(&server.base_url)
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap();
    let e = client.verification_suite().status("v1").await.unwrap_err();
    let api = e
        .as_api()
        .unwrap_or_else(|| panic!("expected an API error, got {e:?}"));
    assert_eq!(
        (api.status, api.code.as_deref(), api.body.to_text()),
        (500, None, "<html>502 Bad Gateway</html>".into())
    );
    assert!(e.is_retryable());
}

#[tokio::test]
async fn requests_carry_credentials_version_and_agent_but_no_progenitor_header() {
    let server = Canned::start([
        Reply::ok(r#"{"verification_id":"v"}"#),
        Reply::ok(r#"{"verification_id":"v"}"#),
    ])
    .await;
    let client = client(&server.base_url);
    client
        .verification_suite()
        .status_by_reference_id(1358)
        .await
        .unwrap();
    client.ppi().status("v", "u1").await.unwrap();
    let received = server.received();
    let vs = &received[0];
    assert_eq!(vs.method, "GET");
    assert_eq!(vs.path_and_query, "/verification/vkyc?reference_id=1358");
    assert_eq!(vs.headers["x-api-version"], "2024-12-01");
    assert_eq!(vs.headers["x-client-id"], "CF_TEST_ID");
    assert_eq!(vs.headers["x-client-secret"], SECRET);
    assert!(
        vs.headers["user-agent"]
            .to_str()
            .unwrap()
            .starts_with("cashfree-vkyc/")
    );
    assert!(vs.headers.get("api-version").is_none());
    assert!(
        vs.headers.get("x-cf-signature").is_none(),
        "no key, no signature"
    );
    let ppi = &received[1];
    assert_eq!(
        (ppi.method.as_str(), ppi.path_and_query.as_str()),
        ("POST", "/ppi/kyc/vkyc/status")
    );
    assert_eq!(ppi.headers["x-api-version"], "2025-11-01");
    let body: Value = serde_json::from_slice(&ppi.body).unwrap();
    assert_eq!(body, json!({"user_id": "u1", "verification_id": "v"}));
}

/// A client the caller gives sends no credentials by default; the facade
/// puts them on each request, in place of any of the same name.
#[tokio::test]
async fn a_callers_http_client_gets_the_credentials_on_each_request() {
    let server = Canned::start([Reply::ok(r#"{"verification_id":"v"}"#)]).await;
    let mut defaults = reqwest::header::HeaderMap::new();
    defaults.insert("x-client-id", "SOMEONE_ELSE".parse().unwrap());
    defaults.insert("user-agent", "their-agent".parse().unwrap());
    let http = reqwest::Client::builder()
        .default_headers(defaults)
        .build()
        .unwrap();
    let client = workspace_tests::client_builder(&server.base_url)
        .http_client(http)
        .build()
        .unwrap();
    client.ppi().status("v", "u1").await.unwrap();
    let received = server.received();
    let headers = &received[0].headers;
    assert_eq!(headers["x-client-id"], "CF_TEST_ID");
    assert_eq!(headers["x-client-secret"], SECRET);
    assert_eq!(headers.get_all("x-client-id").iter().count(), 1);
    assert!(
        headers["user-agent"]
            .to_str()
            .unwrap()
            .starts_with("cashfree-vkyc/")
    );
    assert_eq!(headers["x-api-version"], "2025-11-01");
    assert!(headers.get("api-version").is_none());
}

#[tokio::test]
async fn validation_failures_send_nothing() {
    let sandbox = Sandbox::start().await.unwrap();
    let client = client(sandbox.base_url());
    let cases: Vec<(Error, &str)> = vec![
        (
            client
                .ppi()
                .initiate(&PpiInitiateRequest::new("bad id!", "u"))
                .await
                .unwrap_err(),
            "verification_id",
        ),
        (
            client
                .ppi()
                .initiate(&PpiInitiateRequest::new("v1", ""))
                .await
                .unwrap_err(),
            "user_id",
        ),
        (
            client
                .ppi()
                .initiate(&PpiInitiateRequest::new("v1", "u".repeat(51)))
                .await
                .unwrap_err(),
            "user_id",
        ),
        (
            client
                .ppi()
                .initiate(&PpiInitiateRequest::new("v1", "u").security_questions([
                    SecurityQuestion::new(1, "q", "a"),
                    SecurityQuestion::new(3, "q", "a"),
                ]))
                .await
                .unwrap_err(),
            "security_questions.order",
        ),
        (
            client
                .ppi()
                .initiate(&PpiInitiateRequest::new("v1", "u").security_question("", "a"))
                .await
                .unwrap_err(),
            "security_questions[0].question",
        ),
        (
            client
                .verification_suite()
                .initiate(&VerificationSuiteInitiateRequest::for_user_reference_id(
                    "v1", 0,
                ))
                .await
                .unwrap_err(),
            "user_reference_id",
        ),
        (
            client
                .verification_suite()
                .status(&"v".repeat(51))
                .await
                .unwrap_err(),
            "verification_id",
        ),
        (
            client
                .verification_suite()
                .status_by_reference_id(-4)
                .await
                .unwrap_err(),
            "reference_id",
        ),
        (
            client.ppi().status("", "u").await.unwrap_err(),
            "verification_id",
        ),
    ];
    for (error, field) in cases {
        match error {
            Error::Validation(v) => assert_eq!(v.field, field, "{v}"),
            other => panic!("expected a validation error on {field}, got {other:?}"),
        }
    }
    let stats = sandbox.stats();
    assert_eq!(
        stats.requests.values().sum::<u64>(),
        0,
        "no request reached the server: {stats:?}"
    );
}

/// A client on the paused clock: its HTTP stack has no timers, so the
/// only ones are the watch's.
fn paused_client(base_url: &str) -> Client {
    workspace_tests::client_builder(base_url)
        .http_client(workspace_tests::paused::untimed_http())
        .build()
        .unwrap()
}

/// The watch reports every change, once: the sandbox moves one step each
/// time the watch reports, and nothing else moves it.
#[test]
fn watch_follows_a_verification_to_its_outcome() {
    let sandbox = paused::sandbox_with(&["watched"]);
    paused::paused(async {
        let client = paused_client(sandbox.base_url());
        let mut seen = Vec::new();
        let mut steps = 0;
        let last = client
            .ppi()
            .watch("watched", "u1")
            .poll_interval(Duration::from_millis(5), Duration::from_millis(10))
            .deadline(Duration::from_secs(60))
            .until_final(|v| {
                seen.push(v.sub_status.clone());
                if !v.is_final() {
                    sandbox.advance("watched").unwrap();
                    steps += 1;
                }
            })
            .await
            .unwrap();
        assert_eq!(last.sub_status, SubStatus::AuditorApproved);
        assert_eq!(last.outcome(), Outcome::Approved);
        assert_eq!(seen.first(), Some(&SubStatus::LinkGenerated));
        assert_eq!(seen.last(), Some(&SubStatus::AuditorApproved));
        assert_eq!(seen.len(), steps + 1, "one report per step: {seen:?}");
        assert!(
            seen.windows(2).all(|w| w[0] != w[1]),
            "each update is a change: {seen:?}"
        );
    });
}

/// The deadline is kept to the poll: neither early nor a poll late.
#[test]
fn watch_gives_up_at_the_deadline() {
    let sandbox = paused::sandbox_with(&["stuck"]);
    paused::paused(async {
        let client = paused_client(sandbox.base_url());
        let started = tokio::time::Instant::now();
        let mut watch = client
            .ppi()
            .watch("stuck", "u1")
            .poll_interval(Duration::from_millis(2), Duration::from_millis(5))
            .deadline(Duration::from_millis(40));
        assert_eq!(
            watch.next().await.unwrap().unwrap().sub_status,
            SubStatus::LinkGenerated
        );
        match watch.next().await {
            Some(Err(cashfree_vkyc::WatchError::DeadlineExceeded {
                last_sub_status, ..
            })) => assert_eq!(last_sub_status, "LINK_GENERATED"),
            other => panic!("expected the deadline, got {other:?}"),
        }
        let waited = started.elapsed();
        assert!(
            waited >= Duration::from_millis(40) && waited <= Duration::from_millis(45),
            "{waited:?}"
        );
        assert!(watch.next().await.is_none());
    });
}

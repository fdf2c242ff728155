//! The facade against local servers on 127.0.0.1: what it decodes, what it
//! sends, how it retries, and what it never reveals.

use cashfree_vkyc::{
    Client, Error, NotificationMode, Outcome, Phase, PpiInitiateRequest, RetryPolicy,
    SecurityQuestion, SubStatus, VerificationSuiteInitiateRequest, VkycStatus,
};
use cashfree_vkyc_sandbox::{Fault, Operation, Sandbox};
use serde_json::{Value, json};
use std::time::Duration;
use workspace_tests::canned::{Canned, Reply};
use workspace_tests::{examples, logs, root};

const SECRET: &str = "cfsk_ma_test_9f8e7d6c5b4a";

fn client(base_url: &str) -> Client {
    Client::builder("CF_TEST_ID", SECRET)
        .base_url(base_url)
        .retry_policy(
            RetryPolicy::default()
                .initial_delay(Duration::from_millis(1))
                .max_delay(Duration::from_millis(5)),
        )
        .build()
        .unwrap()
}

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
        for example in examples::all(&spec(family))
            .into_iter()
            .filter(|e| e.kind == "200")
        {
            let server = Canned::start([Reply::ok(example.value.to_string())]).await;
            let client = client(&server.base_url);
            let v = match (
                family,
                example.at.contains("get") || example.at.contains("GetVKYC"),
            ) {
                ("ppi", _) => {
                    client
                        .ppi()
                        .status("USER827364", "TestVkycVerification")
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
        checked, 5,
        "2 Verification Suite and 3 PPI success examples"
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
    assert_eq!(v.reference_id(), Some(1358));
    assert_eq!(v.user_reference_id.as_deref(), Some("11174"));
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
        .status("u", "v2")
        .await
        .unwrap();
    assert_eq!(v.cashfree_id.as_deref(), Some("8901234567890123458"));
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
        .status("u", "v")
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
    client.ppi().status("u1", "v").await.unwrap();
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

#[tokio::test]
async fn validation_failures_send_nothing() {
    let sandbox = Sandbox::start().await.unwrap();
    let client = client(sandbox.base_url());
    let cases: Vec<(Error, &str)> = vec![
        (
            client
                .ppi()
                .initiate(&PpiInitiateRequest::new("u", "bad id!"))
                .await
                .unwrap_err(),
            "verification_id",
        ),
        (
            client
                .ppi()
                .initiate(&PpiInitiateRequest::new("", "v1"))
                .await
                .unwrap_err(),
            "user_id",
        ),
        (
            client
                .ppi()
                .initiate(&PpiInitiateRequest::new("u".repeat(51), "v1"))
                .await
                .unwrap_err(),
            "user_id",
        ),
        (
            client
                .ppi()
                .initiate(&PpiInitiateRequest::new("u", "v1").security_questions([
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
                .initiate(&PpiInitiateRequest::new("u", "v1").security_question("", "a"))
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
            client.ppi().status("u", "").await.unwrap_err(),
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

/// The wait is measured on tokio's paused clock, which moves only when
/// every task waits on a timer: the sandbox runs on a thread of its own with
/// real time, and the client's HTTP stack has no timers (no timeouts, no
/// idle pool), so the only timer the clock can jump to is the retry's.
#[test]
fn rate_limit_then_success_waits_the_advertised_time() {
    let (tx, rx) = std::sync::mpsc::channel();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = std::thread::spawn(move || {
        let runtime = tokio::runtime::Runtime::new().unwrap();
        runtime.block_on(async move {
            let sandbox = Sandbox::start().await.unwrap();
            tx.send(sandbox.handle()).unwrap();
            let _ = stopped.await;
        });
    });
    let sandbox = rx.recv().unwrap();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .start_paused(true)
        .build()
        .unwrap();
    runtime.block_on(async {
        let http = reqwest::Client::builder()
            .pool_max_idle_per_host(0)
            .build()
            .unwrap();
        let client = Client::builder("CF_TEST_ID", SECRET)
            .base_url(sandbox.base_url())
            .http_client(http)
            .retry_policy(
                RetryPolicy::default()
                    .initial_delay(Duration::from_millis(1))
                    .jitter(false),
            )
            .build()
            .unwrap();
        client
            .ppi()
            .initiate(&PpiInitiateRequest::new("u1", "v1"))
            .await
            .unwrap();
        sandbox.inject(
            Fault::RateLimited {
                retry_after_ms: 250,
            },
            Some(Operation::PpiStatus),
            1,
        );
        let started = tokio::time::Instant::now();
        let v = client.ppi().status("u1", "v1").await.unwrap();
        // The computed backoff is 1 ms; the wait taken is the advertised one.
        assert_eq!(started.elapsed(), Duration::from_millis(250));
        assert_eq!(v.sub_status, SubStatus::LinkGenerated);
        assert_eq!(sandbox.stats().requests[&Operation::PpiStatus], 2);
    });
    let _ = stop.send(());
    server.join().unwrap();
}

#[tokio::test]
async fn a_wait_longer_than_the_policy_allows_is_returned() {
    let server = Canned::start([Reply::Json(
        429,
        vec![("retry-after", "3600".into())],
        r#"{"type":"rate_limit_error","code":"too_many_requests_per_ip","message":"Too many requests from the IP"}"#.into(),
    )])
    .await;
    let e = client(&server.base_url)
        .ppi()
        .status("u", "v")
        .await
        .unwrap_err();
    let api = e.as_api().unwrap();
    assert_eq!(
        (api.status, api.retry_after),
        (429, Some(Duration::from_secs(3600)))
    );
    assert!(e.is_retryable());
    assert_eq!(server.received().len(), 1);
}

#[tokio::test]
async fn server_errors_are_retried_and_then_returned() {
    let server = Canned::start([]).await;
    server.otherwise(Reply::status(500, r#"{"type":"internal_error","code":"verification_failed","message":"something went wrong"}"#));
    let e = client(&server.base_url)
        .verification_suite()
        .status("v1")
        .await
        .unwrap_err();
    assert_eq!(e.as_api().unwrap().status, 500);
    assert_eq!(server.received().len(), 4, "1 attempt and 3 retries");

    let server = Canned::start([]).await;
    server.otherwise(Reply::status(500, "{}"));
    let never = Client::builder("id", SECRET)
        .base_url(&server.base_url)
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap();
    assert!(never.ppi().status("u", "v").await.is_err());
    assert_eq!(server.received().len(), 1, "retries turned off");
}

#[tokio::test]
async fn connection_failures_are_transport_errors() {
    // A port that was free a moment ago: nothing listens there.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let e = client(&format!("http://127.0.0.1:{port}"))
        .ppi()
        .status("u", "v")
        .await
        .unwrap_err();
    assert!(matches!(e, Error::Transport { attempts: 4, .. }), "{e:?}");
    assert!(e.is_retryable());
}

#[tokio::test]
async fn initiate_after_a_dropped_response_creates_exactly_one() {
    let sandbox = Sandbox::start().await.unwrap();
    let client = client(sandbox.base_url());
    sandbox.inject(Fault::DropAfterProcessing, Some(Operation::PpiInitiate), 1);
    sandbox.inject(
        Fault::DropAfterProcessing,
        Some(Operation::VerificationSuiteInitiate),
        1,
    );

    let request =
        PpiInitiateRequest::new("u1", "once-ppi").notification_mode(NotificationMode::Sms);
    let v = client.ppi().initiate(&request).await.unwrap();
    assert_eq!(
        (v.verification_id.as_str(), v.sub_status.clone()),
        ("once-ppi", SubStatus::LinkGenerated)
    );
    let request = VerificationSuiteInitiateRequest::for_user_id("once-vs", "user-1");
    let v = client
        .verification_suite()
        .initiate(&request)
        .await
        .unwrap();
    assert_eq!(v.verification_id, "once-vs");

    let stats = sandbox.stats();
    assert_eq!(stats.verifications["ppi"], 1);
    assert_eq!(stats.verifications["verification_suite"], 1);
    assert_eq!(
        stats.requests[&Operation::PpiInitiate],
        2,
        "the retry met 409 already exists"
    );
    assert_eq!(
        stats.requests[&Operation::PpiStatus],
        1,
        "and resolved it by fetching the status"
    );
    assert_eq!(stats.requests[&Operation::VerificationSuiteStatus], 1);
}

/// An attempt that failed without being processed (a 500 before any work)
/// is ambiguous; if its retry then meets an id that another user's
/// verification already took, that verification is not returned as ours.
#[tokio::test]
async fn exactly_once_never_adopts_another_users_verification() {
    let sandbox = Sandbox::start().await.unwrap();
    let client = client(sandbox.base_url());
    client
        .verification_suite()
        .initiate(&VerificationSuiteInitiateRequest::for_user_id(
            "shared-id",
            "alice",
        ))
        .await
        .unwrap();
    client
        .ppi()
        .initiate(&PpiInitiateRequest::new("alice", "shared-ppi"))
        .await
        .unwrap();
    sandbox.inject(
        Fault::ServerError,
        Some(Operation::VerificationSuiteInitiate),
        1,
    );
    sandbox.inject(Fault::ServerError, Some(Operation::PpiInitiate), 1);

    let e = client
        .verification_suite()
        .initiate(&VerificationSuiteInitiateRequest::for_user_id(
            "shared-id",
            "bob",
        ))
        .await
        .unwrap_err();
    assert!(e.as_api().is_some_and(|a| a.is_duplicate()), "{e:?}");
    let e = client
        .ppi()
        .initiate(&PpiInitiateRequest::new("bob", "shared-ppi"))
        .await
        .unwrap_err();
    assert!(e.as_api().is_some_and(|a| a.is_duplicate()), "{e:?}");
    let stats = sandbox.stats();
    assert_eq!(
        stats.requests[&Operation::VerificationSuiteStatus],
        1,
        "the status was checked"
    );
    assert_eq!(
        (
            stats.verifications["verification_suite"],
            stats.verifications["ppi"]
        ),
        (1, 1)
    );
}

#[tokio::test]
async fn a_reused_verification_id_is_an_error_not_a_silent_success() {
    let sandbox = Sandbox::start().await.unwrap();
    let client = client(sandbox.base_url());
    client
        .ppi()
        .initiate(&PpiInitiateRequest::new("u1", "taken"))
        .await
        .unwrap();
    let e = client
        .ppi()
        .initiate(&PpiInitiateRequest::new("u1", "taken"))
        .await
        .unwrap_err();
    let api = e.as_api().unwrap();
    assert!(api.is_duplicate());
    assert_eq!(
        (api.status, api.code.as_deref()),
        (409, Some("verification_id_already_exists"))
    );
}

#[tokio::test]
async fn the_secret_is_in_no_debug_output_and_no_log() {
    let sandbox = Sandbox::start().await.unwrap();
    let (logs, guard) = logs::capture();
    let builder = Client::builder("CF_TEST_ID", SECRET).base_url(sandbox.base_url());
    let builder_debug = format!("{builder:?}");
    let client = builder.build().unwrap();
    sandbox.inject(Fault::ServerError, None, 2);
    sandbox.inject(Fault::DropAfterProcessing, Some(Operation::PpiInitiate), 1);
    client
        .ppi()
        .initiate(&PpiInitiateRequest::new("u1", "logged"))
        .await
        .unwrap();
    let missing = client.ppi().status("u1", "nope").await.unwrap_err();
    let wrong = Client::builder("CF_TEST_ID", "wrong-secret-value")
        .base_url("http://127.0.0.1:1")
        .build()
        .unwrap();
    let transport = wrong.ppi().status("u", "v").await.unwrap_err();
    drop(guard);
    let everything = format!(
        "{builder_debug}\n{client:?}\n{missing:?}\n{missing}\n{transport:?}\n{transport}\n{wrong:?}\n{}",
        logs.text()
    );
    assert!(
        logs.text().contains("cashfree_vkyc"),
        "spans were captured: {}",
        logs.text()
    );
    assert!(
        logs.text().contains("ppi.initiate") && logs.text().contains("attempts="),
        "{}",
        logs.text()
    );
    assert!(
        !everything.contains(SECRET),
        "the secret leaked:\n{everything}"
    );
    assert!(!everything.contains("wrong-secret-value"));
    assert!(format!("{client:?}").contains("[redacted]"));
}

#[tokio::test]
async fn two_factor_signature_decrypts_to_client_id_and_time() {
    use base64::Engine;
    use rsa::pkcs8::DecodePrivateKey;

    let public =
        std::fs::read_to_string(root().join("tests/fixtures/2fa-test-public.pem")).unwrap();
    let private =
        std::fs::read_to_string(root().join("tests/fixtures/2fa-test-private.pem")).unwrap();
    let private = rsa::RsaPrivateKey::from_pkcs8_pem(&private).unwrap();
    let server = Canned::start([
        Reply::status(500, "{}"),
        Reply::ok(r#"{"verification_id":"v1"}"#),
        Reply::ok(r#"{"verification_id":"p"}"#),
    ])
    .await;
    let client = Client::builder("CF_CLIENT_ID_2FA", SECRET)
        .base_url(&server.base_url)
        .public_key_pem(public)
        .retry_policy(RetryPolicy::default().initial_delay(Duration::from_millis(1)))
        .build()
        .unwrap();
    client.verification_suite().status("v1").await.unwrap();
    client.ppi().status("u", "p").await.unwrap();
    let received = server.received();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let mut signatures = Vec::new();
    for attempt in &received[..2] {
        let signature = attempt.headers["x-cf-signature"].to_str().unwrap();
        let ciphertext = base64::engine::general_purpose::STANDARD
            .decode(signature)
            .unwrap();
        let message = private
            .decrypt(rsa::Oaep::new::<sha1::Sha1>(), &ciphertext)
            .unwrap();
        let message = String::from_utf8(message).unwrap();
        let (id, secs) = message.split_once('.').unwrap();
        assert_eq!(id, "CF_CLIENT_ID_2FA");
        let secs: u64 = secs.parse().unwrap();
        assert!(
            secs <= now && now - secs < 120,
            "signed at {secs}, now {now}"
        );
        signatures.push(signature.to_owned());
    }
    assert_ne!(
        signatures[0], signatures[1],
        "the retry carries a fresh signature"
    );
    assert!(
        received[2].headers.get("x-cf-signature").is_none(),
        "PPI requests are not signed"
    );

    let bad = Client::builder("id", SECRET)
        .public_key_pem("-----BEGIN PUBLIC KEY-----\nnope\n-----END PUBLIC KEY-----")
        .build();
    assert!(matches!(bad, Err(Error::Config(_))));
}

#[tokio::test]
async fn watch_follows_a_verification_to_its_outcome() {
    let sandbox = cashfree_vkyc_sandbox::Sandbox::start_with(
        cashfree_vkyc_sandbox::SandboxConfig::default().auto_advance(Duration::from_millis(15)),
    )
    .await
    .unwrap();
    let client = client(sandbox.base_url());
    client
        .ppi()
        .initiate(&PpiInitiateRequest::new("u1", "watched"))
        .await
        .unwrap();
    let mut seen = Vec::new();
    let last = client
        .ppi()
        .watch("u1", "watched")
        .poll_interval(Duration::from_millis(5), Duration::from_millis(10))
        .deadline(Duration::from_secs(60))
        .until_final(|v| seen.push(v.sub_status.clone()))
        .await
        .unwrap();
    assert_eq!(last.sub_status, SubStatus::AuditorApproved);
    assert_eq!(last.outcome(), Outcome::Approved);
    assert!(
        seen.windows(2).all(|w| w[0] != w[1]),
        "each update is a change: {seen:?}"
    );
    assert_eq!(seen.last(), Some(&SubStatus::AuditorApproved));
}

#[tokio::test]
async fn watch_gives_up_at_the_deadline() {
    let sandbox = Sandbox::start().await.unwrap();
    let client = client(sandbox.base_url());
    client
        .ppi()
        .initiate(&PpiInitiateRequest::new("u1", "stuck"))
        .await
        .unwrap();
    let mut watch = client
        .ppi()
        .watch("u1", "stuck")
        .poll_interval(Duration::from_millis(2), Duration::from_millis(5))
        .deadline(Duration::from_millis(40));
    assert_eq!(
        watch.next().await.unwrap().unwrap().sub_status,
        SubStatus::LinkGenerated
    );
    match watch.next().await {
        Some(Err(Error::DeadlineExceeded {
            last_sub_status, ..
        })) => assert_eq!(last_sub_status, "LINK_GENERATED"),
        other => panic!("expected the deadline, got {other:?}"),
    }
    assert!(watch.next().await.is_none());
}

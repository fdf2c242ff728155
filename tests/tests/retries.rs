//! How the facade retries: advertised waits, server errors, broken
//! connections, and initiate exactly once when an answer is lost.

use cashfree_vkyc::{
    CallEvent, Channel, Client, Error, PpiInitiateRequest, RetryPolicy, RetryReason, SubStatus,
    VerificationSuiteInitiateRequest,
};
use cashfree_vkyc_sandbox::{Fault, Operation, Sandbox};
use std::time::Duration;
use workspace_tests::canned::{Canned, Reply};
use workspace_tests::paused::{paused, sandbox_with};
use workspace_tests::{SECRET, fast_client as client};

/// The wait is measured on tokio's paused clock, which moves only when
/// every task waits on a timer: the sandbox runs on a thread of its own with
/// real time, and the client's HTTP stack has no timers (no timeouts, no
/// idle pool), so the only timer the clock can jump to is the retry's.
#[test]
fn rate_limit_then_success_waits_the_advertised_time() {
    let sandbox = sandbox_with(&[]);
    paused(async {
        let events = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let seen = events.clone();
        let client = workspace_tests::client_builder(sandbox.base_url())
            .http_client(workspace_tests::paused::untimed_http())
            .retry_policy(
                RetryPolicy::default()
                    .initial_delay(Duration::from_millis(1))
                    .jitter(false),
            )
            .on_event(move |event| seen.lock().unwrap().push(event.clone()))
            .build()
            .unwrap();
        client
            .ppi()
            .initiate(&PpiInitiateRequest::new("v1", "u1"))
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
        let v = client.ppi().status("v1", "u1").await.unwrap();
        // The computed backoff is 1 ms; the wait taken is the advertised one.
        assert_eq!(started.elapsed(), Duration::from_millis(250));
        assert_eq!(v.sub_status, SubStatus::LinkGenerated);
        assert_eq!(sandbox.stats().requests[&Operation::PpiStatus], 2);
        // The retry was reported once, with the wait actually taken.
        assert_eq!(
            *events.lock().unwrap(),
            [CallEvent::Retry {
                operation: "ppi.status",
                attempt: 1,
                wait: Duration::from_millis(250),
                reason: RetryReason::Status(429),
            }]
        );
    });
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
        .status("v", "u")
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
    assert!(never.ppi().status("v", "u").await.is_err());
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
        .status("v", "u")
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

    let request = PpiInitiateRequest::new("once-ppi", "u1").notification_mode(Channel::Sms);
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
        .initiate(&PpiInitiateRequest::new("shared-ppi", "alice"))
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
        .initiate(&PpiInitiateRequest::new("shared-ppi", "bob"))
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
        .initiate(&PpiInitiateRequest::new("taken", "u1"))
        .await
        .unwrap();
    let e = client
        .ppi()
        .initiate(&PpiInitiateRequest::new("taken", "u1"))
        .await
        .unwrap_err();
    let api = e.as_api().unwrap();
    assert!(api.is_duplicate());
    assert_eq!(
        (api.status, api.code.as_deref()),
        (409, Some("verification_id_already_exists"))
    );
}

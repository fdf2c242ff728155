//! The facade's in-process rate budget and delivery log: the client takes
//! a permit before every attempt, holds the budget when Cashfree says so,
//! and a webhook receiver processes each delivery once.
//!
//! Waits are measured on tokio's paused clock: the servers run on a thread
//! of their own with real time, and the clients' HTTP stack has no timers,
//! so the only timers the clock can jump to are the budget's.

use cashfree_vkyc::coordination::{BudgetRate, LocalBudget, LocalDeliveryLog};
use cashfree_vkyc::webhook::{self, ExactlyOnce, ProcessError, Processed, Verifier};
use cashfree_vkyc::{Client, Error, Follower, RetryPolicy, Source};
use cashfree_vkyc_sandbox::{Fault, Operation, SandboxHandle, Scenario};
use http::HeaderMap;
use std::time::Duration;
use tokio::time::Instant;
use workspace_tests::canned::{Canned, Reply};
use workspace_tests::paused::{paused, sandbox_with, serve};

/// A client of `budget` that waits at most `max_wait` for a permit and
/// does not retry (so each call is one attempt).
fn client(base_url: &str, budget: &LocalBudget, max_wait: Duration) -> Client {
    // No idle pool and no timeouts: no timer but the budget's.
    workspace_tests::client_builder(base_url)
        .http_client(workspace_tests::paused::untimed_http())
        .rate_budget(budget.clone())
        .max_budget_wait(max_wait)
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap()
}

fn requests(sandbox: &SandboxHandle) -> u64 {
    sandbox.stats().requests.values().sum()
}

#[test]
fn a_budget_paces_calls_and_refuses_a_wait_past_the_maximum() {
    let sandbox = sandbox_with(&["paced"]);
    paused(async {
        let budget = LocalBudget::new(BudgetRate::per_minute(60).unwrap());
        let patient = client(sandbox.base_url(), &budget, Duration::from_secs(5));
        let started = Instant::now();
        for _ in 0..3 {
            patient.ppi().status("paced", "u1").await.unwrap();
        }
        // One permit a second: the second and third calls waited.
        let waited = started.elapsed();
        assert!(
            waited >= Duration::from_secs(2) && waited < Duration::from_millis(2100),
            "{waited:?}"
        );

        // A client of the same budget that may wait only 100 ms.
        let hurried = client(sandbox.base_url(), &budget, Duration::from_millis(100));
        let before = requests(&sandbox);
        let err = hurried.ppi().status("paced", "u1").await.unwrap_err();
        match &err {
            Error::RateLimited { retry_after, sent } => {
                assert_eq!(*sent, 0);
                assert!(*retry_after > Duration::from_millis(900), "{retry_after:?}");
            }
            other => panic!("{other:?}"),
        }
        assert!(err.is_rate_limited() && err.is_retryable());
        assert!(err.to_string().contains("nothing was sent"), "{err}");
        assert_eq!(
            requests(&sandbox),
            before,
            "nothing is sent without a permit"
        );
    });
}

#[test]
fn a_429_holds_every_client_that_shares_the_budget() {
    let sandbox = sandbox_with(&["held"]);
    paused(async {
        let budget = LocalBudget::new(BudgetRate::per_minute(6000).unwrap());
        let first = client(sandbox.base_url(), &budget, Duration::from_secs(10));
        let second = client(sandbox.base_url(), &budget, Duration::from_secs(10));
        sandbox.inject(
            Fault::RateLimited {
                retry_after_ms: 2000,
            },
            Some(Operation::PpiStatus),
            1,
        );
        let err = first.ppi().status("held", "u1").await.unwrap_err();
        assert_eq!(err.as_api().map(|e| e.status), Some(429));
        let started = Instant::now();
        second.ppi().status("held", "u1").await.unwrap();
        let waited = started.elapsed();
        assert!(waited >= Duration::from_millis(1990), "{waited:?}");
    });
}

#[test]
fn nothing_remaining_holds_the_budget_until_the_reset() {
    let body = r#"{"verification_id":"v1","cf_verification_id":"1","user_id":"u1","status":"RECEIVED","sub_status":"LINK_GENERATED"}"#;
    let server = serve(move || async move {
        let canned = Canned::start([]).await;
        canned.otherwise(Reply::Json(
            200,
            vec![
                ("x-ratelimit-remaining", "0".into()),
                ("x-ratelimit-reset", "5".into()),
            ],
            body.into(),
        ));
        canned
    });
    paused(async {
        let budget = LocalBudget::new(BudgetRate::per_minute(6000).unwrap());
        let client = client(&server.base_url, &budget, Duration::from_secs(10));
        client.ppi().status("v1", "u1").await.unwrap();
        let started = Instant::now();
        client.ppi().status("v1", "u1").await.unwrap();
        let waited = started.elapsed();
        assert!(waited >= Duration::from_millis(4990), "{waited:?}");
        assert_eq!(server.received().len(), 2);
    });
}

fn signed(secret: &str, body: &[u8]) -> HeaderMap {
    let timestamp = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis()
        .to_string();
    let mut headers = HeaderMap::new();
    headers.insert(
        "x-webhook-signature",
        webhook::header_signature(secret, &timestamp, body)
            .parse()
            .unwrap(),
    );
    headers.insert("x-webhook-timestamp", timestamp.parse().unwrap());
    headers
}

#[tokio::test]
async fn a_delivery_is_processed_once_and_again_after_a_failure() {
    let once = ExactlyOnce::new(Verifier::new("whsec"), LocalDeliveryLog::new());
    let body = br#"{"event_type":"VKYC_USER_CALL_COMPLETED","event_time":"2025-06-18T10:00:00Z","data":{"verification_id":"v1","cf_verification_id":"9","status":"APPROVED","sub_status":"CALL_COMPLETED"}}"#;
    let headers = signed("whsec", body);
    let mut runs = 0;

    let failed = once
        .process(&headers, &body[..], |_| {
            runs += 1;
            async { Err::<(), _>("database away") }
        })
        .await;
    assert!(matches!(
        failed,
        Err(ProcessError::Handler("database away"))
    ));
    assert_eq!(failed.unwrap_err().status(), 500);

    // The redelivery is handled, the next one is not.
    for expected in [Processed::Handled, Processed::AlreadyDone] {
        let outcome = once
            .process(&headers, &body[..], |_| {
                runs += 1;
                async { Ok::<(), &str>(()) }
            })
            .await
            .unwrap();
        assert_eq!(outcome, expected);
        assert_eq!(outcome.status(), 200);
    }
    assert_eq!(runs, 2);

    // An unverified delivery runs nothing and is a 401.
    let forged = once
        .process(&signed("other", body), &body[..], |_| async {
            panic!("a forged delivery ran the handler");
            #[allow(unreachable_code)]
            Ok::<(), &str>(())
        })
        .await
        .unwrap_err();
    assert!(matches!(forged, ProcessError::Unverified(_)));
    assert_eq!(forged.status(), 401);
}

/// The handler gets the event parsed before the claim, with the key it
/// was claimed by; an authentic body that is no payload is a 400 and
/// claims nothing.
#[tokio::test]
async fn the_handler_gets_the_event_and_its_claimed_key() {
    let once = ExactlyOnce::new(Verifier::new("whsec"), LocalDeliveryLog::new());
    let body = br#"{"event_type":"VKYC_USER_CALL_QUEUED","event_time":"2025-06-18T10:00:00Z","data":{"verification_id":"v7","cf_verification_id":"9","status":"PRE_VIDEO_CALL","sub_status":"USER_QUEUED"}}"#;
    let mut seen = None;
    let outcome = once
        .process(&signed("whsec", body), &body[..], |event| {
            seen = Some(event);
            async { Ok::<(), &str>(()) }
        })
        .await
        .unwrap();
    assert_eq!(outcome, Processed::Handled);
    let event = seen.unwrap();
    assert_eq!(event.verification.verification_id, "v7");
    assert_eq!(
        event.delivery_key(),
        "ppi|v7|VKYC_USER_CALL_QUEUED|USER_QUEUED|2025-06-18T10:00:00Z"
    );
    assert_eq!(event.envelope().len(), 2, "event_type and event_time");

    let garbage = b"not json at all";
    let unreadable = once
        .process(&signed("whsec", garbage), &garbage[..], |_| async {
            panic!("an unreadable delivery ran the handler");
            #[allow(unreachable_code)]
            Ok::<(), &str>(())
        })
        .await
        .unwrap_err();
    assert!(
        matches!(unreadable, ProcessError::Unreadable(_)),
        "{unreadable:?}"
    );
    assert_eq!(unreadable.status(), 400);
}

#[tokio::test]
async fn a_claim_held_elsewhere_asks_for_redelivery() {
    let log = LocalDeliveryLog::new();
    let first = ExactlyOnce::new(Verifier::new("whsec"), log.clone());
    let second = ExactlyOnce::new(Verifier::new("whsec"), log);
    let body = br#"{"event_type":"VKYC_USER_LINK_GENERATED","event_time":"2025-06-18T10:00:00Z","data":{"verification_id":"v2","status":"RECEIVED","sub_status":"LINK_GENERATED"}}"#;
    let headers = signed("whsec", body);
    let webhook::Claimed::Yours(claimed) = first.claim(&headers, &body[..]).await.unwrap() else {
        panic!("the first claim is the first receiver's");
    };
    let busy = second
        .process(&headers, &body[..], |_| async {
            panic!("the handler ran while another receiver held the delivery");
            #[allow(unreachable_code)]
            Ok::<(), &str>(())
        })
        .await
        .unwrap();
    assert_eq!(busy, Processed::InProgressElsewhere);
    assert_eq!(busy.status(), 503);
    assert_eq!(claimed.done().await.unwrap(), Processed::Handled);
    let after = second
        .process(&headers, &body[..], |_| async { Ok::<(), &str>(()) })
        .await
        .unwrap();
    assert_eq!(after, Processed::AlreadyDone);
}

/// The follower yields what webhooks say at once, and polls only what went
/// quiet for the staleness window.
#[test]
fn a_follower_polls_only_verifications_not_heard_from() {
    let sandbox = sandbox_with(&["quiet", "loud"]);
    paused(async {
        let budget = LocalBudget::new(BudgetRate::per_minute(600).unwrap());
        let client = client(sandbox.base_url(), &budget, Duration::from_secs(30));
        let (follower, inbox) = Follower::new(client.clone());
        let mut follower = follower.staleness(Duration::from_secs(60));
        let started = Instant::now();
        for id in ["quiet", "loud"] {
            let v = client.ppi().status(id, "u1").await.unwrap();
            follower.follow(&v);
        }
        let before = requests(&sandbox);

        // "loud" speaks by webhook: yielded at once, no call made.
        sandbox.set_scenario("loud", Scenario::LinkExpired).unwrap();
        sandbox.run_to_end("loud").unwrap();
        let mut expired = client.ppi().status("loud", "u1").await.unwrap();
        let polled_by_test = 1;
        expired.user_id = Some("u1".into());
        assert!(inbox.record_verification(expired));
        let change = follower.next().await.unwrap().unwrap();
        assert_eq!(change.source, Source::Webhook);
        assert_eq!(change.verification.verification_id, "loud");
        assert!(started.elapsed() < Duration::from_secs(1));
        assert_eq!(requests(&sandbox), before + polled_by_test);
        // Final: no longer followed.
        assert_eq!(follower.len(), 1);

        // "quiet" changes without a webhook: polled once the window passes.
        sandbox.advance("quiet").unwrap();
        let change = follower.next().await.unwrap().unwrap();
        assert_eq!(change.source, Source::Poll);
        assert_eq!(change.verification.verification_id, "quiet");
        assert!(
            started.elapsed() >= Duration::from_secs(60),
            "{:?}",
            started.elapsed()
        );
        assert_eq!(requests(&sandbox), before + polled_by_test + 1);
    });
}

/// The same follower as a `Stream`: a verification followed by id is
/// polled at once, then again after the window, and the stream ends when
/// it is final.
#[test]
fn a_follower_is_a_stream_that_ends_when_all_are_final() {
    use futures_util::StreamExt;
    let sandbox = sandbox_with(&["streamed"]);
    paused(async {
        let budget = LocalBudget::new(BudgetRate::per_minute(600).unwrap());
        let client = client(sandbox.base_url(), &budget, Duration::from_secs(30));
        let (mut follower, _inbox) = Follower::new(client);
        follower.follow_ref(cashfree_vkyc::VerificationRef::ppi("streamed", "u1"));
        let mut changes = follower.into_stream();
        let first = changes.next().await.unwrap().unwrap();
        assert_eq!(first.source, Source::Poll);
        assert_eq!(first.verification.sub_status.as_str(), "LINK_GENERATED");
        sandbox
            .set_scenario("streamed", Scenario::LinkExpired)
            .unwrap();
        sandbox.run_to_end("streamed").unwrap();
        let last = changes.next().await.unwrap().unwrap();
        assert!(
            last.verification.is_final(),
            "{:?}",
            last.verification.sub_status
        );
        assert!(changes.next().await.is_none());
        assert!(changes.next().await.is_none());
    });
}

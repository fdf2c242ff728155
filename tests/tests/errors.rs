//! What the facade's errors and logs may show: never a response body or a
//! personal field, always Cashfree's request id; and how much it reads.

use cashfree_vkyc::{Client, Error, RetryPolicy};
use std::time::Duration;
use workspace_tests::canned::{Canned, Reply, chunked};
use workspace_tests::logs;

const SECRET: &str = "cfsk_ma_test_9f8e7d6c5b4a";

/// Personal data as a Verification Suite status answer carries it.
const NAME: &str = "Rahul Kumar Sharma";
const DOB: &str = "02-02-1995";
const CARE_OF: &str = "S/O Suresh Sharma";

fn status_body(reference_id: &str) -> String {
    format!(
        r#"{{"verification_id":"v1","reference_id":{reference_id},"status":"PRE_VIDEO_CALL","sub_status":"AADHAAR_VERIFICATION_SUCCESS",
           "aadhaar_details":{{"name":"{NAME}","dob":"{DOB}","care_of":"{CARE_OF}","gender":"M",
           "photo_link":"https://example.invalid/photo.jpg","split_address":{{"country":"India","dist":"Pune","house":"12 MG Road","pincode":411001,"state":"Maharashtra"}}}}}}"#
    )
}

fn client(base_url: &str) -> Client {
    workspace_tests::client_builder(base_url)
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap()
}

fn with_request_id(status: u16, id: &str, body: String) -> Reply {
    Reply::Json(status, vec![("x-request-id", id.to_owned())], body)
}

fn assert_no_personal_data(shown: &str) {
    for personal in [NAME, "Rahul", DOB, CARE_OF, "MG Road", "411001"] {
        assert!(!shown.contains(personal), "{personal:?} leaked:\n{shown}");
    }
}

/// Seen in production: one field of an unexpected type put the whole body,
/// Aadhaar details included, in the error message.
#[tokio::test]
async fn a_decode_error_shows_where_but_not_what() {
    let server = Canned::start([with_request_id(
        200,
        "req-decode-1",
        status_body(r#"{"unexpected":"object"}"#),
    )])
    .await;
    let (logs, guard) = logs::capture();
    let e = client(&server.base_url)
        .verification_suite()
        .status("v1")
        .await
        .unwrap_err();
    drop(guard);
    let Error::Decode(decode) = &e else {
        panic!("expected a decode error, got {e:?}")
    };
    assert_eq!(decode.path.as_deref(), Some("reference_id"));
    assert_eq!(e.request_id(), Some("req-decode-1"));
    let shown = format!("{e}");
    assert!(shown.contains("request id req-decode-1"), "{shown}");
    assert!(shown.contains("`reference_id`"), "{shown}");
    assert_no_personal_data(&format!("{e}\n{e:?}\n{}", logs.text()));
    // The body is there for a caller who asks.
    assert!(decode.body.to_text().contains(NAME));
    // The span of the call carries the request id.
    assert!(
        logs.text().contains("request_id=\"req-decode-1\"")
            || logs.text().contains("request_id=req-decode-1"),
        "{}",
        logs.text()
    );
}

#[tokio::test]
async fn api_errors_and_successes_log_no_personal_data() {
    let server = Canned::start([
        with_request_id(
            422,
            "req-422",
            format!(r#"{{"type":"validation_error","code":"x","message":"bad","echo":"{NAME}"}}"#),
        ),
        with_request_id(200, "req-ok", status_body("1358")),
    ])
    .await;
    let (logs, guard) = logs::capture();
    let client = client(&server.base_url);
    let e = client.verification_suite().status("v1").await.unwrap_err();
    let ok = client.verification_suite().status("v1").await.unwrap();
    drop(guard);
    assert_eq!(e.request_id(), Some("req-422"));
    assert_eq!(ok.request_id(), Some("req-ok"));
    assert!(e.to_string().ends_with("(request id req-422)"), "{e}");
    assert_no_personal_data(&format!("{e}\n{e:?}\n{}", logs.text()));
    assert!(logs.text().contains("req-ok"), "{}", logs.text());
}

#[tokio::test]
async fn an_html_error_page_says_what_it_is() {
    let page = format!("<html><body>502 Bad Gateway for {NAME}</body></html>");
    let server = Canned::start([Reply::Json(
        502,
        vec![
            ("x-request-id", "req-gw".into()),
            ("content-type", "text/html; charset=utf-8".into()),
        ],
        page.clone(),
    )])
    .await;
    let e = client(&server.base_url)
        .ppi()
        .status("v1", "u1")
        .await
        .unwrap_err();
    assert_eq!(
        e.to_string(),
        format!(
            "Cashfree answered 502 with a text/html; charset=utf-8 body of {} bytes, not Cashfree's JSON error (request id req-gw)",
            page.len()
        )
    );
    assert_no_personal_data(&format!("{e:?}"));
    assert!(e.is_retryable());
}

#[tokio::test]
async fn reading_stops_at_the_limit_with_or_without_a_length() {
    let big = format!(
        r#"{{"verification_id":"v1","padding":"{}"}}"#,
        "x".repeat(4096)
    );
    let server = Canned::start([
        with_request_id(200, "req-long", big),
        Reply::ok(r#"{"verification_id":"v1","status":"RECEIVED","sub_status":"LINK_GENERATED"}"#),
    ])
    .await;
    let limited = |base: &str| {
        Client::builder("CF_TEST_ID", SECRET)
            .base_url(base)
            .max_response_bytes(2048)
            .build()
            .unwrap()
    };
    let client = limited(&server.base_url);
    let e = client.ppi().status("v1", "u1").await.unwrap_err();
    assert!(
        matches!(
            &e,
            Error::ResponseTooLarge {
                status: 200,
                limit: 2048,
                request_id: Some(id)
            } if id == "req-long"
        ),
        "{e:?}"
    );
    assert!(!e.is_retryable());
    // An answer under the limit is read as usual, and nothing was retried.
    let ok = client.ppi().status("v1", "u1").await.unwrap();
    assert_eq!(ok.verification_id, "v1");
    assert_eq!(server.received().len(), 2);
    // No content-length: reading stops once the chunks pass the limit.
    let (base, _stop) = chunked(64, 1024).await;
    let e = limited(&base).ppi().status("v1", "u1").await.unwrap_err();
    assert!(matches!(e, Error::ResponseTooLarge { .. }), "{e:?}");
}

#[tokio::test]
async fn the_default_limit_is_a_few_mib() {
    assert_eq!(cashfree_vkyc::DEFAULT_MAX_RESPONSE_BYTES, 4 << 20);
    let (base, _stop) = chunked(5 << 10, 1024).await;
    let e = client(&base).ppi().status("v1", "u1").await.unwrap_err();
    assert!(
        matches!(e, Error::ResponseTooLarge { limit, .. } if limit == 4 << 20),
        "{e:?}"
    );
    let _ = Duration::ZERO;
}

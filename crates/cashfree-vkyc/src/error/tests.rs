//! What errors show and keep.

use super::*;

const PERSONAL: &str = r#"{"verification_id":"v1","reference_id":"not-a-number-Rahul Kumar","aadhaar_details":{"name":"Rahul Kumar","dob":"02-02-1995"}}"#;

#[derive(Debug, serde::Deserialize)]
#[allow(dead_code)]
struct Typed {
    verification_id: String,
    reference_id: i64,
}

#[test]
fn decode_errors_name_the_path_not_the_value() {
    let body = bytes::Bytes::from_static(PERSONAL.as_bytes());
    let e = DecodeError::check::<Typed>(200, Some("req-1".into()), &body).unwrap_err();
    assert_eq!(e.path.as_deref(), Some("reference_id"));
    assert_eq!(e.problem, DecodeProblem::UnexpectedValue);
    let shown = format!("{e} {e:?} {}", Error::from(e.clone()));
    assert!(
        shown.contains("req-1") && shown.contains("`reference_id`"),
        "{shown}"
    );
    for secret in ["Rahul", "1995", "not-a-number"] {
        assert!(!shown.contains(secret), "{secret} leaked: {shown}");
    }
    assert_eq!(e.body.as_bytes(), PERSONAL.as_bytes());

    let e =
        DecodeError::check::<Typed>(200, None, &bytes::Bytes::from_static(b"<html>")).unwrap_err();
    assert_eq!((e.problem, e.path), (DecodeProblem::NotJson, None));
    let e =
        DecodeError::check::<Typed>(200, None, &bytes::Bytes::from_static(b"{\"a\"")).unwrap_err();
    assert_eq!(e.problem, DecodeProblem::Truncated);
}

#[test]
fn api_errors_show_no_body() {
    let mut headers = http::HeaderMap::new();
    headers.insert("x-request-id", "req-9".parse().unwrap());
    headers.insert("content-type", "text/html".parse().unwrap());
    let page = "<html><body>Bad gateway for Rahul Kumar</body></html>";
    let e = ApiError::parse(502, &headers, page.as_bytes().to_vec());
    assert_eq!(
        e.to_string(),
        format!(
            "Cashfree answered 502 with a text/html body of {} bytes, not Cashfree's JSON error (request id req-9)",
            page.len()
        )
    );
    assert!(!format!("{e:?}").contains("Rahul"));
    assert!(format!("{:?}", e.body).contains("prefix \"<html><body>Bad \"…"));
    assert_eq!(e.body.to_text(), page);

    let json = br#"{"type":"validation_error","code":"verification_id_invalid","message":"verification_id is invalid"}"#;
    let e = ApiError::parse(400, &headers, json.to_vec());
    assert_eq!(
        e.to_string(),
        "Cashfree answered 400: verification_id is invalid (verification_id_invalid) (request id req-9)"
    );
    let e = ApiError::parse(503, &http::HeaderMap::new(), Vec::new());
    assert_eq!(e.to_string(), "Cashfree answered 503 with an empty body");
}

#[test]
fn api_error_fields_read_whatever_their_json_type() {
    // Nested under `error`, a numeric code, an empty message, a type that
    // is an object: read as text where there is text, absent otherwise.
    let json = br#"{"error":{"type":{"x":1},"code":409,"message":""}}"#;
    let e = ApiError::parse(409, &http::HeaderMap::new(), json.to_vec());
    assert_eq!(e.code.as_deref(), Some("409"));
    assert_eq!(e.message, None);
    assert_eq!(e.error_type, None);
    let json = br#"{"code":false,"message":2.5,"type":null}"#;
    let e = ApiError::parse(400, &http::HeaderMap::new(), json.to_vec());
    assert_eq!(e.code.as_deref(), Some("false"));
    assert_eq!(e.message.as_deref(), Some("2.5"));
    assert_eq!(e.error_type, None);
}

#[test]
fn sources_chain_to_the_cause_and_messages_read_whole() {
    use std::error::Error as _;
    let refused =
        || std::io::Error::new(std::io::ErrorKind::ConnectionRefused, "Connection refused");

    let e = Error::Transport {
        attempts: 3,
        connect: true,
        host: "127.0.0.1".into(),
        source: Box::new(refused()),
    };
    // The cause is the source's to tell, once.
    assert_eq!(
        e.to_string(),
        "could not connect to 127.0.0.1 after 3 attempts"
    );
    assert_eq!(e.source().unwrap().to_string(), "Connection refused");

    let store = crate::coordination::StoreError::with_source("Redis did not answer", refused());
    let e = Error::RateBudget {
        sent: 1,
        source: store,
    };
    assert_eq!(
        e.to_string(),
        "the rate budget could not answer, so nothing was sent (1 earlier attempt was sent)"
    );
    let store = e.source().unwrap();
    assert_eq!(store.to_string(), "Redis did not answer");
    assert_eq!(store.source().unwrap().to_string(), "Connection refused");
    assert!(
        crate::coordination::StoreError::new("down")
            .source()
            .is_none()
    );

    let e = Error::from(ValidationError::new(
        "verification_id",
        "at most 50 characters",
    ));
    assert_eq!(
        e.to_string(),
        "invalid verification_id: at most 50 characters"
    );
    assert!(e.source().is_none());
    let e = Error::Timeout {
        attempts: 1,
        host: "sandbox.cashfree.com".into(),
        source: Box::new(refused()),
    };
    assert_eq!(e.to_string(), "request to sandbox.cashfree.com timed out");
    assert!(e.source().is_some());

    let handler = crate::webhook::ProcessError::Handler(refused());
    assert_eq!(handler.to_string(), "the webhook handler failed");
    assert_eq!(handler.source().unwrap().to_string(), "Connection refused");
    let unverified = crate::webhook::ProcessError::<std::io::Error>::Unverified(
        crate::webhook::WebhookError::Mismatch,
    );
    assert_eq!(unverified.to_string(), "webhook not verified");
    assert_eq!(
        unverified.source().unwrap().to_string(),
        "the signature does not match the body"
    );

    let follow = crate::FollowError {
        api: crate::Api::Ppi,
        verification_id: "v1".into(),
        error: Error::Signing("no".into()),
    };
    assert_eq!(
        follow.source().unwrap().to_string(),
        "could not sign the request (x-cf-signature): no"
    );

    let watch = crate::WatchError::from(Error::Signing("no".into()));
    assert_eq!(watch.to_string(), "a status call failed");
    assert!(watch.source().is_some());
}

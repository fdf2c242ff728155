use super::*;
use serde_json::json;

const SECRET: &str = "cf_test_secret";
const NOW: u64 = 1_780_308_000_000;
const PPI_BODY: &[u8] = br#"{"event_type":"VKYC_USER_CALL_COMPLETED","event_time":"2026-06-01T10:00:00Z","data":{"verification_id":"v1","cf_verification_id":"8901","user_id":"u1","status":"","sub_status":"AGENT_APPROVED","recording_link":""}}"#;
/// A Verification Suite payload as Cashfree's current Secure ID pages
/// describe it: no body `signature`, signed in the headers.
const VS_BODY: &[u8] = br#"{"event_type":"VKYC_USER_LINK_GENERATED","event_time":"2026-06-01T10:00:00Z","version":"v1","data":{"verification_id":"vs1","reference_id":1358,"user_reference_id":11174,"status":"RECEIVED","sub_status":"LINK_GENERATED","vkyc_link":"https://x","recording_link":""}}"#;

fn verifier() -> Verifier {
    Verifier::new(SECRET).now_millis(NOW)
}

fn signed_headers(secret: &str, timestamp: u64, body: &[u8]) -> HeaderMap {
    let ts = timestamp.to_string();
    let mut headers = HeaderMap::new();
    headers.insert(TIMESTAMP_HEADER, ts.parse().unwrap());
    headers.insert(
        SIGNATURE_HEADER,
        header_signature(secret, &ts, body).parse().unwrap(),
    );
    headers
}

/// An independent vector: HMAC-SHA256 computed outside this module.
#[test]
fn known_vector() {
    // echo -n '1700000000000{"a":1}' | openssl dgst -sha256 -hmac key -binary | base64
    assert_eq!(
        header_signature("key", "1700000000000", br#"{"a":1}"#),
        "e3QIZdjQjnOq37ZbtPvgTdsCm1XVTG0+XvqtuyrbYwU="
    );
}

#[test]
fn signed_headers_valid_and_tampered() {
    let ts = NOW.to_string();
    let sig = header_signature(SECRET, &ts, PPI_BODY);
    let delivery = verifier()
        .verify_signed_headers(Some(&sig), Some(&ts), PPI_BODY)
        .unwrap();
    assert_eq!(delivery.scheme(), Scheme::Headers);
    assert_eq!(delivery.timestamp_millis(), Some(NOW));
    let event = delivery.parse().unwrap();
    assert_eq!(event.event_type, EventType::UserCallCompleted);
    assert_eq!(
        event.verification.api,
        Api::Ppi,
        "named by cf_verification_id"
    );
    assert_eq!(
        event
            .verification
            .cashfree_id
            .as_ref()
            .map(crate::CashfreeId::as_str),
        Some("8901")
    );
    assert_eq!(
        event.verification.recording_link, None,
        "\"\" reads as absent"
    );
    assert_eq!(
        event.delivery_key(),
        "ppi|v1|VKYC_USER_CALL_COMPLETED|AGENT_APPROVED|2026-06-01T10:00:00Z"
    );

    let mut tampered = PPI_BODY.to_vec();
    let i = tampered.iter().position(|b| *b == b'8').unwrap();
    tampered[i] = b'9';
    assert_eq!(
        verifier()
            .verify_signed_headers(Some(&sig), Some(&ts), &tampered)
            .unwrap_err(),
        WebhookError::Mismatch
    );
    let other = header_signature("another_secret", &ts, PPI_BODY);
    assert_eq!(
        verifier()
            .verify_signed_headers(Some(&other), Some(&ts), PPI_BODY)
            .unwrap_err(),
        WebhookError::Mismatch
    );
    let shifted = (NOW + 1).to_string();
    assert_eq!(
        verifier()
            .verify_signed_headers(Some(&sig), Some(&shifted), PPI_BODY)
            .unwrap_err(),
        WebhookError::Mismatch
    );
}

#[test]
fn timestamps_and_header_values() {
    let check = |sig: Option<&str>, ts: Option<&str>| {
        verifier()
            .verify_signed_headers(sig, ts, PPI_BODY)
            .unwrap_err()
    };
    let stale = (NOW - 6 * 60 * 1000).to_string();
    let sig = header_signature(SECRET, &stale, PPI_BODY);
    assert!(matches!(
        check(Some(&sig), Some(&stale)),
        WebhookError::StaleTimestamp { .. }
    ));
    let future = (NOW + 6 * 60 * 1000).to_string();
    let sig = header_signature(SECRET, &future, PPI_BODY);
    assert!(matches!(
        check(Some(&sig), Some(&future)),
        WebhookError::FutureTimestamp { .. }
    ));
    assert!(
        verifier()
            .tolerance(Duration::from_secs(600))
            .verify_signed_headers(Some(&sig), Some(&future), PPI_BODY)
            .is_ok()
    );
    assert_eq!(
        check(None, Some("1")),
        WebhookError::MissingHeader(SIGNATURE_HEADER)
    );
    assert_eq!(
        check(Some("x"), None),
        WebhookError::MissingHeader(TIMESTAMP_HEADER)
    );
    assert_eq!(
        check(Some("x"), Some("soon")),
        WebhookError::BadTimestamp("soon".into())
    );
    let ts = NOW.to_string();
    assert_eq!(
        check(Some("%%%"), Some(&ts)),
        WebhookError::BadSignatureEncoding
    );
    assert_eq!(
        check(Some("YWJj"), Some(&ts)),
        WebhookError::BadSignatureEncoding
    );
    // 33 bytes: one more than an HMAC-SHA256.
    let long = BASE64.encode([7u8; 33]);
    assert_eq!(
        check(Some(&long), Some(&ts)),
        WebhookError::BadSignatureEncoding
    );
}

#[test]
fn the_raw_bytes_are_signed_not_their_json() {
    // Odd spacing and key order: what was signed is these exact bytes.
    let body = b"{ \"data\" : {\"sub_status\":\"LINK_GENERATED\", \"verification_id\":\"v1\"},\n \"event_type\":\"VKYC_USER_LINK_GENERATED\" }";
    let headers = signed_headers(SECRET, NOW, body);
    assert!(verifier().verify(&headers, &body[..]).is_ok());
    let reserialised = serde_json::to_vec(&serde_json::from_slice::<Value>(body).unwrap()).unwrap();
    assert_ne!(reserialised, body);
    assert_eq!(
        verifier().verify(&headers, &reserialised).unwrap_err(),
        WebhookError::Mismatch
    );
}

#[test]
fn rotation_accepts_either_secret() {
    let rotating = Verifier::with_secrets(["new_secret", SECRET]).now_millis(NOW);
    for secret in [SECRET, "new_secret"] {
        let headers = signed_headers(secret, NOW, PPI_BODY);
        assert!(rotating.verify(&headers, PPI_BODY).is_ok(), "{secret}");
    }
    let headers = signed_headers("old", NOW, PPI_BODY);
    assert!(rotating.verify(&headers, PPI_BODY).is_err());
    assert!(!format!("{rotating:?}").contains(SECRET));
}

/// Cashfree's current Verification Suite pages sign in the headers, like
/// PPI: one entry point must accept that, and tell the family from the
/// payload.
#[test]
fn a_header_signed_verification_suite_delivery_verifies() {
    let mut headers = signed_headers(SECRET, NOW, VS_BODY);
    headers.insert(ATTEMPT_HEADER, "2".parse().unwrap());
    let delivery = verifier().verify(&headers, VS_BODY).unwrap();
    assert_eq!(delivery.scheme(), Scheme::Headers);
    assert_eq!(delivery.attempt(), Some(2));
    let event = delivery.parse().unwrap();
    assert_eq!(event.verification.api, Api::VerificationSuite);
    assert_eq!(
        event
            .verification
            .cashfree_id
            .as_ref()
            .and_then(crate::CashfreeId::as_i64),
        Some(1358)
    );
    assert_eq!(event.attempt, Some(2));
    assert!(
        event
            .delivery_key()
            .starts_with("verification_suite|vs1|VKYC_USER_LINK_GENERATED|")
    );
    // Told the family, the verifier does not need the payload to say it.
    let told = verifier().api(Api::VerificationSuite);
    let body = br#"{"event_type":"VKYC_USER_CALL_QUEUED","data":{"verification_id":"vs2"}}"#;
    let delivery = told
        .verify(&signed_headers(SECRET, NOW, body), &body[..])
        .unwrap();
    assert_eq!(
        delivery.parse().unwrap().verification.api,
        Api::VerificationSuite
    );
}

#[test]
fn signed_body_scheme_over_sorted_values_of_raw_data() {
    let data = json!({"verification_id": "v1", "reference_id": 1358, "user_reference_id": "11174",
        "status": "RECEIVED", "sub_status": "LINK_GENERATED", "vkyc_link": "https://x", "link_expiry": "2025-08-03",
        "recording_link": null, "meeting_schedule": null, "user_id": "u1"});
    let data = data.as_object().unwrap();
    // Sorted keys: link_expiry, meeting_schedule, recording_link, reference_id, status, sub_status,
    // user_id, user_reference_id, verification_id, vkyc_link.
    // echo -n '2025-08-031358RECEIVEDLINK_GENERATEDu111174v1https://x' \
    //   | openssl dgst -sha256 -hmac cf_test_secret -binary | base64
    let expected = "aGRnsPaChyJNBeWFe5N/4ebiykBN3ybGWnki8ZZ4Qgc=";
    assert_eq!(body_signature(SECRET, data), expected);

    // Whitespace and key order differ from any re-serialisation; the raw values still verify.
    let body = format!(
        "{{ \"signature\" : \"{expected}\", \"event_type\":\"VKYC_USER_LINK_GENERATED\", \"version\":\"v1\",\n  \"data\": {{\"vkyc_link\":\"https://x\",\"verification_id\":\"v1\",\"user_reference_id\":\"11174\",\"user_id\":\"u1\",\"sub_status\":\"LINK_GENERATED\",\"status\":\"RECEIVED\",\"reference_id\": 1358,\"recording_link\":null,\"meeting_schedule\":null,\"link_expiry\":\"2025-08-03\"}} }}"
    );
    // Through the one entry point, with no signature headers.
    let delivery = verifier()
        .verify(&HeaderMap::new(), body.as_bytes())
        .unwrap();
    assert_eq!(delivery.scheme(), Scheme::Body);
    assert_eq!(delivery.api(), Some(Api::VerificationSuite));
    let event = delivery.parse().unwrap();
    assert_eq!(
        event
            .verification
            .cashfree_id
            .as_ref()
            .and_then(crate::CashfreeId::as_i64),
        Some(1358)
    );
    assert_eq!(event.version.as_deref(), Some("v1"));
    let tampered = body.replace("1358", "1359");
    assert_eq!(
        verifier()
            .verify(&HeaderMap::new(), tampered.as_bytes())
            .unwrap_err(),
        WebhookError::Mismatch
    );
    assert_eq!(
        verifier()
            .verify_signed_body(&br#"{"data":{}}"#[..])
            .unwrap_err(),
        WebhookError::MissingSignature
    );
    assert!(matches!(
        verifier().verify_signed_body(&b"not json"[..]),
        Err(WebhookError::UnparseableBody(_))
    ));
}

#[test]
fn the_header_scheme_wins_when_a_delivery_carries_both() {
    // A body signature that would verify, but headers that do not.
    let data = json!({"verification_id": "v1"});
    let body =
        json!({"signature": body_signature(SECRET, data.as_object().unwrap()), "data": data});
    let body = serde_json::to_vec(&body).unwrap();
    let headers = signed_headers("someone-else", NOW, &body);
    assert_eq!(
        verifier().verify(&headers, &body).unwrap_err(),
        WebhookError::Mismatch
    );
    let headers = signed_headers(SECRET, NOW, &body);
    assert_eq!(
        verifier().verify(&headers, &body).unwrap().scheme(),
        Scheme::Headers
    );
}

#[test]
fn an_unsigned_delivery_is_refused_and_says_the_headers_are_missing() {
    // A PPI delivery whose signature headers were stripped on the way.
    let e = verifier().verify(&HeaderMap::new(), PPI_BODY).unwrap_err();
    assert_eq!(e, WebhookError::Unsigned);
    assert!(e.to_string().contains("x-webhook-signature"), "{e}");
    assert_eq!(
        verifier()
            .api(Api::Ppi)
            .verify(&HeaderMap::new(), PPI_BODY)
            .unwrap_err(),
        WebhookError::MissingHeader(SIGNATURE_HEADER)
    );
    assert_eq!(
        verifier()
            .verify(&HeaderMap::new(), &b"plain text"[..])
            .unwrap_err(),
        WebhookError::Unsigned
    );
    // Only half of the header pair.
    let mut headers = signed_headers(SECRET, NOW, PPI_BODY);
    headers.remove(SIGNATURE_HEADER);
    assert_eq!(
        verifier().verify(&headers, PPI_BODY).unwrap_err(),
        WebhookError::MissingHeader(SIGNATURE_HEADER)
    );
}

#[test]
fn authentic_bodies_of_any_shape_are_authentic() {
    for body in [
        &b"not json at all"[..],
        br#"{"something":"else"}"#,
        b"[1,2]",
    ] {
        let delivery = verifier()
            .verify(&signed_headers(SECRET, NOW, body), body)
            .unwrap();
        assert_eq!(delivery.body(), body);
        if body.starts_with(b"not") || body.starts_with(b"[") {
            assert!(matches!(
                delivery.parse(),
                Err(WebhookError::UnparseableBody(_))
            ));
        }
    }
}

#[test]
fn delivery_keys_tell_different_deliveries_apart() {
    let key = |body: &[u8]| {
        verifier()
            .verify(&signed_headers(SECRET, NOW, body), body)
            .unwrap()
            .delivery_key()
    };
    // Two different deliveries of one type, neither naming its verification.
    let a = br#"{"event_type":"VKYC_USER_CALL_QUEUED","payload":{"id":"a"}}"#;
    let b = br#"{"event_type":"VKYC_USER_CALL_QUEUED","payload":{"id":"b"}}"#;
    assert_ne!(key(a), key(b));
    // A redelivery (same body, new timestamp and attempt) keeps its key.
    let again = verifier()
        .verify(&signed_headers(SECRET, NOW + 1000, a), &a[..])
        .unwrap()
        .delivery_key();
    assert_eq!(key(a), again);
    assert!(key(a).starts_with("ppi|sha256:"), "{}", key(a));
    // Unparseable bodies too.
    assert_ne!(key(b"x"), key(b"y"));
    // The family is part of the key: the same ids in both families differ.
    let ppi = br#"{"event_type":"VKYC_USER_CALL_QUEUED","event_time":"t","data":{"verification_id":"v","cf_verification_id":"1"}}"#;
    let vs = br#"{"event_type":"VKYC_USER_CALL_QUEUED","event_time":"t","data":{"verification_id":"v","reference_id":1}}"#;
    assert_ne!(key(ppi), key(vs));
}

#[test]
fn nothing_from_the_body_in_errors_or_debug() {
    let body = br#"{"data":{"verification_id":"v1","name":"Rahul Kumar"}, "oops"#;
    let delivery = verifier()
        .verify(&signed_headers(SECRET, NOW, body), &body[..])
        .unwrap();
    let e = delivery.parse().unwrap_err();
    let shown = format!("{e} {e:?} {delivery:?}");
    assert!(!shown.contains("Rahul"), "{shown}");
}

#[test]
fn event_types_round_trip() {
    for e in EventType::known() {
        assert_eq!(EventType::from(e.as_str()), e);
    }
    assert_eq!(EventType::from("VKYC_NEW_THING").as_str(), "VKYC_NEW_THING");
}

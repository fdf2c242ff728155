//! `cashfree-vkyc verify-webhook`: both signing schemes, exit codes, and
//! authentic bodies it cannot read.

mod common;

use common::*;
use serde_json::{Value, json};

#[tokio::test]
async fn verify_webhook_exit_codes() {
    let dir = tempfile::tempdir().unwrap();
    let body = br#"{"event_type":"VKYC_USER_LINK_GENERATED","event_time":"2026-06-01T10:00:00Z","data":{"verification_id":"v1","status":"RECEIVED","sub_status":"LINK_GENERATED"}}"#;
    let path = dir.path().join("body.json");
    std::fs::write(&path, body).unwrap();
    let path = path.to_str().unwrap();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis()
        .to_string();
    let signature = sign_ppi("whsec", &now, body);

    let out = cli(&[
        "verify-webhook",
        "--api",
        "ppi",
        "--secret",
        "whsec",
        "--timestamp",
        &now,
        "--signature",
        &signature,
        "--body-file",
        path,
    ])
    .await;
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("VKYC_USER_LINK_GENERATED"));
    let out = cli(&[
        "verify-webhook",
        "--api",
        "ppi",
        "--secret",
        "other",
        "--timestamp",
        &now,
        "--signature",
        &signature,
        "--body-file",
        path,
    ])
    .await;
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("does not match"));
    let out = cli(&[
        "verify-webhook",
        "--api",
        "ppi",
        "--secret",
        "whsec",
        "--timestamp",
        "1000",
        "--signature",
        &sign_ppi("whsec", "1000", body),
        "--body-file",
        path,
    ])
    .await;
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("old"), "{}", text(&out.stderr));
    let out = cli(&[
        "verify-webhook",
        "--api",
        "ppi",
        "--secret",
        "whsec",
        "--body-file",
        path,
    ])
    .await;
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("missing header x-webhook-signature"));

    let data = json!({"verification_id": "v9", "reference_id": 42, "status": "RECEIVED", "sub_status": "LINK_GENERATED"});
    // The signed-body scheme: the values of `data` in key order
    // (reference_id, status, sub_status, verification_id).
    let signature = hmac_b64("whsec", &[b"42RECEIVEDLINK_GENERATEDv9"]);
    let vs = dir.path().join("vs.json");
    std::fs::write(
        &vs,
        json!({"signature": signature, "event_type": "VKYC_USER_LINK_GENERATED", "data": data})
            .to_string(),
    )
    .unwrap();
    let out = cli(&[
        "verify-webhook",
        "--api",
        "verification",
        "--secret",
        "old",
        "--secret",
        "whsec",
        "--body-file",
        vs.to_str().unwrap(),
    ])
    .await;
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let out = cli(&[
        "verify-webhook",
        "--api",
        "verification",
        "--secret",
        "old",
        "--body-file",
        vs.to_str().unwrap(),
    ])
    .await;
    assert_eq!(out.status.code(), Some(1));
}

/// Cashfree's current Verification Suite pages sign deliveries in the
/// headers, like PPI's: `--timestamp` and `--signature` work for both.
#[tokio::test]
async fn verify_webhook_takes_header_signed_verification_suite_deliveries() {
    let dir = tempfile::tempdir().unwrap();
    let body = br#"{"event_type":"VKYC_USER_CALL_QUEUED","event_time":"2026-06-01T10:00:00Z","data":{"verification_id":"vs-7","reference_id":1358,"status":"PRE_VIDEO_CALL","sub_status":"USER_QUEUED"}}"#;
    let path = dir.path().join("vs.json");
    std::fs::write(&path, body).unwrap();
    let now = now_millis();
    let signature = sign_ppi("whsec", &now, body);
    for api in ["verification-suite", "verification"] {
        let out = cli(&[
            "--json",
            "verify-webhook",
            "--api",
            api,
            "--secret",
            "whsec",
            "--timestamp",
            &now,
            "--signature",
            &signature,
            "--attempt",
            "3",
            "--body-file",
            path.to_str().unwrap(),
        ])
        .await;
        assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
        let report: Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(report["valid"], true);
        assert_eq!(report["scheme"], "headers");
        assert_eq!(report["api"], "verification_suite");
        assert_eq!(report["attempt"], 3);
        assert_eq!(report["verification"]["cashfree_id"], "1358");
    }
}

/// Authenticity first: a correctly signed body that is not JSON is valid,
/// and what could not be read is said apart.
#[tokio::test]
async fn a_signed_body_that_is_not_json_is_valid() {
    let dir = tempfile::tempdir().unwrap();
    let body = b"event=VKYC_USER_CALL_QUEUED&verification_id=v1";
    let path = dir.path().join("form.txt");
    std::fs::write(&path, body).unwrap();
    let now = now_millis();
    let signature = sign_ppi("whsec", &now, body);
    let args = [
        "verify-webhook",
        "--secret",
        "whsec",
        "--timestamp",
        &now,
        "--signature",
        &signature,
        "--body-file",
        path.to_str().unwrap(),
    ];
    let out = cli(&args).await;
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).starts_with("valid"),
        "{}",
        text(&out.stdout)
    );
    assert!(
        text(&out.stderr).contains("not a webhook payload"),
        "{}",
        text(&out.stderr)
    );
    let mut with_json = vec!["--json"];
    with_json.extend(args);
    let out = cli(&with_json).await;
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["valid"], true);
    assert!(report["parse_error"].is_string());
    assert!(
        report["delivery_key"]
            .as_str()
            .unwrap()
            .contains("|sha256:")
    );

    // The same delivery with its headers stripped says so.
    let out = cli(&[
        "verify-webhook",
        "--secret",
        "whsec",
        "--body-file",
        path.to_str().unwrap(),
    ])
    .await;
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("no x-webhook-signature"),
        "{}",
        text(&out.stderr)
    );
}

/// Support work: a captured request (as `curl -i` or a receiver's dump
/// gives it) verified with the secret from the environment, from a file
/// and from standard input; a capture older than the window is reported
/// as authentic but outside it, with the flag that widens it.
#[tokio::test]
async fn verify_webhook_reads_a_captured_request_with_the_usual_secret() {
    let body = r#"{"event_type":"VKYC_USER_CALL_QUEUED","event_time":"2026-06-01T10:00:00Z","data":{"verification_id":"v9","cf_verification_id":"5","status":"PRE_VIDEO_CALL","sub_status":"USER_QUEUED"}}"#;
    let capture = |millis: u128| {
        let ts = millis.to_string();
        let signature = sign_ppi(SECRET, &ts, body.as_bytes());
        format!(
            "POST /webhooks/cashfree HTTP/1.1\r\nHost: lender.example\r\nContent-Type: application/json\r\nx-webhook-signature: {signature}\r\nx-webhook-timestamp: {ts}\r\nx-webhook-attempt: 2\r\n\r\n{body}"
        )
    };
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis();
    let dir = tempfile::tempdir().unwrap();
    let fresh = dir.path().join("fresh.http");
    std::fs::write(&fresh, capture(now)).unwrap();
    // No --secret: CASHFREE_CLIENT_SECRET is the one every command reads.
    let out = cli(&[
        "--json",
        "verify-webhook",
        "--request",
        fresh.to_str().unwrap(),
    ])
    .await;
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["valid"], true);
    assert_eq!(report["attempt"], 2);
    assert_eq!(report["verification"]["sub_status"], "USER_QUEUED");

    // The same from standard input.
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_cashfree-vkyc"))
        .args(["verify-webhook", "--request", "-"])
        .env("CASHFREE_CLIENT_SECRET", SECRET)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    std::io::Write::write_all(&mut child.stdin.take().unwrap(), capture(now).as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("USER_QUEUED"));

    // An hour-old capture: authentic, outside the window, and which flag
    // accepts it.
    let stale = dir.path().join("stale.http");
    std::fs::write(&stale, capture(now - 3_600_000)).unwrap();
    let out = cli(&["verify-webhook", "--request", stale.to_str().unwrap()]).await;
    assert_eq!(out.status.code(), Some(1));
    let stderr = text(&out.stderr);
    assert!(stderr.contains("signature matches"), "{stderr}");
    assert!(stderr.contains("--tolerance-secs 360"), "{stderr}");
    let out = cli(&[
        "verify-webhook",
        "--request",
        stale.to_str().unwrap(),
        "--tolerance-secs",
        "3700",
    ])
    .await;
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    // Tampered: neither authentic nor in the window.
    std::fs::write(
        &stale,
        capture(now - 3_600_000).replace("USER_QUEUED", "AUDITOR_APPROVED"),
    )
    .unwrap();
    let out = cli(&["verify-webhook", "--request", stale.to_str().unwrap()]).await;
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("does not match"),
        "{}",
        text(&out.stderr)
    );
}

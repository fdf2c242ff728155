//! The `cashfree-vkyc` binary against an in-process sandbox.

use cashfree_vkyc_sandbox::{Sandbox, SandboxConfig, Scenario};
use serde_json::{Value, json};
use std::process::Output;

const SECRET: &str = "cli_test_secret_4f1c";

/// Runs the binary off the async runtime, with credentials in the environment.
async fn cli(args: &[&str]) -> Output {
    run(args, true).await
}

/// Runs the binary off the async runtime; `credentials` puts the client id
/// and secret in the environment, otherwise they are removed from it.
async fn run(args: &[&str], credentials: bool) -> Output {
    let args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
    tokio::task::spawn_blocking(move || {
        let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_cashfree-vkyc"));
        command.args(&args);
        if credentials {
            command
                .env("CASHFREE_CLIENT_ID", "cli_id")
                .env("CASHFREE_CLIENT_SECRET", SECRET);
        } else {
            command
                .env_remove("CASHFREE_CLIENT_ID")
                .env_remove("CASHFREE_CLIENT_SECRET");
        }
        command.output().expect("the binary runs")
    })
    .await
    .unwrap()
}

/// base64(HMAC-SHA256(secret, parts...)), written here from Cashfree's
/// documented algorithm rather than taken from the code under test.
fn hmac_b64(secret: &str, parts: &[&[u8]]) -> String {
    use base64::Engine;
    use hmac::Mac;
    let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    for part in parts {
        mac.update(part);
    }
    base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
}

/// The `x-webhook-signature` of a delivery: over the timestamp and the raw body.
fn sign_ppi(secret: &str, timestamp: &str, body: &[u8]) -> String {
    hmac_b64(secret, &[timestamp.as_bytes(), body])
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

async fn sandbox() -> Sandbox {
    Sandbox::start_with(SandboxConfig::default().credentials("cli_id", SECRET))
        .await
        .unwrap()
}

#[tokio::test]
async fn initiate_and_status_as_json_keep_cashfrees_fields() {
    let sandbox = sandbox().await;
    let base = sandbox.base_url().to_owned();
    let out = cli(&[
        "--base-url",
        &base,
        "--json",
        "initiate",
        "--api",
        "ppi",
        "--verification-id",
        "cli-1",
        "--user-id",
        "U1",
        "--notify",
        "sms",
        "--question",
        "Pet?",
        "--answer",
        "Rex",
    ])
    .await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    let created: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(created["notification_modes"], json!(["SMS"]));
    assert_eq!(created["security_questions"][0]["answer"], "Rex");

    sandbox.set_scenario("cli-1", Scenario::Approved).unwrap();
    for _ in 0..10 {
        sandbox.advance("cli-1").unwrap(); // to AUDITOR_APPROVED, reported with the sandbox's stand-in status
    }
    let out = cli(&[
        "--base-url",
        &base,
        "--json",
        "status",
        "--api",
        "ppi",
        "--user-id",
        "U1",
        "--verification-id",
        "cli-1",
    ])
    .await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    let status: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        status["status"], "AUDITOR_REVIEW",
        "an unpublished status is printed as sent"
    );
    assert_eq!(status["sub_status"], "AUDITOR_APPROVED");
    assert_eq!(
        (status["phase"].as_str(), status["outcome"].as_str()),
        (Some("auditor_review"), Some("approved"))
    );
    assert!(status["cf_verification_id"].is_string());

    let out = cli(&[
        "--base-url",
        &base,
        "initiate",
        "--api",
        "verification",
        "--verification-id",
        "cli-2",
        "--user-reference-id",
        "11174",
    ])
    .await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("LINK_GENERATED"));
    let reference = sandbox_reference(&base, "cli-2").await;
    let out = cli(&[
        "--base-url",
        &base,
        "status",
        "--api",
        "verification",
        "--reference-id",
        &reference,
    ])
    .await;
    assert!(
        text(&out.stdout).contains("cli-2") && text(&out.stdout).contains("Share the link"),
        "{}",
        text(&out.stdout)
    );
}

async fn sandbox_reference(base: &str, id: &str) -> String {
    let out = cli(&[
        "--base-url",
        base,
        "--json",
        "status",
        "--api",
        "verification",
        "--verification-id",
        id,
    ])
    .await;
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    v["reference_id"].to_string()
}

#[tokio::test]
async fn api_errors_exit_non_zero_with_cashfrees_code_and_no_secret() {
    let sandbox = sandbox().await;
    let base = sandbox.base_url().to_owned();
    let out = cli(&[
        "--base-url",
        &base,
        "status",
        "--api",
        "verification",
        "--verification-id",
        "missing",
    ])
    .await;
    assert_eq!(out.status.code(), Some(1));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("404")
            && stderr.contains("verification_id_not_found")
            && stderr.contains("does not exist"),
        "{stderr}"
    );

    let out = cli(&[
        "--base-url",
        &base,
        "--json",
        "status",
        "--api",
        "ppi",
        "--user-id",
        "u",
        "--verification-id",
        "missing",
    ])
    .await;
    let body: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(body["error"]["code"], "verification_id_not_found");

    let out = cli(&[
        "--base-url",
        &base,
        "--client-secret",
        "not-the-secret",
        "status",
        "--api",
        "verification",
        "--verification-id",
        "x",
    ])
    .await;
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("authentication_failed"));
    let out = cli(&[
        "--base-url",
        &base,
        "initiate",
        "--api",
        "ppi",
        "--verification-id",
        "bad id",
        "--user-id",
        "u",
    ])
    .await;
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("invalid verification_id"),
        "{}",
        text(&out.stderr)
    );
    assert!(!text(&out.stdout).contains(SECRET) && !text(&out.stderr).contains(SECRET));
    let out = cli(&[
        "--base-url",
        &base,
        "status",
        "--api",
        "ppi",
        "--verification-id",
        "x",
    ])
    .await;
    assert_eq!(
        out.status.code(),
        Some(2),
        "a missing --user-id is a usage error"
    );
}

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

#[tokio::test]
async fn watch_prints_each_change_and_the_outcome() {
    let sandbox = Sandbox::start_with(
        SandboxConfig::default()
            .credentials("cli_id", SECRET)
            .auto_advance(std::time::Duration::from_millis(40)),
    )
    .await
    .unwrap();
    let base = sandbox.base_url().to_owned();
    let out = cli(&[
        "--base-url",
        &base,
        "initiate",
        "--api",
        "ppi",
        "--verification-id",
        "w1",
        "--user-id",
        "U1",
    ])
    .await;
    assert!(out.status.success());
    sandbox.set_scenario("w1", Scenario::LinkExpired).unwrap();
    let out = cli(&[
        "--base-url",
        &base,
        "watch",
        "--api",
        "ppi",
        "--user-id",
        "U1",
        "--verification-id",
        "w1",
        "--poll-ms",
        "5",
    ])
    .await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains("VKYC_EXPIRED") && stdout.contains("outcome: expired"),
        "{stdout}"
    );
}

#[tokio::test]
async fn the_demo_shows_the_lifecycle_and_verified_webhooks() {
    let out = cli(&["demo", "--step-ms", "80"]).await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    for expected in [
        "LINK_GENERATED",
        "AUDITOR_APPROVED",
        "AGENT_REJECTED",
        "outcome: approved",
        "outcome: rejected",
        "Webhooks: 12 received and verified, 0 rejected.",
    ] {
        assert!(
            stdout.contains(expected),
            "missing {expected:?} in:\n{stdout}"
        );
    }
}

#[tokio::test]
async fn missing_credentials_is_a_usage_error() {
    let out = run(
        &["status", "--api", "verification", "--verification-id", "x"],
        false,
    )
    .await;
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("credentials are needed"));
}

#[tokio::test]
async fn the_sandbox_subcommand_serves_until_stopped() {
    use std::io::BufRead;
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_cashfree-vkyc"))
        .args([
            "--client-id",
            "cli_id",
            "--client-secret",
            SECRET,
            "sandbox",
            "--port",
            "0",
        ])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let base = tokio::task::spawn_blocking(move || {
        let mut line = String::new();
        std::io::BufReader::new(stdout)
            .read_line(&mut line)
            .unwrap();
        line.trim().to_owned()
    })
    .await
    .unwrap();
    assert!(base.starts_with("http://127.0.0.1:"), "{base}");
    let out = cli(&[
        "--base-url",
        &base,
        "initiate",
        "--api",
        "ppi",
        "--verification-id",
        "sb-1",
        "--user-id",
        "U",
    ])
    .await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    let out = cli(&[
        "--base-url",
        &base,
        "--client-secret",
        "wrong",
        "status",
        "--api",
        "ppi",
        "--user-id",
        "U",
        "--verification-id",
        "sb-1",
    ])
    .await;
    assert_eq!(
        out.status.code(),
        Some(1),
        "the sandbox was started with credentials and checks them"
    );
    child.kill().unwrap();
    child.wait().unwrap();
}

fn now_millis() -> String {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis()
        .to_string()
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
        assert_eq!(report["verification"]["reference_id"], 1358);
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

mod errors {
    use super::*;
    use wiremock::matchers::any;
    use wiremock::{Mock, MockServer, ResponseTemplate};

    async fn server(response: ResponseTemplate) -> MockServer {
        let server = MockServer::start().await;
        Mock::given(any())
            .respond_with(response)
            .mount(&server)
            .await;
        server
    }

    async fn status_against(server: &MockServer, extra: &[&str]) -> Output {
        let mut args = vec!["--base-url", server.uri().leak()];
        args.extend_from_slice(extra);
        args.extend([
            "status",
            "--api",
            "ppi",
            "--user-id",
            "U1",
            "--verification-id",
            "v1",
        ]);
        cli(&args).await
    }

    /// A gateway's HTML page is reported as what it is: status, content
    /// type and length, never its text.
    #[tokio::test]
    async fn an_html_gateway_page() {
        let page = "<html><body><h1>502 Bad Gateway</h1></body></html>";
        let server = server(
            ResponseTemplate::new(502)
                .insert_header("x-request-id", "req-502-abc")
                .set_body_raw(page, "text/html"),
        )
        .await;
        let out = status_against(&server, &["--json"]).await;
        assert_eq!(out.status.code(), Some(1));
        let stderr = text(&out.stderr);
        assert!(
            stderr.contains(&format!(
                "Cashfree answered 502 with a text/html body of {} bytes, not Cashfree's JSON error (request id req-502-abc)",
                page.len()
            )),
            "{stderr}"
        );
        assert!(!stderr.contains("Bad Gateway"), "{stderr}");
        let report: Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(report["error"]["request_id"], "req-502-abc");
        assert_eq!(report["error"]["status"], 502);
        assert_eq!(report["error"]["content_type"], "text/html");
    }

    /// A 401 names where the credentials came from, never the secret.
    #[tokio::test]
    async fn a_401_names_the_credentials_source() {
        let server = server(
            ResponseTemplate::new(401)
                .insert_header("x-request-id", "req-401")
                .set_body_raw(
                    r#"{"type":"authentication_error","code":"request_failed","message":"authentication Failed"}"#,
                    "application/json",
                ),
        )
        .await;
        let out = status_against(&server, &[]).await;
        assert_eq!(out.status.code(), Some(1));
        let stderr = text(&out.stderr);
        assert!(stderr.contains("request id req-401"), "{stderr}");
        assert!(
            stderr.contains("CASHFREE_CLIENT_ID and CASHFREE_CLIENT_SECRET environment variables"),
            "{stderr}"
        );
        assert!(!stderr.contains(SECRET), "{stderr}");
        let out = status_against(
            &server,
            &[
                "--json",
                "--client-id",
                "flag_id",
                "--client-secret",
                "flag_secret_123",
            ],
        )
        .await;
        let report: Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(
            report["error"]["credentials_from"],
            "the --client-id and --client-secret flags"
        );
        assert!(!text(&out.stdout).contains("flag_secret_123"));
        assert!(!text(&out.stderr).contains("flag_secret_123"));
    }

    /// An answer far larger than anything Cashfree sends is not read past
    /// the limit, and the error line stays one short line.
    #[tokio::test]
    async fn an_oversized_answer() {
        let huge = format!(
            "{{\"verification_id\":\"v1\",\"padding\":\"{}\"}}",
            "x".repeat(6 << 20)
        );
        let server = server(
            ResponseTemplate::new(200)
                .insert_header("x-request-id", "req-big")
                .set_body_raw(huge, "application/json"),
        )
        .await;
        let out = status_against(&server, &["--json"]).await;
        assert_eq!(out.status.code(), Some(1));
        let stderr = text(&out.stderr);
        assert!(stderr.len() < 300, "{} bytes of error", stderr.len());
        assert!(
            stderr.contains("larger than the 4194304 bytes this client reads (request id req-big)"),
            "{stderr}"
        );
        let report: Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(report["error"]["kind"], "response_too_large");
        assert_eq!(report["error"]["request_id"], "req-big");
    }

    /// A server that never answers: the command gives up after --timeout,
    /// and says on stderr that it is retrying and why.
    #[tokio::test]
    async fn a_silent_server_is_retried_out_loud() {
        let server =
            server(ResponseTemplate::new(200).set_delay(std::time::Duration::from_secs(30))).await;
        let out = status_against(&server, &["--timeout", "1", "--verbose"]).await;
        assert_eq!(out.status.code(), Some(1));
        let stderr = text(&out.stderr);
        assert_eq!(
            stderr.matches("retrying: attempt").count(),
            3,
            "three retries after the first attempt:\n{stderr}"
        );
        assert!(stderr.contains("timed out"), "{stderr}");
        assert!(
            stderr.contains("error: request timed out after 4 attempts"),
            "{stderr}"
        );
    }
}

/// `--public-key` signs Verification Suite calls with a fresh 2FA
/// signature; checked by decrypting it with the `openssl` command and the
/// test key pair, not with the code that made it.
#[tokio::test]
async fn public_key_signs_verification_suite_requests() {
    use base64::Engine;
    use wiremock::matchers::any;
    use wiremock::{Mock, MockServer, ResponseTemplate};

    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200).set_body_raw(
            r#"{"verification_id":"v1","reference_id":7,"status":"RECEIVED","sub_status":"LINK_GENERATED"}"#,
            "application/json",
        ))
        .mount(&server)
        .await;
    let fixtures = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/fixtures");
    let public = format!("{fixtures}/2fa-test-public.pem");
    let before = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let base = server.uri();
    let out = cli(&[
        "--base-url",
        &base,
        "--public-key",
        &public,
        "status",
        "--api",
        "verification-suite",
        "--verification-id",
        "v1",
    ])
    .await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    let requests = server.received_requests().await.unwrap();
    let signature = requests[0]
        .headers
        .get("x-cf-signature")
        .expect("the request is signed")
        .to_str()
        .unwrap()
        .to_owned();
    let dir = tempfile::tempdir().unwrap();
    let sealed = dir.path().join("sealed.bin");
    std::fs::write(
        &sealed,
        base64::engine::general_purpose::STANDARD
            .decode(&signature)
            .unwrap(),
    )
    .unwrap();
    let opened = std::process::Command::new("openssl")
        .args(["pkeyutl", "-decrypt", "-inkey"])
        .arg(format!("{fixtures}/2fa-test-private.pem"))
        .args([
            "-pkeyopt",
            "rsa_padding_mode:oaep",
            "-pkeyopt",
            "rsa_oaep_md:sha1",
            "-pkeyopt",
            "rsa_mgf1_md:sha1",
            "-in",
        ])
        .arg(&sealed)
        .output()
        .expect("openssl runs");
    assert!(opened.status.success(), "{}", text(&opened.stderr));
    let message = text(&opened.stdout);
    let (client_id, seconds) = message.split_once('.').unwrap();
    assert_eq!(client_id, "cli_id");
    let seconds: u64 = seconds.parse().unwrap();
    assert!(
        seconds >= before && seconds <= before + 60,
        "{seconds} vs {before}"
    );

    // A key file that does not exist is a usage error, before any request.
    let out = cli(&[
        "--base-url",
        &base,
        "--public-key",
        "/nonexistent/key.pem",
        "status",
        "--api",
        "verification-suite",
        "--verification-id",
        "v1",
    ])
    .await;
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("cannot read the public key"));
}

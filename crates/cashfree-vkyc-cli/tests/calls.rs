//! How calls fail and are signed, against servers the project did not
//! write: error output with request ids, bounded reads, retries out loud,
//! 2FA signing.

mod common;

use common::*;
use serde_json::Value;
use std::process::Output;

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
        // Flags given before the subcommand win over the environment.
        let sent = server.received_requests().await.unwrap();
        let last = sent.last().unwrap();
        assert_eq!(last.headers["x-client-id"], "flag_id");
        assert_eq!(last.headers["x-client-secret"], "flag_secret_123");
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
            stderr.contains("error: request to 127.0.0.1 timed out after 4 attempts"),
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

//! What the facade never reveals, and the 2FA signature it sends.

use cashfree_vkyc::{Client, PpiInitiateRequest, RetryPolicy};
use cashfree_vkyc_sandbox::{Fault, Operation, Sandbox};
use std::time::Duration;
use workspace_tests::canned::{Canned, Reply};
use workspace_tests::{SECRET, logs, root};

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
        .initiate(&PpiInitiateRequest::new("logged", "u1"))
        .await
        .unwrap();
    let missing = client.ppi().status("nope", "u1").await.unwrap_err();
    let wrong = Client::builder("CF_TEST_ID", "wrong-secret-value")
        .base_url("http://127.0.0.1:1")
        .build()
        .unwrap();
    let transport = wrong.ppi().status("v", "u").await.unwrap_err();
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
        logs.text().contains("ppi.initiate")
            && logs.text().contains("http.request.method=")
            && logs.text().contains("server.address="),
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

    let public =
        std::fs::read_to_string(root().join("tests/fixtures/2fa-test-public.pem")).unwrap();
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
    client.ppi().status("p", "u").await.unwrap();
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
        let message = openssl_decrypt(&ciphertext);
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
    let bad = bad.unwrap_err();
    assert_eq!(bad.setting, "public_key");
    assert!(!bad.to_string().contains(SECRET), "{bad}");
}

/// Decrypts with the test private key and the `openssl` command: an
/// implementation of RSA-OAEP (SHA-1, MGF1-SHA-1) apart from the one under
/// test.
fn openssl_decrypt(ciphertext: &[u8]) -> String {
    let dir = std::env::temp_dir().join(format!("cashfree-vkyc-2fa-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let sealed = dir.join("sealed.bin");
    std::fs::write(&sealed, ciphertext).unwrap();
    let out = std::process::Command::new("openssl")
        .args(["pkeyutl", "-decrypt", "-inkey"])
        .arg(root().join("tests/fixtures/2fa-test-private.pem"))
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
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// reqwest follows redirects and keeps custom headers across hosts (it
/// strips only `authorization`, cookies and the like), so a redirect
/// followed would hand `x-client-secret` to whatever host the `location`
/// names. The client's own HTTP stack follows none: a 3xx is the answer.
#[tokio::test]
async fn a_redirect_is_not_followed_so_the_secret_goes_nowhere_else() {
    use wiremock::matchers::any;
    use wiremock::{Mock, MockServer, ResponseTemplate};
    let elsewhere = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200))
        .mount(&elsewhere)
        .await;
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(
            ResponseTemplate::new(307)
                .insert_header("location", format!("{}/collect", elsewhere.uri())),
        )
        .mount(&server)
        .await;
    let client = Client::builder("CF_TEST_ID", SECRET)
        .base_url(server.uri())
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap();
    let e = client.ppi().status("v1", "u1").await.unwrap_err();
    assert_eq!(e.as_api().map(|a| a.status), Some(307), "{e:?}");
    assert!(!format!("{e:?}").contains(SECRET));
    let leaked = elsewhere.received_requests().await.unwrap();
    assert!(leaked.is_empty(), "followed to {leaked:?}");
    assert_eq!(server.received_requests().await.unwrap().len(), 1);
}

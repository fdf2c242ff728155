//! The `cashfree-vkyc` binary against an in-process sandbox.

mod common;

use cashfree_vkyc_sandbox::{Sandbox, SandboxConfig, Scenario};
use common::*;
use serde_json::{Value, json};

#[tokio::test]
async fn initiate_and_status_as_json_keep_cashfrees_fields() {
    let sandbox = sandbox().await;
    let base = sandbox.base_url().to_owned();
    // `--raw` prints Cashfree's own fields, exactly as sent.
    let out = cli(&[
        "--base-url",
        &base,
        "--raw",
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
        status["status"], "AUDITOR_REVIEWED",
        "an unpublished status is printed as sent"
    );
    assert_eq!(status["sub_status"], "AUDITOR_APPROVED");
    assert_eq!(
        (status["phase"].as_str(), status["outcome"].as_str()),
        (Some("auditor_review"), Some("approved"))
    );
    // `--json` is the library's one view: the same names for both
    // families, with what the status means and the request id.
    assert!(status["cashfree_id"].is_string(), "{status}");
    assert!(status.get("cf_verification_id").is_none(), "{status}");
    assert_eq!(status["api"], "ppi");
    assert_eq!(status["is_final"], true);
    assert!(status["description"].is_string(), "{status}");
    assert!(status["request_id"].is_string(), "{status}");

    // The Verification Suite's flow starts with Create User; --json
    // prints the user object.
    let out = cli(&[
        "--base-url",
        &base,
        "--json",
        "user",
        "create",
        "--phone",
        "9876543210",
        "--user-id",
        "cli-user-1",
        "--name",
        "Asha",
    ])
    .await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    let user: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(user["user_id"], "cli-user-1");
    assert_eq!(user["name"], "Asha");
    let user_reference_id = user["user_reference_id"].as_i64().unwrap().to_string();
    let out = cli(&[
        "--base-url",
        &base,
        "--json",
        "user",
        "update",
        "--user-reference-id",
        &user_reference_id,
        "--email",
        "asha@example.com",
    ])
    .await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    let updated: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(updated["email"], "asha@example.com");
    assert_eq!(updated["phone"], "9876543210");
    let out = cli(&[
        "--base-url",
        &base,
        "--json",
        "user",
        "get",
        "--user-id",
        "cli-user-1",
    ])
    .await;
    let read: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(read["email"], "asha@example.com");

    let out = cli(&[
        "--base-url",
        &base,
        "initiate",
        "--api",
        "verification",
        "--verification-id",
        "cli-2",
        "--user-reference-id",
        &user_reference_id,
    ])
    .await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("LINK_GENERATED"));
    let reference = sandbox_reference(&base, "cli-2").await;
    let out = cli(&[
        "--base-url",
        &base,
        "--json",
        "sdk-token",
        "--app-id",
        "app-1",
        "--verification-id",
        "cli-2",
    ])
    .await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    let token: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        token["access_token"].as_str().unwrap().split('.').count(),
        3
    );
    assert!(token["expires_at"].as_str().unwrap().ends_with(" IST"));
    // PPI's status on its second documented path.
    let out = cli(&[
        "--base-url",
        &base,
        "--json",
        "status",
        "--api",
        "ppi",
        "--ppi-status-path",
        "details",
        "--user-id",
        "U1",
        "--verification-id",
        "cli-1",
    ])
    .await;
    assert!(out.status.success(), "{}", text(&out.stderr));
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
    assert_eq!(v["api"], "verification_suite");
    v["cashfree_id"].as_str().unwrap().to_owned()
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
            "--rate-limit-per-minute",
            "100",
        ])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let stderr = child.stderr.take().unwrap();
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
    // The banner: the console, the credentials accepted (never the
    // secret), where webhooks go.
    let banner = tokio::task::spawn_blocking(move || {
        let mut lines = std::io::BufReader::new(stderr).lines();
        let mut banner = String::new();
        for line in lines.by_ref().take(5) {
            banner.push_str(&line.unwrap());
            banner.push('\n');
        }
        // Kept reading, so that the sandbox never writes to a closed pipe.
        std::thread::spawn(move || lines.for_each(drop));
        banner
    })
    .await
    .unwrap();
    let console = format!("{base}/__sandbox/console");
    assert!(banner.contains(&console), "{banner}");
    assert!(
        banner.contains("client id cli_id and its secret only"),
        "{banner}"
    );
    assert!(!banner.contains(SECRET), "{banner}");
    let page = reqwest::get(&console).await.unwrap();
    assert_eq!(page.status(), 200);
    assert!(page.text().await.unwrap().contains("Cashfree VKYC sandbox"));
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
    // The per-account limit from the command line, and what it counted.
    let limit: serde_json::Value = reqwest::get(format!("{base}/__sandbox/rate-limit"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(limit["per_minute"], 100, "{limit}");
    let served: u64 = limit["minutes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["client_id"] == "cli_id")
        .map(|m| m["served"].as_u64().unwrap())
        .sum();
    assert_eq!(
        served, 1,
        "the initiate; the refused status call is not served: {limit}"
    );
    child.kill().unwrap();
    child.wait().unwrap();
}

/// Connection options are taken before the subcommand or inside it (a
/// value inside wins); `sandbox`, to which they mean nothing, neither lists
/// nor takes them.
#[tokio::test]
async fn connection_options_where_they_apply() {
    let sandbox = sandbox().await;
    let base = sandbox.base_url().to_owned();
    let out = cli(&[
        "initiate",
        "--api",
        "ppi",
        "--verification-id",
        "opt-1",
        "--user-id",
        "U1",
        "--base-url",
        &base,
    ])
    .await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    let out = cli(&[
        "--base-url",
        "http://127.0.0.1:1",
        "status",
        "--api",
        "ppi",
        "--user-id",
        "U1",
        "--verification-id",
        "opt-1",
        "--base-url",
        &base,
        "--json",
    ])
    .await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["verification_id"], "opt-1");

    let help = cli(&["sandbox", "--help"]).await;
    let help = text(&help.stdout);
    assert!(
        help.contains("--webhook-url") && help.contains("--duplicate-webhooks"),
        "{help}"
    );
    for foreign in ["--base-url", "--env", "--public-key", "--timeout"] {
        assert!(!help.contains(foreign), "{foreign} in:\n{help}");
    }
    for foreign in ["--verbose", "--raw"] {
        assert!(!help.contains(foreign), "{foreign} in:\n{help}");
    }
    let out = cli(&["sandbox", "--base-url", &base]).await;
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    let out = cli(&["sandbox", "-v"]).await;
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));

    // Each subcommand's help lists what applies to it, and nothing else.
    let help = text(&cli(&["verify-webhook", "--help"]).await.stdout);
    assert!(
        help.contains("--client-secret") && help.contains("--json"),
        "{help}"
    );
    for foreign in ["--verbose", "--client-id", "--base-url", "--redis"] {
        assert!(!help.contains(foreign), "{foreign} in:\n{help}");
    }
    let help = text(&cli(&["demo", "--help"]).await.stdout);
    for foreign in ["--verbose", "--client-id", "--client-secret", "--json"] {
        assert!(!help.contains(foreign), "{foreign} in:\n{help}");
    }
    let help = text(&cli(&["status", "--help"]).await.stdout);
    for own in ["--client-id", "--base-url", "--verbose", "--json", "--raw"] {
        assert!(help.contains(own), "{own} not in:\n{help}");
    }
}

//! The sandbox's console, driven in headless Chromium through WebDriver
//! (Debian's `chromium` and `chromium-driver`), as a developer would use
//! it: initiate from the form, run to the end with the buttons, read the
//! deliveries and the receiver's answers, inject a fault, redeliver, and
//! a page of another origin refused.
//!
//! Without `chromedriver` the test is skipped with a notice, unless
//! `CASHFREE_VKYC_REQUIRE_CHROMIUM` is set (`.ci/run` sets it). The
//! screenshot of the timeline goes to `target/console-timeline.png`; with
//! `CASHFREE_VKYC_REFRESH_SCREENSHOT` set it also replaces the one beside
//! the sandbox crate that its README shows.

use axum::body::Bytes;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::{get, post};
use cashfree_vkyc::webhook::Verifier;
use cashfree_vkyc_sandbox::{Sandbox, SandboxConfig, event_for};
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{Value, json};
use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const REQUIRE: &str = "CASHFREE_VKYC_REQUIRE_CHROMIUM";
const ID: &str = "console_client";
const SECRET: &str = "console_secret_123";
/// How long the page may take to show something: generous, for a loaded
/// two-core machine; nothing is asserted about the time itself.
const PATIENCE: Duration = Duration::from_secs(30);

struct Driver {
    child: Child,
    url: String,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `chromedriver` on a free port, or `None` (with a notice) when it is not
/// installed and not required.
async fn chromedriver() -> Option<Driver> {
    let binary = ["/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver"]
        .into_iter()
        .map(PathBuf::from)
        .find(|p| p.exists());
    let Some(binary) = binary else {
        assert!(
            std::env::var_os(REQUIRE).is_none(),
            "{REQUIRE} is set but chromedriver is not installed (apt-get install chromium chromium-driver)"
        );
        eprintln!(
            "skipped: chromedriver is not installed (apt-get install chromium chromium-driver)"
        );
        return None;
    };
    // chromedriver takes no port 0: a port just freed by the system is the
    // closest to it.
    let port = TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port();
    let child = Command::new(binary)
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("chromedriver starts");
    let driver = Driver {
        child,
        url: format!("http://127.0.0.1:{port}"),
    };
    let started = Instant::now();
    while tokio::net::TcpStream::connect(("127.0.0.1", port))
        .await
        .is_err()
    {
        assert!(started.elapsed() < PATIENCE, "chromedriver never listened");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    Some(driver)
}

async fn browser(driver: &Driver) -> Client {
    let profile = std::env::temp_dir().join(format!("console-test-{}", std::process::id()));
    let mut capabilities = serde_json::Map::new();
    capabilities.insert(
        "goog:chromeOptions".into(),
        json!({
            "binary": "/usr/bin/chromium",
            "args": [
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--window-size=1500,1100",
                format!("--user-data-dir={}", profile.display()),
            ],
        }),
    );
    ClientBuilder::rustls()
        .expect("a WebDriver client")
        .capabilities(capabilities)
        .connect(&driver.url)
        .await
        .expect("a Chromium session")
}

/// A webhook receiver that checks each delivery's signature with the SDK
/// and says so in its answer, and serves a page of another origin.
async fn receiver() -> String {
    async fn hook(headers: HeaderMap, body: Bytes) -> (StatusCode, String) {
        match Verifier::new(SECRET).verify(&headers, &body[..]) {
            Ok(delivery) => match delivery.parse() {
                Ok(event) => (
                    StatusCode::OK,
                    format!("signature valid: {}", event.event_type),
                ),
                Err(e) => (StatusCode::BAD_REQUEST, format!("unreadable: {e}")),
            },
            Err(e) => (StatusCode::UNAUTHORIZED, format!("signature invalid: {e}")),
        }
    }
    let app = axum::Router::new().route("/hook", post(hook)).route(
        "/",
        get(|| async { axum::response::Html("<!doctype html><title>elsewhere</title>") }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    base
}

/// Waits until `check` holds for the text of the elements `css` selects.
async fn until(
    c: &Client,
    css: &str,
    what: &str,
    check: impl Fn(&[String]) -> bool,
) -> Vec<String> {
    let started = Instant::now();
    loop {
        let mut texts = Vec::new();
        for element in c.find_all(Locator::Css(css)).await.unwrap_or_default() {
            texts.push(element.text().await.unwrap_or_default());
        }
        if check(&texts) {
            return texts;
        }
        assert!(
            started.elapsed() < PATIENCE,
            "never saw {what} in {css}: {texts:#?}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn click(c: &Client, css: &str) {
    c.find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{css}: {e}"))
        .click()
        .await
        .unwrap_or_else(|e| panic!("click {css}: {e}"));
}

async fn type_into(c: &Client, css: &str, text: &str) {
    let field = c.find(Locator::Css(css)).await.unwrap();
    field.clear().await.unwrap();
    field.send_keys(text).await.unwrap();
}

async fn choose(c: &Client, css: &str, value: &str) {
    let select = c.find(Locator::Css(css)).await.unwrap();
    select.select_by_value(value).await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_console_watches_and_drives_a_verification() {
    let Some(driver) = chromedriver().await else {
        return;
    };
    let elsewhere = receiver().await;
    let sandbox = Sandbox::start_with(
        SandboxConfig::default()
            .credentials(ID, SECRET)
            .webhook_url(format!("{elsewhere}/hook")),
    )
    .await
    .unwrap();
    let c = browser(&driver).await;
    c.goto(&sandbox.console_url()).await.unwrap();
    until(&c, "#feed", "the live feed", |t| t == ["live"]).await;
    let about = until(&c, "#credentials", "the credentials", |t| {
        t.iter().any(|t| !t.is_empty())
    })
    .await;
    assert!(about[0].contains(ID), "{about:?}");
    assert!(!c.source().await.unwrap().contains(SECRET));

    // Initiate from the form; the timeline opens on it.
    choose(&c, "#initiate-family", "ppi").await;
    type_into(&c, "#initiate-id", "console-1").await;
    type_into(&c, "#initiate-user", "USER-9").await;
    choose(&c, "#initiate-scenario", "approved").await;
    click(&c, "#initiate-form button[type=submit]").await;
    until(&c, "#initiate-result", "the verification created", |t| {
        t.iter().any(|t| t.contains("created console-1"))
    })
    .await;
    until(&c, "#verifications tbody tr", "the row", |t| {
        t.iter()
            .any(|t| t.contains("console-1") && t.contains("USER-9"))
    })
    .await;

    // Run it to the end with the button: every transition is in the
    // timeline, moved by the console, and every delivery was answered by
    // the receiver, which found the signature valid.
    click(&c, "#run-to-end").await;
    let transitions = until(
        &c,
        "#timeline-entries li.transition",
        "the final state",
        |t| t.iter().any(|t| t.contains("AUDITOR_APPROVED")),
    )
    .await;
    assert!(transitions[0].contains("by initiate"), "{transitions:#?}");
    assert!(
        transitions[1..].iter().all(|t| t.contains("by console")),
        "{transitions:#?}"
    );
    // The sub-status is between "/ " and " ·" in each line.
    let expected = transitions
        .iter()
        .filter_map(|t| t.split(" / ").nth(1)?.split(' ').next())
        .filter(|sub_status| event_for(sub_status).is_some())
        .count() as u64;
    assert!(expected >= 3, "{transitions:#?}");
    let stats = sandbox
        .wait_for(PATIENCE, |s| s.webhooks_delivered >= expected)
        .await
        .expect("every transition with an event delivered");
    let deliveries = until(&c, "#timeline-entries li.delivery", "every delivery", |t| {
        t.len() as u64 >= stats.webhooks_delivered
    })
    .await;
    assert!(
        deliveries.iter().all(|d| d.contains("receiver 200")),
        "{deliveries:#?}"
    );
    assert_eq!(
        c.find_all(Locator::Css("#timeline-entries li.delivery.failed"))
            .await
            .unwrap()
            .len(),
        0
    );
    // One delivery opened: its headers, its signature scheme and the
    // receiver's answer, which says the SDK verified it.
    click(&c, "#timeline-entries li.delivery summary").await;
    let opened = until(
        &c,
        "#timeline-entries li.delivery details[open]",
        "an opened delivery",
        |t| !t.is_empty(),
    )
    .await;
    for expected in [
        "x-webhook-signature",
        "x-webhook-timestamp",
        "x-webhook-attempt",
        "signature valid: VKYC_",
        "event_time",
        "headers",
    ] {
        assert!(opened[0].contains(expected), "{expected} in {}", opened[0]);
    }
    assert!(!opened[0].contains(SECRET));

    // Redeliver it: a new delivery, marked as such, answered too.
    click(
        &c,
        "#timeline-entries li.delivery details[open] button.redeliver",
    )
    .await;
    until(&c, "#timeline-entries li.delivery", "the redelivery", |t| {
        t.iter()
            .any(|t| t.contains("redelivery of #1") && t.contains("receiver 200"))
    })
    .await;

    // A fault from the form, listed, then used up by a request.
    choose(&c, "#fault-kind", "server_error").await;
    choose(&c, "#fault-operation", "ppi_status").await;
    type_into(&c, "#fault-count", "2").await;
    click(&c, "#fault-form button[type=submit]").await;
    until(&c, "#faults li", "the fault", |t| {
        t.iter()
            .any(|t| t.contains("server_error on ppi_status, next 2"))
    })
    .await;
    let status = api(
        &sandbox,
        "/ppi/kyc/vkyc/status",
        &json!({"verification_id": "console-1", "user_id": "USER-9"}),
    )
    .await;
    assert_eq!(status.status(), 500);
    until(&c, "#faults li", "the fault used once", |t| {
        t.iter()
            .any(|t| t.contains("server_error on ppi_status, next 1"))
    })
    .await;

    // Users from Create User appear as they are created.
    let user = api(
        &sandbox,
        "/verification/user",
        &json!({"user_id": "console-user", "phone": "9999999999", "name": "Asha"}),
    )
    .await;
    assert!(user.status().is_success(), "{}", user.text().await.unwrap());
    until(&c, "#users li", "the user", |t| {
        t.iter()
            .any(|t| t.contains("console-user created") && t.contains("Asha"))
    })
    .await;

    click(&c, "#clear-faults").await;
    until(&c, "#faults li", "no fault left", |t| t.is_empty()).await;

    save_screenshot(&c).await;

    // A page of another origin makes the browser post to the control API:
    // refused, and the verification does not move.
    let created = api(
        &sandbox,
        "/ppi/kyc/vkyc",
        &json!({"verification_id": "console-2", "user_id": "USER-9"}),
    )
    .await;
    assert!(created.status().is_success());
    c.goto(&elsewhere).await.unwrap();
    let sent = c
        .execute_async(
            "const [url, done] = arguments;
             fetch(url, {method: 'POST', mode: 'no-cors'})
               .then(() => done('sent'), (e) => done('failed: ' + e));",
            vec![json!(format!(
                "{}/__sandbox/ppi/verifications/console-2/advance",
                sandbox.base_url()
            ))],
        )
        .await
        .unwrap();
    assert_eq!(sent, json!("sent"), "the browser sent it");
    let current: Value = api(
        &sandbox,
        "/ppi/kyc/vkyc/status",
        &json!({"verification_id": "console-2", "user_id": "USER-9"}),
    )
    .await
    .json()
    .await
    .unwrap();
    assert_eq!(current["sub_status"], "LINK_GENERATED", "{current}");

    c.close().await.unwrap();
    sandbox.shutdown().await;
}

/// An API call as a client makes it, with the sandbox's credentials.
async fn api(sandbox: &Sandbox, path: &str, body: &Value) -> reqwest::Response {
    reqwest::Client::new()
        .post(format!("{}{path}", sandbox.base_url()))
        .header("x-client-id", ID)
        .header("x-client-secret", SECRET)
        .header("x-api-version", "2025-11-01")
        .json(body)
        .send()
        .await
        .unwrap()
}

async fn save_screenshot(c: &Client) {
    let png = c.screenshot().await.unwrap();
    assert!(png.starts_with(b"\x89PNG"), "a PNG");
    let target = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target/console-timeline.png");
    std::fs::write(&target, &png).unwrap();
    eprintln!("screenshot: {}", target.display());
    if std::env::var_os("CASHFREE_VKYC_REFRESH_SCREENSHOT").is_some() {
        let kept = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("../crates/cashfree-vkyc-sandbox/console.png");
        std::fs::write(&kept, &png).unwrap();
    }
}

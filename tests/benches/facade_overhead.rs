//! A status call through the facade against the same call made by hand
//! with reqwest, both against one local sandbox, in one run.
//!
//! Like for like: both clients have the facade's default timeouts (10 s to
//! connect, 30 s in all), as a production call by hand would; the facade
//! runs with its default retry policy (no retry is needed here, but the
//! request is kept for one).
//!
//! `cargo bench -p workspace-tests --bench facade_overhead` prints the ratio
//! of the medians.

use cashfree_vkyc::{Client, Environment, PpiInitiateRequest};
use criterion::{Criterion, criterion_group};
use serde::Deserialize;
use std::hint::black_box;

/// What a careful hand-written client decodes.
#[derive(Deserialize)]
#[allow(dead_code)]
struct Status {
    verification_id: String,
    cf_verification_id: Option<String>,
    user_id: Option<String>,
    status: Option<String>,
    sub_status: Option<String>,
    vkyc_link: Option<String>,
    link_expiry: Option<String>,
    meeting_schedule: Option<String>,
    auditor_remarks: Option<String>,
    agent_remarks: Option<String>,
}

/// The status call a careful developer writes by hand with reqwest.
async fn by_hand(http: &reqwest::Client, url: &str) -> Status {
    let response = http
        .post(url)
        .header("x-client-id", "bench")
        .header("x-client-secret", "bench-secret")
        .header("x-api-version", "2025-11-01")
        .json(&serde_json::json!({"user_id": "USER1", "verification_id": "bench-status"}))
        .send()
        .await
        .unwrap();
    assert!(response.status().is_success());
    let body = response.bytes().await.unwrap();
    serde_json::from_slice::<Status>(&body).unwrap()
}

/// The generated client alone, credentials as default headers: what the
/// facade costs on top of progenitor, and progenitor on top of reqwest.
fn raw_client(sandbox: &cashfree_vkyc_sandbox::Sandbox) -> cashfree_vkyc_raw::ppi::Client {
    let mut defaults = reqwest::header::HeaderMap::new();
    defaults.insert("x-client-id", "bench".parse().unwrap());
    defaults.insert("x-client-secret", "bench-secret".parse().unwrap());
    let http = reqwest::Client::builder()
        .default_headers(defaults)
        .connect_timeout(std::time::Duration::from_secs(10))
        .timeout(std::time::Duration::from_secs(30))
        .build()
        .unwrap();
    cashfree_vkyc_raw::ppi::Client::new_with_client(
        sandbox.base_url(),
        http,
        cashfree_vkyc_raw::Hooks::default(),
    )
}

async fn raw_status(
    raw: &cashfree_vkyc_raw::ppi::Client,
) -> cashfree_vkyc_raw::runtime::ResponseValue<cashfree_vkyc_raw::ppi::types::PpiVkycResponse> {
    let body = cashfree_vkyc_raw::ppi::types::PpiVkycStatusRequest {
        user_id: "USER1".parse().unwrap(),
        verification_id: "bench-status".parse().unwrap(),
    };
    raw.ppi_get_vkyc_status("2025-11-01", &body).await.unwrap()
}

/// The facade (with the verification the bench reads), a hand-written
/// client with the facade's default timeouts, and the status URL.
fn clients(
    runtime: &tokio::runtime::Runtime,
    sandbox: &cashfree_vkyc_sandbox::Sandbox,
) -> (Client, reqwest::Client, String) {
    let base = sandbox.base_url().to_owned();
    let facade = Client::builder("bench", "bench-secret")
        .environment(Environment::Custom(base.clone()))
        .build()
        .unwrap();
    runtime
        .block_on(
            facade
                .ppi()
                .initiate(&PpiInitiateRequest::new("bench-status", "USER1")),
        )
        .unwrap();
    let http = reqwest::Client::builder()
        .connect_timeout(std::time::Duration::from_secs(10))
        .timeout(std::time::Duration::from_secs(30))
        .build()
        .unwrap();
    (facade, http, format!("{base}/ppi/kyc/vkyc/status"))
}

/// Both set-ups: the server on its own thread (`status_call`), and on the
/// client's own thread (`status_call_same_thread`), where the round trip is
/// shortest and the client's own work weighs most.
fn bench(c: &mut Criterion) {
    run(c, "status_call", false);
    run(c, "status_call_same_thread", true);
}

fn run(c: &mut Criterion, group_name: &str, same_thread: bool) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    // The server's runtime, when it has one, lives as long as the group.
    let (_server, sandbox) = if same_thread {
        (
            None,
            runtime
                .block_on(cashfree_vkyc_sandbox::Sandbox::start())
                .unwrap(),
        )
    } else {
        let (server, sandbox) = workspace_tests::bench::sandbox_server();
        (Some(server), sandbox)
    };
    let (facade, http, url) = clients(&runtime, &sandbox);

    let mut group = c.benchmark_group(group_name);
    group.measurement_time(std::time::Duration::from_secs(8));
    group.bench_function("by_hand", |b| {
        b.to_async(&runtime)
            .iter(|| async { black_box(by_hand(&http, &url).await) })
    });
    let raw = raw_client(&sandbox);
    group.bench_function("raw_generated", |b| {
        b.to_async(&runtime)
            .iter(|| async { black_box(raw_status(&raw).await) })
    });
    group.bench_function("facade", |b| {
        b.to_async(&runtime).iter(|| async {
            black_box(facade.ppi().status("bench-status", "USER1").await.unwrap())
        })
    });
    group.finish();
}

criterion_group!(benches, bench);

/// `facade_overhead --count facade|raw|by_hand N`: N calls of one kind and no
/// measurement, for counting instructions under `valgrind --tool=callgrind`.
fn count(kind: &str, n: usize) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let (_server, sandbox) = workspace_tests::bench::sandbox_server();
    let (facade, http, url) = clients(&runtime, &sandbox);
    let raw = raw_client(&sandbox);
    runtime.block_on(async {
        for _ in 0..n {
            match kind {
                "facade" => {
                    black_box(facade.ppi().status("bench-status", "USER1").await.unwrap());
                }
                "raw" => {
                    black_box(raw_status(&raw).await);
                }
                _ => {
                    black_box(by_hand(&http, &url).await);
                }
            }
        }
    });
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let Some(i) = args.iter().position(|a| a == "--count") {
        count(&args[i + 1], args[i + 2].parse().unwrap());
        return;
    }
    benches();
    Criterion::default().configure_from_args().final_summary();
    for group in ["status_call", "status_call_same_thread"] {
        workspace_tests::bench::report_ratio(group, "facade", "by_hand");
        workspace_tests::bench::report_ratio(group, "raw_generated", "by_hand");
    }
}

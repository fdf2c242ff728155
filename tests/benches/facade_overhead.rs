//! A status call through the facade against the same call made by hand
//! with reqwest, both against one local sandbox, in one run.
//!
//! `cargo bench -p workspace-tests --bench facade_overhead` prints the ratio
//! of the medians.

use cashfree_vkyc::{Client, Environment, PpiInitiateRequest, RetryPolicy};
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

fn bench(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let sandbox = runtime
        .block_on(cashfree_vkyc_sandbox::Sandbox::start())
        .unwrap();
    let base = sandbox.base_url().to_owned();
    let facade = Client::builder("bench", "bench-secret")
        .environment(Environment::Custom(base.clone()))
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap();
    runtime
        .block_on(
            facade
                .ppi()
                .initiate(&PpiInitiateRequest::new("USER1", "bench-status")),
        )
        .unwrap();
    let http = reqwest::Client::new();
    let url = format!("{base}/ppi/kyc/vkyc/status");

    let mut group = c.benchmark_group("status_call");
    group.bench_function("by_hand", |b| {
        b.to_async(&runtime).iter(|| async {
            let response = http
                .post(&url)
                .header("x-client-id", "bench")
                .header("x-client-secret", "bench-secret")
                .header("x-api-version", "2025-11-01")
                .json(&serde_json::json!({"user_id": "USER1", "verification_id": "bench-status"}))
                .send()
                .await
                .unwrap();
            assert!(response.status().is_success());
            let body = response.bytes().await.unwrap();
            black_box(serde_json::from_slice::<Status>(&body).unwrap())
        })
    });
    group.bench_function("facade", |b| {
        b.to_async(&runtime).iter(|| async {
            black_box(facade.ppi().status("USER1", "bench-status").await.unwrap())
        })
    });
    group.finish();
}

criterion_group!(benches, bench);

fn main() {
    benches();
    Criterion::default().configure_from_args().final_summary();
    workspace_tests::bench::report_ratio("status_call", "facade", "by_hand");
}

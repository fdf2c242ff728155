//! Requests per second the sandbox serves for status calls, next to a
//! trivial axum handler on the same machine in the same run (the ceiling of
//! the HTTP stack).
//!
//! `cargo bench -p workspace-tests --bench sandbox_throughput`

use std::sync::Arc;
use std::time::{Duration, Instant};

const CONCURRENCY: usize = 32;
const WARMUP: Duration = Duration::from_secs(1);
const MEASURE: Duration = Duration::from_secs(5);

/// Runs `CONCURRENCY` clients for `MEASURE` and returns requests per second.
async fn load(url: String, body: &'static str, headers: Arc<reqwest::header::HeaderMap>) -> f64 {
    let http = reqwest::Client::builder()
        .pool_max_idle_per_host(CONCURRENCY)
        .build()
        .unwrap();
    let run = |duration: Duration| {
        let mut tasks = tokio::task::JoinSet::new();
        for _ in 0..CONCURRENCY {
            let (http, url, headers) = (http.clone(), url.clone(), headers.clone());
            tasks.spawn(async move {
                let until = Instant::now() + duration;
                let mut done = 0u64;
                while Instant::now() < until {
                    let response = http
                        .post(&url)
                        .headers((*headers).clone())
                        .body(body)
                        .send()
                        .await
                        .expect("request");
                    assert!(response.status().is_success(), "{}", response.status());
                    response.bytes().await.expect("body");
                    done += 1;
                }
                done
            });
        }
        async move {
            let mut total = 0;
            while let Some(n) = tasks.join_next().await {
                total += n.unwrap();
            }
            total
        }
    };
    run(WARMUP).await;
    let started = Instant::now();
    let total = run(MEASURE).await;
    total as f64 / started.elapsed().as_secs_f64()
}

fn main() {
    if std::env::args().any(|a| a == "--list") {
        println!("sandbox_throughput: bench");
        return;
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let sandbox = cashfree_vkyc_sandbox::Sandbox::start().await.unwrap();
        let client = cashfree_vkyc::Client::new(
            "load",
            "load",
            cashfree_vkyc::Environment::Custom(sandbox.base_url().into()),
        )
        .unwrap();
        client
            .ppi()
            .initiate(&cashfree_vkyc::PpiInitiateRequest::new("load-1", "USER1"))
            .await
            .unwrap();

        let trivial = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let trivial_url = format!("http://{}/", trivial.local_addr().unwrap());
        let app = axum::Router::new().fallback(|| async {
            (
                [("content-type", "application/json")],
                r#"{"verification_id":"load-1","status":"RECEIVED","sub_status":"LINK_GENERATED"}"#,
            )
        });
        tokio::spawn(async move { axum::serve(trivial, app).await.unwrap() });

        let mut headers = reqwest::header::HeaderMap::new();
        for (k, v) in [
            ("x-client-id", "load"),
            ("x-client-secret", "load"),
            ("x-api-version", "2025-11-01"),
            ("content-type", "application/json"),
        ] {
            headers.insert(k, v.parse().unwrap());
        }
        let headers = Arc::new(headers);
        let body = r#"{"user_id":"USER1","verification_id":"load-1"}"#;
        let baseline = load(trivial_url, body, headers.clone()).await;
        let sandbox_rps = load(
            format!("{}/ppi/kyc/vkyc/status", sandbox.base_url()),
            body,
            headers,
        )
        .await;
        println!("trivial axum handler: {baseline:.0} requests/s");
        println!("sandbox status call:  {sandbox_rps:.0} requests/s");
        println!(
            "ratio sandbox / trivial: {:.3}× ({CONCURRENCY} concurrent clients, {MEASURE:?})",
            sandbox_rps / baseline
        );
        let stats = sandbox.stats();
        println!(
            "sandbox counted {} status requests",
            stats.requests[&cashfree_vkyc_sandbox::Operation::PpiStatus]
        );
    });
}

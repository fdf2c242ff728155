//! What a rate budget costs: a permit alone, in-process and through Redis,
//! and a status call against the local sandbox without a budget, with the
//! in-process one and with the Redis one, in one run. The budgets are far
//! above the pace of the benchmark, so no call waits.
//!
//! `cargo bench -p workspace-tests --bench rate_budget` (needs
//! `redis-server`; the bench starts its own on a free port).

use cashfree_vkyc::coordination::{BudgetRate, LocalBudget, RateBudget};
use cashfree_vkyc::{Client, PpiInitiateRequest};
use cashfree_vkyc_redis::Redis;
use criterion::{Criterion, criterion_group};
use std::hint::black_box;
use std::sync::Arc;
use workspace_tests::redis_server::RedisServer;

fn huge() -> BudgetRate {
    BudgetRate::new(1_000_000_000, std::time::Duration::from_secs(1)).unwrap()
}

fn bench(c: &mut Criterion) {
    let Some(redis_server) = RedisServer::start_for_bench() else {
        return;
    };
    let (_server, sandbox) = workspace_tests::bench::sandbox_server();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let local = LocalBudget::new(huge());
    let redis = runtime
        .block_on(Redis::connect(&redis_server.url()))
        .unwrap();
    let remote = redis.budget(huge());
    let client = |budget: Option<Arc<dyn RateBudget>>| {
        let builder = Client::builder("bench", "bench-secret").base_url(sandbox.base_url());
        match budget {
            Some(budget) => builder.shared_rate_budget(budget),
            None => builder,
        }
        .build()
        .unwrap()
    };
    let plain = client(None);
    let with_local = client(Some(Arc::new(local.clone())));
    let with_redis = client(Some(Arc::new(remote.clone())));
    runtime.block_on(async {
        plain
            .ppi()
            .initiate(&PpiInitiateRequest::new("bench-budget", "USER1"))
            .await
            .unwrap()
    });

    let mut group = c.benchmark_group("budget_permit");
    let second = std::time::Duration::from_secs(1);
    group.bench_function("local", |b| {
        b.iter(|| black_box(local.acquire_now(black_box("bench:ppi"), second)))
    });
    group.bench_function("redis", |b| {
        b.to_async(&runtime)
            .iter(|| async { black_box(remote.acquire("bench:ppi", second).await.unwrap()) })
    });
    // The baseline: a bare EVALSHA round trip (a script that returns at
    // once) on a connection of the same kind to the same server.
    let bare = redis::Script::new("return 1");
    let mut connection = runtime
        .block_on(
            redis::Client::open(redis_server.url())
                .unwrap()
                .get_connection_manager(),
        )
        .unwrap();
    runtime
        .block_on(bare.invoke_async::<_, i64>(&mut connection))
        .unwrap();
    group.bench_function("bare_evalsha", |b| {
        b.to_async(&runtime).iter(|| {
            let mut connection = connection.clone();
            let bare = &bare;
            async move { black_box(bare.invoke_async::<_, i64>(&mut connection).await.unwrap()) }
        })
    });
    group.finish();

    let mut group = c.benchmark_group("budget_status_call");
    for (name, client) in [
        ("no_budget", &plain),
        ("local_budget", &with_local),
        ("redis_budget", &with_redis),
    ] {
        group.bench_function(name, |b| {
            b.to_async(&runtime).iter(|| async {
                black_box(client.ppi().status("bench-budget", "USER1").await.unwrap())
            })
        });
    }
    group.finish();
    drop(redis_server);
}

criterion_group!(benches, bench);

fn main() {
    benches();
    Criterion::default().configure_from_args().final_summary();
    for (subject, baseline) in [("local_budget", "no_budget"), ("redis_budget", "no_budget")] {
        workspace_tests::bench::report_ratio("budget_status_call", subject, baseline);
    }
    workspace_tests::bench::report_ratio("budget_permit", "redis", "bare_evalsha");
    for id in ["local", "redis", "bare_evalsha"] {
        if let Some(ns) = workspace_tests::bench::median_ns("budget_permit", id) {
            println!("budget_permit/{id}: median {ns:.0} ns");
        }
    }
}

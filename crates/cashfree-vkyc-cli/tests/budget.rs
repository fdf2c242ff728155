//! `--redis URL --budget-per-minute N`: the command draws on the budget
//! the account's services share, so a script cannot push the account over
//! its limit.

mod common;

use cashfree_vkyc::coordination::{Acquire, BudgetRate, RateBudget};
use common::*;
use std::process::{Command, Stdio};
use std::time::Duration;

/// A bare `redis-server` on a free port, stopped when dropped.
struct Server(std::process::Child, u16);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn redis_server() -> Option<Server> {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .ok()?
        .port();
    let child = Command::new("redis-server")
        .args([
            "--bind",
            "127.0.0.1",
            "--port",
            &port.to_string(),
            "--save",
            "",
        ])
        .stdout(Stdio::null())
        .spawn();
    let Ok(child) = child else {
        assert!(
            std::env::var_os("CASHFREE_VKYC_REQUIRE_REDIS").is_none(),
            "redis-server is not installed"
        );
        eprintln!("skipped: redis-server is not installed");
        return None;
    };
    for _ in 0..200 {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return Some(Server(child, port));
        }
        std::thread::sleep(Duration::from_millis(25));
    }
    panic!("redis-server did not start");
}

#[tokio::test]
async fn the_command_draws_on_the_shared_budget() {
    let Some(server) = redis_server() else {
        return;
    };
    let sandbox = sandbox().await;
    let base = sandbox.base_url().to_owned();
    let url = format!("redis://127.0.0.1:{}/", server.1);
    let created = cli(&[
        "--base-url",
        &base,
        "initiate",
        "--api",
        "ppi",
        "--verification-id",
        "budget-1",
        "--user-id",
        "U1",
    ])
    .await;
    assert!(created.status.success(), "{}", text(&created.stderr));

    // A service of the same account takes every slot for the next minute
    // (2 a minute: now and in 30 s).
    let redis = cashfree_vkyc_redis::Redis::connect(&url).await.unwrap();
    let budget = redis.budget(BudgetRate::per_minute(2).unwrap());
    for _ in 0..2 {
        let slot = budget.acquire("cli_id:ppi", Duration::from_secs(60)).await;
        assert!(matches!(slot, Ok(Acquire::Granted(_))), "{slot:?}");
    }
    let status = |extra: &'static [&'static str]| {
        let base = base.clone();
        let url = url.clone();
        async move {
            let mut args = vec!["--base-url", &base, "status", "--api", "ppi"];
            args.extend(["--verification-id", "budget-1", "--user-id", "U1"]);
            args.extend(extra);
            let args: Vec<String> = args.into_iter().map(str::to_owned).collect();
            let args: Vec<String> = args
                .into_iter()
                .map(|a| if a == "URL" { url.clone() } else { a })
                .collect();
            let refs: Vec<&str> = args.iter().map(String::as_str).collect();
            cli(&refs).await
        }
    };
    // On the shared budget, the next slot is a minute away, past the
    // client's 30 s wait: refused at once, nothing sent.
    let before = sandbox.stats().requests.values().sum::<u64>();
    let out = status(&["--redis", "URL", "--budget-per-minute", "2"]).await;
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stdout));
    let stderr = text(&out.stderr);
    assert!(stderr.contains("rate budget"), "{stderr}");
    assert_eq!(sandbox.stats().requests.values().sum::<u64>(), before);
    // Without it, the same command goes through.
    let out = status(&[]).await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    // The flags go together.
    let out = status(&["--redis", "URL"]).await;
    assert_eq!(out.status.code(), Some(2));
}

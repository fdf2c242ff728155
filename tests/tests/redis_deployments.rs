//! The Redis a lender runs: TLS (`rediss://`) with a CA the test makes
//! with `openssl`, and an ACL user with a password, each against a real
//! `redis-server`; the password never shows in a message.

use cashfree_vkyc::coordination::{Acquire, BudgetRate, RateBudget};
use cashfree_vkyc_redis::Redis;
use std::time::Duration;
use workspace_tests::redis_server::RedisServer;

/// Over TLS with the server's CA given in code: the budget and the log
/// work; without it (the system's roots do not know a test CA), connecting
/// fails at once and says why.
#[tokio::test]
async fn tls_with_a_private_ca() {
    let Some(server) = RedisServer::start_tls() else {
        return;
    };
    let url = server.url();
    assert!(url.starts_with("rediss://"), "{url}");
    let redis = Redis::options()
        .tls_root_ca(server.ca_pem())
        .connect(&url)
        .await
        .unwrap();
    let budget = redis.budget(BudgetRate::per_minute(60).unwrap());
    let second = Duration::from_secs(1);
    assert_eq!(
        budget.acquire("tls:ppi", second).await.unwrap(),
        Acquire::Granted(Duration::ZERO)
    );
    assert!(matches!(
        budget.acquire("tls:ppi", second).await.unwrap(),
        Acquire::Granted(wait) if wait > Duration::from_millis(900)
    ));
    let e = Redis::options()
        .connect_timeout(Duration::from_secs(2))
        .connect(&url)
        .await
        .unwrap_err();
    let shown = e.to_string();
    assert!(shown.contains("could not connect"), "{shown}");
}

/// An ACL user with a password: the URL's credentials are used, a wrong
/// password is refused, and neither password ever shows.
#[tokio::test]
async fn an_acl_user_and_a_password_kept_out_of_messages() {
    let Some(server) = RedisServer::start_with_user("lender", "s3cret-pa55") else {
        return;
    };
    let addr = server.addr();
    let redis = Redis::connect(&format!("redis://lender:s3cret-pa55@{addr}/"))
        .await
        .unwrap();
    assert!(!format!("{redis:?}").contains("s3cret-pa55"));
    let budget = redis.budget(BudgetRate::per_minute(60).unwrap());
    assert_eq!(
        budget
            .acquire("acl:ppi", Duration::from_secs(1))
            .await
            .unwrap(),
        Acquire::Granted(Duration::ZERO)
    );
    let e = Redis::connect(&format!("redis://lender:wrong-pa55@{addr}/"))
        .await
        .unwrap_err();
    let shown = format!("{e} {e:?}");
    assert!(!shown.contains("wrong-pa55"), "{shown}");
    assert!(shown.contains("[credentials]"), "{shown}");
    // No anonymous access on this server.
    assert!(Redis::connect(&format!("redis://{addr}/")).await.is_err());
}

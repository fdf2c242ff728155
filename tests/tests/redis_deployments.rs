//! The Redis a lender runs: TLS (`rediss://`) with a CA the test makes
//! with `openssl`, and an ACL user with a password, each against a real
//! `redis-server`; the password never shows in a message.

use cashfree_vkyc::coordination::{Acquire, BudgetRate, HoldMark, RateBudget};
use cashfree_vkyc_redis::Redis;
use std::time::Duration;
use tokio::time::Instant;
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

/// A Redis Cluster of three masters: budgets and delivery logs of many
/// keys (which land on different nodes) work, with no CROSSSLOT error,
/// and a hold made through one connection is heard through another.
#[tokio::test]
async fn a_cluster_of_three_masters() {
    let Some(cluster) = workspace_tests::redis_server::RedisCluster::start() else {
        return;
    };
    let urls = cluster.urls();
    let first = Redis::connect_cluster(&urls).await.unwrap();
    let second = Redis::connect_cluster(&urls[1..]).await.unwrap();
    let (a, b) = (
        first.budget(BudgetRate::per_minute(60).unwrap()),
        second.budget(BudgetRate::per_minute(60).unwrap()),
    );
    let second_wait = Duration::from_secs(5);
    for i in 0..20 {
        let key = format!("client-{i}:ppi");
        assert_eq!(
            a.acquire(&key, second_wait).await.unwrap(),
            Acquire::Granted(Duration::ZERO),
            "{key}"
        );
        // The other instance queues behind it, on the same node.
        assert!(matches!(
            b.acquire(&key, second_wait).await.unwrap(),
            Acquire::Granted(wait) if wait > Duration::from_millis(900)
        ));
    }
    let log = first.delivery_log();
    use cashfree_vkyc::coordination::{Claim, DeliveryLog};
    for i in 0..10 {
        let key = format!("ppi|v{i}|E|S|t");
        assert_eq!(
            log.claim(&key, "t1", Duration::from_secs(5)).await.unwrap(),
            Claim::Claimed
        );
        log.done(&key, "t1", Duration::from_secs(60)).await.unwrap();
        assert_eq!(
            second
                .delivery_log()
                .claim(&key, "t2", Duration::from_secs(5))
                .await
                .unwrap(),
            Claim::Done
        );
    }
    // A hold through one connection is announced to the other.
    let before = b.hold_mark("held:ppi");
    a.hold("held:ppi", Duration::from_secs(3)).await.unwrap();
    let later = Instant::now() + Duration::from_secs(60);
    let heard = heard_within(|| b.moved("held:ppi", &mut before.clone(), later)).await;
    assert_eq!(
        heard,
        Duration::from_secs(3),
        "the hold was not announced across the cluster"
    );
}

/// Polls what `moved` answers until a hold is heard (pub/sub delivers it
/// on its own connection), for at most two seconds.
async fn heard_within(moved: impl Fn() -> Duration) -> Duration {
    for _ in 0..100 {
        let heard = moved();
        if !heard.is_zero() {
            return heard;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    Duration::ZERO
}

/// First come, first served across a hold, between two instances: the
/// slots one reserved before the other's hold move by the hold, in order,
/// and the other's next slot comes after them. A budget value written
/// before holds kept their end is read as it was.
#[tokio::test]
async fn a_hold_moves_the_slots_reserved_before_it_on_every_instance() {
    let Some(server) = RedisServer::start() else {
        return;
    };
    let url = server.url();
    let rate = BudgetRate::per_minute(60).unwrap();
    let one = Redis::connect(&url).await.unwrap().budget(rate);
    let other = Redis::connect(&url).await.unwrap().budget(rate);
    let key = "fcfs:ppi";
    let ten = Duration::from_secs(10);
    let (before, start) = (one.hold_mark(key), Instant::now());
    assert_eq!(
        one.acquire(key, ten).await.unwrap(),
        Acquire::Granted(Duration::ZERO)
    );
    let Acquire::Granted(wait) = one.acquire(key, ten).await.unwrap() else {
        panic!("the second slot was refused");
    };
    assert!(wait > Duration::from_millis(900), "{wait:?}");
    let slot = start + Duration::from_secs(1);
    other.hold(key, Duration::from_secs(3)).await.unwrap();
    assert_eq!(
        heard_within(|| one.moved(key, &mut before.clone(), slot)).await,
        Duration::from_secs(3)
    );
    assert_eq!(
        other.moved(key, &mut HoldMark::default(), slot),
        Duration::from_secs(3),
        "the instance that held notes it once"
    );
    // The next free slot was 2 s away; moved, it is 5 s.
    let Acquire::Granted(next) = other.acquire(key, ten).await.unwrap() else {
        panic!("the slot after the hold was refused");
    };
    assert!(
        next > Duration::from_millis(4500) && next <= Duration::from_secs(5),
        "{next:?}"
    );

    // A key holding the TAT alone, as earlier versions wrote it.
    let mut connection = redis::Client::open(url.as_str())
        .unwrap()
        .get_multiplexed_async_connection()
        .await
        .unwrap();
    redis::cmd("SET")
        .arg("cashfree-vkyc:budget:old:ppi")
        .arg("1")
        .query_async::<()>(&mut connection)
        .await
        .unwrap();
    assert_eq!(
        one.acquire("old:ppi", ten).await.unwrap(),
        Acquire::Granted(Duration::ZERO)
    );
    other.hold("old:ppi", Duration::from_secs(2)).await.unwrap();
}

/// The hold listener's subscription ends with the last handle: a service
/// that makes and drops handles leaves no connection behind.
#[tokio::test]
async fn the_hold_listener_ends_with_the_last_handle() {
    let Some(server) = RedisServer::start() else {
        return;
    };
    let url = server.url();
    let subscribers = || async {
        let client = redis::Client::open(url.as_str()).unwrap();
        let mut connection = client.get_multiplexed_async_connection().await.unwrap();
        let list: String = redis::cmd("CLIENT")
            .arg("LIST")
            .query_async(&mut connection)
            .await
            .unwrap();
        list.lines().filter(|l| l.contains("cmd=subscribe")).count()
    };
    let until = |want: usize| async move {
        for _ in 0..250 {
            if subscribers().await == want {
                return true;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        false
    };
    let redis = Redis::connect(&url).await.unwrap();
    let budget = redis.budget(BudgetRate::per_minute(60).unwrap());
    let second = redis.clone().budget(BudgetRate::per_minute(60).unwrap());
    assert!(until(1).await, "one listener per connection");
    drop((redis, budget));
    // A handle still lives: the listener stays.
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(subscribers().await, 1);
    drop(second);
    assert!(until(0).await, "the listener outlived its handles");
}

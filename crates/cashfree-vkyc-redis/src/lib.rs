//! [`cashfree-vkyc`](cashfree_vkyc)'s rate budget and webhook delivery log
//! on Redis: many instances of a service, one Cashfree account.
//!
//! - [`RedisBudget`] is a [`RateBudget`](cashfree_vkyc::coordination::RateBudget): a GCRA limiter in one Lua script,
//!   keyed by client id and API family, on Redis's clock. A permit is a
//!   reservation of the next free slot, first come first served across
//!   every instance, in one round trip; a 429 seen by one instance holds
//!   all, and the hold, announced over pub/sub, moves the slots reserved
//!   before it in their order.
//! - [`RedisDeliveryLog`] is a [`DeliveryLog`](cashfree_vkyc::coordination::DeliveryLog): a delivery is claimed with
//!   `SET NX PX` for a lease, then marked done or released, each a Lua
//!   script that changes the key only while the caller's claim holds it.
//!
//! ```no_run
//! use cashfree_vkyc::coordination::BudgetRate;
//! use cashfree_vkyc::webhook::{ExactlyOnce, Verifier};
//! use cashfree_vkyc::{Client, Environment};
//! use cashfree_vkyc_redis::Redis;
//!
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! // Fails at once, with the reason, if Redis does not answer.
//! let redis = Redis::connect("redis://127.0.0.1:6379/").await?;
//! let client = Client::builder("CF_CLIENT_ID", "CF_CLIENT_SECRET")
//!     .environment(Environment::Production)
//!     .rate_budget(redis.budget(BudgetRate::per_minute(100)?))
//!     .build()?;
//! let webhooks = ExactlyOnce::new(Verifier::new("CF_CLIENT_SECRET"), redis.delivery_log());
//! # let _ = (client, webhooks);
//! # Ok(()) }
//! ```
//!
//! When Redis cannot answer, both fail closed: the client sends nothing
//! ([`Error::RateBudget`](cashfree_vkyc::Error::RateBudget)) and a webhook
//! is not processed (answered 503, so Cashfree delivers it again). A
//! delivery log remembers what was done only as long as Redis keeps its
//! data: run Redis with persistence (AOF) if a restart must not forget.

#![warn(missing_docs)]

mod budget;
mod log;

pub use budget::RedisBudget;
pub use log::RedisDeliveryLog;

use cashfree_vkyc::coordination::{BudgetRate, HeardHolds, StoreError};
use redis::ScriptInvocation;
use redis::aio::{ConnectionManager, ConnectionManagerConfig};
use std::fmt;
use std::sync::{Arc, OnceLock};
use std::time::Duration;

/// The prefix of every key this crate writes, unless changed.
pub const DEFAULT_PREFIX: &str = "cashfree-vkyc:";

/// A connection to Redis, shared by the budgets and logs made from it.
/// Cheap to clone; reconnects on its own after Redis restarts.
#[derive(Clone)]
pub struct Redis {
    connection: Connection,
    client: redis::Client,
    prefix: Arc<str>,
    timeout: Duration,
    url: Arc<str>,
    /// Holds announced by any instance, by budget key, on this process's
    /// clock; filled by one listener per connection.
    holds: Arc<HeardHolds>,
    /// Set when the hold listener starts; dropped with the last handle,
    /// which ends the listener and its connection at once.
    listening: Arc<OnceLock<tokio::sync::oneshot::Sender<()>>>,
}

impl fmt::Debug for Redis {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Redis")
            .field("url", &self.url)
            .field("prefix", &self.prefix)
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

/// One Redis, or a Redis Cluster: both run the same scripts, each of
/// which touches one key, so every script runs on the node that owns its
/// key's slot and nothing fails with `CROSSSLOT`.
#[derive(Clone)]
enum Connection {
    Single(ConnectionManager),
    Cluster(redis::cluster_async::ClusterConnection),
}

/// Redis could not be reached, or the URL is not one.
#[derive(Debug, thiserror::Error)]
#[error("{message}")]
pub struct ConnectError {
    message: String,
    #[source]
    source: Option<redis::RedisError>,
}

/// How to connect: [`Redis::options`].
#[derive(Clone, Debug)]
pub struct RedisOptions {
    connect_timeout: Duration,
    timeout: Duration,
    prefix: String,
    root_ca: Option<Vec<u8>>,
}

impl Default for RedisOptions {
    fn default() -> Self {
        RedisOptions {
            connect_timeout: Duration::from_secs(2),
            timeout: Duration::from_secs(1),
            prefix: DEFAULT_PREFIX.to_owned(),
            root_ca: None,
        }
    }
}

impl RedisOptions {
    /// How long connecting may take before [`connect`](Self::connect)
    /// fails (default 2 s).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// How long one budget or log operation may take before it fails
    /// closed (default 1 s).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// The prefix of every key (default [`DEFAULT_PREFIX`]).
    pub fn prefix(mut self, prefix: impl Into<String>) -> Self {
        self.prefix = prefix.into();
        self
    }

    /// For `rediss://`: trust this CA (PEM) instead of the system's roots
    /// (a managed Redis with a private CA, or a test's own).
    pub fn tls_root_ca(mut self, pem: impl Into<Vec<u8>>) -> Self {
        self.root_ca = Some(pem.into());
        self
    }

    /// Connects to `url` and checks that Redis answers a `PING`.
    ///
    /// - `redis://host:port/db`: plain TCP;
    /// - `rediss://host:port/db`: TLS, trusting the system's roots (and
    ///   `SSL_CERT_FILE`), or the CA given with
    ///   [`tls_root_ca`](Self::tls_root_ca);
    /// - `redis://user:password@host/` (or `rediss://`): an ACL user, or
    ///   `redis://:password@host/` for a password alone. Messages show the
    ///   URL without them.
    pub async fn connect(self, url: &str) -> Result<Redis, ConnectError> {
        let shown = redact(url);
        let client = self.client(url).map_err(|e| ConnectError {
            message: format!("{shown} is not a Redis URL: {}", redact(&e.to_string())),
            source: Some(e),
        })?;
        let config = ConnectionManagerConfig::new()
            .set_connection_timeout(Some(self.connect_timeout))
            .set_response_timeout(Some(self.timeout))
            .set_number_of_retries(2)
            .set_max_delay(Duration::from_millis(500));
        let connection = self
            .answering(&format!("Redis at {shown}"), async {
                client.get_connection_manager_with_config(config).await
            })
            .await?;
        Ok(self.into_redis(Connection::Single(connection), client, shown))
    }
}

impl RedisOptions {
    /// Connects to a Redis Cluster through any of its `nodes` (URLs as
    /// for [`connect`](Self::connect); TLS and ACL users alike), and checks
    /// that it answers a `PING`. Holds are announced over the cluster's
    /// pub/sub, which every node relays.
    pub async fn connect_cluster(self, nodes: &[impl AsRef<str>]) -> Result<Redis, ConnectError> {
        let urls: Vec<&str> = nodes.iter().map(AsRef::as_ref).collect();
        let shown = urls
            .iter()
            .map(|u| redact(u))
            .collect::<Vec<_>>()
            .join(", ");
        let Some(first) = urls.first() else {
            return Err(ConnectError {
                message: "a Redis Cluster needs at least one node".into(),
                source: None,
            });
        };
        let invalid = |e: redis::RedisError| ConnectError {
            message: format!("{shown} is not a Redis Cluster: {}", redact(&e.to_string())),
            source: Some(e),
        };
        let mut builder = redis::cluster::ClusterClient::builder(urls.iter().copied())
            .connection_timeout(self.connect_timeout)
            .response_timeout(self.timeout);
        if let Some(certificates) = self.certificates() {
            builder = builder.certs(certificates);
        }
        let listener = self.client(first).map_err(invalid)?;
        let cluster = builder.build().map_err(invalid)?;
        let connection = self
            .answering(&format!("the Redis Cluster at {shown}"), async {
                cluster.get_async_connection().await
            })
            .await?;
        Ok(self.into_redis(Connection::Cluster(connection), listener, shown))
    }
}

impl RedisOptions {
    /// The CA to trust, as the redis crate takes it, when one was given.
    fn certificates(&self) -> Option<redis::TlsCertificates> {
        self.root_ca.as_ref().map(|ca| redis::TlsCertificates {
            client_tls: None,
            root_cert: Some(ca.clone()),
        })
    }

    /// A client for one URL, trusting the CA when one was given.
    fn client(&self, url: &str) -> redis::RedisResult<redis::Client> {
        match self.certificates() {
            Some(certificates) => redis::Client::build_with_tls(url, certificates),
            None => redis::Client::open(url),
        }
    }

    /// The handle over a connection that answered; `client` subscribes to
    /// holds.
    fn into_redis(self, connection: Connection, client: redis::Client, url: String) -> Redis {
        Redis {
            connection,
            client,
            prefix: self.prefix.into(),
            timeout: self.timeout,
            url: url.into(),
            holds: Arc::default(),
            listening: Arc::default(),
        }
    }

    /// A connection from `connect` that answers a `PING`, within the
    /// connect timeout; else an error that names `what` (never a password).
    async fn answering<C: redis::aio::ConnectionLike>(
        &self,
        what: &str,
        connect: impl Future<Output = redis::RedisResult<C>>,
    ) -> Result<C, ConnectError> {
        let pinged = async {
            let mut connection = connect.await?;
            redis::cmd("PING")
                .query_async::<String>(&mut connection)
                .await?;
            Ok::<_, redis::RedisError>(connection)
        };
        match tokio::time::timeout(self.connect_timeout, pinged).await {
            Ok(Ok(connection)) => Ok(connection),
            Ok(Err(e)) => Err(ConnectError {
                message: format!("could not connect to {what}: {}", redact(&e.to_string())),
                source: Some(e),
            }),
            Err(_) => Err(ConnectError {
                message: format!("{what} did not answer within {:?}", self.connect_timeout),
                source: None,
            }),
        }
    }
}

/// The URL without its password, for messages.
fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            format!("{}://[credentials]@{}", &url[..scheme], &url[at + 1..])
        }
        _ => url.to_owned(),
    }
}

impl Redis {
    /// Connects with the default options (2 s to connect, 1 s per
    /// operation, keys under [`DEFAULT_PREFIX`]).
    pub async fn connect(url: &str) -> Result<Redis, ConnectError> {
        RedisOptions::default().connect(url).await
    }

    /// Connects to a Redis Cluster with the default options; see
    /// [`RedisOptions::connect_cluster`].
    pub async fn connect_cluster(nodes: &[impl AsRef<str>]) -> Result<Redis, ConnectError> {
        RedisOptions::default().connect_cluster(nodes).await
    }

    /// Options to connect with.
    pub fn options() -> RedisOptions {
        RedisOptions::default()
    }

    /// A rate budget of `rate` per key (each client id and API family).
    /// Called inside a tokio runtime, it also starts listening for the
    /// holds other instances announce.
    pub fn budget(&self, rate: BudgetRate) -> RedisBudget {
        self.listen_for_holds();
        RedisBudget {
            redis: self.clone(),
            rate,
        }
    }

    /// The pub/sub channel holds are announced on.
    fn holds_channel(&self) -> String {
        format!("{}holds", self.prefix)
    }

    /// One listener per connection: `key<TAB>id<TAB>microseconds` messages
    /// (a hold's name and extension) are noted among the holds heard. It
    /// reconnects after Redis restarts.
    fn listen_for_holds(&self) {
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            return;
        };
        let (closing, closed) = tokio::sync::oneshot::channel();
        if self.listening.set(closing).is_err() {
            return;
        }
        let (client, channel, holds) = (
            self.client.clone(),
            self.holds_channel(),
            Arc::downgrade(&self.holds),
        );
        let listen = async move {
            use futures_util::StreamExt;
            loop {
                if let Ok(mut pubsub) = client.get_async_pubsub().await
                    && pubsub.subscribe(&channel).await.is_ok()
                {
                    let mut messages = pubsub.on_message();
                    while let Some(message) = messages.next().await {
                        let Some(holds) = holds.upgrade() else { return };
                        let text: String = message.get_payload().unwrap_or_default();
                        let mut fields = text.split('\t');
                        if let (Some(key), Some(Ok(id)), Some(Ok(micros)), None) = (
                            fields.next(),
                            fields.next().map(str::parse::<u64>),
                            fields.next().map(str::parse::<u64>),
                            fields.next(),
                        ) {
                            holds.note(key, id, Duration::from_micros(micros));
                        }
                    }
                }
                tokio::time::sleep(Duration::from_millis(500)).await;
            }
        };
        // `closed` resolves when the last handle drops the sender.
        runtime.spawn(async move {
            futures_util::future::select(std::pin::pin!(listen), closed).await;
        });
    }

    /// A delivery log.
    pub fn delivery_log(&self) -> RedisDeliveryLog {
        RedisDeliveryLog {
            redis: self.clone(),
        }
    }

    async fn run<T: redis::FromRedisValue>(
        &self,
        what: &str,
        invocation: ScriptInvocation<'_>,
    ) -> Result<T, StoreError> {
        let invoked = async {
            match self.connection.clone() {
                Connection::Single(mut c) => invocation.invoke_async(&mut c).await,
                Connection::Cluster(mut c) => invocation.invoke_async(&mut c).await,
            }
        };
        match tokio::time::timeout(self.timeout, invoked).await {
            Ok(Ok(value)) => Ok(value),
            Ok(Err(e)) => Err(StoreError::with_source(
                format!("Redis at {} could not {what}", self.url),
                e,
            )),
            Err(_) => Err(StoreError::new(format!(
                "Redis at {} did not answer within {:?} to {what}",
                self.url, self.timeout
            ))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_stay_out_of_messages() {
        assert_eq!(
            redact("redis://user:hunter2@cache:6379/0"),
            "redis://[credentials]@cache:6379/0"
        );
        assert_eq!(redact("redis://cache:6379/"), "redis://cache:6379/");
    }

    #[tokio::test]
    async fn a_redis_that_does_not_answer_fails_at_start_up() {
        // A listener that accepts and never speaks: a Redis that hangs.
        let silent = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("redis://{}/", silent.local_addr().unwrap());
        // The outer timeout only tells a hang from an answer.
        let err = tokio::time::timeout(
            Duration::from_secs(60),
            Redis::options()
                .connect_timeout(Duration::from_millis(300))
                .connect(&url),
        )
        .await
        .expect("connect hung")
        .unwrap_err();
        assert!(err.to_string().contains("did not answer"), "{err}");
        // Nothing listening at all.
        let closed = {
            let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
            l.local_addr().unwrap()
        };
        let err = Redis::connect(&format!("redis://{closed}/"))
            .await
            .unwrap_err();
        assert!(
            err.to_string().contains("could not connect to Redis"),
            "{err}"
        );
        let err = Redis::connect("http://not-redis").await.unwrap_err();
        assert!(err.to_string().contains("is not a Redis URL"), "{err}");
    }
}

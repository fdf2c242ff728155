//! The delivery log: each webhook delivery processed once, across instances.

use super::{BoxFuture, StoreError, lock};
use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::time::Instant;

/// What [`DeliveryLog::claim`] found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Claim {
    /// The delivery is this caller's to process, for the lease.
    Claimed,
    /// It was processed already.
    Done,
    /// Another caller holds a lease on it and may still be processing it.
    Busy,
}

/// Exactly-once processing of webhook deliveries, keyed by
/// [`Delivery::delivery_key`](crate::webhook::Delivery::delivery_key).
///
/// A delivery is claimed for a short lease, marked done only after its
/// handler succeeded, and released when the handler failed. So a
/// redelivery after a success is not processed again, one after a failure
/// is, and one after a crash is processed once the crashed lease expires.
/// [`ExactlyOnce`](crate::webhook::ExactlyOnce) drives a log for a webhook
/// receiver.
///
/// `token` tells the claimant apart: `done` and `release` change a key only
/// while the caller's own claim holds it, so a claimant whose lease ran out
/// cannot undo a later one.
///
/// [`LocalDeliveryLog`] serves one process; the `cashfree-vkyc-redis`
/// crate serves many.
pub trait DeliveryLog: Send + Sync + fmt::Debug {
    /// Claims `key` for `lease` unless it is done or claimed by another.
    fn claim<'a>(
        &'a self,
        key: &'a str,
        token: &'a str,
        lease: Duration,
    ) -> BoxFuture<'a, Result<Claim, StoreError>>;

    /// Marks `key` done, remembered for `keep`, if `token` still holds it.
    fn done<'a>(
        &'a self,
        key: &'a str,
        token: &'a str,
        keep: Duration,
    ) -> BoxFuture<'a, Result<(), StoreError>>;

    /// Gives `key` up, if `token` still holds it, for the next delivery.
    fn release<'a>(&'a self, key: &'a str, token: &'a str)
    -> BoxFuture<'a, Result<(), StoreError>>;
}

/// A [`DeliveryLog`] in this process's memory: a map whose entries expire.
///
/// Enough for one instance; restarts forget it. Clones share the map.
#[derive(Clone, Default)]
pub struct LocalDeliveryLog {
    entries: Arc<Mutex<HashMap<String, Entry>>>,
}

struct Entry {
    state: State,
    expires: Instant,
}

enum State {
    Claimed(String),
    Done,
}

impl fmt::Debug for LocalDeliveryLog {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LocalDeliveryLog")
            .field("entries", &lock(&self.entries).len())
            .finish()
    }
}

impl LocalDeliveryLog {
    /// An empty log.
    pub fn new() -> Self {
        Self::default()
    }

    /// The decision of [`DeliveryLog::claim`], without a future.
    pub fn claim_now(&self, key: &str, token: &str, lease: Duration) -> Claim {
        let now = Instant::now();
        let mut entries = lock(&self.entries);
        // An expiry sweep on the way, so the map holds only live entries;
        // a hashed map has no cheaper order to expire by.
        if entries.len() > 1024 && entries.len().is_power_of_two() {
            entries.retain(|_, e| e.expires > now);
        }
        match entries.get(key) {
            Some(e) if e.expires > now => match e.state {
                State::Done => Claim::Done,
                State::Claimed(_) => Claim::Busy,
            },
            _ => {
                entries.insert(
                    key.to_owned(),
                    Entry {
                        state: State::Claimed(token.to_owned()),
                        expires: now + lease,
                    },
                );
                Claim::Claimed
            }
        }
    }

    fn finish(&self, key: &str, token: &str, keep: Option<Duration>) {
        let now = Instant::now();
        let mut entries = lock(&self.entries);
        let holds = matches!(
            entries.get(key),
            Some(Entry { state: State::Claimed(t), expires }) if t == token && *expires > now
        );
        if !holds {
            return;
        }
        match keep {
            Some(keep) => {
                entries.insert(
                    key.to_owned(),
                    Entry {
                        state: State::Done,
                        expires: now + keep,
                    },
                );
            }
            None => {
                entries.remove(key);
            }
        }
    }
}

impl DeliveryLog for LocalDeliveryLog {
    fn claim<'a>(
        &'a self,
        key: &'a str,
        token: &'a str,
        lease: Duration,
    ) -> BoxFuture<'a, Result<Claim, StoreError>> {
        Box::pin(std::future::ready(Ok(self.claim_now(key, token, lease))))
    }

    fn done<'a>(
        &'a self,
        key: &'a str,
        token: &'a str,
        keep: Duration,
    ) -> BoxFuture<'a, Result<(), StoreError>> {
        self.finish(key, token, Some(keep));
        Box::pin(std::future::ready(Ok(())))
    }

    fn release<'a>(
        &'a self,
        key: &'a str,
        token: &'a str,
    ) -> BoxFuture<'a, Result<(), StoreError>> {
        self.finish(key, token, None);
        Box::pin(std::future::ready(Ok(())))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn claimed_done_released_and_expired() {
        let log = LocalDeliveryLog::new();
        let lease = Duration::from_secs(30);
        assert_eq!(log.claim_now("k", "a", lease), Claim::Claimed);
        assert_eq!(log.claim_now("k", "b", lease), Claim::Busy);
        // Only the holder can release.
        log.release("k", "b").await.unwrap();
        assert_eq!(log.claim_now("k", "b", lease), Claim::Busy);
        log.release("k", "a").await.unwrap();
        assert_eq!(log.claim_now("k", "b", lease), Claim::Claimed);
        // A crashed holder's lease runs out; its late `done` changes nothing.
        tokio::time::advance(lease + Duration::from_secs(1)).await;
        assert_eq!(log.claim_now("k", "c", lease), Claim::Claimed);
        log.done("k", "b", Duration::from_secs(60)).await.unwrap();
        assert_eq!(log.claim_now("k", "d", lease), Claim::Busy);
        log.done("k", "c", Duration::from_secs(60)).await.unwrap();
        assert_eq!(log.claim_now("k", "d", lease), Claim::Done);
        tokio::time::advance(Duration::from_secs(61)).await;
        assert_eq!(log.claim_now("k", "d", lease), Claim::Claimed);
    }
}

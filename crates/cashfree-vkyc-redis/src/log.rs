//! The webhook delivery log on Redis: `SET NX PX` claims, then done or
//! release, each only while the caller's claim holds the key.

use crate::Redis;
use cashfree_vkyc::coordination::{BoxFuture, Claim, DeliveryLog, StoreError};
use redis::Script;
use std::sync::LazyLock;
use std::time::Duration;

/// Claims with `SET NX PX`; otherwise says whether the delivery is done or
/// held by another claim.
static CLAIM: LazyLock<Script> = LazyLock::new(|| {
    Script::new(
        r"
if redis.call('SET', KEYS[1], 'claimed:' .. ARGV[1], 'NX', 'PX', ARGV[2]) then return 'claimed' end
if redis.call('GET', KEYS[1]) == 'done' then return 'done' end
return 'busy'
",
    )
});

/// Marks done (ARGV[2] ms) or releases (no ARGV[2]) only while the
/// caller's claim holds the key.
static FINISH: LazyLock<Script> = LazyLock::new(|| {
    Script::new(
        r"
if redis.call('GET', KEYS[1]) ~= 'claimed:' .. ARGV[1] then return 0 end
if ARGV[2] then
  redis.call('SET', KEYS[1], 'done', 'PX', ARGV[2])
else
  redis.call('DEL', KEYS[1])
end
return 1
",
    )
});

/// A [`DeliveryLog`] on Redis, shared by every receiver that uses the same
/// Redis and prefix.
#[derive(Clone, Debug)]
pub struct RedisDeliveryLog {
    pub(crate) redis: Redis,
}

impl RedisDeliveryLog {
    fn key(&self, key: &str) -> String {
        format!("{}delivery:{key}", self.redis.prefix)
    }
}

fn millis(d: Duration) -> u64 {
    (d.as_millis() as u64).max(1)
}

impl DeliveryLog for RedisDeliveryLog {
    fn claim<'a>(
        &'a self,
        key: &'a str,
        token: &'a str,
        lease: Duration,
    ) -> BoxFuture<'a, Result<Claim, StoreError>> {
        Box::pin(async move {
            let mut invocation = CLAIM.prepare_invoke();
            invocation.key(self.key(key)).arg(token).arg(millis(lease));
            let answer: String = self.redis.run("claim a delivery", invocation).await?;
            match answer.as_str() {
                "claimed" => Ok(Claim::Claimed),
                "done" => Ok(Claim::Done),
                "busy" => Ok(Claim::Busy),
                other => Err(StoreError::new(format!(
                    "unexpected answer {other:?} to a claim"
                ))),
            }
        })
    }

    fn done<'a>(
        &'a self,
        key: &'a str,
        token: &'a str,
        keep: Duration,
    ) -> BoxFuture<'a, Result<(), StoreError>> {
        Box::pin(async move {
            let mut invocation = FINISH.prepare_invoke();
            invocation.key(self.key(key)).arg(token).arg(millis(keep));
            self.redis
                .run::<i64>("mark a delivery done", invocation)
                .await
                .map(drop)
        })
    }

    fn release<'a>(
        &'a self,
        key: &'a str,
        token: &'a str,
    ) -> BoxFuture<'a, Result<(), StoreError>> {
        Box::pin(async move {
            let mut invocation = FINISH.prepare_invoke();
            invocation.key(self.key(key)).arg(token);
            self.redis
                .run::<i64>("release a delivery", invocation)
                .await
                .map(drop)
        })
    }
}

//! The rate budget on Redis: reservations in one Lua script, holds
//! announced over pub/sub.

use crate::Redis;
use cashfree_vkyc::coordination::{Acquire, BoxFuture, BudgetRate, RateBudget, StoreError};
use redis::Script;
use std::sync::LazyLock;
use std::time::Duration;
use tokio::time::Instant;

/// GCRA with reservations: the next free slot (the theoretical arrival
/// time, TAT, less the burst's tolerance) is the caller's if it is at most
/// ARGV[3] microseconds away, and the TAT moves one interval on; further
/// away, nothing changes. Time is Redis's, in microseconds, the same for
/// every instance. Returns {1, wait} for a reserved slot, {0, wait} for a
/// refusal.
static ACQUIRE: LazyLock<Script> = LazyLock::new(|| {
    Script::new(
        r"
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local interval = tonumber(ARGV[1])
local tolerance = tonumber(ARGV[2])
local max_wait = tonumber(ARGV[3])
local tat = tonumber(redis.call('GET', KEYS[1]) or '0')
if tat < now then tat = now end
local wait = tat - tolerance - now
if wait < 0 then wait = 0 end
if wait > max_wait then return {0, math.floor(wait)} end
local new_tat = tat + interval
redis.call('SET', KEYS[1], string.format('%.0f', new_tat), 'PX', math.ceil((new_tat - now) / 1000) + 1000)
return {1, math.floor(wait)}
",
    )
});

/// Holds the budget: no slot before now + `wait` (moves the TAT there,
/// never back), and announces it on ARGV[3] as `ARGV[4]<TAB>wait`, so
/// that slots reserved before it are not used during it.
static HOLD: LazyLock<Script> = LazyLock::new(|| {
    Script::new(
        r"
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local held = now + tonumber(ARGV[1]) + tonumber(ARGV[2])
local tat = tonumber(redis.call('GET', KEYS[1]) or '0')
if held > tat then
  redis.call('SET', KEYS[1], string.format('%.0f', held), 'PX', math.ceil((held - now) / 1000) + 1000)
end
redis.call('PUBLISH', ARGV[3], ARGV[4] .. '	' .. ARGV[1])
return 1
",
    )
});

/// A [`RateBudget`] on Redis, shared by every process that uses the same
/// Redis, prefix and keys.
#[derive(Clone, Debug)]
pub struct RedisBudget {
    pub(crate) redis: Redis,
    pub(crate) rate: BudgetRate,
}

impl RedisBudget {
    fn key(&self, key: &str) -> String {
        format!("{}budget:{key}", self.redis.prefix)
    }

    /// The microseconds between permits, and the burst tolerance.
    fn params(&self) -> (u64, u64) {
        let interval = (self.rate.interval().as_micros() as u64).max(1);
        (
            interval,
            interval * u64::from(self.rate.burst_size().saturating_sub(1)),
        )
    }
}

impl RateBudget for RedisBudget {
    fn acquire<'a>(
        &'a self,
        key: &'a str,
        max_wait: Duration,
    ) -> BoxFuture<'a, Result<Acquire, StoreError>> {
        Box::pin(async move {
            let (interval, tolerance) = self.params();
            let max_wait = u64::try_from(max_wait.as_micros()).unwrap_or(u64::MAX / 2);
            let mut invocation = ACQUIRE.prepare_invoke();
            invocation
                .key(self.key(key))
                .arg(interval)
                .arg(tolerance)
                .arg(max_wait);
            let (granted, wait): (i64, i64) = self.redis.run("reserve a slot", invocation).await?;
            let wait = Duration::from_micros(wait.max(0) as u64);
            Ok(if granted == 1 {
                Acquire::Granted(wait)
            } else {
                Acquire::Denied(wait)
            })
        })
    }

    fn held_until(&self, key: &str) -> Option<Instant> {
        let holds = self.redis.holds.lock().unwrap_or_else(|e| e.into_inner());
        holds.get(key).copied()
    }

    fn hold<'a>(&'a self, key: &'a str, wait: Duration) -> BoxFuture<'a, Result<(), StoreError>> {
        Box::pin(async move {
            let (_, tolerance) = self.params();
            Redis::note_hold(&self.redis.holds, key, wait);
            let mut invocation = HOLD.prepare_invoke();
            invocation
                .key(self.key(key))
                .arg(wait.as_micros() as u64)
                .arg(tolerance)
                .arg(self.redis.holds_channel())
                .arg(key);
            self.redis
                .run::<i64>("hold the budget", invocation)
                .await
                .map(drop)
        })
    }
}

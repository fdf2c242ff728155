//! The rate budget on Redis: reservations in one Lua script, holds
//! announced over pub/sub.

use crate::Redis;
use cashfree_vkyc::coordination::{
    Acquire, BoxFuture, BudgetRate, HoldMark, RateBudget, StoreError,
};
use redis::Script;
use std::sync::LazyLock;
use std::time::Duration;
use tokio::time::Instant;

/// The key's value, `tat hold_end` in microseconds of Redis's clock: the
/// theoretical arrival time (TAT) of the next slot, and when the latest
/// hold ends. A value of the TAT alone (written before holds kept their
/// end) reads as no hold.
const READ: &str = r"
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local value = redis.call('GET', KEYS[1]) or '0'
local tat_text, end_text = string.match(value, '^(%d+) (%d+)$')
local tat = tonumber(tat_text or value) or 0
local hold_end = tonumber(end_text or '0')
local function write(new_tat)
  redis.call('SET', KEYS[1], string.format('%.0f %.0f', new_tat, hold_end),
    'PX', math.ceil((new_tat - now) / 1000) + 1000)
end
";

/// GCRA with reservations: the next free slot (the TAT less the burst's
/// tolerance) is the caller's if it is at most ARGV[3] microseconds away,
/// and the TAT moves one interval on; further away, nothing changes. Time
/// is Redis's, the same for every instance. Returns {1, wait} for a
/// reserved slot, {0, wait} for a refusal.
static ACQUIRE: LazyLock<Script> = LazyLock::new(|| {
    Script::new(&format!(
        "{READ}{}",
        r"
local interval = tonumber(ARGV[1])
local tolerance = tonumber(ARGV[2])
local max_wait = tonumber(ARGV[3])
if tat < now then tat = now end
local wait = tat - tolerance - now
if wait < 0 then wait = 0 end
if wait > max_wait then return {0, math.floor(wait)} end
write(tat + interval)
return {1, math.floor(wait)}
"
    ))
});

/// Holds the budget until now + ARGV[1] microseconds. What that adds past
/// the latest hold's end (the extension) moves the slots reserved before
/// (all due after now) and the TAT on, but never to before the hold's end
/// and the tolerance (ARGV[2]). Announces the hold on ARGV[3] as
/// `ARGV[4]<TAB>end<TAB>extension` (its end names it), and returns the
/// two; {0, 0} when it adds nothing.
static HOLD: LazyLock<Script> = LazyLock::new(|| {
    Script::new(&format!(
        "{READ}{}",
        r"
local ends = now + tonumber(ARGV[1])
local extension = ends - math.max(hold_end, now)
if extension <= 0 then return {0, 0} end
local after_hold = ends + tonumber(ARGV[2])
local new_tat = after_hold
if tat > now then new_tat = math.max(tat + extension, after_hold) end
hold_end = ends
write(new_tat)
local name = string.format('%.0f', ends)
local moved = string.format('%.0f', extension)
redis.call('PUBLISH', ARGV[3], ARGV[4] .. '	' .. name .. '	' .. moved)
return {name, moved}
"
    ))
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

    fn hold_mark(&self, key: &str) -> HoldMark {
        self.redis.holds.mark(key)
    }

    fn moved(&self, key: &str, since: &mut HoldMark, slot: Instant) -> Duration {
        self.redis.holds.moved(key, since, slot)
    }

    fn hold<'a>(&'a self, key: &'a str, wait: Duration) -> BoxFuture<'a, Result<(), StoreError>> {
        Box::pin(async move {
            let (_, tolerance) = self.params();
            let mut invocation = HOLD.prepare_invoke();
            invocation
                .key(self.key(key))
                .arg(u64::try_from(wait.as_micros()).unwrap_or(u64::MAX / 2))
                .arg(tolerance)
                .arg(self.redis.holds_channel())
                .arg(key);
            // Noted here at once; the announcement comes back to this
            // process too, and is noted once.
            let (name, moved): (u64, u64) = self.redis.run("hold the budget", invocation).await?;
            self.redis
                .holds
                .note(key, name, Duration::from_micros(moved));
            Ok(())
        })
    }
}

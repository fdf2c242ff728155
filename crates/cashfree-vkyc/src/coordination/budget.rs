//! The rate budget: one account's requests, shared by every client.

use super::{BoxFuture, HeardHolds, HoldMark, StoreError, lock};
use std::collections::HashMap;
use std::fmt;
use std::num::NonZeroU32;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::time::Instant;

/// What a [`RateBudget`] answers when asked for a permit: a reservation
/// of the next free slot, or a refusal that takes nothing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Acquire {
    /// The next free slot is the caller's: it may send after this wait
    /// (zero: at once), without asking again. Slots are handed out first
    /// come, first served, across every client sharing the budget; a
    /// [hold](RateBudget::hold) announced after a slot was reserved moves
    /// it (see [`RateBudget::moved`]) and keeps the order.
    Granted(Duration),
    /// The next free slot is further away than the caller may wait (this
    /// far); nothing was taken.
    Denied(Duration),
}

/// The requests one Cashfree account may make, shared by every client (in
/// this process or in others) that uses the account.
///
/// Cashfree's rate limits are per merchant account, so instances that each
/// retry on their own turn one burst into a storm of 429s. A client given a
/// budget ([`ClientBuilder::rate_budget`](crate::ClientBuilder::rate_budget))
/// takes a permit before every attempt, retries included, waiting at most
/// [`ClientBuilder::max_budget_wait`](crate::ClientBuilder::max_budget_wait);
/// when none comes in time the call fails with
/// [`Error::RateLimited`](crate::Error::RateLimited) and nothing is sent.
/// When Cashfree answers 429, or says `x-ratelimit-remaining: 0`, the client
/// [holds](Self::hold) the budget until the advertised reset, which stops
/// every client sharing it.
///
/// Keys are `{client_id}:{api}` (`ppi` or `verification_suite`): one budget
/// per account and API family. [`LocalBudget`] shares one process's
/// clients; the `cashfree-vkyc-redis` crate shares many processes'.
///
/// Implementations decide atomically, one round trip per permit; the
/// waiting is the client's, so that it follows tokio's clock.
pub trait RateBudget: Send + Sync + fmt::Debug {
    /// Reserves the next free slot of `key` if it is at most `max_wait`
    /// away ([`Acquire::Granted`] with the wait), else takes nothing
    /// ([`Acquire::Denied`] with how far the next slot is).
    fn acquire<'a>(
        &'a self,
        key: &'a str,
        max_wait: Duration,
    ) -> BoxFuture<'a, Result<Acquire, StoreError>>;

    /// Grants no permit for `key` until `wait` has passed. The slots
    /// already reserved move on by what the hold adds to any hold before
    /// it, in order, and so does the next free one.
    fn hold<'a>(&'a self, key: &'a str, wait: Duration) -> BoxFuture<'a, Result<(), StoreError>>;

    /// Where the holds of `key` stand, as far as this process has heard:
    /// taken before reserving, for [`moved`](Self::moved). Answered
    /// without I/O, from a [`HeardHolds`]; the default stands nowhere.
    fn hold_mark(&self, key: &str) -> HoldMark {
        let _ = key;
        HoldMark::default()
    }

    /// How far the holds of `key` heard since `since` (a hold made here,
    /// or announced by another instance) move a slot due at `slot`; zero
    /// when none does, and by default. `since` moves past them. Answered
    /// without I/O, from a [`HeardHolds`]. The client asks when its slot
    /// comes, and waits this much more.
    fn moved(&self, key: &str, since: &mut HoldMark, slot: Instant) -> Duration {
        let _ = (key, since, slot);
        Duration::ZERO
    }
}

/// How many requests a budget allows: `requests` per `period`, and how many
/// of them may go at once.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BudgetRate {
    requests: NonZeroU32,
    period: Duration,
    burst: NonZeroU32,
}

impl BudgetRate {
    /// `requests` per minute, evenly spaced (a burst of 1): never more than
    /// `requests` in any minute, however Cashfree counts its minutes.
    /// Cashfree's Secure ID tiers allow 100, 200 or 5. Zero is a
    /// [`BuildError`](crate::BuildError).
    pub fn per_minute(requests: u32) -> Result<Self, crate::BuildError> {
        Self::new(requests, Duration::from_secs(60))
    }

    /// `requests` per `period`, evenly spaced. Zero requests or a zero
    /// period is a [`BuildError`](crate::BuildError).
    pub fn new(requests: u32, period: Duration) -> Result<Self, crate::BuildError> {
        let requests = NonZeroU32::new(requests)
            .filter(|_| !period.is_zero())
            .ok_or_else(|| {
                crate::BuildError::new("rate_budget", format!(
                    "a rate budget needs at least 1 request per non-zero period (got {requests} per {period:?})"
                ))
            })?;
        Ok(BudgetRate {
            requests,
            period,
            burst: NonZeroU32::MIN,
        })
    }

    /// Lets up to `burst` requests go at once after a quiet spell (default
    /// 1). A burst over 1 can exceed a limit counted in fixed windows: up to
    /// `requests + burst - 1` in one window.
    pub fn burst(mut self, burst: u32) -> Self {
        self.burst = NonZeroU32::new(burst).unwrap_or(NonZeroU32::MIN);
        self
    }

    /// The requests allowed per period.
    pub fn requests(&self) -> u32 {
        self.requests.get()
    }

    /// The period.
    pub fn period(&self) -> Duration {
        self.period
    }

    /// The time between two permits.
    pub fn interval(&self) -> Duration {
        self.period / self.requests.get()
    }

    /// How many permits may go at once.
    pub fn burst_size(&self) -> u32 {
        self.burst.get()
    }

    /// How far ahead of its due time a permit may go: the burst less one,
    /// in intervals.
    fn tolerance(&self) -> Duration {
        self.interval()
            .checked_mul(self.burst.get() - 1)
            .unwrap_or(Duration::MAX)
    }
}

/// A [`RateBudget`] for the clients of one process: a GCRA limiter per key,
/// on tokio's clock.
///
/// Share it by cloning (it is an `Arc` inside) or by giving every client
/// the same `Arc`:
///
/// ```
/// use cashfree_vkyc::{Client, Environment};
/// use cashfree_vkyc::coordination::{BudgetRate, LocalBudget};
/// use std::time::Duration;
///
/// let budget = LocalBudget::new(BudgetRate::per_minute(100)?);
/// let client = Client::builder("CF_CLIENT_ID", "CF_CLIENT_SECRET")
///     .environment(Environment::CashfreeSandbox)
///     .rate_budget(budget.clone())
///     .max_budget_wait(Duration::from_secs(5))
///     .build()?;
/// # Ok::<_, cashfree_vkyc::BuildError>(())
/// ```
#[derive(Clone)]
pub struct LocalBudget {
    inner: Arc<LocalInner>,
}

struct LocalInner {
    rate: BudgetRate,
    /// Each key's theoretical arrival time: when its next permit is due if
    /// requests keep the pace. Bursts are what the tolerance lets go early.
    due: Mutex<HashMap<String, Instant>>,
    /// When each key's latest hold ends.
    held: Mutex<HashMap<String, Instant>>,
    heard: HeardHolds,
}

impl fmt::Debug for LocalBudget {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LocalBudget")
            .field("rate", &self.inner.rate)
            .finish_non_exhaustive()
    }
}

impl LocalBudget {
    /// A budget of `rate` for each key.
    pub fn new(rate: BudgetRate) -> Self {
        LocalBudget {
            inner: Arc::new(LocalInner {
                rate,
                due: Mutex::default(),
                held: Mutex::default(),
                heard: HeardHolds::default(),
            }),
        }
    }

    /// The rate of each key.
    pub fn rate(&self) -> BudgetRate {
        self.inner.rate
    }

    /// The decision itself, without a future: what the trait method and
    /// the benchmarks call.
    pub fn acquire_now(&self, key: &str, max_wait: Duration) -> Acquire {
        // GCRA, as the Redis budget computes it: a permit is granted once
        // `now` is within the burst's tolerance of the key's due time, and
        // each permit moves the due time one interval on. Written out here
        // rather than taken from a rate-limiting crate: it is these few
        // lines on tokio's clock, where a crate would add its own clock
        // adapter and a dozen crates to every build of the client.
        let rate = self.inner.rate;
        let now = Instant::now();
        let mut due = lock(&self.inner.due);
        let tat = due.get(key).copied().map_or(now, |tat| tat.max(now));
        let allowed_at = tat.checked_sub(rate.tolerance()).unwrap_or(now);
        let wait = allowed_at.saturating_duration_since(now);
        if wait > max_wait {
            return Acquire::Denied(wait);
        }
        // The slot is the caller's: the next one is an interval on.
        let next = later(tat, rate.interval());
        match due.get_mut(key) {
            Some(slot) => *slot = next,
            None => {
                due.insert(key.to_owned(), next);
            }
        }
        Acquire::Granted(wait)
    }
}

impl RateBudget for LocalBudget {
    fn acquire<'a>(
        &'a self,
        key: &'a str,
        max_wait: Duration,
    ) -> BoxFuture<'a, Result<Acquire, StoreError>> {
        let decision = self.acquire_now(key, max_wait);
        Box::pin(std::future::ready(Ok(decision)))
    }

    fn hold_mark(&self, key: &str) -> HoldMark {
        self.inner.heard.mark(key)
    }

    fn moved(&self, key: &str, since: &mut HoldMark, slot: Instant) -> Duration {
        self.inner.heard.moved(key, since, slot)
    }

    fn hold<'a>(&'a self, key: &'a str, wait: Duration) -> BoxFuture<'a, Result<(), StoreError>> {
        // The hold adds what reaches past any hold before it; the reserved
        // slots (all due after `now`) move on by that, and the next free
        // one too, but never to before the hold's end and the burst's
        // tolerance, so that no permit goes early. As the Redis budget.
        let rate = self.inner.rate;
        let now = Instant::now();
        let until = later(now, wait);
        let mut held = lock(&self.inner.held);
        let ended = held.get(key).copied().unwrap_or(now);
        let extension = until.saturating_duration_since(ended.max(now));
        if extension.is_zero() {
            return Box::pin(std::future::ready(Ok(())));
        }
        held.insert(key.to_owned(), until);
        let mut due = lock(&self.inner.due);
        let after_hold = later(until, rate.tolerance());
        let next = match due.get(key) {
            Some(tat) if *tat > now => later(*tat, extension).max(after_hold),
            _ => after_hold,
        };
        due.insert(key.to_owned(), next);
        self.inner.heard.note_own(key, extension);
        Box::pin(std::future::ready(Ok(())))
    }
}

/// `t + d`, or a time a century on when that is past what an `Instant`
/// holds: a budget given absurd figures waits, it does not panic.
fn later(t: Instant, d: Duration) -> Instant {
    t.checked_add(d)
        .or_else(|| t.checked_add(Duration::from_secs(100 * 365 * 86_400)))
        .unwrap_or(t)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Reserving with no wait allowed: granted at once, or refused.
    fn now_or_wait(budget: &LocalBudget, key: &str) -> Duration {
        match budget.acquire_now(key, Duration::ZERO) {
            Acquire::Granted(wait) => wait,
            Acquire::Denied(wait) => wait,
        }
    }

    #[tokio::test(start_paused = true)]
    async fn paces_each_key_at_the_interval() {
        let budget = LocalBudget::new(BudgetRate::per_minute(60).unwrap());
        assert_eq!(
            budget.acquire_now("a", Duration::ZERO),
            Acquire::Granted(Duration::ZERO)
        );
        assert_eq!(
            budget.acquire_now("a", Duration::ZERO),
            Acquire::Denied(Duration::from_secs(1))
        );
        // Another key has its own budget.
        assert_eq!(
            budget.acquire_now("b", Duration::ZERO),
            Acquire::Granted(Duration::ZERO)
        );
        tokio::time::advance(Duration::from_millis(400)).await;
        assert_eq!(now_or_wait(&budget, "a"), Duration::from_millis(600));
        tokio::time::advance(Duration::from_millis(600)).await;
        assert_eq!(
            budget.acquire_now("a", Duration::ZERO),
            Acquire::Granted(Duration::ZERO)
        );
        // A quiet spell does not bank permits with a burst of 1.
        tokio::time::advance(Duration::from_secs(30)).await;
        assert_eq!(
            budget.acquire_now("a", Duration::ZERO),
            Acquire::Granted(Duration::ZERO)
        );
        assert_eq!(now_or_wait(&budget, "a"), Duration::from_secs(1));
    }

    /// Callers who may wait each get the next free slot, in the order they
    /// asked: first come, first served; a slot beyond the wait is refused
    /// and taken from nobody.
    #[tokio::test(start_paused = true)]
    async fn slots_are_reserved_in_order_and_refusals_take_nothing() {
        let budget = LocalBudget::new(BudgetRate::per_minute(30).unwrap());
        let ten = Duration::from_secs(10);
        let waits: Vec<_> = (0..6).map(|_| budget.acquire_now("a", ten)).collect();
        assert_eq!(
            waits,
            [0, 2, 4, 6, 8, 10].map(|s| Acquire::Granted(Duration::from_secs(s)))
        );
        assert_eq!(
            budget.acquire_now("a", ten),
            Acquire::Denied(Duration::from_secs(12))
        );
        assert_eq!(
            budget.acquire_now("a", ten),
            Acquire::Denied(Duration::from_secs(12))
        );
        tokio::time::advance(Duration::from_secs(2)).await;
        assert_eq!(
            budget.acquire_now("a", ten),
            Acquire::Granted(Duration::from_secs(10))
        );
    }

    #[tokio::test(start_paused = true)]
    async fn a_burst_goes_at_once_then_the_pace_holds() {
        let budget = LocalBudget::new(BudgetRate::per_minute(60).unwrap().burst(3));
        for _ in 0..3 {
            assert_eq!(
                budget.acquire_now("a", Duration::ZERO),
                Acquire::Granted(Duration::ZERO)
            );
        }
        assert_eq!(now_or_wait(&budget, "a"), Duration::from_secs(1));
        tokio::time::advance(Duration::from_secs(1)).await;
        assert_eq!(
            budget.acquire_now("a", Duration::ZERO),
            Acquire::Granted(Duration::ZERO)
        );
        assert_eq!(now_or_wait(&budget, "a"), Duration::from_secs(1));
    }

    #[tokio::test(start_paused = true)]
    async fn a_hold_stops_the_key_and_never_shortens() {
        let budget = LocalBudget::new(BudgetRate::per_minute(60).unwrap().burst(5));
        let before = budget.hold_mark("a");
        budget.hold("a", Duration::from_secs(5)).await.unwrap();
        budget.hold("a", Duration::from_secs(2)).await.unwrap();
        assert_eq!(now_or_wait(&budget, "a"), Duration::from_secs(5));
        // A slot reserved before is moved by the hold, once.
        let later = Instant::now() + Duration::from_secs(60);
        let mut since = before;
        assert_eq!(budget.moved("a", &mut since, later), Duration::from_secs(5));
        assert_eq!(budget.moved("a", &mut since, later), Duration::ZERO);
        assert_eq!(
            budget.moved("b", &mut before.clone(), later),
            Duration::ZERO
        );
        assert_eq!(
            budget.acquire_now("b", Duration::ZERO),
            Acquire::Granted(Duration::ZERO)
        );
        tokio::time::advance(Duration::from_secs(5)).await;
        assert_eq!(
            budget.acquire_now("a", Duration::ZERO),
            Acquire::Granted(Duration::ZERO)
        );
        // After a hold the burst starts again from empty.
        assert_eq!(now_or_wait(&budget, "a"), Duration::from_secs(1));
    }

    /// Slots reserved before a hold move by what it adds past the hold
    /// before it, and the next free slot comes after them: the order
    /// stays as reserved.
    #[tokio::test(start_paused = true)]
    async fn a_hold_moves_the_reserved_slots_and_the_next_free_one() {
        let budget = LocalBudget::new(BudgetRate::per_minute(60).unwrap());
        let second = Duration::from_secs(1);
        let (before, start) = (budget.hold_mark("a"), Instant::now());
        let waits: Vec<_> = (0..3)
            .map(|_| budget.acquire_now("a", 10 * second))
            .collect();
        assert_eq!(waits, [0, 1, 2].map(|s| Acquire::Granted(s * second)));
        tokio::time::advance(second / 2).await;
        budget.hold("a", 3 * second).await.unwrap();
        let slot = start + 2 * second;
        assert_eq!(budget.moved("a", &mut before.clone(), slot), 3 * second);
        // The next free slot was 3 s; moved, it is 6 s.
        assert_eq!(
            budget.acquire_now("a", 10 * second),
            Acquire::Granted(Duration::from_millis(5500))
        );
        // A second hold while the first lasts adds only what reaches past
        // its end (1 s), to every slot reserved before it.
        tokio::time::advance(second).await;
        budget.hold("a", 3 * second).await.unwrap();
        assert_eq!(budget.moved("a", &mut before.clone(), slot), 4 * second);
        // The slot taken at 6 s moved to 7 s; the next is 8 s.
        assert_eq!(
            budget.acquire_now("a", 10 * second),
            Acquire::Granted(Duration::from_millis(6500))
        );
    }

    #[tokio::test(start_paused = true)]
    async fn absurd_figures_wait_instead_of_panicking() {
        let slow = LocalBudget::new(BudgetRate::new(1, Duration::MAX).unwrap());
        assert_eq!(
            slow.acquire_now("a", Duration::ZERO),
            Acquire::Granted(Duration::ZERO)
        );
        assert!(now_or_wait(&slow, "a") > Duration::from_secs(86_400));
        slow.hold("b", Duration::MAX).await.unwrap();
        assert!(now_or_wait(&slow, "b") > Duration::from_secs(86_400));
        // A burst as large as a u32 on the longest period: the tolerance
        // saturates, every step stays defined.
        let wide = LocalBudget::new(BudgetRate::new(1, Duration::MAX).unwrap().burst(u32::MAX));
        for _ in 0..3 {
            assert_eq!(
                wide.acquire_now("a", Duration::ZERO),
                Acquire::Granted(Duration::ZERO)
            );
        }
        wide.hold("a", Duration::MAX).await.unwrap();
        wide.acquire_now("a", Duration::MAX);
    }
}

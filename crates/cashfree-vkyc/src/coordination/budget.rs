//! The rate budget: one account's requests, shared by every client.

use super::{BoxFuture, StoreError, lock};
use governor::clock::{Clock, Reference};
use governor::middleware::NoOpMiddleware;
use governor::nanos::Nanos;
use governor::state::{InMemoryState, NotKeyed};
use governor::{Quota, RateLimiter};
use std::collections::HashMap;
use std::fmt;
use std::num::NonZeroU32;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::time::Instant;

/// What a [`RateBudget`] answers when asked for a permit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Acquire {
    /// A permit was taken: the attempt may be sent.
    Granted,
    /// No permit is free; ask again after this long.
    Wait(Duration),
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
/// Implementations decide atomically; the waiting is the client's, so that
/// it follows tokio's clock.
pub trait RateBudget: Send + Sync + fmt::Debug {
    /// Takes a permit for `key` if one is free now.
    fn try_acquire<'a>(&'a self, key: &'a str) -> BoxFuture<'a, Result<Acquire, StoreError>>;

    /// Grants no permit for `key` until `wait` has passed.
    fn hold<'a>(&'a self, key: &'a str, wait: Duration) -> BoxFuture<'a, Result<(), StoreError>>;
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
    /// [`Config`](crate::Error::Config) error.
    pub fn per_minute(requests: u32) -> crate::Result<Self> {
        Self::new(requests, Duration::from_secs(60))
    }

    /// `requests` per `period`, evenly spaced. Zero requests or a zero
    /// period is a [`Config`](crate::Error::Config) error.
    pub fn new(requests: u32, period: Duration) -> crate::Result<Self> {
        let requests = NonZeroU32::new(requests)
            .filter(|_| !period.is_zero())
            .ok_or_else(|| {
                crate::Error::Config(format!(
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
}

/// A [`RateBudget`] for the clients of one process: a GCRA limiter per key
/// (the `governor` crate), on tokio's clock.
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
///     .environment(Environment::Sandbox)
///     .rate_budget(budget.clone())
///     .max_budget_wait(Duration::from_secs(5))
///     .build()?;
/// # Ok::<_, cashfree_vkyc::Error>(())
/// ```
#[derive(Clone)]
pub struct LocalBudget {
    inner: Arc<LocalInner>,
}

type Limiter = RateLimiter<NotKeyed, InMemoryState, TokioClock, NoOpMiddleware<TokioInstant>>;

struct LocalInner {
    rate: BudgetRate,
    clock: TokioClock,
    limiters: Mutex<HashMap<String, Arc<Limiter>>>,
    held_until: Mutex<HashMap<String, Instant>>,
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
                clock: TokioClock::default(),
                limiters: Mutex::default(),
                held_until: Mutex::default(),
            }),
        }
    }

    /// The rate of each key.
    pub fn rate(&self) -> BudgetRate {
        self.inner.rate
    }

    fn limiter(&self, key: &str) -> Arc<Limiter> {
        let mut limiters = lock(&self.inner.limiters);
        if let Some(limiter) = limiters.get(key) {
            return Arc::clone(limiter);
        }
        let rate = self.inner.rate;
        let quota = Quota::with_period(rate.interval().max(Duration::from_nanos(1)))
            .map(|q| q.allow_burst(rate.burst))
            .unwrap_or_else(|| Quota::per_second(NonZeroU32::MAX));
        let limiter = Arc::new(RateLimiter::direct_with_clock(
            quota,
            self.inner.clock.clone(),
        ));
        limiters.insert(key.to_owned(), Arc::clone(&limiter));
        limiter
    }

    /// The decision itself, without a future: what both trait methods and
    /// the benchmarks call.
    pub fn try_acquire_now(&self, key: &str) -> Acquire {
        let now = Instant::now();
        if let Some(until) = lock(&self.inner.held_until).get(key).copied()
            && until > now
        {
            return Acquire::Wait(until - now);
        }
        match self.limiter(key).check() {
            Ok(()) => Acquire::Granted,
            Err(not_until) => Acquire::Wait(not_until.wait_time_from(self.inner.clock.now())),
        }
    }
}

impl RateBudget for LocalBudget {
    fn try_acquire<'a>(&'a self, key: &'a str) -> BoxFuture<'a, Result<Acquire, StoreError>> {
        let decision = self.try_acquire_now(key);
        Box::pin(std::future::ready(Ok(decision)))
    }

    fn hold<'a>(&'a self, key: &'a str, wait: Duration) -> BoxFuture<'a, Result<(), StoreError>> {
        let until = Instant::now() + wait;
        let mut held = lock(&self.inner.held_until);
        let entry = held.entry(key.to_owned()).or_insert(until);
        *entry = (*entry).max(until);
        Box::pin(std::future::ready(Ok(())))
    }
}

/// governor's clock on tokio's time, so that a paused test clock paces the
/// limiter as it paces the client's waits.
#[derive(Clone, Debug)]
struct TokioClock {
    start: Instant,
}

impl Default for TokioClock {
    fn default() -> Self {
        TokioClock {
            start: Instant::now(),
        }
    }
}

/// Nanoseconds since the clock's start.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct TokioInstant(u64);

impl std::ops::Add<Nanos> for TokioInstant {
    type Output = TokioInstant;

    fn add(self, other: Nanos) -> TokioInstant {
        TokioInstant(self.0.saturating_add(other.as_u64()))
    }
}

impl Reference for TokioInstant {
    fn duration_since(&self, earlier: Self) -> Nanos {
        Nanos::from(self.0.saturating_sub(earlier.0))
    }

    fn saturating_sub(&self, duration: Nanos) -> Self {
        TokioInstant(self.0.saturating_sub(duration.as_u64()))
    }
}

impl Clock for TokioClock {
    type Instant = TokioInstant;

    fn now(&self) -> TokioInstant {
        let elapsed = self.start.elapsed().as_nanos();
        TokioInstant(u64::try_from(elapsed).unwrap_or(u64::MAX))
    }
}

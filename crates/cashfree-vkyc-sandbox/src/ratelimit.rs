//! A per-account rate limit, as Cashfree applies one: so many requests per
//! minute for each client id, counted in calendar minutes, 429 beyond, and
//! `x-ratelimit-*` headers on every answer.

use crate::state::lock;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::sync::Mutex;
use std::time::{SystemTime, UNIX_EPOCH};

/// How many requests one client id made in one minute.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct MinuteCount {
    /// The minute, as whole minutes since the Unix epoch.
    pub minute: u64,
    /// The client id.
    pub client_id: String,
    /// Requests served (admitted under the limit).
    pub served: u64,
    /// Requests refused with a 429 for the limit.
    pub limited: u64,
}

/// What the limit says of one request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Verdict {
    /// No limit is set.
    Unlimited,
    /// Served; `remaining` more fit in this minute.
    Served {
        limit: u32,
        remaining: u32,
        reset_secs: u64,
    },
    /// Over the limit until the minute ends.
    Limited { limit: u32, reset_secs: u64 },
}

/// The counts of the last hour at most.
const KEEP_MINUTES: u64 = 60;

#[derive(Default)]
pub(crate) struct RateLimit {
    inner: Mutex<Inner>,
}

#[derive(Default)]
struct Inner {
    per_minute: Option<u32>,
    counts: BTreeMap<(u64, String), MinuteCount>,
}

fn now_millis() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as u64)
}

impl RateLimit {
    pub fn new(per_minute: Option<u32>) -> Self {
        RateLimit {
            inner: Mutex::new(Inner {
                per_minute,
                counts: BTreeMap::new(),
            }),
        }
    }

    pub fn set(&self, per_minute: Option<u32>) {
        lock(&self.inner).per_minute = per_minute;
    }

    pub fn per_minute(&self) -> Option<u32> {
        lock(&self.inner).per_minute
    }

    /// Counts a request by `client_id` and says whether it is served.
    pub fn check(&self, client_id: &str) -> Verdict {
        let now = now_millis();
        let minute = now / 60_000;
        // Whole seconds until the minute ends, rounded up: waiting that
        // long always reaches the next minute.
        let reset_secs = (60_000 - now % 60_000).div_ceil(1000);
        let mut inner = lock(&self.inner);
        let Some(limit) = inner.per_minute else {
            return Verdict::Unlimited;
        };
        while let Some(first) = inner.counts.keys().next().cloned() {
            if first.0 + KEEP_MINUTES > minute {
                break;
            }
            inner.counts.remove(&first);
        }
        let count = inner
            .counts
            .entry((minute, client_id.to_owned()))
            .or_insert_with(|| MinuteCount {
                minute,
                client_id: client_id.to_owned(),
                ..MinuteCount::default()
            });
        if count.served >= u64::from(limit) {
            count.limited += 1;
            Verdict::Limited { limit, reset_secs }
        } else {
            count.served += 1;
            Verdict::Served {
                limit,
                remaining: limit - count.served as u32,
                reset_secs,
            }
        }
    }

    /// The counts kept, oldest minute first.
    pub fn counts(&self) -> Vec<MinuteCount> {
        lock(&self.inner).counts.values().cloned().collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn served_up_to_the_limit_per_client() {
        // The checks could straddle a minute; then try again afresh.
        for _ in 0..3 {
            let limit = RateLimit::new(Some(2));
            let before = now_millis() / 60_000;
            let verdicts: Vec<Verdict> = (0..3).map(|_| limit.check("a")).collect();
            let other = limit.check("b");
            if now_millis() / 60_000 != before {
                continue;
            }
            assert!(matches!(verdicts[0], Verdict::Served { remaining: 1, .. }));
            assert!(matches!(verdicts[1], Verdict::Served { remaining: 0, .. }));
            assert!(matches!(verdicts[2], Verdict::Limited { limit: 2, .. }));
            assert!(matches!(other, Verdict::Served { remaining: 1, .. }));
            let counts = limit.counts();
            let a = counts
                .iter()
                .find(|c| c.client_id == "a" && c.minute == before)
                .unwrap();
            assert_eq!((a.served, a.limited), (2, 1));
            return;
        }
        panic!("three minute boundaries in a row");
    }

    #[test]
    fn no_limit_counts_nothing() {
        let limit = RateLimit::new(None);
        assert_eq!(limit.check("a"), Verdict::Unlimited);
        assert!(limit.counts().is_empty());
    }
}

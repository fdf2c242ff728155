//! Holds as one process has heard of them: what keeps first come, first
//! served across a hold.
//!
//! A hold stops a budget for a while. The slots already reserved behind
//! it are not given up: the hold moves each of them, in order, by what it
//! added to the stop (its extension), and the budget's next free slot
//! moves by as much, so the callers who reserved first still go first.
//! Each caller learns of the holds announced after it reserved, and moves
//! its own slot.

use super::lock;
use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::Duration;
use tokio::time::Instant;

/// How many holds are remembered per key. A hold matters to the slots
/// reserved before it; holds come one per 429, seconds apart, so the
/// newest few cover every slot still waiting.
const REMEMBERED: usize = 32;

/// A hold as heard here.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Heard {
    /// The hold's name, the same for every instance that hears of it (the
    /// store's end of the hold): the instance that makes a hold notes it
    /// itself and hears of it again from the store.
    id: u64,
    /// Its place among the holds of its key heard here, from 1.
    seq: u64,
    /// When this process heard of it.
    at: Instant,
    /// How far it moved the slots reserved before it.
    extension: Duration,
}

/// The holds of one key heard here: how many in all, and the newest.
#[derive(Debug, Default)]
struct KeyHolds {
    count: u64,
    newest: VecDeque<Heard>,
}

/// Where a caller stands among the holds of a key: taken before it
/// reserves ([`RateBudget::hold_mark`](super::RateBudget::hold_mark)), so
/// that the holds heard after it can move its slot.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct HoldMark(u64);

/// The holds a process has heard of, per budget key, for a
/// [`RateBudget`](super::RateBudget) to answer
/// [`moved`](super::RateBudget::moved) from; the in-process budget and the
/// Redis one both keep one.
#[derive(Debug, Default)]
pub struct HeardHolds {
    by_key: Mutex<HashMap<String, KeyHolds>>,
}

impl HeardHolds {
    /// Notes that a hold named `id` moved `key`'s reserved slots by
    /// `extension`, heard now. A hold heard of twice is noted once.
    pub fn note(&self, key: &str, id: u64, extension: Duration) {
        self.note_named(key, extension, |_| id);
    }

    /// Notes a hold made here that no store announces (the in-process
    /// budget's), named by its place among the holds of `key`.
    pub(crate) fn note_own(&self, key: &str, extension: Duration) {
        self.note_named(key, extension, |holds| holds.count + 1);
    }

    fn note_named(&self, key: &str, extension: Duration, name: impl FnOnce(&KeyHolds) -> u64) {
        if extension.is_zero() {
            return;
        }
        let mut by_key = lock(&self.by_key);
        let holds = by_key.entry(key.to_owned()).or_default();
        let id = name(holds);
        if holds.newest.iter().any(|h| h.id == id) {
            return;
        }
        if holds.newest.len() == REMEMBERED {
            holds.newest.pop_front();
        }
        holds.count += 1;
        holds.newest.push_back(Heard {
            id,
            seq: holds.count,
            at: Instant::now(),
            extension,
        });
    }

    /// Where the holds of `key` stand now.
    pub fn mark(&self, key: &str) -> HoldMark {
        HoldMark(lock(&self.by_key).get(key).map_or(0, |holds| holds.count))
    }

    /// How far the holds heard since `since` move a slot due at `slot`:
    /// each hold heard by the time the slot (moved by the holds before it)
    /// came moves it by its extension. `since` moves past every hold heard
    /// so far, so that none moves the slot twice.
    pub fn moved(&self, key: &str, since: &mut HoldMark, slot: Instant) -> Duration {
        let by_key = lock(&self.by_key);
        let Some(holds) = by_key.get(key) else {
            return Duration::ZERO;
        };
        let mut moved = Duration::ZERO;
        for hold in holds.newest.iter().filter(|h| h.seq > since.0) {
            if slot.checked_add(moved).is_some_and(|due| hold.at > due) {
                // Heard after the slot came: the slot was already used.
                break;
            }
            moved = moved.saturating_add(hold.extension);
        }
        since.0 = holds.count;
        moved
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECOND: Duration = Duration::from_secs(1);

    #[tokio::test(start_paused = true)]
    async fn a_hold_moves_the_slots_reserved_before_it_and_not_later_ones() {
        let holds = HeardHolds::default();
        let reserved = holds.mark("k");
        let slot = Instant::now() + 3 * SECOND;
        tokio::time::advance(SECOND).await;
        holds.note("k", 7, 5 * SECOND);
        // Heard again (from the store, by the instance that made it).
        holds.note("k", 7, 5 * SECOND);
        let mut since = reserved;
        assert_eq!(holds.moved("k", &mut since, slot), 5 * SECOND);
        assert_eq!(holds.moved("k", &mut since, slot), Duration::ZERO, "once");
        assert_eq!(
            holds.moved("other", &mut reserved.clone(), slot),
            Duration::ZERO
        );
        // Reserved after the hold was heard, at the same instant: the
        // store had moved it.
        assert_eq!(
            holds.moved("k", &mut holds.mark("k"), slot + SECOND),
            Duration::ZERO
        );
        // A slot that came before the hold was heard was used already.
        let early = slot - 5 * SECOND / 2;
        assert_eq!(
            holds.moved("k", &mut reserved.clone(), early),
            Duration::ZERO
        );
    }

    #[tokio::test(start_paused = true)]
    async fn a_slot_moved_by_one_hold_can_meet_the_next() {
        let holds = HeardHolds::default();
        let reserved = holds.mark("k");
        let slot = Instant::now() + SECOND;
        tokio::time::advance(SECOND / 2).await;
        holds.note("k", 1, 2 * SECOND);
        tokio::time::advance(2 * SECOND).await;
        // Heard at 2.5 s: after the slot's 1 s, before its 3 s once moved.
        holds.note("k", 2, 4 * SECOND);
        assert_eq!(holds.moved("k", &mut reserved.clone(), slot), 6 * SECOND);
        tokio::time::advance(10 * SECOND).await;
        holds.note("k", 3, SECOND);
        assert_eq!(holds.moved("k", &mut reserved.clone(), slot), 6 * SECOND);
    }

    #[tokio::test(start_paused = true)]
    async fn only_the_newest_holds_are_remembered() {
        let holds = HeardHolds::default();
        let reserved = holds.mark("k");
        for id in 0..(REMEMBERED as u64 + 8) {
            tokio::time::advance(Duration::from_millis(1)).await;
            holds.note("k", id, SECOND);
        }
        let far = Instant::now() + 3600 * SECOND;
        assert_eq!(
            holds.moved("k", &mut reserved.clone(), far),
            SECOND * REMEMBERED as u32
        );
        holds.note("k", 0, Duration::ZERO);
        assert_eq!(lock(&holds.by_key)["k"].newest.len(), REMEMBERED);
        assert_eq!(holds.mark("k"), HoldMark(REMEMBERED as u64 + 8));
    }
}

//! What happened, in order, for the console: transitions, API requests,
//! webhook delivery attempts, users and tokens. Bounded: past the limit the
//! oldest entries are dropped and counted, so a sandbox left running for
//! days keeps a steady size.

use crate::model::Family;
use crate::state::lock;
use serde::Serialize;
use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use tokio::sync::broadcast;

/// One thing that happened, numbered in the order it was recorded.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct Entry {
    pub seq: u64,
    /// Epoch milliseconds.
    pub at: i64,
    #[serde(flatten)]
    pub what: What,
}

/// Why a verification moved.
#[derive(Clone, Copy, Debug, Serialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum Cause {
    /// An initiate call created it.
    Initiate,
    /// The auto-advance clock.
    Clock,
    /// A console button.
    Console,
    /// The control API (or a `SandboxHandle`).
    Control,
}

#[derive(Clone, Debug, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub(crate) enum What {
    Transition {
        family: Family,
        verification_id: String,
        user: Option<String>,
        status: String,
        sub_status: &'static str,
        is_final: bool,
        scenario: &'static str,
        cause: Cause,
    },
    Request {
        method: String,
        path: String,
        status: u16,
        request_id: String,
        family: Option<Family>,
        verification_id: Option<String>,
    },
    Delivery(Box<Delivery>),
    User {
        action: &'static str,
        user_id: String,
        user_reference_id: Option<i64>,
        name: Option<String>,
    },
    Token {
        verification_id: String,
        app_id: String,
        expires_at: Option<String>,
    },
}

/// One webhook delivery attempt, as sent and as answered. The client
/// secret it was signed with is never recorded.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct Delivery {
    /// Deliveries are numbered in the order they were sent; attempts of one
    /// delivery share its number.
    pub delivery_id: u64,
    pub attempt: u32,
    /// The delivery this one sends again, from the console or the control
    /// API.
    pub redelivery_of: Option<u64>,
    pub family: Family,
    pub verification_id: String,
    pub event_type: &'static str,
    pub event_time: String,
    pub url: String,
    /// `headers` or `body`.
    pub scheme: &'static str,
    pub headers: Vec<(String, String)>,
    pub body: String,
    pub receiver_status: Option<u16>,
    /// The first bytes of the receiver's answer.
    pub answer: Option<String>,
    pub elapsed_ms: u64,
    pub error: Option<String>,
    pub hint: Option<&'static str>,
}

struct Journal {
    entries: VecDeque<Arc<Entry>>,
    next_seq: u64,
    dropped: u64,
}

/// The journal and the live feed of new entries.
pub(crate) struct History {
    journal: Mutex<Journal>,
    limit: usize,
    feed: broadcast::Sender<Arc<Entry>>,
}

/// The entries after a point, and how many the bound has dropped.
pub(crate) struct Page {
    pub entries: Vec<Arc<Entry>>,
    pub dropped: u64,
    pub limit: usize,
}

impl History {
    pub fn new(limit: usize) -> Self {
        History {
            journal: Mutex::new(Journal {
                entries: VecDeque::new(),
                next_seq: 1,
                dropped: 0,
            }),
            limit: limit.max(1),
            feed: broadcast::channel(1024).0,
        }
    }

    /// Records `what` now; the entry's number.
    pub fn record(&self, what: What) -> u64 {
        let at = chrono::Utc::now().timestamp_millis();
        let mut journal = lock(&self.journal);
        let seq = journal.next_seq;
        journal.next_seq += 1;
        let entry = Arc::new(Entry { seq, at, what });
        if journal.entries.len() == self.limit {
            journal.entries.pop_front();
            journal.dropped += 1;
        }
        journal.entries.push_back(entry.clone());
        // Sent under the lock, so the feed's order is the journal's.
        if self.feed.receiver_count() > 0 {
            let _ = self.feed.send(entry);
        }
        seq
    }

    /// The entries numbered after `after`, oldest first.
    pub fn since(&self, after: u64) -> Page {
        let journal = lock(&self.journal);
        let start = journal.entries.partition_point(|e| e.seq <= after);
        Page {
            entries: journal.entries.range(start..).cloned().collect(),
            dropped: journal.dropped,
            limit: self.limit,
        }
    }

    /// New entries as they are recorded.
    pub fn subscribe(&self) -> broadcast::Receiver<Arc<Entry>> {
        self.feed.subscribe()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(n: usize) -> What {
        What::User {
            action: "created",
            user_id: format!("u{n}"),
            user_reference_id: None,
            name: None,
        }
    }

    #[test]
    fn the_oldest_entries_are_dropped_and_counted() {
        let history = History::new(3);
        for n in 0..5 {
            history.record(user(n));
        }
        let page = history.since(0);
        let seqs: Vec<u64> = page.entries.iter().map(|e| e.seq).collect();
        assert_eq!(seqs, [3, 4, 5]);
        assert_eq!(page.dropped, 2);
        assert_eq!(history.since(4).entries.len(), 1);
    }

    #[test]
    fn subscribers_see_entries_in_order() {
        let history = History::new(10);
        let mut feed = history.subscribe();
        history.record(user(1));
        history.record(user(2));
        assert_eq!(feed.try_recv().unwrap().seq, 1);
        assert_eq!(feed.try_recv().unwrap().seq, 2);
    }
}

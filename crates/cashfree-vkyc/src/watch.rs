//! Following one verification until it is final.

// A watch keeps a clone of the client to poll with, and the operations
// create watches (`client.ppi().watch(..)`): ops → watch → client → ops is
// a cycle by design.
use crate::client::Client;
use crate::error::{Error, Result};
use crate::status::SubStatus;
use crate::verification::{Verification, VerificationRef};
use backon::{BackoffBuilder, ExponentialBackoff, ExponentialBuilder};
use std::time::Duration;
use tokio::time::Instant;

/// Polls a verification and yields each change of sub-status, until the
/// verification is final or the deadline passes.
///
/// Polling starts every `poll_interval` (default 2 s) and slows down by
/// half again each time nothing changed, up to `max_poll_interval` (default
/// 30 s); a change resets it. Errors that a retry may cure (timeouts, 5xx,
/// 429) are retried by the client and then simply polled again; any other
/// error ends the watch.
///
/// ```no_run
/// # async fn run(client: cashfree_vkyc::Client) -> Result<(), cashfree_vkyc::WatchError> {
/// use std::time::Duration;
///
/// let mut watch = client.ppi().watch("vkyc_0001", "USER827364").deadline(Duration::from_secs(3600));
/// while let Some(update) = watch.next().await {
///     let v = update?;
///     println!("{} {} ({})", v.phase(), v.sub_status, v.outcome());
/// }
/// # Ok(()) }
/// ```
pub struct Watch {
    client: Client,
    target: VerificationRef,
    deadline: Duration,
    poll_interval: Duration,
    max_poll_interval: Duration,
    stop_on_agent_rejection: bool,
    started: Option<Instant>,
    delays: Option<ExponentialBackoff>,
    last: Option<(String, SubStatus)>,
    done: bool,
}

impl Watch {
    pub(crate) fn new(client: Client, target: VerificationRef) -> Self {
        Watch {
            client,
            target,
            deadline: Duration::from_secs(30 * 60),
            poll_interval: Duration::from_secs(2),
            max_poll_interval: Duration::from_secs(30),
            stop_on_agent_rejection: false,
            started: None,
            delays: None,
            last: None,
            done: false,
        }
    }

    /// How long to follow the verification in all (default 30 minutes).
    pub fn deadline(mut self, deadline: Duration) -> Self {
        self.deadline = deadline;
        self
    }

    /// The first and the longest wait between polls.
    pub fn poll_interval(mut self, first: Duration, max: Duration) -> Self {
        self.poll_interval = first;
        self.max_poll_interval = max.max(first);
        self
    }

    /// Whether `AGENT_REJECTED` ends the watch (default: no, keep waiting
    /// for a possible auditor review until the deadline).
    pub fn stop_on_agent_rejection(mut self, stop: bool) -> Self {
        self.stop_on_agent_rejection = stop;
        self
    }

    fn fresh_delays(&self) -> ExponentialBackoff {
        ExponentialBuilder::default()
            .with_min_delay(self.poll_interval)
            .with_max_delay(self.max_poll_interval)
            .with_factor(1.5)
            .without_max_times()
            .build()
    }

    async fn fetch(&self) -> Result<Verification> {
        self.client.status(&self.target).await
    }

    /// The next change, `None` once the verification was final, or an
    /// error that ends the watch: a call's, or the watch's own
    /// [`WatchError::DeadlineExceeded`].
    pub async fn next(&mut self) -> Option<Result<Verification, WatchError>> {
        if self.done {
            return None;
        }
        let started = *self.started.get_or_insert_with(Instant::now);
        let deadline = started + self.deadline;
        loop {
            // No delays yet means the first poll, which goes out at once.
            if let Some(delays) = self.delays.as_mut() {
                let now = Instant::now();
                if now >= deadline {
                    self.done = true;
                    let last = self
                        .last
                        .as_ref()
                        .map_or(String::new(), |(_, s)| s.to_string());
                    return Some(Err(WatchError::DeadlineExceeded {
                        waited: now - started,
                        last_sub_status: last,
                    }));
                }
                let wait = delays.next().unwrap_or(self.max_poll_interval);
                tokio::time::sleep_until((now + wait).min(deadline)).await;
            }
            let polled = self.fetch().await;
            if self.delays.is_none() {
                self.delays = Some(self.fresh_delays());
            }
            match polled {
                Ok(v) => {
                    let key = (v.status.to_string(), v.sub_status.clone());
                    if self.last.as_ref() == Some(&key) {
                        continue;
                    }
                    self.last = Some(key);
                    self.delays = Some(self.fresh_delays());
                    let agent_rejected = v.sub_status == SubStatus::AgentRejected;
                    if v.is_final() || (self.stop_on_agent_rejection && agent_rejected) {
                        self.done = true;
                    }
                    return Some(Ok(v));
                }
                Err(e) if e.is_retryable() => {
                    tracing::debug!(error = %e, "poll failed; polling again")
                }
                Err(e) => {
                    self.done = true;
                    return Some(Err(WatchError::Call(e)));
                }
            }
        }
    }

    /// Follows the verification to the end, calling `on_change` with each
    /// change, and returns the final state.
    pub async fn until_final(
        mut self,
        mut on_change: impl FnMut(&Verification),
    ) -> Result<Verification, WatchError> {
        loop {
            let v = match self.next().await {
                Some(update) => update?,
                // A watch already followed to its end: the state now.
                None => return Ok(self.fetch().await?),
            };
            on_change(&v);
            if self.done {
                return Ok(v);
            }
        }
    }
}

/// Why a [`Watch`] ended before the verification was final.
#[derive(Debug)]
#[non_exhaustive]
pub enum WatchError {
    /// A status call failed in a way a retry does not cure.
    Call(Error),
    /// The watch's deadline passed first.
    DeadlineExceeded {
        /// How long the watch ran.
        waited: Duration,
        /// The last sub-status seen, or `""` if none.
        last_sub_status: String,
    },
}

impl std::fmt::Display for WatchError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            WatchError::Call(_) => f.write_str("a status call failed"),
            WatchError::DeadlineExceeded {
                waited,
                last_sub_status,
            } => write!(
                f,
                "deadline of {waited:?} passed before the verification was final (last sub-status {last_sub_status})"
            ),
        }
    }
}

impl std::error::Error for WatchError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            WatchError::Call(e) => Some(e),
            WatchError::DeadlineExceeded { .. } => None,
        }
    }
}

impl From<Error> for WatchError {
    fn from(e: Error) -> Self {
        WatchError::Call(e)
    }
}

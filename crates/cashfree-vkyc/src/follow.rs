//! Following many open verifications at once: webhooks first, polls for
//! the ones that went quiet.

use crate::client::Client;
use crate::error::Error;
use crate::latest::Position;
use crate::lenient::LenientTime;
use crate::verification::{Api, Verification, VerificationRef};
use crate::webhook::WebhookEvent;
use std::collections::HashMap;
use std::fmt;
use std::future::{Future, poll_fn};
use std::pin::{Pin, pin};
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::sync::mpsc;
use tokio::time::Instant;

/// Follows many open verifications and yields each change of status, from
/// webhooks when they come and from polls when they do not.
///
/// Give it the events your webhook receiver verified, through an
/// [`Inbox`]; a verification not heard from (by webhook or poll) within
/// the [staleness window](Self::staleness) is polled, one call at a time,
/// within the client's [rate budget](crate::ClientBuilder::rate_budget).
/// A final verification is yielded once more and then no longer followed.
///
/// ```no_run
/// use cashfree_vkyc::{Client, Follower, VerificationRef};
/// use std::time::Duration;
///
/// # async fn run(client: Client) {
/// let (follower, inbox) = Follower::new(client);
/// let mut follower = follower.staleness(Duration::from_secs(120));
/// follower.follow_ref(VerificationRef::ppi("vkyc_0001", "USER827364"));
/// follower.follow_ref(VerificationRef::verification_suite("vkyc_0002"));
/// // In the webhook receiver: inbox.record(&event) for each verified event.
/// # let _ = inbox;
/// while let Some(change) = follower.next().await {
///     match change {
///         Ok(change) => println!("{} is now {}", change.verification.verification_id, change.verification.sub_status),
///         Err(e) => eprintln!("stopped following {}: {}", e.verification_id, e.error),
///     }
/// }
/// # }
/// ```
pub struct Follower {
    client: Client,
    staleness: Duration,
    open: HashMap<(Api, String), Entry>,
    inbox: mpsc::UnboundedReceiver<(Verification, Option<LenientTime>)>,
}

struct Entry {
    user_id: Option<String>,
    heard: Option<Instant>,
    last: Option<Position>,
}

/// Where webhook events reach a [`Follower`]. Cheap to clone; keep one in
/// the webhook receiver's state.
#[derive(Clone, Debug)]
pub struct Inbox {
    sender: mpsc::UnboundedSender<(Verification, Option<LenientTime>)>,
}

impl Inbox {
    /// Tells the follower what a verified webhook said. Returns `false`
    /// once the follower is gone.
    /// Events may come late, twice or out of order: the follower keeps
    /// the latest state by the rule of [`LatestState`](crate::LatestState).
    pub fn record(&self, event: &WebhookEvent) -> bool {
        self.sender
            .send((event.verification.clone(), event.event_time.clone()))
            .is_ok()
    }

    /// Tells the follower the state of a verification, learned elsewhere.
    pub fn record_verification(&self, verification: Verification) -> bool {
        self.sender.send((verification, None)).is_ok()
    }
}

/// A change of status, with where it was learned.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct Change {
    /// The verification as now known.
    pub verification: Verification,
    /// Whether a webhook or a poll told it.
    pub source: Source,
}

/// Where a [`Change`] was learned.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Source {
    /// A webhook event, given to the [`Inbox`].
    Webhook,
    /// A status call, because nothing was heard within the staleness window.
    Poll,
}

/// A verification the follower stopped following, and why.
#[derive(Debug)]
#[non_exhaustive]
pub struct FollowError {
    /// Its family.
    pub api: Api,
    /// Its `verification_id`.
    pub verification_id: String,
    /// What the status call returned.
    pub error: Error,
}

impl fmt::Display for FollowError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "following {} verification {}: {}",
            self.api, self.verification_id, self.error
        )
    }
}

impl std::error::Error for FollowError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.error)
    }
}

impl fmt::Debug for Follower {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Follower")
            .field("staleness", &self.staleness)
            .field("open", &self.open.len())
            .finish_non_exhaustive()
    }
}

impl Follower {
    /// A follower polling with `client`, and the inbox for its webhook
    /// events. The staleness window is 60 s.
    pub fn new(client: Client) -> (Self, Inbox) {
        let (sender, inbox) = mpsc::unbounded_channel();
        let follower = Follower {
            client,
            staleness: Duration::from_secs(60),
            open: HashMap::new(),
            inbox,
        };
        (follower, Inbox { sender })
    }

    /// How long a verification may go unheard before it is polled.
    pub fn staleness(mut self, window: Duration) -> Self {
        self.staleness = window;
        self
    }

    /// Follows a verification by name; it is polled soon unless a webhook
    /// comes first.
    pub fn follow_ref(&mut self, verification: VerificationRef) {
        let api = verification.api();
        let user_id = verification.user_id().map(str::to_owned);
        let verification_id = match verification {
            VerificationRef::Ppi {
                verification_id, ..
            }
            | VerificationRef::VerificationSuite { verification_id } => verification_id,
        };
        self.insert(api, verification_id, user_id, None);
    }

    /// Follows a verification whose state is known (what `initiate`
    /// returned): it is polled only after a staleness window without news.
    pub fn follow(&mut self, verification: &Verification) {
        let last = Position::of(verification, None);
        self.insert(
            verification.api,
            verification.verification_id.clone(),
            verification.user_id.clone(),
            Some(last),
        );
    }

    fn insert(
        &mut self,
        api: Api,
        verification_id: String,
        user_id: Option<String>,
        last: Option<Position>,
    ) {
        let heard = last.is_some().then(Instant::now);
        self.open.insert(
            (api, verification_id),
            Entry {
                user_id,
                heard,
                last,
            },
        );
    }

    /// How many verifications are followed.
    pub fn len(&self) -> usize {
        self.open.len()
    }

    /// Whether none is.
    pub fn is_empty(&self) -> bool {
        self.open.is_empty()
    }

    /// The changes as a [`Stream`](futures_core::Stream), for stream
    /// combinators; the same items as [`next`](Self::next).
    pub fn into_stream(self) -> Changes {
        Changes {
            next: Some(step(self)),
        }
    }

    /// The next change; `None` once no verification is followed.
    pub async fn next(&mut self) -> Option<Result<Change, FollowError>> {
        loop {
            while let Ok((v, time)) = self.inbox.try_recv() {
                if let Some(change) = self.apply(v, time, Source::Webhook) {
                    return Some(Ok(change));
                }
            }
            // The one heard from longest ago (never heard: at once).
            let (key, due) = self
                .open
                .iter()
                .map(|(key, e)| (key, e.heard.map(|h| h + self.staleness)))
                .min_by_key(|(_, due)| *due)
                .map(|(key, due)| (key.clone(), due))?;
            if let Some(due) = due.filter(|due| *due > Instant::now()) {
                let mut sleep = pin!(tokio::time::sleep_until(due));
                let news = poll_fn(|cx| match self.inbox.poll_recv(cx) {
                    Poll::Ready(v) => Poll::Ready(v),
                    Poll::Pending => sleep.as_mut().poll(cx).map(|()| None),
                })
                .await;
                if let Some((v, time)) = news
                    && let Some(change) = self.apply(v, time, Source::Webhook)
                {
                    return Some(Ok(change));
                }
                continue;
            }
            match self.poll(&key).await {
                Ok(v) => {
                    if let Some(change) = self.apply(v, None, Source::Poll) {
                        return Some(Ok(change));
                    }
                }
                Err(error) if error.is_retryable() => {
                    tracing::debug!(verification_id = %key.1, %error, "poll failed; polling again later");
                    if let Some(entry) = self.open.get_mut(&key) {
                        entry.heard = Some(Instant::now());
                    }
                }
                Err(error) => {
                    self.open.remove(&key);
                    let (api, verification_id) = key;
                    return Some(Err(FollowError {
                        api,
                        verification_id,
                        error,
                    }));
                }
            }
        }
    }

    async fn poll(&self, key: &(Api, String)) -> Result<Verification, Error> {
        let (api, verification_id) = key;
        let verification = match api {
            Api::VerificationSuite => VerificationRef::verification_suite(verification_id),
            Api::Ppi => {
                let user_id = self
                    .open
                    .get(key)
                    .and_then(|e| e.user_id.as_deref())
                    .ok_or_else(|| {
                        crate::error::ValidationError::new(
                            "user_id",
                            "a PPI verification is polled by its user_id, which the follower was not given",
                        )
                    })?;
                VerificationRef::ppi(verification_id, user_id)
            }
        };
        self.client.status(&verification).await
    }

    /// Records what was learned; the change, if it is one: a report the
    /// latest-state rule puts behind the last one (a late or repeated
    /// delivery) changes nothing.
    fn apply(
        &mut self,
        v: Verification,
        time: Option<LenientTime>,
        source: Source,
    ) -> Option<Change> {
        let key = (v.api, v.verification_id.clone());
        let entry = self.open.get_mut(&key)?;
        entry.heard = Some(Instant::now());
        if entry.user_id.is_none() {
            entry.user_id.clone_from(&v.user_id);
        }
        let now = Position::of(&v, time.as_ref());
        if entry
            .last
            .as_ref()
            .is_some_and(|last| !now.supersedes(last))
        {
            return None;
        }
        entry.last = Some(now);
        if v.is_final() {
            self.open.remove(&key);
        }
        Some(Change {
            verification: v,
            source,
        })
    }
}

type Step = Pin<Box<dyn Future<Output = (Option<Result<Change, FollowError>>, Follower)> + Send>>;

fn step(mut follower: Follower) -> Step {
    Box::pin(async move {
        let item = follower.next().await;
        (item, follower)
    })
}

/// A [`Follower`] as a [`Stream`](futures_core::Stream) of changes:
/// [`Follower::into_stream`].
pub struct Changes {
    /// The follower's next step; `None` once it has ended.
    next: Option<Step>,
}

impl fmt::Debug for Changes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Changes")
            .field("ended", &self.next.is_none())
            .finish()
    }
}

impl futures_core::Stream for Changes {
    type Item = Result<Change, FollowError>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let Some(next) = self.next.as_mut() else {
            return Poll::Ready(None);
        };
        let (item, follower) = std::task::ready!(next.as_mut().poll(cx));
        self.next = item.is_some().then(|| step(follower));
        Poll::Ready(item)
    }
}

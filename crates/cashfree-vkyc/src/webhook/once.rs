//! Verify, claim, handle, then mark done or release: each delivery
//! processed once across every instance that shares a delivery log.

use super::{Verifier, WebhookError, WebhookEvent};
use crate::coordination::{Claim, DeliveryLog, StoreError};
use http::{HeaderMap, StatusCode};
use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// A webhook receiver's exactly-once processing: [`Verifier::verify`], one
/// parse into a [`WebhookEvent`], [`DeliveryLog::claim`] by the event's
/// [`delivery_key`](WebhookEvent::delivery_key), then the handler with the
/// event, then `done` if it succeeded or `release` if it failed.
///
/// Cashfree delivers at least once and redelivers until it gets a 2xx, and
/// a redelivery may land on another instance. With one log shared by every
/// instance, an event is handled once: a redelivery after success is
/// acknowledged without running the handler, and one after a failure or a
/// crash (once the lease has run out) is handled. When the log cannot
/// answer, nothing is handled and the answer asks Cashfree to deliver again
/// (fail closed).
///
/// ```
/// use cashfree_vkyc::coordination::LocalDeliveryLog;
/// use cashfree_vkyc::webhook::{ExactlyOnce, Verifier};
/// # async fn receive(headers: http::HeaderMap, body: bytes::Bytes) -> http::StatusCode {
/// let once = ExactlyOnce::new(Verifier::new("client-secret"), LocalDeliveryLog::new());
/// let outcome = once
///     .process(&headers, body, |event| async move {
///         // `event.delivery_key()` is the key this delivery was claimed by.
///         println!("{} for {}", event.event_type, event.verification.verification_id);
///         Ok::<_, std::convert::Infallible>(())
///     })
///     .await;
/// // 200 when handled now or before, 401 unverified, 400 authentic but not
/// // a payload, 500 when the handler failed, 503 when another instance
/// // holds it or the log is down.
/// match &outcome {
///     Ok(done) => done.status(),
///     Err(e) => e.status(),
/// }
/// # }
/// ```
#[derive(Clone, Debug)]
pub struct ExactlyOnce {
    verifier: Verifier,
    log: Arc<dyn DeliveryLog>,
    lease: Duration,
    keep: Duration,
}

/// What happened to a delivery that was verified.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Processed {
    /// The handler ran and succeeded; the delivery is marked done.
    Handled,
    /// It was handled before (a redelivery): the handler did not run.
    AlreadyDone,
    /// Another instance holds it and may be handling it now: the handler
    /// did not run, and the answer asks Cashfree to deliver it again.
    InProgressElsewhere,
}

impl Processed {
    /// The HTTP status to answer Cashfree with: 200, or 503 so that it
    /// delivers again while another instance holds the delivery.
    pub fn status(&self) -> StatusCode {
        match self {
            Processed::Handled | Processed::AlreadyDone => StatusCode::OK,
            Processed::InProgressElsewhere => StatusCode::SERVICE_UNAVAILABLE,
        }
    }
}

/// Why a delivery was not processed.
#[derive(Debug)]
#[non_exhaustive]
pub enum ProcessError<E> {
    /// The delivery did not verify; nothing else happened.
    Unverified(WebhookError),
    /// The delivery is authentic but its body is not a webhook payload;
    /// nothing was claimed or handled.
    Unreadable(WebhookError),
    /// The delivery log could not answer; the handler did not run (or, if
    /// it ran, its outcome could not be recorded and a redelivery may run
    /// it again).
    Log(StoreError),
    /// The handler failed; the delivery was released for a redelivery.
    Handler(E),
}

impl<E> std::fmt::Display for ProcessError<E> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ProcessError::Unverified(_) => f.write_str("webhook not verified"),
            ProcessError::Unreadable(_) => {
                f.write_str("the webhook is authentic but not a payload this version reads")
            }
            ProcessError::Log(_) => f.write_str("the delivery log could not answer"),
            ProcessError::Handler(_) => f.write_str("the webhook handler failed"),
        }
    }
}

impl<E: std::error::Error + 'static> std::error::Error for ProcessError<E> {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            ProcessError::Unverified(e) | ProcessError::Unreadable(e) => Some(e),
            ProcessError::Log(e) => Some(e),
            ProcessError::Handler(e) => Some(e),
        }
    }
}

impl<E> ProcessError<E> {
    /// The HTTP status to answer Cashfree with: 401 unverified, 503 when the
    /// log is down, 500 when the handler failed. Each but 401 makes
    /// Cashfree deliver again.
    pub fn status(&self) -> StatusCode {
        match self {
            ProcessError::Unverified(_) => StatusCode::UNAUTHORIZED,
            ProcessError::Unreadable(_) => StatusCode::BAD_REQUEST,
            ProcessError::Log(_) => StatusCode::SERVICE_UNAVAILABLE,
            ProcessError::Handler(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}

impl ProcessError<std::convert::Infallible> {
    /// The same error, for any handler error type: a claim's error never
    /// holds one.
    fn widen<E>(self) -> ProcessError<E> {
        match self {
            ProcessError::Unverified(e) => ProcessError::Unverified(e),
            ProcessError::Unreadable(e) => ProcessError::Unreadable(e),
            ProcessError::Log(e) => ProcessError::Log(e),
            ProcessError::Handler(never) => match never {},
        }
    }
}

impl ExactlyOnce {
    /// Verifies with `verifier` and records in `log`; a lease of 60 s, and
    /// done deliveries remembered for 7 days.
    pub fn new(verifier: Verifier, log: impl DeliveryLog + 'static) -> Self {
        Self::with_shared_log(verifier, Arc::new(log))
    }

    /// [`new`](Self::new) with a log already shared.
    pub fn with_shared_log(verifier: Verifier, log: Arc<dyn DeliveryLog>) -> Self {
        ExactlyOnce {
            verifier,
            log,
            lease: Duration::from_secs(60),
            keep: Duration::from_secs(7 * 24 * 3600),
        }
    }

    /// How long a claim holds before another instance may take the
    /// delivery over (default 60 s): longer than the handler takes.
    pub fn lease(mut self, lease: Duration) -> Self {
        self.lease = lease;
        self
    }

    /// How long a handled delivery is remembered (default 7 days): longer
    /// than Cashfree goes on redelivering.
    pub fn keep(mut self, keep: Duration) -> Self {
        self.keep = keep;
        self
    }

    /// The verifier.
    pub fn verifier(&self) -> &Verifier {
        &self.verifier
    }

    /// Verifies and claims a delivery: the first half of
    /// [`process`](Self::process), for callers that finish it themselves
    /// (the axum extractor does).
    pub async fn claim<B: AsRef<[u8]>>(
        &self,
        headers: &HeaderMap,
        body: B,
    ) -> Result<Claimed, ProcessError<std::convert::Infallible>> {
        let delivery = self
            .verifier
            .verify(headers, body)
            .map_err(ProcessError::Unverified)?;
        // The one parse: the event and the key it is claimed by.
        let event = delivery.parse().map_err(ProcessError::Unreadable)?;
        let token = fresh_token();
        let claim = self
            .log
            .claim(event.delivery_key(), &token, self.lease)
            .await
            .map_err(ProcessError::Log)?;
        Ok(match claim {
            Claim::Claimed => Claimed::Yours(ClaimedDelivery {
                event,
                token,
                once: self.clone(),
            }),
            Claim::Done => Claimed::Not(Processed::AlreadyDone),
            Claim::Busy => Claimed::Not(Processed::InProgressElsewhere),
        })
    }

    /// Verifies `body`, claims it, runs `handler` on it if the claim is
    /// this caller's, then marks it done (the handler succeeded) or releases
    /// it (it failed).
    pub async fn process<B, F, Fut, E>(
        &self,
        headers: &HeaderMap,
        body: B,
        handler: F,
    ) -> Result<Processed, ProcessError<E>>
    where
        B: AsRef<[u8]>,
        F: FnOnce(WebhookEvent) -> Fut,
        Fut: Future<Output = Result<(), E>>,
    {
        let claimed = match self
            .claim(headers, body)
            .await
            .map_err(ProcessError::widen)?
        {
            Claimed::Yours(claimed) => claimed,
            Claimed::Not(processed) => return Ok(processed),
        };
        let (event, finish) = claimed.into_parts();
        match handler(event).await {
            Ok(()) => finish
                .done()
                .await
                .map(|()| Processed::Handled)
                .map_err(ProcessError::Log),
            Err(e) => {
                // The redelivery is handled even if this release is lost:
                // the lease runs out.
                if let Err(log) = finish.release().await {
                    tracing::warn!(error = %log, "could not release a failed delivery");
                }
                Err(ProcessError::Handler(e))
            }
        }
    }
}

/// What [`ExactlyOnce::claim`] found.
// Made once per delivery and matched at once: boxing the claim would cost
// an allocation for nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Debug)]
pub enum Claimed {
    /// The delivery is the caller's to handle; finish it with
    /// [`ClaimedDelivery::done`] or [`ClaimedDelivery::release`].
    Yours(ClaimedDelivery),
    /// Nothing to handle: answer with [`Processed::status`].
    Not(Processed),
}

/// A verified delivery claimed for this caller.
///
/// Dropped without [`done`](Self::done) or [`release`](Self::release), the
/// claim stays until its lease runs out, and the redelivery after that is
/// handled.
pub struct ClaimedDelivery {
    event: WebhookEvent,
    token: String,
    once: ExactlyOnce,
}

impl std::fmt::Debug for ClaimedDelivery {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The event holds personal data; its key says which it is.
        f.debug_struct("ClaimedDelivery")
            .field("key", &self.event.delivery_key())
            .finish_non_exhaustive()
    }
}

/// The claim of a [`ClaimedDelivery`] whose delivery was taken out.
#[derive(Debug)]
pub struct ClaimTicket {
    key: String,
    token: String,
    once: ExactlyOnce,
}

impl ClaimedDelivery {
    /// The verified delivery, read.
    pub fn event(&self) -> &WebhookEvent {
        &self.event
    }

    /// The key it was claimed by.
    pub fn key(&self) -> &str {
        self.event.delivery_key()
    }

    /// The event, and the claim to finish separately.
    pub fn into_parts(self) -> (WebhookEvent, ClaimTicket) {
        let ticket = ClaimTicket {
            key: self.event.key.clone(),
            token: self.token,
            once: self.once,
        };
        (self.event, ticket)
    }

    /// Marks the delivery handled: redeliveries are acknowledged without
    /// handling.
    pub async fn done(self) -> Result<Processed, StoreError> {
        self.into_parts()
            .1
            .done()
            .await
            .map(|()| Processed::Handled)
    }

    /// Gives the delivery up, so that its redelivery is handled.
    pub async fn release(self) -> Result<(), StoreError> {
        self.into_parts().1.release().await
    }
}

impl ClaimTicket {
    /// Marks the delivery handled.
    pub async fn done(self) -> Result<(), StoreError> {
        let once = &self.once;
        once.log.done(&self.key, &self.token, once.keep).await
    }

    /// Gives the delivery up for its redelivery.
    pub async fn release(self) -> Result<(), StoreError> {
        self.once.log.release(&self.key, &self.token).await
    }
}

/// A token no other claim uses: the process id, a counter, the time, and
/// the process's random hashing keys, hashed. It only has to differ from
/// other claimants' tokens, not be secret.
fn fresh_token() -> String {
    use std::hash::{BuildHasher, Hasher};
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    static KEYS: std::sync::OnceLock<std::collections::hash_map::RandomState> =
        std::sync::OnceLock::new();
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    let mut hasher = KEYS.get_or_init(Default::default).build_hasher();
    hasher.write_u32(std::process::id());
    hasher.write_u64(n);
    hasher.write_u128(nanos);
    format!("{:08x}-{n:x}-{:016x}", std::process::id(), hasher.finish())
}

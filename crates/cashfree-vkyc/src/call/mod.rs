//! One call, attempt by attempt: a permit from the rate budget, a fresh
//! 2FA signature, the generated operation, and what its answer means —
//! done, or worth another attempt after a wait.
//!
//! Each attempt calls the generated method anew, so every attempt is built
//! and signed afresh; the generated code reads the answer once (within
//! the body limit the client sets) and hands back its bytes with the
//! decoded value or inside its error.

use crate::client::Client;
use crate::coordination::RateBudget;
use crate::error::{ApiError, DecodeError, Error, Result, ValidationError};
use crate::retry::RetryPolicy;
use crate::verification::Api;
use bytes::Bytes;
use cashfree_vkyc_raw::runtime::{Error as RawError, Response, ResponseValue};
use http::StatusCode;
use serde::de::DeserializeOwned;
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

mod budget;
use budget::{hold_budget, learn, permit};

/// What a client does between attempts, handed to the callback given to
/// [`ClientBuilder::on_event`](crate::ClientBuilder::on_event), to report
/// progress or count retries. None of it holds a secret or a body.
#[non_exhaustive]
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CallEvent {
    /// An attempt failed in a way worth retrying; the next is sent after
    /// `wait`.
    Retry {
        /// The operation (`ppi.status`, `verification_suite.initiate`).
        operation: &'static str,
        /// The attempt that failed, from 1.
        attempt: u32,
        /// How long the client waits before the next one.
        wait: Duration,
        /// Why the attempt failed.
        reason: RetryReason,
    },
    /// The rate budget has no permit yet; the attempt waits this long.
    BudgetWait {
        /// The operation.
        operation: &'static str,
        /// How long until the permit.
        wait: Duration,
    },
    /// Cashfree said the account's limit is reached (a 429, or
    /// `x-ratelimit-remaining: 0`): every client sharing the budget holds
    /// this long.
    BudgetHold {
        /// The operation whose answer said so.
        operation: &'static str,
        /// How long the budget holds.
        wait: Duration,
    },
}

/// Why an attempt is retried.
#[non_exhaustive]
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RetryReason {
    /// Cashfree answered with this status (429 or a 5xx).
    Status(u16),
    /// No answer came in time.
    TimedOut,
    /// No connection could be made (the innermost cause).
    Connect(String),
    /// The connection broke before the answer was whole (the innermost
    /// cause).
    Broken(String),
}

impl fmt::Display for RetryReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RetryReason::Status(status) => write!(f, "Cashfree answered {status}"),
            RetryReason::TimedOut => f.write_str("the request timed out"),
            RetryReason::Connect(cause) => write!(f, "could not connect: {cause}"),
            RetryReason::Broken(cause) => write!(f, "the connection failed: {cause}"),
        }
    }
}

/// A callback for [`CallEvent`]s.
pub(crate) type OnEvent = Arc<dyn Fn(&CallEvent) + Send + Sync>;

/// What every call of a client needs, built once by the client.
pub(crate) struct Shared {
    pub(crate) client_id: String,
    /// The host requests go to, for the call's span.
    pub(crate) server: String,
    pub(crate) retry: RetryPolicy,
    pub(crate) budget: Option<Arc<dyn RateBudget>>,
    pub(crate) max_budget_wait: Duration,
    pub(crate) on_event: Option<OnEvent>,
    #[cfg(feature = "two-factor")]
    pub(crate) signer: Option<crate::signing::Signer>,
}

/// Which operation a call is.
#[derive(Clone, Copy)]
pub(crate) struct Op {
    pub(crate) api: Api,
    /// `ppi.status`, as spans and events name it.
    pub(crate) name: &'static str,
    pub(crate) method: &'static str,
}

impl Op {
    pub(crate) const fn new(api: Api, name: &'static str, method: &'static str) -> Op {
        Op { api, name, method }
    }
}

/// A success, with what the call's caller needs of the answer.
pub(crate) struct Answered<T> {
    /// Boxed from the moment it is read: the decoded value is hundreds
    /// of bytes, and each step from the wire to the view would otherwise
    /// copy it whole.
    response: Box<ResponseValue<T>>,
    pub(crate) request_id: Option<String>,
}

impl<T> Answered<T> {
    /// The decoded value and the body it was decoded from. (Inlined, so
    /// that the value's fields are moved out of the box one by one, not
    /// copied whole first.)
    #[inline(always)]
    pub(crate) fn into_parts(self) -> (T, Bytes, Option<String>) {
        let (value, body, _) = self.response.into_parts();
        (value, body, self.request_id)
    }

    /// `f` of the decoded value and the request id.
    #[inline(always)]
    pub(crate) fn then<R>(self, f: impl FnOnce(T, Option<String>) -> R) -> R {
        f(self.response.into_inner(), self.request_id)
    }
}

/// What the attempts of a call learned besides its result.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Facts {
    /// An attempt may have been processed by Cashfree without its answer
    /// reaching us (a timeout, a broken connection, a 5xx).
    pub(crate) ambiguous: bool,
}

/// What one attempt came to.
enum Turn<T> {
    Done(Result<Answered<T>>),
    /// Worth another attempt, after the advertised wait if there is one;
    /// the error is the call's answer if none is left.
    Again(RetryReason, Option<Duration>, Error),
}

/// An attempt's outcome with every answer read. The answers are boxed
/// (see [`Answered`]).
enum Outcome<T> {
    Decoded(Box<ResponseValue<T>>),
    /// An answer that is not the documented success: an error status, an
    /// undocumented status, or a body that did not decode.
    Answer(Box<ResponseValue<()>>),
    TooLarge(Box<ResponseValue<()>>, usize),
    Unsent(reqwest::Error),
    Broken(reqwest::Error),
    Invalid(String),
}

impl<T> Outcome<T> {
    /// The outcome, or the undocumented answer the generated code left
    /// unread (read by [`Outcome::unread`]). Not `async`: an attempt's
    /// future stays small when only that one case waits.
    fn of<E>(
        outcome: std::result::Result<ResponseValue<T>, RawError<E>>,
    ) -> std::result::Result<Self, Box<Response>> {
        Ok(match outcome {
            Ok(value) => Outcome::Decoded(Box::new(value)),
            Err(RawError::ErrorResponse(value)) => Outcome::Answer(Box::new(value.map(|_| ()))),
            Err(RawError::InvalidResponsePayload(value, _)) => Outcome::Answer(Box::new(value)),
            // The generated code leaves an undocumented status unread.
            Err(RawError::UnexpectedResponse(response)) => return Err(Box::new(response)),
            Err(RawError::ResponseTooLarge(value, limit)) => {
                Outcome::TooLarge(Box::new(value), limit)
            }
            Err(RawError::CommunicationError(e)) if e.is_connect() => Outcome::Unsent(e),
            Err(RawError::CommunicationError(e) | RawError::ResponseBodyError(e)) => {
                Outcome::Broken(e)
            }
            Err(RawError::InvalidRequest(rule)) => Outcome::Invalid(rule),
        })
    }

    /// Reads an undocumented answer within the body limit.
    async fn unread(response: Box<Response>) -> Self {
        match ResponseValue::read::<()>(*response).await {
            Ok(value) => Outcome::Answer(Box::new(value)),
            Err(RawError::ResponseTooLarge(value, limit)) => {
                Outcome::TooLarge(Box::new(value), limit)
            }
            Err(RawError::ResponseBodyError(e)) => Outcome::Broken(e),
            Err(other) => Outcome::Invalid(other.to_string()),
        }
    }
}

/// The span of one call, named with OpenTelemetry's HTTP client
/// attributes; it never holds a secret or a body.
pub(crate) fn span(shared: &Shared, op: Op, verification_id: &str) -> tracing::Span {
    tracing::info_span!(
        "cashfree_vkyc",
        operation = op.name,
        verification_id,
        http.request.method = op.method,
        server.address = shared.server.as_str(),
        http.response.status_code = tracing::field::Empty,
        http.request.resend_count = tracing::field::Empty,
        error.r#type = tracing::field::Empty,
        request_id = tracing::field::Empty,
    )
}

impl Shared {
    fn emit(&self, event: CallEvent) {
        if let Some(on_event) = &self.on_event {
            on_event(&event);
        }
    }

    /// A fresh `x-cf-signature` for a Verification Suite attempt, when a
    /// public key is configured.
    pub(crate) fn signature(&self, api: Api) -> Result<Option<String>> {
        #[cfg(feature = "two-factor")]
        if api == Api::VerificationSuite
            && let Some(signer) = &self.signer
        {
            return signer.sign(&self.client_id).map(Some);
        }
        let _ = api;
        Ok(None)
    }

    /// This family's key in the rate budget: `{client_id}:{api}`.
    fn budget_key(&self, api: Api) -> String {
        format!("{}:{}", self.client_id, api.as_str())
    }
}

/// Awaits `$call` inside the call's span, named `$span` for the call to
/// record on. A span nobody records (no subscriber, or one that filters
/// out `info`) is not entered: the call's future is then neither wrapped
/// nor moved into a wrapper, which is a measurable share of a call.
macro_rules! traced {
    ($make:expr, |$span:ident| $call:expr) => {{
        let $span: tracing::Span = $make;
        if $span.is_disabled() {
            $call.await
        } else {
            let entered = $span.clone();
            tracing::Instrument::instrument($call, entered).await
        }
    }};
}
pub(crate) use traced;

/// Runs a call: each attempt is `send(signature)`, a generated operation.
/// What the answers tell is recorded on `span`, the call's.
pub(crate) async fn run<T, E, F, Fut>(
    client: &Client,
    op: Op,
    span: &tracing::Span,
    mut send: F,
) -> (Result<Answered<T>>, Facts)
where
    T: DeserializeOwned,
    F: FnMut(Option<String>) -> Fut,
    Fut: Future<Output = std::result::Result<ResponseValue<T>, RawError<E>>>,
{
    let shared = &client.inner.shared;
    let mut facts = Facts::default();
    // Built at the first retry: most calls need none.
    let mut backoff = None;
    let mut attempt = 0u32;
    loop {
        attempt += 1;
        let sent = attempt - 1;
        if sent > 0 {
            span.record("http.request.resend_count", sent);
        }
        let signed = match permit(shared, op, sent).await {
            Ok(()) => shared.signature(op.api),
            Err(e) => Err(e),
        };
        let turn = match signed {
            Ok(signature) => {
                let outcome = match Outcome::of(send(signature).await) {
                    Ok(outcome) => outcome,
                    Err(unread) => Outcome::unread(unread).await,
                };
                let (turn, hold) = read(shared, span, attempt, outcome, &mut facts);
                if let Some(wait) = hold {
                    hold_budget(shared, op, wait).await;
                }
                turn
            }
            Err(e) => Turn::Done(Err(e)),
        };
        let (reason, advertised, error) = match turn {
            Turn::Done(result) => {
                if let Err(e) = &result {
                    span.record("error.type", e.kind());
                }
                return (result, facts);
            }
            Turn::Again(reason, advertised, error) => (reason, advertised, error),
        };
        // The advertised wait replaces the computed one, unless it is
        // longer than the policy sits out.
        let computed = backoff.get_or_insert_with(|| shared.retry.backoff()).next();
        let wait = match (computed, advertised) {
            (Some(_), Some(advertised)) if advertised <= shared.retry.max_retry_after => {
                Some(advertised)
            }
            (Some(computed), None) => Some(computed),
            _ => None,
        };
        let Some(wait) = wait else {
            span.record("error.type", error.kind());
            return (Err(error), facts);
        };
        tracing::info!(attempt, %reason, ?wait, "retrying");
        shared.emit(CallEvent::Retry {
            operation: op.name,
            attempt,
            wait,
            reason,
        });
        tokio::time::sleep(wait).await;
    }
}

/// What every answer tells: its status and request id go on the call's
/// span; the request id, for the caller, and how long the budget holds.
fn observe<T>(
    shared: &Shared,
    span: &tracing::Span,
    attempt: u32,
    answer: &ResponseValue<T>,
) -> (Option<String>, Option<Duration>) {
    let status = answer.status().as_u16();
    span.record("http.response.status_code", status);
    let hold = learn(shared, answer.status(), answer.headers());
    let request_id = answer.request_id().map(str::to_owned);
    if let Some(id) = &request_id {
        span.record("request_id", id.as_str());
    }
    tracing::debug!(attempt, status, "answer");
    (request_id, hold)
}

/// What one attempt's outcome means, and how long the rate budget must
/// hold after it.
fn read<T: DeserializeOwned>(
    shared: &Shared,
    span: &tracing::Span,
    attempt: u32,
    outcome: Outcome<T>,
    facts: &mut Facts,
) -> (Turn<T>, Option<Duration>) {
    let answer = match outcome {
        Outcome::Decoded(value) => {
            let (request_id, hold) = observe(shared, span, attempt, &value);
            let answered = Answered {
                response: value,
                request_id,
            };
            return (Turn::Done(Ok(answered)), hold);
        }
        Outcome::Answer(value) => value,
        Outcome::TooLarge(value, limit) => {
            span.record("http.response.status_code", value.status().as_u16());
            let error = Error::ResponseTooLarge {
                status: value.status().as_u16(),
                limit,
                request_id: value.request_id().map(str::to_owned),
            };
            return (Turn::Done(Err(error)), None);
        }
        Outcome::Unsent(e) => {
            let reason = RetryReason::Connect(crate::error::root_cause(&e));
            let error = Error::Transport {
                attempts: attempt,
                connect: true,
                host: shared.server.clone(),
                source: Box::new(e),
            };
            return (Turn::Again(reason, None, error), None);
        }
        Outcome::Broken(e) => {
            // The request may have reached Cashfree.
            facts.ambiguous = true;
            let (reason, error) = if e.is_timeout() {
                (
                    RetryReason::TimedOut,
                    Error::Timeout {
                        attempts: attempt,
                        host: shared.server.clone(),
                        source: Box::new(e),
                    },
                )
            } else {
                (
                    RetryReason::Broken(crate::error::root_cause(&e)),
                    Error::Transport {
                        attempts: attempt,
                        connect: false,
                        host: shared.server.clone(),
                        source: Box::new(e),
                    },
                )
            };
            return (Turn::Again(reason, None, error), None);
        }
        Outcome::Invalid(rule) => {
            let error = ValidationError::new("request", rule).into();
            return (Turn::Done(Err(error)), None);
        }
    };
    let status = answer.status();
    let (request_id, hold) = observe(shared, span, attempt, &answer);
    if status.is_success() {
        // An undocumented success status (201, say) is still a success; a
        // success body that is not the documented JSON is a decode error
        // that names the field and never the value.
        let result = DecodeError::check::<T>(status.as_u16(), request_id.clone(), answer.body())
            .map(|value| Answered {
                response: Box::new(answer.map(|()| value)),
                request_id,
            })
            .map_err(Error::from);
        return (Turn::Done(result), hold);
    }
    let (_, body, headers) = answer.into_parts();
    // A documented error status whose body is not Cashfree's JSON (a
    // gateway's HTML page, say) is still that error.
    let advertised = crate::retry::advertised_wait(&headers);
    let error = Error::from(ApiError::parse(status.as_u16(), &headers, body));
    if status == StatusCode::TOO_MANY_REQUESTS || status.is_server_error() {
        if status.is_server_error() {
            facts.ambiguous = true;
        }
        let reason = RetryReason::Status(status.as_u16());
        return (Turn::Again(reason, advertised, error), hold);
    }
    (Turn::Done(Err(error)), hold)
}

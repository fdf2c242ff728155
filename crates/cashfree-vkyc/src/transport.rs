//! The hooks every generated request runs through: credentials, retries
//! with backoff, fresh 2FA signatures, and a copy of the final response
//! body so that nothing Cashfree sends is lost.

use crate::coordination::{Acquire, RateBudget, StoreError};
use crate::error::REQUEST_ID;
use crate::retry::RetryPolicy;
use bytes::Bytes;
use cashfree_vkyc_raw::{OperationInfo, Transport, TransportFuture};
use http::{HeaderMap, HeaderName, HeaderValue, StatusCode};
use reqwest::ResponseBuilderExt;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

const X_CLIENT_ID: HeaderName = HeaderName::from_static("x-client-id");
const X_CLIENT_SECRET: HeaderName = HeaderName::from_static("x-client-secret");
#[cfg(feature = "two-factor")]
const X_CF_SIGNATURE: HeaderName = HeaderName::from_static("x-cf-signature");
/// progenitor's own header, from the document's `info.version`; Cashfree
/// reads only `x-api-version`.
const API_VERSION: HeaderName = HeaderName::from_static("api-version");

/// What every request needs: built by the client, read by its transports.
pub(crate) struct Shared {
    pub(crate) client_id: String,
    pub(crate) client_id_header: HeaderValue,
    pub(crate) client_secret_header: HeaderValue,
    pub(crate) retry: RetryPolicy,
    pub(crate) max_response_bytes: usize,
    pub(crate) budget: Option<Arc<dyn RateBudget>>,
    pub(crate) max_budget_wait: Duration,
    pub(crate) set_user_agent: bool,
    #[cfg(feature = "two-factor")]
    pub(crate) signer: Option<crate::signing::Signer>,
}

// Why a task-local: the generated client's `send()` hands the facade a
// `ResponseValue` that has already dropped the response's bytes and most
// headers, and an error that has dropped them too. The facade needs both
// (the body for `Verification::raw`, decode errors and error bodies; the
// request id; whether an attempt was ambiguous). The transport runs inside
// `send()` on the same task, so the operation opens a `CallState` around
// the call and the transport writes what it saw into it.
tokio::task_local! {
    /// The call in progress on this task, set by the operation around the
    /// generated client's `send()`.
    pub(crate) static CALL: Arc<CallState>;
}

/// What one call's attempts learned, shared between the transport and the
/// operation that reads the result.
#[derive(Default)]
pub(crate) struct CallState {
    response: Mutex<Option<Captured>>,
    /// An attempt may have been processed by Cashfree without its answer
    /// reaching us (a timeout, a dropped connection, a 5xx).
    ambiguous: AtomicBool,
    attempts: AtomicU32,
    /// The rate budget gave no permit: nothing more was sent.
    denied: Mutex<Option<Denied>>,
}

/// Why the rate budget let an attempt go unsent.
pub(crate) enum Denied {
    /// No permit within the maximum wait; the next may come in this long.
    NoPermit(Duration),
    /// The budget's store could not answer.
    Store(StoreError),
}

/// The final response of a call, as the transport read it.
pub(crate) struct Captured {
    pub(crate) status: StatusCode,
    /// Kept for errors only (the advertised wait, the content type).
    pub(crate) headers: HeaderMap,
    pub(crate) request_id: Option<String>,
    pub(crate) body: Bytes,
    /// The body was over this limit and was not read.
    pub(crate) too_large: Option<usize>,
}

impl CallState {
    pub(crate) fn was_ambiguous(&self) -> bool {
        self.ambiguous.load(Ordering::Relaxed)
    }

    pub(crate) fn attempts(&self) -> u32 {
        self.attempts.load(Ordering::Relaxed)
    }

    /// Why the budget stopped the call, once.
    pub(crate) fn take_denial(&self) -> Option<Denied> {
        self.denied.lock().ok().and_then(|mut d| d.take())
    }

    /// The final response, once.
    pub(crate) fn take_response(&self) -> Option<Captured> {
        self.response.lock().ok().and_then(|mut r| r.take())
    }
}

/// Reads a body, stopping as soon as it passes `limit`: `None` then. A
/// `content-length` over the limit stops it before the first byte.
async fn read_capped(
    response: &mut reqwest::Response,
    limit: usize,
) -> reqwest::Result<Option<Bytes>> {
    if response.content_length().is_some_and(|n| n > limit as u64) {
        return Ok(None);
    }
    // Most answers arrive in one chunk, which is kept as it is.
    let mut first: Option<Bytes> = None;
    let mut joined: Vec<u8> = Vec::new();
    let mut total = 0usize;
    while let Some(chunk) = response.chunk().await? {
        total += chunk.len();
        if total > limit {
            return Ok(None);
        }
        match first.take() {
            None if joined.is_empty() => first = Some(chunk),
            earlier => {
                if let Some(earlier) = earlier {
                    joined.extend_from_slice(&earlier);
                }
                joined.extend_from_slice(&chunk);
            }
        }
    }
    Ok(Some(first.unwrap_or_else(|| Bytes::from(joined))))
}

/// The transport of one family's generated client, one per
/// [`Client`](crate::Client).
pub(crate) struct CallTransport {
    pub(crate) shared: Arc<Shared>,
    /// Whether to re-sign retries with a fresh `x-cf-signature`.
    pub(crate) resign: bool,
    /// This family's key in the rate budget: `{client_id}:{api}`.
    pub(crate) budget_key: String,
}

impl Transport for CallTransport {
    fn execute<'a>(
        &'a self,
        client: &'a reqwest::Client,
        request: reqwest::Request,
        _info: &'a OperationInfo,
    ) -> TransportFuture<'a> {
        Box::pin(self.run(client, request))
    }
}

impl CallTransport {
    async fn run(
        &self,
        client: &reqwest::Client,
        mut request: reqwest::Request,
    ) -> reqwest::Result<reqwest::Response> {
        let shared = &self.shared;
        // Outside an operation (the raw client driven directly) there is no
        // one to report to, but the request is still sent properly.
        let state = CALL.try_with(Arc::clone).unwrap_or_default();
        let headers = request.headers_mut();
        headers.remove(API_VERSION);
        headers.insert(X_CLIENT_ID, shared.client_id_header.clone());
        headers.insert(X_CLIENT_SECRET, shared.client_secret_header.clone());
        if shared.set_user_agent {
            headers.insert(
                http::header::USER_AGENT,
                HeaderValue::from_static(crate::USER_AGENT),
            );
        }

        let span = tracing::Span::current();
        let mut backoff = shared.retry.backoff();
        let mut attempt = 0u32;
        loop {
            attempt += 1;
            state.attempts.store(attempt, Ordering::Relaxed);
            span.record("attempts", attempt);
            let Some(mut this_try) = request.try_clone() else {
                // Bodies here are always buffered JSON, so this is unreachable;
                // sending once without retries is the safe fallback.
                return client.execute(request).await;
            };
            if let Err(denied) = self.permit().await {
                if let Ok(mut slot) = state.denied.lock() {
                    *slot = Some(denied);
                }
                // Read by the operation, which returns the denial instead.
                return Ok(rebuild(
                    StatusCode::TOO_MANY_REQUESTS,
                    http::Version::HTTP_11,
                    request.url().clone(),
                    HeaderMap::new(),
                    Bytes::new(),
                ));
            }
            if attempt > 1 && self.resign {
                self.fresh_signature(this_try.headers_mut());
            }
            match client.execute(this_try).await {
                Ok(mut response) => {
                    let status = response.status();
                    let version = response.version();
                    let url = response.url().clone();
                    let headers = std::mem::take(response.headers_mut());
                    span.record("http.status", status.as_u16());
                    self.learn(status, &headers).await;
                    let request_id = headers
                        .get(REQUEST_ID)
                        .and_then(|v| v.to_str().ok())
                        .map(str::to_owned);
                    if let Some(id) = &request_id {
                        span.record("request_id", id.as_str());
                    }
                    let body = match read_capped(&mut response, shared.max_response_bytes).await {
                        Ok(Some(body)) => body,
                        Ok(None) => {
                            tracing::debug!(
                                attempt,
                                status = status.as_u16(),
                                limit = shared.max_response_bytes,
                                "response over the size limit; not read"
                            );
                            if let Ok(mut slot) = state.response.lock() {
                                *slot = Some(Captured {
                                    status,
                                    headers: HeaderMap::new(),
                                    request_id,
                                    body: Bytes::new(),
                                    too_large: Some(shared.max_response_bytes),
                                });
                            }
                            return Ok(rebuild(status, version, url, headers, Bytes::new()));
                        }
                        Err(e) => {
                            // The answer broke off: Cashfree may have done the work.
                            state.ambiguous.store(true, Ordering::Relaxed);
                            match backoff.next() {
                                Some(wait) => {
                                    tracing::info!(
                                        attempt,
                                        error = describe(&e),
                                        ?wait,
                                        "response broke off; retrying"
                                    );
                                    tokio::time::sleep(wait).await;
                                    continue;
                                }
                                None => return Err(e),
                            }
                        }
                    };
                    if (status == StatusCode::TOO_MANY_REQUESTS || status.is_server_error())
                        && let Some(wait) = self.wait_before_retry(&headers, &mut backoff)
                    {
                        if status.is_server_error() {
                            state.ambiguous.store(true, Ordering::Relaxed);
                        }
                        tracing::info!(attempt, status = status.as_u16(), ?wait, "retrying");
                        tokio::time::sleep(wait).await;
                        continue;
                    }
                    tracing::debug!(attempt, status = status.as_u16(), "response");
                    if let Ok(mut slot) = state.response.lock() {
                        // Headers matter only to errors (the advertised wait).
                        let kept = if status.is_success() {
                            HeaderMap::new()
                        } else {
                            headers.clone()
                        };
                        *slot = Some(Captured {
                            status,
                            headers: kept,
                            request_id,
                            body: body.clone(),
                            too_large: None,
                        });
                    }
                    return Ok(rebuild(status, version, url, headers, body));
                }
                Err(e) => {
                    // A connect error never reached Cashfree; anything later may have.
                    if !e.is_connect() {
                        state.ambiguous.store(true, Ordering::Relaxed);
                    }
                    match backoff.next() {
                        Some(wait) => {
                            tracing::info!(
                                attempt,
                                error = describe(&e),
                                ?wait,
                                "request failed; retrying"
                            );
                            tokio::time::sleep(wait).await;
                        }
                        None => return Err(e),
                    }
                }
            }
        }
    }

    /// Waits for a permit from the rate budget, if the client has one.
    async fn permit(&self) -> Result<(), Denied> {
        let Some(budget) = &self.shared.budget else {
            return Ok(());
        };
        let deadline = tokio::time::Instant::now() + self.shared.max_budget_wait;
        loop {
            match budget.try_acquire(&self.budget_key).await {
                Ok(Acquire::Granted) => return Ok(()),
                Ok(Acquire::Wait(wait)) => {
                    let at = tokio::time::Instant::now() + wait;
                    if at > deadline {
                        tracing::info!(?wait, "no permit from the rate budget in time; not sent");
                        return Err(Denied::NoPermit(wait));
                    }
                    tracing::debug!(?wait, "waiting for a permit from the rate budget");
                    tokio::time::sleep_until(at).await;
                }
                Err(e) => {
                    tracing::warn!(error = %e, "the rate budget could not answer; not sent");
                    return Err(Denied::Store(e));
                }
            }
        }
    }

    /// Tells the budget what Cashfree said of its limit: a 429, or nothing
    /// left until the reset, holds every client that shares the budget.
    async fn learn(&self, status: StatusCode, headers: &HeaderMap) {
        let Some(budget) = &self.shared.budget else {
            return;
        };
        let exhausted = headers
            .get("x-ratelimit-remaining")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.trim() == "0");
        if status != StatusCode::TOO_MANY_REQUESTS && !exhausted {
            return;
        }
        // A 429 without an advertised wait still holds for a moment.
        let wait = crate::retry::advertised_wait(headers).unwrap_or(Duration::from_secs(1));
        if wait.is_zero() {
            return;
        }
        if let Err(e) = budget.hold(&self.budget_key, wait).await {
            tracing::warn!(error = %e, "could not hold the rate budget");
        }
    }

    /// The advertised wait if there is one and it is acceptable, else the
    /// next computed one; `None` when no retry is left or Cashfree asks for
    /// longer than the policy allows.
    fn wait_before_retry(
        &self,
        headers: &HeaderMap,
        backoff: &mut impl Iterator<Item = Duration>,
    ) -> Option<Duration> {
        let computed = backoff.next()?;
        match crate::retry::advertised_wait(headers) {
            Some(advertised) if advertised > self.shared.retry.max_retry_after => None,
            Some(advertised) => Some(advertised),
            None => Some(computed),
        }
    }

    #[cfg(feature = "two-factor")]
    fn fresh_signature(&self, headers: &mut HeaderMap) {
        let Some(signer) = &self.shared.signer else {
            return;
        };
        match signer
            .sign(&self.shared.client_id)
            .map(HeaderValue::try_from)
        {
            Ok(Ok(mut value)) => {
                value.set_sensitive(true);
                headers.insert(X_CF_SIGNATURE, value);
            }
            // Signing was checked when the key was loaded; keep the first signature.
            _ => tracing::warn!("could not refresh x-cf-signature for a retry"),
        }
    }

    #[cfg(not(feature = "two-factor"))]
    fn fresh_signature(&self, _headers: &mut HeaderMap) {}
}

/// A transport failure in a few words, for logs: what kind it was and
/// the innermost cause ("timed out", "could not connect: Connection
/// refused").
fn describe(e: &reqwest::Error) -> String {
    let kind = if e.is_timeout() {
        "timed out"
    } else if e.is_connect() {
        "could not connect"
    } else {
        "the connection failed"
    };
    format!("{kind}: {}", crate::error::root_cause(e))
}

/// The response handed to the generated client, from what was read.
fn rebuild(
    status: StatusCode,
    version: http::Version,
    url: reqwest::Url,
    headers: HeaderMap,
    body: Bytes,
) -> reqwest::Response {
    // Carrying the URL over spares reqwest parsing a placeholder.
    let mut rebuilt = http::Response::builder()
        .status(status)
        .version(version)
        .url(url);
    if let Some(slot) = rebuilt.headers_mut() {
        *slot = headers;
    }
    match rebuilt.body(body) {
        Ok(rebuilt) => reqwest::Response::from(rebuilt),
        // Unreachable: status and version came from a response.
        Err(_) => reqwest::Response::from(http::Response::new(Bytes::new())),
    }
}

//! The hooks every generated request runs through: credentials, retries
//! with backoff, fresh 2FA signatures, and a copy of the final response
//! body so that nothing Cashfree sends is lost.

use crate::client::Inner;
use bytes::Bytes;
use cashfree_vkyc_raw::{OperationInfo, Transport, TransportFuture};
use http::{HeaderMap, HeaderValue, StatusCode};
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// What one call's attempts learned, shared between the transport and the
/// operation that reads the result.
#[derive(Default)]
pub(crate) struct CallState {
    response: Mutex<Option<(StatusCode, HeaderMap, Bytes)>>,
    /// An attempt may have been processed by Cashfree without its answer
    /// reaching us (a timeout, a dropped connection, a 5xx).
    ambiguous: AtomicBool,
    attempts: AtomicU32,
}

impl CallState {
    pub(crate) fn was_ambiguous(&self) -> bool {
        self.ambiguous.load(Ordering::Relaxed)
    }

    pub(crate) fn attempts(&self) -> u32 {
        self.attempts.load(Ordering::Relaxed)
    }

    /// The final response's status, headers and body.
    pub(crate) fn take_response(&self) -> Option<(StatusCode, HeaderMap, Bytes)> {
        self.response.lock().ok().and_then(|mut r| r.take())
    }
}

pub(crate) struct CallTransport {
    pub(crate) inner: Arc<Inner>,
    pub(crate) state: Arc<CallState>,
    /// Whether to re-sign retries with a fresh `x-cf-signature`.
    pub(crate) resign: bool,
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
        let inner = &self.inner;
        let headers = request.headers_mut();
        // progenitor adds `api-version` from the document's info.version;
        // Cashfree reads only `x-api-version`.
        headers.remove("api-version");
        headers.insert("x-client-id", inner.client_id_header.clone());
        headers.insert("x-client-secret", inner.client_secret_header.clone());
        headers.insert(
            http::header::USER_AGENT,
            HeaderValue::from_static(crate::USER_AGENT),
        );

        let span = tracing::Span::current();
        let mut backoff = inner.retry.backoff();
        let mut attempt = 0u32;
        loop {
            attempt += 1;
            self.state.attempts.store(attempt, Ordering::Relaxed);
            span.record("attempts", attempt);
            let Some(mut this_try) = request.try_clone() else {
                // Bodies here are always buffered JSON, so this is unreachable;
                // sending once without retries is the safe fallback.
                return client.execute(request).await;
            };
            if attempt > 1 && self.resign {
                self.fresh_signature(this_try.headers_mut());
            }
            match client.execute(this_try).await {
                Ok(response) => {
                    let status = response.status();
                    let version = response.version();
                    let headers = response.headers().clone();
                    span.record("http.status", status.as_u16());
                    let body = match response.bytes().await {
                        Ok(body) => body,
                        Err(e) => {
                            // The answer broke off: Cashfree did the work.
                            self.state.ambiguous.store(true, Ordering::Relaxed);
                            match backoff.next() {
                                Some(wait) => {
                                    tracing::info!(attempt, error = %e, ?wait, "response broke off; retrying");
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
                            self.state.ambiguous.store(true, Ordering::Relaxed);
                        }
                        tracing::info!(attempt, status = status.as_u16(), ?wait, "retrying");
                        tokio::time::sleep(wait).await;
                        continue;
                    }
                    tracing::debug!(attempt, status = status.as_u16(), "response");
                    if let Ok(mut slot) = self.state.response.lock() {
                        // Headers matter only to errors (the advertised wait).
                        let kept = if status.is_success() {
                            HeaderMap::new()
                        } else {
                            headers.clone()
                        };
                        *slot = Some((status, kept, body.clone()));
                    }
                    let mut rebuilt = http::Response::new(body);
                    *rebuilt.status_mut() = status;
                    *rebuilt.version_mut() = version;
                    *rebuilt.headers_mut() = headers;
                    return Ok(reqwest::Response::from(rebuilt));
                }
                Err(e) => {
                    // A connect error never reached Cashfree; anything later may have.
                    if !e.is_connect() {
                        self.state.ambiguous.store(true, Ordering::Relaxed);
                    }
                    match backoff.next() {
                        Some(wait) => {
                            tracing::info!(attempt, error = %e, ?wait, "request failed; retrying");
                            tokio::time::sleep(wait).await;
                        }
                        None => return Err(e),
                    }
                }
            }
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
            Some(advertised) if advertised > self.inner.retry.max_retry_after => None,
            Some(advertised) => Some(advertised),
            None => Some(computed),
        }
    }

    #[cfg(feature = "two-factor")]
    fn fresh_signature(&self, headers: &mut HeaderMap) {
        let Some(signer) = &self.inner.signer else {
            return;
        };
        match signer
            .sign(&self.inner.client_id)
            .map(HeaderValue::try_from)
        {
            Ok(Ok(mut value)) => {
                value.set_sensitive(true);
                headers.insert("x-cf-signature", value);
            }
            // Signing was checked when the key was loaded; keep the first signature.
            _ => tracing::warn!("could not refresh x-cf-signature for a retry"),
        }
    }

    #[cfg(not(feature = "two-factor"))]
    fn fresh_signature(&self, _headers: &mut HeaderMap) {}
}

//! The operations of each API family.

// `client` hands out the per-family handles defined here
// (`Client::ppi()`), and they borrow the client to make their calls: the
// two modules refer to each other by design.
use crate::client::Client;
use crate::error::{ApiError, DecodeError, Error, Result, ValidationError};
use crate::request::{
    PpiInitiateRequest, User, VerificationSuiteInitiateRequest, validate_user_id,
    validate_verification_id,
};
use crate::transport::{CALL, CallState, Captured, Denied};
use crate::verification::{Api, CashfreeId, Fields, Verification};
use crate::watch::{Target, Watch};
use bytes::Bytes;
use cashfree_vkyc_raw::ppi::types::PpiVkycStatusRequest;
use cashfree_vkyc_raw::ppi::{Error as RawError, ResponseValue};
use http::StatusCode;
use serde::de::DeserializeOwned;
use std::sync::Arc;
use tracing::Instrument;

fn call_span(operation: &'static str, verification_id: &str) -> tracing::Span {
    tracing::info_span!(
        "cashfree_vkyc",
        operation,
        verification_id,
        attempts = tracing::field::Empty,
        http.status = tracing::field::Empty,
        request_id = tracing::field::Empty,
    )
}

/// Turns what the generated client returned, and what the transport kept,
/// into the facade's result.
fn finish<T: Into<Fields> + DeserializeOwned, E>(
    api: Api,
    state: &CallState,
    result: std::result::Result<ResponseValue<T>, RawError<E>>,
) -> Result<Verification> {
    let attempts = state.attempts();
    match state.take_denial() {
        Some(Denied::NoPermit(wait)) => {
            return Err(Error::RateLimited {
                retry_after: wait,
                sent: attempts.saturating_sub(1),
            });
        }
        Some(Denied::Store(e)) => {
            return Err(Error::RateBudget {
                sent: attempts.saturating_sub(1),
                source: e,
            });
        }
        None => {}
    }
    let captured = state.take_response();
    if let Some(Captured {
        status,
        request_id,
        too_large: Some(limit),
        ..
    }) = captured
    {
        return Err(Error::ResponseTooLarge {
            status: status.as_u16(),
            limit,
            request_id,
        });
    }
    // Decodes a success body through the generated type, so that a failure
    // names the field and never the value.
    let decode = |status: StatusCode, request_id: Option<String>, body: Bytes| {
        let value = DecodeError::check::<T>(status.as_u16(), request_id.clone(), &body)?;
        Ok(Verification::from_decoded(
            api,
            value.into(),
            body,
            request_id,
        ))
    };
    match result {
        Ok(value) => {
            let (body, request_id) = captured.map(|c| (c.body, c.request_id)).unwrap_or_default();
            Ok(Verification::from_decoded(
                api,
                value.into_inner().into(),
                body,
                request_id,
            ))
        }
        Err(RawError::ErrorResponse(_) | RawError::UnexpectedResponse(_)) => match captured {
            // An undocumented success status (201, say) is still a success.
            Some(c) if c.status.is_success() => decode(c.status, c.request_id, c.body),
            Some(c) => Err(ApiError::parse(c.status.as_u16(), &c.headers, c.body).into()),
            None => Err(Error::Internal("the transport kept no response".into())),
        },
        Err(RawError::InvalidResponsePayload(body, _)) => match captured {
            // A documented error status whose body is not Cashfree's JSON (a
            // gateway's HTML page, say) is still that error.
            Some(c) if !c.status.is_success() => {
                Err(ApiError::parse(c.status.as_u16(), &c.headers, c.body).into())
            }
            Some(c) => decode(c.status, c.request_id, c.body),
            None => decode(StatusCode::OK, None, body),
        },
        Err(RawError::CommunicationError(source) | RawError::ResponseBodyError(source)) => {
            if source.is_timeout() {
                Err(Error::Timeout {
                    attempts,
                    source: Box::new(source),
                })
            } else {
                Err(Error::Transport {
                    attempts,
                    connect: source.is_connect(),
                    source: Box::new(source),
                })
            }
        }
        Err(RawError::InvalidRequest(rule)) => Err(ValidationError::new("request", rule).into()),
        // A kind of failure the generated code does not raise today. Its
        // message never holds a response body.
        Err(other) => Err(Error::Internal(other.to_string())),
    }
}

/// Runs one generated call with a fresh call state for the transport, and
/// returns the facade's result with what the attempts learned.
async fn run_call<T: Into<Fields> + DeserializeOwned, E>(
    api: Api,
    send: impl Future<Output = std::result::Result<ResponseValue<T>, RawError<E>>>,
) -> (Result<Verification>, Arc<CallState>) {
    let state = Arc::new(CallState::default());
    let result = CALL.scope(state.clone(), send).await;
    (finish(api, &state, result), state)
}

/// Whether an initiate's "already exists" answer is its own earlier
/// attempt, processed by Cashfree although its answer was lost.
fn lost_earlier_attempt(result: &Result<Verification>, state: &CallState) -> bool {
    matches!(result, Err(Error::Api(e)) if e.is_duplicate()) && state.was_ambiguous()
}

/// Initiate, exactly once: when an attempt's answer was lost (so Cashfree
/// may have created the verification) and the retry met "already exists",
/// the verification the lost attempt created, if `find` finds one that
/// `ours` accepts; otherwise the answer as it was.
async fn exactly_once<F: Future<Output = Result<Verification>>>(
    result: Result<Verification>,
    state: &CallState,
    find: impl FnOnce() -> F,
    ours: impl FnOnce(&Verification) -> bool,
) -> Result<Verification> {
    if !lost_earlier_attempt(&result, state) {
        return result;
    }
    tracing::info!("an earlier attempt may have created the verification; fetching it");
    match find().await {
        Ok(found) if ours(&found) => Ok(found),
        _ => result,
    }
}

/// Whether `found` can be the verification a request for `user` created:
/// the user fields Cashfree returns must not name someone else.
fn same_user(found: &Verification, user: &User) -> bool {
    match user {
        User::Id(id) => found.user_id.as_deref().is_none_or(|f| f == id),
        User::ReferenceId(id) => found.user_reference_id.is_none_or(|f| f == *id),
    }
}

/// PPI Video KYC: `POST /ppi/kyc/vkyc` and `POST /ppi/kyc/vkyc/status`.
#[derive(Clone, Copy, Debug)]
pub struct Ppi<'a> {
    pub(crate) client: &'a Client,
}

impl Ppi<'_> {
    /// Starts a Video KYC and sends the link to the user.
    ///
    /// Exactly once: if an attempt's answer was lost (a timeout, a dropped
    /// connection, a 5xx) and the retry finds the `verification_id` already
    /// taken, the verification that attempt created is fetched and returned.
    pub async fn initiate(&self, request: &PpiInitiateRequest) -> Result<Verification> {
        let body = request.to_raw()?;
        async {
            let inner = &self.client.inner;
            let call = inner
                .raw_ppi
                .ppi_initiate_vkyc(inner.ppi_api_version.as_str(), &body);
            let (result, state) = run_call(Api::Ppi, call).await;
            // The status call names the user, so only this user's
            // verification can be found.
            exactly_once(
                result,
                &state,
                || self.status(&request.verification_id, &request.user_id),
                |_| true,
            )
            .await
        }
        .instrument(call_span("ppi.initiate", &request.verification_id))
        .await
    }

    /// The current status of a verification.
    pub async fn status(&self, verification_id: &str, user_id: &str) -> Result<Verification> {
        validate_user_id(user_id)?;
        validate_verification_id(verification_id)?;
        let body = PpiVkycStatusRequest {
            user_id: user_id
                .parse()
                .map_err(|e| ValidationError::new("user_id", format!("{e}")))?,
            verification_id: verification_id
                .parse()
                .map_err(|e| ValidationError::new("verification_id", format!("{e}")))?,
        };
        async {
            let inner = &self.client.inner;
            let call = inner
                .raw_ppi
                .ppi_get_vkyc_status(inner.ppi_api_version.as_str(), &body);
            run_call(Api::Ppi, call).await.0
        }
        .instrument(call_span("ppi.status", verification_id))
        .await
    }

    /// Follows a verification until it is final; see [`Watch`].
    pub fn watch(&self, verification_id: impl Into<String>, user_id: impl Into<String>) -> Watch {
        Watch::new(
            self.client.clone(),
            Target::Ppi {
                user_id: user_id.into(),
                verification_id: verification_id.into(),
            },
        )
    }
}

/// Verification Suite Video KYC: `POST /verification/vkyc` and
/// `GET /verification/vkyc`.
#[derive(Clone, Copy, Debug)]
pub struct VerificationSuite<'a> {
    pub(crate) client: &'a Client,
}

enum StatusKey<'a> {
    VerificationId(&'a str),
    ReferenceId(i64),
}

impl VerificationSuite<'_> {
    /// Starts a Video KYC and sends the link to the user.
    ///
    /// Exactly once, as [`Ppi::initiate`]: a retry that meets "already
    /// exists" after an ambiguous failure returns the verification the
    /// earlier attempt created.
    pub async fn initiate(
        &self,
        request: &VerificationSuiteInitiateRequest,
    ) -> Result<Verification> {
        let body = request.to_raw()?;
        async {
            let inner = &self.client.inner;
            let signature = self.client.signature()?;
            let call = inner.raw_vs.vrs_initiate_vkyc(
                inner.vs_api_version.as_str(),
                signature.as_deref(),
                &body,
            );
            let (result, state) = run_call(Api::VerificationSuite, call).await;
            // Another user's verification means the id was taken before.
            exactly_once(
                result,
                &state,
                || self.status(&request.verification_id),
                |found| same_user(found, &request.user),
            )
            .await
        }
        .instrument(call_span(
            "verification_suite.initiate",
            &request.verification_id,
        ))
        .await
    }

    /// The current status, by your `verification_id`.
    pub async fn status(&self, verification_id: &str) -> Result<Verification> {
        validate_verification_id(verification_id)?;
        self.get(StatusKey::VerificationId(verification_id))
            .instrument(call_span("verification_suite.status", verification_id))
            .await
    }

    /// The current status, by Cashfree's `reference_id` (a verification's
    /// [`cashfree_id`](Verification::cashfree_id), or the number).
    pub async fn status_by_reference_id(
        &self,
        reference_id: impl Into<CashfreeId>,
    ) -> Result<Verification> {
        let reference_id = reference_id
            .into()
            .as_i64()
            .filter(|id| *id > 0)
            .ok_or_else(|| ValidationError::new("reference_id", "must be a positive number"))?;
        self.get(StatusKey::ReferenceId(reference_id))
            .instrument(call_span("verification_suite.status", ""))
            .await
    }

    async fn get(&self, key: StatusKey<'_>) -> Result<Verification> {
        let inner = &self.client.inner;
        let signature = self.client.signature()?;
        let (verification_id, reference_id) = match key {
            StatusKey::VerificationId(id) => (Some(id), None),
            StatusKey::ReferenceId(id) => (None, Some(id.to_string())),
        };
        let call = inner.raw_vs.vkyc_get_status(
            reference_id.as_deref(),
            verification_id,
            inner.vs_api_version.as_str(),
            signature.as_deref(),
        );
        run_call(Api::VerificationSuite, call).await.0
    }

    /// Follows a verification until it is final; see [`Watch`].
    pub fn watch(&self, verification_id: impl Into<String>) -> Watch {
        Watch::new(
            self.client.clone(),
            Target::VerificationSuite {
                verification_id: verification_id.into(),
            },
        )
    }
}

//! An axum extractor that verifies a webhook before the handler runs
//! (feature `axum`).

use super::{
    Claimed, ClaimedDelivery, Delivery, ExactlyOnce, ProcessError, Processed, Verifier,
    WebhookError,
};
use crate::coordination::StoreError;
use axum::body::Bytes;
use axum::extract::{FromRef, FromRequest, Request};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

/// The largest body the extractor reads; VKYC webhooks are a few KiB.
pub const MAX_BODY: usize = 256 * 1024;

/// A webhook delivery whose signature checked out, in either scheme (see
/// [`Verifier::verify`]). Read it with [`Delivery::parse`]; a body that
/// does not parse was authentic all the same, and is the handler's to
/// judge.
///
/// The [`Verifier`] comes from the router's state, directly or through
/// [`FromRef`]:
///
/// ```
/// use axum::extract::{FromRef, State};
/// use axum::http::StatusCode;
/// use axum::{Router, routing::post};
/// use cashfree_vkyc::webhook::{Verifier, axum::VerifiedWebhook};
/// use std::collections::HashSet;
/// use std::sync::{Arc, Mutex};
///
/// #[derive(Clone)]
/// struct AppState {
///     verifier: Verifier,
///     seen: Arc<Mutex<HashSet<String>>>,
/// }
///
/// impl FromRef<AppState> for Verifier {
///     fn from_ref(state: &AppState) -> Verifier {
///         state.verifier.clone()
///     }
/// }
///
/// async fn receive(
///     State(app): State<AppState>,
///     VerifiedWebhook(delivery): VerifiedWebhook,
/// ) -> StatusCode {
///     let event = match delivery.parse() {
///         Ok(event) => event,
///         Err(e) => {
///             eprintln!("authentic, but not a payload this version reads: {e}");
///             return StatusCode::BAD_REQUEST;
///         }
///     };
///     // Cashfree delivers at least once: drop what was already handled.
///     if !app.seen.lock().unwrap().insert(event.delivery_key().to_owned()) {
///         return StatusCode::OK;
///     }
///     println!("{} for {}", event.event_type, event.verification.verification_id);
///     StatusCode::OK
/// }
///
/// let state = AppState { verifier: Verifier::new("client-secret"), seen: Default::default() };
/// let app: Router = Router::new().route("/webhooks/cashfree", post(receive)).with_state(state);
/// ```
///
/// A router whose whole state is the `Verifier` works the same way:
/// `Router::new().route(..).with_state(Verifier::new(secret))`.
#[derive(Debug, Clone)]
pub struct VerifiedWebhook(pub Delivery<Bytes>);

/// Why the extractor refused a delivery: 401 for a signature or timestamp
/// that does not check out, 413 for a body over [`MAX_BODY`] (or one that
/// could not be read). The response never echoes the secret or the body.
#[derive(Debug)]
pub enum WebhookRejection {
    /// The delivery failed verification.
    Invalid(WebhookError),
    /// The body could not be read, or was too large.
    Body(String),
}

impl IntoResponse for WebhookRejection {
    fn into_response(self) -> Response {
        match self {
            WebhookRejection::Invalid(e) => {
                (StatusCode::UNAUTHORIZED, e.to_string()).into_response()
            }
            WebhookRejection::Body(e) => (StatusCode::PAYLOAD_TOO_LARGE, e).into_response(),
        }
    }
}

/// The request's head and its body, up to [`MAX_BODY`].
async fn read(request: Request) -> Result<(axum::http::request::Parts, Bytes), String> {
    let (parts, body) = request.into_parts();
    let body = axum::body::to_bytes(body, MAX_BODY)
        .await
        .map_err(|e| format!("cannot read the body: {e}"))?;
    Ok((parts, body))
}

impl<S> FromRequest<S> for VerifiedWebhook
where
    Verifier: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = WebhookRejection;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        let verifier = Verifier::from_ref(state);
        let (parts, body) = read(request).await.map_err(WebhookRejection::Body)?;
        verifier
            .verify(&parts.headers, body)
            .map(VerifiedWebhook)
            .map_err(WebhookRejection::Invalid)
    }
}

/// A webhook delivery verified and claimed in the router's
/// [`ExactlyOnce`] delivery log: the handler runs only for a delivery that
/// is its to process, and finishes it with [`ClaimedDelivery::done`] (so
/// redeliveries are acknowledged without handling) or
/// [`ClaimedDelivery::release`] (so the redelivery is handled).
///
/// A delivery handled before is answered 200, one another instance holds
/// 503, an unverified one 401, an authentic one that is not a payload 400,
/// and 503 when the log cannot answer; in none of these does the handler
/// run. The delivery is parsed once, before the claim: the handler gets
/// the event.
///
/// The [`ExactlyOnce`] comes from the router's state through [`FromRef`]:
/// with the application's own state, say how to find it there (without
/// it, the compiler says `expected ExactlyOnce, found AppState`).
///
/// ```
/// use axum::extract::{FromRef, State};
/// use axum::http::StatusCode;
/// use axum::{Router, routing::post};
/// use cashfree_vkyc::coordination::LocalDeliveryLog;
/// use cashfree_vkyc::webhook::axum::ClaimedWebhook;
/// use cashfree_vkyc::webhook::{ExactlyOnce, Verifier};
///
/// #[derive(Clone)]
/// struct AppState {
///     webhooks: ExactlyOnce,
///     // ...the application's own: a client, a database pool.
/// }
///
/// impl FromRef<AppState> for ExactlyOnce {
///     fn from_ref(state: &AppState) -> ExactlyOnce {
///         state.webhooks.clone()
///     }
/// }
///
/// async fn receive(State(_app): State<AppState>, ClaimedWebhook(claimed): ClaimedWebhook) -> StatusCode {
///     let event = claimed.event();
///     println!("{} for {}", event.event_type, event.verification.verification_id);
///     match claimed.done().await {
///         Ok(processed) => processed.status(),
///         Err(_) => StatusCode::SERVICE_UNAVAILABLE,
///     }
/// }
///
/// let webhooks = ExactlyOnce::new(Verifier::new("client-secret"), LocalDeliveryLog::new());
/// let app: Router = Router::new()
///     .route("/webhooks/cashfree", post(receive))
///     .with_state(AppState { webhooks });
/// ```
#[derive(Debug)]
pub struct ClaimedWebhook(pub ClaimedDelivery);

/// Why [`ClaimedWebhook`] did not hand a delivery to the handler.
#[derive(Debug)]
#[non_exhaustive]
pub enum ClaimRejection {
    /// Nothing to handle: handled before (200), or held by another
    /// instance (503).
    NothingToDo(Processed),
    /// The delivery failed verification (401).
    Invalid(WebhookError),
    /// The delivery is authentic but not a payload this version reads (400).
    Unreadable(WebhookError),
    /// The delivery log could not answer (503).
    Log(StoreError),
    /// The body could not be read, or was too large (413).
    Body(String),
}

impl IntoResponse for ClaimRejection {
    fn into_response(self) -> Response {
        match self {
            ClaimRejection::NothingToDo(processed) => processed.into_response(),
            ClaimRejection::Invalid(e) => (StatusCode::UNAUTHORIZED, e.to_string()).into_response(),
            ClaimRejection::Unreadable(e) => {
                (StatusCode::BAD_REQUEST, e.to_string()).into_response()
            }
            ClaimRejection::Log(_) => (
                StatusCode::SERVICE_UNAVAILABLE,
                "the delivery log is unavailable; deliver again later",
            )
                .into_response(),
            ClaimRejection::Body(e) => (StatusCode::PAYLOAD_TOO_LARGE, e).into_response(),
        }
    }
}

impl IntoResponse for Processed {
    fn into_response(self) -> Response {
        self.status().into_response()
    }
}

impl<E> IntoResponse for ProcessError<E> {
    fn into_response(self) -> Response {
        // The handler's own error stays in the application's logs.
        let message = match &self {
            ProcessError::Handler(_) => "the webhook handler failed".to_owned(),
            ProcessError::Unverified(e) | ProcessError::Unreadable(e) => format!("{self}: {e}"),
            ProcessError::Log(_) => self.to_string(),
        };
        (self.status(), message).into_response()
    }
}

impl<S> FromRequest<S> for ClaimedWebhook
where
    ExactlyOnce: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = ClaimRejection;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        let once = ExactlyOnce::from_ref(state);
        let (parts, body) = read(request).await.map_err(ClaimRejection::Body)?;
        match once.claim(&parts.headers, body).await {
            Ok(Claimed::Yours(claimed)) => Ok(ClaimedWebhook(claimed)),
            Ok(Claimed::Not(processed)) => Err(ClaimRejection::NothingToDo(processed)),
            Err(ProcessError::Unverified(e)) => Err(ClaimRejection::Invalid(e)),
            Err(ProcessError::Unreadable(e)) => Err(ClaimRejection::Unreadable(e)),
            Err(ProcessError::Log(e)) => Err(ClaimRejection::Log(e)),
            Err(ProcessError::Handler(never)) => match never {},
        }
    }
}

//! An axum extractor that verifies a webhook before the handler runs
//! (feature `axum`).

use super::{Delivery, Verifier, WebhookError};
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
///     // Cashfree delivers at least once: drop what was already handled.
///     if !app.seen.lock().unwrap().insert(delivery.delivery_key()) {
///         return StatusCode::OK;
///     }
///     match delivery.parse() {
///         Ok(event) => println!("{} for {}", event.event_type, event.verification.verification_id),
///         Err(e) => eprintln!("authentic, but not a payload this version reads: {e}"),
///     }
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

impl<S> FromRequest<S> for VerifiedWebhook
where
    Verifier: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = WebhookRejection;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        let verifier = Verifier::from_ref(state);
        let (parts, body) = request.into_parts();
        let body: Bytes = axum::body::to_bytes(body, MAX_BODY)
            .await
            .map_err(|e| WebhookRejection::Body(format!("cannot read the body: {e}")))?;
        verifier
            .verify(&parts.headers, body)
            .map(VerifiedWebhook)
            .map_err(WebhookRejection::Invalid)
    }
}

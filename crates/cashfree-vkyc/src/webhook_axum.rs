//! An axum extractor that verifies and parses a webhook in one step
//! (feature `axum`).

use crate::webhook::{SIGNATURE_HEADER, Verifier, WebhookError, WebhookEvent};
use axum::body::Bytes;
use axum::extract::{FromRef, FromRequest, Request};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

/// The largest body the extractor reads; VKYC webhooks are a few KiB.
pub const MAX_BODY: usize = 256 * 1024;

/// A webhook whose signature checked out, parsed.
///
/// The family is told by the delivery itself: PPI deliveries carry
/// `x-webhook-signature`, Verification Suite deliveries a `signature` in
/// the body. The [`Verifier`] comes from the router's state.
///
/// ```
/// use axum::{Router, routing::post};
/// use cashfree_vkyc::webhook::{Verifier, axum::VerifiedWebhook};
///
/// async fn receive(VerifiedWebhook(event): VerifiedWebhook) -> &'static str {
///     println!("{} for {}", event.event_type, event.verification.verification_id);
///     "ok"
/// }
///
/// let app: Router = Router::new()
///     .route("/webhooks/cashfree", post(receive))
///     .with_state(Verifier::new("client-secret"));
/// ```
#[derive(Debug, Clone)]
pub struct VerifiedWebhook(pub WebhookEvent);

/// Why the extractor refused a delivery: 401 for a signature or timestamp
/// that does not check out, 400 for a body that is not a webhook, 413 for
/// a body over [`MAX_BODY`]. The response never echoes the secret.
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
            WebhookRejection::Invalid(e @ WebhookError::UnparseableBody(_)) => {
                (StatusCode::BAD_REQUEST, e.to_string()).into_response()
            }
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
        let event = if parts.headers.contains_key(SIGNATURE_HEADER) {
            verifier.verify_ppi_headers(&parts.headers, &body)
        } else {
            verifier.verify_verification_suite(&body)
        };
        event
            .map(VerifiedWebhook)
            .map_err(WebhookRejection::Invalid)
    }
}

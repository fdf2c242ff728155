//! What a delivery says, once its signature checked out: the event type,
//! the verification, and a key that tells redeliveries apart from new
//! events.

use super::WebhookError;
use crate::lenient::{LenientTime, text};
use crate::verification::{Api, Verification};
use aws_lc_rs::digest::{SHA256, digest};
use serde_json::{Map, Value};

crate::strings::string_enum! {
    /// What happened, as the webhook's `event_type` names it.
    EventType {
        /// The link was generated and sent.
        UserLinkGenerated = "VKYC_USER_LINK_GENERATED",
        /// The link expired.
        UserLinkExpired = "VKYC_USER_LINK_EXPIRED",
        /// The user's Aadhaar was verified.
        UserAadhaarVerified = "VKYC_USER_AADHAAR_VERIFIED",
        /// The user scheduled the call.
        UserCallScheduled = "VKYC_USER_CALL_SCHEDULED",
        /// A check before the call failed.
        UserPrecheckFailed = "VKYC_USER_PRECHECK_FAILED",
        /// The user is waiting for an agent.
        UserCallQueued = "VKYC_USER_CALL_QUEUED",
        /// The call started.
        UserCallStarted = "VKYC_USER_CALL_STARTED",
        /// The user dropped off the call.
        UserDropoffFromCall = "VKYC_USER_DROPOFF_FROM_CALL",
        /// The call ended.
        UserCallCompleted = "VKYC_USER_CALL_COMPLETED",
        /// The auditor decided.
        AuditorReviewCompleted = "VKYC_AUDITOR_REVIEW_COMPLETED",
    }
}

/// A webhook delivery, read.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct WebhookEvent {
    /// What happened.
    pub event_type: EventType,
    /// When it happened, as Cashfree wrote it.
    pub event_time: Option<LenientTime>,
    /// The payload version (`v1`), or the `x-webhook-version` header.
    pub version: Option<String>,
    /// Which delivery attempt this is (`x-webhook-attempt`), when known.
    pub attempt: Option<u32>,
    /// The verification, in the same view the API returns; its
    /// [`raw`](Verification::raw) is the payload's `data`.
    pub verification: Verification,
    /// The payload's other top-level fields (`signature`, fields Cashfree
    /// adds later); `data` is in the verification.
    envelope: Map<String, Value>,
    /// Computed with the event, from the same parse.
    pub(super) key: String,
}

impl WebhookEvent {
    /// A key that is the same for every delivery of one event and differs
    /// between events, to drop redeliveries; [`ExactlyOnce`](super::ExactlyOnce)
    /// claims it.
    ///
    /// `{api}|{verification_id}|{event_type}|{sub_status}|{event_time}`
    /// when the delivery names its verification, event type and time;
    /// otherwise `{api}|sha256:{digest of the raw body}`, since a
    /// redelivery repeats the body byte for byte. Two different deliveries
    /// never share a key.
    pub fn delivery_key(&self) -> &str {
        &self.key
    }

    /// The payload's top-level fields other than `data`.
    pub fn envelope(&self) -> &Map<String, Value> {
        &self.envelope
    }

    /// Reads a body as a delivery of `api`, without checking its signature.
    /// Use it only on bytes that were verified (see
    /// [`Verifier`](super::Verifier)).
    pub fn parse(api: Api, body: &[u8]) -> Result<Self, WebhookError> {
        Self::parse_as(Some(api), body)
    }

    /// Reads a body; with no family given, the payload's own fields name it
    /// (PPI's `cf_verification_id`, the Verification Suite's `reference_id`
    /// or `user_reference_id`), and PPI, whose documented scheme the
    /// signed headers are, is assumed when they do not.
    pub(super) fn parse_as(api: Option<Api>, body: &[u8]) -> Result<Self, WebhookError> {
        // The one parse of the body: the fields below are moved out of it.
        let Value::Object(mut envelope) = serde_json::from_slice(body)
            .map_err(|e| WebhookError::UnparseableBody(describe(&e)))?
        else {
            return Err(WebhookError::UnparseableBody("not a JSON object".into()));
        };
        let data = match envelope.remove("data") {
            Some(Value::Object(data)) => Some(data),
            Some(_) => {
                return Err(WebhookError::UnparseableBody(
                    "`data` is not an object".into(),
                ));
            }
            None => None,
        };
        let field = |key: &str| envelope.get(key).and_then(text);
        let event_type = field("event_type")
            .or_else(|| field("type"))
            .unwrap_or_default();
        let event_time = field("event_time").map(LenientTime::parse);
        let version = field("version");
        // A payload without `data` carries the fields at the top.
        let data = data.unwrap_or_else(|| std::mem::take(&mut envelope));
        let api = api.or_else(|| api_named_by(&data)).unwrap_or(Api::Ppi);
        let verification = Verification::from_json(api, data);
        let identified = !verification.verification_id.is_empty()
            && !event_type.is_empty()
            && event_time.is_some();
        let key = if identified {
            format!(
                "{api}|{}|{}|{}|{}",
                verification.verification_id,
                event_type,
                verification.sub_status,
                event_time.as_ref().map_or("", |t| t.as_str())
            )
        } else {
            format!("{api}|{}", body_digest(body))
        };
        Ok(WebhookEvent {
            event_type: event_type.as_str().into(),
            event_time,
            version,
            attempt: None,
            verification,
            envelope,
            key,
        })
    }
}

/// The family a payload's own fields name.
fn api_named_by(data: &Map<String, Value>) -> Option<Api> {
    if data.contains_key("cf_verification_id") {
        Some(Api::Ppi)
    } else if data.contains_key("reference_id") || data.contains_key("user_reference_id") {
        Some(Api::VerificationSuite)
    } else {
        None
    }
}

/// `sha256:` and the hex digest of the body.
pub(super) fn body_digest(body: &[u8]) -> String {
    let digest = digest(&SHA256, body);
    let mut key = String::with_capacity(7 + 64);
    key.push_str("sha256:");
    for byte in digest.as_ref() {
        key.push_str(&format!("{byte:02x}"));
    }
    key
}

/// A JSON error without the text it quotes: a webhook body carries
/// personal data.
pub(super) fn describe(e: &serde_json::Error) -> String {
    let what = match e.classify() {
        serde_json::error::Category::Eof => "the JSON ends too early",
        serde_json::error::Category::Data => "a value of an unexpected type",
        _ => "not JSON",
    };
    format!("{what} (line {}, column {})", e.line(), e.column())
}

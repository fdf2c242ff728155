//! What a delivery says, once its signature checked out: the event type,
//! the verification, and a key that tells redeliveries apart from new
//! events.

use super::WebhookError;
use crate::lenient::LenientTime;
use crate::verification::{Api, Envelope, Name, Part, Raw, ReadError, Verification};
use aws_lc_rs::digest::{SHA256, digest};
use bytes::Bytes;
use serde_json::{Map, Value};
use std::borrow::Cow;

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
    envelope: Raw,
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
        self.envelope.map()
    }

    /// Reads a body as a delivery of `api`, without checking its signature.
    /// Use it only on bytes that were verified (see
    /// [`Verifier`](super::Verifier)).
    pub fn parse(api: Api, body: &[u8]) -> Result<Self, WebhookError> {
        Self::parse_as(Some(api), body, None, None)
    }

    /// Reads a body; with no family given, the payload's own fields name it
    /// (PPI's `cf_verification_id`, the Verification Suite's `reference_id`
    /// or `user_reference_id`), and PPI, whose documented scheme the
    /// signed headers are, is assumed when they do not. The delivery's
    /// attempt and version header are taken here, so that the event is
    /// built once, where it is returned.
    pub(super) fn parse_as(
        api: Option<Api>,
        body: &[u8],
        attempt: Option<u32>,
        version_header: Option<&str>,
    ) -> Result<Self, WebhookError> {
        // The one read of the body: the fields the event and the view
        // model, moved out; the rest is parsed only if asked for.
        let mut read = Envelope::default();
        read.read(body).map_err(|e| {
            WebhookError::UnparseableBody(match e {
                ReadError::Json(e) => describe(&e),
                ReadError::NotUtf8(at) => format!("not UTF-8 text (byte {at})"),
                ReadError::NotAnObject => "not a JSON object".into(),
                ReadError::DataNotAnObject => "`data` is not an object".into(),
            })
        })?;
        let envelope = &mut read.top;
        let event_type = envelope
            .take(Name::EventType)
            .or_else(|| envelope.take(Name::Type))
            .unwrap_or_default();
        let event_time = envelope.take(Name::EventTime).map(LenientTime::parse);
        let version = envelope
            .take(Name::Version)
            .map(Cow::into_owned)
            .or_else(|| version_header.map(str::to_owned));
        // A payload without `data` carries the fields at the top.
        let data = read.data.as_mut().unwrap_or(&mut read.top);
        let api = api.or_else(|| data.named()).unwrap_or(Api::Ppi);
        let body = Bytes::copy_from_slice(body);
        let verification = Verification::build(
            api,
            data.texts(api),
            Raw::lazy(body.clone(), Part::Data),
            None,
        );
        let identified = !verification.verification_id.is_empty()
            && !event_type.is_empty()
            && event_time.is_some();
        let key = if identified {
            // Joined without `format!`: this runs for every delivery.
            let parts = [
                api.as_str(),
                &verification.verification_id,
                &event_type,
                verification.sub_status.as_str(),
                event_time.as_ref().map_or("", |t| t.as_str()),
            ];
            parts.join("|")
        } else {
            format!("{api}|{}", body_digest(&body))
        };
        Ok(WebhookEvent {
            event_type: EventType::from(&*event_type),
            event_time,
            version,
            attempt,
            verification,
            envelope: Raw::lazy(body, Part::Envelope),
            key,
        })
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

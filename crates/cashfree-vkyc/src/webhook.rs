//! Verifying and reading Cashfree's Video KYC webhooks.
//!
//! Cashfree signs every delivery with HMAC-SHA256 keyed by your client
//! secret, differently per family:
//!
//! - **PPI**: the `x-webhook-signature` header is
//!   `base64(HMAC(secret, x-webhook-timestamp + raw body))`, the timestamp
//!   in epoch milliseconds.
//! - **Verification Suite**: the body's `signature` field is
//!   `base64(HMAC(secret, values of data concatenated in key order))`,
//!   strings as they are, numbers as their JSON text, `null` as nothing.
//!
//! Verification always works on the raw bytes received, never on JSON that
//! was parsed and written again, and compares in constant time. The input
//! is framework-neutral: header values and the body.
//!
//! ```
//! use cashfree_vkyc::webhook::{self, Verifier};
//!
//! let secret = "my-client-secret";
//! let body = br#"{"event_type":"VKYC_USER_LINK_GENERATED","event_time":"2026-06-01T10:00:00Z","data":{"verification_id":"v1","status":"RECEIVED","sub_status":"LINK_GENERATED"}}"#;
//! let timestamp = "1780308000000";
//! let signature = webhook::sign_ppi(secret, timestamp, body);
//!
//! let verifier = Verifier::new(secret).now_millis(1780308000000);
//! let event = verifier.verify_ppi(Some(&signature), Some(timestamp), body)?;
//! assert_eq!(event.verification.verification_id, "v1");
//! assert_eq!(event.event_type, webhook::EventType::UserLinkGenerated);
//! # Ok::<(), webhook::WebhookError>(())
//! ```

use crate::verification::{Api, LenientTime, Verification, text};

/// The axum extractor (feature `axum`).
#[cfg(feature = "axum")]
#[path = "webhook_axum.rs"]
pub mod axum;
use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use hmac::{Hmac, Mac};
use serde_json::value::RawValue;
use serde_json::{Map, Value};
use sha2::Sha256;
use std::collections::BTreeMap;
use std::fmt;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

type HmacSha256 = Hmac<Sha256>;

/// The PPI signature header.
pub const SIGNATURE_HEADER: &str = "x-webhook-signature";
/// The PPI timestamp header (epoch milliseconds).
pub const TIMESTAMP_HEADER: &str = "x-webhook-timestamp";
/// The PPI webhook version header.
pub const VERSION_HEADER: &str = "x-webhook-version";
/// The delivery attempt header.
pub const ATTEMPT_HEADER: &str = "x-webhook-attempt";

/// How far a PPI timestamp may be from now, either way, by default.
pub const DEFAULT_TOLERANCE: Duration = Duration::from_secs(5 * 60);

/// Why a delivery was not accepted. The secret is never part of it.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WebhookError {
    /// A required header is absent.
    #[error("missing header {0}")]
    MissingHeader(&'static str),
    /// The body has no `signature` field (Verification Suite).
    #[error("the body carries no signature")]
    MissingSignature,
    /// The signature is not base64, or not the length of an HMAC-SHA256.
    #[error("the signature is not a base64 HMAC-SHA256")]
    BadSignatureEncoding,
    /// The timestamp is not a number of milliseconds.
    #[error("the timestamp {0:?} is not epoch milliseconds")]
    BadTimestamp(String),
    /// The timestamp is older than the tolerance allows.
    #[error("the delivery is {age:?} old, more than the {tolerance:?} allowed")]
    StaleTimestamp {
        /// How old it is.
        age: Duration,
        /// The tolerance in force.
        tolerance: Duration,
    },
    /// The timestamp is further in the future than the tolerance allows.
    #[error("the delivery is dated {ahead:?} in the future, more than the {tolerance:?} allowed")]
    FutureTimestamp {
        /// How far ahead it is.
        ahead: Duration,
        /// The tolerance in force.
        tolerance: Duration,
    },
    /// No configured secret produces this signature.
    #[error("the signature does not match the body")]
    Mismatch,
    /// The body is not the JSON a webhook carries.
    #[error("the body is not a webhook payload: {0}")]
    UnparseableBody(String),
}

/// What happened, as the webhook's `event_type` names it.
#[non_exhaustive]
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum EventType {
    /// `VKYC_USER_LINK_GENERATED`
    UserLinkGenerated,
    /// `VKYC_USER_LINK_EXPIRED`
    UserLinkExpired,
    /// `VKYC_USER_AADHAAR_VERIFIED`
    UserAadhaarVerified,
    /// `VKYC_USER_CALL_SCHEDULED`
    UserCallScheduled,
    /// `VKYC_USER_PRECHECK_FAILED`
    UserPrecheckFailed,
    /// `VKYC_USER_CALL_QUEUED`
    UserCallQueued,
    /// `VKYC_USER_CALL_STARTED`
    UserCallStarted,
    /// `VKYC_USER_DROPOFF_FROM_CALL`
    UserDropoffFromCall,
    /// `VKYC_USER_CALL_COMPLETED`
    UserCallCompleted,
    /// `VKYC_AUDITOR_REVIEW_COMPLETED`
    AuditorReviewCompleted,
    /// An event type this version does not know, exactly as sent.
    Unknown(String),
}

const EVENT_TYPES: [(&str, EventType); 10] = [
    ("VKYC_USER_LINK_GENERATED", EventType::UserLinkGenerated),
    ("VKYC_USER_LINK_EXPIRED", EventType::UserLinkExpired),
    ("VKYC_USER_AADHAAR_VERIFIED", EventType::UserAadhaarVerified),
    ("VKYC_USER_CALL_SCHEDULED", EventType::UserCallScheduled),
    ("VKYC_USER_PRECHECK_FAILED", EventType::UserPrecheckFailed),
    ("VKYC_USER_CALL_QUEUED", EventType::UserCallQueued),
    ("VKYC_USER_CALL_STARTED", EventType::UserCallStarted),
    (
        "VKYC_USER_DROPOFF_FROM_CALL",
        EventType::UserDropoffFromCall,
    ),
    ("VKYC_USER_CALL_COMPLETED", EventType::UserCallCompleted),
    (
        "VKYC_AUDITOR_REVIEW_COMPLETED",
        EventType::AuditorReviewCompleted,
    ),
];

impl EventType {
    /// Every event type this version knows.
    pub fn known() -> impl Iterator<Item = EventType> {
        EVENT_TYPES.into_iter().map(|(_, e)| e)
    }

    /// The text Cashfree sends.
    pub fn as_str(&self) -> &str {
        match self {
            EventType::Unknown(text) => text,
            known => EVENT_TYPES
                .iter()
                .find(|(_, e)| e == known)
                .map_or("", |(t, _)| t),
        }
    }
}

impl From<&str> for EventType {
    fn from(s: &str) -> Self {
        EVENT_TYPES
            .iter()
            .find(|(t, _)| *t == s)
            .map_or_else(|| EventType::Unknown(s.to_owned()), |(_, e)| e.clone())
    }
}

impl std::str::FromStr for EventType {
    type Err = std::convert::Infallible;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(s.into())
    }
}

impl fmt::Display for EventType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.as_str())
    }
}

/// A verified webhook delivery.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct WebhookEvent {
    /// What happened.
    pub event_type: EventType,
    /// When it happened, as Cashfree wrote it.
    pub event_time: Option<LenientTime>,
    /// The payload version (`v1`), or the `x-webhook-version` header.
    pub version: Option<String>,
    /// The verification, in the same view the API returns.
    pub verification: Verification,
    /// The whole body, as sent.
    pub raw: Value,
}

impl WebhookEvent {
    /// A key that is the same for every delivery of one event, to drop
    /// duplicates: verification id, event type, sub-status and event time.
    pub fn delivery_key(&self) -> String {
        format!(
            "{}|{}|{}|{}",
            self.verification.verification_id,
            self.event_type,
            self.verification.sub_status,
            self.event_time.as_ref().map_or("", |t| t.as_str())
        )
    }

    /// Reads a body without checking its signature. Use only after
    /// verifying it some other way.
    pub fn parse(api: Api, body: &[u8]) -> Result<Self, WebhookError> {
        let raw: Value = serde_json::from_slice(body)
            .map_err(|e| WebhookError::UnparseableBody(e.to_string()))?;
        let Value::Object(object) = &raw else {
            return Err(WebhookError::UnparseableBody("not a JSON object".into()));
        };
        // The verification's fields sit under `data`; a payload without it
        // carries them at the top level.
        let data = match object.get("data") {
            Some(Value::Object(data)) => data.clone(),
            Some(_) => {
                return Err(WebhookError::UnparseableBody(
                    "`data` is not an object".into(),
                ));
            }
            None => object.clone(),
        };
        let field = |key: &str| object.get(key).and_then(text);
        let event_type = field("event_type")
            .or_else(|| field("type"))
            .unwrap_or_default();
        Ok(WebhookEvent {
            event_type: event_type.as_str().into(),
            event_time: field("event_time").map(LenientTime::parse),
            version: field("version"),
            verification: Verification::from_json(api, data),
            raw,
        })
    }
}

/// Checks deliveries against one or more client secrets.
///
/// Cashfree signs with the oldest active secret, so during a rotation give
/// both: a delivery is accepted if any secret matches.
#[derive(Clone)]
pub struct Verifier {
    secrets: Vec<Vec<u8>>,
    tolerance: Duration,
    now_millis: Option<u64>,
}

impl fmt::Debug for Verifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Verifier")
            .field(
                "secrets",
                &format_args!("[{} redacted]", self.secrets.len()),
            )
            .field("tolerance", &self.tolerance)
            .finish()
    }
}

impl Verifier {
    /// A verifier for one client secret, with [`DEFAULT_TOLERANCE`].
    pub fn new(secret: impl AsRef<[u8]>) -> Self {
        Self::with_secrets([secret])
    }

    /// A verifier that accepts a signature from any of `secrets`.
    pub fn with_secrets<S: AsRef<[u8]>>(secrets: impl IntoIterator<Item = S>) -> Self {
        Verifier {
            secrets: secrets.into_iter().map(|s| s.as_ref().to_vec()).collect(),
            tolerance: DEFAULT_TOLERANCE,
            now_millis: None,
        }
    }

    /// How far the PPI timestamp may be from now, either way.
    pub fn tolerance(mut self, tolerance: Duration) -> Self {
        self.tolerance = tolerance;
        self
    }

    /// Fixes "now" (epoch milliseconds) instead of reading the clock, for
    /// tests and replays.
    pub fn now_millis(mut self, now: u64) -> Self {
        self.now_millis = Some(now);
        self
    }

    fn matches(&self, message: &[&[u8]], signature: &str) -> Result<(), WebhookError> {
        let given = BASE64
            .decode(signature.trim())
            .map_err(|_| WebhookError::BadSignatureEncoding)?;
        if given.len() != 32 {
            return Err(WebhookError::BadSignatureEncoding);
        }
        // Check every secret, so the time taken does not tell which one matched.
        let mut ok = false;
        for secret in &self.secrets {
            let mut mac =
                HmacSha256::new_from_slice(secret).expect("HMAC takes a key of any length");
            for part in message {
                mac.update(part);
            }
            ok |= mac.verify_slice(&given).is_ok();
        }
        if ok {
            Ok(())
        } else {
            Err(WebhookError::Mismatch)
        }
    }

    /// Verifies a PPI delivery from its `x-webhook-signature` and
    /// `x-webhook-timestamp` header values and raw body.
    pub fn verify_ppi(
        &self,
        signature: Option<&str>,
        timestamp: Option<&str>,
        body: &[u8],
    ) -> Result<WebhookEvent, WebhookError> {
        let signature = signature.ok_or(WebhookError::MissingHeader(SIGNATURE_HEADER))?;
        let timestamp = timestamp.ok_or(WebhookError::MissingHeader(TIMESTAMP_HEADER))?;
        let sent: u64 = timestamp
            .trim()
            .parse()
            .map_err(|_| WebhookError::BadTimestamp(timestamp.to_owned()))?;
        let now = self.now_millis.unwrap_or_else(|| {
            SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map_or(0, |d| d.as_millis() as u64)
        });
        let tolerance = self.tolerance;
        if now > sent && Duration::from_millis(now - sent) > tolerance {
            return Err(WebhookError::StaleTimestamp {
                age: Duration::from_millis(now - sent),
                tolerance,
            });
        }
        if sent > now && Duration::from_millis(sent - now) > tolerance {
            return Err(WebhookError::FutureTimestamp {
                ahead: Duration::from_millis(sent - now),
                tolerance,
            });
        }
        self.matches(&[timestamp.as_bytes(), body], signature)?;
        WebhookEvent::parse(Api::Ppi, body)
    }

    /// Verifies a PPI delivery from any header map (`http::HeaderMap`,
    /// as axum, hyper and reqwest use).
    pub fn verify_ppi_headers(
        &self,
        headers: &http::HeaderMap,
        body: &[u8],
    ) -> Result<WebhookEvent, WebhookError> {
        let get = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
        let mut event = self.verify_ppi(get(SIGNATURE_HEADER), get(TIMESTAMP_HEADER), body)?;
        if event.version.is_none() {
            event.version = get(VERSION_HEADER).map(str::to_owned);
        }
        Ok(event)
    }

    /// Verifies a Verification Suite delivery, whose signature is in the body.
    pub fn verify_verification_suite(&self, body: &[u8]) -> Result<WebhookEvent, WebhookError> {
        #[derive(serde::Deserialize)]
        struct Signed<'a> {
            signature: Option<String>,
            #[serde(borrow)]
            data: Option<BTreeMap<String, &'a RawValue>>,
        }
        let signed: Signed<'_> = serde_json::from_slice(body)
            .map_err(|e| WebhookError::UnparseableBody(e.to_string()))?;
        let signature = signed
            .signature
            .filter(|s| !s.is_empty())
            .ok_or(WebhookError::MissingSignature)?;
        let data = signed
            .data
            .ok_or_else(|| WebhookError::UnparseableBody("no `data` object".into()))?;
        let message = signing_message(&data)?;
        self.matches(&[message.as_bytes()], &signature)?;
        WebhookEvent::parse(Api::VerificationSuite, body)
    }
}

/// The Verification Suite's signed text: `data`'s values in key order,
/// strings unquoted, `null` as nothing, anything else as its JSON text.
fn signing_message(data: &BTreeMap<String, &RawValue>) -> Result<String, WebhookError> {
    let mut message = String::new();
    for value in data.values() {
        let text = value.get();
        if text.starts_with('"') {
            let s: String = serde_json::from_str(text)
                .map_err(|e| WebhookError::UnparseableBody(e.to_string()))?;
            message.push_str(&s);
        } else if text != "null" {
            message.push_str(text);
        }
    }
    Ok(message)
}

/// The PPI signature of `body` sent at `timestamp` (epoch milliseconds, as
/// text), as Cashfree computes it.
pub fn sign_ppi(secret: impl AsRef<[u8]>, timestamp: &str, body: &[u8]) -> String {
    let mut mac =
        HmacSha256::new_from_slice(secret.as_ref()).expect("HMAC takes a key of any length");
    mac.update(timestamp.as_bytes());
    mac.update(body);
    BASE64.encode(mac.finalize().into_bytes())
}

/// The Verification Suite signature of a `data` object, as Cashfree
/// computes it.
pub fn sign_verification_suite(secret: impl AsRef<[u8]>, data: &Map<String, Value>) -> String {
    // Written out and read back as raw values, so numbers sign as the JSON
    // text a receiver sees.
    let text = serde_json::to_string(data).unwrap_or_default();
    let raw: BTreeMap<String, &RawValue> = serde_json::from_str(&text).unwrap_or_default();
    let message = signing_message(&raw).unwrap_or_default();
    let mut mac =
        HmacSha256::new_from_slice(secret.as_ref()).expect("HMAC takes a key of any length");
    mac.update(message.as_bytes());
    BASE64.encode(mac.finalize().into_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const SECRET: &str = "cf_test_secret";
    const NOW: u64 = 1_780_308_000_000;
    const PPI_BODY: &[u8] = br#"{"event_type":"VKYC_USER_CALL_COMPLETED","event_time":"2026-06-01T10:00:00Z","data":{"verification_id":"v1","cf_verification_id":"8901","user_id":"u1","status":"","sub_status":"AGENT_APPROVED","recording_link":""}}"#;

    fn verifier() -> Verifier {
        Verifier::new(SECRET).now_millis(NOW)
    }

    /// An independent vector: HMAC-SHA256 computed outside this module.
    #[test]
    fn known_vector() {
        // echo -n '1700000000000{"a":1}' | openssl dgst -sha256 -hmac key -binary | base64
        assert_eq!(
            sign_ppi("key", "1700000000000", br#"{"a":1}"#),
            "e3QIZdjQjnOq37ZbtPvgTdsCm1XVTG0+XvqtuyrbYwU="
        );
    }

    #[test]
    fn ppi_valid_and_tampered() {
        let ts = NOW.to_string();
        let sig = sign_ppi(SECRET, &ts, PPI_BODY);
        let event = verifier()
            .verify_ppi(Some(&sig), Some(&ts), PPI_BODY)
            .unwrap();
        assert_eq!(event.event_type, EventType::UserCallCompleted);
        assert_eq!(event.verification.cashfree_id.as_deref(), Some("8901"));
        assert_eq!(
            event.verification.recording_link, None,
            "\"\" reads as absent"
        );
        assert_eq!(
            event.delivery_key(),
            "v1|VKYC_USER_CALL_COMPLETED|AGENT_APPROVED|2026-06-01T10:00:00Z"
        );

        let mut tampered = PPI_BODY.to_vec();
        let i = tampered.iter().position(|b| *b == b'8').unwrap();
        tampered[i] = b'9';
        assert_eq!(
            verifier().verify_ppi(Some(&sig), Some(&ts), &tampered),
            Err(WebhookError::Mismatch)
        );
        let other = sign_ppi("another_secret", &ts, PPI_BODY);
        assert_eq!(
            verifier().verify_ppi(Some(&other), Some(&ts), PPI_BODY),
            Err(WebhookError::Mismatch)
        );
        let shifted = (NOW + 1).to_string();
        assert_eq!(
            verifier().verify_ppi(Some(&sig), Some(&shifted), PPI_BODY),
            Err(WebhookError::Mismatch)
        );
    }

    #[test]
    fn ppi_timestamps_and_headers() {
        let stale = (NOW - 6 * 60 * 1000).to_string();
        let sig = sign_ppi(SECRET, &stale, PPI_BODY);
        assert!(matches!(
            verifier().verify_ppi(Some(&sig), Some(&stale), PPI_BODY),
            Err(WebhookError::StaleTimestamp { .. })
        ));
        let future = (NOW + 6 * 60 * 1000).to_string();
        let sig = sign_ppi(SECRET, &future, PPI_BODY);
        assert!(matches!(
            verifier().verify_ppi(Some(&sig), Some(&future), PPI_BODY),
            Err(WebhookError::FutureTimestamp { .. })
        ));
        assert!(
            verifier()
                .tolerance(Duration::from_secs(600))
                .verify_ppi(Some(&sig), Some(&future), PPI_BODY)
                .is_ok()
        );
        assert_eq!(
            verifier().verify_ppi(None, Some("1"), PPI_BODY),
            Err(WebhookError::MissingHeader(SIGNATURE_HEADER))
        );
        assert_eq!(
            verifier().verify_ppi(Some("x"), None, PPI_BODY),
            Err(WebhookError::MissingHeader(TIMESTAMP_HEADER))
        );
        assert_eq!(
            verifier().verify_ppi(Some("x"), Some("soon"), PPI_BODY),
            Err(WebhookError::BadTimestamp("soon".into()))
        );
        let ts = NOW.to_string();
        assert_eq!(
            verifier().verify_ppi(Some("%%%"), Some(&ts), PPI_BODY),
            Err(WebhookError::BadSignatureEncoding)
        );
        assert_eq!(
            verifier().verify_ppi(Some("YWJj"), Some(&ts), PPI_BODY),
            Err(WebhookError::BadSignatureEncoding)
        );
    }

    #[test]
    fn ppi_signs_the_raw_bytes_not_their_json() {
        // Odd spacing and key order: what was signed is these exact bytes.
        let body = b"{ \"data\" : {\"sub_status\":\"LINK_GENERATED\", \"verification_id\":\"v1\"},\n \"event_type\":\"VKYC_USER_LINK_GENERATED\" }";
        let ts = NOW.to_string();
        let sig = sign_ppi(SECRET, &ts, body);
        assert!(verifier().verify_ppi(Some(&sig), Some(&ts), body).is_ok());
        let reserialised =
            serde_json::to_vec(&serde_json::from_slice::<Value>(body).unwrap()).unwrap();
        assert_ne!(reserialised, body);
        assert_eq!(
            verifier().verify_ppi(Some(&sig), Some(&ts), &reserialised),
            Err(WebhookError::Mismatch)
        );
    }

    #[test]
    fn rotation_accepts_either_secret() {
        let ts = NOW.to_string();
        let rotating = Verifier::with_secrets(["new_secret", SECRET]).now_millis(NOW);
        assert!(
            rotating
                .verify_ppi(Some(&sign_ppi(SECRET, &ts, PPI_BODY)), Some(&ts), PPI_BODY)
                .is_ok()
        );
        assert!(
            rotating
                .verify_ppi(
                    Some(&sign_ppi("new_secret", &ts, PPI_BODY)),
                    Some(&ts),
                    PPI_BODY
                )
                .is_ok()
        );
        assert!(
            rotating
                .verify_ppi(Some(&sign_ppi("old", &ts, PPI_BODY)), Some(&ts), PPI_BODY)
                .is_err()
        );
        assert!(!format!("{rotating:?}").contains(SECRET));
    }

    #[test]
    fn verification_suite_signs_sorted_values_of_raw_data() {
        let data = json!({"verification_id": "v1", "reference_id": 1358, "user_reference_id": "11174",
            "status": "RECEIVED", "sub_status": "LINK_GENERATED", "vkyc_link": "https://x", "link_expiry": "2025-08-03",
            "recording_link": null, "meeting_schedule": null, "user_id": "u1"});
        let data = data.as_object().unwrap();
        // Sorted keys: link_expiry, meeting_schedule, recording_link, reference_id, status, sub_status,
        // user_id, user_reference_id, verification_id, vkyc_link.
        // echo -n '2025-08-031358RECEIVEDLINK_GENERATEDu111174v1https://x' \
        //   | openssl dgst -sha256 -hmac cf_test_secret -binary | base64
        let expected = "aGRnsPaChyJNBeWFe5N/4ebiykBN3ybGWnki8ZZ4Qgc=";
        assert_eq!(sign_verification_suite(SECRET, data), expected);

        // Whitespace and key order differ from any re-serialisation; the raw values still verify.
        let body = format!(
            "{{ \"signature\" : \"{expected}\", \"event_type\":\"VKYC_USER_LINK_GENERATED\", \"version\":\"v1\",\n  \"data\": {{\"vkyc_link\":\"https://x\",\"verification_id\":\"v1\",\"user_reference_id\":\"11174\",\"user_id\":\"u1\",\"sub_status\":\"LINK_GENERATED\",\"status\":\"RECEIVED\",\"reference_id\": 1358,\"recording_link\":null,\"meeting_schedule\":null,\"link_expiry\":\"2025-08-03\"}} }}"
        );
        let event = verifier()
            .verify_verification_suite(body.as_bytes())
            .unwrap();
        assert_eq!(event.verification.reference_id(), Some(1358));
        assert_eq!(event.version.as_deref(), Some("v1"));
        let tampered = body.replace("1358", "1359");
        assert_eq!(
            verifier().verify_verification_suite(tampered.as_bytes()),
            Err(WebhookError::Mismatch)
        );
        assert_eq!(
            verifier().verify_verification_suite(br#"{"data":{}}"#),
            Err(WebhookError::MissingSignature)
        );
        assert!(matches!(
            verifier().verify_verification_suite(b"not json"),
            Err(WebhookError::UnparseableBody(_))
        ));
    }

    #[test]
    fn event_types_round_trip() {
        for e in EventType::known() {
            assert_eq!(EventType::from(e.as_str()), e);
        }
        assert_eq!(EventType::from("VKYC_NEW_THING").as_str(), "VKYC_NEW_THING");
    }
}

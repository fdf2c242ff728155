//! Verifying and reading Cashfree's Video KYC webhooks.
//!
//! Cashfree signs every delivery with HMAC-SHA256 keyed by your client
//! secret, in one of two schemes ([`Scheme`]):
//!
//! - **Signed headers**, which PPI uses and Cashfree's current
//!   Verification Suite (Secure ID) pages describe: the
//!   `x-webhook-signature` header is
//!   `base64(HMAC(secret, x-webhook-timestamp + raw body))`, the timestamp
//!   in epoch milliseconds.
//! - **Signed body**, from older Verification Suite pages: the body's
//!   `signature` field is
//!   `base64(HMAC(secret, values of data concatenated in key order))`,
//!   strings as they are, numbers as their JSON text, `null` as nothing.
//!
//! [`Verifier::verify`] takes the headers and the raw body and uses
//! whichever scheme the delivery carries, so one receiver serves both
//! families. It answers with the authenticated bytes ([`Delivery`]);
//! reading them as an event is a separate step
//! ([`Delivery::parse`]), so a correctly signed body of a shape this
//! version does not know is still recognised as authentic.
//!
//! Verification always works on the raw bytes received, never on JSON that
//! was parsed and written again, and compares in constant time.
//!
//! # What to expect of deliveries
//!
//! - **At least once.** Cashfree redelivers until it gets a 2xx, so the
//!   same event can arrive twice, or on another instance:
//!   [`ExactlyOnce`] handles each once.
//! - **In any order.** Each delivery is its own request, retried on its
//!   own: `AUDITOR_APPROVED` can arrive before `USER_QUEUED`. Keeping the
//!   last one received can end an approved customer "in progress"; keep
//!   the latest state with [`LatestState`](crate::LatestState) (a final
//!   state always wins, then the later phase, then the later
//!   `event_time`), as [`Follower`](crate::Follower) does.
//! - **Possibly before `initiate()` returns.** The first event can race the
//!   answer to the call that created the verification: record the
//!   `verification_id` as yours before calling `initiate`, not after.
//! - **Without remarks.** The payload carries the status, sub-status and
//!   links, not the agent's or the auditor's remarks: on a final event,
//!   ask for the status ([`Client::status`](crate::Client::status)) to
//!   read `agent_remarks` and `auditor_remarks`.
//!
//! ```
//! use cashfree_vkyc::webhook::{self, Scheme, Verifier};
//! use http::HeaderMap;
//!
//! let secret = "my-client-secret";
//! let body = br#"{"event_type":"VKYC_USER_LINK_GENERATED","event_time":"2026-06-01T10:00:00Z","data":{"verification_id":"v1","status":"RECEIVED","sub_status":"LINK_GENERATED"}}"#;
//! let timestamp = "1780308000000";
//! let mut headers = HeaderMap::new();
//! headers.insert("x-webhook-timestamp", timestamp.parse()?);
//! headers.insert("x-webhook-signature", webhook::header_signature(secret, timestamp, body).parse()?);
//!
//! let verifier = Verifier::new(secret).now_millis(1780308000000);
//! let delivery = verifier.verify(&headers, &body[..])?;   // authentic
//! assert_eq!(delivery.scheme(), Scheme::Headers);
//! let event = delivery.parse()?;                          // and readable
//! assert_eq!(event.verification.verification_id, "v1");
//! assert_eq!(event.event_type, webhook::EventType::UserLinkGenerated);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

#[cfg(feature = "axum")]
#[cfg_attr(docsrs, doc(cfg(feature = "axum")))]
pub mod axum;
mod event;
mod once;
#[cfg(test)]
mod tests;

pub use event::{EventType, WebhookEvent};
pub use once::{ClaimTicket, Claimed, ClaimedDelivery, ExactlyOnce, ProcessError, Processed};

use crate::verification::Api;
use aws_lc_rs::constant_time::verify_slices_are_equal;
use aws_lc_rs::hmac;
use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use bytes::Bytes;
use http::{HeaderMap, HeaderName, HeaderValue};
use serde_json::value::RawValue;
use serde_json::{Map, Value};
use std::collections::BTreeMap;
use std::fmt;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// The signature header of the signed-headers scheme.
pub const SIGNATURE_HEADER: &str = "x-webhook-signature";
/// The timestamp header of the signed-headers scheme (epoch milliseconds).
pub const TIMESTAMP_HEADER: &str = "x-webhook-timestamp";
/// The webhook version header.
pub const VERSION_HEADER: &str = "x-webhook-version";
/// The delivery attempt header.
pub const ATTEMPT_HEADER: &str = "x-webhook-attempt";

/// The same names, parsed once.
mod names {
    use http::HeaderName;
    pub const SIGNATURE: HeaderName = HeaderName::from_static(super::SIGNATURE_HEADER);
    pub const TIMESTAMP: HeaderName = HeaderName::from_static(super::TIMESTAMP_HEADER);
    pub const VERSION: HeaderName = HeaderName::from_static(super::VERSION_HEADER);
    pub const ATTEMPT: HeaderName = HeaderName::from_static(super::ATTEMPT_HEADER);
}

/// How far a signed timestamp may be from now, either way, by default.
pub const DEFAULT_TOLERANCE: Duration = Duration::from_secs(5 * 60);

/// Why a delivery was not accepted. The secret is never part of it, and
/// neither is anything from the body.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WebhookError {
    /// One of the signed-headers scheme's headers is absent.
    MissingHeader(&'static str),
    /// The body has no `signature` field (signed-body scheme).
    MissingSignature,
    /// The delivery carries no signature in either scheme.
    Unsigned,
    /// The signature is not base64, or not the length of an HMAC-SHA256.
    BadSignatureEncoding,
    /// The timestamp is not a number of milliseconds.
    BadTimestamp(String),
    /// The timestamp is older than the tolerance allows.
    StaleTimestamp {
        /// How old it is.
        age: Duration,
        /// The tolerance in force.
        tolerance: Duration,
    },
    /// The timestamp is further in the future than the tolerance allows.
    FutureTimestamp {
        /// How far ahead it is.
        ahead: Duration,
        /// The tolerance in force.
        tolerance: Duration,
    },
    /// No configured secret produces this signature.
    Mismatch,
    /// The body is not the JSON a webhook carries (reading an authentic
    /// delivery, or looking for a body signature).
    UnparseableBody(String),
}

impl fmt::Display for WebhookError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WebhookError::MissingHeader(name) => write!(f, "missing header {name}"),
            WebhookError::MissingSignature => f.write_str("the body carries no signature"),
            WebhookError::Unsigned => f.write_str(
                "the delivery carries no signature: no x-webhook-signature and x-webhook-timestamp headers (stripped on the way?) and no `signature` in the body",
            ),
            WebhookError::BadSignatureEncoding => {
                f.write_str("the signature is not a base64 HMAC-SHA256")
            }
            WebhookError::BadTimestamp(raw) => {
                write!(f, "the timestamp {raw:?} is not epoch milliseconds")
            }
            WebhookError::StaleTimestamp { age, tolerance } => write!(
                f,
                "the delivery is {age:?} old, more than the {tolerance:?} allowed"
            ),
            WebhookError::FutureTimestamp { ahead, tolerance } => write!(
                f,
                "the delivery is dated {ahead:?} in the future, more than the {tolerance:?} allowed"
            ),
            WebhookError::Mismatch => f.write_str("the signature does not match the body"),
            WebhookError::UnparseableBody(why) => {
                write!(f, "the body is not a webhook payload: {why}")
            }
        }
    }
}

impl std::error::Error for WebhookError {}

/// How a delivery was signed.
#[non_exhaustive]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Scheme {
    /// `x-webhook-signature` over `x-webhook-timestamp` and the raw body.
    Headers,
    /// The body's `signature` over the values of its `data`.
    Body,
}

impl Scheme {
    /// `headers` or `body`.
    pub fn as_str(self) -> &'static str {
        match self {
            Scheme::Headers => "headers",
            Scheme::Body => "body",
        }
    }
}

impl fmt::Display for Scheme {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.as_str())
    }
}

/// A delivery whose signature checked out: the authenticated bytes and
/// what the headers said about them.
///
/// `B` is whatever held the body (`&[u8]`, `Vec<u8>`, [`Bytes`]); nothing
/// is copied. `Debug` shows the body's length, not its content.
#[derive(Clone)]
pub struct Delivery<B = Bytes> {
    body: B,
    scheme: Scheme,
    api: Option<Api>,
    timestamp_millis: Option<u64>,
    attempt: Option<u32>,
    version: Option<HeaderValue>,
}

impl<B: AsRef<[u8]>> fmt::Debug for Delivery<B> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Delivery")
            .field("scheme", &self.scheme)
            .field("api", &self.api)
            .field("timestamp_millis", &self.timestamp_millis)
            .field("attempt", &self.attempt)
            .field("body_len", &self.body.as_ref().len())
            .finish_non_exhaustive()
    }
}

impl<B: AsRef<[u8]>> Delivery<B> {
    /// The body, exactly as received and signed.
    pub fn body(&self) -> &[u8] {
        self.body.as_ref()
    }

    /// The body, as it was handed in.
    pub fn into_body(self) -> B {
        self.body
    }

    /// How it was signed.
    pub fn scheme(&self) -> Scheme {
        self.scheme
    }

    /// The family, when the verifier was told ([`Verifier::api`]) or the
    /// scheme says (a signed body is the Verification Suite's).
    /// [`parse`](Self::parse) also reads it from the payload.
    pub fn api(&self) -> Option<Api> {
        self.api
    }

    /// The signed `x-webhook-timestamp`, in epoch milliseconds.
    pub fn timestamp_millis(&self) -> Option<u64> {
        self.timestamp_millis
    }

    /// Which attempt this is (`x-webhook-attempt`, 1 for the first).
    pub fn attempt(&self) -> Option<u32> {
        self.attempt
    }

    /// The `x-webhook-version` header.
    pub fn version(&self) -> Option<&str> {
        self.version.as_ref().and_then(|v| v.to_str().ok())
    }

    /// Reads the body as an event. Fails only if the body is not a webhook
    /// payload; it was authentic all the same.
    pub fn parse(&self) -> Result<WebhookEvent, WebhookError> {
        WebhookEvent::parse_as(self.api, self.body(), self.attempt, self.version())
    }

    /// The event's [`delivery_key`](WebhookEvent::delivery_key); for a body
    /// that is not a webhook payload, the family and a digest of the body.
    /// It parses the body: with the event in hand, ask the event.
    pub fn delivery_key(&self) -> String {
        match self.parse() {
            Ok(event) => event.key,
            Err(_) => format!(
                "{}|{}",
                self.api.map_or("unknown", Api::as_str),
                event::body_digest(self.body())
            ),
        }
    }
}

/// Checks deliveries against one or more client secrets.
///
/// Cashfree signs with the secret active when the event was sent, so
/// during a rotation give both: a delivery is accepted if any secret
/// matches.
#[derive(Clone)]
pub struct Verifier {
    /// One HMAC-SHA256 key per secret.
    keys: Vec<hmac::Key>,
    tolerance: Duration,
    now_millis: Option<u64>,
    api: Option<Api>,
}

impl fmt::Debug for Verifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Verifier")
            .field("secrets", &format_args!("[{} redacted]", self.keys.len()))
            .field("tolerance", &self.tolerance)
            .field("api", &self.api)
            .finish()
    }
}

fn keyed(secret: &[u8]) -> hmac::Key {
    // HMAC takes a key of any length.
    hmac::Key::new(hmac::HMAC_SHA256, secret)
}

impl Verifier {
    /// A verifier for one client secret, with [`DEFAULT_TOLERANCE`].
    pub fn new(secret: impl AsRef<[u8]>) -> Self {
        Self::with_secrets([secret])
    }

    /// A verifier that accepts a signature from any of `secrets`.
    pub fn with_secrets<S: AsRef<[u8]>>(secrets: impl IntoIterator<Item = S>) -> Self {
        Verifier {
            keys: secrets.into_iter().map(|s| keyed(s.as_ref())).collect(),
            tolerance: DEFAULT_TOLERANCE,
            now_millis: None,
            api: None,
        }
    }

    /// How far the signed timestamp may be from now, either way.
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

    /// The family this receiver's deliveries belong to (Cashfree's
    /// dashboard sets one webhook URL per product). Without it, the family
    /// is read from the delivery.
    pub fn api(mut self, api: Api) -> Self {
        self.api = Some(api);
        self
    }

    fn matches(&self, message: &[&[u8]], signature: &str) -> Result<(), WebhookError> {
        let mut given = [0u8; 33];
        match BASE64.decode_slice(signature.trim(), &mut given) {
            Ok(32) => {}
            _ => return Err(WebhookError::BadSignatureEncoding),
        }
        // Check every secret, so the time taken does not tell which one matched.
        let mut ok = false;
        for key in &self.keys {
            let mut mac = hmac::Context::with_key(key);
            for part in message {
                mac.update(part);
            }
            ok |= verify_slices_are_equal(mac.sign().as_ref(), &given[..32]).is_ok();
        }
        if ok {
            Ok(())
        } else {
            Err(WebhookError::Mismatch)
        }
    }

    /// Verifies a delivery in whichever scheme it carries: the signed
    /// headers when it has them, the signed body otherwise. A delivery
    /// with neither is refused ([`WebhookError::Unsigned`]; with
    /// [`api`](Self::api) set to PPI, whose deliveries are always signed
    /// in the headers, [`WebhookError::MissingHeader`]).
    pub fn verify<B: AsRef<[u8]>>(
        &self,
        headers: &HeaderMap,
        body: B,
    ) -> Result<Delivery<B>, WebhookError> {
        // A header that is present but not text is still present.
        let get = |name: &HeaderName| headers.get(name).map(|v| v.to_str().unwrap_or(""));
        let (signature, timestamp) = (get(&names::SIGNATURE), get(&names::TIMESTAMP));
        let mut delivery = if signature.is_some() || timestamp.is_some() {
            self.verify_signed_headers(signature, timestamp, body)?
        } else {
            match self.verify_signed_body(body) {
                Err(WebhookError::MissingSignature | WebhookError::UnparseableBody(_)) => {
                    return Err(match self.api {
                        Some(Api::Ppi) => WebhookError::MissingHeader(SIGNATURE_HEADER),
                        _ => WebhookError::Unsigned,
                    });
                }
                other => other?,
            }
        };
        delivery.attempt = get(&names::ATTEMPT).and_then(|a| a.trim().parse().ok());
        delivery.version = headers.get(&names::VERSION).cloned();
        Ok(delivery)
    }

    /// Verifies the signed-headers scheme from the `x-webhook-signature`
    /// and `x-webhook-timestamp` values and the raw body, for callers whose
    /// framework has no `http::HeaderMap`.
    pub fn verify_signed_headers<B: AsRef<[u8]>>(
        &self,
        signature: Option<&str>,
        timestamp: Option<&str>,
        body: B,
    ) -> Result<Delivery<B>, WebhookError> {
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
        self.matches(&[timestamp.as_bytes(), body.as_ref()], signature)?;
        Ok(Delivery {
            body,
            scheme: Scheme::Headers,
            api: self.api,
            timestamp_millis: Some(sent),
            attempt: None,
            version: None,
        })
    }

    /// Verifies the signed-body scheme (older Verification Suite
    /// deliveries): the body's `signature` over its `data`.
    pub fn verify_signed_body<B: AsRef<[u8]>>(&self, body: B) -> Result<Delivery<B>, WebhookError> {
        #[derive(serde::Deserialize)]
        struct Signed<'a> {
            signature: Option<String>,
            #[serde(borrow)]
            data: Option<BTreeMap<String, &'a RawValue>>,
        }
        let signed: Signed<'_> = serde_json::from_slice(body.as_ref())
            .map_err(|e| WebhookError::UnparseableBody(event::describe(&e)))?;
        let signature = signed
            .signature
            .filter(|s| !s.is_empty())
            .ok_or(WebhookError::MissingSignature)?;
        let data = signed
            .data
            .ok_or_else(|| WebhookError::UnparseableBody("no `data` object".into()))?;
        let message = signing_message(&data)?;
        self.matches(&[message.as_bytes()], &signature)?;
        Ok(Delivery {
            body,
            scheme: Scheme::Body,
            api: Some(self.api.unwrap_or(Api::VerificationSuite)),
            timestamp_millis: None,
            attempt: None,
            version: None,
        })
    }
}

/// The signed-body scheme's text: `data`'s values in key order, strings
/// unquoted, `null` as nothing, anything else as its JSON text.
fn signing_message(data: &BTreeMap<String, &RawValue>) -> Result<String, WebhookError> {
    let mut message = String::new();
    for value in data.values() {
        let text = value.get();
        if text.starts_with('"') {
            let s: String = serde_json::from_str(text)
                .map_err(|e| WebhookError::UnparseableBody(event::describe(&e)))?;
            message.push_str(&s);
        } else if text != "null" {
            message.push_str(text);
        }
    }
    Ok(message)
}

/// The `x-webhook-signature` of `body` sent at `timestamp` (epoch
/// milliseconds, as text), as Cashfree computes it.
pub fn header_signature(secret: impl AsRef<[u8]>, timestamp: &str, body: &[u8]) -> String {
    let mut mac = hmac::Context::with_key(&keyed(secret.as_ref()));
    mac.update(timestamp.as_bytes());
    mac.update(body);
    BASE64.encode(mac.sign())
}

/// The signed-body scheme's `signature` of a `data` object, as Cashfree
/// computes it.
pub fn body_signature(secret: impl AsRef<[u8]>, data: &Map<String, Value>) -> String {
    // Written out and read back as raw values, so numbers sign as the JSON
    // text a receiver sees.
    let text = serde_json::to_string(data).unwrap_or_default();
    let raw: BTreeMap<String, &RawValue> = serde_json::from_str(&text).unwrap_or_default();
    let message = signing_message(&raw).unwrap_or_default();
    BASE64.encode(hmac::sign(&keyed(secret.as_ref()), message.as_bytes()))
}

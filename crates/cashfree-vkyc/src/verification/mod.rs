//! One view of a verification, the same for both API families and for
//! webhooks.

mod fields;

use crate::error::DecodeError;
pub use crate::lenient::LenientTime;
#[cfg(feature = "chrono")]
pub use crate::lenient::Timestamp;
use crate::status::{Outcome, Phase, SubStatus, VkycStatus};
use bytes::Bytes;
use cashfree_vkyc_raw::{ppi::types as ppi_raw, verification_suite::types as vs_raw};
pub(crate) use fields::Fields;
use serde::Serialize;
use serde_json::{Map, Value};
use std::fmt;
use std::sync::OnceLock;

/// The API family a verification belongs to.
#[non_exhaustive]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Api {
    /// Verification Suite ("Secure ID"), `/verification/vkyc`.
    VerificationSuite,
    /// PPI (prepaid instruments), `/ppi/kyc/vkyc`.
    Ppi,
}

impl Api {
    /// `verification_suite` or `ppi`.
    pub fn as_str(self) -> &'static str {
        match self {
            Api::VerificationSuite => "verification_suite",
            Api::Ppi => "ppi",
        }
    }
}

impl fmt::Display for Api {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.as_str())
    }
}

/// Cashfree's identifier for a verification: the Verification Suite's
/// `reference_id` (a number) or PPI's `cf_verification_id` (a string of
/// digits). Cashfree sends either as a JSON number or a string; it is kept
/// as the text of its digits.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct CashfreeId(String);

impl CashfreeId {
    /// The identifier as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The identifier as a number, when it is one (a Verification Suite
    /// `reference_id` always is).
    pub fn as_i64(&self) -> Option<i64> {
        self.0.parse().ok()
    }
}

impl fmt::Display for CashfreeId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(&self.0)
    }
}

impl PartialEq<str> for CashfreeId {
    fn eq(&self, other: &str) -> bool {
        self.0 == other
    }
}

impl PartialEq<&str> for CashfreeId {
    fn eq(&self, other: &&str) -> bool {
        self.0 == *other
    }
}

impl From<i64> for CashfreeId {
    fn from(id: i64) -> Self {
        CashfreeId(id.to_string())
    }
}

impl From<&str> for CashfreeId {
    fn from(id: &str) -> Self {
        CashfreeId(id.trim().to_owned())
    }
}

impl From<String> for CashfreeId {
    fn from(id: String) -> Self {
        id.as_str().into()
    }
}

fields::view! {
    /// A verification as Cashfree last reported it.
    ///
    /// Built the same way from either family's responses and from webhook
    /// payloads. Text fields that Cashfree fills with `""` or `null` are `None`;
    /// identifiers sent as numbers become their decimal text. Every field of
    /// the original body stays reachable through [`raw`](Self::raw), and the
    /// ones this view does not model through [`extra`](Self::extra).
    pub struct Verification {
        // field: type = its name in the Verification Suite's JSON / in PPI's
        // (`-`: the family has no such field)

        /// Your identifier for the verification.
        verification_id: String = "verification_id" / "verification_id",
        /// Cashfree's identifier: `reference_id` (Verification Suite) or
        /// `cf_verification_id` (PPI).
        cashfree_id: Option<CashfreeId> = "reference_id" / "cf_verification_id",
        /// The user's identifier.
        user_id: Option<String> = "user_id" / "user_id",
        /// Cashfree's identifier for the user (Verification Suite), as
        /// [`User::ReferenceId`](crate::User::ReferenceId) takes it.
        user_reference_id: Option<i64> = "user_reference_id" / -,
        /// The phase name, exactly as sent.
        status: VkycStatus = "status" / "status",
        /// The event inside the phase, exactly as sent.
        sub_status: SubStatus = "sub_status" / "sub_status",
        /// The link the user opens for the video call.
        vkyc_link: Option<String> = "vkyc_link" / "vkyc_link",
        /// When the link expires.
        link_expiry: Option<LenientTime> = "link_expiry" / "link_expiry",
        /// When the call is scheduled.
        meeting_schedule: Option<LenientTime> = "meeting_schedule" / "meeting_schedule",
        /// The agent's remarks.
        agent_remarks: Option<String> = "agent_remarks" / "agent_remarks",
        /// The auditor's remarks.
        auditor_remarks: Option<String> = "auditor_remarks" / "auditor_remarks",
        /// A link to the call's recording, once the call is over.
        recording_link: Option<String> = "recording_link" / -,
    }
}

// What each generated response type carries, by its JSON names.
fields::fields_from!(ppi_raw::PpiVkycResponse, Api::Ppi => verification_id, cf_verification_id,
    user_id, status, sub_status, vkyc_link, link_expiry, meeting_schedule, agent_remarks,
    auditor_remarks);
fields::fields_from!(vs_raw::GetVkycLinkResponseSchema, Api::VerificationSuite => verification_id,
    reference_id, user_id, user_reference_id, status, sub_status, vkyc_link, link_expiry,
    meeting_schedule, agent_remarks, auditor_remarks, recording_link);
fields::fields_from!(vs_raw::VkycLinkResponseSchema, Api::VerificationSuite => verification_id,
    reference_id, user_id, user_reference_id, status, sub_status, vkyc_link, link_expiry,
    agent_remarks, auditor_remarks);

/// The body as received, parsed into a map only when asked for: most
/// callers never look at fields the view does not model.
#[derive(Clone, Debug)]
struct Raw {
    body: Option<Bytes>,
    map: OnceLock<Map<String, Value>>,
}

impl Raw {
    fn map(&self) -> &Map<String, Value> {
        self.map.get_or_init(|| {
            // The generated client already decoded this body as an object.
            self.body
                .as_deref()
                .and_then(|b| serde_json::from_slice(b).ok())
                .unwrap_or_default()
        })
    }
}

impl Verification {
    /// Builds the view from a response body or a webhook's `data` object.
    pub fn from_json(api: Api, raw: Map<String, Value>) -> Self {
        let fields = Fields::from_map(api, &raw);
        Self::build(
            api,
            fields,
            Raw {
                body: None,
                map: OnceLock::from(raw),
            },
            None,
        )
    }

    /// Builds the view from what the generated client decoded, keeping the
    /// body for [`raw`](Self::raw).
    pub(crate) fn from_decoded(
        api: Api,
        fields: Fields,
        body: Bytes,
        request_id: Option<String>,
    ) -> Self {
        Self::build(
            api,
            fields,
            Raw {
                body: Some(body),
                map: OnceLock::new(),
            },
            request_id,
        )
    }

    /// Decodes a success body exactly as the client does: through the
    /// generated type of `api`'s status response, then into the view. For
    /// replaying stored responses, and for tests.
    ///
    /// ```
    /// use cashfree_vkyc::{Api, Verification};
    ///
    /// let body = br#"{"verification_id":"v1","reference_id":1358,"status":"RECEIVED","sub_status":"LINK_GENERATED"}"#;
    /// let v = Verification::from_response_body(Api::VerificationSuite, body)?;
    /// assert_eq!(v.cashfree_id.and_then(|id| id.as_i64()), Some(1358));
    /// # Ok::<(), cashfree_vkyc::Error>(())
    /// ```
    pub fn from_response_body(api: Api, body: &[u8]) -> Result<Self, crate::Error> {
        let bytes = Bytes::copy_from_slice(body);
        let fields: Fields = match api {
            Api::Ppi => DecodeError::check::<ppi_raw::PpiVkycResponse>(200, None, &bytes)?.into(),
            Api::VerificationSuite => {
                DecodeError::check::<vs_raw::GetVkycLinkResponseSchema>(200, None, &bytes)?.into()
            }
        };
        Ok(Self::from_decoded(api, fields, bytes, None))
    }

    /// Cashfree's `x-request-id` of the response this view came from
    /// (`None` for webhooks and views built from JSON).
    pub fn request_id(&self) -> Option<&str> {
        self.request_id.as_deref()
    }

    /// Every field exactly as Cashfree sent it.
    pub fn raw(&self) -> &Map<String, Value> {
        self.raw.map()
    }

    /// The fields this view does not model (for example `aadhaar_details`,
    /// `security_questions`, or fields Cashfree adds later).
    pub fn extra(&self) -> impl Iterator<Item = (&str, &Value)> {
        self.raw()
            .iter()
            .filter(|(k, _)| !self.api.models(k))
            .map(|(k, v)| (k.as_str(), v))
    }

    /// The phase, from the sub-status where it is known and from the
    /// status otherwise.
    pub fn phase(&self) -> Phase {
        match self.sub_status.phase() {
            Phase::Unknown => self.status.phase(),
            phase => phase,
        }
    }

    /// What the verification means for the merchant.
    pub fn outcome(&self) -> Outcome {
        match (self.sub_status.outcome(), &self.status) {
            (Outcome::Unknown, VkycStatus::Expired) => Outcome::Expired,
            (Outcome::Unknown, VkycStatus::Rejected) => Outcome::Rejected,
            (outcome, _) => outcome,
        }
    }

    /// Whether nothing more will happen to the verification.
    pub fn is_final(&self) -> bool {
        self.sub_status.is_final()
            || (!self.sub_status.is_known()
                && matches!(self.status, VkycStatus::Expired | VkycStatus::Rejected))
    }

    /// Whether the user must act before the verification can go on.
    pub fn needs_user_action(&self) -> bool {
        self.sub_status.needs_user_action()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn view(api: Api, value: Value) -> Verification {
        Verification::from_json(api, value.as_object().unwrap().clone())
    }

    #[test]
    fn integer_or_string_ids_and_empty_strings() {
        let v = view(
            Api::VerificationSuite,
            json!({"verification_id": "v1", "reference_id": 1358, "user_reference_id": "11174",
                   "status": "RECEIVED", "sub_status": "LINK_GENERATED", "recording_link": "", "agent_remarks": null}),
        );
        assert_eq!(v.cashfree_id.as_ref().map(CashfreeId::as_str), Some("1358"));
        assert_eq!(
            v.cashfree_id.as_ref().and_then(CashfreeId::as_i64),
            Some(1358)
        );
        assert_eq!(v.user_reference_id, Some(11174));
        assert_eq!(v.recording_link, None);
        assert_eq!(v.agent_remarks, None);
        assert_eq!(v.phase(), Phase::Received);
    }

    #[test]
    fn unknown_fields_stay_reachable() {
        let v = view(
            Api::Ppi,
            json!({"verification_id": "v", "cf_verification_id": "89", "new_field": {"a": 1},
                                      "status": "INITIATED", "sub_status": "SOMETHING_NEW"}),
        );
        let extra: Vec<_> = v.extra().collect();
        assert_eq!(extra, vec![("new_field", &json!({"a": 1}))]);
        assert_eq!(v.status, VkycStatus::Initiated);
        assert_eq!(v.sub_status.as_str(), "SOMETHING_NEW");
        assert_eq!(v.phase(), Phase::Received);
        assert_eq!(v.raw().len(), 5);
    }

    #[test]
    fn unknown_sub_status_falls_back_to_status() {
        let v = view(
            Api::Ppi,
            json!({"status": "EXPIRED", "sub_status": "LINK_TIMED_OUT"}),
        );
        assert_eq!(v.phase(), Phase::Expired);
        assert_eq!(v.outcome(), Outcome::Expired);
        assert!(v.is_final());
    }
}

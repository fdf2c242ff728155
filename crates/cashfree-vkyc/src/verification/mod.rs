//! One view of a verification, the same for both API families and for
//! webhooks.

use crate::error::DecodeError;
pub use crate::lenient::LenientTime;
#[cfg(feature = "chrono")]
pub use crate::lenient::Timestamp;
use crate::lenient::present;
use crate::status::{Outcome, Phase, SubStatus, VkycStatus};
use bytes::Bytes;
use cashfree_vkyc_raw::{ppi::types as ppi_raw, verification_suite::types as vs_raw};
pub(crate) use raw::{Part, Raw};
pub(crate) use read::{Envelope, Fields, Name, ReadError};
pub use reference::VerificationRef;
use serde::Serialize;
use serde_json::{Map, Value};
use std::fmt;
pub(crate) use texts::Texts;
use texts::reference;

mod raw;
mod read;
mod reference;
mod texts;

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
        // Cashfree's ids rarely carry spaces; keep the allocation then.
        if !id.starts_with(char::is_whitespace) && !id.ends_with(char::is_whitespace) {
            CashfreeId(id)
        } else {
            id.as_str().into()
        }
    }
}

/// A verification as Cashfree last reported it.
///
/// Built the same way from either family's responses and from webhook
/// payloads. Text fields that Cashfree fills with `""` or `null` are `None`;
/// identifiers sent as numbers become their decimal text. Every field of
/// the original body stays reachable through [`raw`](Self::raw), and the
/// ones this view does not model through [`extra`](Self::extra).
///
/// It serializes as one view for both families (`--json` of the
/// `cashfree-vkyc` command prints it): the fields below under their own
/// names, with `api`, `phase`, `outcome`, `is_final`,
/// `needs_user_action`, the sub-status's `description` and
/// `recommended_action`, and the `request_id`; fields that are absent are
/// left out.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct Verification {
    /// Which API family reported it.
    pub api: Api,
    /// Your identifier for the verification.
    pub verification_id: String,
    /// Cashfree's identifier: `reference_id` (Verification Suite) or
    /// `cf_verification_id` (PPI).
    pub cashfree_id: Option<CashfreeId>,
    /// The user's identifier.
    pub user_id: Option<String>,
    /// Cashfree's identifier for the user (Verification Suite), as
    /// [`User::ReferenceId`](crate::User::ReferenceId) takes it.
    pub user_reference_id: Option<i64>,
    /// The phase name, exactly as sent.
    pub status: VkycStatus,
    /// The event inside the phase, exactly as sent.
    pub sub_status: SubStatus,
    /// The link the user opens for the video call.
    pub vkyc_link: Option<String>,
    /// When the link expires.
    pub link_expiry: Option<LenientTime>,
    /// When the call is scheduled.
    pub meeting_schedule: Option<LenientTime>,
    /// The agent's remarks.
    pub agent_remarks: Option<String>,
    /// The auditor's remarks.
    pub auditor_remarks: Option<String>,
    /// A link to the call's recording, once the call is over.
    pub recording_link: Option<String>,
    raw: Raw,
    request_id: Option<String>,
}

/// The JSON names the view models, per family; every other field of a
/// body is [`Verification::extra`].
pub(crate) const MODELED: [(Api, &[&str]); 2] = [
    (
        Api::VerificationSuite,
        &[
            "verification_id",
            "reference_id",
            "user_id",
            "user_reference_id",
            "status",
            "sub_status",
            "vkyc_link",
            "link_expiry",
            "meeting_schedule",
            "agent_remarks",
            "auditor_remarks",
            "recording_link",
        ],
    ),
    (
        Api::Ppi,
        &[
            "verification_id",
            "cf_verification_id",
            "user_id",
            "status",
            "sub_status",
            "vkyc_link",
            "link_expiry",
            "meeting_schedule",
            "agent_remarks",
            "auditor_remarks",
        ],
    ),
];

impl Api {
    /// Whether the view models `field` for this family.
    pub(crate) fn models(self, field: &str) -> bool {
        MODELED
            .iter()
            .any(|(api, names)| *api == self && names.contains(&field))
    }
}

impl PartialEq for Verification {
    fn eq(&self, other: &Self) -> bool {
        self.api == other.api
            && self.verification_id == other.verification_id
            && self.cashfree_id == other.cashfree_id
            && self.user_id == other.user_id
            && self.user_reference_id == other.user_reference_id
            && self.status == other.status
            && self.sub_status == other.sub_status
            && self.vkyc_link == other.vkyc_link
            && self.link_expiry == other.link_expiry
            && self.meeting_schedule == other.meeting_schedule
            && self.agent_remarks == other.agent_remarks
            && self.auditor_remarks == other.auditor_remarks
            && self.recording_link == other.recording_link
            && self.raw == other.raw
    }
}

impl Verification {
    pub(crate) fn build<S: AsRef<str> + Into<String>>(
        api: Api,
        t: Texts<S>,
        raw: Raw,
        request_id: Option<String>,
    ) -> Self {
        // The fields the view keeps are copied (if borrowed); the status
        // names are read where they stand.
        fn kept<S: AsRef<str> + Into<String>>(text: Option<S>) -> Option<String> {
            present(text.map(Into::into))
        }
        fn named<S: AsRef<str>>(text: &Option<S>) -> &str {
            text.as_ref().map_or("", AsRef::as_ref)
        }
        Verification {
            api,
            verification_id: kept(t.verification_id).unwrap_or_default(),
            // An id of blanks names nothing.
            cashfree_id: kept(t.cashfree_id)
                .map(CashfreeId::from)
                .filter(|id| !id.0.is_empty()),
            user_id: kept(t.user_id),
            user_reference_id: reference(t.user_reference_id),
            status: named(&t.status).into(),
            sub_status: named(&t.sub_status).into(),
            vkyc_link: kept(t.vkyc_link),
            link_expiry: kept(t.link_expiry).map(LenientTime::parse),
            meeting_schedule: kept(t.meeting_schedule).map(LenientTime::parse),
            agent_remarks: kept(t.agent_remarks),
            auditor_remarks: kept(t.auditor_remarks),
            recording_link: kept(t.recording_link),
            raw,
            request_id,
        }
    }

    /// Builds the view from a response body or a webhook's `data` object.
    pub fn from_json(api: Api, raw: Map<String, Value>) -> Self {
        let object = Value::Object(raw);
        let texts = Fields::read_value(&object).texts(api);
        let mut view = Self::build(api, texts, Raw::parsed(Map::new()), None);
        // The texts borrowed from the map until the view was built.
        if let Value::Object(raw) = object {
            view.raw = Raw::parsed(raw);
        }
        view
    }

    /// Builds the view from what the generated client decoded, moving its
    /// fields and keeping the body for [`raw`](Self::raw).
    pub(crate) fn from_decoded(
        api: Api,
        texts: Texts,
        body: Bytes,
        request_id: Option<String>,
    ) -> Self {
        Self::build(api, texts, Raw::lazy(body, Part::Whole), request_id)
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
        let texts: Texts = match api {
            Api::Ppi => DecodeError::check::<ppi_raw::PpiVkycResponse>(200, None, &bytes)?.into(),
            Api::VerificationSuite => {
                DecodeError::check::<vs_raw::GetVkycLinkResponseSchema>(200, None, &bytes)?.into()
            }
        };
        Ok(Self::from_decoded(api, texts, bytes, None))
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

/// One view for both families: the same names whichever family reported
/// the verification, what it means beside what was sent, and nothing that
/// is absent.
impl Serialize for Verification {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry("api", &self.api)?;
        map.serialize_entry("verification_id", &self.verification_id)?;
        if let Some(id) = &self.cashfree_id {
            map.serialize_entry("cashfree_id", id)?;
        }
        if let Some(id) = &self.user_id {
            map.serialize_entry("user_id", id)?;
        }
        if let Some(id) = &self.user_reference_id {
            map.serialize_entry("user_reference_id", id)?;
        }
        map.serialize_entry("status", &self.status)?;
        map.serialize_entry("sub_status", &self.sub_status)?;
        map.serialize_entry("phase", &self.phase())?;
        map.serialize_entry("outcome", &self.outcome())?;
        map.serialize_entry("is_final", &self.is_final())?;
        map.serialize_entry("needs_user_action", &self.needs_user_action())?;
        if let Some(text) = self.sub_status.description() {
            map.serialize_entry("description", text)?;
        }
        if let Some(text) = self.sub_status.recommended_action() {
            map.serialize_entry("recommended_action", text)?;
        }
        let optional = [
            ("vkyc_link", self.vkyc_link.as_deref()),
            (
                "link_expiry",
                self.link_expiry.as_ref().map(LenientTime::as_str),
            ),
            (
                "meeting_schedule",
                self.meeting_schedule.as_ref().map(LenientTime::as_str),
            ),
            ("agent_remarks", self.agent_remarks.as_deref()),
            ("auditor_remarks", self.auditor_remarks.as_deref()),
            ("recording_link", self.recording_link.as_deref()),
            ("request_id", self.request_id.as_deref()),
        ];
        for (name, value) in optional {
            if let Some(value) = value {
                map.serialize_entry(name, value)?;
            }
        }
        map.end()
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

    /// The decoded path: a number is written out, text is kept (trimmed),
    /// for both families' generated id types.
    #[test]
    fn decoded_ids_as_text() {
        let decoded = |api, body: Value| {
            Verification::from_response_body(api, body.to_string().as_bytes())
                .unwrap()
                .cashfree_id
                .map(|id| id.as_str().to_owned())
        };
        let vs = |id: Value| {
            decoded(
                Api::VerificationSuite,
                json!({"verification_id": "v1", "reference_id": id}),
            )
        };
        let ppi = |id: Value| {
            decoded(
                Api::Ppi,
                json!({"verification_id": "v1", "cf_verification_id": id}),
            )
        };
        assert_eq!(vs(json!(1358)).as_deref(), Some("1358"));
        assert_eq!(vs(json!(" 1358 ")).as_deref(), Some("1358"));
        assert_eq!(ppi(json!(-7)).as_deref(), Some("-7"));
        assert_eq!(ppi(json!("cf-89")).as_deref(), Some("cf-89"));
        assert_eq!(ppi(json!("  ")).as_deref(), None);
    }

    /// Both families serialize under the same names; absent fields are
    /// left out rather than written as null.
    #[test]
    fn one_view_for_both_families() {
        let vs = view(
            Api::VerificationSuite,
            json!({"verification_id": "v1", "reference_id": 1358, "user_id": "u1",
                   "status": "RECEIVED", "sub_status": "LINK_GENERATED", "vkyc_link": ""}),
        );
        let ppi = view(
            Api::Ppi,
            json!({"verification_id": "v1", "cf_verification_id": "1358", "user_id": "u1",
                   "status": "RECEIVED", "sub_status": "LINK_GENERATED"}),
        );
        let (vs, ppi) = (
            serde_json::to_value(&vs).unwrap(),
            serde_json::to_value(&ppi).unwrap(),
        );
        assert_eq!(vs["cashfree_id"], "1358");
        assert_eq!(vs["api"], "verification_suite");
        assert_eq!(vs["phase"], "received");
        assert_eq!(vs["is_final"], false);
        assert!(vs.get("vkyc_link").is_none(), "{vs}");
        assert!(vs.get("reference_id").is_none(), "{vs}");
        let keys = |v: &Value| v.as_object().unwrap().keys().cloned().collect::<Vec<_>>();
        assert_eq!(keys(&vs), keys(&ppi));
        assert_eq!(
            vs.as_object().unwrap().len(),
            ppi.as_object().unwrap().len()
        );
        assert_eq!(ppi["api"], "ppi");
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

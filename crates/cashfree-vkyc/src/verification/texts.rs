//! The modeled fields' texts, from each input the view is built from: the
//! generated response types (moved, not copied) and JSON objects
//! (webhooks, replays; see `read`), read as leniently as Cashfree writes
//! them.

use crate::lenient::present;
use cashfree_vkyc_raw::{ppi::types as ppi_raw, verification_suite::types as vs_raw};

/// The user's reference id, whether sent as a number or as text.
pub(super) fn reference(id: Option<impl AsRef<str>>) -> Option<i64> {
    id.and_then(|t| t.as_ref().trim().parse().ok())
}

/// A generated id that may be a number or text, as its text: text is
/// moved, a number written out.
fn id_text<I: Into<IdText>>(id: Option<I>) -> Option<String> {
    present(id.map(|id| id.into().0))
}

/// Each family's generated `IntegerOrString` (one per generated module).
struct IdText(String);

macro_rules! id_text_from {
    ($($module:ident),*) => {$(
        impl From<$module::IntegerOrString> for IdText {
            fn from(id: $module::IntegerOrString) -> Self {
                IdText(match id {
                    $module::IntegerOrString::String(text) => text,
                    $module::IntegerOrString::Int64(n) => n.to_string(),
                })
            }
        }
    )*};
}
id_text_from!(ppi_raw, vs_raw);

/// The texts of the modeled fields, in one place for every input: owned
/// `String`s moved out of a generated type, or text borrowed from a body
/// where it can be (copied only for the fields the view keeps).
#[derive(Default)]
pub(crate) struct Texts<S = String> {
    pub(crate) verification_id: Option<S>,
    pub(crate) cashfree_id: Option<S>,
    pub(crate) user_id: Option<S>,
    pub(crate) user_reference_id: Option<S>,
    pub(crate) status: Option<S>,
    pub(crate) sub_status: Option<S>,
    pub(crate) vkyc_link: Option<S>,
    pub(crate) link_expiry: Option<S>,
    pub(crate) meeting_schedule: Option<S>,
    pub(crate) agent_remarks: Option<S>,
    pub(crate) auditor_remarks: Option<S>,
    pub(crate) recording_link: Option<S>,
}

impl From<ppi_raw::PpiVkycResponse> for Texts {
    fn from(r: ppi_raw::PpiVkycResponse) -> Self {
        Texts {
            verification_id: r.verification_id,
            cashfree_id: id_text(r.cf_verification_id),
            user_id: r.user_id,
            user_reference_id: None,
            status: r.status,
            sub_status: r.sub_status,
            vkyc_link: r.vkyc_link,
            link_expiry: r.link_expiry,
            meeting_schedule: r.meeting_schedule,
            agent_remarks: r.agent_remarks,
            auditor_remarks: r.auditor_remarks,
            recording_link: None,
        }
    }
}

impl From<vs_raw::GetVkycLinkResponseSchema> for Texts {
    fn from(r: vs_raw::GetVkycLinkResponseSchema) -> Self {
        Texts {
            verification_id: r.verification_id,
            cashfree_id: id_text(r.reference_id),
            user_id: r.user_id,
            user_reference_id: id_text(r.user_reference_id),
            status: r.status,
            sub_status: r.sub_status,
            vkyc_link: r.vkyc_link,
            link_expiry: r.link_expiry,
            meeting_schedule: r.meeting_schedule,
            agent_remarks: r.agent_remarks,
            auditor_remarks: r.auditor_remarks,
            recording_link: r.recording_link,
        }
    }
}

impl From<vs_raw::VkycLinkResponseSchema> for Texts {
    fn from(r: vs_raw::VkycLinkResponseSchema) -> Self {
        Texts {
            verification_id: r.verification_id,
            cashfree_id: id_text(r.reference_id),
            user_id: r.user_id,
            user_reference_id: id_text(r.user_reference_id),
            status: r.status,
            sub_status: r.sub_status,
            vkyc_link: r.vkyc_link,
            link_expiry: r.link_expiry,
            meeting_schedule: None,
            agent_remarks: r.agent_remarks,
            auditor_remarks: r.auditor_remarks,
            recording_link: None,
        }
    }
}

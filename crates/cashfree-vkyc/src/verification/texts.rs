//! The modeled fields' texts, from each input the view is built from: the
//! generated response types (moved, not copied) and JSON objects
//! (webhooks, replays; see `read`), read as leniently as Cashfree writes
//! them.

use crate::lenient::present;
use cashfree_vkyc_raw::{ppi::types as ppi_raw, verification_suite::types as vs_raw};
use std::fmt;

/// The user's reference id, whether sent as a number or as text.
pub(super) fn reference(id: Option<String>) -> Option<i64> {
    id.and_then(|t| t.trim().parse().ok())
}

/// A generated id that may be a number or text, as its text.
fn id_text(id: Option<impl fmt::Display>) -> Option<String> {
    present(id.map(|id| id.to_string()))
}

/// The texts of the modeled fields, in one place for every input.
#[derive(Default)]
pub(crate) struct Texts {
    pub(crate) verification_id: Option<String>,
    pub(crate) cashfree_id: Option<String>,
    pub(crate) user_id: Option<String>,
    pub(crate) user_reference_id: Option<String>,
    pub(crate) status: Option<String>,
    pub(crate) sub_status: Option<String>,
    pub(crate) vkyc_link: Option<String>,
    pub(crate) link_expiry: Option<String>,
    pub(crate) meeting_schedule: Option<String>,
    pub(crate) agent_remarks: Option<String>,
    pub(crate) auditor_remarks: Option<String>,
    pub(crate) recording_link: Option<String>,
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

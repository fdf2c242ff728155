//! Video KYC statuses: [`VkycStatus`] (the phase name Cashfree sends in
//! `status`), [`SubStatus`] (the event inside it) and what they mean
//! ([`Phase`], [`Outcome`]).
//!
//! Both enums tolerate the future: an unknown value is kept verbatim in an
//! `Unknown(String)` variant, `FromStr` cannot fail, and serde writes back
//! exactly the text that was read.

// Written by `cargo xtask codegen` from specs/status-codes.toml and formatted
// by prettyplease; rustfmt must not touch it.
// `generated` (written by `cargo xtask codegen` from the status table)
// uses `Phase` and `Outcome` from here, and this module re-exports its
// `SubStatus`: one module, split so that generated and hand-written code
// never share a file.
#[rustfmt::skip]
mod generated;

pub use generated::SubStatus;
use generated::{Entry, TABLE};
use serde::{Deserialize, Serialize};
use std::fmt;

/// The stage of the Video KYC journey a verification is in.
///
/// Derived from the sub-status, because Cashfree publishes the `status`
/// names only up to `PRE_VIDEO_CALL`.
#[non_exhaustive]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    /// The link was generated and sent (`RECEIVED`).
    Received,
    /// Aadhaar, IP, location and device checks, queueing and scheduling.
    PreVideoCall,
    /// The video call with an agent.
    VideoCall,
    /// A technical error interrupted the verification.
    Technical,
    /// The agent's review after the call.
    AgentReview,
    /// The auditor's review, which decides the outcome.
    AuditorReview,
    /// Cashfree rejected the request before it started (`REJECTED`).
    Rejected,
    /// The link expired (`EXPIRED`).
    Expired,
    /// Neither the sub-status nor the status is known to this version.
    Unknown,
}

impl Phase {
    /// The phase's name in snake case, as serde writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            Phase::Received => "received",
            Phase::PreVideoCall => "pre_video_call",
            Phase::VideoCall => "video_call",
            Phase::Technical => "technical",
            Phase::AgentReview => "agent_review",
            Phase::AuditorReview => "auditor_review",
            Phase::Rejected => "rejected",
            Phase::Expired => "expired",
            Phase::Unknown => "unknown",
        }
    }
}

impl fmt::Display for Phase {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.as_str())
    }
}

/// Where a verification stands for the merchant.
#[non_exhaustive]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Nothing is decided yet.
    InProgress,
    /// The agent approved after the call; the auditor's review decides.
    /// Provisional: not a reason to onboard the customer yet.
    AgentApproved,
    /// The agent rejected after the call; whether the auditor can still
    /// approve is not published. Provisional: not a reason to decline the
    /// customer yet (the verification is not [final](SubStatus::is_final)).
    AgentRejected,
    /// The auditor approved the verification. Final.
    Approved,
    /// The verification was rejected: by the auditor, or by Cashfree for
    /// insufficient balance. Final.
    Rejected,
    /// The link expired before the verification completed.
    Expired,
    /// The sub-status is not known to this version.
    Unknown,
}

impl Outcome {
    /// The outcome's name in snake case, as serde writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::InProgress => "in_progress",
            Outcome::AgentApproved => "agent_approved",
            Outcome::AgentRejected => "agent_rejected",
            Outcome::Approved => "approved",
            Outcome::Rejected => "rejected",
            Outcome::Expired => "expired",
            Outcome::Unknown => "unknown",
        }
    }
}

impl Outcome {
    /// Whether this is a decision no later event can change: approved,
    /// rejected or expired. The agent's decisions are not.
    pub fn is_decided(self) -> bool {
        matches!(
            self,
            Outcome::Approved | Outcome::Rejected | Outcome::Expired
        )
    }

    /// Whether this is the agent's decision, which the auditor's review
    /// can still overturn.
    pub fn is_provisional(self) -> bool {
        matches!(self, Outcome::AgentApproved | Outcome::AgentRejected)
    }
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.as_str())
    }
}

impl SubStatus {
    fn entry(&self) -> Option<&'static Entry> {
        self.index().map(|i| &TABLE[i])
    }

    /// Every sub-status this version knows, in Cashfree's phase order.
    pub fn known() -> impl Iterator<Item = SubStatus> {
        TABLE.iter().map(|e| SubStatus::from_code(e.code))
    }

    /// The text Cashfree sends, e.g. `"LINK_GENERATED"`; for an unknown
    /// sub-status, exactly the text that was received.
    pub fn as_str(&self) -> &str {
        match self {
            SubStatus::Unknown(text) => text,
            known => known.entry().map_or("", |e| e.code),
        }
    }

    /// Whether this version knows the sub-status.
    pub fn is_known(&self) -> bool {
        self.entry().is_some()
    }

    /// The phase the sub-status belongs to.
    pub fn phase(&self) -> Phase {
        self.entry().map_or(Phase::Unknown, |e| e.phase)
    }

    /// Cashfree's description of the sub-status.
    pub fn description(&self) -> Option<&'static str> {
        self.entry().map(|e| e.description)
    }

    /// Cashfree's recommended action for the merchant.
    pub fn recommended_action(&self) -> Option<&'static str> {
        self.entry().map(|e| e.action)
    }

    /// What the sub-status means for the merchant. A decision
    /// ([`Outcome::Approved`], [`Outcome::Rejected`], [`Outcome::Expired`])
    /// only where the sub-status is [final](Self::is_final); the agent's
    /// decision before the auditor's is [`Outcome::AgentApproved`] or
    /// [`Outcome::AgentRejected`], which a caller cannot mistake for it.
    pub fn outcome(&self) -> Outcome {
        self.entry().map_or(Outcome::Unknown, |e| e.outcome)
    }

    /// Whether nothing more will happen: `AUDITOR_APPROVED`,
    /// `AUDITOR_REJECTED`, `VKYC_EXPIRED` or `INSUFFICIENT_BALANCE`.
    pub fn is_final(&self) -> bool {
        self.entry().is_some_and(|e| e.is_final)
    }

    /// Whether the verification waits on the user: to open the link
    /// (`LINK_GENERATED`), fix a failed check (Aadhaar, VPN, location,
    /// camera, microphone), or join, reschedule or rejoin a call. False
    /// while it waits on Cashfree, an agent or an auditor
    /// (`AGENT_REJECTED` included), and once it is final. The status
    /// table says it for each sub-status.
    pub fn needs_user_action(&self) -> bool {
        self.entry().is_some_and(|e| e.user_action)
    }

    /// The `status` Cashfree publishes alongside this sub-status, where it
    /// publishes one.
    pub fn expected_status(&self) -> Option<VkycStatus> {
        self.entry()
            .filter(|e| !e.status.is_empty())
            .map(|e| VkycStatus::from_code(e.status))
    }
}

crate::strings::string_enum! {
    /// The phase name Cashfree sends in `status`.
    ///
    /// Only some names are published; any other text is kept verbatim in
    /// [`VkycStatus::Unknown`]. Prefer [`SubStatus::phase`] to decide what a
    /// verification is doing.
    VkycStatus {
        /// The request was accepted and the link generated.
        Received = "RECEIVED",
        /// Seen in one of Cashfree's PPI samples where the schema says `RECEIVED`.
        Initiated = "INITIATED",
        /// The checks before the video call.
        PreVideoCall = "PRE_VIDEO_CALL",
        /// Cashfree rejected the request.
        Rejected = "REJECTED",
        /// The link expired.
        Expired = "EXPIRED",
        /// The video call. Unconfirmed as an API value: the label Cashfree's
        /// merchant dashboard filters by (the local sandbox sends it).
        VideoCall = "VIDEO_CALL",
        /// The agent's review. Unconfirmed, as `VIDEO_CALL`.
        AgentReviewed = "AGENT_REVIEWED",
        /// The auditor's review. Unconfirmed, as `VIDEO_CALL`.
        AuditorReviewed = "AUDITOR_REVIEWED",
    }
}

impl VkycStatus {
    /// The phase this status names, where it names one.
    pub fn phase(&self) -> Phase {
        match self {
            VkycStatus::Received | VkycStatus::Initiated => Phase::Received,
            VkycStatus::PreVideoCall => Phase::PreVideoCall,
            VkycStatus::Rejected => Phase::Rejected,
            VkycStatus::Expired => Phase::Expired,
            VkycStatus::VideoCall => Phase::VideoCall,
            VkycStatus::AgentReviewed => Phase::AgentReview,
            VkycStatus::AuditorReviewed => Phase::AuditorReview,
            VkycStatus::Unknown(_) => Phase::Unknown,
        }
    }
}

crate::strings::text_impls!(SubStatus);

#[cfg(test)]
mod tests {
    use super::*;

    /// The vendored table, read at test time: the generated enum must agree
    /// with it row for row.
    const TABLE_TOML: &str = include_str!("../../../../specs/status-codes.toml");

    fn rows() -> Vec<(String, String)> {
        // A deliberately independent reading of the table: code and phase.
        let mut rows = Vec::new();
        let mut code = None;
        for line in TABLE_TOML.lines() {
            if let Some(v) = line.strip_prefix("code = ") {
                code = Some(v.trim_matches('"').to_string());
            }
            if let Some(v) = line.strip_prefix("phase = ") {
                rows.push((
                    code.take().expect("code before phase"),
                    v.trim_matches('"').to_string(),
                ));
            }
        }
        rows
    }

    #[test]
    fn enum_and_table_agree() {
        let rows = rows();
        assert_eq!(rows.len(), SubStatus::known().count());
        for ((code, phase), known) in rows.iter().zip(SubStatus::known()) {
            assert_eq!(known.as_str(), code);
            assert!(known.is_known());
            assert_eq!(known.phase().as_str(), phase, "{code}");
            assert!(known.description().is_some_and(|d| !d.is_empty()));
            assert!(known.recommended_action().is_some_and(|d| !d.is_empty()));
            let parsed: SubStatus = code.parse().unwrap();
            assert_eq!(parsed, known);
        }
    }

    #[test]
    fn unknown_values_round_trip_verbatim() {
        let s: SubStatus = "USER_TELEPORTED".parse().unwrap();
        assert_eq!(s, SubStatus::Unknown("USER_TELEPORTED".into()));
        assert_eq!(s.as_str(), "USER_TELEPORTED");
        assert_eq!(s.phase(), Phase::Unknown);
        assert_eq!(s.outcome(), Outcome::Unknown);
        assert!(!s.is_final());
        assert_eq!(serde_json::to_string(&s).unwrap(), "\"USER_TELEPORTED\"");
        let back: SubStatus = serde_json::from_str("\"USER_TELEPORTED\"").unwrap();
        assert_eq!(back, s);

        let st: VkycStatus = serde_json::from_str("\"VIDEO_CALL_ONGOING\"").unwrap();
        assert_eq!(st.as_str(), "VIDEO_CALL_ONGOING");
        assert_eq!(
            serde_json::to_string(&st).unwrap(),
            "\"VIDEO_CALL_ONGOING\""
        );
        let lower: VkycStatus = "received".parse().unwrap();
        assert_eq!(
            lower,
            VkycStatus::Unknown("received".into()),
            "case is kept, not guessed"
        );
    }

    #[test]
    fn final_outcomes() {
        use SubStatus::*;
        assert_eq!(AuditorApproved.outcome(), Outcome::Approved);
        assert!(AuditorApproved.is_final());
        assert_eq!(AuditorRejected.outcome(), Outcome::Rejected);
        assert_eq!(VkycExpired.outcome(), Outcome::Expired);
        assert!(InsufficientBalance.is_final());
        assert_eq!(
            InsufficientBalance.expected_status(),
            Some(VkycStatus::Rejected)
        );
        // The agent's decision is its own answer, never the final one.
        assert_eq!(AgentRejected.outcome(), Outcome::AgentRejected);
        assert_ne!(AgentRejected.outcome(), Outcome::Rejected);
        assert!(AgentRejected.outcome().is_provisional());
        assert!(!AgentRejected.outcome().is_decided());
        assert!(!AgentRejected.is_final());
        assert_eq!(AgentApproved.outcome(), Outcome::AgentApproved);
        // A decision is reported only where nothing more will happen.
        for code in SubStatus::known() {
            assert_eq!(code.outcome().is_decided(), code.is_final(), "{code}");
            if code.is_final() {
                assert!(!code.needs_user_action(), "{code}");
            }
        }
        // The user must act: open the link, fix a check, rejoin.
        assert!(LinkGenerated.needs_user_action());
        assert!(UserVideoCheckFailed.needs_user_action());
        assert!(UserMissedMeeting.needs_user_action());
        // The user can do nothing: queued, or awaiting the auditor.
        assert!(!UserQueued.needs_user_action());
        assert!(!AgentRejected.needs_user_action());
        assert_eq!(LinkGenerated.phase(), Phase::Received);
        assert_eq!(UserDroppedOff.phase(), Phase::VideoCall);
        let finals: Vec<_> = SubStatus::known().filter(SubStatus::is_final).collect();
        assert_eq!(finals.len(), 4);
    }
}

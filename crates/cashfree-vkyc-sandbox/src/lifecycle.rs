//! The paths a verification can take, one step at a time.

use cashfree_vkyc::{Phase, SubStatus};
use serde::{Deserialize, Serialize};
use std::sync::LazyLock;

/// The path a verification takes through its lifecycle.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Scenario {
    /// Checks pass, the call happens, agent and auditor approve.
    #[default]
    Approved,
    /// The agent approves and the auditor rejects.
    AuditorRejected,
    /// The agent rejects, then the auditor confirms the rejection.
    AgentRejected,
    /// The user drops off the call and the link expires.
    UserDroppedOff,
    /// The user never opens the link and it expires.
    LinkExpired,
    /// A proxy is detected; the user never returns and the link expires.
    ProxyDetected,
    /// The user schedules the call, joins it, and is approved.
    Scheduled,
}

impl Scenario {
    /// Every scenario.
    pub const ALL: [Scenario; 7] = [
        Scenario::Approved,
        Scenario::AuditorRejected,
        Scenario::AgentRejected,
        Scenario::UserDroppedOff,
        Scenario::LinkExpired,
        Scenario::ProxyDetected,
        Scenario::Scheduled,
    ];

    /// The scenario's name, as the control endpoint takes it.
    pub fn as_str(self) -> &'static str {
        match self {
            Scenario::Approved => "approved",
            Scenario::AuditorRejected => "auditor_rejected",
            Scenario::AgentRejected => "agent_rejected",
            Scenario::UserDroppedOff => "user_dropped_off",
            Scenario::LinkExpired => "link_expired",
            Scenario::ProxyDetected => "proxy_detected",
            Scenario::Scheduled => "scheduled",
        }
    }

    /// The sub-statuses, from `LINK_GENERATED` to the last. Each path is
    /// built once; the server reads it on every response.
    pub fn steps(self) -> &'static [SubStatus] {
        static PATHS: LazyLock<Vec<Vec<SubStatus>>> =
            LazyLock::new(|| Scenario::ALL.iter().map(|s| s.build_steps()).collect());
        let index = Scenario::ALL.iter().position(|s| *s == self).unwrap_or(0);
        &PATHS[index]
    }

    fn build_steps(self) -> Vec<SubStatus> {
        use SubStatus::*;
        let checks = [
            LinkGenerated,
            AadhaarVerificationSuccess,
            UserIpVerificationSuccessful,
            UserLocationVerificationSuccess,
            UserDeviceCheckSuccess,
        ];
        let call = [
            UserQueued,
            AgentAssignedToUser,
            UserAcceptedMeeting,
            AgentEndedCall,
        ];
        let mut steps: Vec<SubStatus> = Vec::new();
        match self {
            Scenario::Approved => {
                steps.extend(checks);
                steps.extend(call);
                steps.extend([AgentApproved, AuditorApproved]);
            }
            Scenario::AuditorRejected => {
                steps.extend(checks);
                steps.extend(call);
                steps.extend([AgentApproved, AuditorRejected]);
            }
            Scenario::AgentRejected => {
                steps.extend(checks);
                steps.extend(call);
                steps.extend([AgentRejected, AuditorRejected]);
            }
            Scenario::UserDroppedOff => {
                steps.extend(checks);
                steps.extend([
                    UserQueued,
                    AgentAssignedToUser,
                    UserAcceptedMeeting,
                    UserDroppedOff,
                    VkycExpired,
                ]);
            }
            Scenario::LinkExpired => steps.extend([LinkGenerated, VkycExpired]),
            Scenario::ProxyDetected => {
                steps.extend([
                    LinkGenerated,
                    AadhaarVerificationSuccess,
                    UserProxyDetected,
                    VkycExpired,
                ]);
            }
            Scenario::Scheduled => {
                steps.extend(checks);
                steps.extend([
                    UserMeetingScheduled,
                    ScheduledUserQueued,
                    AgentAssignedToUser,
                    UserAcceptedMeeting,
                ]);
                steps.extend([AgentEndedCall, AgentApproved, AuditorApproved]);
            }
        }
        steps
    }
}

impl std::str::FromStr for Scenario {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Scenario::ALL
            .into_iter()
            .find(|sc| sc.as_str() == s)
            .ok_or_else(|| {
                let names: Vec<_> = Scenario::ALL.iter().map(|s| s.as_str()).collect();
                format!("unknown scenario {s:?}; one of {}", names.join(", "))
            })
    }
}

/// The `status` the sandbox reports with a sub-status: Cashfree's where it
/// is published, otherwise the phase's name in upper case (the names after
/// `PRE_VIDEO_CALL` are not published, so clients must not depend on them).
pub fn status_for(sub_status: &SubStatus) -> String {
    if let Some(status) = sub_status.expected_status() {
        return status.to_string();
    }
    match sub_status.phase() {
        Phase::VideoCall => "VIDEO_CALL".into(),
        Phase::Technical => "TECHNICAL_ERROR".into(),
        Phase::AgentReview => "AGENT_REVIEW".into(),
        Phase::AuditorReview => "AUDITOR_REVIEW".into(),
        phase => phase.as_str().to_ascii_uppercase(),
    }
}

/// The webhook event a change to `sub_status` sends, if any.
pub fn event_for(sub_status: &SubStatus) -> Option<&'static str> {
    use SubStatus::*;
    Some(match sub_status {
        LinkGenerated => "VKYC_USER_LINK_GENERATED",
        VkycExpired => "VKYC_USER_LINK_EXPIRED",
        AadhaarVerificationSuccess => "VKYC_USER_AADHAAR_VERIFIED",
        UserMeetingScheduled => "VKYC_USER_CALL_SCHEDULED",
        AadhaarVerificationFailed
        | UserProxyDetected
        | UserLocationOutsideIndia
        | UserAudioCheckFailed
        | UserVideoCheckFailed
        | UserLocationPermissionDisabled => "VKYC_USER_PRECHECK_FAILED",
        UserQueued | ScheduledUserQueued => "VKYC_USER_CALL_QUEUED",
        UserAcceptedMeeting => "VKYC_USER_CALL_STARTED",
        UserDroppedOff => "VKYC_USER_DROPOFF_FROM_CALL",
        AgentEndedCall | UserEndedCall => "VKYC_USER_CALL_COMPLETED",
        AuditorApproved | AuditorRejected => "VKYC_AUDITOR_REVIEW_COMPLETED",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_scenario_starts_with_the_link_and_ends_final() {
        for scenario in Scenario::ALL {
            let steps = scenario.steps();
            assert_eq!(steps[0], SubStatus::LinkGenerated, "{scenario:?}");
            let last = steps.last().unwrap();
            assert!(last.is_final(), "{scenario:?} ends on {last}");
            assert!(
                steps[..steps.len() - 1].iter().all(|s| !s.is_final()),
                "{scenario:?}"
            );
            assert!(steps.iter().all(SubStatus::is_known));
            assert_eq!(scenario.as_str().parse::<Scenario>(), Ok(scenario));
        }
    }
}

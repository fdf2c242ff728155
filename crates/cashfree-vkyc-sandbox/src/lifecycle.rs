//! The paths a verification can take, one step at a time.

use serde::{Deserialize, Serialize};
use std::sync::LazyLock;

/// The path a verification takes through its lifecycle.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, Default, clap::ValueEnum,
)]
#[serde(rename_all = "snake_case")]
#[value(rename_all = "snake_case")]
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
    pub fn steps(self) -> &'static [&'static str] {
        static PATHS: LazyLock<Vec<Vec<&'static str>>> =
            LazyLock::new(|| Scenario::ALL.iter().map(|s| s.build_steps()).collect());
        let index = Scenario::ALL.iter().position(|s| *s == self).unwrap_or(0);
        &PATHS[index]
    }

    fn build_steps(self) -> Vec<&'static str> {
        const CHECKS: [&str; 5] = [
            "LINK_GENERATED",
            "AADHAAR_VERIFICATION_SUCCESS",
            "USER_IP_VERIFICATION_SUCCESSFUL",
            "USER_LOCATION_VERIFICATION_SUCCESS",
            "USER_DEVICE_CHECK_SUCCESS",
        ];
        const CALL: [&str; 4] = [
            "USER_QUEUED",
            "AGENT_ASSIGNED_TO_USER",
            "USER_ACCEPTED_MEETING",
            "AGENT_ENDED_CALL",
        ];
        let mut steps: Vec<&'static str> = Vec::new();
        match self {
            Scenario::Approved => {
                steps.extend(CHECKS);
                steps.extend(CALL);
                steps.extend(["AGENT_APPROVED", "AUDITOR_APPROVED"]);
            }
            Scenario::AuditorRejected => {
                steps.extend(CHECKS);
                steps.extend(CALL);
                steps.extend(["AGENT_APPROVED", "AUDITOR_REJECTED"]);
            }
            Scenario::AgentRejected => {
                steps.extend(CHECKS);
                steps.extend(CALL);
                steps.extend(["AGENT_REJECTED", "AUDITOR_REJECTED"]);
            }
            Scenario::UserDroppedOff => {
                steps.extend(CHECKS);
                steps.extend([
                    "USER_QUEUED",
                    "AGENT_ASSIGNED_TO_USER",
                    "USER_ACCEPTED_MEETING",
                    "USER_DROPPED_OFF",
                    "VKYC_EXPIRED",
                ]);
            }
            Scenario::LinkExpired => steps.extend(["LINK_GENERATED", "VKYC_EXPIRED"]),
            Scenario::ProxyDetected => {
                steps.extend([
                    "LINK_GENERATED",
                    "AADHAAR_VERIFICATION_SUCCESS",
                    "USER_PROXY_DETECTED",
                    "VKYC_EXPIRED",
                ]);
            }
            Scenario::Scheduled => {
                steps.extend(CHECKS);
                steps.extend([
                    "USER_MEETING_SCHEDULED",
                    "SCHEDULED_USER_QUEUED",
                    "AGENT_ASSIGNED_TO_USER",
                    "USER_ACCEPTED_MEETING",
                    "AGENT_ENDED_CALL",
                    "AGENT_APPROVED",
                    "AUDITOR_APPROVED",
                ]);
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

/// The webhook event a change to `sub_status` sends, if any.
pub fn event_for(sub_status: &str) -> Option<&'static str> {
    Some(match sub_status {
        "LINK_GENERATED" => "VKYC_USER_LINK_GENERATED",
        "VKYC_EXPIRED" => "VKYC_USER_LINK_EXPIRED",
        "AADHAAR_VERIFICATION_SUCCESS" => "VKYC_USER_AADHAAR_VERIFIED",
        "USER_MEETING_SCHEDULED" => "VKYC_USER_CALL_SCHEDULED",
        "AADHAAR_VERIFICATION_FAILED"
        | "USER_PROXY_DETECTED"
        | "USER_LOCATION_OUTSIDE_INDIA"
        | "USER_AUDIO_CHECK_FAILED"
        | "USER_VIDEO_CHECK_FAILED"
        | "USER_LOCATION_PERMISSION_DISABLED" => "VKYC_USER_PRECHECK_FAILED",
        "USER_QUEUED" | "SCHEDULED_USER_QUEUED" => "VKYC_USER_CALL_QUEUED",
        "USER_ACCEPTED_MEETING" => "VKYC_USER_CALL_STARTED",
        "USER_DROPPED_OFF" => "VKYC_USER_DROPOFF_FROM_CALL",
        "AGENT_ENDED_CALL" | "USER_ENDED_CALL" => "VKYC_USER_CALL_COMPLETED",
        "AUDITOR_APPROVED" | "AUDITOR_REJECTED" => "VKYC_AUDITOR_REVIEW_COMPLETED",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::table::is_final;

    #[test]
    fn every_scenario_starts_with_the_link_and_ends_final() {
        for scenario in Scenario::ALL {
            let steps = scenario.steps();
            assert_eq!(steps[0], "LINK_GENERATED", "{scenario:?}");
            let last = steps.last().unwrap();
            assert!(is_final(last), "{scenario:?} ends on {last}");
            assert!(
                steps[..steps.len() - 1].iter().all(|s| !is_final(s)),
                "{scenario:?}"
            );
            assert!(
                steps.iter().all(|s| crate::table::row(s).is_some()),
                "every step is in the status table"
            );
            assert_eq!(scenario.as_str().parse::<Scenario>(), Ok(scenario));
        }
    }
}

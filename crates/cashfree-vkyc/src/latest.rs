//! Keeping the latest state of a verification from reports that arrive
//! late, twice, or out of order.
//!
//! Cashfree delivers webhooks at least once and in any order (each
//! delivery is its own request, retried on its own), a delivery can
//! arrive before `initiate()` returns, and a status poll can overtake a
//! webhook. "Keep the last one received" then ends a verification in a
//! state it has left. The rule here keeps the one furthest along:
//!
//! 1. A final state (approved, rejected, expired) always wins, and is never
//!    replaced.
//! 2. Otherwise the later phase wins: received, pre-video-call, video call,
//!    agent review, auditor review (a technical error or an unknown
//!    sub-status has no place in that order).
//! 3. In the same phase (or where a phase is unknown), the later
//!    `event_time` wins, where both reports have one in the same form.
//! 4. Failing that, the sub-status later in Cashfree's status table wins;
//!    a report that cannot be placed at all is taken (it is news).
//!
//! [`LatestState`] applies it to one verification; [`Follower`](crate::Follower)
//! applies it to every verification it follows.

use crate::lenient::LenientTime;
use crate::status::{Phase, SubStatus, VkycStatus};
use crate::verification::Verification;
use crate::webhook::WebhookEvent;
use std::cmp::Ordering;

/// Where a report puts a verification: what the rule compares.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Position {
    status: VkycStatus,
    sub_status: SubStatus,
    time: Option<LenientTime>,
}

impl Position {
    pub(crate) fn of(verification: &Verification, time: Option<&LenientTime>) -> Self {
        Position {
            status: verification.status.clone(),
            sub_status: verification.sub_status.clone(),
            time: time.cloned(),
        }
    }

    fn is_final(&self) -> bool {
        self.sub_status.is_final()
            || (!self.sub_status.is_known()
                && matches!(self.status, VkycStatus::Expired | VkycStatus::Rejected))
    }

    fn phase_rank(&self) -> Option<u8> {
        let phase = match self.sub_status.phase() {
            Phase::Unknown => self.status.phase(),
            phase => phase,
        };
        match phase {
            Phase::Received => Some(0),
            Phase::PreVideoCall => Some(1),
            Phase::VideoCall => Some(2),
            Phase::AgentReview => Some(3),
            Phase::AuditorReview => Some(4),
            _ => None,
        }
    }

    /// Whether both report the same state (their times apart).
    pub(crate) fn same_state(&self, other: &Position) -> bool {
        self.status == other.status && self.sub_status == other.sub_status
    }

    /// Whether `self` is news against `current` under the rule above.
    pub(crate) fn supersedes(&self, current: &Position) -> bool {
        if current.is_final() {
            return false;
        }
        if self.is_final() {
            return true;
        }
        if let (Some(a), Some(b)) = (self.phase_rank(), current.phase_rank())
            && a != b
        {
            return a > b;
        }
        // Times compare as text only in one form (Cashfree writes
        // ISO-8601 in UTC, fixed width).
        if let (Some(a), Some(b)) = (&self.time, &current.time)
            && a.as_str().len() == b.as_str().len()
        {
            match a.as_str().cmp(b.as_str()) {
                Ordering::Greater => return true,
                Ordering::Less => return false,
                Ordering::Equal => {}
            }
        }
        match (self.sub_status.index(), current.sub_status.index()) {
            (Some(a), Some(b)) => a > b,
            _ => self.sub_status != current.sub_status,
        }
    }
}

/// The latest state of one verification, from webhook events and status
/// calls in whatever order they come.
///
/// ```
/// use cashfree_vkyc::webhook::WebhookEvent;
/// use cashfree_vkyc::{Api, LatestState, SubStatus};
///
/// let event = |sub: &str, status: &str, at: &str| {
///     let body = format!(r#"{{"event_type":"X","event_time":"{at}","data":{{"verification_id":"v1","status":"{status}","sub_status":"{sub}"}}}}"#);
///     WebhookEvent::parse(Api::Ppi, body.as_bytes()).unwrap()
/// };
/// let mut latest = LatestState::default();
/// // The auditor's decision arrives first; the earlier events after it.
/// assert!(latest.offer_event(&event("AUDITOR_APPROVED", "AUDITOR_REVIEWED", "2026-06-01T10:00:09.000Z")));
/// assert!(!latest.offer_event(&event("USER_QUEUED", "PRE_VIDEO_CALL", "2026-06-01T10:00:05.000Z")));
/// assert!(!latest.offer_event(&event("AGENT_ENDED_CALL", "VIDEO_CALL", "2026-06-01T10:00:07.000Z")));
/// assert_eq!(latest.get().unwrap().sub_status, SubStatus::AuditorApproved);
/// ```
#[derive(Clone, Debug, Default)]
pub struct LatestState {
    current: Option<(Verification, Position)>,
}

impl LatestState {
    /// Offers what a webhook said; `true` if it is the latest state now.
    pub fn offer_event(&mut self, event: &WebhookEvent) -> bool {
        self.offer(event.verification.clone(), event.event_time.as_ref())
    }

    /// Offers a state learned from a status call (`event_time` `None`) or
    /// elsewhere; `true` if it is a new latest state. A report of the
    /// state already kept is not news, but its view replaces the kept one:
    /// a status call after a final webhook brings the remarks the webhook
    /// lacked.
    pub fn offer(&mut self, verification: Verification, event_time: Option<&LenientTime>) -> bool {
        let position = Position::of(&verification, event_time);
        match &mut self.current {
            Some((kept, current)) if !position.supersedes(current) => {
                if position.same_state(current) {
                    *kept = verification;
                }
                false
            }
            slot => {
                *slot = Some((verification, position));
                true
            }
        }
    }

    /// The latest state offered, if any.
    pub fn get(&self) -> Option<&Verification> {
        self.current.as_ref().map(|(v, _)| v)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::verification::Api;
    use serde_json::json;

    fn at(sub: &str, status: &str, time: Option<&str>) -> (Verification, Option<LenientTime>) {
        let v = Verification::from_json(
            Api::VerificationSuite,
            json!({"verification_id": "v", "status": status, "sub_status": sub})
                .as_object()
                .unwrap()
                .clone(),
        );
        (v, time.map(LenientTime::parse))
    }

    /// Every order of one approved lifecycle ends approved.
    #[test]
    fn any_order_of_deliveries_ends_in_the_last_state() {
        let lifecycle = [
            ("LINK_GENERATED", "RECEIVED"),
            ("USER_QUEUED", "PRE_VIDEO_CALL"),
            ("USER_ACCEPTED_MEETING", "VIDEO_CALL"),
            ("AGENT_ENDED_CALL", "VIDEO_CALL"),
            ("AGENT_APPROVED", "AGENT_REVIEWED"),
            ("AUDITOR_APPROVED", "AUDITOR_REVIEWED"),
        ];
        let reports: Vec<_> = lifecycle
            .iter()
            .enumerate()
            .map(|(i, (sub, status))| at(sub, status, Some(&format!("2026-06-01T10:00:0{i}.000Z"))))
            .collect();
        // Reversed, rotated, and with every report twice.
        let orders: Vec<Vec<usize>> = vec![
            (0..6).rev().collect(),
            vec![5, 0, 1, 2, 3, 4],
            vec![3, 3, 1, 5, 2, 0, 4, 5],
            vec![1, 0, 2, 4, 3, 5],
        ];
        for order in orders {
            let mut latest = LatestState::default();
            for i in &order {
                let (v, t) = &reports[*i];
                latest.offer(v.clone(), t.as_ref());
            }
            assert_eq!(
                latest.get().unwrap().sub_status,
                SubStatus::AuditorApproved,
                "{order:?}"
            );
        }
        // Without the final one, the call's end is kept over its start.
        let mut latest = LatestState::default();
        for i in [3, 2, 1] {
            let (v, t) = &reports[i];
            latest.offer(v.clone(), t.as_ref());
        }
        assert_eq!(latest.get().unwrap().sub_status, SubStatus::AgentEndedCall);
    }

    /// Inside one phase the event time decides: a re-queue after a
    /// dropped call is news, the drop arriving late is not.
    #[test]
    fn within_a_phase_the_event_time_decides() {
        let dropped = at(
            "USER_DROPPED_OFF",
            "VIDEO_CALL",
            Some("2026-06-01T10:00:01.000Z"),
        );
        let accepted = at(
            "USER_ACCEPTED_MEETING",
            "VIDEO_CALL",
            Some("2026-06-01T10:00:02.000Z"),
        );
        let mut latest = LatestState::default();
        assert!(latest.offer(accepted.0.clone(), accepted.1.as_ref()));
        assert!(!latest.offer(dropped.0.clone(), dropped.1.as_ref()));
        assert_eq!(
            latest.get().unwrap().sub_status,
            SubStatus::UserAcceptedMeeting
        );
        // A status call (no time) in a later phase moves it on; a final
        // state is never replaced.
        let polled = at("AGENT_REJECTED", "AGENT_REVIEWED", None);
        assert!(latest.offer(polled.0, None));
        let rejected = at("AUDITOR_REJECTED", "AUDITOR_REVIEWED", None);
        assert!(latest.offer(rejected.0, None));
        // The same final state again (a status call with the remarks) is
        // not news, but its view is kept.
        let mut with_remarks = at("AUDITOR_REJECTED", "AUDITOR_REVIEWED", None).0;
        with_remarks.auditor_remarks = Some("face did not match".into());
        assert!(!latest.offer(with_remarks, None));
        assert_eq!(
            latest.get().unwrap().auditor_remarks.as_deref(),
            Some("face did not match")
        );
        let late = at(
            "AGENT_APPROVED",
            "AGENT_REVIEWED",
            Some("2026-06-01T10:00:09.000Z"),
        );
        assert!(!latest.offer(late.0, late.1.as_ref()));
        assert_eq!(latest.get().unwrap().sub_status, SubStatus::AuditorRejected);
    }
}

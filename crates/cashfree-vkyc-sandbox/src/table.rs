//! The status table, shared with the SDK as data: `spec/status-codes.toml`,
//! the copy of `specs/status-codes.toml` that `cargo xtask codegen` writes
//! into this crate. Only the table is shared, never code.

use serde::Deserialize;
use std::sync::LazyLock;

#[derive(Deserialize)]
pub(crate) struct Row {
    pub code: String,
    /// The status Cashfree publishes with this sub-status, or `""`.
    pub status: String,
    pub phase: String,
    #[serde(rename = "final")]
    pub is_final: bool,
}

#[derive(Deserialize)]
struct Table {
    sub_status: Vec<Row>,
}

static TABLE: LazyLock<Vec<Row>> = LazyLock::new(|| {
    toml::from_str::<Table>(include_str!("../spec/status-codes.toml"))
        .map(|t| t.sub_status)
        // The file is checked by this crate's tests; an unreadable table
        // leaves every code unknown rather than taking the server down.
        .unwrap_or_default()
});

pub(crate) fn row(code: &str) -> Option<&'static Row> {
    TABLE.iter().find(|r| r.code == code)
}

/// Whether nothing more happens after `code`.
pub fn is_final(code: &str) -> bool {
    row(code).is_some_and(|r| r.is_final)
}

/// The `status` the sandbox reports with a sub-status: the one the table
/// gives where Cashfree publishes it. The phases after `PRE_VIDEO_CALL`
/// have no published status name; the sandbox uses the labels Cashfree's
/// own merchant dashboard filters by (`VIDEO_CALL`, `AGENT_REVIEWED`,
/// `AUDITOR_REVIEWED`), which are stand-ins, not confirmed API values:
/// clients must not depend on an exact list of statuses.
pub fn status_for(code: &str) -> String {
    match row(code) {
        Some(r) if !r.status.is_empty() => r.status.clone(),
        Some(r) => match r.phase.as_str() {
            "video_call" => "VIDEO_CALL".into(),
            "agent_review" => "AGENT_REVIEWED".into(),
            "auditor_review" => "AUDITOR_REVIEWED".into(),
            "technical" => "TECHNICAL_ERROR".into(),
            other => other.to_ascii_uppercase(),
        },
        None => "RECEIVED".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_reads() {
        assert!(TABLE.len() >= 30, "{} rows", TABLE.len());
        assert_eq!(status_for("LINK_GENERATED"), "RECEIVED");
        assert_eq!(status_for("VKYC_EXPIRED"), "EXPIRED");
        assert_eq!(status_for("USER_QUEUED"), "PRE_VIDEO_CALL");
        assert_eq!(status_for("AGENT_ENDED_CALL"), "VIDEO_CALL");
        assert_eq!(status_for("AGENT_REJECTED"), "AGENT_REVIEWED");
        assert_eq!(status_for("AUDITOR_APPROVED"), "AUDITOR_REVIEWED");
        assert!(is_final("AUDITOR_APPROVED") && !is_final("AGENT_REJECTED"));
    }
}

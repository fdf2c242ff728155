//! Generates the facade's `SubStatus` enum and its knowledge table from
//! `specs/status-codes.toml`, so the enum and the table cannot disagree.

use crate::codegen::Output;
use anyhow::{Context, Result, bail};
use serde::Deserialize;
use std::collections::BTreeSet;
use std::fmt::Write;
use std::path::Path;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Table {
    sub_status: Vec<Row>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Row {
    code: String,
    status: String,
    phase: String,
    description: String,
    action: String,
    outcome: String,
    #[serde(rename = "final")]
    is_final: bool,
    user_action: bool,
}

const PHASES: &[&str] = &[
    "received",
    "pre_video_call",
    "video_call",
    "technical",
    "agent_review",
    "auditor_review",
    "rejected",
    "expired",
];
const OUTCOMES: &[&str] = &["in_progress", "approved", "rejected", "expired"];

/// `PRE_VIDEO_CALL` or `pre_video_call` as `PreVideoCall`.
fn camel(code: &str) -> String {
    code.split('_')
        .filter(|w| !w.is_empty())
        .map(|w| {
            let lower = w.to_ascii_lowercase();
            let mut chars = lower.chars();
            chars
                .next()
                .map(|c| c.to_ascii_uppercase().to_string() + chars.as_str())
                .unwrap_or_default()
        })
        .collect()
}

pub fn outputs(root: &Path) -> Result<Vec<Output>> {
    let text = std::fs::read_to_string(root.join("specs/status-codes.toml"))
        .context("reading specs/status-codes.toml")?;
    let table: Table = toml::from_str(&text).context("parsing specs/status-codes.toml")?;
    let mut seen = BTreeSet::new();
    for row in &table.sub_status {
        if !seen.insert(row.code.as_str()) {
            bail!("specs/status-codes.toml: {} appears twice", row.code);
        }
        if !row
            .code
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
        {
            bail!(
                "specs/status-codes.toml: {} is not an UPPER_SNAKE code",
                row.code
            );
        }
        if !PHASES.contains(&row.phase.as_str()) {
            bail!(
                "specs/status-codes.toml: {} has unknown phase {} (one of {PHASES:?})",
                row.code,
                row.phase
            );
        }
        if !OUTCOMES.contains(&row.outcome.as_str()) {
            bail!(
                "specs/status-codes.toml: {} has unknown outcome {} (one of {OUTCOMES:?})",
                row.code,
                row.outcome
            );
        }
    }
    let n = table.sub_status.len();
    let mut s = String::new();
    let _ = writeln!(
        s,
        "{}\n// from specs/status-codes.toml\n",
        crate::generate::HEADER
    );
    s.push_str("use super::{Outcome, Phase};\n\n");
    s.push_str(
        "/// The event inside a verification's phase, as Cashfree names it in\n\
         /// `sub_status`.\n///\n\
         /// Every variant knows its [`Phase`], Cashfree's description and\n\
         /// recommended action, and its [`Outcome`]. A code this version does\n\
         /// not know is kept verbatim in [`SubStatus::Unknown`].\n",
    );
    s.push_str("#[non_exhaustive]\n#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]\npub enum SubStatus {\n");
    for row in &table.sub_status {
        let _ = writeln!(s, "    /// `{}`: {}", row.code, row.description);
        let _ = writeln!(s, "    ///\n    /// Recommended action: {}.", row.action);
        let _ = writeln!(s, "    {},", camel(&row.code));
    }
    s.push_str("    /// A sub-status this version does not know, exactly as Cashfree sent it.\n    Unknown(String),\n}\n\n");
    s.push_str("/// What the table says of one known sub-status.\n#[derive(Debug)]\npub(crate) struct Entry {\n    pub code: &'static str,\n    pub status: &'static str,\n    pub phase: Phase,\n    pub description: &'static str,\n    pub action: &'static str,\n    pub outcome: Outcome,\n    pub is_final: bool,\n    pub user_action: bool,\n}\n\n");
    let _ = writeln!(s, "pub(crate) static TABLE: [Entry; {n}] = [");
    for row in &table.sub_status {
        let _ = writeln!(
            s,
            "    Entry {{ code: {:?}, status: {:?}, phase: Phase::{}, description: {:?}, action: {:?}, outcome: Outcome::{}, is_final: {}, user_action: {} }},",
            row.code,
            row.status,
            camel(&row.phase),
            row.description,
            row.action,
            camel(&row.outcome),
            row.is_final,
            row.user_action
        );
    }
    s.push_str("];\n\nimpl SubStatus {\n    /// The row of [`TABLE`] for a known sub-status.\n    pub(crate) fn index(&self) -> Option<usize> {\n        match self {\n");
    for (i, row) in table.sub_status.iter().enumerate() {
        let _ = writeln!(s, "            Self::{} => Some({i}),", camel(&row.code));
    }
    s.push_str("            Self::Unknown(_) => None,\n        }\n    }\n\n    /// The variant for `code`; unknown codes are kept verbatim.\n    pub(crate) fn from_code(code: &str) -> Self {\n        match code {\n");
    for row in &table.sub_status {
        let _ = writeln!(
            s,
            "            {:?} => Self::{},",
            row.code,
            camel(&row.code)
        );
    }
    s.push_str("            other => Self::Unknown(other.to_owned()),\n        }\n    }\n}\n");
    let file: syn::File = syn::parse_str(&s).context("generated status table does not parse")?;
    let body = prettyplease::unparse(&file);
    // prettyplease drops the leading line comments; put them back.
    let contents = format!(
        "{}\n// from specs/status-codes.toml\n\n{body}",
        crate::generate::HEADER
    );
    Ok(vec![Output {
        path: "crates/cashfree-vkyc/src/status/generated.rs".into(),
        contents,
    }])
}

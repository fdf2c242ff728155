//! Generates the facade's `SubStatus` enum and its knowledge table from
//! `specs/status-codes.toml`, so the enum and the table cannot disagree.

use crate::generate::Output;
use anyhow::{Context, Result, bail};
use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;
use serde::Deserialize;
use std::collections::BTreeSet;
use std::path::Path;

/// `specs/status-codes.toml`, as every task reads it.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Table {
    #[serde(default)]
    pub sub_status: Vec<Row>,
}

#[derive(Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Row {
    pub code: String,
    pub status: String,
    pub phase: String,
    pub description: String,
    pub action: String,
    pub outcome: String,
    #[serde(rename = "final")]
    pub is_final: bool,
    pub user_action: bool,
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
const OUTCOMES: &[&str] = &[
    "in_progress",
    "agent_approved",
    "agent_rejected",
    "approved",
    "rejected",
    "expired",
];

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

fn ident(name: &str) -> Ident {
    Ident::new(&camel(name), Span::call_site())
}

/// The Rust of the enum, its table and its lookups.
fn emit(rows: &[Row]) -> TokenStream {
    let n = proc_macro2::Literal::usize_unsuffixed(rows.len());
    let variants = rows.iter().map(|row| {
        let doc = format!(" `{}`: {}", row.code, row.description);
        let action = format!(" Recommended action: {}.", row.action);
        let waits_on = if row.is_final {
            " Final: nothing more will happen."
        } else if row.user_action {
            " Waits on the user (`needs_user_action`)."
        } else {
            " Waits on Cashfree, an agent or an auditor, not on the user."
        };
        let outcome = format!(" Outcome: `{}`.{waits_on}", row.outcome);
        let name = ident(&row.code);
        quote! {
            #[doc = #doc]
            #[doc = ""]
            #[doc = #action]
            #[doc = #outcome]
            #name,
        }
    });
    let entries = rows.iter().map(|row| {
        let (code, status, description, action) =
            (&row.code, &row.status, &row.description, &row.action);
        let (phase, outcome) = (ident(&row.phase), ident(&row.outcome));
        let (is_final, user_action) = (row.is_final, row.user_action);
        quote! {
            Entry {
                code: #code,
                status: #status,
                phase: Phase::#phase,
                description: #description,
                action: #action,
                outcome: Outcome::#outcome,
                is_final: #is_final,
                user_action: #user_action,
            },
        }
    });
    let indexes = rows.iter().enumerate().map(|(i, row)| {
        let (name, i) = (ident(&row.code), proc_macro2::Literal::usize_unsuffixed(i));
        quote! { Self::#name => Some(#i), }
    });
    let codes = rows.iter().map(|row| {
        let (code, name) = (&row.code, ident(&row.code));
        quote! { #code => Self::#name, }
    });
    quote! {
        use super::{Outcome, Phase};

        /// The event inside a verification's phase, as Cashfree names it in
        /// `sub_status`.
        ///
        /// Every variant knows its [`Phase`], Cashfree's description and
        /// recommended action, and its [`Outcome`]. A code this version does
        /// not know is kept verbatim in [`SubStatus::Unknown`].
        #[non_exhaustive]
        #[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum SubStatus {
            #(#variants)*
            /// A sub-status this version does not know, exactly as Cashfree sent it.
            Unknown(String),
        }

        /// What the table says of one known sub-status.
        #[derive(Debug)]
        pub(crate) struct Entry {
            pub code: &'static str,
            pub status: &'static str,
            pub phase: Phase,
            pub description: &'static str,
            pub action: &'static str,
            pub outcome: Outcome,
            pub is_final: bool,
            pub user_action: bool,
        }

        pub(crate) static TABLE: [Entry; #n] = [#(#entries)*];

        impl SubStatus {
            /// The row of [`TABLE`] for a known sub-status.
            pub(crate) fn index(&self) -> Option<usize> {
                match self {
                    #(#indexes)*
                    Self::Unknown(_) => None,
                }
            }

            /// The variant for `code`; unknown codes are kept verbatim.
            pub(crate) fn from_code(code: &str) -> Self {
                match code {
                    #(#codes)*
                    other => Self::Unknown(other.to_owned()),
                }
            }
        }
    }
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
    let file = emit(&table.sub_status);
    let file: syn::File = syn::parse2(file).context("generated status table does not parse")?;
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

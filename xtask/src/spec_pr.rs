//! `cargo xtask spec-pr`: what the weekly workflow runs. It fetches
//! Cashfree's pages, regenerates, and writes the pull request's body:
//! the changes by operation with a verdict per crate, or, when `codegen`
//! refuses the pages, the message and the page diff that ask for an
//! overlay. It never fails silently: either way there is a body.

use crate::{codegen, status_pages, surface_diff, update_specs};
use anyhow::Result;
use std::path::Path;

/// How the pages were taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Nothing changed upstream.
    Unchanged,
    /// The pages changed and the code was regenerated.
    Regenerated,
    /// The pages changed and `codegen` refused them: an overlay is needed.
    NeedsOverlay,
    /// A status page lists sub-statuses the table lacks: rows to add.
    NeedsStatusRows,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Unchanged => "unchanged",
            Outcome::Regenerated => "regenerated",
            Outcome::NeedsOverlay => "needs-overlay",
            Outcome::NeedsStatusRows => "needs-status-rows",
        }
    }
}

/// Fetches (from `options`), regenerates, and returns the outcome with
/// the pull request's body, against `base`.
pub fn run(root: &Path, options: &update_specs::Options, base: &str) -> Result<(Outcome, String)> {
    let report = update_specs::update(root, options)?;
    if report.changed.is_empty() {
        return Ok((
            Outcome::Unchanged,
            "Cashfree's Video KYC pages are as vendored.\n".to_owned(),
        ));
    }
    match codegen::write(root) {
        Ok(_) => {
            let changes = surface_diff::diff(root, base)?;
            Ok((
                Outcome::Regenerated,
                surface_diff::pull_request(root, base, &changes)?,
            ))
        }
        Err(e) => {
            let message = format!("{e:#}");
            let unknown = status_pages::unknown(root)?;
            if unknown.is_empty() {
                Ok((
                    Outcome::NeedsOverlay,
                    surface_diff::needs_overlay(root, base, &message)?,
                ))
            } else {
                Ok((
                    Outcome::NeedsStatusRows,
                    surface_diff::needs_status_rows(root, base, &unknown, &message)?,
                ))
            }
        }
    }
}

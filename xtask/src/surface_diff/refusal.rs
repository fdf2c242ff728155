//! The pull request's body when the pages cannot be taken as they are:
//! `codegen` refused them, or a status page lists sub-statuses the table
//! lacks.

use super::report::{Facts, details, heck_upper_camel, page_diff};
use anyhow::Result;
use std::path::Path;

/// The body when `cargo xtask codegen` refuses Cashfree's pages: the
/// message, and the pages' diff that caused it.
pub fn needs_overlay(root: &Path, base: &str, error: &str) -> Result<String> {
    Ok(format!(
        "verdict: needs an overlay\n\n`cargo xtask codegen` refused Cashfree's pages as published; nothing was regenerated. Write an overlay in `specs/overlays/` that makes them agree, then run `cargo xtask codegen` on this branch.\n\n```text\n{}\n```\n\n{}",
        error.trim(),
        details("The pages' diff", &page_diff(root, base, 400)?)
    ))
}

/// The body when a status page lists sub-statuses the table lacks: the
/// operations that report them, what each crate makes of them once the
/// rows are added, and what happens until then.
pub fn needs_status_rows(
    root: &Path,
    base: &str,
    rows: &[crate::status_pages::Row],
    error: &str,
) -> Result<String> {
    let facts = Facts::read(root)?;
    let mut out = String::from(
        "verdict: needs status-table rows (then: cashfree-vkyc-raw none, cashfree-vkyc additive, cashfree-vkyc-sandbox none, cashfree-vkyc-redis none, cashfree-vkyc-cli none)\n\n",
    );
    out.push_str("Cashfree's status page lists sub-statuses `specs/status-codes.toml` does not have. Add a row for each (its phase, outcome, whether it is final and whether the user must act), then run `cargo xtask codegen` on this branch.\n\n## Verdict per published crate, once the rows are added\n\n| crate | verdict | why |\n|---|---|---|\n");
    for (name, verdict, why) in [
        (
            "cashfree-vkyc-raw",
            "none",
            "`sub_status` is a `String` in the generated types",
        ),
        (
            "cashfree-vkyc",
            "additive",
            "`SubStatus` gains a variant; it is `#[non_exhaustive]` and has `Unknown`",
        ),
        (
            "cashfree-vkyc-sandbox",
            "none",
            "its copy of the table gains a row",
        ),
        (
            "cashfree-vkyc-redis",
            "none",
            "it uses neither the generated types nor the status table",
        ),
        ("cashfree-vkyc-cli", "none", "a binary: no library API"),
    ] {
        out.push_str(&format!("| `{name}` | {verdict} | {why} |\n"));
    }
    out.push_str("\n## Sub-statuses the table lacks\n\n");
    for row in rows {
        let quoted = format!("\"{}\"", row.code);
        let sandbox = if facts.lifecycle.contains(&quoted) {
            "a sandbox scenario reaches it"
        } else {
            "no sandbox scenario reaches it (scenarios are in the sandbox's `lifecycle.rs`)"
        };
        out.push_str(&format!(
            "- `{}`, under status `{}`: reported in `sub_status` by `GET /verification/vkyc`, `POST /ppi/kyc/vkyc/status` and `POST /ppi/kyc/vkyc/details`, and in webhooks.\n  - `cashfree-vkyc`: arrives as `SubStatus::Unknown(\"{}\")` until the row is added, then as `SubStatus::{}`, with the row's phase and outcome\n  - `cashfree-vkyc-sandbox`: {sandbox}\n",
            row.code,
            row.status,
            row.code,
            heck_upper_camel(&row.code)
        ));
    }
    out.push_str(&format!(
        "\n`cargo xtask codegen` said:\n\n```text\n{}\n```\n\n{}",
        error.trim(),
        details("The pages' diff", &page_diff(root, base, 400)?)
    ));
    Ok(out)
}

//! The pull request a reviewer reads when Cashfree changes a page: the
//! verdict for each published crate, the changes by operation with the
//! Rust item each touches, what follows for the facade, the sandbox and
//! the status table, the generated surface's own list, and the page diff.

use super::wire::{self, Field, Place, What, WireChange};
use super::{Change, Verdict, at_revision, markdown};
use crate::status_codes::Table;
use crate::surface;
use anyhow::{Context, Result};
use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

/// What the workspace's hand-written code says, read as text: the
/// facade's modeled fields, what the sandbox sends, the generated status
/// enum, the sandbox's scenarios, the raw crate's type names.
pub(super) struct Facts {
    /// Per module, the JSON names `Verification` models.
    modeled: BTreeMap<&'static str, Vec<String>>,
    facade_users: String,
    facade_requests: String,
    sandbox: String,
    pub(super) lifecycle: String,
    sub_status: String,
    raw_types: BTreeMap<&'static str, Vec<String>>,
}

fn read(root: &Path, path: &str) -> String {
    std::fs::read_to_string(root.join(path)).unwrap_or_default()
}

/// The `.rs` files of one folder (not below it), one after the other.
fn read_rust_files(root: &Path, dir: &str) -> String {
    let mut text = String::new();
    for entry in std::fs::read_dir(root.join(dir))
        .into_iter()
        .flatten()
        .flatten()
    {
        if entry.path().extension().is_some_and(|e| e == "rs") {
            text.push_str(&std::fs::read_to_string(entry.path()).unwrap_or_default());
        }
    }
    text
}

impl Facts {
    pub(super) fn read(root: &Path) -> Result<Facts> {
        let verification = read(root, "crates/cashfree-vkyc/src/verification/mod.rs");
        // The `MODELED` table: the Verification Suite's names, then PPI's.
        let table = verification
            .split("const MODELED")
            .nth(1)
            .and_then(|rest| rest.split("];").next())
            .unwrap_or_default();
        let (vs, ppi) = table.split_once("Api::Ppi").unwrap_or((table, ""));
        let quoted = |text: &str| -> Vec<String> {
            text.split('"')
                .skip(1)
                .step_by(2)
                .map(str::to_owned)
                .collect()
        };
        let mut raw_types = BTreeMap::new();
        for (module, _) in wire::SPECS {
            let text = read(
                root,
                &format!("crates/cashfree-vkyc-raw/src/generated/{module}.rs"),
            );
            let names = if text.is_empty() {
                Vec::new()
            } else {
                surface::read(&text)
                    .with_context(|| format!("reading the generated {module}.rs"))?
                    .types
                    .into_iter()
                    .map(|t| t.name)
                    .collect()
            };
            raw_types.insert(module, names);
        }
        Ok(Facts {
            modeled: BTreeMap::from([("verification_suite", quoted(vs)), ("ppi", quoted(ppi))]),
            facade_users: read(root, "crates/cashfree-vkyc/src/users/mod.rs"),
            facade_requests: read(root, "crates/cashfree-vkyc/src/request.rs"),
            sandbox: read_rust_files(root, "crates/cashfree-vkyc-sandbox/src"),
            lifecycle: read(root, "crates/cashfree-vkyc-sandbox/src/lifecycle.rs"),
            sub_status: read_rust_files(root, "crates/cashfree-vkyc/src/status"),
            raw_types,
        })
    }

    /// The raw crate's type for a component: typify's name for it.
    fn raw_type(&self, module: &str, component: &str) -> Option<&str> {
        let flat = |s: &str| {
            s.chars()
                .filter(char::is_ascii_alphanumeric)
                .collect::<String>()
                .to_lowercase()
        };
        self.raw_types
            .get(module)?
            .iter()
            .find(|t| flat(t) == flat(component))
            .map(String::as_str)
    }
}

/// A JSON name as progenitor names the field.
fn rust_field(name: &str) -> String {
    let mut out = String::new();
    for (i, c) in name.chars().enumerate() {
        if c.is_ascii_uppercase() && i > 0 && !out.ends_with('_') {
            out.push('_');
        }
        out.push(if c.is_ascii_alphanumeric() {
            c.to_ascii_lowercase()
        } else {
            '_'
        });
    }
    out
}

fn describe(field: &Field) -> String {
    let mut text = format!(
        "{}, {}, {}",
        field.ty,
        if field.nullable {
            "nullable"
        } else {
            "not nullable"
        },
        if field.required {
            "required"
        } else {
            "optional"
        }
    );
    if !field.values.is_empty() {
        text.push_str(&format!(", one of {}", field.values.join(", ")));
    }
    if let Some(d) = &field.description {
        text.push_str(&format!(" — Cashfree: “{}”", d.replace('\n', " ")));
    }
    text
}

fn what_line(what: &What) -> String {
    match what {
        What::OperationAdded => "**operation added**".into(),
        What::OperationRemoved => "**operation removed**".into(),
        What::Added(f) => format!("**added**: {}", describe(f)),
        What::Removed(f) => format!("**removed** (was {})", describe(f)),
        What::Changed { before, after } => {
            format!(
                "**changed** from {} to {}",
                describe(before),
                describe(after)
            )
        }
    }
}

fn field_of(what: &What) -> Option<&Field> {
    match what {
        What::Added(f) | What::Removed(f) => Some(f),
        What::Changed { after, .. } => Some(after),
        _ => None,
    }
}

/// The facade's type for an operation's body.
fn facade_type(operation: &str) -> &'static str {
    if operation.contains("/vkyc") {
        "Verification"
    } else if operation.contains("/user") {
        "VkycUser"
    } else {
        "SdkToken"
    }
}

/// The Rust items a change touches, in each crate that has one.
fn items(c: &WireChange, facts: &Facts) -> Vec<String> {
    let mut out = Vec::new();
    let Some(field) = field_of(&c.what) else {
        return out;
    };
    let name = c.pointer.rsplit('/').next().unwrap_or_default();
    let raw = field
        .component
        .as_deref()
        .and_then(|component| facts.raw_type(c.module, component));
    out.push(match raw {
        Some(ty) => format!(
            "`cashfree-vkyc-raw`: `{}::types::{ty}::{}`",
            c.module,
            rust_field(name)
        ),
        None => format!(
            "`cashfree-vkyc-raw`: a field of the generated body type of `{}`",
            c.operation_id
        ),
    });
    let top = c.pointer.split('/').nth(1).unwrap_or_default();
    let facade = match (&c.place, facade_type(&c.operation)) {
        (Place::Response(code), "Verification") if code.starts_with('2') => {
            let modeled = facts
                .modeled
                .get(c.module)
                .is_some_and(|names| names.iter().any(|n| n == top));
            if modeled {
                format!("`cashfree-vkyc`: `Verification::{}` is built from `{top}`", rust_field(top))
            } else {
                format!(
                    "`cashfree-vkyc`: not modeled by `Verification`; reaches users through `Verification::extra()` and `raw()`, under `{top}`"
                )
            }
        }
        (Place::Response(code), ty) if code.starts_with('2') => {
            if facts.facade_users.contains(&rust_field(top)) {
                format!("`cashfree-vkyc`: `{ty}` reads `{top}`")
            } else {
                format!("`cashfree-vkyc`: `{ty}` does not read `{top}`")
            }
        }
        (Place::Response(_), _) => {
            "`cashfree-vkyc`: error bodies reach users as `ApiError` (type, code, message); other fields only in its body".to_owned()
        }
        (Place::Request, _) => {
            let set = facts.facade_requests.contains(&rust_field(top))
                || facts.facade_users.contains(&rust_field(top));
            if set {
                format!("`cashfree-vkyc`: the request builders set `{top}`")
            } else {
                format!("`cashfree-vkyc`: no request builder sets `{top}`")
            }
        }
    };
    out.push(facade);
    let quoted = format!("\"{top}\"");
    out.push(match (&c.place, facts.sandbox.contains(&quoted)) {
        (Place::Request, true) => format!("`cashfree-vkyc-sandbox`: reads `{top}`"),
        (Place::Request, false) => format!(
            "`cashfree-vkyc-sandbox`: validates `{top}` against the spec and does nothing else with it"
        ),
        (Place::Response(_), true) => format!("`cashfree-vkyc-sandbox`: sends `{top}`"),
        (Place::Response(_), false) => format!("`cashfree-vkyc-sandbox`: does not send `{top}`"),
    });
    out
}

/// The status table's changes, and what follows from each.
fn status_lines(root: &Path, base: &str, facts: &Facts, rust: &[Change]) -> Result<Vec<String>> {
    let parse = |text: Option<String>| -> Result<Table> {
        match text {
            Some(t) if !t.is_empty() => toml::from_str(&t).context("parsing the status table"),
            _ => Ok(Table::default()),
        }
    };
    let old = parse(at_revision(root, base, "specs/status-codes.toml")?)?;
    let new = parse(std::fs::read_to_string(root.join("specs/status-codes.toml")).ok())?;
    let mut out = Vec::new();
    for row in &new.sub_status {
        if old.sub_status.iter().any(|o| o.code == row.code) {
            continue;
        }
        let quoted = format!("\"{}\"", row.code);
        let facade = if facts.sub_status.contains(&quoted) {
            "the facade's `SubStatus` knows it (generated from the table; before this change it arrived as `SubStatus::Unknown`)"
        } else {
            "the facade's `SubStatus` does not know it yet (run `cargo xtask codegen`): it arrives as `SubStatus::Unknown`"
        };
        let sandbox = if facts.lifecycle.contains(&quoted) {
            "a sandbox scenario reaches it"
        } else {
            "no sandbox scenario reaches it (scenarios are in the sandbox's `lifecycle.rs`)"
        };
        out.push(format!(
            "- sub-status `{}` added (status {:?}, phase {}, outcome {}, final {}, user action {}): {facade}; {sandbox}.",
            row.code, row.status, row.phase, row.outcome, row.is_final, row.user_action
        ));
    }
    // A row whose meaning changed: the facade's answers for it change.
    for c in rust.iter().filter(|c| c.text.contains(" now status ")) {
        let text = c.text.trim_start_matches("status table: ");
        out.push(format!(
            "- {text}: the facade's `phase()`, `outcome()`, `is_final()` and `needs_user_action()` answer accordingly (a {} change).",
            c.verdict.as_str()
        ));
    }
    for o in &old.sub_status {
        if !new.sub_status.iter().any(|r| r.code == o.code) {
            out.push(format!(
                "- sub-status `{}` removed: `SubStatus::{}` goes from the facade (a break); a verification reporting it arrives as `SubStatus::Unknown`.",
                o.code,
                heck_upper_camel(&o.code)
            ));
        }
    }
    Ok(out)
}

pub(super) fn heck_upper_camel(code: &str) -> String {
    code.split('_')
        .map(|w| {
            let mut c = w.chars();
            c.next().map_or_else(String::new, |f| {
                f.to_ascii_uppercase().to_string() + &c.as_str().to_ascii_lowercase()
            })
        })
        .collect()
}

/// One published crate's verdict, and why.
pub struct CrateVerdict {
    pub name: &'static str,
    pub verdict: Verdict,
    pub why: String,
}

fn verdicts(rust: &[Change], wire: &[WireChange], facts: &Facts) -> Vec<CrateVerdict> {
    let worst = |cs: &mut dyn Iterator<Item = (Verdict, String)>| {
        let all: Vec<(Verdict, String)> = cs.collect();
        let verdict = all
            .iter()
            .map(|(v, _)| *v)
            .max()
            .unwrap_or(Verdict::NoChange);
        let why: Vec<String> = all
            .iter()
            .filter(|(v, _)| *v == verdict && verdict != Verdict::NoChange)
            .map(|(_, t)| t.clone())
            .take(3)
            .collect();
        (verdict, why.join("; "))
    };
    let (raw, raw_why) = worst(
        &mut rust
            .iter()
            .filter(|c| !c.text.starts_with("status table"))
            .map(|c| (c.raw, c.text.clone())),
    );
    let raw_why = if raw == Verdict::Breaking && rust.iter().any(|c| c.verdict < c.raw) {
        format!(
            "{raw_why} (its structs have public fields and are not `#[non_exhaustive]`, and its enums are exhaustive: a new field or value breaks a struct literal or a `match`)"
        )
    } else {
        raw_why
    };
    // The facade's API is hand-written but for `SubStatus`, generated from
    // the status table, and `Verification`, built from the modeled fields.
    let table = rust
        .iter()
        .filter(|c| c.text.starts_with("status table"))
        .map(|c| (c.verdict, c.text.clone()));
    let modeled = wire.iter().filter_map(|c| {
        let top = c.pointer.split('/').nth(1)?;
        let is_modeled = matches!(&c.place, Place::Response(code) if code.starts_with('2'))
            && facade_type(&c.operation) == "Verification"
            && facts.modeled.get(c.module)?.iter().any(|n| n == top)
            && c.pointer.matches('/').count() == 1;
        match &c.what {
            What::Removed(_) | What::Changed { .. } if is_modeled => Some((
                Verdict::Breaking,
                format!("`Verification::{}` is built from `{top}`, which changed: the facade needs a hand change", rust_field(top)),
            )),
            _ => None,
        }
    });
    let (facade, facade_why) = worst(&mut table.chain(modeled));
    let none = |why: &str| (Verdict::NoChange, why.to_owned());
    let facade = if facade == Verdict::NoChange {
        none("its API does not change: new fields reach users through `Verification::extra()`")
    } else {
        (facade, facade_why)
    };
    let raw = if raw == Verdict::NoChange {
        none("no generated item changes")
    } else {
        (raw, raw_why)
    };
    [
        ("cashfree-vkyc-raw", raw),
        ("cashfree-vkyc", facade),
        (
            "cashfree-vkyc-sandbox",
            none("its API is hand-written; it validates requests against the regenerated specs"),
        ),
        (
            "cashfree-vkyc-redis",
            none("it uses neither the generated types nor the status table"),
        ),
        ("cashfree-vkyc-cli", none("a binary: no library API")),
    ]
    .into_iter()
    .map(|(name, (verdict, why))| CrateVerdict { name, verdict, why })
    .collect()
}

/// `git diff` of the vendored pages against `base`, at most `limit` lines.
pub(super) fn page_diff(root: &Path, base: &str, limit: usize) -> Result<String> {
    let output = Command::new("git")
        .arg("-C")
        .arg(root)
        .args(["diff", "--no-color", "-U2", base, "--", "specs/sources"])
        .output()
        .context("running git diff")?;
    let text = String::from_utf8_lossy(&output.stdout);
    let lines: Vec<&str> = text.lines().collect();
    let mut out = lines[..lines.len().min(limit)].join("\n");
    if lines.len() > limit {
        out.push_str(&format!("\n… {} more lines", lines.len() - limit));
    }
    Ok(out)
}

pub(super) fn details(summary: &str, body: &str) -> String {
    format!("<details><summary>{summary}</summary>\n\n```diff\n{body}\n```\n\n</details>\n")
}

/// The body of the pull request for the changes since `base`, with
/// `rust`, the generated surface's changes [`diff`](super::diff) found.
pub fn pull_request(root: &Path, base: &str, rust: &[Change]) -> Result<String> {
    let wire = wire::diff(root, base)?;
    let facts = Facts::read(root)?;
    let verdicts = verdicts(rust, &wire, &facts);
    let mut out = String::from("verdict: ");
    out.push_str(
        &verdicts
            .iter()
            .map(|v| format!("{} {}", v.name, v.verdict.as_str()))
            .collect::<Vec<_>>()
            .join(", "),
    );
    out.push_str(
        "\n\n## Verdict per published crate\n\n| crate | verdict | why |\n|---|---|---|\n",
    );
    for v in &verdicts {
        out.push_str(&format!(
            "| `{}` | {} | {} |\n",
            v.name,
            v.verdict.as_str(),
            v.why
        ));
    }
    out.push_str("\n## Changes by operation\n\n");
    if wire.is_empty() {
        out.push_str("No operation's request or response changed.\n");
    }
    // One heading per operation; one line per field, with every place
    // (status code) where the same change happened.
    let mut by_operation: BTreeMap<(&str, &str), Vec<&WireChange>> = BTreeMap::new();
    for c in &wire {
        by_operation
            .entry((c.module, &c.operation))
            .or_default()
            .push(c);
    }
    // What follows for the facade and the sandbox, per field.
    let mut follows = Vec::new();
    for ((module, operation), changes) in by_operation {
        out.push_str(&format!("### `{operation}` ({module})\n\n"));
        let mut lines: Vec<(String, String, Vec<String>, Vec<String>)> = Vec::new();
        for c in changes {
            let line = what_line(&c.what);
            let place = c.place.to_string();
            match lines
                .iter_mut()
                .find(|(p, l, _, _)| *p == c.pointer && *l == line)
            {
                Some((_, _, places, _)) => places.push(place),
                None => lines.push((c.pointer.clone(), line, vec![place], items(c, &facts))),
            }
        }
        for (pointer, line, places, items) in lines {
            if pointer.is_empty() {
                out.push_str(&format!("- {line}\n"));
                continue;
            }
            out.push_str(&format!("- {} `{pointer}`: {line}\n", places.join(", ")));
            let mut items = items.into_iter();
            if let Some(raw) = items.next() {
                out.push_str(&format!("  - {raw}\n"));
            }
            let rest: Vec<String> = items.collect();
            if !rest.is_empty() {
                follows.push(format!(
                    "- `{operation}` {} `{pointer}`:\n  - {}\n",
                    places.join(", "),
                    rest.join("\n  - ")
                ));
            }
        }
        out.push('\n');
    }
    let status = status_lines(root, base, &facts, rust)?;
    out.push_str("## What follows\n\n");
    if follows.is_empty() {
        out.push_str("No field of a body changed.\n");
    }
    for line in follows {
        out.push_str(&line);
    }
    out.push('\n');
    if status.is_empty() {
        out.push_str("The status table did not change.\n");
    } else {
        out.push_str("The status table (`specs/status-codes.toml`):\n\n");
        for line in status {
            out.push_str(&line);
            out.push('\n');
        }
    }
    out.push_str("\n## The generated surface\n\nEach change as it reads on the wire (additive: code built before still reads and sends what it did); the raw crate's verdict is above.\n\n");
    let listed = markdown(rust, base);
    out.push_str(
        listed
            .split_once('\n')
            .map_or("", |(_, rest)| rest)
            .trim_start(),
    );
    out.push('\n');
    out.push_str(&details("The pages' diff", &page_diff(root, base, 400)?));
    Ok(out)
}

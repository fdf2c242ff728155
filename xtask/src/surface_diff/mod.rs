//! `cargo xtask surface-diff`: every change to the generated surface (and
//! to the status table) between a git revision and the working tree, each
//! classified as breaking or additive, as Markdown for a pull request and
//! as entries for `CHANGELOG.md`.

pub use crate::changelog::write_changelog;
use crate::status_codes::Table;
use crate::surface::{self, Surface, TypeDef, TypeKind};
use anyhow::{Context, Result, bail};
pub use refusal::{needs_overlay, needs_status_rows};
pub use report::pull_request;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::process::Command;

const GENERATED: &str = "crates/cashfree-vkyc-raw/src/generated";
const STATUS_TABLE: &str = "specs/status-codes.toml";

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Verdict {
    NoChange,
    Additive,
    Breaking,
}

impl Verdict {
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::NoChange => "none",
            Verdict::Additive => "additive",
            Verdict::Breaking => "breaking",
        }
    }
}

/// Keep a Changelog's sections.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Section {
    Added,
    Changed,
    Removed,
}

impl Section {
    pub fn title(self) -> &'static str {
        match self {
            Section::Added => "Added",
            Section::Changed => "Changed",
            Section::Removed => "Removed",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Change {
    /// What the change means to a user of the API: whether code built
    /// against the old surface still reads and sends what it did.
    pub verdict: Verdict,
    pub section: Section,
    pub text: String,
    /// What it means to the Rust items of `cashfree-vkyc-raw`: its structs
    /// have public fields and are not `#[non_exhaustive]`, and its enums
    /// are matched exhaustively, so a new field or value breaks a struct
    /// literal or a `match` downstream (Cargo's SemVer reference).
    pub raw: Verdict,
}

fn change(verdict: Verdict, section: Section, text: String) -> Change {
    Change {
        verdict,
        section,
        text,
        raw: verdict,
    }
}

/// A change that adds a public field to a struct or a variant to an enum
/// of the raw crate: breaking there whatever it means on the wire.
fn widens(c: Change) -> Change {
    Change {
        raw: Verdict::Breaking,
        ..c
    }
}

/// The verdict of a set of changes: the worst of them.
pub fn verdict(changes: &[Change]) -> Verdict {
    changes
        .iter()
        .map(|c| c.verdict)
        .max()
        .unwrap_or(Verdict::NoChange)
}

/// A file at a git revision, or `None` if it did not exist there.
pub(crate) fn at_revision(root: &Path, base: &str, path: &str) -> Result<Option<String>> {
    let output = Command::new("git")
        .arg("-C")
        .arg(root)
        .args(["show", &format!("{base}:{path}")])
        .output()
        .context("running git")?;
    if output.status.success() {
        return Ok(Some(String::from_utf8_lossy(&output.stdout).into_owned()));
    }
    let verify = Command::new("git")
        .arg("-C")
        .arg(root)
        .args([
            "rev-parse",
            "--verify",
            "--quiet",
            &format!("{base}^{{commit}}"),
        ])
        .output()
        .context("running git")?;
    if !verify.status.success() {
        bail!("{base} is not a git revision of {}", root.display());
    }
    Ok(None)
}

fn modules_at(root: &Path, base: &str) -> Result<BTreeSet<String>> {
    let mut modules = BTreeSet::new();
    let output = Command::new("git")
        .arg("-C")
        .arg(root)
        .args(["ls-tree", "--name-only", base, &format!("{GENERATED}/")])
        .output()
        .context("running git")?;
    for line in String::from_utf8_lossy(&output.stdout).lines() {
        if let Some(name) = line.rsplit('/').next().and_then(|n| n.strip_suffix(".rs")) {
            modules.insert(name.to_owned());
        }
    }
    if let Ok(entries) = std::fs::read_dir(root.join(GENERATED)) {
        for entry in entries.flatten() {
            if let Some(name) = entry
                .file_name()
                .to_str()
                .and_then(|n| n.strip_suffix(".rs"))
            {
                modules.insert(name.to_owned());
            }
        }
    }
    Ok(modules)
}

fn surface_of(text: Option<&str>, what: &str) -> Result<Surface> {
    match text {
        Some(text) => surface::read(text).with_context(|| format!("reading {what}")),
        None => Ok(Surface::default()),
    }
}

/// Every change between `base` and the working tree.
pub fn diff(root: &Path, base: &str) -> Result<Vec<Change>> {
    let mut changes = Vec::new();
    for module in modules_at(root, base)? {
        let path = format!("{GENERATED}/{module}.rs");
        let old = at_revision(root, base, &path)?;
        let new = std::fs::read_to_string(root.join(&path)).ok();
        let old = surface_of(old.as_deref(), &format!("{path} at {base}"))?;
        let new = surface_of(new.as_deref(), &path)?;
        diff_surfaces(&module, &old, &new, &mut changes);
    }
    let old = at_revision(root, base, STATUS_TABLE)?.unwrap_or_default();
    let new = std::fs::read_to_string(root.join(STATUS_TABLE)).unwrap_or_default();
    diff_status_tables(&old, &new, &mut changes)?;
    changes.sort();
    changes.dedup();
    changes.sort_by(|a, b| b.verdict.cmp(&a.verdict).then(a.text.cmp(&b.text)));
    Ok(changes)
}

/// The type names a type expression mentions.
fn mentioned<'a>(ty: &'a str, names: &BTreeSet<&str>) -> Vec<&'a str> {
    ty.split(|c: char| !c.is_alphanumeric() && c != '_')
        .filter(|word| names.contains(word))
        .collect()
}

/// The types reachable from the request bodies and from the responses.
fn sides(s: &Surface) -> (BTreeSet<String>, BTreeSet<String>) {
    let names: BTreeSet<&str> = s.types.iter().map(|t| t.name.as_str()).collect();
    let by_name: BTreeMap<&str, &TypeDef> = s.types.iter().map(|t| (t.name.as_str(), t)).collect();
    let reach = |roots: Vec<&str>| {
        let mut seen: BTreeSet<String> = BTreeSet::new();
        let mut todo: Vec<String> = roots.into_iter().map(str::to_owned).collect();
        while let Some(name) = todo.pop() {
            if !seen.insert(name.clone()) {
                continue;
            }
            let Some(t) = by_name.get(name.as_str()) else {
                continue;
            };
            let inner: Vec<&str> = match &t.kind {
                TypeKind::Struct(fields) => fields.iter().map(|f| f.ty.as_str()).collect(),
                TypeKind::Newtype(inner) => vec![inner.as_str()],
                TypeKind::Enum { variants, .. } => {
                    variants.iter().map(|v| v.payload.as_str()).collect()
                }
                TypeKind::Unit => Vec::new(),
            };
            for ty in inner {
                todo.extend(mentioned(ty, &names).into_iter().map(str::to_owned));
            }
        }
        seen
    };
    let requests: Vec<&str> = s
        .operations
        .iter()
        .flat_map(|o| {
            o.body
                .iter()
                .map(|b| b.as_str())
                .chain(o.params.iter().map(|p| p.ty.as_str()))
        })
        .flat_map(|ty| mentioned(ty, &names))
        .collect();
    let responses: Vec<&str> = s
        .operations
        .iter()
        .flat_map(|o| mentioned(&o.response, &names))
        .collect();
    (reach(requests), reach(responses))
}

fn diff_surfaces(module: &str, old: &Surface, new: &Surface, out: &mut Vec<Change>) {
    use Section::*;
    use Verdict::*;
    let (_, old_responses) = sides(old);
    let (new_requests, new_responses) = sides(new);
    let old_ops: BTreeMap<&str, _> = old
        .operations
        .iter()
        .map(|o| (o.route.as_str(), o))
        .collect();
    let new_ops: BTreeMap<&str, _> = new
        .operations
        .iter()
        .map(|o| (o.route.as_str(), o))
        .collect();
    for (route, op) in &new_ops {
        let Some(before) = old_ops.get(route) else {
            out.push(change(
                Additive,
                Added,
                format!(
                    "`{module}`: operation `{route}` (`Client::{}`) added",
                    op.function
                ),
            ));
            continue;
        };
        let here = format!("`{module}`: operation `{route}`");
        if before.function != op.function {
            out.push(change(
                Breaking,
                Changed,
                format!(
                    "{here}: function renamed from `{}` to `{}`",
                    before.function, op.function
                ),
            ));
        }
        if before.body != op.body {
            out.push(change(
                Breaking,
                Changed,
                format!(
                    "{here}: body changed from `{}` to `{}`",
                    before.body.as_deref().unwrap_or("none"),
                    op.body.as_deref().unwrap_or("none")
                ),
            ));
        }
        if before.response != op.response {
            out.push(change(
                Breaking,
                Changed,
                format!(
                    "{here}: response changed from `{}` to `{}`",
                    before.response, op.response
                ),
            ));
        }
        for p in &op.params {
            match before.params.iter().find(|b| b.name == p.name) {
                None if p.required => out.push(change(
                    Breaking,
                    Added,
                    format!("{here}: new required parameter `{}: {}`", p.name, p.ty),
                )),
                None => out.push(change(
                    Additive,
                    Added,
                    format!("{here}: new optional parameter `{}: {}`", p.name, p.ty),
                )),
                Some(b) if b.ty != p.ty || b.required != p.required => out.push(change(
                    if b.ty == p.ty && b.required && !p.required {
                        Additive
                    } else {
                        Breaking
                    },
                    Changed,
                    format!(
                        "{here}: parameter `{}` changed from `{}` ({}) to `{}` ({})",
                        p.name,
                        b.ty,
                        req(b.required),
                        p.ty,
                        req(p.required)
                    ),
                )),
                Some(_) => {}
            }
        }
        for b in before
            .params
            .iter()
            .filter(|b| !op.params.iter().any(|p| p.name == b.name))
        {
            out.push(change(
                Breaking,
                Removed,
                format!("{here}: parameter `{}` removed", b.name),
            ));
        }
    }
    for (route, op) in &old_ops {
        if !new_ops.contains_key(route) {
            out.push(change(
                Breaking,
                Removed,
                format!(
                    "`{module}`: operation `{route}` (`Client::{}`) removed",
                    op.function
                ),
            ));
        }
    }
    let old_types: BTreeMap<&str, &TypeDef> =
        old.types.iter().map(|t| (t.name.as_str(), t)).collect();
    for t in &new.types {
        let name = t.name.as_str();
        let Some(before) = old_types.get(name) else {
            out.push(change(
                Additive,
                Added,
                format!("`{module}`: type `{name}` added"),
            ));
            continue;
        };
        let in_request = new_requests.contains(name);
        let in_response = new_responses.contains(name) || old_responses.contains(name);
        diff_type(
            module,
            name,
            &before.kind,
            &t.kind,
            in_request,
            in_response,
            out,
        );
    }
    for t in &old.types {
        if !new.types.iter().any(|n| n.name == t.name) {
            out.push(change(
                Breaking,
                Removed,
                format!("`{module}`: type `{}` removed", t.name),
            ));
        }
    }
}

fn req(required: bool) -> &'static str {
    if required { "required" } else { "optional" }
}

fn diff_type(
    module: &str,
    name: &str,
    old: &TypeKind,
    new: &TypeKind,
    in_request: bool,
    in_response: bool,
    out: &mut Vec<Change>,
) {
    use Section::*;
    use Verdict::*;
    match (old, new) {
        (TypeKind::Struct(before), TypeKind::Struct(after)) => {
            for f in after {
                let here = format!("`{module}`: field `{name}.{}`", f.name);
                match before.iter().find(|b| b.name == f.name) {
                    None if in_request && !f.optional() => out.push(change(
                        Breaking,
                        Added,
                        format!("{here}: new required request field (`{}`)", f.ty),
                    )),
                    None => out.push(widens(change(
                        Additive,
                        Added,
                        format!(
                            "{here}: new {} field (`{}`)",
                            if f.optional() { "optional" } else { "response" },
                            f.ty
                        ),
                    ))),
                    Some(b) if b.ty != f.ty => {
                        let relaxed =
                            in_request && !in_response && f.ty == format!("Option<{}>", b.ty);
                        let what = if b.optional() != f.optional()
                            && (b.ty.trim_start_matches("Option<").trim_end_matches('>')
                                == f.ty.trim_start_matches("Option<").trim_end_matches('>'))
                        {
                            format!("now {}", req(!f.optional()))
                        } else {
                            "type changed".to_owned()
                        };
                        out.push(change(
                            if relaxed { Additive } else { Breaking },
                            Changed,
                            format!("{here}: {what}, from `{}` to `{}`", b.ty, f.ty),
                        ));
                    }
                    Some(b) if b.wire != f.wire => out.push(change(
                        Breaking,
                        Changed,
                        format!(
                            "{here}: JSON name changed from {:?} to {:?}",
                            b.wire, f.wire
                        ),
                    )),
                    Some(_) => {}
                }
            }
            for b in before
                .iter()
                .filter(|b| !after.iter().any(|f| f.name == b.name))
            {
                out.push(change(
                    Breaking,
                    Removed,
                    format!("`{module}`: field `{name}.{}` removed", b.name),
                ));
            }
        }
        (
            TypeKind::Enum {
                variants: before, ..
            },
            TypeKind::Enum {
                variants: after,
                untagged,
            },
        ) => {
            for v in after {
                let here = format!(
                    "`{module}`: enum `{name}` value `{}`",
                    v.wire.as_deref().unwrap_or(&v.name)
                );
                match before.iter().find(|b| b.name == v.name) {
                    // A closed enum in a response: a client built before this
                    // value cannot decode it.
                    None if in_response && !untagged => out.push(change(
                        Breaking,
                        Added,
                        format!(
                            "{here} added to a response enum that does not tolerate unknown values"
                        ),
                    )),
                    None => out.push(widens(change(Additive, Added, format!("{here} added")))),
                    Some(b) if b != v => {
                        out.push(change(Breaking, Changed, format!("{here} changed")))
                    }
                    Some(_) => {}
                }
            }
            for b in before
                .iter()
                .filter(|b| !after.iter().any(|v| v.name == b.name))
            {
                out.push(change(
                    Breaking,
                    Removed,
                    format!(
                        "`{module}`: enum `{name}` value `{}` removed",
                        b.wire.as_deref().unwrap_or(&b.name)
                    ),
                ));
            }
        }
        (a, b) if a != b => out.push(change(
            Breaking,
            Changed,
            format!(
                "`{module}`: type `{name}` changed from {} to {}",
                kind_name(a),
                kind_name(b)
            ),
        )),
        _ => {}
    }
}

fn kind_name(kind: &TypeKind) -> String {
    match kind {
        TypeKind::Struct(_) => "a struct".into(),
        TypeKind::Newtype(inner) => format!("a newtype of `{inner}`"),
        TypeKind::Unit => "a unit struct".into(),
        TypeKind::Enum { .. } => "an enum".into(),
    }
}

/// The status table is surface too: the facade's `SubStatus` is generated
/// from it and tolerates unknown values, so a new sub-status is additive.
fn diff_status_tables(old: &str, new: &str, out: &mut Vec<Change>) -> Result<()> {
    use Section::*;
    use Verdict::*;
    let parse = |text: &str, which: &str| -> Result<Table> {
        if text.is_empty() {
            return Ok(Table::default());
        }
        toml::from_str(text).with_context(|| format!("parsing {which} {STATUS_TABLE}"))
    };
    let (old, new) = (parse(old, "the base's")?, parse(new, "the working tree's")?);
    for row in &new.sub_status {
        let here = format!("status table: sub-status `{}`", row.code);
        match old.sub_status.iter().find(|o| o.code == row.code) {
            None => out.push(change(Additive, Added, format!("{here} added (status {:?}, phase {}, outcome {})", row.status, row.phase, row.outcome))),
            Some(o) if (&o.status, &o.phase, &o.outcome, o.is_final, o.user_action) != (&row.status, &row.phase, &row.outcome, row.is_final, row.user_action) => {
                out.push(change(Breaking, Changed, format!(
                    "{here} now status {:?}, phase {}, outcome {}, final {}, user action {} (was {:?}, {}, {}, {}, {})",
                    row.status, row.phase, row.outcome, row.is_final, row.user_action, o.status, o.phase, o.outcome, o.is_final, o.user_action
                )))
            }
            Some(o) if o != row => out.push(change(Additive, Changed, format!("{here}: description or recommended action reworded"))),
            Some(_) => {}
        }
    }
    for o in old
        .sub_status
        .iter()
        .filter(|o| !new.sub_status.iter().any(|r| r.code == o.code))
    {
        out.push(change(
            Breaking,
            Removed,
            format!("status table: sub-status `{}` removed", o.code),
        ));
    }
    Ok(())
}

/// The pull request body: the verdict first, then one line per change.
pub fn markdown(changes: &[Change], base: &str) -> String {
    let mut out = format!("verdict: {}\n", verdict(changes).as_str());
    if changes.is_empty() {
        out.push_str(&format!(
            "\nNo change to the generated surface or the status table against `{base}`.\n"
        ));
        return out;
    }
    out.push_str(&format!(
        "\nChanges to the generated surface and the status table against `{base}`:\n\n"
    ));
    for c in changes {
        out.push_str(&format!(
            "- **{}** ({}): {}\n",
            c.verdict.as_str(),
            c.section.title().to_lowercase(),
            c.text
        ));
    }
    out
}

mod refusal;
mod report;
#[cfg(test)]
mod tests;
pub mod wire;

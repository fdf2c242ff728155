//! `cargo xtask codegen`: sources ▶ merge ▶ overlays ▶ validate ▶ generate.

pub use crate::generate::Output;
use crate::{generate, merge, overlay, sources, validate};
use anyhow::{Context, Result, bail};
use std::path::{Path, PathBuf};

/// The families are the folders of `specs/sources/`; the module name is the
/// folder name with `-` as `_`.
pub fn families(root: &Path) -> Result<Vec<String>> {
    let mut names = Vec::new();
    for entry in std::fs::read_dir(root.join("specs/sources")).context("reading specs/sources")? {
        let entry = entry?;
        if entry.file_type()?.is_dir() {
            names.push(entry.file_name().to_string_lossy().into_owned());
        }
    }
    names.sort();
    Ok(names)
}

/// Reads, merges, fixes and validates one family's documents.
pub fn normalized_spec(root: &Path, family: &str) -> Result<serde_json::Value> {
    let docs = sources::read_family(root, &root.join("specs/sources").join(family))?;
    if docs.is_empty() {
        bail!("specs/sources/{family} holds no OpenAPI document");
    }
    let mut doc = merge::merge(&docs).with_context(|| format!("merging family {family}"))?;
    let overlay_dir = root.join("specs/overlays").join(family);
    if overlay_dir.is_dir() {
        let mut files: Vec<PathBuf> = std::fs::read_dir(&overlay_dir)?
            .map(|e| e.map(|e| e.path()))
            .collect::<std::io::Result<_>>()?;
        files.retain(|p| matches!(p.extension().and_then(|e| e.to_str()), Some("yaml" | "yml")));
        files.sort();
        for file in files {
            let shown = file
                .strip_prefix(root)
                .unwrap_or(&file)
                .display()
                .to_string();
            let overlay = overlay::read(&file, &shown)?;
            overlay::apply(&mut doc, &overlay, &shown)?;
        }
    }
    let problems = validate::check(&doc);
    if !problems.is_empty() {
        bail!(
            "specs/openapi/{family}.json would contradict itself ({} problems); fix it with an overlay in specs/overlays/{family}/:\n  {}",
            problems.len(),
            problems.join("\n  ")
        );
    }
    Ok(doc)
}

/// The sandbox's copy of the normalized specs and the status table.
const SANDBOX_SPEC: &str = "crates/cashfree-vkyc-sandbox/spec";

/// Everything `cargo xtask codegen` writes, computed in memory.
pub fn outputs(root: &Path) -> Result<Vec<Output>> {
    let mut outputs = Vec::new();
    for family in families(root)? {
        let doc = normalized_spec(root, &family)?;
        let spec_path = format!("specs/openapi/{family}.json");
        let mut json = serde_json::to_string_pretty(&doc)?;
        json.push('\n');
        // The sandbox validates requests against the same document; a
        // published crate cannot read files outside its package.
        outputs.push(Output {
            path: format!("{SANDBOX_SPEC}/{family}.json").into(),
            contents: json.clone(),
        });
        outputs.push(Output {
            path: spec_path.clone().into(),
            contents: json,
        });
        let module = family.replace('-', "_");
        outputs.push(Output {
            path: format!("crates/cashfree-vkyc-raw/src/generated/{module}.rs").into(),
            contents: generate::client_module(&doc, &spec_path)?,
        });
    }
    outputs.extend(crate::status_codes::outputs(root)?);
    let disagreements = crate::status_pages::check(root)?;
    if !disagreements.is_empty() {
        bail!(
            "specs/status-codes.toml disagrees with Cashfree's status pages ({}); correct the table:\n  {}",
            disagreements.len(),
            disagreements.join("\n  ")
        );
    }
    outputs.push(Output {
        path: format!("{SANDBOX_SPEC}/status-codes.toml").into(),
        contents: std::fs::read_to_string(root.join("specs/status-codes.toml"))
            .context("reading specs/status-codes.toml")?,
    });
    Ok(outputs)
}

/// Files in generated folders that the pipeline no longer produces.
fn orphans(root: &Path, outputs: &[Output]) -> Result<Vec<PathBuf>> {
    let mut found = Vec::new();
    for dir in [
        "specs/openapi",
        "crates/cashfree-vkyc-raw/src/generated",
        SANDBOX_SPEC,
    ] {
        // Only folders that hold nothing but generated files are swept.
        let Ok(entries) = std::fs::read_dir(root.join(dir)) else {
            continue;
        };
        for entry in entries {
            let path = Path::new(dir).join(entry?.file_name());
            if !outputs.iter().any(|o| o.path == path) {
                found.push(path);
            }
        }
    }
    found.sort();
    Ok(found)
}

/// The difference between the checked-in files and a fresh generation, as
/// unified diffs; empty when everything is up to date.
pub fn stale(root: &Path) -> Result<String> {
    let outputs = outputs(root)?;
    let mut report = String::new();
    for output in &outputs {
        let current = read_normalized(&root.join(&output.path)).unwrap_or_default();
        if current != output.contents {
            let shown = output.path.display().to_string();
            let diff = similar::TextDiff::from_lines(&current, &output.contents);
            report.push_str(
                &diff
                    .unified_diff()
                    .context_radius(3)
                    .header(&format!("a/{shown}"), &format!("b/{shown}"))
                    .to_string(),
            );
        }
    }
    for orphan in orphans(root, &outputs)? {
        report.push_str(&format!(
            "{} is no longer generated and should be deleted\n",
            orphan.display()
        ));
    }
    Ok(report)
}

/// Writes every output whose contents changed; returns the paths written.
pub fn write(root: &Path) -> Result<Vec<PathBuf>> {
    let outputs = outputs(root)?;
    let mut written = Vec::new();
    for output in &outputs {
        let path = root.join(&output.path);
        if read_normalized(&path).as_deref() != Some(output.contents.as_str()) {
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent)?;
            }
            std::fs::write(&path, &output.contents)
                .with_context(|| format!("writing {}", output.path.display()))?;
            written.push(output.path.clone());
        }
    }
    for orphan in orphans(root, &outputs)? {
        std::fs::remove_file(root.join(&orphan))?;
        written.push(orphan);
    }
    Ok(written)
}

/// A file's text with Windows line endings made `\n`, so that a checkout
/// with `core.autocrlf` is not reported stale.
fn read_normalized(path: &Path) -> Option<String> {
    std::fs::read_to_string(path)
        .ok()
        .map(|text| text.replace("\r\n", "\n"))
}

/// The workspace root: the nearest folder, from the current directory up,
/// that holds this project (`specs/sources/` and `xtask/` beside a
/// `Cargo.toml`). Found at run time, not fixed when the binary was built:
/// with a target folder shared between two checkouts, cargo may run a
/// binary built in the other one.
pub fn workspace_root() -> Result<PathBuf> {
    let start = std::env::current_dir().context("reading the current directory")?;
    start
        .ancestors()
        .find(|dir| is_this_project(dir))
        .map(Path::to_path_buf)
        .with_context(|| {
            format!(
                "{} is not inside the cashfree-vkyc workspace (no Cargo.toml beside specs/sources/ and xtask/ here or above); run `cargo xtask` from the workspace",
                start.display()
            )
        })
}

fn is_this_project(dir: &Path) -> bool {
    dir.join("specs/sources").is_dir()
        && dir.join("xtask/Cargo.toml").is_file()
        && std::fs::read_to_string(dir.join("Cargo.toml")).is_ok_and(|manifest| {
            manifest.contains("[workspace]") && manifest.contains("\"xtask\"")
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_workspace_is_recognised_only_by_its_own_layout() {
        let here = Path::new(env!("CARGO_MANIFEST_DIR"));
        assert!(is_this_project(here.parent().unwrap()));
        assert!(!is_this_project(here));
        assert!(!is_this_project(&std::env::temp_dir()));
    }
}

//! `CHANGELOG.md` in Keep a Changelog's form: the entries `surface-diff
//! --changelog` adds under `## Unreleased`.

use crate::surface_diff::{Change, Verdict};
use anyhow::{Context, Result};
use std::path::Path;

/// Adds the changes to `## Unreleased` in `CHANGELOG.md` (Keep a
/// Changelog), each under its section, once.
pub fn write_changelog(root: &Path, changes: &[Change]) -> Result<()> {
    let path = root.join("CHANGELOG.md");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|_| {
        "# Changelog\n\nAll notable changes to this project are documented here, in the format of\n[Keep a Changelog](https://keepachangelog.com/en/1.1.0/); versions follow\n[Semantic Versioning](https://semver.org/).\n\n## Unreleased\n".to_owned()
    });
    let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
    let start = match lines
        .iter()
        .position(|l| l.trim() == "## Unreleased" || l.trim() == "## [Unreleased]")
    {
        Some(i) => i,
        None => {
            // Before the first release section, or at the end.
            let at = lines
                .iter()
                .position(|l| l.starts_with("## "))
                .unwrap_or(lines.len());
            lines.splice(at..at, ["## Unreleased".to_owned(), String::new()]);
            at
        }
    };
    let end = lines[start + 1..]
        .iter()
        .position(|l| l.starts_with("## "))
        .map_or(lines.len(), |i| start + 1 + i);
    // The section's subsections, in order, with their entries.
    let mut sections: Vec<(String, Vec<String>)> = Vec::new();
    let mut preamble = Vec::new();
    for line in &lines[start + 1..end] {
        if let Some(title) = line.strip_prefix("### ") {
            sections.push((title.trim().to_owned(), Vec::new()));
        } else if let Some((_, entries)) = sections.last_mut() {
            if !line.trim().is_empty() {
                entries.push(line.clone());
            }
        } else if !line.trim().is_empty() {
            preamble.push(line.clone());
        }
    }
    for c in changes {
        let entry = format!(
            "- {}{}",
            c.text,
            if c.verdict == Verdict::Breaking {
                " (breaking)"
            } else {
                ""
            }
        );
        let title = c.section.title();
        let index = match sections.iter().position(|(t, _)| t == title) {
            Some(i) => i,
            None => {
                let order = |t: &str| {
                    [
                        "Added",
                        "Changed",
                        "Deprecated",
                        "Removed",
                        "Fixed",
                        "Security",
                    ]
                    .iter()
                    .position(|x| *x == t)
                    .unwrap_or(9)
                };
                let at = sections
                    .iter()
                    .position(|(t, _)| order(t) > order(title))
                    .unwrap_or(sections.len());
                sections.insert(at, (title.to_owned(), Vec::new()));
                at
            }
        };
        if !sections[index].1.contains(&entry) {
            sections[index].1.push(entry);
        }
    }
    let mut body = vec![String::new()];
    if !preamble.is_empty() {
        body.extend(preamble);
        body.push(String::new());
    }
    for (title, entries) in sections {
        body.push(format!("### {title}"));
        body.push(String::new());
        body.extend(entries);
        body.push(String::new());
    }
    lines.splice(start + 1..end, body);
    let mut text = lines.join("\n");
    text.push('\n');
    std::fs::write(&path, text).context("writing CHANGELOG.md")
}

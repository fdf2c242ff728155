//! Cashfree's status reference pages: which status each sub-status belongs
//! to, read from the page's Markdown (Mintlify wraps each phase's table in
//! `<Accordion title="RECEIVED - Request accepted">`; other pages head it
//! with `RECEIVED – Request accepted`), and checked against
//! `specs/status-codes.toml`.

use crate::manifest::Manifest;
use crate::status_codes::Table;
use anyhow::{Context, Result};
use pulldown_cmark::{Event, HeadingLevel, Options, Parser, Tag, TagEnd};
use std::path::Path;

/// One row of a status page: the status its section names, and the
/// sub-status code in the first column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    pub status: String,
    pub code: String,
}

/// `RECEIVED – Request accepted` (en dash or hyphen) as `RECEIVED`.
fn status_of(title: &str) -> Option<String> {
    let head = title.split(['–', '-', '—']).next()?.trim();
    let code = head.trim_matches('`');
    (!code.is_empty() && code.chars().all(|c| c.is_ascii_uppercase() || c == '_'))
        .then(|| code.to_owned())
}

fn is_code(text: &str) -> bool {
    let text = text.trim().trim_matches('`');
    text.len() > 2
        && text.chars().next().is_some_and(|c| c.is_ascii_uppercase())
        && text
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
}

/// The `title` of an `<Accordion ...>` tag.
fn accordion_title(html: &str) -> Option<&str> {
    let tag = &html[html.find("<Accordion")?..];
    let rest = &tag[tag.find("title=")? + 6..];
    let quote = rest.chars().next().filter(|c| *c == '"' || *c == '\'')?;
    let rest = &rest[1..];
    Some(&rest[..rest.find(quote)?])
}

/// Every (status, sub-status) row of a status page, in page order.
pub fn parse(text: &str) -> Vec<Row> {
    // A component tag that touches the table after it would swallow it into
    // an HTML block; blank lines around the tags keep the table Markdown.
    let spaced: String = text
        .lines()
        .map(|line| {
            let t = line.trim();
            if t.starts_with("<Accordion") || t.starts_with("</Accordion") {
                format!("\n{line}\n")
            } else {
                line.to_owned()
            }
        })
        .collect::<Vec<_>>()
        .join("\n");
    let mut rows = Vec::new();
    let mut status: Option<String> = None;
    let mut heading: Option<String> = None;
    let (mut in_head, mut cell_index, mut first_cell) = (false, 0usize, String::new());
    for event in Parser::new_ext(&spaced, Options::ENABLE_TABLES) {
        match event {
            Event::Html(html) | Event::InlineHtml(html) => {
                if let Some(found) = accordion_title(&html).and_then(status_of) {
                    status = Some(found);
                }
            }
            Event::Start(Tag::Heading { level, .. }) if level >= HeadingLevel::H2 => {
                heading = Some(String::new());
            }
            Event::End(TagEnd::Heading(_)) => {
                if let Some(found) = heading.take().as_deref().and_then(status_of) {
                    status = Some(found);
                }
            }
            Event::Start(Tag::TableHead) => in_head = true,
            Event::End(TagEnd::TableHead) => in_head = false,
            Event::Start(Tag::TableRow) => {
                cell_index = 0;
                first_cell.clear();
            }
            Event::End(TagEnd::TableCell) => cell_index += 1,
            Event::End(TagEnd::TableRow) => {
                if !in_head
                    && is_code(&first_cell)
                    && let Some(status) = &status
                {
                    rows.push(Row {
                        status: status.clone(),
                        code: first_cell.trim().trim_matches('`').to_owned(),
                    });
                }
            }
            Event::Text(t) | Event::Code(t) => {
                if let Some(h) = &mut heading {
                    h.push_str(&t);
                } else if cell_index == 0 {
                    first_cell.push_str(&t);
                }
            }
            _ => {}
        }
    }
    rows
}

/// Each status page's path with its rows.
type Pages = Vec<(String, Vec<Row>)>;

/// The status table, and each status page's rows.
fn table_and_pages(root: &Path) -> Result<(Table, Pages)> {
    let manifest = Manifest::read(root)?;
    let text = std::fs::read_to_string(root.join("specs/status-codes.toml"))
        .context("reading specs/status-codes.toml")?;
    let table: Table = toml::from_str(&text).context("parsing specs/status-codes.toml")?;
    let mut pages = Vec::new();
    for page in manifest.status_pages() {
        let text = std::fs::read_to_string(root.join(&page.path))
            .with_context(|| format!("reading {}", page.path))?;
        pages.push((page.path.clone(), parse(&text)));
    }
    Ok((table, pages))
}

/// The rows of the status pages whose sub-status the table lacks.
pub fn unknown(root: &Path) -> Result<Vec<Row>> {
    let (table, pages) = table_and_pages(root)?;
    let mut rows = Vec::new();
    for row in pages.into_iter().flat_map(|(_, rows)| rows) {
        if !table.sub_status.iter().any(|t| t.code == row.code) && !rows.contains(&row) {
            rows.push(row);
        }
    }
    Ok(rows)
}

/// Every disagreement between the vendored status pages and
/// `specs/status-codes.toml`: a sub-status a page lists that the table
/// lacks, or places under another status.
pub fn check(root: &Path) -> Result<Vec<String>> {
    let (table, pages) = table_and_pages(root)?;
    let mut problems = Vec::new();
    for (path, rows) in pages {
        for row in rows {
            match table.sub_status.iter().find(|t| t.code == row.code) {
                None => problems.push(format!(
                    "{path} lists {} under {}, but specs/status-codes.toml has no such sub-status",
                    row.code, row.status
                )),
                Some(t) if t.status != row.status => problems.push(format!(
                    "{path} puts {} under {}, but specs/status-codes.toml gives it status {:?}",
                    row.code, row.status, t.status
                )),
                Some(_) => {}
            }
        }
    }
    Ok(problems)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A page in the Mintlify form of Cashfree's status references.
    pub const PAGE: &str = r#"---
title: "VKYC status descriptions"
---

Statuses are organised by verification phase.

<Accordion title="REJECTED - Request rejected">
| Sub-status | Description | Recommended action |
| --- | --- | --- |
| `INSUFFICIENT_BALANCE` | Insufficient balance. | Top up |
</Accordion>

<Accordion title="RECEIVED – Request accepted">

| Sub-status | Description | Recommended action |
| :--- | :--- | :--- |
| LINK_GENERATED | Link generated. | Share it |

</Accordion>

### VIDEO_CALL – Video call

| Status code | Description | Recommended action |
|---|---|---|
| USER_ACCEPTED_MEETING | Accepted. | Start |
| AGENT_ENDED_CALL | Ended. | Review |
"#;

    #[test]
    fn accordions_and_headings_name_the_status() {
        let rows: Vec<(String, String)> = parse(PAGE)
            .into_iter()
            .map(|r| (r.status, r.code))
            .collect();
        let want = [
            ("REJECTED", "INSUFFICIENT_BALANCE"),
            ("RECEIVED", "LINK_GENERATED"),
            ("VIDEO_CALL", "USER_ACCEPTED_MEETING"),
            ("VIDEO_CALL", "AGENT_ENDED_CALL"),
        ]
        .map(|(s, c)| (s.to_string(), c.to_string()));
        assert_eq!(rows, want);
    }

    #[test]
    fn a_rendering_without_tables_gives_nothing() {
        assert!(parse("Status codeDescription\nLINK_GENERATEDCashfree generated").is_empty());
    }
}

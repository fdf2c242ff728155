//! Reads a family's vendored sources: Cashfree's documentation pages (which
//! embed OpenAPI documents in fenced code blocks) and whole OpenAPI files.

use anyhow::{Context, Result, bail};
use serde_json::Value;
use std::path::{Path, PathBuf};

/// One OpenAPI document and where it came from.
#[derive(Debug, Clone)]
pub struct SourceDoc {
    /// Where the document was read, for error messages: `path` or
    /// `path#block N` for the N-th embedded block of a page.
    pub origin: String,
    pub doc: Value,
}

/// Every OpenAPI document under `dir`, in file-name order.
///
/// Pages (`.md`, `.txt`, `.html`) contribute each fenced `yaml`/`json` block
/// whose top level has an `openapi` key; a page with none (a rendered page
/// kept for reference) contributes nothing. `.yaml`, `.yml` and `.json`
/// files are whole documents.
pub fn read_family(root: &Path, dir: &Path) -> Result<Vec<SourceDoc>> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .with_context(|| format!("reading {}", dir.display()))?
        .map(|e| e.map(|e| e.path()))
        .collect::<std::io::Result<_>>()?;
    files.sort();
    let mut docs = Vec::new();
    for path in files.into_iter().filter(|p| p.is_file()) {
        let shown = path
            .strip_prefix(root)
            .unwrap_or(&path)
            .display()
            .to_string();
        let text = std::fs::read_to_string(&path).with_context(|| format!("reading {shown}"))?;
        match path.extension().and_then(|e| e.to_str()) {
            Some("yaml" | "yml" | "json") => {
                let doc = parse_document(&text).with_context(|| format!("parsing {shown}"))?;
                if doc.get("openapi").is_none() {
                    bail!("{shown} is not an OpenAPI document (no `openapi` key)");
                }
                docs.push(SourceDoc { origin: shown, doc });
            }
            _ => {
                for (index, block) in fenced_blocks(&text).into_iter().enumerate() {
                    let origin = format!("{shown}#block {}", index + 1);
                    let Ok(doc) = parse_document(&block) else {
                        continue;
                    };
                    if doc.get("openapi").is_some() {
                        docs.push(SourceDoc { origin, doc });
                    }
                }
            }
        }
    }
    Ok(docs)
}

/// YAML is a superset of JSON, so one parser reads both.
pub fn parse_document(text: &str) -> Result<Value> {
    let value: Value = serde_yaml::from_str(text)?;
    Ok(value)
}

/// The bodies of fenced code blocks whose info string starts with `yaml`,
/// `yml` or `json`, as a CommonMark parser reads the page (a block left
/// open runs to the end of the page).
pub fn fenced_blocks(text: &str) -> Vec<String> {
    use pulldown_cmark::{CodeBlockKind, Event, Parser, Tag, TagEnd};
    let mut blocks = Vec::new();
    let mut open: Option<String> = None;
    for event in Parser::new(text) {
        match event {
            Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(info))) => {
                let info = info.trim().to_ascii_lowercase();
                if ["yaml", "yml", "json"].iter().any(|k| info.starts_with(k)) {
                    open = Some(String::new());
                }
            }
            Event::Text(text) => {
                if let Some(body) = &mut open {
                    body.push_str(&text);
                }
            }
            Event::End(TagEnd::CodeBlock) => {
                if let Some(body) = open.take() {
                    blocks.push(body.strip_suffix('\n').unwrap_or(&body).to_owned());
                }
            }
            _ => {}
        }
    }
    blocks
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extracts_only_yaml_and_json_blocks() {
        let page = "intro\n````yaml get /x\nopenapi: 3.0.0\n```\nnot a close\n````\n```bash\ncurl\n```\n~~~json\n{\"a\": 1}\n~~~\n";
        let blocks = fenced_blocks(page);
        assert_eq!(
            blocks,
            vec![
                "openapi: 3.0.0\n```\nnot a close".to_string(),
                "{\"a\": 1}".into()
            ]
        );
    }

    #[test]
    fn an_unclosed_block_runs_to_the_end_of_the_page() {
        assert_eq!(
            fenced_blocks("```yaml\nopenapi: 3.0.0\n"),
            vec!["openapi: 3.0.0".to_string()]
        );
    }

    #[test]
    fn blocks_inside_components_and_lists_are_found() {
        let page = "<Accordion title=\"A\">\n\n```json\n{}\n```\n\n</Accordion>\n\n- item\n\n  ```yaml\n  a: 1\n  ```\n";
        assert_eq!(fenced_blocks(page), vec!["{}".to_string(), "a: 1".into()]);
    }
}

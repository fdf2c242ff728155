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
/// `yml` or `json`. Fences of three or more backticks or tildes close only
/// on a fence of the same character at least as long, as in CommonMark.
pub fn fenced_blocks(text: &str) -> Vec<String> {
    let mut blocks = Vec::new();
    let mut open: Option<(char, usize, bool, Vec<&str>)> = None;
    for line in text.lines() {
        let trimmed = line.trim_start();
        let fence_char = trimmed.chars().next().filter(|c| *c == '`' || *c == '~');
        let fence_len = fence_char.map_or(0, |c| trimmed.chars().take_while(|x| *x == c).count());
        match &mut open {
            None => {
                if let Some(c) = fence_char.filter(|_| fence_len >= 3) {
                    let info = trimmed[fence_len..].trim().to_ascii_lowercase();
                    let wanted = ["yaml", "yml", "json"].iter().any(|k| info.starts_with(k));
                    open = Some((c, fence_len, wanted, Vec::new()));
                }
            }
            Some((c, len, wanted, body)) => {
                let closes = fence_char == Some(*c)
                    && fence_len >= *len
                    && trimmed[fence_len..].trim().is_empty();
                if closes {
                    if *wanted {
                        blocks.push(body.join("\n"));
                    }
                    open = None;
                } else {
                    body.push(line);
                }
            }
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
    fn unclosed_block_is_ignored() {
        assert!(fenced_blocks("```yaml\nopenapi: 3.0.0\n").is_empty());
    }
}

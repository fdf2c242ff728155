//! `specs/manifest.toml`: where every vendored file comes from.

use anyhow::{Context, Result, bail};
use serde::Deserialize;
use std::path::Path;

pub const PATH: &str = "specs/manifest.toml";

/// What a vendored file is, and so what fetching it must find.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// A page that embeds an OpenAPI block.
    Openapi,
    /// A status reference page (status headings around sub-status tables).
    Status,
    /// A page read by people only.
    Reference,
    /// A whole OpenAPI document that is not fetched.
    Document,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Openapi => "openapi",
            Kind::Status => "status",
            Kind::Reference => "reference",
            Kind::Document => "document",
        }
    }
}

/// One vendored file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Page {
    /// Relative to the workspace root.
    pub path: String,
    /// Where it is published; `None` for a document kept by hand.
    pub url: Option<String>,
    pub kind: Kind,
    #[serde(default)]
    pub note: Option<String>,
    /// Published but not vendored yet (the first `update-specs` that can
    /// reach Cashfree writes it); a hand-written document stands in.
    #[serde(default)]
    pub pending: bool,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    #[serde(rename = "page")]
    pub pages: Vec<Page>,
}

impl Manifest {
    pub fn read(root: &Path) -> Result<Self> {
        let text =
            std::fs::read_to_string(root.join(PATH)).with_context(|| format!("reading {PATH}"))?;
        let manifest: Manifest =
            toml::from_str(&text).with_context(|| format!("parsing {PATH}"))?;
        for page in &manifest.pages {
            if page.url.is_none() && page.kind != Kind::Document {
                bail!("{PATH}: {} has no url", page.path);
            }
            let vendored = root.join(&page.path).is_file();
            if !vendored && !page.pending {
                bail!("{PATH}: {} does not exist", page.path);
            }
            if vendored && page.pending {
                bail!(
                    "{PATH}: {} is vendored now: drop its `pending = true`, and retire the hand-written document that stood in for it",
                    page.path
                );
            }
            if page.pending && page.url.is_none() {
                bail!(
                    "{PATH}: {} is pending but has no url to fetch it from",
                    page.path
                );
            }
        }
        Ok(manifest)
    }

    /// The pages that are fetched.
    pub fn fetched(&self) -> impl Iterator<Item = (&Page, &str)> {
        self.pages
            .iter()
            .filter_map(|p| p.url.as_deref().map(|u| (p, u)))
    }

    /// The status reference pages.
    pub fn status_pages(&self) -> impl Iterator<Item = &Page> {
        self.pages.iter().filter(|p| p.kind == Kind::Status)
    }
}

/// Adds a page to the manifest file, keeping everything already in it.
pub fn append(root: &Path, path: &str, url: &str, kind: Kind) -> Result<()> {
    let file = root.join(PATH);
    let mut text = std::fs::read_to_string(&file).with_context(|| format!("reading {PATH}"))?;
    if !text.ends_with('\n') {
        text.push('\n');
    }
    text.push_str(&format!(
        "\n[[page]]\npath = {}\nurl = {}\nkind = \"{}\"\n",
        toml_string(path),
        toml_string(url),
        kind.as_str()
    ));
    std::fs::write(&file, text).with_context(|| format!("writing {PATH}"))
}

fn toml_string(s: &str) -> String {
    toml::Value::String(s.to_owned()).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_workspace_manifest_reads_and_names_every_vendored_file() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
        let manifest = Manifest::read(root).unwrap();
        let mut listed: Vec<&str> = manifest
            .pages
            .iter()
            .filter(|p| !p.pending)
            .map(|p| p.path.as_str())
            .collect();
        listed.sort();
        let mut vendored = Vec::new();
        for entry in walk(&root.join("specs/sources")) {
            vendored.push(entry.strip_prefix(root).unwrap().display().to_string());
        }
        vendored.sort();
        assert_eq!(
            listed, vendored,
            "every file under specs/sources/ is in the manifest"
        );
    }

    fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
        let mut out = Vec::new();
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                out.extend(walk(&path));
            } else {
                out.push(path);
            }
        }
        out
    }
}

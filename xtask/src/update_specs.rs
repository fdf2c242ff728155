//! `cargo xtask update-specs`: fetches every vendored page from where the
//! manifest says it comes from, all or nothing, and reports Video KYC
//! pages Cashfree publishes that are not vendored.

use crate::fetch::Fetcher;
use crate::manifest::{self, Kind, Manifest, Page};
use crate::{sources, status_pages};
use anyhow::{Context, Result, bail};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Cashfree's index of every docs page, one Markdown link each.
pub const INDEX: &str = "https://www.cashfree.com/docs/llms.txt";

/// Where Cashfree keeps the Video KYC pages of each family: a page under
/// one of these that is not vendored is reported.
const SECTIONS: &[&str] = &[
    "/docs/api-reference/vrs/v2/video-kyc/",
    "/docs/api-reference/prepaid-payment-instruments/kyc-verification/",
];

pub struct Options {
    pub from: Option<String>,
    pub timeout: Duration,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            from: None,
            timeout: Duration::from_secs(20),
        }
    }
}

/// What a run found.
#[derive(Debug, Default)]
pub struct Report {
    /// Files written (or, with `--check`, that differ upstream).
    pub changed: Vec<String>,
    /// Video KYC pages in the index that are not vendored.
    pub unvendored: Vec<String>,
    pub warnings: Vec<String>,
}

/// `path url` for every vendored file (a document kept by hand has no url).
pub fn list(root: &Path) -> Result<Vec<String>> {
    Ok(Manifest::read(root)?
        .pages
        .iter()
        .map(|p| format!("{} {}", p.path, p.url.as_deref().unwrap_or("-")))
        .collect())
}

/// Why a fetched page cannot be vendored as `kind`, if it cannot.
fn unfit(kind: Kind, text: &str) -> Option<&'static str> {
    match kind {
        Kind::Openapi => {
            let has_block = sources::fenced_blocks(text).iter().any(|block| {
                sources::parse_document(block).is_ok_and(|doc| doc.get("openapi").is_some())
            });
            (!has_block).then_some("the page no longer embeds an OpenAPI block")
        }
        Kind::Status => status_pages::parse(text).is_empty().then_some(
            "the page no longer has a status table (a status heading over a sub-status table)",
        ),
        Kind::Reference | Kind::Document => None,
    }
}

fn progress(line: &str) {
    if std::io::stderr().is_terminal() {
        eprintln!("{line}");
    }
}

/// Fetches every page; the texts, or every failure named. A page fails
/// when it loses what its vendored copy has (its OpenAPI block, its status
/// tables): a copy vendored before it had them is not held to them.
fn fetch_all<'m>(
    root: &Path,
    manifest: &'m Manifest,
    fetcher: &Fetcher,
) -> Result<Vec<(&'m Page, String)>> {
    let mut fetched = Vec::new();
    let mut failures = Vec::new();
    for (page, url) in manifest.fetched() {
        let vendored = std::fs::read_to_string(root.join(&page.path)).unwrap_or_default();
        let held_to = unfit(page.kind, &vendored).is_none();
        match fetcher.get(url) {
            Ok(text) => match unfit(page.kind, &text).filter(|_| held_to) {
                Some(reason) => failures.push(format!("{} ({url}): {reason}", page.path)),
                None => {
                    progress(&format!("fetched {}", page.path));
                    fetched.push((page, text));
                }
            },
            // A page not vendored yet is not held to anything: until it
            // can be fetched, its hand-written stand-in serves.
            Err(reason) if page.pending => {
                progress(&format!(
                    "not yet vendored, not reachable: {} ({reason})",
                    page.path
                ));
            }
            Err(reason) => failures.push(format!("{} ({url}): {reason}", page.path)),
        }
    }
    if !failures.is_empty() {
        bail!(
            "{} of {} pages could not be fetched; nothing was written:\n  {}",
            failures.len(),
            manifest.fetched().count(),
            failures.join("\n  ")
        );
    }
    Ok(fetched)
}

fn differs(root: &Path, path: &str, text: &str) -> bool {
    std::fs::read_to_string(root.join(path))
        .map(|current| current.replace("\r\n", "\n"))
        .ok()
        .as_deref()
        != Some(text)
}

/// Fetches every page and writes the ones that changed; writes nothing if
/// any page fails.
pub fn update(root: &Path, options: &Options) -> Result<Report> {
    let manifest = Manifest::read(root)?;
    let fetcher = Fetcher::new(options.timeout, options.from.as_deref())?;
    let fetched = fetch_all(root, &manifest, &fetcher)?;
    let mut report = Report::default();
    for (page, text) in fetched {
        if differs(root, &page.path, &text) {
            std::fs::write(root.join(&page.path), &text)?;
            report.changed.push(page.path.clone());
        }
    }
    discover(&manifest, &fetcher, &mut report);
    Ok(report)
}

/// Fetches every page and lists the ones that differ upstream; writes nothing.
pub fn check(root: &Path, options: &Options) -> Result<Report> {
    let manifest = Manifest::read(root)?;
    let fetcher = Fetcher::new(options.timeout, options.from.as_deref())?;
    let mut report = Report::default();
    for (page, text) in fetch_all(root, &manifest, &fetcher)? {
        if differs(root, &page.path, &text) {
            report.changed.push(page.path.clone());
        }
    }
    discover(&manifest, &fetcher, &mut report);
    Ok(report)
}

/// The family folder and file name a page's URL suggests.
fn default_path(url: &str) -> Option<String> {
    let name = url.trim_end_matches('/').rsplit('/').next()?;
    let name = name.strip_suffix(".md").unwrap_or(name);
    let family = if url.contains(SECTIONS[0]) {
        "verification-suite"
    } else if url.contains(SECTIONS[1]) {
        "ppi"
    } else {
        return None;
    };
    Some(format!("specs/sources/{family}/{name}.md"))
}

/// Vendors a page that is not vendored yet: fetches it (with every check),
/// writes it, and adds it to the manifest with the kind its content shows.
pub fn add(root: &Path, url: &str, path: Option<&str>, options: &Options) -> Result<Report> {
    let manifest = Manifest::read(root)?;
    if let Some(existing) = manifest
        .pages
        .iter()
        .find(|p| p.url.as_deref().is_some_and(|u| same_page(u, url)))
    {
        bail!("{url} is vendored already, as {}", existing.path);
    }
    let path = match path {
        Some(p) => p.to_owned(),
        None => default_path(url).ok_or_else(|| {
            anyhow::anyhow!(
                "{url} is outside the Video KYC sections; give the path to vendor it at"
            )
        })?,
    };
    if root.join(&path).exists() {
        bail!("{path} exists already");
    }
    let fetcher = Fetcher::new(options.timeout, options.from.as_deref())?;
    let text = fetcher
        .get(url)
        .map_err(|reason| anyhow::anyhow!("{url}: {reason}"))?;
    let kind = if unfit(Kind::Openapi, &text).is_none() {
        Kind::Openapi
    } else if unfit(Kind::Status, &text).is_none() {
        Kind::Status
    } else {
        Kind::Reference
    };
    let file = root.join(&path);
    if let Some(parent) = file.parent() {
        std::fs::create_dir_all(parent)?;
    }
    std::fs::write(&file, &text)?;
    manifest::append(root, &path, url, kind)?;
    progress(&format!("vendored {path} ({})", kind.as_str()));
    Ok(Report {
        changed: vec![path],
        ..Report::default()
    })
}

/// A URL without `.md`, a trailing `/`, a query or a fragment.
fn page_key(url: &str) -> String {
    let url = url
        .split(['?', '#'])
        .next()
        .unwrap_or(url)
        .trim_end_matches('/');
    let url = url.strip_suffix(".md").unwrap_or(url);
    // Scheme and host do not matter (a mirror serves the same pages).
    url.split_once("://")
        .and_then(|(_, rest)| rest.split_once('/'))
        .map_or_else(|| url.to_owned(), |(_, path)| format!("/{path}"))
}

fn same_page(a: &str, b: &str) -> bool {
    page_key(a) == page_key(b)
}

/// Reads Cashfree's index and notes the Video KYC pages not vendored. A
/// missing index is a warning: the pages themselves were checked.
fn discover(manifest: &Manifest, fetcher: &Fetcher, report: &mut Report) {
    let index = match fetcher.get(INDEX) {
        Ok(index) => index,
        Err(reason) => {
            report.warnings.push(format!(
                "the docs index {INDEX} could not be read: {reason}"
            ));
            return;
        }
    };
    let vendored: Vec<String> = manifest.fetched().map(|(_, u)| page_key(u)).collect();
    let mut seen = Vec::new();
    for event in pulldown_cmark::Parser::new(&index) {
        if let pulldown_cmark::Event::Start(pulldown_cmark::Tag::Link { dest_url, .. }) = event {
            let key = page_key(&dest_url);
            if SECTIONS
                .iter()
                .any(|s| key.starts_with(s) && key.len() > s.len())
                && !vendored.contains(&key)
                && !seen.contains(&key)
            {
                seen.push(key);
                report.unvendored.push(dest_url.to_string());
            }
        }
    }
}

/// Writes every vendored page under `dir` at its URL's path, and a docs
/// index naming them, so that any static file server over `dir` is a
/// mirror `--from` reads (`python3 -m http.server -d DIR`). Pages not
/// vendored yet (pending) have no copy to export. Returns the files
/// written.
pub fn export_mirror(root: &Path, dir: &Path) -> Result<Vec<PathBuf>> {
    let manifest = Manifest::read(root)?;
    let mut written = Vec::new();
    let mut index = String::from("# Cashfree docs (a mirror of the vendored pages)\n\n");
    let mut write = |url: &str, text: &str| -> Result<()> {
        let path = reqwest::Url::parse(url)
            .with_context(|| format!("{url} is not a URL"))?
            .path()
            .trim_start_matches('/')
            .to_owned();
        let file = dir.join(&path);
        if let Some(parent) = file.parent() {
            std::fs::create_dir_all(parent)
                .with_context(|| format!("creating {}", parent.display()))?;
        }
        std::fs::write(&file, text).with_context(|| format!("writing {}", file.display()))?;
        written.push(file);
        Ok(())
    };
    for (page, url) in manifest.fetched().filter(|(page, _)| !page.pending) {
        let text = std::fs::read_to_string(root.join(&page.path))
            .with_context(|| format!("reading {}", page.path))?;
        write(url, &text)?;
        index.push_str(&format!("- [{}]({url})\n", page.path));
    }
    write(INDEX, &index)?;
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_are_the_same_with_or_without_md_and_host() {
        assert!(same_page(
            "https://www.cashfree.com/docs/api-reference/vrs/v2/video-kyc/initiate-vkyc.md",
            "http://127.0.0.1:9/docs/api-reference/vrs/v2/video-kyc/initiate-vkyc/"
        ));
        assert_eq!(
            default_path(
                "https://www.cashfree.com/docs/api-reference/vrs/v2/video-kyc/vkyc-descriptions.md"
            )
            .as_deref(),
            Some("specs/sources/verification-suite/vkyc-descriptions.md")
        );
        assert_eq!(
            default_path("https://www.cashfree.com/docs/payments/online"),
            None
        );
    }
}

//! `cargo xtask`: the workspace's build tasks.

use clap::{Parser, Subcommand};
use std::io::Write;
use std::path::Path;
use std::process::ExitCode;
use std::time::{Duration, Instant};
use xtask::{codegen, spec_pr, surface_diff, update_specs};

#[derive(Parser)]
#[command(
    name = "cargo xtask",
    about = "The cashfree-vkyc workspace's build tasks"
)]
struct Cli {
    #[command(subcommand)]
    task: Task,
}

#[derive(Subcommand)]
enum Task {
    /// Regenerate specs/openapi/*.json and the generated Rust files from specs/.
    Codegen {
        /// Regenerate in memory; exit 1 with a diff if a checked-in file is stale.
        #[arg(long)]
        check: bool,
    },
    /// Fetch every vendored page from Cashfree (all or nothing), and report
    /// Video KYC pages that are published but not vendored.
    UpdateSpecs {
        /// Print `path url` for every vendored file.
        #[arg(long, conflicts_with_all = ["check", "add"])]
        list: bool,
        /// Write every vendored page under DIR at its URL's path, with a
        /// docs index: a mirror that `--from` reads through any static
        /// file server (`python3 -m http.server -d DIR`).
        #[arg(long, value_name = "DIR", conflicts_with_all = ["list", "check", "add", "from"])]
        export_mirror: Option<std::path::PathBuf>,
        /// Fetch and compare without writing: exit 1 listing the pages that differ upstream.
        #[arg(long, conflicts_with = "add")]
        check: bool,
        /// Vendor a page that is not vendored yet: URL, and the path to keep it at
        /// (by default, its family's folder and its name).
        #[arg(long, num_args = 1..=2, value_names = ["URL", "PATH"])]
        add: Option<Vec<String>>,
        /// Fetch from this scheme://host[:port] instead (a mirror, a local server); paths are kept.
        #[arg(long)]
        from: Option<String>,
        /// Seconds to wait for each page.
        #[arg(long, default_value_t = 20)]
        timeout: u64,
    },
    /// Fetch the pages, regenerate, and write the pull request's body: the
    /// changes with a verdict per crate, or what asks for an overlay when
    /// codegen refuses the pages. Prints `outcome: unchanged|regenerated|needs-overlay`.
    SpecPr {
        /// Fetch from this scheme://host[:port] instead (a mirror).
        #[arg(long)]
        from: Option<String>,
        /// Where to write the body.
        #[arg(long)]
        out: std::path::PathBuf,
        /// The revision to compare with.
        #[arg(long, default_value = "HEAD")]
        base: String,
    },
    /// List every change since a git revision by operation, with the Rust
    /// items it touches, a verdict per published crate and what follows,
    /// as Markdown for a pull request.
    SurfaceDiff {
        /// The revision to compare with.
        #[arg(long, default_value = "HEAD")]
        base: String,
        /// Also add the changes to `## Unreleased` in CHANGELOG.md.
        #[arg(long)]
        changelog: bool,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let root = match codegen::workspace_root() {
        Ok(root) => root,
        Err(e) => {
            eprintln!("error: {e:#}");
            return ExitCode::from(2);
        }
    };
    match run(&root, cli.task) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn run(root: &Path, task: Task) -> anyhow::Result<ExitCode> {
    let started = Instant::now();
    match task {
        Task::Codegen { check: false } => {
            let written = codegen::write(root)?;
            for path in &written {
                println!("wrote {}", path.display());
            }
            println!(
                "codegen: {} file(s) changed in {:.2?}",
                written.len(),
                started.elapsed()
            );
        }
        Task::Codegen { check: true } => {
            let report = codegen::stale(root)?;
            if !report.is_empty() {
                // A closed pipe (`| head`) is not an error worth a panic.
                let _ = std::io::stdout().write_all(report.as_bytes());
                eprintln!(
                    "codegen: checked-in files are stale; run `cargo xtask codegen` and commit the result"
                );
                return Ok(ExitCode::FAILURE);
            }
            println!("codegen: up to date ({:.2?})", started.elapsed());
        }
        Task::UpdateSpecs {
            export_mirror: Some(dir),
            ..
        } => {
            let written = update_specs::export_mirror(root, &dir)?;
            println!(
                "update-specs: {} file(s) under {}; serve it and pass --from",
                written.len(),
                dir.display()
            );
        }
        Task::UpdateSpecs { list: true, .. } => {
            for line in update_specs::list(root)? {
                println!("{line}");
            }
        }
        Task::UpdateSpecs {
            check,
            add,
            from,
            timeout,
            ..
        } => {
            let options = update_specs::Options {
                from,
                timeout: Duration::from_secs(timeout.max(1)),
            };
            let report = match (&add, check) {
                (Some(add), _) => {
                    update_specs::add(root, &add[0], add.get(1).map(String::as_str), &options)?
                }
                (None, true) => update_specs::check(root, &options)?,
                (None, false) => update_specs::update(root, &options)?,
            };
            for warning in &report.warnings {
                eprintln!("warning: {warning}");
            }
            for url in &report.unvendored {
                println!("published but not vendored: {url}");
            }
            if check {
                for path in &report.changed {
                    println!("differs upstream: {path}");
                }
                if !report.changed.is_empty() {
                    return Ok(ExitCode::FAILURE);
                }
                println!(
                    "update-specs: every vendored page matches ({:.2?})",
                    started.elapsed()
                );
            } else {
                for path in &report.changed {
                    println!("wrote {path}");
                }
                println!(
                    "update-specs: {} file(s) changed in {:.2?}",
                    report.changed.len(),
                    started.elapsed()
                );
            }
        }
        Task::SpecPr { from, out, base } => {
            let options = update_specs::Options {
                from,
                ..update_specs::Options::default()
            };
            let (outcome, body) = spec_pr::run(root, &options, &base)?;
            std::fs::write(&out, body)?;
            println!("outcome: {}", outcome.as_str());
        }
        Task::SurfaceDiff { base, changelog } => {
            let changes = surface_diff::diff(root, &base)?;
            print!("{}", surface_diff::pull_request(root, &base, &changes)?);
            if changelog && !changes.is_empty() {
                surface_diff::write_changelog(root, &changes)?;
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

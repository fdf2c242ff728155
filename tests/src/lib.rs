//! Helpers for the workspace tests: reading the generated code's public
//! surface and the normalized specs' documented examples.

pub mod bench;
pub mod canned;
pub mod examples;
pub mod feed;
pub mod logs;
pub mod paused;
pub mod redis_server;

/// The generated surface's reading lives with the xtask, which diffs it.
pub use xtask::surface;

use std::path::PathBuf;

/// The workspace root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ is in the workspace")
        .to_path_buf()
}

/// The client secret the tests use (so that they can check it never leaks).
pub const SECRET: &str = "cfsk_ma_test_9f8e7d6c5b4a";

/// The settings every test client starts from: the test credentials,
/// `base_url`, and retries that wait milliseconds, not seconds. A test
/// adds what it is about (a budget, no retries, its own HTTP client).
pub fn client_builder(base_url: &str) -> cashfree_vkyc::ClientBuilder {
    cashfree_vkyc::Client::builder("CF_TEST_ID", SECRET)
        .base_url(base_url)
        .retry_policy(
            cashfree_vkyc::RetryPolicy::default()
                .initial_delay(std::time::Duration::from_millis(1))
                .max_delay(std::time::Duration::from_millis(5)),
        )
}

/// [`client_builder`], built.
pub fn fast_client(base_url: &str) -> cashfree_vkyc::Client {
    client_builder(base_url)
        .build()
        .expect("a client for a local server")
}

/// A copy of everything the spec pipeline reads and writes, in a fresh
/// folder named after `tag`, committed to a git repository of its own (so
/// that `git status` and `surface-diff` can be asked about it).
pub fn copy_of_workspace(tag: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("cashfree-vkyc-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    for sub in [
        "specs",
        "crates/cashfree-vkyc-raw/src/generated",
        // What the pull request's "what follows" reads: the facade's
        // modeled fields and generated status enum, the sandbox's sources.
        "crates/cashfree-vkyc/src",
        "crates/cashfree-vkyc-sandbox/spec",
        "crates/cashfree-vkyc-sandbox/src",
    ] {
        copy_dir(&root().join(sub), &dir.join(sub));
    }
    let git = |args: &[&str]| {
        let status = std::process::Command::new("git")
            .arg("-C")
            .arg(&dir)
            .args([
                "-c",
                "user.name=t",
                "-c",
                "user.email=t@t",
                "-c",
                "commit.gpgsign=false",
            ])
            .args(args)
            .output()
            .expect("git runs");
        assert!(
            status.status.success(),
            "git {args:?}: {}",
            String::from_utf8_lossy(&status.stderr)
        );
    };
    git(&["init", "-q"]);
    git(&["add", "-A"]);
    git(&["commit", "-q", "-m", "base"]);
    dir
}

/// `git status --porcelain` of a folder of a copy.
pub fn git_status(dir: &std::path::Path, of: &str) -> String {
    let out = std::process::Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(["status", "--porcelain", of])
        .output()
        .expect("git runs");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn copy_dir(from: &std::path::Path, to: &std::path::Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

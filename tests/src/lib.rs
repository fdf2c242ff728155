//! Helpers for the workspace tests: reading the generated code's public
//! surface and the normalized specs' documented examples.

pub mod bench;
pub mod canned;
pub mod examples;
pub mod logs;
pub mod surface;

use std::path::PathBuf;

/// The workspace root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ is in the workspace")
        .to_path_buf()
}

//! The workspace's build tasks, as a library so that workspace tests can run
//! the same freshness check as `cargo xtask codegen --check`.

pub mod changelog;
pub mod codegen;
pub mod fetch;
pub mod generate;
pub mod manifest;
pub mod merge;
pub mod openapi;
pub mod overlay;
pub mod sources;
pub mod spec_pr;
pub mod status_codes;
pub mod status_pages;
pub mod surface;
pub mod surface_diff;
pub mod update_specs;
pub mod validate;

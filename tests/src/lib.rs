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

/// The client secret the tests use (so that they can check it never leaks).
pub const SECRET: &str = "cfsk_ma_test_9f8e7d6c5b4a";

/// A client for `base_url` whose retries wait milliseconds, not seconds.
pub fn fast_client(base_url: &str) -> cashfree_vkyc::Client {
    cashfree_vkyc::Client::builder("CF_TEST_ID", SECRET)
        .base_url(base_url)
        .retry_policy(
            cashfree_vkyc::RetryPolicy::default()
                .initial_delay(std::time::Duration::from_millis(1))
                .max_delay(std::time::Duration::from_millis(5)),
        )
        .build()
        .expect("a client for a local server")
}

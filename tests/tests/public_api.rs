//! Pins the facade's public API: every public item, signature and trait
//! implementation, as `public-api` reads it from rustdoc's JSON. Any change
//! shows in review as a snapshot diff, and a breaking one is also caught by
//! `cargo semver-checks` against the released baseline.

use workspace_tests::root;

#[test]
fn the_facades_public_api() {
    let target = root().join("target/public-api");
    // rustdoc's JSON output is unstable; RUSTC_BOOTSTRAP lets the stable
    // toolchain write it. Its own target folder keeps it from waiting on
    // the lock of the build that runs this test.
    let status = std::process::Command::new(env!("CARGO"))
        .current_dir(root())
        .env("RUSTC_BOOTSTRAP", "1")
        .env("CARGO_TARGET_DIR", &target)
        .args([
            "rustdoc",
            "--quiet",
            "--locked",
            "-p",
            "cashfree-vkyc",
            "--all-features",
            "--",
            "-Z",
            "unstable-options",
            "--output-format",
            "json",
        ])
        .status()
        .expect("cargo runs");
    assert!(status.success(), "rustdoc JSON for cashfree-vkyc");
    let api = public_api::Builder::from_rustdoc_json(target.join("doc/cashfree_vkyc.json"))
        .omit_blanket_impls(true)
        .omit_auto_trait_impls(true)
        .build()
        .expect("the rustdoc JSON reads");
    insta::assert_snapshot!(api.to_string());
}

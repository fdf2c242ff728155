//! `cargo test` fails when a checked-in generated file no longer matches
//! what `cargo xtask codegen` would write from `specs/`.

#[test]
fn generated_files_are_fresh() {
    let report =
        xtask::codegen::stale(&workspace_tests::root()).expect("the codegen pipeline runs");
    assert!(
        report.is_empty(),
        "generated files are stale; run `cargo xtask codegen` and commit the result:\n{report}"
    );
}

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

#[test]
fn a_changed_source_or_overlay_is_reported_with_a_diff() {
    let dir = workspace_tests::copy_of_workspace("freshness");
    assert!(
        xtask::codegen::stale(&dir).unwrap().is_empty(),
        "the copy starts fresh"
    );

    let page = dir.join("specs/sources/ppi/vkyc.openapi.yaml");
    let text = std::fs::read_to_string(&page).unwrap();
    std::fs::write(
        &page,
        text.replace("example: USER827364", "example: USER000001"),
    )
    .unwrap();
    let report = xtask::codegen::stale(&dir).unwrap();
    assert!(
        report.contains("+++ b/specs/openapi/ppi.json")
            && report.contains("+            \"example\": \"USER000001\""),
        "{report}"
    );
    std::fs::write(&page, text).unwrap();

    let overlay =
        dir.join("specs/overlays/verification-suite/02-identifiers-integer-or-string.yaml");
    let text = std::fs::read_to_string(&overlay).unwrap();
    std::fs::write(
        &overlay,
        text.replace(
            "          - type: string\n",
            "          - type: string\n          - type: boolean\n",
        ),
    )
    .unwrap();
    let report = xtask::codegen::stale(&dir).unwrap();
    assert!(
        report.contains("+++ b/crates/cashfree-vkyc-raw/src/generated/verification_suite.rs"),
        "{report}"
    );
    assert!(report.contains("Boolean(bool)"), "{report}");

    // A fix that stops applying to one schema: the contradiction it fixed
    // comes back, named by example and schema.
    std::fs::write(
        &overlay,
        text.replace("VKYCLinkResponseSchema']", "RenamedSchema']"),
    )
    .unwrap();
    let err = xtask::codegen::stale(&dir).unwrap_err().to_string();
    assert!(
        err.contains("examples/Success/value at `/user_reference_id`: integer 11174, but the schema expects string")
            && err.contains("(schema /components/schemas/VKYCLinkResponseSchema/properties/user_reference_id)"),
        "{err}"
    );
    std::fs::write(&overlay, text).unwrap();

    // A fix whose target is gone is an error, not a silent no-op.
    let defaults = dir.join("specs/overlays/verification-suite/01-no-made-up-defaults.yaml");
    let text = std::fs::read_to_string(&defaults).unwrap();
    std::fs::write(
        &defaults,
        text.replace("schemas.VKYCLinkRequestSchema.", "schemas.RenamedRequest."),
    )
    .unwrap();
    let err = xtask::codegen::stale(&dir).unwrap_err().to_string();
    assert!(
        err.contains("selects nothing") && err.contains("01-no-made-up-defaults.yaml"),
        "{err}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

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

/// A copy of the inputs and outputs the pipeline reads and writes.
fn copy_of_workspace() -> std::path::PathBuf {
    let root = workspace_tests::root();
    let dir = std::env::temp_dir().join(format!("cashfree-vkyc-freshness-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    for sub in [
        "specs",
        "crates/cashfree-vkyc-raw/src/generated",
        "crates/cashfree-vkyc/src/status",
        "crates/cashfree-vkyc-sandbox/spec",
    ] {
        copy_dir(&root.join(sub), &dir.join(sub));
    }
    dir
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

#[test]
fn a_changed_source_or_overlay_is_reported_with_a_diff() {
    let dir = copy_of_workspace();
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

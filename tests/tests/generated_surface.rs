//! Pins the public surface of the generated raw client, one snapshot per
//! API family. A change to Cashfree's documents shows up here as a readable
//! diff; `cargo insta review` accepts it.

use workspace_tests::{root, surface};

fn surface_of(module: &str) -> String {
    let path = root().join(format!(
        "crates/cashfree-vkyc-raw/src/generated/{module}.rs"
    ));
    surface::describe(&std::fs::read_to_string(path).expect("generated file exists"))
}

#[test]
fn verification_suite_surface() {
    insta::assert_snapshot!(surface_of("verification_suite"));
}

#[test]
fn ppi_surface() {
    insta::assert_snapshot!(surface_of("ppi"));
}

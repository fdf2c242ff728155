//! Every request and response example documented in the normalized specs
//! decodes into the generated types and re-encodes without losing a field.

use cashfree_vkyc_raw::{ppi, verification_suite as vs};
use serde::{Serialize, de::DeserializeOwned};
use serde_json::Value;
use workspace_tests::{examples, root};

fn round_trip<T: DeserializeOwned + Serialize>(value: &Value) -> Result<Value, String> {
    let typed: T =
        serde_json::from_value(value.clone()).map_err(|e| format!("does not decode: {e}"))?;
    serde_json::to_value(&typed).map_err(|e| format!("does not encode: {e}"))
}

/// The generated type for each component schema used by a request or
/// response. An example whose schema is missing here fails the test, so a
/// new endpoint cannot slip through undecoded.
fn decode(family: &str, schema: &str, value: &Value) -> Result<Value, String> {
    match (family, schema) {
        ("verification-suite", "VKYCLinkRequestSchema") => {
            round_trip::<vs::types::VkycLinkRequestSchema>(value)
        }
        ("verification-suite", "VKYCLinkResponseSchema") => {
            round_trip::<vs::types::VkycLinkResponseSchema>(value)
        }
        ("verification-suite", "GetVKYCLinkResponseSchema") => {
            round_trip::<vs::types::GetVkycLinkResponseSchema>(value)
        }
        ("verification-suite", "ErrorResponseSchema") => {
            round_trip::<vs::types::ErrorResponseSchema>(value)
        }
        ("verification-suite", "AddUserRequestSchema") => {
            round_trip::<vs::types::AddUserRequestSchema>(value)
        }
        ("verification-suite", "UpdateUserRequestSchema") => {
            round_trip::<vs::types::UpdateUserRequestSchema>(value)
        }
        ("verification-suite", "UserResponseSchema") => {
            round_trip::<vs::types::UserResponseSchema>(value)
        }
        ("verification-suite", "CreateAuthRequestSchema") => {
            round_trip::<vs::types::CreateAuthRequestSchema>(value)
        }
        ("verification-suite", "AuthResponseSchema") => {
            round_trip::<vs::types::AuthResponseSchema>(value)
        }
        ("ppi", "PpiVkycInitiateRequest") => {
            round_trip::<ppi::types::PpiVkycInitiateRequest>(value)
        }
        ("ppi", "PpiVkycStatusRequest") => round_trip::<ppi::types::PpiVkycStatusRequest>(value),
        ("ppi", "PpiVkycResponse") => round_trip::<ppi::types::PpiVkycResponse>(value),
        ("ppi", "PpiErrorResponse") => round_trip::<ppi::types::PpiErrorResponse>(value),
        _ => Err(format!("no generated type is mapped for schema {schema}")),
    }
}

fn check_family(family: &str) -> usize {
    let path = root().join(format!("specs/openapi/{family}.json"));
    let doc: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let all = examples::all(&doc);
    let mut failures = Vec::new();
    for example in &all {
        match decode(family, &example.schema, &example.value) {
            Ok(encoded) if encoded == examples::without_nulls(&example.value) => {}
            Ok(encoded) => failures.push(format!(
                "{} ({}): re-encodes differently:\n  sent    {}\n  encoded {encoded}",
                example.at, example.schema, example.value
            )),
            Err(e) => failures.push(format!("{} ({}): {e}", example.at, example.schema)),
        }
    }
    assert!(
        failures.is_empty(),
        "{family}: {} of {} examples fail:\n{}",
        failures.len(),
        all.len(),
        failures.join("\n")
    );
    all.len()
}

#[test]
fn verification_suite_examples_round_trip() {
    let n = check_family("verification-suite");
    // 2 success responses, 2 request bodies and the error examples.
    assert!(n >= 20, "only {n} examples found");
}

#[test]
fn ppi_examples_round_trip() {
    let n = check_family("ppi");
    assert!(n >= 10, "only {n} examples found");
}

#[test]
fn both_documented_success_examples_decode() {
    let doc: Value = serde_json::from_str(
        &std::fs::read_to_string(root().join("specs/openapi/verification-suite.json")).unwrap(),
    )
    .unwrap();
    let post = doc.pointer("/components/responses/VKYCLinkResponse/content/application~1json/examples/Success/value").unwrap();
    let get = doc.pointer("/components/responses/GetVKYCLinkResponse/content/application~1json/examples/Success/value").unwrap();
    let post: vs::types::VkycLinkResponseSchema = serde_json::from_value(post.clone()).unwrap();
    let get: vs::types::GetVkycLinkResponseSchema = serde_json::from_value(get.clone()).unwrap();
    assert_eq!(
        post.user_reference_id,
        Some(vs::types::IntegerOrString::Int64(11174))
    );
    assert_eq!(
        get.reference_id,
        Some(vs::types::IntegerOrString::Int64(1358))
    );
    assert_eq!(get.link_expiry.as_deref(), Some("2025-08-03T00:00:00.000Z"));
    let aadhaar = post.aadhaar_details.unwrap();
    assert_eq!(aadhaar.dob.as_deref(), Some("02-02-1995"));
    assert_eq!(
        aadhaar.last_verified_at.as_deref(),
        Some("2025-05-06 15:04:05")
    );
}

/// Cashfree's schemas carried defaults copied from examples
/// (`vkyc_verification_id`, `1358`, `User0123`); the generated types must
/// fill in nothing they were not given.
#[test]
fn generated_types_make_up_no_identifier() {
    let empty = serde_json::from_value::<vs::types::VkycLinkRequestSchema>(serde_json::json!({}));
    assert!(empty.unwrap_err().to_string().contains("verification_id"));
    let minimal: vs::types::VkycLinkRequestSchema =
        serde_json::from_value(serde_json::json!({"verification_id": "v1"})).unwrap();
    assert_eq!(
        serde_json::to_value(&minimal).unwrap(),
        serde_json::json!({"verification_id": "v1"})
    );
    let generated = std::fs::read_to_string(
        root().join("crates/cashfree-vkyc-raw/src/generated/verification_suite.rs"),
    )
    .unwrap();
    for made_up in [
        "\"vkyc_verification_id\"",
        "\"User0123\"",
        "1358",
        "\"vkyc_user_template_v1\"",
    ] {
        assert!(
            !generated.contains(made_up),
            "{made_up} appears in the generated code"
        );
    }
}

/// The typed path (API responses) and the map path (webhooks) give the
/// same view of every documented success body, and of one that uses every
/// leniency (numbers for ids, `""` for absent).
/// Whether a response schema is a verification's (not a user's or a
/// token's).
fn is_verification(schema: &str) -> bool {
    matches!(
        schema,
        "VKYCLinkResponseSchema" | "GetVKYCLinkResponseSchema" | "PpiVkycResponse"
    )
}

#[test]
fn both_ways_of_reading_a_verification_agree() {
    use cashfree_vkyc::{Api, Verification};
    let mut bodies: Vec<(Api, Value)> = Vec::new();
    for (family, api) in [
        ("verification-suite", Api::VerificationSuite),
        ("ppi", Api::Ppi),
    ] {
        let path = root().join(format!("specs/openapi/{family}.json"));
        let doc: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
        bodies.extend(
            examples::all(&doc)
                .into_iter()
                .filter(|e| e.kind == "200" && is_verification(&e.schema))
                .map(|e| (api, e.value)),
        );
    }
    assert_eq!(bodies.len(), 6, "documented verification success examples");
    let awkward = serde_json::json!({"verification_id": "v", "reference_id": "", "cf_verification_id": 77, "user_id": "",
        "user_reference_id": 5, "status": "", "sub_status": "NEW", "link_expiry": "", "recording_link": "",
        "meeting_schedule": "", "agent_remarks": "", "auditor_remarks": ""});
    bodies.push((Api::VerificationSuite, awkward.clone()));
    bodies.push((Api::Ppi, awkward));
    for (api, body) in bodies {
        let typed = Verification::from_response_body(api, body.to_string().as_bytes())
            .unwrap_or_else(|e| panic!("{body}: {e}"));
        let mapped = Verification::from_json(api, body.as_object().unwrap().clone());
        assert_eq!(typed, mapped, "{body}");
    }
}

//! Request validation read from Cashfree's documents: each operation's
//! request body is checked against its schema in the normalized spec
//! (`spec/*.json`, the copies of `specs/openapi/` that `cargo xtask
//! codegen` writes into this crate), with a JSON Schema validator.
//!
//! What the schemas cannot say is stated in [`stated`], each rule with the
//! page it comes from. Nothing here is taken from the SDK.

use crate::model::Operation;
use jsonschema::error::ValidationErrorKind;
use serde_json::{Map, Value};
use std::sync::LazyLock;

/// A request that breaks a rule: Cashfree's `code` and `message`.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Invalid {
    pub code: String,
    pub message: String,
}

impl Invalid {
    pub fn new(code: impl Into<String>, message: impl Into<String>) -> Self {
        Invalid {
            code: code.into(),
            message: message.into(),
        }
    }
}

struct Validators {
    ppi_initiate: jsonschema::Validator,
    ppi_status: jsonschema::Validator,
    ppi_details: jsonschema::Validator,
    vs_initiate: jsonschema::Validator,
    vs_create_user: jsonschema::Validator,
    vs_update_user: jsonschema::Validator,
    vs_sdk_token: jsonschema::Validator,
}

const PPI: &str = include_str!("../spec/ppi.json");
const VERIFICATION_SUITE: &str = include_str!("../spec/verification-suite.json");

/// Follows a local `$ref`, once.
fn resolve<'a>(doc: &'a Value, node: &'a Value) -> &'a Value {
    match node.get("$ref").and_then(Value::as_str) {
        Some(target) => doc
            .pointer(target.trim_start_matches('#'))
            .unwrap_or(&Value::Null),
        None => node,
    }
}

/// The validator of the JSON body of `method path` in `doc`. The schema is
/// checked with the document's components beside it, so its `$ref`s
/// resolve; OpenAPI 3.0 schemas are JSON Schema draft 4 plus a few
/// keywords the validator ignores (`example`, `nullable`).
fn body_validator(doc: &str, path: &str, method: &str) -> jsonschema::Validator {
    let doc: Value = serde_json::from_str(doc).unwrap_or(Value::Null);
    let body = resolve(&doc, &doc["paths"][path][method]["requestBody"]);
    let mut root = body["content"]["application/json"]["schema"].clone();
    if let Value::Object(root) = &mut root {
        root.insert("components".into(), doc["components"].clone());
    }
    jsonschema::options()
        .with_draft(jsonschema::Draft::Draft4)
        .build(&root)
        // The crate's tests build every validator; a broken document would
        // fail them, not a request.
        .unwrap_or_else(|e| panic!("the schema of {method} {path} does not compile: {e}"))
}

static VALIDATORS: LazyLock<Validators> = LazyLock::new(|| Validators {
    ppi_initiate: body_validator(PPI, "/ppi/kyc/vkyc", "post"),
    ppi_status: body_validator(PPI, "/ppi/kyc/vkyc/status", "post"),
    ppi_details: body_validator(PPI, "/ppi/kyc/vkyc/details", "post"),
    vs_initiate: body_validator(VERIFICATION_SUITE, "/vkyc", "post"),
    vs_create_user: body_validator(VERIFICATION_SUITE, "/user", "post"),
    vs_update_user: body_validator(VERIFICATION_SUITE, "/user", "patch"),
    vs_sdk_token: body_validator(VERIFICATION_SUITE, "/oauth/token", "post"),
});

/// Parses and checks the JSON body of `operation`; the first broken rule,
/// in Cashfree's words (`{field}_missing`, `{field}_value_invalid`).
pub(crate) fn check_body(operation: Operation, body: &[u8]) -> Result<Map<String, Value>, Invalid> {
    let Ok(Value::Object(map)) = serde_json::from_slice::<Value>(body) else {
        return Err(Invalid::new(
            "request_body_invalid",
            "the request body is not a JSON object",
        ));
    };
    check(operation, map)
}

/// Checks a body already read as an object, as [`check_body`] does.
pub(crate) fn check(
    operation: Operation,
    map: Map<String, Value>,
) -> Result<Map<String, Value>, Invalid> {
    let validator = match operation {
        Operation::PpiInitiate => &VALIDATORS.ppi_initiate,
        Operation::PpiStatus => &VALIDATORS.ppi_status,
        Operation::PpiDetails => &VALIDATORS.ppi_details,
        Operation::VerificationSuiteInitiate => &VALIDATORS.vs_initiate,
        Operation::VerificationSuiteCreateUser => &VALIDATORS.vs_create_user,
        Operation::VerificationSuiteUpdateUser => &VALIDATORS.vs_update_user,
        Operation::VerificationSuiteSdkToken => &VALIDATORS.vs_sdk_token,
        Operation::VerificationSuiteStatus | Operation::VerificationSuiteGetUser => {
            return Ok(map);
        }
    };
    let value = Value::Object(map);
    let first = validator
        .iter_errors(&value)
        .map(|e| describe(&e))
        .min_by(|a, b| a.0.cmp(&b.0));
    if let Some((_, invalid)) = first {
        return Err(invalid);
    }
    let Value::Object(map) = value else {
        unreachable!("checked above")
    };
    stated::check(operation, &map)?;
    Ok(map)
}

/// A schema error as Cashfree's code, with a rank: missing fields first,
/// then fields in document order.
fn describe(error: &jsonschema::ValidationError<'_>) -> ((u8, String), Invalid) {
    let path = error.instance_path().as_str().to_owned();
    let field = path.trim_start_matches('/').split('/').next().unwrap_or("");
    if let ValidationErrorKind::Required { property } = error.kind()
        && field.is_empty()
    {
        let property = property.as_str().unwrap_or("field");
        return (
            (0, property.to_owned()),
            Invalid::new(
                format!("{property}_missing"),
                format!("{property} is missing in the request."),
            ),
        );
    }
    if field.is_empty() {
        return (
            (1, String::new()),
            Invalid::new("request_body_invalid", "the request body is invalid"),
        );
    }
    (
        (2, path.clone()),
        Invalid::new(
            format!("{field}_value_invalid"),
            format!(
                "{field} is invalid: it breaks the `{}` rule of its schema",
                error.kind().keyword()
            ),
        ),
    )
}

/// The rules Cashfree's pages state in prose, which no schema keyword can
/// carry.
mod stated {
    use super::{Invalid, Map, Operation, Value};

    pub fn check(operation: Operation, body: &Map<String, Value>) -> Result<(), Invalid> {
        if let Some(questions) = body.get("security_questions").and_then(Value::as_array) {
            orders_sequential(questions)?;
        }
        if operation == Operation::VerificationSuiteInitiate {
            user_named(body)?;
            channels(body)?;
        }
        Ok(())
    }

    /// PPI's initiate page: "The order value must be unique across all
    /// entries and sequential starting from 1."
    ///
    /// An order too large for an i64 (JSON reads it as a float, which a
    /// schema may still call an integer) breaks the rule too, rather than
    /// being left out of it.
    fn orders_sequential(questions: &[Value]) -> Result<(), Invalid> {
        let sequential = questions
            .iter()
            .filter_map(|q| q.get("order"))
            .map(Value::as_i64)
            .collect::<Option<Vec<i64>>>()
            .is_some_and(|mut orders| {
                orders.sort_unstable();
                orders.iter().zip(1i64..).all(|(o, want)| *o == want)
            });
        if !sequential {
            return Err(Invalid::new(
                "security_questions_value_invalid",
                "security question orders must be unique and sequential from 1",
            ));
        }
        Ok(())
    }

    /// The Verification Suite's initiate page: the user is named by
    /// `user_reference_id` (from Create User) or `user_id`.
    fn user_named(body: &Map<String, Value>) -> Result<(), Invalid> {
        let present = |k: &str| body.get(k).is_some_and(|v| !v.is_null());
        if !present("user_id") && !present("user_reference_id") {
            return Err(Invalid::new(
                "user_id_number_missing",
                "user_id or user_reference_id is missing in the request.",
            ));
        }
        Ok(())
    }

    /// The Verification Suite's initiate page names the notification types
    /// `sms` and `whatsapp` (and, in its prose, `email`).
    fn channels(body: &Map<String, Value>) -> Result<(), Invalid> {
        let Some(types) = body.get("notification_types").and_then(Value::as_array) else {
            return Ok(());
        };
        if types
            .iter()
            .any(|t| !matches!(t.as_str(), Some("sms" | "whatsapp" | "email")))
        {
            return Err(Invalid::new(
                "notification_types_value_invalid",
                "notification_types may hold only sms, whatsapp, email",
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn code(operation: Operation, body: Value) -> String {
        match check_body(operation, body.to_string().as_bytes()) {
            Ok(_) => "ok".into(),
            Err(e) => e.code,
        }
    }

    #[test]
    fn rules_come_from_the_documents() {
        let ppi = Operation::PpiInitiate;
        assert_eq!(
            code(ppi, json!({"user_id": "u", "verification_id": "v.1-_"})),
            "ok"
        );
        assert_eq!(
            code(ppi, json!({"user_id": "u"})),
            "verification_id_missing"
        );
        assert_eq!(
            code(ppi, json!({"user_id": "u", "verification_id": "a b"})),
            "verification_id_value_invalid"
        );
        let long = "x".repeat(51);
        assert_eq!(
            code(ppi, json!({"user_id": long, "verification_id": "v"})),
            "user_id_value_invalid"
        );
        assert_eq!(
            code(
                ppi,
                json!({"user_id": "u", "verification_id": "v", "notification_modes": ["sms"]})
            ),
            "notification_modes_value_invalid",
            "the enum is upper case"
        );
        assert_eq!(
            code(
                ppi,
                json!({"user_id": "u", "verification_id": "v", "security_questions": [
                {"order": 1, "question": "q", "answer": "a"}, {"order": 3, "question": "q", "answer": "a"}]})
            ),
            "security_questions_value_invalid"
        );
        // Too large for an i64: JSON reads it as a float that a schema still
        // calls an integer; it must not drop out of the rule.
        let huge: Value = serde_json::from_str(
            r#"{"user_id": "u", "verification_id": "v", "security_questions": [
            {"order": 5366951621189759699917742360494080, "question": "q", "answer": "a"}]}"#,
        )
        .unwrap();
        assert_eq!(code(ppi, huge), "security_questions_value_invalid");
        let vs = Operation::VerificationSuiteInitiate;
        assert_eq!(
            code(vs, json!({"verification_id": "v", "user_reference_id": 5})),
            "ok"
        );
        assert_eq!(
            code(vs, json!({"verification_id": "v w", "user_id": "u"})),
            "verification_id_value_invalid",
            "the rule the description states, made a pattern by an overlay"
        );
        assert_eq!(
            code(vs, json!({"verification_id": "v"})),
            "user_id_number_missing"
        );
        assert_eq!(
            code(
                vs,
                json!({"verification_id": "v", "user_reference_id": "5"})
            ),
            "user_reference_id_value_invalid"
        );
        assert_eq!(
            code(vs, json!(["not", "an", "object"])),
            "request_body_invalid"
        );
    }
}

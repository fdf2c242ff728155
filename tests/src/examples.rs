//! The documented examples of a normalized spec, with the schema each one
//! is an example of: the xtask's reading, so that the tests and the
//! validator walk the document the same way.

use serde_json::Value;

/// One documented request or response example.
#[derive(Debug)]
pub struct Example {
    /// JSON pointer of the example's value in the spec.
    pub at: String,
    /// Name of the component schema it is an example of.
    pub schema: String,
    /// `request` or the response's status code.
    pub kind: String,
    pub value: Value,
}

/// Every example of every request body and response of every operation,
/// as the codegen pipeline's validator finds them.
pub fn all(doc: &Value) -> Vec<Example> {
    xtask::openapi::examples(doc)
        .into_iter()
        .filter(|e| e.kind == "request" || e.kind.chars().all(|c| c.is_ascii_digit()))
        .map(|e| Example {
            at: e.at,
            schema: e.schema.unwrap_or_default(),
            kind: e.kind,
            value: e.value.clone(),
        })
        .collect()
}

/// `value` with every `null` object member removed: the generated types
/// write an absent optional field by leaving it out, which carries the same
/// information as Cashfree's explicit `null`.
pub fn without_nulls(value: &Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| (k.clone(), without_nulls(v)))
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(without_nulls).collect()),
        other => other.clone(),
    }
}

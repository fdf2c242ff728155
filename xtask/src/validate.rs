//! Checks a merged, overlaid document against itself: every documented
//! example validates against its own schema, no body schema carries a
//! `default` (a generated builder would send it silently), and every
//! `required` name is a property. Each failure names the JSON pointer of
//! the example and of the schema, which is what a maintainer needs the day
//! a page changes.
//!
//! Examples are validated with the `jsonschema` crate. OpenAPI 3.0 schemas
//! are JSON Schema with a few differences, bridged in `as_json_schema`
//! without moving any schema, so pointers stay those of the document:
//! `nullable`, `int32`, and two policies of this project (an object schema
//! that names its properties is closed; patterns are ECMA-262 regular
//! expressions, matched with `regress` like the generated client does, so
//! that the two can never disagree).

use crate::openapi::{self, escape};
use serde_json::{Map, Value, json};

/// Every problem found, one line each; empty when the document is sound.
pub fn check(doc: &Value) -> Vec<String> {
    let mut errors = Vec::new();
    policies(doc, "", false, &mut errors);
    let schema_doc = as_json_schema(doc);
    for example in openapi::examples(doc) {
        let root = {
            let mut root = schema_doc.clone();
            if let Value::Object(map) = &mut root {
                map.insert("$ref".into(), json!(format!("#{}", example.schema_at)));
            }
            root
        };
        let validator = match jsonschema::options()
            .with_draft(jsonschema::Draft::Draft7)
            .should_validate_formats(true)
            .with_keyword(ECMA_PATTERN, ecma_pattern)
            .build(&root)
        {
            Ok(v) => v,
            Err(e) => {
                errors.push(format!("schema {}: {e}", example.schema_at));
                continue;
            }
        };
        for error in validator.iter_errors(example.value) {
            let value_at = error.instance_path().as_str();
            let keyword_at = error.schema_path().as_str();
            // The failing keyword's schema: the pointer up to the keyword.
            let schema_at = keyword_at
                .rsplit_once('/')
                .map_or(keyword_at, |(schema, _)| schema);
            errors.push(format!(
                "example {} at `{}`: {} (schema {})",
                example.at,
                if value_at.is_empty() { "/" } else { value_at },
                message(doc, &error, schema_at),
                if schema_at.is_empty() {
                    &example.schema_at
                } else {
                    schema_at
                },
            ));
        }
    }
    errors.sort();
    errors.dedup();
    errors
}

/// The validator's finding, in this project's words for the common cases.
fn message(doc: &Value, error: &jsonschema::ValidationError<'_>, schema_at: &str) -> String {
    use jsonschema::error::ValidationErrorKind as Kind;
    let value = error.instance();
    match error.kind() {
        Kind::Type { .. } => {
            let expected = doc
                .pointer(schema_at)
                .and_then(|s| s.get("type"))
                .and_then(Value::as_str)
                .unwrap_or("another type");
            if value.is_null() {
                "null, but the schema is not nullable".into()
            } else {
                format!("{}, but the schema expects {expected}", describe(value))
            }
        }
        Kind::AdditionalProperties { unexpected } => format!(
            "property `{}` is not declared by the schema",
            unexpected.join("`, `")
        ),
        Kind::Required { property } => format!(
            "required property `{}` is missing",
            property.as_str().unwrap_or_default()
        ),
        Kind::Format { format } => format!("{} is not a {format}", describe(value)),
        _ => error.to_string(),
    }
}

/// The keyword patterns are checked under: `pattern`, renamed, so that the
/// validator's own regex engine never sees them.
const ECMA_PATTERN: &str = "x-ecma-pattern";

struct EcmaPattern {
    source: String,
    regex: regress::Regex,
}

impl<'i> jsonschema::Keyword<'i> for EcmaPattern {
    fn validate(&self, instance: &'i Value) -> Result<(), jsonschema::ValidationError<'i>> {
        if self.is_valid(instance) {
            Ok(())
        } else {
            Err(jsonschema::ValidationError::custom(format!(
                "{} does not match pattern {}",
                describe(instance),
                self.source
            )))
        }
    }

    fn is_valid(&self, instance: &'i Value) -> bool {
        instance
            .as_str()
            .is_none_or(|text| self.regex.find(text).is_some())
    }
}

fn ecma_pattern<'a>(
    _: &'a Map<String, Value>,
    value: &'a Value,
    _: jsonschema::paths::Location,
) -> Result<Box<dyn for<'i> jsonschema::Keyword<'i>>, jsonschema::ValidationError<'a>> {
    let source = value.as_str().unwrap_or_default().to_owned();
    let regex = regress::Regex::new(&source).map_err(|e| {
        jsonschema::ValidationError::custom(format!("pattern {source} does not compile: {e}"))
    })?;
    Ok(Box::new(EcmaPattern { source, regex }))
}

/// The document with its schemas read as JSON Schema (see the module
/// comment); every schema stays at its pointer.
fn as_json_schema(doc: &Value) -> Value {
    let mut out = doc.clone();
    convert(&mut out, false);
    out
}

fn convert(node: &mut Value, in_schema: bool) {
    match node {
        Value::Object(map) => {
            let is_schema = in_schema
                || map.contains_key("type")
                || map.contains_key("properties")
                || map.contains_key("oneOf");
            if is_schema {
                if map.get("nullable") == Some(&Value::Bool(true))
                    && let Some(Value::String(ty)) = map.get("type").cloned()
                {
                    map.insert("type".into(), json!([ty, "null"]));
                }
                if map.get("format").and_then(Value::as_str) == Some("int32") {
                    map.entry("minimum").or_insert(json!(i32::MIN));
                    map.entry("maximum").or_insert(json!(i32::MAX));
                }
                if let Some(pattern) = map.remove("pattern") {
                    map.insert(ECMA_PATTERN.into(), pattern);
                }
                let names_properties = map
                    .get("properties")
                    .and_then(Value::as_object)
                    .is_some_and(|p| !p.is_empty());
                if names_properties && !map.contains_key("additionalProperties") {
                    // An undeclared field in Cashfree's own example means the
                    // schema and the example disagree.
                    map.insert("additionalProperties".into(), json!(false));
                }
            }
            for (key, child) in map.iter_mut() {
                // Examples are data, not schemas.
                if key != "example" && key != "examples" && key != "default" && key != "enum" {
                    convert(child, is_schema && key != "properties" || key == "schema");
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|i| convert(i, in_schema)),
        _ => {}
    }
}

/// The project's own rules on every schema: no `default` in a body schema,
/// every `required` name a property.
fn policies(node: &Value, at: &str, in_parameter: bool, errors: &mut Vec<String>) {
    let Some(map) = node.as_object() else {
        if let Value::Array(items) = node {
            for (i, item) in items.iter().enumerate() {
                policies(item, &format!("{at}/{i}"), in_parameter, errors);
            }
        }
        return;
    };
    // A header's default (x-api-version) is the documented value to send; a
    // body field's default is a made-up one.
    let in_parameter = in_parameter || map.contains_key("in");
    let looks_like_schema = map.contains_key("type") || map.contains_key("properties");
    if looks_like_schema && map.contains_key("default") && !in_parameter {
        errors.push(format!(
            "schema {at} has a default ({}): a generated builder would send it without being asked",
            map["default"]
        ));
    }
    if let (Some(required), Some(properties)) = (
        map.get("required").and_then(Value::as_array),
        map.get("properties").and_then(Value::as_object),
    ) {
        for name in required.iter().filter_map(Value::as_str) {
            if !properties.contains_key(name) {
                errors.push(format!("schema {at}: required `{name}` is not a property"));
            }
        }
    }
    for (key, child) in map {
        if !matches!(key.as_str(), "example" | "examples" | "enum" | "default") {
            policies(
                child,
                &format!("{at}/{}", escape(key)),
                in_parameter,
                errors,
            );
        }
    }
}

fn describe(value: &Value) -> String {
    let kind = match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(n) if n.is_f64() => "number",
        Value::Number(_) => "integer",
        Value::String(_) => "string",
        Value::Array(_) => return "an array".into(),
        Value::Object(_) => return "an object".into(),
    };
    format!("{kind} {value}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_example_and_schema_paths() {
        let doc = json!({
            "components": {
                "schemas": {"R": {"type": "object", "properties": {"id": {"type": "string"}}}},
                "responses": {"Ok": {"content": {"application/json": {
                    "schema": {"$ref": "#/components/schemas/R"},
                    "examples": {"S": {"value": {"id": 11174}}}
                }}}}
            }
        });
        let errors = check(&doc);
        assert_eq!(errors.len(), 1, "{errors:?}");
        let e = &errors[0];
        assert!(
            e.contains("/components/responses/Ok/content/application~1json/examples/S/value"),
            "{e}"
        );
        assert!(e.contains("`/id`") && e.contains("integer 11174"), "{e}");
        assert!(e.contains("/components/schemas/R/properties/id"), "{e}");
    }

    #[test]
    fn flags_defaults_missing_required_and_undeclared_fields() {
        let doc = json!({"components": {"schemas": {
            "Q": {"type": "object", "required": ["a", "b"],
                  "properties": {"a": {"type": "string", "default": "x"}},
                  "example": {"a": "y", "c": 1}}
        }}});
        let errors = check(&doc).join("\n");
        assert!(
            errors.contains("/components/schemas/Q/properties/a has a default"),
            "{errors}"
        );
        assert!(
            errors.contains("required `b` is not a property"),
            "{errors}"
        );
        assert!(errors.contains("property `c` is not declared"), "{errors}");
        assert!(
            errors.contains("required property `b` is missing"),
            "{errors}"
        );
    }

    #[test]
    fn formats_lengths_patterns_and_alternatives() {
        let doc = json!({"components": {"schemas": {
            "D": {"type": "string", "format": "date", "example": "2025-08-03T00:00:00.000Z"},
            "T": {"type": "string", "format": "date-time", "example": "2025-05-06 15:04:05"},
            "P": {"type": "string", "pattern": "^[a-z]+$", "maxLength": 3, "example": "abcd!"},
            "O": {"oneOf": [{"type": "integer"}, {"type": "string"}], "example": 1358},
            "N": {"type": "string", "example": null},
            "M": {"type": "string", "nullable": true, "example": null},
            "I": {"type": "integer", "format": "int32", "example": 3_000_000_000u64}
        }}});
        let errors = check(&doc).join("\n");
        assert!(
            errors.contains("schemas/D/example") && errors.contains("is not a date"),
            "{errors}"
        );
        assert!(errors.contains("is not a date-time"), "{errors}");
        assert!(errors.contains("does not match pattern"), "{errors}");
        assert!(
            errors.contains("schemas/P") && errors.contains("longer"),
            "{errors}"
        );
        assert!(!errors.contains("schemas/O"), "{errors}");
        assert!(
            errors.contains("schemas/N/example") && errors.contains("not nullable"),
            "{errors}"
        );
        assert!(!errors.contains("schemas/M"), "{errors}");
        assert!(errors.contains("schemas/I"), "{errors}");
    }

    /// ECMA-262 semantics, as the generated client's `regress`: `\d` is an
    /// ASCII digit, where Rust's `regex` would also take other scripts'.
    #[test]
    fn patterns_are_ecma_262() {
        let doc = json!({"components": {"schemas": {
            "A": {"type": "string", "pattern": "^\\d+$", "example": "١٢٣"},
            "B": {"type": "string", "pattern": "^\\d+$", "example": "123"}
        }}});
        let errors = check(&doc).join("\n");
        assert!(errors.contains("schemas/A/example"), "{errors}");
        assert!(!errors.contains("schemas/B/example"), "{errors}");
    }
}

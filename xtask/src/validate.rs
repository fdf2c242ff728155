//! Checks a merged, overlaid document against itself: every documented
//! example validates against its own schema, no schema carries a `default`
//! (a generated builder would send it silently), and every `required` name
//! is a property. Each failure names the JSON pointer of the example and of
//! the schema, which is what a maintainer needs the day a page changes.

use crate::merge::escape;
use chrono::{DateTime, NaiveDate};
use serde_json::{Map, Value};

/// Every problem found, one line each; empty when the document is sound.
pub fn check(doc: &Value) -> Vec<String> {
    let mut v = Validator {
        doc,
        errors: Vec::new(),
    };
    v.walk_document(doc, "");
    if let Some(schemas) = doc
        .pointer("/components/schemas")
        .and_then(Value::as_object)
    {
        for (name, schema) in schemas {
            v.walk_schema(
                schema,
                &format!("/components/schemas/{}", escape(name)),
                false,
            );
        }
    }
    v.errors.sort();
    v.errors.dedup();
    v.errors
}

struct Validator<'a> {
    doc: &'a Value,
    errors: Vec<String>,
}

impl<'a> Validator<'a> {
    /// Follows `$ref`s within the document, returning the target and its pointer.
    fn resolve(&self, mut value: &'a Value, mut at: String) -> Option<(&'a Value, String)> {
        for _ in 0..32 {
            match value.get("$ref").and_then(Value::as_str) {
                Some(reference) => {
                    let pointer = reference.strip_prefix('#')?;
                    value = self.doc.pointer(pointer)?;
                    at = pointer.to_string();
                }
                None => return Some((value, at)),
            }
        }
        None
    }

    /// Finds parameters and media types (anything with a `schema`) and
    /// checks their examples.
    fn walk_document(&mut self, node: &'a Value, at: &str) {
        match node {
            Value::Object(map) => {
                if let Some(schema) = map.get("schema").filter(|s| s.is_object()) {
                    self.check_examples_of(map, schema, at);
                    // A header's default (x-api-version) is the documented
                    // value to send; a body field's default is a made-up one.
                    let is_parameter = map.contains_key("in");
                    self.walk_schema(schema, &format!("{at}/schema"), is_parameter);
                }
                for (key, child) in map {
                    if matches!(key.as_str(), "example" | "examples" | "schema" | "schemas") {
                        continue;
                    }
                    self.walk_document(child, &format!("{at}/{}", escape(key)));
                }
            }
            Value::Array(items) => {
                for (i, child) in items.iter().enumerate() {
                    self.walk_document(child, &format!("{at}/{i}"));
                }
            }
            _ => {}
        }
    }

    fn check_examples_of(&mut self, owner: &'a Map<String, Value>, schema: &'a Value, at: &str) {
        let schema_at = format!("{at}/schema");
        if let Some(example) = owner.get("example") {
            self.check_value(schema, &schema_at, example, &format!("{at}/example"), "");
        }
        if let Some(examples) = owner.get("examples").and_then(Value::as_object) {
            for (name, example) in examples {
                let example_at = format!("{at}/examples/{}", escape(name));
                let Some((example, example_at)) = self.resolve(example, example_at.clone()) else {
                    self.errors
                        .push(format!("example {example_at}: unresolvable $ref"));
                    continue;
                };
                if let Some(value) = example.get("value") {
                    self.check_value(
                        schema,
                        &schema_at,
                        value,
                        &format!("{example_at}/value"),
                        "",
                    );
                }
            }
        }
    }

    /// Checks a schema's own rules and its `example`, then its subschemas.
    fn walk_schema(&mut self, schema: &'a Value, at: &str, defaults_allowed: bool) {
        let Some(map) = schema.as_object() else {
            return;
        };
        if map.contains_key("$ref") {
            return; // checked where it is defined
        }
        if map.contains_key("default") && !defaults_allowed {
            self.errors.push(format!(
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
                    self.errors
                        .push(format!("schema {at}: required `{name}` is not a property"));
                }
            }
        }
        if let Some(example) = map.get("example") {
            self.check_value(schema, at, example, &format!("{at}/example"), "");
        }
        if let Some(properties) = map.get("properties").and_then(Value::as_object) {
            for (name, child) in properties {
                self.walk_schema(
                    child,
                    &format!("{at}/properties/{}", escape(name)),
                    defaults_allowed,
                );
            }
        }
        for key in ["items", "additionalProperties", "not"] {
            if let Some(child) = map.get(key) {
                self.walk_schema(child, &format!("{at}/{key}"), defaults_allowed);
            }
        }
        for key in ["oneOf", "anyOf", "allOf"] {
            if let Some(children) = map.get(key).and_then(Value::as_array) {
                for (i, child) in children.iter().enumerate() {
                    self.walk_schema(child, &format!("{at}/{key}/{i}"), defaults_allowed);
                }
            }
        }
    }

    fn check_value(
        &mut self,
        schema: &'a Value,
        schema_at: &str,
        value: &Value,
        example_at: &str,
        inner: &str,
    ) {
        let mut found = Vec::new();
        self.validate(schema, schema_at.to_string(), value, inner, &mut found);
        for (value_at, schema_at, message) in found {
            self.errors.push(format!(
                "example {example_at} at `{}`: {message} (schema {schema_at})",
                if value_at.is_empty() { "/" } else { &value_at }
            ));
        }
    }

    /// Validates `value` (at `vat` inside its example) against `schema`
    /// (at `sat` in the document), pushing (value path, schema path, message).
    fn validate(
        &self,
        schema: &'a Value,
        sat: String,
        value: &Value,
        vat: &str,
        out: &mut Vec<(String, String, String)>,
    ) {
        let Some((schema, sat)) = self.resolve(schema, sat.clone()) else {
            out.push((vat.into(), sat, "unresolvable $ref".into()));
            return;
        };
        let Some(s) = schema.as_object() else { return };
        let mut fail = |message: String| out.push((vat.to_string(), sat.clone(), message));
        if value.is_null() {
            if s.get("nullable") != Some(&Value::Bool(true)) && !s.is_empty() {
                fail("null, but the schema is not nullable".into());
            }
            return;
        }
        for key in ["oneOf", "anyOf"] {
            if let Some(options) = s.get(key).and_then(Value::as_array) {
                let matching = options
                    .iter()
                    .enumerate()
                    .filter(|(i, option)| {
                        let mut sub = Vec::new();
                        self.validate(option, format!("{sat}/{key}/{i}"), value, vat, &mut sub);
                        sub.is_empty()
                    })
                    .count();
                let ok = if key == "oneOf" {
                    matching == 1
                } else {
                    matching >= 1
                };
                if !ok {
                    fail(format!(
                        "{} matches {matching} of the {key} alternatives",
                        describe(value)
                    ));
                }
            }
        }
        if let Some(all) = s.get("allOf").and_then(Value::as_array) {
            for (i, part) in all.iter().enumerate() {
                self.validate(part, format!("{sat}/allOf/{i}"), value, vat, out);
            }
        }
        let mut fail = |message: String| out.push((vat.to_string(), sat.clone(), message));
        if let Some(choices) = s.get("enum").and_then(Value::as_array)
            && !choices.contains(value)
        {
            fail(format!(
                "{} is not one of {}",
                describe(value),
                Value::Array(choices.clone())
            ));
        }
        let Some(ty) = s.get("type").and_then(Value::as_str) else {
            return;
        };
        let type_ok = match ty {
            "string" => value.is_string(),
            "integer" => value.is_i64() || value.is_u64(),
            "number" => value.is_number(),
            "boolean" => value.is_boolean(),
            "array" => value.is_array(),
            "object" => value.is_object(),
            _ => true,
        };
        if !type_ok {
            fail(format!("{}, but the schema expects {ty}", describe(value)));
            return;
        }
        match value {
            Value::String(text) => {
                let chars = text.chars().count() as u64;
                if let Some(min) = s
                    .get("minLength")
                    .and_then(Value::as_u64)
                    .filter(|m| chars < *m)
                {
                    fail(format!(
                        "{} is shorter than minLength {min}",
                        describe(value)
                    ));
                }
                if let Some(max) = s
                    .get("maxLength")
                    .and_then(Value::as_u64)
                    .filter(|m| chars > *m)
                {
                    fail(format!(
                        "{} is longer than maxLength {max}",
                        describe(value)
                    ));
                }
                if let Some(pattern) = s.get("pattern").and_then(Value::as_str) {
                    match regex::Regex::new(pattern) {
                        Ok(re) if !re.is_match(text) => fail(format!(
                            "{} does not match pattern {pattern}",
                            describe(value)
                        )),
                        Err(e) => fail(format!("pattern {pattern} does not compile: {e}")),
                        Ok(_) => {}
                    }
                }
                match s.get("format").and_then(Value::as_str) {
                    Some("date") if NaiveDate::parse_from_str(text, "%Y-%m-%d").is_err() => {
                        fail(format!(
                            "{} is not a date (format: date, YYYY-MM-DD)",
                            describe(value)
                        ))
                    }
                    Some("date-time") if DateTime::parse_from_rfc3339(text).is_err() => {
                        fail(format!(
                            "{} is not an RFC 3339 date-time (format: date-time)",
                            describe(value)
                        ))
                    }
                    _ => {}
                }
            }
            Value::Number(n) => {
                if let (Some(min), Some(x)) = (s.get("minimum").and_then(Value::as_f64), n.as_f64())
                    && x < min
                {
                    fail(format!("{n} is below minimum {min}"));
                }
                if s.get("format").and_then(Value::as_str) == Some("int32")
                    && n.as_i64().is_none_or(|x| i32::try_from(x).is_err())
                {
                    fail(format!("{n} does not fit int32"));
                }
            }
            Value::Array(items) => {
                if let Some(min) = s
                    .get("minItems")
                    .and_then(Value::as_u64)
                    .filter(|m| (items.len() as u64) < *m)
                {
                    fail(format!(
                        "array of {} items, fewer than minItems {min}",
                        items.len()
                    ));
                }
                if let Some(item_schema) = s.get("items") {
                    for (i, item) in items.iter().enumerate() {
                        self.validate(
                            item_schema,
                            format!("{sat}/items"),
                            item,
                            &format!("{vat}/{i}"),
                            out,
                        );
                    }
                }
            }
            Value::Object(fields) => {
                if let Some(required) = s.get("required").and_then(Value::as_array) {
                    for name in required.iter().filter_map(Value::as_str) {
                        if !fields.contains_key(name) {
                            out.push((
                                vat.into(),
                                sat.clone(),
                                format!("required property `{name}` is missing"),
                            ));
                        }
                    }
                }
                let properties = s.get("properties").and_then(Value::as_object);
                let open = match s.get("additionalProperties") {
                    Some(Value::Bool(b)) => *b,
                    Some(_) => true,
                    // An object schema that names its properties is read as
                    // closed: an undeclared field in Cashfree's own example
                    // means the schema and the example disagree.
                    None => properties.is_none_or(|p| p.is_empty()),
                };
                for (name, field) in fields {
                    let here = format!("{vat}/{}", escape(name));
                    match properties.and_then(|p| p.get(name)) {
                        Some(prop) => self.validate(
                            prop,
                            format!("{sat}/properties/{}", escape(name)),
                            field,
                            &here,
                            out,
                        ),
                        None if !open => out.push((
                            here,
                            sat.clone(),
                            format!("property `{name}` is not declared by the schema"),
                        )),
                        None => {}
                    }
                }
            }
            _ => {}
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
    use serde_json::json;

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
            "N": {"type": "string", "example": null}
        }}});
        let errors = check(&doc).join("\n");
        assert!(
            errors.contains("schemas/D/example") && errors.contains("not a date"),
            "{errors}"
        );
        assert!(errors.contains("not an RFC 3339 date-time"), "{errors}");
        assert!(
            errors.contains("does not match pattern") && errors.contains("longer than maxLength 3"),
            "{errors}"
        );
        assert!(!errors.contains("schemas/O"), "{errors}");
        assert!(
            errors.contains("schemas/N/example") && errors.contains("not nullable"),
            "{errors}"
        );
    }
}

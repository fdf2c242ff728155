//! Merges the per-endpoint documents of one family into a single document.

use crate::sources::SourceDoc;
use anyhow::{Result, bail};
use serde_json::{Map, Value};

/// Unions the documents' paths and components.
///
/// Top-level fields other than `paths` and `components` must agree, an
/// operation may be defined by one page only, and a component defined by
/// two pages must be identical: a difference is an error that names both
/// pages and every differing key, so a maintainer sees at once which page
/// changed what.
pub fn merge(docs: &[SourceDoc]) -> Result<Value> {
    if docs.is_empty() {
        bail!("no OpenAPI document found");
    }
    let mut merged = Map::new();
    // Which document each merged item came from, for error messages.
    let mut owners: Vec<(String, String)> = Vec::new();
    let mut errors = Vec::new();
    for source in docs {
        let Some(doc) = source.doc.as_object() else {
            bail!("{} is not a JSON object", source.origin)
        };
        for (key, value) in doc {
            match key.as_str() {
                "paths" => merge_paths(&mut merged, value, source, &mut owners, &mut errors),
                "components" => {
                    merge_components(&mut merged, value, source, &mut owners, &mut errors)
                }
                _ => match merged.get(key) {
                    None => {
                        merged.insert(key.clone(), value.clone());
                        owners.push((format!("/{key}"), source.origin.clone()));
                    }
                    Some(existing) if existing == value => {}
                    Some(existing) => errors.push(conflict(
                        &format!("/{key}"),
                        existing,
                        value,
                        &owners,
                        source,
                    )),
                },
            }
        }
    }
    if !errors.is_empty() {
        bail!("the documents do not merge:\n{}", errors.join("\n"));
    }
    Ok(Value::Object(merged))
}

fn merge_paths(
    merged: &mut Map<String, Value>,
    paths: &Value,
    source: &SourceDoc,
    owners: &mut Vec<(String, String)>,
    errors: &mut Vec<String>,
) {
    let target = merged
        .entry("paths")
        .or_insert_with(|| Value::Object(Map::new()));
    let (Some(target), Some(paths)) = (target.as_object_mut(), paths.as_object()) else {
        errors.push(format!("{}: `paths` is not an object", source.origin));
        return;
    };
    for (path, item) in paths {
        let entry = target
            .entry(path.clone())
            .or_insert_with(|| Value::Object(Map::new()));
        let (Some(entry), Some(item)) = (entry.as_object_mut(), item.as_object()) else {
            errors.push(format!(
                "{}: path item {path} is not an object",
                source.origin
            ));
            continue;
        };
        for (method, operation) in item {
            let pointer = format!("/paths/{}/{method}", escape(path));
            match entry.get(method) {
                None => {
                    entry.insert(method.clone(), operation.clone());
                    owners.push((pointer, source.origin.clone()));
                }
                Some(existing) if existing == operation => {}
                Some(existing) => {
                    errors.push(conflict(&pointer, existing, operation, owners, source))
                }
            }
        }
    }
}

fn merge_components(
    merged: &mut Map<String, Value>,
    components: &Value,
    source: &SourceDoc,
    owners: &mut Vec<(String, String)>,
    errors: &mut Vec<String>,
) {
    let target = merged
        .entry("components")
        .or_insert_with(|| Value::Object(Map::new()));
    let (Some(target), Some(components)) = (target.as_object_mut(), components.as_object()) else {
        errors.push(format!("{}: `components` is not an object", source.origin));
        return;
    };
    for (section, items) in components {
        let entry = target
            .entry(section.clone())
            .or_insert_with(|| Value::Object(Map::new()));
        let (Some(entry), Some(items)) = (entry.as_object_mut(), items.as_object()) else {
            errors.push(format!(
                "{}: components.{section} is not an object",
                source.origin
            ));
            continue;
        };
        for (name, item) in items {
            let pointer = format!("/components/{section}/{}", escape(name));
            match entry.get(name) {
                None => {
                    entry.insert(name.clone(), item.clone());
                    owners.push((pointer, source.origin.clone()));
                }
                Some(existing) if existing == item => {}
                Some(existing) => errors.push(conflict(&pointer, existing, item, owners, source)),
            }
        }
    }
}

fn conflict(
    pointer: &str,
    existing: &Value,
    new: &Value,
    owners: &[(String, String)],
    source: &SourceDoc,
) -> String {
    let owner = owners
        .iter()
        .find(|(p, _)| p == pointer)
        .map_or("an earlier document", |(_, o)| o.as_str());
    let mut keys = Vec::new();
    differing_keys(pointer, existing, new, &mut keys);
    format!(
        "  {pointer} is defined differently by {owner} and {}; differing keys: {}",
        source.origin,
        keys.join(", ")
    )
}

/// JSON pointers of the leaves where two values differ.
pub fn differing_keys(at: &str, a: &Value, b: &Value, out: &mut Vec<String>) {
    match (a, b) {
        (Value::Object(a), Value::Object(b)) => {
            let mut keys: Vec<&String> = a.keys().chain(b.keys()).collect();
            keys.sort();
            keys.dedup();
            for key in keys {
                let here = format!("{at}/{}", escape(key));
                match (a.get(key), b.get(key)) {
                    (Some(x), Some(y)) => differing_keys(&here, x, y, out),
                    _ => out.push(here),
                }
            }
        }
        _ if a != b => out.push(at.to_string()),
        _ => {}
    }
}

/// Escapes a key for a JSON pointer (RFC 6901).
pub use crate::openapi::escape;

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn doc(origin: &str, value: Value) -> SourceDoc {
        SourceDoc {
            origin: origin.into(),
            doc: value,
        }
    }

    #[test]
    fn unions_paths_and_keeps_identical_components_once() {
        let a = doc(
            "a.md",
            json!({"openapi": "3.0.0", "paths": {"/x": {"get": {"operationId": "g"}}},
            "components": {"schemas": {"E": {"type": "object"}, "A": {"type": "string"}}}}),
        );
        let b = doc(
            "b.md",
            json!({"openapi": "3.0.0", "paths": {"/x": {"post": {"operationId": "p"}}},
            "components": {"schemas": {"E": {"type": "object"}, "B": {"type": "integer"}}}}),
        );
        let merged = merge(&[a, b]).unwrap();
        assert_eq!(merged["paths"]["/x"].as_object().unwrap().len(), 2);
        assert_eq!(
            merged["components"]["schemas"].as_object().unwrap().len(),
            3
        );
    }

    #[test]
    fn conflicting_component_names_both_pages_and_keys() {
        let a = doc(
            "a.md",
            json!({"components": {"schemas": {"E": {"type": "object", "properties": {"x": {"type": "string"}}}}}}),
        );
        let b = doc(
            "b.md",
            json!({"components": {"schemas": {"E": {"type": "object", "properties": {"x": {"type": "integer"}, "y": {}}}}}}),
        );
        let err = merge(&[a, b]).unwrap_err().to_string();
        assert!(err.contains("a.md") && err.contains("b.md"), "{err}");
        assert!(
            err.contains("/components/schemas/E/properties/x/type"),
            "{err}"
        );
        assert!(err.contains("/components/schemas/E/properties/y"), "{err}");
    }

    #[test]
    fn same_operation_twice_must_be_identical() {
        let a = doc(
            "a.md",
            json!({"paths": {"/x": {"get": {"operationId": "g"}}}}),
        );
        let b = doc(
            "b.md",
            json!({"paths": {"/x": {"get": {"operationId": "h"}}}}),
        );
        let err = merge(&[a, b]).unwrap_err().to_string();
        assert!(err.contains("/paths/~1x/get/operationId"), "{err}");
    }
}

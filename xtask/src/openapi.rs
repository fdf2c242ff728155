//! Reading an OpenAPI document: JSON pointers, local `$ref`s, and every
//! documented example with the schema it is an example of. The validator
//! and the workspace tests share this one reading.

use serde_json::{Map, Value};

/// A key as one JSON pointer segment (RFC 6901).
pub fn escape(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

/// One JSON pointer segment as the key it stands for.
pub fn unescape(segment: &str) -> String {
    segment.replace("~1", "/").replace("~0", "~")
}

/// Follows local `$ref`s from `node` (found at `at`): the target and its
/// pointer, or `None` for a reference that leads nowhere (or in a cycle).
pub fn resolve<'a>(
    doc: &'a Value,
    mut node: &'a Value,
    mut at: String,
) -> Option<(&'a Value, String)> {
    for _ in 0..32 {
        match node.get("$ref").and_then(Value::as_str) {
            Some(reference) => {
                let pointer = reference.strip_prefix('#')?;
                node = doc.pointer(pointer)?;
                at = pointer.to_string();
            }
            None => return Some((node, at)),
        }
    }
    None
}

/// One documented example.
#[derive(Debug, Clone)]
pub struct Example<'a> {
    /// JSON pointer of the example's value.
    pub at: String,
    /// JSON pointer of the schema it is an example of.
    pub schema_at: String,
    /// The component name of that schema, when it is a component.
    pub schema: Option<String>,
    /// `request`, a response status (`200`), `parameter` or `schema`.
    pub kind: String,
    pub value: &'a Value,
}

/// Every example of the document: of request and response bodies, of
/// parameters, and of schemas (`example` on a schema).
pub fn examples(doc: &Value) -> Vec<Example<'_>> {
    let mut found = Vec::new();
    walk(doc, doc, "", None, &mut found);
    // An example reached both through an operation and as a component
    // keeps the operation's view (its status code).
    found.sort_by(|a, b| {
        a.at.cmp(&b.at)
            .then((a.kind == "response").cmp(&(b.kind == "response")))
    });
    found.dedup_by(|a, b| a.at == b.at);
    found
}

/// What a media type or parameter is, from where it sits.
fn kind_of(at: &str) -> String {
    let parts: Vec<&str> = at.split('/').collect();
    if let Some(i) = parts.iter().position(|p| *p == "responses")
        && let Some(code) = parts
            .get(i + 1)
            .filter(|c| c.chars().all(|c| c.is_ascii_digit()))
    {
        return (*code).to_string();
    }
    if parts.contains(&"requestBody") || parts.contains(&"requestBodies") {
        return "request".into();
    }
    if parts.contains(&"parameters") {
        return "parameter".into();
    }
    "response".into()
}

fn walk<'a>(
    doc: &'a Value,
    node: &'a Value,
    at: &str,
    kind: Option<&str>,
    out: &mut Vec<Example<'a>>,
) {
    match node {
        Value::Object(map) => {
            if let Some(schema) = map.get("schema").filter(|s| s.is_object()) {
                owned_examples(
                    doc,
                    map,
                    schema,
                    at,
                    kind.map_or_else(|| kind_of(at), str::to_owned),
                    out,
                );
            }
            // `responses/200: {$ref}`: the examples of the target belong to 200.
            let here_kind = kind.map(str::to_owned).or_else(|| {
                let k = kind_of(at);
                (k != "response").then_some(k)
            });
            for (key, child) in map {
                let child_at = format!("{at}/{}", escape(key));
                if key == "$ref" {
                    continue;
                }
                if let Some((target, target_at)) = child
                    .get("$ref")
                    .and_then(|_| resolve(doc, child, child_at.clone()))
                    .filter(|_| at.starts_with("/paths"))
                {
                    let k = here_kind.clone().unwrap_or_else(|| kind_of(&child_at));
                    walk(doc, target, &target_at, Some(&k), out);
                    continue;
                }
                if key == "schemas" {
                    schema_examples(child, &child_at, out);
                    continue;
                }
                walk(doc, child, &child_at, kind, out);
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter().enumerate() {
                walk(doc, child, &format!("{at}/{i}"), kind, out);
            }
        }
        _ => {}
    }
}

/// The examples of a media type or parameter: `example`, and the `value`
/// of each of `examples`.
fn owned_examples<'a>(
    doc: &'a Value,
    owner: &'a Map<String, Value>,
    schema: &'a Value,
    at: &str,
    kind: String,
    out: &mut Vec<Example<'a>>,
) {
    let (schema_at, name) = match schema.get("$ref").and_then(Value::as_str) {
        Some(r) => {
            let pointer = r.trim_start_matches('#').to_string();
            let name = pointer.strip_prefix("/components/schemas/").map(unescape);
            (pointer, name)
        }
        None => (format!("{at}/schema"), None),
    };
    if let Some(value) = owner.get("example") {
        out.push(Example {
            at: format!("{at}/example"),
            schema_at: schema_at.clone(),
            schema: name.clone(),
            kind: kind.clone(),
            value,
        });
    }
    for (name_of_example, example) in owner
        .get("examples")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        let example_at = format!("{at}/examples/{}", escape(name_of_example));
        if let Some((example, example_at)) = resolve(doc, example, example_at)
            && let Some(value) = example.get("value")
        {
            out.push(Example {
                at: format!("{example_at}/value"),
                schema_at: schema_at.clone(),
                schema: name.clone(),
                kind: kind.clone(),
                value,
            });
        }
    }
}

/// The `example` of every schema under `schemas`, at any depth.
fn schema_examples<'a>(node: &'a Value, at: &str, out: &mut Vec<Example<'a>>) {
    match node {
        Value::Object(map) => {
            if let Some(value) = map.get("example")
                && (map.contains_key("type")
                    || map.contains_key("oneOf")
                    || map.contains_key("anyOf")
                    || map.contains_key("properties"))
            {
                out.push(Example {
                    at: format!("{at}/example"),
                    schema_at: at.to_string(),
                    schema: None,
                    kind: "schema".into(),
                    value,
                });
            }
            for (key, child) in map {
                if key != "example" && key != "examples" {
                    schema_examples(child, &format!("{at}/{}", escape(key)), out);
                }
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter().enumerate() {
                schema_examples(child, &format!("{at}/{i}"), out);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn finds_every_kind_of_example() {
        let doc = json!({
            "paths": {"/v": {"post": {
                "parameters": [{"name": "x", "in": "header", "schema": {"type": "string"}, "example": "1"}],
                "requestBody": {"$ref": "#/components/requestBodies/B"},
                "responses": {"200": {"$ref": "#/components/responses/R"}}
            }}},
            "components": {
                "schemas": {"S": {"type": "object", "properties": {"a": {"type": "string", "example": "e"}}}},
                "requestBodies": {"B": {"content": {"application/json": {
                    "schema": {"$ref": "#/components/schemas/S"}, "examples": {"One": {"value": {"a": "b"}}}}}}},
                "responses": {"R": {"content": {"application/json": {
                    "schema": {"$ref": "#/components/schemas/S"}, "examples": {"Ok": {"value": {"a": "c"}}}}}}}
            }
        });
        let found: Vec<(String, String, String)> = examples(&doc)
            .into_iter()
            .map(|e| (e.kind, e.at, e.schema_at))
            .collect();
        assert!(
            found.contains(&(
                "200".into(),
                "/components/responses/R/content/application~1json/examples/Ok/value".into(),
                "/components/schemas/S".into()
            )),
            "{found:?}"
        );
        assert!(
            found.contains(&(
                "request".into(),
                "/components/requestBodies/B/content/application~1json/examples/One/value".into(),
                "/components/schemas/S".into()
            )),
            "{found:?}"
        );
        assert!(
            found.contains(&(
                "parameter".into(),
                "/paths/~1v/post/parameters/0/example".into(),
                "/paths/~1v/post/parameters/0/schema".into()
            )),
            "{found:?}"
        );
        assert!(
            found.contains(&(
                "schema".into(),
                "/components/schemas/S/properties/a/example".into(),
                "/components/schemas/S/properties/a".into()
            )),
            "{found:?}"
        );
        assert_eq!(escape("a/b~c"), "a~1b~0c");
        assert_eq!(unescape(&escape("a/b~c")), "a/b~c");
    }
}

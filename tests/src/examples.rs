//! The documented examples of a normalized spec, with the schema each one
//! is an example of.

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

fn resolve<'a>(doc: &'a Value, value: &'a Value) -> (&'a Value, Option<String>) {
    match value.get("$ref").and_then(Value::as_str) {
        Some(r) => {
            let pointer = r.trim_start_matches('#');
            (
                doc.pointer(pointer).unwrap_or(&Value::Null),
                Some(pointer.to_string()),
            )
        }
        None => (value, None),
    }
}

/// Every example of every request body and response of every operation.
pub fn all(doc: &Value) -> Vec<Example> {
    let mut found = Vec::new();
    let Some(paths) = doc["paths"].as_object() else {
        return found;
    };
    for (path, item) in paths {
        for (method, op) in item.as_object().into_iter().flatten() {
            let at = format!("/paths/{}/{method}", path.replace('/', "~1"));
            let mut bodies = Vec::new();
            if let Some(body) = op.get("requestBody") {
                bodies.push(("request".to_string(), format!("{at}/requestBody"), body));
            }
            for (code, response) in op["responses"].as_object().into_iter().flatten() {
                bodies.push((code.clone(), format!("{at}/responses/{code}"), response));
            }
            for (kind, at, body) in bodies {
                let (body, moved) = resolve(doc, body);
                let at = moved.unwrap_or(at);
                let Some(media) = body.pointer("/content/application~1json") else {
                    continue;
                };
                let schema = media["schema"]["$ref"]
                    .as_str()
                    .unwrap_or("")
                    .rsplit('/')
                    .next()
                    .unwrap_or("")
                    .to_string();
                for (name, example) in media["examples"].as_object().into_iter().flatten() {
                    let (example, moved) = resolve(doc, example);
                    let example_at =
                        moved.unwrap_or(format!("{at}/content/application~1json/examples/{name}"));
                    found.push(Example {
                        at: format!("{example_at}/value"),
                        schema: schema.clone(),
                        kind: kind.clone(),
                        value: example["value"].clone(),
                    });
                }
            }
        }
    }
    found
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

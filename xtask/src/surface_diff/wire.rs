//! The changes as a reviewer thinks of them: per operation (method and
//! path), request or response (with its status code), the JSON pointer of
//! the field, its nullability and Cashfree's description, read from the
//! normalized specs (`specs/openapi/*.json`) at the base and now.

use anyhow::{Context, Result};
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::Path;

/// The normalized specs, one per raw-crate module.
pub const SPECS: [(&str, &str); 2] = [
    (
        "verification_suite",
        "specs/openapi/verification-suite.json",
    ),
    ("ppi", "specs/openapi/ppi.json"),
];

/// Where in an operation a field is.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Place {
    Request,
    Response(String),
}

impl std::fmt::Display for Place {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Place::Request => f.write_str("request"),
            Place::Response(code) => write!(f, "{code} response"),
        }
    }
}

/// One field of a body, as its schema describes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field {
    /// JSON type, with the items' type for arrays (`array of string`).
    pub ty: String,
    pub nullable: bool,
    pub required: bool,
    pub description: Option<String>,
    pub values: Vec<String>,
    /// The component the field is declared in, when it has a name there.
    pub component: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum What {
    OperationAdded,
    OperationRemoved,
    Added(Field),
    Removed(Field),
    Changed { before: Field, after: Field },
}

/// One change at one place of one operation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WireChange {
    pub module: &'static str,
    pub operation: String,
    pub operation_id: String,
    pub place: Place,
    pub pointer: String,
    pub what: What,
}

type Fields = BTreeMap<String, Field>;

/// Every operation's places and their fields: `(operation, id) -> place -> pointer -> field`.
type Operations = BTreeMap<(String, String), BTreeMap<Place, Fields>>;

fn resolve<'a>(spec: &'a Value, schema: &'a Value) -> (&'a Value, Option<String>) {
    let mut schema = schema;
    let mut name = None;
    for _ in 0..16 {
        let Some(reference) = schema.get("$ref").and_then(Value::as_str) else {
            break;
        };
        name = reference.rsplit('/').next().map(str::to_owned);
        let pointer = reference.trim_start_matches('#');
        match spec.pointer(pointer) {
            Some(target) => schema = target,
            None => break,
        }
    }
    (schema, name)
}

fn type_of(spec: &Value, schema: &Value) -> String {
    let (schema, name) = resolve(spec, schema);
    if let Some(alternatives) = schema
        .get("oneOf")
        .or_else(|| schema.get("anyOf"))
        .and_then(Value::as_array)
    {
        let names: Vec<String> = alternatives.iter().map(|a| type_of(spec, a)).collect();
        return names.join(" or ");
    }
    match schema.get("type").and_then(Value::as_str) {
        Some("array") => format!(
            "array of {}",
            schema
                .get("items")
                .map_or("anything".to_owned(), |i| type_of(spec, i))
        ),
        Some("object") | None if schema.get("properties").is_some() => {
            name.map_or("object".to_owned(), |n| format!("object {n}"))
        }
        Some(ty) => match schema.get("format").and_then(Value::as_str) {
            Some(format) => format!("{ty} ({format})"),
            None => ty.to_owned(),
        },
        None => "anything".to_owned(),
    }
}

/// Every field under `schema`, by JSON pointer below `at`; an array's
/// elements are `/0`.
fn walk(spec: &Value, schema: &Value, at: &str, depth: usize, out: &mut Fields) {
    if depth > 8 {
        return;
    }
    let (schema, component) = resolve(spec, schema);
    let parts = schema.get("allOf").and_then(Value::as_array);
    for inner in parts.into_iter().flatten() {
        walk(spec, inner, at, depth + 1, out);
    }
    if let Some(items) = schema.get("items") {
        walk(spec, items, &format!("{at}/0"), depth + 1, out);
    }
    let Some(properties) = schema.get("properties").and_then(Value::as_object) else {
        return;
    };
    let required: Vec<&str> = schema
        .get("required")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect();
    for (name, property) in properties {
        let pointer = format!("{at}/{name}");
        let (resolved, _) = resolve(spec, property);
        let text = |key: &str| {
            property
                .get(key)
                .or_else(|| resolved.get(key))
                .and_then(Value::as_str)
                .map(|s| s.trim().to_owned())
        };
        out.insert(
            pointer.clone(),
            Field {
                ty: type_of(spec, property),
                nullable: [property, resolved]
                    .iter()
                    .any(|s| s.get("nullable") == Some(&Value::Bool(true))),
                required: required.contains(&name.as_str()),
                description: text("description"),
                values: resolved
                    .get("enum")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                    .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_owned))
                    .collect(),
                component: component.clone(),
            },
        );
        walk(spec, property, &pointer, depth + 1, out);
    }
}

fn json_body<'a>(spec: &'a Value, holder: &'a Value) -> Option<&'a Value> {
    let (holder, _) = resolve(spec, holder);
    holder.pointer("/content/application~1json/schema")
}

/// Every operation of a spec, with its request and responses flattened.
fn operations(spec: &Value) -> Operations {
    let prefix = spec
        .pointer("/servers/0/url")
        .and_then(Value::as_str)
        .and_then(|url| url.split("://").nth(1))
        .and_then(|rest| {
            rest.find('/')
                .map(|i| rest[i..].trim_end_matches('/').to_owned())
        })
        .unwrap_or_default();
    let mut out = Operations::new();
    let Some(paths) = spec.get("paths").and_then(Value::as_object) else {
        return out;
    };
    for (path, item) in paths {
        let Some(item) = item.as_object() else {
            continue;
        };
        for (method, op) in item {
            if !["get", "post", "put", "patch", "delete"].contains(&method.as_str()) {
                continue;
            }
            let id = op
                .get("operationId")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned();
            let mut places = BTreeMap::new();
            if let Some(schema) = op.get("requestBody").and_then(|b| json_body(spec, b)) {
                let mut fields = Fields::new();
                walk(spec, schema, "", 0, &mut fields);
                places.insert(Place::Request, fields);
            }
            for (code, response) in op
                .get("responses")
                .and_then(Value::as_object)
                .into_iter()
                .flatten()
            {
                let mut fields = Fields::new();
                if let Some(schema) = json_body(spec, response) {
                    walk(spec, schema, "", 0, &mut fields);
                }
                places.insert(Place::Response(code.clone()), fields);
            }
            let operation = format!("{} {prefix}{path}", method.to_uppercase());
            out.insert((operation, id), places);
        }
    }
    out
}

/// The changes between two versions of one module's spec.
pub fn diff_specs(module: &'static str, old: &Value, new: &Value) -> Vec<WireChange> {
    let (old, new) = (operations(old), operations(new));
    let mut out = Vec::new();
    let mut push = |(operation, id): &(String, String), place: Place, pointer: &str, what| {
        out.push(WireChange {
            module,
            operation: operation.clone(),
            operation_id: id.clone(),
            place,
            pointer: pointer.to_owned(),
            what,
        })
    };
    for (key, places) in &new {
        let Some(before) = old.get(key) else {
            push(key, Place::Request, "", What::OperationAdded);
            continue;
        };
        for (place, fields) in places {
            let empty = Fields::new();
            let old_fields = before.get(place).unwrap_or(&empty);
            for (pointer, field) in fields {
                match old_fields.get(pointer) {
                    None => push(key, place.clone(), pointer, What::Added(field.clone())),
                    Some(b) if b != field => push(
                        key,
                        place.clone(),
                        pointer,
                        What::Changed {
                            before: b.clone(),
                            after: field.clone(),
                        },
                    ),
                    Some(_) => {}
                }
            }
            for (pointer, field) in old_fields {
                if !fields.contains_key(pointer) {
                    push(key, place.clone(), pointer, What::Removed(field.clone()));
                }
            }
        }
    }
    for key in old.keys().filter(|k| !new.contains_key(*k)) {
        push(key, Place::Request, "", What::OperationRemoved);
    }
    out
}

/// Every module's changes between `base` and the working tree.
pub fn diff(root: &Path, base: &str) -> Result<Vec<WireChange>> {
    let mut out = Vec::new();
    for (module, path) in SPECS {
        let parse = |text: Option<String>, which: &str| -> Result<Value> {
            text.map_or(Ok(Value::Null), |t| {
                serde_json::from_str(&t).with_context(|| format!("parsing {path} {which}"))
            })
        };
        let old = parse(super::at_revision(root, base, path)?, &format!("at {base}"))?;
        let new = parse(std::fs::read_to_string(root.join(path)).ok(), "now")?;
        out.extend(diff_specs(module, &old, &new));
    }
    Ok(out)
}

//! OpenAPI Overlay 1.0: fixes to Cashfree's documents, kept as data.
//!
//! Each action has a JSONPath `target` (RFC 9535), either `update` or
//! `remove: true`, and a `description` saying why the fix is needed. An
//! action whose target selects nothing is an error: either the fix is no
//! longer needed or the page changed under it, and both need a human.

use anyhow::{Context, Result, bail};
use serde::Deserialize;
use serde_json::Value;
use serde_json_path::JsonPath;
use std::path::Path;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Overlay {
    pub overlay: String,
    pub info: OverlayInfo,
    #[serde(default)]
    pub extends: Option<String>,
    pub actions: Vec<Action>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OverlayInfo {
    pub title: String,
    pub version: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Action {
    pub target: String,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub update: Option<Value>,
    #[serde(default)]
    pub remove: bool,
}

/// Reads an overlay file and checks its shape.
pub fn read(path: &Path, shown: &str) -> Result<Overlay> {
    let text = std::fs::read_to_string(path).with_context(|| format!("reading {shown}"))?;
    let overlay: Overlay =
        serde_yaml::from_str(&text).with_context(|| format!("parsing {shown}"))?;
    if !overlay.overlay.starts_with("1.") {
        bail!("{shown}: unsupported overlay version {}", overlay.overlay);
    }
    for (i, action) in overlay.actions.iter().enumerate() {
        if action
            .description
            .as_deref()
            .is_none_or(|d| d.trim().is_empty())
        {
            bail!(
                "{shown}: action {i} ({}) has no description saying why",
                action.target
            );
        }
        if action.remove == action.update.is_some() {
            bail!(
                "{shown}: action {i} ({}) needs exactly one of `update` and `remove: true`",
                action.target
            );
        }
    }
    Ok(overlay)
}

/// Applies the overlay's actions in order.
pub fn apply(doc: &mut Value, overlay: &Overlay, shown: &str) -> Result<()> {
    for (i, action) in overlay.actions.iter().enumerate() {
        let path = JsonPath::parse(&action.target)
            .with_context(|| format!("{shown}: action {i}: bad JSONPath {}", action.target))?;
        let pointers: Vec<String> = path
            .query_located(doc)
            .locations()
            .map(|loc| loc.to_json_pointer())
            .collect();
        if pointers.is_empty() {
            bail!(
                "{shown}: action {i} targets {} which selects nothing: the fix is stale or the page changed",
                action.target
            );
        }
        if action.remove {
            // Remove from the end so earlier array indices stay valid.
            for pointer in pointers.iter().rev() {
                remove(doc, pointer);
            }
        } else if let Some(update) = &action.update {
            for pointer in &pointers {
                if let Some(node) = doc.pointer_mut(pointer) {
                    merge(node, update);
                }
            }
        }
    }
    Ok(())
}

/// Objects merge key by key, recursively; an array target gets the value
/// appended; anything else is replaced.
fn merge(target: &mut Value, update: &Value) {
    match (target, update) {
        (Value::Object(target), Value::Object(update)) => {
            for (key, value) in update {
                match target.get_mut(key) {
                    Some(existing) if existing.is_object() && value.is_object() => {
                        merge(existing, value)
                    }
                    _ => {
                        target.insert(key.clone(), value.clone());
                    }
                }
            }
        }
        (Value::Array(target), value) => target.push(value.clone()),
        (target, value) => *target = value.clone(),
    }
}

fn remove(doc: &mut Value, pointer: &str) {
    let Some((parent, last)) = pointer.rsplit_once('/') else {
        return;
    };
    let key = crate::openapi::unescape(last);
    match doc.pointer_mut(parent) {
        Some(Value::Object(map)) => {
            map.remove(&key);
        }
        Some(Value::Array(items)) => {
            if let Ok(index) = key.parse::<usize>()
                && index < items.len()
            {
                items.remove(index);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn overlay(actions: Value) -> Overlay {
        serde_json::from_value(
            json!({"overlay": "1.0.0", "info": {"title": "t", "version": "1"}, "actions": actions}),
        )
        .unwrap()
    }

    #[test]
    fn update_merges_and_remove_deletes() {
        let mut doc = json!({"s": {"a": {"type": "integer", "default": 1}, "b": {"type": "string", "default": "x"}}});
        let o = overlay(json!([
            {"target": "$.s.*.default", "remove": true, "description": "no defaults"},
            {"target": "$.s.a", "update": {"nullable": true}, "description": "may be null"}
        ]));
        apply(&mut doc, &o, "t.yaml").unwrap();
        assert_eq!(
            doc,
            json!({"s": {"a": {"type": "integer", "nullable": true}, "b": {"type": "string"}}})
        );
    }

    #[test]
    fn stale_target_is_an_error() {
        let mut doc = json!({"s": {}});
        let o = overlay(json!([{"target": "$.s.missing", "remove": true, "description": "gone"}]));
        let err = apply(&mut doc, &o, "t.yaml").unwrap_err().to_string();
        assert!(err.contains("selects nothing"), "{err}");
    }

    #[test]
    fn removes_array_elements_from_the_end() {
        let mut doc = json!({"r": ["a", "b", "c"]});
        let o =
            overlay(json!([{"target": "$.r[?@ != 'b']", "remove": true, "description": "keep b"}]));
        apply(&mut doc, &o, "t.yaml").unwrap();
        assert_eq!(doc, json!({"r": ["b"]}));
    }
}

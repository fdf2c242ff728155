//! A compact, reviewable description of a generated module's public surface:
//! every operation (method, path, Rust function, parameters, body and
//! response types) and every type with its fields and Rust types. This is
//! the diff a reviewer reads when Cashfree changes its documents.

use quote::ToTokens;
use std::fmt::Write;
use syn::{Attribute, Fields, File, ImplItem, Item, ItemMod, Type};

/// Renders the surface of one generated file.
pub fn describe(source: &str) -> String {
    let file: File = syn::parse_file(source).expect("generated code parses");
    let mut out = String::new();
    let builders = module(&file.items, "builder")
        .map(items)
        .unwrap_or_default();

    out.push_str("## Operations\n");
    for item in &file.items {
        let Item::Impl(imp) = item else { continue };
        if imp.trait_.is_some() || type_name(&imp.self_ty) != "Client" {
            continue;
        }
        for item in &imp.items {
            let ImplItem::Fn(f) = item else { continue };
            let name = f.sig.ident.to_string();
            if name == "new" || name == "new_with_client" {
                continue;
            }
            let builder = match &f.sig.output {
                syn::ReturnType::Type(_, ty) => type_name(ty),
                _ => continue,
            };
            let _ = writeln!(
                out,
                "\n{}",
                method_and_path(&f.attrs).unwrap_or_else(|| "? ?".into())
            );
            let _ = writeln!(out, "  fn Client::{name}() -> builder::{builder}");
            describe_builder(&builders, &builder, &mut out);
        }
    }

    out.push_str("\n## Types\n");
    if let Some(types) = module(&file.items, "types") {
        for item in items(types) {
            describe_type(&item, &mut out);
        }
    }
    out
}

fn describe_builder(builders: &[Item], name: &str, out: &mut String) {
    for item in builders {
        match item {
            Item::Struct(s) if s.ident == name => {
                for field in &s.fields {
                    let field_name = field
                        .ident
                        .as_ref()
                        .map(|i| i.to_string())
                        .unwrap_or_default();
                    if field_name == "client" {
                        continue;
                    }
                    let ty = render(&field.ty);
                    // Builder fields are `Result<T, String>` holding the value or a conversion error.
                    let ty = ty
                        .strip_prefix("Result<")
                        .and_then(|t| t.strip_suffix(", String>"))
                        .unwrap_or(&ty);
                    let (kind, ty) =
                        match ty.strip_prefix("Option<").and_then(|t| t.strip_suffix('>')) {
                            Some(inner) => ("optional", inner.to_string()),
                            None => ("required", ty.to_string()),
                        };
                    if field_name == "body" {
                        let _ = writeln!(out, "  body: {}", ty.replace("builder::", ""));
                    } else {
                        let _ = writeln!(out, "  param {field_name}: {ty} ({kind})");
                    }
                }
            }
            Item::Impl(imp) if type_name(&imp.self_ty) == name => {
                for item in &imp.items {
                    if let ImplItem::Fn(f) = item
                        && f.sig.ident == "send"
                        && let syn::ReturnType::Type(_, ty) = &f.sig.output
                    {
                        let _ = writeln!(out, "  send() -> {}", render(ty));
                    }
                }
            }
            _ => {}
        }
    }
}

fn describe_type(item: &Item, out: &mut String) {
    match item {
        Item::Struct(s) => match &s.fields {
            Fields::Named(fields) => {
                let _ = writeln!(out, "\nstruct {}", s.ident);
                for field in &fields.named {
                    let name = field
                        .ident
                        .as_ref()
                        .map(|i| i.to_string())
                        .unwrap_or_default();
                    let wire = serde_rename(&field.attrs)
                        .map(|r| format!(" (json \"{r}\")"))
                        .unwrap_or_default();
                    let _ = writeln!(out, "  {name}: {}{wire}", render(&field.ty));
                }
            }
            Fields::Unnamed(fields) => {
                let inner: Vec<String> = fields.unnamed.iter().map(|f| render(&f.ty)).collect();
                // typify emits newtypes for constrained values; they validate
                // on construction and on deserialization.
                let _ = writeln!(
                    out,
                    "\nnewtype {}({}) (validated)",
                    s.ident,
                    inner.join(", ")
                );
            }
            Fields::Unit => {
                let _ = writeln!(out, "\nunit struct {}", s.ident);
            }
        },
        Item::Enum(e) => {
            let untagged = has_serde_word(&e.attrs, "untagged");
            let _ = writeln!(
                out,
                "\nenum {}{}",
                e.ident,
                if untagged { " (untagged)" } else { "" }
            );
            for v in &e.variants {
                let wire = serde_rename(&v.attrs)
                    .map(|r| format!(" = \"{r}\""))
                    .unwrap_or_default();
                let payload = match &v.fields {
                    Fields::Unnamed(f) => {
                        format!(
                            "({})",
                            f.unnamed
                                .iter()
                                .map(|f| render(&f.ty))
                                .collect::<Vec<_>>()
                                .join(", ")
                        )
                    }
                    Fields::Named(_) => "{..}".to_string(),
                    Fields::Unit => String::new(),
                };
                let _ = writeln!(out, "  {}{payload}{wire}", v.ident);
            }
        }
        _ => {}
    }
}

fn module<'a>(items: &'a [Item], name: &str) -> Option<&'a ItemMod> {
    items.iter().find_map(|item| match item {
        Item::Mod(m) if m.ident == name => Some(m),
        _ => None,
    })
}

fn items(m: &ItemMod) -> Vec<Item> {
    m.content
        .as_ref()
        .map(|(_, items)| items.clone())
        .unwrap_or_default()
}

fn type_name(ty: &Type) -> String {
    match ty {
        Type::Path(p) => p
            .path
            .segments
            .last()
            .map(|s| s.ident.to_string())
            .unwrap_or_default(),
        Type::Reference(r) => type_name(&r.elem),
        _ => String::new(),
    }
}

/// `Sends a `POST` request to `/vkyc`` in the doc comment, as `POST /vkyc`.
fn method_and_path(attrs: &[Attribute]) -> Option<String> {
    let docs: String = attrs
        .iter()
        .filter(|a| a.path().is_ident("doc"))
        .filter_map(|a| match &a.meta {
            syn::Meta::NameValue(nv) => match &nv.value {
                syn::Expr::Lit(syn::ExprLit {
                    lit: syn::Lit::Str(s),
                    ..
                }) => Some(s.value()),
                _ => None,
            },
            _ => None,
        })
        .collect();
    let rest = docs.split("Sends a `").nth(1)?;
    let mut parts = rest.split('`');
    let method = parts.next()?;
    let path = parts.nth(1)?;
    Some(format!("{method} {path}"))
}

fn serde_rename(attrs: &[Attribute]) -> Option<String> {
    let mut found = None;
    for attr in attrs.iter().filter(|a| a.path().is_ident("serde")) {
        let _ = attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("rename") {
                let lit: syn::LitStr = meta.value()?.parse()?;
                found = Some(lit.value());
            } else if meta.input.peek(syn::Token![=]) {
                let _: syn::Expr = meta.value()?.parse()?;
            }
            Ok(())
        });
    }
    found
}

fn has_serde_word(attrs: &[Attribute], word: &str) -> bool {
    attrs
        .iter()
        .filter(|a| a.path().is_ident("serde"))
        .any(|a| a.to_token_stream().to_string().contains(word))
}

/// A type as a reviewer would write it: `Option<String>`, not
/// `::std::option::Option<::std::string::String>`.
fn render(ty: &Type) -> String {
    let raw: String = ty
        .to_token_stream()
        .to_string()
        .split_whitespace()
        .collect();
    let mut s = raw;
    for (long, short) in [
        ("::std::option::Option", "Option"),
        ("::std::string::String", "String"),
        ("::std::vec::Vec", "Vec"),
        ("::std::collections::HashMap", "HashMap"),
        ("::serde_json::Map", "Map"),
        ("::serde_json::Value", "Value"),
        ("::std::result::Result", "Result"),
        ("::std::num::", ""),
        ("types::", ""),
    ] {
        s = s.replace(long, short);
    }
    s.replace(",>", ">").replace(',', ", ")
}

//! A compact, reviewable description of a generated module's public surface:
//! every operation (method, path, Rust function, parameters, body and
//! response types) and every type with its fields and Rust types. This is
//! the diff a reviewer reads when Cashfree changes its documents.

use quote::ToTokens;
use std::fmt::Write;
use syn::{Attribute, Fields, File, ImplItem, Item, ItemMod, Type};

/// The public surface of one generated module.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Surface {
    pub operations: Vec<Operation>,
    pub types: Vec<TypeDef>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Operation {
    /// `POST /vkyc`
    pub route: String,
    pub function: String,
    pub params: Vec<Param>,
    pub body: Option<String>,
    /// What the method returns.
    pub response: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Param {
    pub name: String,
    pub ty: String,
    pub required: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TypeDef {
    pub name: String,
    pub kind: TypeKind,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TypeKind {
    Struct(Vec<Field>),
    /// A constrained value (typify's validated newtype).
    Newtype(String),
    Unit,
    Enum {
        untagged: bool,
        variants: Vec<Variant>,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field {
    pub name: String,
    pub ty: String,
    pub wire: Option<String>,
    /// The documented pattern, kept in the docs (the raw crate does not
    /// check it).
    pub pattern: Option<String>,
}

impl Field {
    /// Whether the field may be absent (`Option<..>`).
    pub fn optional(&self) -> bool {
        self.ty.starts_with("Option<")
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Variant {
    pub name: String,
    pub payload: String,
    pub wire: Option<String>,
}

/// Reads the surface of one generated file.
pub fn read(source: &str) -> syn::Result<Surface> {
    let file: File = syn::parse_file(source)?;
    let mut surface = Surface::default();
    for item in &file.items {
        let Item::Impl(imp) = item else { continue };
        if imp.trait_.is_some() || type_name(&imp.self_ty) != "Client" {
            continue;
        }
        for item in &imp.items {
            let ImplItem::Fn(f) = item else { continue };
            if f.sig.asyncness.is_none() {
                continue; // constructors and accessors
            }
            surface.operations.push(read_operation(f));
        }
    }
    if let Some(types) = module(&file.items, "types") {
        surface.types = items(types).iter().filter_map(read_type).collect();
    }
    Ok(surface)
}

/// Renders the surface of one generated file, as the snapshots hold it.
pub fn describe(source: &str) -> String {
    let surface = read(source).expect("generated code parses");
    let mut out = String::new();
    out.push_str("## Operations\n");
    for op in &surface.operations {
        let _ = writeln!(out, "\n{}", op.route);
        let names: Vec<&str> = op
            .params
            .iter()
            .map(|p| p.name.as_str())
            .chain(op.body.as_ref().map(|_| "body"))
            .collect();
        let _ = writeln!(out, "  fn Client::{}({})", op.function, names.join(", "));
        for p in &op.params {
            let kind = if p.required { "required" } else { "optional" };
            let _ = writeln!(out, "  param {}: {} ({kind})", p.name, p.ty);
        }
        if let Some(body) = &op.body {
            let _ = writeln!(out, "  body: {body}");
        }
        if !op.response.is_empty() {
            let _ = writeln!(out, "  -> {}", op.response);
        }
    }
    out.push_str("\n## Types\n");
    for t in &surface.types {
        match &t.kind {
            TypeKind::Struct(fields) => {
                let _ = writeln!(out, "\nstruct {}", t.name);
                for f in fields {
                    let wire = f
                        .wire
                        .as_ref()
                        .map(|r| format!(" (json \"{r}\")"))
                        .unwrap_or_default();
                    let pattern = f
                        .pattern
                        .as_ref()
                        .map(|p| format!(" (pattern {p})"))
                        .unwrap_or_default();
                    let _ = writeln!(out, "  {}: {}{wire}{pattern}", f.name, f.ty);
                }
            }
            TypeKind::Newtype(inner) => {
                let _ = writeln!(out, "\nnewtype {}({inner}) (validated)", t.name);
            }
            TypeKind::Unit => {
                let _ = writeln!(out, "\nunit struct {}", t.name);
            }
            TypeKind::Enum { untagged, variants } => {
                let _ = writeln!(
                    out,
                    "\nenum {}{}",
                    t.name,
                    if *untagged { " (untagged)" } else { "" }
                );
                for v in variants {
                    let wire = v
                        .wire
                        .as_ref()
                        .map(|r| format!(" = \"{r}\""))
                        .unwrap_or_default();
                    let _ = writeln!(out, "  {}{}{wire}", v.name, v.payload);
                }
            }
        }
    }
    out
}

/// One operation method of progenitor's positional interface: its
/// parameters in order (`Option<..>` for optional ones), then `body`.
fn read_operation(f: &syn::ImplItemFn) -> Operation {
    let mut op = Operation {
        route: method_and_path(&f.attrs).unwrap_or_else(|| "? ?".into()),
        function: f.sig.ident.to_string(),
        params: Vec::new(),
        body: None,
        response: match &f.sig.output {
            syn::ReturnType::Type(_, ty) => render(ty),
            syn::ReturnType::Default => String::new(),
        },
    };
    for input in &f.sig.inputs {
        let syn::FnArg::Typed(arg) = input else {
            continue; // &self
        };
        let name = arg.pat.to_token_stream().to_string();
        let ty = render(&arg.ty).replace("&'a", "&");
        if name == "body" {
            op.body = Some(
                ty.trim_start_matches('&')
                    .trim_start_matches("types::")
                    .to_string(),
            );
            continue;
        }
        let (required, ty) = match ty.strip_prefix("Option<").and_then(|t| t.strip_suffix('>')) {
            Some(inner) => (false, inner.to_string()),
            None => (true, ty),
        };
        op.params.push(Param { name, ty, required });
    }
    op
}

fn read_type(item: &Item) -> Option<TypeDef> {
    let (name, kind) = match item {
        Item::Struct(s) => (
            s.ident.to_string(),
            match &s.fields {
                Fields::Named(fields) => TypeKind::Struct(
                    fields
                        .named
                        .iter()
                        .map(|field| Field {
                            name: field
                                .ident
                                .as_ref()
                                .map(|i| i.to_string())
                                .unwrap_or_default(),
                            ty: render(&field.ty),
                            wire: serde_rename(&field.attrs),
                            pattern: documented_pattern(&field.attrs),
                        })
                        .collect(),
                ),
                Fields::Unnamed(fields) => TypeKind::Newtype(
                    fields
                        .unnamed
                        .iter()
                        .map(|f| render(&f.ty))
                        .collect::<Vec<_>>()
                        .join(", "),
                ),
                Fields::Unit => TypeKind::Unit,
            },
        ),
        Item::Enum(e) => (
            e.ident.to_string(),
            TypeKind::Enum {
                untagged: has_serde_word(&e.attrs, "untagged"),
                variants: e
                    .variants
                    .iter()
                    .map(|v| Variant {
                        name: v.ident.to_string(),
                        payload: match &v.fields {
                            Fields::Unnamed(f) => format!(
                                "({})",
                                f.unnamed
                                    .iter()
                                    .map(|f| render(&f.ty))
                                    .collect::<Vec<_>>()
                                    .join(", ")
                            ),
                            Fields::Named(_) => "{..}".to_string(),
                            Fields::Unit => String::new(),
                        },
                        wire: serde_rename(&v.attrs),
                    })
                    .collect(),
            },
        ),
        _ => return None,
    };
    Some(TypeDef { name, kind })
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

/// The text of each `#[doc = "…"]` attribute.
fn docs(attrs: &[Attribute]) -> impl Iterator<Item = String> + '_ {
    attrs
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
}

/// `Sends a `POST` request to `/vkyc`` in the doc comment, as `POST /vkyc`.
fn method_and_path(attrs: &[Attribute]) -> Option<String> {
    let docs: String = docs(attrs).collect();
    let rest = docs.split("Sends a `").nth(1)?;
    let mut parts = rest.split('`');
    let method = parts.next()?;
    let path = parts.nth(1)?;
    Some(format!("{method} {path}"))
}

/// The `Pattern: `…`.` line the generator writes into a field's docs.
fn documented_pattern(attrs: &[Attribute]) -> Option<String> {
    docs(attrs)
        .flat_map(|doc| {
            doc.lines()
                .filter_map(|l| {
                    l.trim()
                        .strip_prefix("Pattern: `")?
                        .strip_suffix("`.")
                        .map(str::to_owned)
                })
                .collect::<Vec<_>>()
        })
        .next()
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

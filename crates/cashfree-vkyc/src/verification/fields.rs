//! How the view's fields are declared once and read from either kind of
//! input: the generated response types (the client's path) and JSON maps
//! (webhooks, replays).
//!
//! `view!` takes the list of modeled fields, each with its type and its
//! JSON name in each family, and generates the struct, the table of names
//! (`WIRE`), the build from texts, and the equality. A generated response
//! type says which of those JSON fields it has with `fields_from!`, whose
//! names are checked against the table when the crate compiles.
//!
//! (This module and its parent use each other's items by design: the
//! parent invokes the macros, whose expansion uses the readers here.)

use super::{Api, CashfreeId, LenientTime};
use crate::lenient::text;
use crate::status::{SubStatus, VkycStatus};
use cashfree_vkyc_raw::{ppi::types as ppi_raw, verification_suite::types as vs_raw};
use serde_json::{Map, Value};

/// `-` (the family has no such field) or the field's JSON name.
macro_rules! wire {
    (-) => {
        None
    };
    ($name:literal) => {
        Some($name)
    };
}

macro_rules! view {
    (
        $(#[$meta:meta])*
        pub struct $name:ident {
            $( $(#[$fmeta:meta])* $field:ident : $ty:ty = $vs:tt / $ppi:tt ),* $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Debug)]
        #[non_exhaustive]
        pub struct $name {
            /// Which API family reported it.
            pub api: Api,
            $( $(#[$fmeta])* pub $field: $ty, )*
            raw: Raw,
            request_id: Option<String>,
        }

        /// Each modeled field's JSON name: (Verification Suite, PPI).
        const WIRE: [(Option<&str>, Option<&str>); [$(stringify!($field)),*].len()] =
            [$( ($crate::verification::fields::wire!($vs), $crate::verification::fields::wire!($ppi)) ),*];

        impl $name {
            fn build(api: Api, fields: Fields, raw: Raw, request_id: Option<String>) -> Self {
                let mut texts = fields.0.into_iter();
                $name {
                    api,
                    $( $field: $crate::verification::fields::FromText::from_text(texts.next().flatten()), )*
                    raw,
                    request_id,
                }
            }
        }

        impl PartialEq for $name {
            fn eq(&self, other: &Self) -> bool {
                self.api == other.api $( && self.$field == other.$field )* && self.raw() == other.raw()
            }
        }
    };
}

macro_rules! fields_from {
    ($ty:ty, $api:expr => $($wire:ident),* $(,)?) => {
        impl From<$ty> for Fields {
            fn from(r: $ty) -> Self {
                let mut fields = Fields::default();
                $(
                    // The row is found when the crate compiles.
                    fields.0[const { $crate::verification::fields::row($api, stringify!($wire)) }] =
                        $crate::verification::fields::IntoText::into_text(r.$wire);
                )*
                fields
            }
        }
    };
}

pub(crate) use {fields_from, view, wire};

const fn same(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
}

const fn name_in(api: Api, row: usize) -> Option<&'static str> {
    match api {
        Api::VerificationSuite => super::WIRE[row].0,
        Api::Ppi => super::WIRE[row].1,
    }
}

/// The row of the view field that `api` calls `wire`; a name the view does
/// not model stops the build.
pub(crate) const fn row(api: Api, wire: &str) -> usize {
    let mut row = 0;
    while row < super::WIRE.len() {
        if let Some(name) = name_in(api, row)
            && same(name, wire)
        {
            return row;
        }
        row += 1;
    }
    panic!("a JSON field the view does not model")
}

/// The modeled fields' texts, one per row of `WIRE`, as read.
pub(crate) struct Fields(pub(super) [Option<String>; super::WIRE.len()]);

impl Default for Fields {
    fn default() -> Self {
        Fields(std::array::from_fn(|_| None))
    }
}

impl Fields {
    /// The fields `api` documents, from a JSON object.
    pub(super) fn from_map(api: Api, map: &Map<String, Value>) -> Self {
        let mut fields = Fields::default();
        for (row, slot) in fields.0.iter_mut().enumerate() {
            *slot = name_in(api, row)
                .and_then(|name| map.get(name))
                .and_then(text);
        }
        fields
    }
}

impl Api {
    /// Whether the view models `field` for this family; every other field
    /// is [`Verification::extra`](super::Verification::extra).
    pub(super) fn models(self, field: &str) -> bool {
        (0..super::WIRE.len()).any(|row| name_in(self, row) == Some(field))
    }
}

/// A generated field's value as text.
pub(crate) trait IntoText {
    fn into_text(self) -> Option<String>;
}

impl IntoText for Option<String> {
    fn into_text(self) -> Option<String> {
        self
    }
}

impl IntoText for Option<ppi_raw::IntegerOrString> {
    fn into_text(self) -> Option<String> {
        self.map(|v| v.to_string())
    }
}

impl IntoText for Option<vs_raw::IntegerOrString> {
    fn into_text(self) -> Option<String> {
        self.map(|v| v.to_string())
    }
}

/// A view field from its text: `""` and absence read as `None`.
pub(crate) trait FromText {
    fn from_text(text: Option<String>) -> Self;
}

fn present(text: Option<String>) -> Option<String> {
    text.filter(|t| !t.is_empty())
}

impl FromText for String {
    fn from_text(text: Option<String>) -> Self {
        present(text).unwrap_or_default()
    }
}

impl FromText for Option<String> {
    fn from_text(text: Option<String>) -> Self {
        present(text)
    }
}

impl FromText for Option<CashfreeId> {
    fn from_text(text: Option<String>) -> Self {
        present(text).map(CashfreeId::from)
    }
}

impl FromText for Option<i64> {
    fn from_text(text: Option<String>) -> Self {
        text.and_then(|t| t.trim().parse().ok())
    }
}

impl FromText for Option<LenientTime> {
    fn from_text(text: Option<String>) -> Self {
        present(text).map(LenientTime::parse)
    }
}

impl FromText for VkycStatus {
    fn from_text(text: Option<String>) -> Self {
        text.as_deref().unwrap_or("").into()
    }
}

impl FromText for SubStatus {
    fn from_text(text: Option<String>) -> Self {
        text.as_deref().unwrap_or("").into()
    }
}

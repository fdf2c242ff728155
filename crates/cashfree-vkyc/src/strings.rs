//! One shape for every enum whose values are Cashfree's strings
//! (`VkycStatus`, `SubStatus`, `EventType`, the notification channels):
//! `as_str()`, `Display`, `FromStr` and `From<&str>` that cannot fail,
//! serde both ways as the text, and an `Unknown(String)` variant that keeps
//! a value this version does not know exactly as it was sent, so Cashfree
//! can add values without breaking anyone.

/// The traits of a string enum, for an enum that has `as_str(&self)` and
/// `from_code(&str) -> Self` (the generated `SubStatus` brings its own).
macro_rules! text_impls {
    ($($ty:ty),*) => {$(
        impl ::std::fmt::Display for $ty {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.pad(self.as_str())
            }
        }

        impl ::std::str::FromStr for $ty {
            type Err = ::std::convert::Infallible;
            fn from_str(s: &str) -> Result<Self, ::std::convert::Infallible> {
                Ok(<$ty>::from_code(s))
            }
        }

        impl From<&str> for $ty {
            fn from(s: &str) -> Self {
                <$ty>::from_code(s)
            }
        }

        impl From<String> for $ty {
            fn from(s: String) -> Self {
                <$ty>::from_code(&s)
            }
        }

        impl ::serde::Serialize for $ty {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $ty {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let text = <::std::borrow::Cow<'de, str> as ::serde::Deserialize>::deserialize(deserializer)?;
                Ok(<$ty>::from_code(&text))
            }
        }
    )*};
}

/// A string enum: its known values, `Unknown(String)`, and [`text_impls`].
macro_rules! string_enum {
    (
        $(#[$meta:meta])*
        $name:ident { $($(#[$vmeta:meta])* $variant:ident = $text:literal),* $(,)? }
    ) => {
        $(#[$meta])*
        #[non_exhaustive]
        #[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name {
            $(
                $(#[$vmeta])*
                #[doc = concat!("\n\n`", $text, "`")]
                $variant,
            )*
            /// A value this version does not know, exactly as Cashfree sent it.
            Unknown(String),
        }

        impl $name {
            /// The text Cashfree uses; for an unknown value, exactly what was received.
            pub fn as_str(&self) -> &str {
                match self {
                    $($name::$variant => $text,)*
                    $name::Unknown(text) => text,
                }
            }

            /// Whether this version knows the value.
            pub fn is_known(&self) -> bool {
                !matches!(self, $name::Unknown(_))
            }

            /// Every value this version knows.
            pub fn known() -> impl Iterator<Item = $name> {
                [$($name::$variant),*].into_iter()
            }

            fn from_code(text: &str) -> Self {
                match text {
                    $($text => $name::$variant,)*
                    other => $name::Unknown(other.to_owned()),
                }
            }
        }

        $crate::strings::text_impls!($name);
    };
}

pub(crate) use {string_enum, text_impls};

//! Reading Cashfree's JSON as leniently as Cashfree writes it: values as
//! text whatever their JSON type, and dates in every form it uses.

#[cfg(feature = "chrono")]
use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime};
use serde::Serialize;
use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::Value;
use std::borrow::Cow;
use std::fmt;

/// A JSON value as text, as [`TextSeed`] reads it.
pub(crate) fn text(value: &Value) -> Option<String> {
    // A `&Value` cannot fail to be read as any value.
    TextSeed.deserialize(value).ok()?.map(Cow::into_owned)
}

/// A value as text: strings as they are, numbers and booleans as their
/// JSON text, `""` and `null` (and objects, arrays) as absent. Borrowed
/// where the input holds the text as is; read from bytes (a webhook, see
/// `verification::read`) or from a parsed [`Value`] ([`text`]) alike.
pub(crate) struct TextSeed;

impl<'de> DeserializeSeed<'de> for TextSeed {
    type Value = Option<Cow<'de, str>>;

    fn deserialize<D: Deserializer<'de>>(self, de: D) -> Result<Self::Value, D::Error> {
        de.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for TextSeed {
    type Value = Option<Cow<'de, str>>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
        Ok((!v.is_empty()).then_some(Cow::Borrowed(v)))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok((!v.is_empty()).then(|| Cow::Owned(v.to_owned())))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
        Ok((!v.is_empty()).then_some(Cow::Owned(v)))
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
        Ok(Some(Cow::Borrowed(if v { "true" } else { "false" })))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        Ok(Some(Cow::Owned(v.to_string())))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        Ok(Some(Cow::Owned(v.to_string())))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
        // The text `serde_json::Number` gives, as `Value` would.
        Ok(serde_json::Number::from_f64(v).map(|n| Cow::Owned(n.to_string())))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_map<M: MapAccess<'de>>(self, mut map: M) -> Result<Self::Value, M::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(None)
    }

    fn visit_seq<S: SeqAccess<'de>>(self, mut seq: S) -> Result<Self::Value, S::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(None)
    }
}

/// `""` read as absent, as Cashfree writes absent text in webhooks and
/// some answers.
pub(crate) fn present(text: Option<String>) -> Option<String> {
    text.filter(|t| !t.is_empty())
}

/// A date or time as Cashfree wrote it, with its best reading.
///
/// Cashfree writes the same field as `2026-06-03`, `2025-08-03T00:00:00.000Z`
/// or `2025-05-06 15:04:05` depending on the API; the text is always kept.
/// With the `chrono` feature, `timestamp` and
/// `date` read it into chrono's types.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LenientTime {
    raw: String,
}

/// The reading of a [`LenientTime`].
#[cfg(feature = "chrono")]
#[cfg_attr(docsrs, doc(cfg(feature = "chrono")))]
#[non_exhaustive]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Timestamp {
    /// A date without a time (`2026-06-03`, or `03-06-2026`).
    Date(NaiveDate),
    /// A date-time with a zone (RFC 3339).
    DateTime(DateTime<FixedOffset>),
    /// A date-time without a zone (`2025-05-06 15:04:05`).
    Local(NaiveDateTime),
}

impl LenientTime {
    /// Keeps `raw`; with the `chrono` feature, it is read in any of the
    /// forms Cashfree uses when `timestamp` or `date` is called. Never
    /// fails.
    pub fn parse(raw: impl Into<String>) -> Self {
        LenientTime { raw: raw.into() }
    }

    /// The text as Cashfree sent it.
    pub fn as_str(&self) -> &str {
        &self.raw
    }

    /// The reading, if the text is in a known form.
    #[cfg(feature = "chrono")]
    #[cfg_attr(docsrs, doc(cfg(feature = "chrono")))]
    pub fn timestamp(&self) -> Option<Timestamp> {
        let s = self.raw.trim();
        // Cashfree's token expiry: `2024-02-02 17:30:00 IST`, India's
        // +05:30 (IST has no daylight saving).
        if let Some(local) = s.strip_suffix(" IST") {
            let ist = FixedOffset::east_opt(5 * 3600 + 30 * 60)?;
            return NaiveDateTime::parse_from_str(local.trim(), "%Y-%m-%d %H:%M:%S")
                .ok()
                .and_then(|t| t.and_local_timezone(ist).single())
                .map(Timestamp::DateTime);
        }
        DateTime::parse_from_rfc3339(s)
            .map(Timestamp::DateTime)
            .or_else(|_| {
                NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S%.f").map(Timestamp::Local)
            })
            .or_else(|_| {
                NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S%.f").map(Timestamp::Local)
            })
            .or_else(|_| NaiveDate::parse_from_str(s, "%Y-%m-%d").map(Timestamp::Date))
            .or_else(|_| NaiveDate::parse_from_str(s, "%d-%m-%Y").map(Timestamp::Date))
            .ok()
    }

    /// The calendar date, whatever the form.
    #[cfg(feature = "chrono")]
    #[cfg_attr(docsrs, doc(cfg(feature = "chrono")))]
    pub fn date(&self) -> Option<NaiveDate> {
        match self.timestamp()? {
            Timestamp::Date(d) => Some(d),
            Timestamp::DateTime(t) => Some(t.date_naive()),
            Timestamp::Local(t) => Some(t.date()),
        }
    }
}

impl fmt::Display for LenientTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.raw)
    }
}

impl Serialize for LenientTime {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.raw)
    }
}

#[cfg(all(test, feature = "chrono"))]
mod tests {
    use super::*;

    #[test]
    fn dates_in_every_form() {
        let d = LenientTime::parse("2026-06-03");
        assert_eq!(d.date(), NaiveDate::from_ymd_opt(2026, 6, 3));
        let t = LenientTime::parse("2025-08-03T00:00:00.000Z");
        assert!(matches!(t.timestamp(), Some(Timestamp::DateTime(_))));
        assert_eq!(t.date(), NaiveDate::from_ymd_opt(2025, 8, 3));
        let l = LenientTime::parse("2025-05-06 15:04:05");
        assert!(matches!(l.timestamp(), Some(Timestamp::Local(_))));
        let dmy = LenientTime::parse("02-02-1995");
        assert_eq!(dmy.date(), NaiveDate::from_ymd_opt(1995, 2, 2));
        let ist = LenientTime::parse("2024-02-02 17:30:00 IST");
        let Some(Timestamp::DateTime(t)) = ist.timestamp() else {
            panic!("{ist:?}")
        };
        assert_eq!(t.to_rfc3339(), "2024-02-02T17:30:00+05:30");
        let junk = LenientTime::parse("next tuesday");
        assert_eq!(junk.timestamp(), None);
        assert_eq!(junk.as_str(), "next tuesday");
    }
}

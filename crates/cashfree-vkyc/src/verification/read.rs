//! A JSON object's fields read in one pass, straight from its bytes (or
//! from a `serde_json::Value`): the names the view models, of either
//! family, and a webhook's envelope, each as leniently as Cashfree writes
//! it; every other value is checked and skipped without being built.
//!
//! Reading a webhook into `serde_json::Value` first built a map of every
//! field, the ones nobody reads included, and that was most of the cost of
//! receiving one. serde's derive cannot read one value as text whatever
//! its JSON type, nor note which identifiers a payload carries, so the two
//! visitors below are written by hand.

use super::Api;
use super::texts::Texts;
use crate::lenient::TextSeed;
use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, Visitor};
use std::borrow::Cow;
use std::cell::Cell;
use std::fmt;

/// Declares [`Name`] and the table of its JSON keys from one list.
macro_rules! names {
    ($($name:ident = $key:literal,)*) => {
        /// The names read, in the order of [`Fields`]' values.
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        #[repr(usize)]
        pub(crate) enum Name {
            $($name,)*
        }

        /// Each [`Name`]'s JSON key, at the name's index.
        const KEYS: [(&str, Name); [$($key),*].len()] = [$(($key, Name::$name),)*];

    };
}

names! {
    VerificationId = "verification_id",
    ReferenceId = "reference_id",
    CfVerificationId = "cf_verification_id",
    UserId = "user_id",
    UserReferenceId = "user_reference_id",
    Status = "status",
    SubStatus = "sub_status",
    VkycLink = "vkyc_link",
    LinkExpiry = "link_expiry",
    MeetingSchedule = "meeting_schedule",
    AgentRemarks = "agent_remarks",
    AuditorRemarks = "auditor_remarks",
    RecordingLink = "recording_link",
    EventType = "event_type",
    Type = "type",
    EventTime = "event_time",
    Version = "version",
}

impl Name {
    /// The name a key is. (A scan of the table: most keys differ from
    /// each entry in length, and measured cheaper than a `match`.)
    fn of(key: &str) -> Option<Name> {
        KEYS.iter().find(|(k, _)| *k == key).map(|(_, name)| *name)
    }

    /// Whether the view models this name for `api` (the table is
    /// `MODELED`; a test keeps the two in step).
    fn modeled_for(self, api: Api) -> bool {
        use Name::*;
        match self {
            VerificationId | UserId | Status | SubStatus | VkycLink | LinkExpiry
            | MeetingSchedule | AgentRemarks | AuditorRemarks => true,
            ReferenceId | UserReferenceId | RecordingLink => api == Api::VerificationSuite,
            CfVerificationId => api == Api::Ppi,
            EventType | Type | EventTime | Version => false,
        }
    }
}

/// What a JSON object holds under the [`Name`]s, as text.
#[derive(Debug, Default)]
pub(crate) struct Fields<'de> {
    /// Borrowed from the body where it holds the text as is (no escapes).
    values: [Option<Cow<'de, str>>; KEYS.len()],
    /// PPI's `cf_verification_id` is a key, whatever its value.
    names_ppi: bool,
    /// The Verification Suite's `reference_id` or `user_reference_id` is
    /// a key, whatever its value.
    names_suite: bool,
}

/// A webhook body's names: the envelope's, and its `data` object's.
///
/// Read into where it stands ([`Envelope::read`]), not returned: the two
/// tables are some 800 bytes, and moving them out of each visitor cost a
/// receiver more than the rest of building its event.
#[derive(Debug, Default)]
pub(crate) struct Envelope<'de> {
    pub(crate) top: Fields<'de>,
    /// `None` when the body has no `data` key.
    pub(crate) data: Option<Fields<'de>>,
}

/// Why a body is not a readable object.
#[derive(Debug)]
pub(crate) enum ReadError {
    /// Not JSON, or JSON that ends too early.
    Json(serde_json::Error),
    /// Not UTF-8 text from this byte on.
    NotUtf8(usize),
    /// JSON, but not an object.
    NotAnObject,
    /// An envelope whose `data` is not an object.
    DataNotAnObject,
}

impl<'de> Envelope<'de> {
    /// Reads a webhook body: the envelope's names, and `data`'s.
    pub(crate) fn read(&mut self, body: &'de [u8]) -> Result<(), ReadError> {
        // One check of the whole body, then serde_json reads it as text:
        // from bytes it would check each string it reads on its own, which
        // for a payload's many short strings cost more than the rest of
        // the read.
        let body = std::str::from_utf8(body).map_err(|e| ReadError::NotUtf8(e.valid_up_to()))?;
        let in_data = Cell::new(false);
        let mut de = serde_json::Deserializer::from_str(body);
        let read = de
            .deserialize_map(ObjectVisitor {
                into: &mut self.top,
                data: Some((&mut self.data, &in_data)),
            })
            .and_then(|()| de.end());
        // Only the object visitors reject a value's type; every value
        // under them is read whatever its type.
        read.map_err(|e| match e.classify() {
            serde_json::error::Category::Data if in_data.get() => ReadError::DataNotAnObject,
            serde_json::error::Category::Data => ReadError::NotAnObject,
            _ => ReadError::Json(e),
        })
    }
}

impl<'de> Fields<'de> {
    /// Reads an object already parsed; anything but an object holds no
    /// names.
    pub(crate) fn read_value(value: &'de serde_json::Value) -> Fields<'de> {
        let mut fields = Fields::default();
        let read = value.deserialize_map(ObjectVisitor {
            into: &mut fields,
            data: None,
        });
        read.map_or_else(|_| Fields::default(), |()| fields)
    }

    /// Moves one value out.
    pub(crate) fn take(&mut self, name: Name) -> Option<Cow<'de, str>> {
        self.values[name as usize].take()
    }

    /// The family the object's own identifiers name.
    pub(crate) fn named(&self) -> Option<Api> {
        if self.names_ppi {
            Some(Api::Ppi)
        } else if self.names_suite {
            Some(Api::VerificationSuite)
        } else {
            None
        }
    }

    /// Moves out the texts `api` documents.
    pub(crate) fn texts(&mut self, api: Api) -> Texts<Cow<'de, str>> {
        let mut field = |name: Name| {
            if name.modeled_for(api) {
                self.take(name)
            } else {
                None
            }
        };
        Texts {
            verification_id: field(Name::VerificationId),
            cashfree_id: field(Name::ReferenceId).or_else(|| field(Name::CfVerificationId)),
            user_id: field(Name::UserId),
            user_reference_id: field(Name::UserReferenceId),
            status: field(Name::Status),
            sub_status: field(Name::SubStatus),
            vkyc_link: field(Name::VkycLink),
            link_expiry: field(Name::LinkExpiry),
            meeting_schedule: field(Name::MeetingSchedule),
            agent_remarks: field(Name::AgentRemarks),
            auditor_remarks: field(Name::AuditorRemarks),
            recording_link: field(Name::RecordingLink),
        }
    }
}

/// Reads an object's names into `into`; with `data`, also its `data`
/// object, noting while it does so (a value that is not an object there
/// is that failure, not the body's).
struct ObjectVisitor<'a, 'de> {
    into: &'a mut Fields<'de>,
    data: Option<(&'a mut Option<Fields<'de>>, &'a Cell<bool>)>,
}

impl<'de> Visitor<'de> for ObjectVisitor<'_, 'de> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<M: MapAccess<'de>>(self, mut map: M) -> Result<(), M::Error> {
        let ObjectVisitor { into, mut data } = self;
        while let Some(key) = map.next_key_seed(KeySeed)? {
            match key {
                Key::Name(name) => {
                    match name {
                        Name::CfVerificationId => into.names_ppi = true,
                        Name::ReferenceId | Name::UserReferenceId => into.names_suite = true,
                        _ => {}
                    }
                    into.values[name as usize] = map.next_value_seed(TextSeed)?;
                }
                Key::Data => match &mut data {
                    Some((data, in_data)) => {
                        in_data.set(true);
                        map.next_value_seed(ObjectSeed(data.insert(Fields::default())))?;
                        in_data.set(false);
                    }
                    None => {
                        map.next_value::<IgnoredAny>()?;
                    }
                },
                Key::Other => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(())
    }
}

/// A nested object (a webhook's `data`), whose own `data` is just a field.
struct ObjectSeed<'a, 'de>(&'a mut Fields<'de>);

impl<'de> DeserializeSeed<'de> for ObjectSeed<'_, 'de> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, de: D) -> Result<(), D::Error> {
        de.deserialize_map(ObjectVisitor {
            into: self.0,
            data: None,
        })
    }
}

enum Key {
    Name(Name),
    Data,
    Other,
}

struct KeySeed;

impl<'de> DeserializeSeed<'de> for KeySeed {
    type Value = Key;

    fn deserialize<D: Deserializer<'de>>(self, de: D) -> Result<Key, D::Error> {
        de.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for KeySeed {
    type Value = Key;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a key")
    }

    fn visit_str<E: de::Error>(self, key: &str) -> Result<Key, E> {
        if key == "data" {
            return Ok(Key::Data);
        }
        Ok(Name::of(key).map_or(Key::Other, Key::Name))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_name_sits_at_its_index() {
        for (i, (key, name)) in KEYS.iter().enumerate() {
            assert_eq!(*name as usize, i, "{name:?}");
            assert_eq!(Name::of(key), Some(*name));
        }
        assert_eq!(Name::of("data"), None);
        assert_eq!(Name::of("Status"), None);
    }

    #[test]
    fn the_names_modeled_are_the_views_table() {
        for (api, modeled) in super::super::MODELED {
            for (key, name) in KEYS {
                assert_eq!(name.modeled_for(api), modeled.contains(&key), "{api} {key}");
            }
        }
    }

    #[test]
    fn values_read_as_text_whatever_their_type() {
        let body = br#"{"verification_id":"v1","reference_id":1358,"user_id":"",
            "status":null,"sub_status":{"a":[1]},"vkyc_link":[1,{"b":2}],
            "link_expiry":true,"meeting_schedule":1.5,"agent_remarks":"ok\u00e9",
            "unknown":{"status":"nested"},"event_type":-7}"#;
        let mut read = Envelope::default();
        read.read(body).unwrap();
        let fields = &mut read.top;
        assert_eq!(fields.named(), Some(Api::VerificationSuite));
        assert_eq!(fields.take(Name::EventType).as_deref(), Some("-7"));
        // The same names, read from a parsed value.
        let value: serde_json::Value = serde_json::from_slice(body).unwrap();
        let mut again = Fields::read_value(&value);
        assert_eq!(again.take(Name::ReferenceId).as_deref(), Some("1358"));
        assert_eq!(again.take(Name::VkycLink), None);
        assert_eq!(again.take(Name::EventType).as_deref(), Some("-7"));
        let texts = fields.texts(Api::VerificationSuite);
        assert_eq!(texts.cashfree_id.as_deref(), Some("1358"));
        assert_eq!(texts.user_id, None);
        assert_eq!(texts.status, None);
        assert_eq!(texts.sub_status, None);
        assert_eq!(texts.vkyc_link, None);
        assert_eq!(texts.link_expiry.as_deref(), Some("true"));
        assert_eq!(texts.meeting_schedule.as_deref(), Some("1.5"));
        assert_eq!(texts.agent_remarks.as_deref(), Some("oké"));
    }

    #[test]
    fn the_envelope_reads_data_apart() {
        let body =
            br#"{"status":"top","data":{"cf_verification_id":null,"status":"inner","data":1}}"#;
        let mut read = Envelope::default();
        read.read(body).unwrap();
        let mut data = read.data.unwrap();
        assert_eq!(read.top.take(Name::Status).as_deref(), Some("top"));
        assert_eq!(
            data.named(),
            Some(Api::Ppi),
            "a key names the family, even null"
        );
        assert_eq!(data.texts(Api::Ppi).status.as_deref(), Some("inner"));
    }

    #[test]
    fn failures_say_which_part_is_wrong() {
        let cases: [(&[u8], &str); 8] = [
            (b"{\"a\":\"\xff\"}", "NotUtf8(6)"),
            (b"\xc3", "NotUtf8(0)"),
            (b"[1]", "NotAnObject"),
            (b"\"text\"", "NotAnObject"),
            (br#"{"data":"x"}"#, "DataNotAnObject"),
            (br#"{"data":null}"#, "DataNotAnObject"),
            (br#"{"data":{"a":}}"#, "Json"),
            (br#"{"a":1} trailing"#, "Json"),
        ];
        for (body, expected) in cases {
            let e = Envelope::default().read(body).unwrap_err();
            assert!(format!("{e:?}").starts_with(expected), "{e:?}");
        }
        assert!(Envelope::default().read(br#"{"data":{}}"#).is_ok());
    }
}

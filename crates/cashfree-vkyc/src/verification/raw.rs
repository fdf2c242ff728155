//! The body a view or an event came from, parsed into a map only when
//! asked for: most callers never look at fields the view does not model.

use bytes::Bytes;
use serde_json::{Map, Value};
use std::sync::OnceLock;

/// Which part of the body the map is.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Part {
    /// The whole object (a response body).
    Whole,
    /// A webhook's `data`, or the whole payload when it has none.
    Data,
    /// A webhook's other top-level fields; none when it has no `data`.
    Envelope,
}

#[derive(Clone, Debug)]
pub(crate) struct Raw {
    body: Option<Bytes>,
    part: Part,
    map: OnceLock<Map<String, Value>>,
}

impl Raw {
    /// `part` of `body`, parsed on first use.
    pub(crate) fn lazy(body: Bytes, part: Part) -> Self {
        Raw {
            body: Some(body),
            part,
            map: OnceLock::new(),
        }
    }

    /// A map already parsed.
    pub(crate) fn parsed(map: Map<String, Value>) -> Self {
        Raw {
            body: None,
            part: Part::Whole,
            map: OnceLock::from(map),
        }
    }

    pub(crate) fn map(&self) -> &Map<String, Value> {
        self.map.get_or_init(|| {
            // The body was read as an object before this was built.
            let mut whole: Map<String, Value> = self
                .body
                .as_deref()
                .and_then(|b| serde_json::from_slice(b).ok())
                .unwrap_or_default();
            match self.part {
                Part::Whole => whole,
                Part::Data => match whole.remove("data") {
                    Some(Value::Object(data)) => data,
                    _ => whole,
                },
                Part::Envelope => {
                    if whole.remove("data").is_some() {
                        whole
                    } else {
                        Map::new()
                    }
                }
            }
        })
    }
}

impl PartialEq for Raw {
    fn eq(&self, other: &Self) -> bool {
        self.map() == other.map()
    }
}

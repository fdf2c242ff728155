//! A failure of the command and the exit code it deserves.

use cashfree_vkyc::Error;

/// A failure and the exit code it deserves.
pub(crate) struct Failure {
    pub(crate) code: u8,
    pub(crate) error: Option<Box<Error>>,
    pub(crate) message: String,
}

impl From<Error> for Failure {
    fn from(error: Error) -> Self {
        Failure {
            code: 1,
            message: error.to_string(),
            error: Some(Box::new(error)),
        }
    }
}

pub(crate) fn usage(message: impl Into<String>) -> Failure {
    Failure {
        code: 2,
        error: None,
        message: message.into(),
    }
}

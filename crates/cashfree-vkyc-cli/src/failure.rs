//! A failure of the command and the exit code it deserves.

use cashfree_vkyc::{BuildError, Error, WatchError};

/// A failure and the exit code it deserves.
pub(crate) struct Failure {
    pub(crate) code: u8,
    pub(crate) error: Option<Box<Error>>,
    pub(crate) message: String,
}

/// An error and its causes, one after the other: each level says what
/// happened there and leaves the cause to its source.
fn chain(error: &(dyn std::error::Error + 'static)) -> String {
    let mut message = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        message.push_str(": ");
        message.push_str(&cause.to_string());
        source = cause.source();
    }
    message
}

impl From<Error> for Failure {
    fn from(error: Error) -> Self {
        Failure {
            code: 1,
            message: chain(&error),
            error: Some(Box::new(error)),
        }
    }
}

impl From<WatchError> for Failure {
    fn from(error: WatchError) -> Self {
        match error {
            WatchError::Call(error) => error.into(),
            deadline => Failure {
                code: 1,
                message: chain(&deadline),
                error: None,
            },
        }
    }
}

impl From<BuildError> for Failure {
    fn from(error: BuildError) -> Self {
        usage(error.to_string())
    }
}

pub(crate) fn usage(message: impl Into<String>) -> Failure {
    Failure {
        code: 2,
        error: None,
        message: message.into(),
    }
}

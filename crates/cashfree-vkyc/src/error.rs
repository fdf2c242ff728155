//! The one error type every operation returns.

use std::time::Duration;

/// Everything that can go wrong in a call, in a form a caller can match on.
#[non_exhaustive]
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Cashfree answered with an error status.
    #[error(transparent)]
    Api(#[from] ApiError),

    /// The request broke a documented rule; nothing was sent.
    #[error(transparent)]
    Validation(#[from] ValidationError),

    /// No answer arrived in time. The request may or may not have been
    /// processed.
    #[error("request timed out{}", after_attempts(*.attempts))]
    Timeout {
        /// How many attempts were made.
        attempts: u32,
        /// The underlying error.
        #[source]
        source: reqwest::Error,
    },

    /// The connection failed or broke.
    #[error("transport error{}: {source}", after_attempts(*.attempts))]
    Transport {
        /// How many attempts were made.
        attempts: u32,
        /// The underlying error.
        #[source]
        source: reqwest::Error,
    },

    /// A success response whose body is not what the API documents. The
    /// body is kept as received.
    #[error("could not decode Cashfree's response: {source}; body: {body}")]
    Decode {
        /// The HTTP status of the response.
        status: u16,
        /// The raw body, as text (lossy for non-UTF-8 bytes).
        body: String,
        /// What the decoder said.
        #[source]
        source: serde_json::Error,
    },

    /// A follow-up with [`Watch`](crate::Watch) reached its deadline before
    /// the verification was final.
    #[error(
        "deadline of {waited:?} passed before the verification was final (last sub-status {last_sub_status})"
    )]
    DeadlineExceeded {
        /// How long the watch ran.
        waited: Duration,
        /// The last sub-status seen, or `""` if none.
        last_sub_status: String,
    },

    /// The client is misconfigured (a bad base URL or public key).
    #[error("configuration error: {0}")]
    Config(String),
}

fn after_attempts(attempts: u32) -> String {
    if attempts > 1 {
        format!(" after {attempts} attempts")
    } else {
        String::new()
    }
}

impl Error {
    /// Whether trying again later may succeed: rate limits, server errors,
    /// timeouts and broken connections.
    pub fn is_retryable(&self) -> bool {
        match self {
            Error::Api(e) => e.is_retryable(),
            Error::Timeout { .. } | Error::Transport { .. } => true,
            Error::Validation(_)
            | Error::Decode { .. }
            | Error::DeadlineExceeded { .. }
            | Error::Config(_) => false,
        }
    }

    /// The API error, if Cashfree answered with one.
    pub fn as_api(&self) -> Option<&ApiError> {
        match self {
            Error::Api(e) => Some(e),
            _ => None,
        }
    }
}

/// An error response from Cashfree: the HTTP status and the `{type, code,
/// message}` body exactly as sent.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("Cashfree answered {status}: {} ({})", message.as_deref().unwrap_or("no message"), code.as_deref().unwrap_or("no code"))]
#[non_exhaustive]
pub struct ApiError {
    /// The HTTP status code.
    pub status: u16,
    /// Cashfree's error type, e.g. `validation_error`, `rate_limit_error`.
    pub error_type: Option<String>,
    /// Cashfree's error code, e.g. `verification_id_not_found`.
    pub code: Option<String>,
    /// Cashfree's message.
    pub message: Option<String>,
    /// The wait Cashfree advertised (`retry-after` or `x-ratelimit-reset`).
    pub retry_after: Option<Duration>,
    /// The raw body, as text.
    pub body: String,
}

impl ApiError {
    /// Rate limits (429) and server errors (5xx).
    pub fn is_retryable(&self) -> bool {
        self.status == 429 || (500..600).contains(&self.status)
    }

    /// Whether Cashfree says the `verification_id` was used before.
    pub fn is_duplicate(&self) -> bool {
        self.status == 409
            || self
                .code
                .as_deref()
                .is_some_and(|c| c.contains("already_exist") || c.contains("duplicate"))
    }

    /// Whether Cashfree could not find the verification.
    pub fn is_not_found(&self) -> bool {
        self.status == 404
    }

    /// Reads an error answer: Cashfree's `{type, code, message}` body (also
    /// when nested under `error`), and the wait advertised in `headers`.
    /// Never fails: a body in another shape keeps only its raw text.
    pub fn parse(status: u16, headers: &http::HeaderMap, body: &[u8]) -> Self {
        #[derive(serde::Deserialize, Default)]
        struct Body {
            #[serde(rename = "type")]
            error_type: Option<serde_json::Value>,
            code: Option<serde_json::Value>,
            message: Option<serde_json::Value>,
            error: Option<Box<serde_json::Value>>,
        }
        let parsed: Body = serde_json::from_slice(body).unwrap_or_default();
        // Some responses nest the fields under `error`.
        let nested = parsed.error.as_deref();
        let pick = |own: &Option<serde_json::Value>, key: &str| {
            own.as_ref()
                .or_else(|| nested.and_then(|n| n.get(key)))
                .and_then(crate::verification::text)
        };
        ApiError {
            status,
            error_type: pick(&parsed.error_type, "type"),
            code: pick(&parsed.code, "code"),
            message: pick(&parsed.message, "message"),
            retry_after: crate::retry::advertised_wait(headers),
            body: String::from_utf8_lossy(body).into_owned(),
        }
    }
}

/// A request that breaks a documented rule. Nothing was sent.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid {field}: {rule}")]
#[non_exhaustive]
pub struct ValidationError {
    /// The field, under Cashfree's name (`verification_id`,
    /// `security_questions[1].order`).
    pub field: String,
    /// The rule it breaks.
    pub rule: String,
}

impl ValidationError {
    pub(crate) fn new(field: impl Into<String>, rule: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            rule: rule.into(),
        }
    }
}

/// The result of every operation.
pub type Result<T, E = Error> = std::result::Result<T, E>;

//! The one error type every operation returns.
//!
//! Cashfree's answers carry personal data (Aadhaar name, date of birth,
//! address), and applications log errors. So no error's `Display` ever
//! includes a response body or a value from one, and `Debug` shows at most
//! a short, marked prefix of it ([`ResponseBody`]). The body stays
//! available to a caller who asks for it, and every error that had a
//! response carries Cashfree's `x-request-id`, which its support asks for.

mod api;
mod build;

pub use api::ApiError;
pub use build::BuildError;

use std::fmt;
use std::time::Duration;

/// Everything that can go wrong in a call, in a form a caller can match on.
#[non_exhaustive]
#[derive(Debug)]
pub enum Error {
    /// Cashfree answered with an error status.
    Api(Box<ApiError>),

    /// The request broke a documented rule; nothing was sent.
    Validation(ValidationError),

    /// No answer arrived in time. The request may or may not have been
    /// processed.
    Timeout {
        /// How many attempts were made.
        attempts: u32,
        /// The host the requests went to.
        host: String,
        /// The underlying error (from the HTTP stack; its type is not part
        /// of this crate's API).
        source: BoxError,
    },

    /// The connection could not be made, or broke.
    Transport {
        /// How many attempts were made.
        attempts: u32,
        /// The host the requests went to.
        host: String,
        /// Whether no connection could be made at all (so Cashfree never
        /// saw the request).
        connect: bool,
        /// The underlying error (from the HTTP stack; its type is not part
        /// of this crate's API).
        source: BoxError,
    },

    /// A success response whose body is not what the API documents.
    Decode(Box<DecodeError>),

    /// The response was larger than the client reads
    /// ([`ClientBuilder::max_response_bytes`](crate::ClientBuilder::max_response_bytes));
    /// reading stopped there.
    ResponseTooLarge {
        /// The HTTP status of the response.
        status: u16,
        /// The limit in force, in bytes.
        limit: usize,
        /// Cashfree's `x-request-id`, if the response had one.
        request_id: Option<String>,
    },

    /// The client's [rate budget](crate::coordination::RateBudget) gave no
    /// permit within
    /// [`max_budget_wait`](crate::ClientBuilder::max_budget_wait): the
    /// attempt was not sent.
    RateLimited {
        /// When the budget expects the next permit.
        retry_after: Duration,
        /// How many attempts of this call were sent before (retries of a
        /// 429 or a 5xx), 0 if none was.
        sent: u32,
    },

    /// The client's [rate budget](crate::coordination::RateBudget) could
    /// not answer (its Redis is down, say): the attempt was not sent.
    RateBudget {
        /// How many attempts of this call were sent before, 0 if none was.
        sent: u32,
        /// What the budget's store said.
        source: crate::coordination::StoreError,
    },

    /// The 2FA signature (`x-cf-signature`) could not be made for this
    /// call; nothing was sent. The key was checked when the client was
    /// built, so this is rare.
    Signing(String),
}

/// The source of a transport error, whatever the HTTP stack's type.
pub type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// The innermost cause of an error ("Connection refused").
pub(crate) fn root_cause(e: &(dyn std::error::Error + 'static)) -> String {
    let mut root = e;
    while let Some(source) = root.source() {
        root = source;
    }
    root.to_string()
}

// Written out rather than derived: the derive's proc-macro crate is a
// compile-time cost every user of the crate pays, for a few match arms.
impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Api(e) => fmt::Display::fmt(e, f),
            Error::Validation(e) => fmt::Display::fmt(e, f),
            Error::Timeout { attempts, host, .. } => {
                write!(
                    f,
                    "request to {host} timed out{}",
                    after_attempts(*attempts)
                )
            }
            // The cause is `source()`'s to tell, so that a report that
            // walks the chain says it once.
            Error::Transport {
                attempts,
                connect,
                host,
                ..
            } => write!(
                f,
                "{} {host}{}",
                if *connect {
                    "could not connect to"
                } else {
                    "the connection failed with"
                },
                after_attempts(*attempts),
            ),
            Error::Decode(e) => fmt::Display::fmt(e, f),
            Error::ResponseTooLarge {
                status,
                limit,
                request_id,
            } => write!(
                f,
                "Cashfree's {status} response is larger than the {limit} bytes this client reads{}",
                request_id_suffix(request_id.as_deref())
            ),
            Error::RateLimited { retry_after, sent } => write!(
                f,
                "no permit from the rate budget within the client's maximum wait (the next in {retry_after:?}), so nothing was sent{}",
                sent_before(*sent)
            ),
            Error::RateBudget { sent, .. } => write!(
                f,
                "the rate budget could not answer, so nothing was sent{}",
                sent_before(*sent)
            ),
            Error::Signing(why) => write!(f, "could not sign the request (x-cf-signature): {why}"),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Timeout { source, .. } | Error::Transport { source, .. } => {
                Some(source.as_ref())
            }
            Error::RateBudget { source, .. } => Some(source),
            // The API, validation and decode errors are the whole story
            // themselves; the rest have no cause beyond their message.
            Error::Api(_)
            | Error::Validation(_)
            | Error::Decode(_)
            | Error::ResponseTooLarge { .. }
            | Error::RateLimited { .. }
            | Error::Signing(_) => None,
        }
    }
}

impl From<ValidationError> for Error {
    fn from(e: ValidationError) -> Self {
        Error::Validation(e)
    }
}

// Boxed, so that every `Result` of the crate stays small.
impl From<ApiError> for Error {
    fn from(e: ApiError) -> Self {
        Error::Api(Box::new(e))
    }
}

impl From<DecodeError> for Error {
    fn from(e: DecodeError) -> Self {
        Error::Decode(Box::new(e))
    }
}

fn after_attempts(attempts: u32) -> String {
    if attempts > 1 {
        format!(" after {attempts} attempts")
    } else {
        String::new()
    }
}

fn sent_before(sent: u32) -> String {
    match sent {
        0 => String::new(),
        1 => " (1 earlier attempt was sent)".into(),
        n => format!(" ({n} earlier attempts were sent)"),
    }
}

fn request_id_suffix(request_id: Option<&str>) -> String {
    request_id.map_or_else(String::new, |id| format!(" (request id {id})"))
}

impl Error {
    /// Whether trying again later may succeed: rate limits, server errors,
    /// timeouts and broken connections.
    pub fn is_retryable(&self) -> bool {
        match self {
            Error::Api(e) => e.is_retryable(),
            Error::Timeout { .. }
            | Error::Transport { .. }
            | Error::RateLimited { .. }
            | Error::RateBudget { .. } => true,
            Error::Validation(_)
            | Error::Decode(_)
            | Error::ResponseTooLarge { .. }
            | Error::Signing(_) => false,
        }
    }

    /// The kind of failure in one word, as OpenTelemetry's `error.type`
    /// takes it: `api` (with Cashfree's status beside it), `validation`,
    /// `timeout`, `transport`, `decode`, `response_too_large`,
    /// `rate_limited`, `rate_budget`, `signing`.
    pub fn kind(&self) -> &'static str {
        match self {
            Error::Api(_) => "api",
            Error::Validation(_) => "validation",
            Error::Timeout { .. } => "timeout",
            Error::Transport { .. } => "transport",
            Error::Decode(_) => "decode",
            Error::ResponseTooLarge { .. } => "response_too_large",
            Error::RateLimited { .. } => "rate_limited",
            Error::RateBudget { .. } => "rate_budget",
            Error::Signing(_) => "signing",
        }
    }

    /// Whether Cashfree could not find the verification (404).
    pub fn is_not_found(&self) -> bool {
        self.as_api().is_some_and(ApiError::is_not_found)
    }

    /// Whether Cashfree refused the call for its rate limit (429), or the
    /// client's rate budget gave no permit in time ([`Error::RateLimited`]).
    /// The default client retries a 429 before returning it (see
    /// [`RetryPolicy`](crate::RetryPolicy); [`RetryPolicy::none`](crate::RetryPolicy::none)
    /// returns the first).
    pub fn is_rate_limited(&self) -> bool {
        matches!(self, Error::RateLimited { .. }) || self.as_api().is_some_and(|e| e.status == 429)
    }

    /// The wait Cashfree advertised with an error answer (`retry-after` or
    /// `x-ratelimit-reset`), or the rate budget's wait for its next permit.
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            Error::RateLimited { retry_after, .. } => Some(*retry_after),
            _ => self.as_api().and_then(|e| e.retry_after),
        }
    }

    /// The API error, if Cashfree answered with one.
    pub fn as_api(&self) -> Option<&ApiError> {
        match self {
            Error::Api(e) => Some(e),
            _ => None,
        }
    }

    /// Cashfree's `x-request-id` for the response behind this error, if
    /// there was one. Cashfree's support asks for it.
    pub fn request_id(&self) -> Option<&str> {
        match self {
            Error::Api(e) => e.request_id.as_deref(),
            Error::Decode(e) => e.request_id.as_deref(),
            Error::ResponseTooLarge { request_id, .. } => request_id.as_deref(),
            _ => None,
        }
    }
}

/// A response body kept for the caller, never shown whole.
///
/// `Debug` prints its length and at most the first
/// [`DEBUG_PREFIX`](Self::DEBUG_PREFIX) bytes, marked as a prefix; there is
/// no `Display`. Read it with [`as_bytes`](Self::as_bytes) or
/// [`to_text`](Self::to_text).
#[derive(Clone, Default, PartialEq, Eq)]
pub struct ResponseBody(bytes::Bytes);

impl ResponseBody {
    /// How many bytes `Debug` shows at most.
    pub const DEBUG_PREFIX: usize = 16;

    pub(crate) fn new(body: impl Into<bytes::Bytes>) -> Self {
        ResponseBody(body.into())
    }

    /// The body, exactly as received.
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    /// The body as text (lossy for bytes that are not UTF-8).
    pub fn to_text(&self) -> std::borrow::Cow<'_, str> {
        String::from_utf8_lossy(&self.0)
    }

    /// Its length in bytes.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether the body is empty.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Debug for ResponseBody {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let shown = &self.0[..self.0.len().min(Self::DEBUG_PREFIX)];
        write!(
            f,
            "ResponseBody({} bytes, prefix {:?}{})",
            self.0.len(),
            String::from_utf8_lossy(shown),
            if shown.len() < self.0.len() {
                "…"
            } else {
                ""
            }
        )
    }
}

/// A success response whose body does not decode as the API documents.
///
/// It says where decoding failed (the field path, line and column) and
/// what kind of problem it was, but never the offending value: it may be a
/// name or a date of birth. The body is kept in [`body`](Self::body).
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct DecodeError {
    /// The HTTP status of the response.
    pub status: u16,
    /// Cashfree's `x-request-id`, if the response had one.
    pub request_id: Option<String>,
    /// What kind of problem it is, without the value.
    pub problem: DecodeProblem,
    /// The path of the field that failed (`aadhaar_details.dob`), when
    /// decoding got that far.
    pub path: Option<String>,
    /// The line of the body where decoding failed (1-based).
    pub line: usize,
    /// The column of that line (1-based).
    pub column: usize,
    /// The body, exactly as received.
    pub body: ResponseBody,
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "could not decode Cashfree's {} response{}: {}",
            self.status,
            request_id_suffix(self.request_id.as_deref()),
            self.problem
        )?;
        if let Some(path) = &self.path {
            write!(f, " at `{path}`")?;
        }
        write!(
            f,
            " (line {}, column {}; the {} byte body is kept in the error, not shown)",
            self.line,
            self.column,
            self.body.len()
        )
    }
}

impl std::error::Error for DecodeError {}

/// The kind of a [`DecodeError`].
#[non_exhaustive]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DecodeProblem {
    /// The body is not JSON.
    NotJson,
    /// The JSON ends too early.
    Truncated,
    /// A field is missing, or has a type or value the API does not document.
    UnexpectedValue,
}

impl fmt::Display for DecodeProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            DecodeProblem::NotJson => "the body is not JSON",
            DecodeProblem::Truncated => "the JSON ends too early",
            DecodeProblem::UnexpectedValue => "a field is missing or of an undocumented type",
        })
    }
}

impl DecodeError {
    /// Decodes `body` as `T`; on failure, an error that names the field
    /// path but not the value.
    pub(crate) fn check<T: serde::de::DeserializeOwned>(
        status: u16,
        request_id: Option<String>,
        body: &bytes::Bytes,
    ) -> Result<T, DecodeError> {
        let mut deserializer = serde_json::Deserializer::from_slice(body);
        let (path, inner) = match serde_path_to_error::deserialize::<_, T>(&mut deserializer) {
            Ok(value) => match deserializer.end() {
                Ok(()) => return Ok(value),
                // Trailing bytes after the JSON value.
                Err(e) => (None, e),
            },
            Err(e) => {
                let path = e.path().to_string();
                ((path != ".").then_some(path), e.into_inner())
            }
        };
        Err(DecodeError {
            status,
            request_id,
            problem: match inner.classify() {
                serde_json::error::Category::Eof => DecodeProblem::Truncated,
                serde_json::error::Category::Data => DecodeProblem::UnexpectedValue,
                _ => DecodeProblem::NotJson,
            },
            path,
            line: inner.line(),
            column: inner.column(),
            body: ResponseBody::new(body.clone()),
        })
    }
}

/// The header Cashfree puts on every response to identify it.
pub(crate) const REQUEST_ID: &str = "x-request-id";

/// A request that breaks a documented rule. Nothing was sent.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ValidationError {
    /// The field, under Cashfree's name (`verification_id`,
    /// `security_questions[1].order`).
    pub field: String,
    /// The rule it breaks.
    pub rule: String,
}

impl fmt::Display for ValidationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid {}: {}", self.field, self.rule)
    }
}

impl std::error::Error for ValidationError {}

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

#[cfg(test)]
mod tests;

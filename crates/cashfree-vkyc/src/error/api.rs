//! Cashfree's error answers.

use super::{REQUEST_ID, ResponseBody, request_id_suffix};
use std::fmt;
use std::time::Duration;

/// An error response from Cashfree: the HTTP status and the `{type, code,
/// message}` body as sent.
///
/// `Display` shows Cashfree's code and message and the request id; for a
/// body that is not Cashfree's JSON (a gateway's HTML page, say) it says
/// so, with the content type and length, and shows none of it.
#[derive(Debug, Clone, PartialEq, Eq)]
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
    /// Cashfree's `x-request-id`, if the response had one.
    pub request_id: Option<String>,
    /// The response's `content-type`, if it had one.
    pub content_type: Option<String>,
    /// The body, exactly as received.
    pub body: ResponseBody,
    /// What the client knows that may explain the answer (a PPI status
    /// path the host does not serve, say), said after the rest.
    pub hint: Option<String>,
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.fmt_answer(f)?;
        match &self.hint {
            Some(hint) => write!(f, "; {hint}"),
            None => Ok(()),
        }
    }
}

impl ApiError {
    fn fmt_answer(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let id = request_id_suffix(self.request_id.as_deref());
        if self.is_cashfree_error() {
            return write!(
                f,
                "Cashfree answered {}: {} ({}){id}",
                self.status,
                self.message.as_deref().unwrap_or("no message"),
                self.code
                    .as_deref()
                    .or(self.error_type.as_deref())
                    .unwrap_or("no code"),
            );
        }
        if self.body.is_empty() {
            return write!(
                f,
                "Cashfree answered {} with an empty body{id}",
                self.status
            );
        }
        write!(
            f,
            "Cashfree answered {} with a {} body of {} bytes, not Cashfree's JSON error{id}",
            self.status,
            self.content_type.as_deref().unwrap_or("untyped"),
            self.body.len(),
        )
    }
}

impl std::error::Error for ApiError {}

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

    /// Whether the body was Cashfree's `{type, code, message}` JSON.
    pub fn is_cashfree_error(&self) -> bool {
        self.error_type.is_some() || self.code.is_some() || self.message.is_some()
    }

    /// Reads an error answer: Cashfree's `{type, code, message}` body (also
    /// when nested under `error`), and the wait, request id and content
    /// type in `headers`. Never fails: a body in another shape keeps only
    /// its bytes.
    pub fn parse(status: u16, headers: &http::HeaderMap, body: impl Into<bytes::Bytes>) -> Self {
        #[derive(serde::Deserialize, Default)]
        struct Body {
            #[serde(rename = "type")]
            error_type: Option<serde_json::Value>,
            code: Option<serde_json::Value>,
            message: Option<serde_json::Value>,
            error: Option<Box<serde_json::Value>>,
        }
        let body = body.into();
        let parsed: Body = serde_json::from_slice(&body).unwrap_or_default();
        // Some responses nest the fields under `error`.
        let nested = parsed.error.as_deref();
        let pick = |own: &Option<serde_json::Value>, key: &str| {
            own.as_ref()
                .or_else(|| nested.and_then(|n| n.get(key)))
                .and_then(crate::lenient::text)
        };
        let header = |name: &str| {
            headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned)
        };
        ApiError {
            status,
            error_type: pick(&parsed.error_type, "type"),
            code: pick(&parsed.code, "code"),
            message: pick(&parsed.message, "message"),
            retry_after: crate::retry::advertised_wait(headers),
            request_id: header(REQUEST_ID),
            content_type: header("content-type"),
            body: ResponseBody::new(body),
            hint: None,
        }
    }
}

//! What the generated clients call at run time: the response, error and
//! hook types progenitor's code names.
//!
//! progenitor's generated code is written against its `progenitor-client`
//! crate; `cargo xtask codegen` points it here instead. The reason is the
//! build of every user of this crate: progenitor-client turns on reqwest's
//! `stream` feature (and with it tokio's `fs` and tokio-util) for
//! streamed and upgraded responses that no Cashfree document has, and sits
//! between reqwest and this crate in the build, one more crate compiled in
//! series.
//!
//! Three differences on purpose:
//! - a [`ResponseValue`] keeps the bytes it was decoded from, and every
//!   [`Error`] that had an answer keeps the answer, so a caller reads each
//!   response once;
//! - the generated code receives a [`Response`], which carries the most of
//!   its body that is read, so that every read is bounded;
//! - an [`Error`]'s `Display` and `Debug` never show a response body,
//!   which holds a customer's name, date of birth and address.
//!
//! Following a progenitor upgrade: `cargo xtask codegen` regenerates,
//! drops the imports of runtime names the Cashfree documents do not use
//! (streams, form bodies, path parameters), and drops the `api-version`
//! header progenitor adds (it fails, naming the file, if the new code adds
//! it some other way). If the new code names
//! something this module lacks, the raw crate stops compiling at that
//! name: add it here, with progenitor-client's source of the same version
//! as the reference for what it must do.

use bytes::Bytes;
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::fmt;
use std::ops::{Deref, DerefMut};

/// Which operation a request belongs to, as the generated code names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OperationInfo {
    /// The document's `operationId`, in snake case (`ppi_get_vkyc_status`).
    pub operation_id: &'static str,
}

/// What the generated operations read from their client.
pub trait ClientInfo<Inner> {
    /// The `info.version` of the document the client was generated from.
    fn api_version() -> &'static str;
    /// The base URL requests are sent to.
    fn baseurl(&self) -> &str;
    /// The HTTP client requests are sent with.
    fn client(&self) -> &reqwest::Client;
    /// The value given to the client's constructor.
    fn inner(&self) -> &Inner;
}

/// The points around each request where a client can step in; every
/// generated operation calls `pre`, then `exec`, then `post`.
#[allow(async_fn_in_trait)]
pub trait ClientHooks<Inner = ()>
where
    Self: ClientInfo<Inner>,
{
    /// Sees (and may change) the request before it is sent.
    async fn pre<E>(
        &self,
        request: &mut reqwest::Request,
        info: &OperationInfo,
    ) -> Result<(), Error<E>> {
        let _ = (request, info);
        Ok(())
    }

    /// Sees the outcome of sending, before it is decoded.
    async fn post<E>(
        &self,
        result: &reqwest::Result<Response>,
        info: &OperationInfo,
    ) -> Result<(), Error<E>> {
        let _ = (result, info);
        Ok(())
    }

    /// Sends the request.
    async fn exec(
        &self,
        request: reqwest::Request,
        info: &OperationInfo,
    ) -> reqwest::Result<Response> {
        let _ = info;
        self.client().execute(request).await.map(Response::from)
    }
}

/// A response as the generated code receives it: reqwest's, with the most
/// of its body that is read (none by default).
///
/// The limit travels with the response rather than among its extensions,
/// which would allocate a map on every call.
#[derive(Debug)]
pub struct Response {
    inner: reqwest::Response,
    limit: Option<usize>,
}

impl Response {
    /// Reads at most `limit` bytes of the body; a longer one is
    /// [`Error::ResponseTooLarge`].
    pub fn with_limit(mut self, limit: usize) -> Self {
        self.limit = Some(limit);
        self
    }

    /// The most of the body that is read, if there is a limit.
    pub fn limit(&self) -> Option<usize> {
        self.limit
    }

    /// The response's status.
    pub fn status(&self) -> reqwest::StatusCode {
        self.inner.status()
    }

    /// The response's headers.
    pub fn headers(&self) -> &reqwest::header::HeaderMap {
        self.inner.headers()
    }

    /// reqwest's response, its body not read.
    pub fn into_inner(self) -> reqwest::Response {
        self.inner
    }
}

impl From<reqwest::Response> for Response {
    /// A response whose whole body is read.
    fn from(inner: reqwest::Response) -> Self {
        Response { inner, limit: None }
    }
}

/// A response as the generated code read it: status, headers, the body
/// exactly as received, and the body decoded.
///
/// The bytes stay with the value, so a caller that needs them (a request
/// id for support, a field the document does not list) reads nothing a
/// second time.
pub struct ResponseValue<T> {
    inner: T,
    status: reqwest::StatusCode,
    headers: reqwest::header::HeaderMap,
    body: Bytes,
}

impl<T: DeserializeOwned> ResponseValue<T> {
    /// Reads the whole body (up to the response's
    /// [limit](Response::with_limit)) and decodes it as JSON.
    #[doc(hidden)]
    pub async fn from_response<E>(response: Response) -> Result<Self, Error<E>> {
        let read = ResponseValue::read(response).await?;
        match serde_json::from_slice(&read.body) {
            Ok(inner) => Ok(read.map(|()| inner)),
            Err(e) => Err(Error::InvalidResponsePayload(read, e)),
        }
    }
}

impl ResponseValue<()> {
    /// Reads a response's body, stopping as soon as it passes the
    /// response's [limit](Response::with_limit); nothing is decoded. For
    /// the answers the generated code hands back unread
    /// ([`Error::UnexpectedResponse`]).
    pub async fn read<E>(response: Response) -> Result<Self, Error<E>> {
        let Response {
            inner: mut response,
            limit,
        } = response;
        let status = response.status();
        let headers = std::mem::take(response.headers_mut());
        let over = |headers| {
            Error::ResponseTooLarge(ResponseValue::new((), status, headers), limit.unwrap_or(0))
        };
        if let Some(limit) = limit
            && response.content_length().is_some_and(|n| n > limit as u64)
        {
            return Err(over(headers));
        }
        // Most answers arrive in one chunk, which is kept as it is.
        let mut first: Option<Bytes> = None;
        let mut joined: Vec<u8> = Vec::new();
        let mut total = 0usize;
        while let Some(chunk) = response.chunk().await.map_err(Error::ResponseBodyError)? {
            total += chunk.len();
            if limit.is_some_and(|limit| total > limit) {
                return Err(over(headers));
            }
            match first.take() {
                None if joined.is_empty() => first = Some(chunk),
                earlier => {
                    if let Some(earlier) = earlier {
                        joined.extend_from_slice(&earlier);
                    }
                    joined.extend_from_slice(&chunk);
                }
            }
        }
        let body = first.unwrap_or_else(|| Bytes::from(joined));
        Ok(ResponseValue {
            inner: (),
            status,
            headers,
            body,
        })
    }
}

impl<T> ResponseValue<T> {
    /// A response value from its parts, with no body kept.
    pub fn new(inner: T, status: reqwest::StatusCode, headers: reqwest::header::HeaderMap) -> Self {
        Self {
            inner,
            status,
            headers,
            body: Bytes::new(),
        }
    }

    /// The same response with its decoded value replaced.
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> ResponseValue<U> {
        ResponseValue {
            inner: f(self.inner),
            status: self.status,
            headers: self.headers,
            body: self.body,
        }
    }

    /// The decoded body.
    pub fn into_inner(self) -> T {
        self.inner
    }

    /// The decoded body and the bytes it was decoded from.
    pub fn into_parts(self) -> (T, Bytes, reqwest::header::HeaderMap) {
        (self.inner, self.body, self.headers)
    }

    /// The response's status.
    pub fn status(&self) -> reqwest::StatusCode {
        self.status
    }

    /// The response's headers.
    pub fn headers(&self) -> &reqwest::header::HeaderMap {
        &self.headers
    }

    /// The body exactly as received (empty where none was read).
    pub fn body(&self) -> &Bytes {
        &self.body
    }

    /// Cashfree's `x-request-id`, which its support asks for.
    pub fn request_id(&self) -> Option<&str> {
        // A named constant: a `&str` key is parsed and checked on each call.
        const X_REQUEST_ID: reqwest::header::HeaderName =
            reqwest::header::HeaderName::from_static("x-request-id");
        self.headers.get(X_REQUEST_ID).and_then(|v| v.to_str().ok())
    }
}

impl<T> Deref for ResponseValue<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.inner
    }
}

impl<T> DerefMut for ResponseValue<T> {
    fn deref_mut(&mut self) -> &mut T {
        &mut self.inner
    }
}

impl<T> AsRef<T> for ResponseValue<T> {
    fn as_ref(&self) -> &T {
        &self.inner
    }
}

impl<T: fmt::Debug> fmt::Debug for ResponseValue<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ResponseValue")
            .field("status", &self.status)
            .field("inner", &self.inner)
            .field("body_len", &self.body.len())
            .finish_non_exhaustive()
    }
}

/// What a generated operation returns when it does not return its
/// documented success; `E` is the operation's documented error body.
///
/// Not `#[non_exhaustive]`: a caller (the facade first) matches every
/// variant, so a new one stops its build instead of falling into a
/// catch-all.
pub enum Error<E = ()> {
    /// The request could not be built (a header value that is not one).
    InvalidRequest(String),
    /// Sending the request failed.
    CommunicationError(reqwest::Error),
    /// A documented error status, its body decoded.
    ErrorResponse(ResponseValue<E>),
    /// Reading the response body failed.
    ResponseBodyError(reqwest::Error),
    /// The body is not the documented JSON. The response (with its body)
    /// and serde_json's error (which quotes the value it stopped at) are
    /// here for those who match on them; neither body nor value is shown
    /// by `Display`, `Debug` or `source`.
    InvalidResponsePayload(ResponseValue<()>, serde_json::Error),
    /// A status the document does not list; its body is not read yet
    /// ([`ResponseValue::read`] reads it within the limit).
    UnexpectedResponse(Response),
    /// The body is larger than the response's
    /// [limit](Response::with_limit) (the second value); reading stopped
    /// there and no body is kept.
    ResponseTooLarge(ResponseValue<()>, usize),
}

impl<E> Error<E> {
    /// The response's status, where there was a response.
    pub fn status(&self) -> Option<reqwest::StatusCode> {
        match self {
            Error::InvalidRequest(_) => None,
            Error::CommunicationError(e) | Error::ResponseBodyError(e) => e.status(),
            Error::ErrorResponse(value) => Some(value.status()),
            Error::InvalidResponsePayload(value, _) | Error::ResponseTooLarge(value, _) => {
                Some(value.status())
            }
            Error::UnexpectedResponse(response) => Some(response.status()),
        }
    }
}

impl<E> From<std::convert::Infallible> for Error<E> {
    fn from(never: std::convert::Infallible) -> Self {
        match never {}
    }
}

impl<E> From<reqwest::Error> for Error<E> {
    fn from(e: reqwest::Error) -> Self {
        Error::CommunicationError(e)
    }
}

impl<E> From<reqwest::header::InvalidHeaderValue> for Error<E> {
    fn from(e: reqwest::header::InvalidHeaderValue) -> Self {
        Error::InvalidRequest(e.to_string())
    }
}

impl<E> fmt::Display for Error<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::InvalidRequest(rule) => write!(f, "invalid request: {rule}"),
            // The cause is the source's to tell.
            Error::CommunicationError(_) => f.write_str("sending the request failed"),
            Error::ErrorResponse(value) => write!(f, "error response: {}", value.status()),
            Error::ResponseBodyError(_) => f.write_str("reading the response body failed"),
            Error::InvalidResponsePayload(value, e) => write!(
                f,
                "the {} response body ({} bytes) is not the documented JSON: {:?} error at line {}, column {}",
                value.status(),
                value.body().len(),
                e.classify(),
                e.line(),
                e.column()
            ),
            Error::UnexpectedResponse(response) => {
                write!(f, "unexpected response: {}", response.status())
            }
            Error::ResponseTooLarge(value, limit) => write!(
                f,
                "the {} response body is larger than {limit} bytes",
                value.status()
            ),
        }
    }
}

impl<E> fmt::Debug for Error<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = match self {
            Error::InvalidRequest(_) => "InvalidRequest",
            Error::CommunicationError(_) => "CommunicationError",
            Error::ErrorResponse(_) => "ErrorResponse",
            Error::ResponseBodyError(_) => "ResponseBodyError",
            Error::InvalidResponsePayload(..) => "InvalidResponsePayload",
            Error::UnexpectedResponse(_) => "UnexpectedResponse",
            Error::ResponseTooLarge(..) => "ResponseTooLarge",
        };
        write!(f, "{name}({self})")
    }
}

impl<E> std::error::Error for Error<E> {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::CommunicationError(e) | Error::ResponseBodyError(e) => Some(e),
            _ => None,
        }
    }
}

/// A value a query parameter can take: text, numbers, booleans, and any of
/// them optional (absent when `None`). Lists and objects have no single
/// form in a query string and no Cashfree operation takes one; a document
/// that adds one fails to compile here rather than at run time.
pub trait QueryValue: Serialize {}

impl QueryValue for str {}
impl QueryValue for String {}
impl QueryValue for bool {}
impl QueryValue for i32 {}
impl QueryValue for i64 {}
impl QueryValue for u32 {}
impl QueryValue for u64 {}
impl QueryValue for f64 {}
impl<T: QueryValue + ?Sized> QueryValue for &T {}
impl<T: QueryValue> QueryValue for Option<T> {}

/// One query parameter, as reqwest's `RequestBuilder::query` takes it.
#[doc(hidden)]
pub struct QueryParam<'a, T> {
    name: &'a str,
    value: &'a T,
}

impl<'a, T: QueryValue> QueryParam<'a, T> {
    #[doc(hidden)]
    pub fn new(name: &'a str, value: &'a T) -> Self {
        Self { name, value }
    }
}

/// A map of one entry, which reqwest's query serializer writes as
/// `name=value`, and leaves out when the value is `None`.
impl<T: QueryValue> Serialize for QueryParam<'_, T> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = serializer.serialize_map(Some(1))?;
        map.serialize_entry(self.name, self.value)?;
        map.end()
    }
}

#[cfg(test)]
mod tests;

//! What the generated clients call at run time: the response, error and
//! hook types progenitor's code names.
//!
//! progenitor's generated code is written against its `progenitor-client`
//! crate; `cargo xtask codegen` points it here instead. The reason is the
//! build of every user of this crate: progenitor-client turns on reqwest's
//! `stream` feature (and with it tokio's `fs` and tokio-util) for
//! streamed and upgraded responses that no Cashfree document has, and sits
//! between reqwest and this crate in the build, one more crate compiled in
//! series. What the two Cashfree families need is this module: the same
//! names, so the generated code is unchanged but for its paths.
//!
//! One difference on purpose: an [`Error`]'s `Display` and `Debug` never
//! show a response body, which holds a customer's name, date of birth and
//! address.

use bytes::Bytes;
use futures_core::Stream;
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::fmt;
use std::future::Future;
use std::ops::{Deref, DerefMut};
use std::pin::Pin;
use std::task::{Context, Poll};

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
        result: &reqwest::Result<reqwest::Response>,
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
    ) -> reqwest::Result<reqwest::Response> {
        let _ = info;
        self.client().execute(request).await
    }
}

/// A decoded response with its status and headers.
pub struct ResponseValue<T> {
    inner: T,
    status: reqwest::StatusCode,
    headers: reqwest::header::HeaderMap,
}

impl<T: DeserializeOwned> ResponseValue<T> {
    /// Reads the whole body and decodes it as JSON.
    #[doc(hidden)]
    pub async fn from_response<E>(response: reqwest::Response) -> Result<Self, Error<E>> {
        let status = response.status();
        let headers = response.headers().clone();
        let body = response.bytes().await.map_err(Error::ResponseBodyError)?;
        match serde_json::from_slice(&body) {
            Ok(inner) => Ok(Self::new(inner, status, headers)),
            Err(e) => Err(Error::InvalidResponsePayload(body, e)),
        }
    }
}

impl ResponseValue<()> {
    /// A response whose body is not read.
    #[doc(hidden)]
    pub fn empty(response: reqwest::Response) -> Self {
        Self::new((), response.status(), response.headers().clone())
    }
}

impl ResponseValue<ByteStream> {
    /// A response whose body is read as it arrives.
    #[doc(hidden)]
    pub fn stream(response: reqwest::Response) -> Self {
        let (status, headers) = (response.status(), response.headers().clone());
        Self::new(ByteStream::from_response(response), status, headers)
    }
}

impl<T> ResponseValue<T> {
    /// A response value from its parts.
    pub fn new(inner: T, status: reqwest::StatusCode, headers: reqwest::header::HeaderMap) -> Self {
        Self {
            inner,
            status,
            headers,
        }
    }

    /// The decoded body.
    pub fn into_inner(self) -> T {
        self.inner
    }

    /// The response's status.
    pub fn status(&self) -> reqwest::StatusCode {
        self.status
    }

    /// The response's headers.
    pub fn headers(&self) -> &reqwest::header::HeaderMap {
        &self.headers
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
            .finish_non_exhaustive()
    }
}

/// The chunks a [`ByteStream`] holds.
pub type BoxedChunks = Pin<Box<dyn Stream<Item = reqwest::Result<Bytes>> + Send>>;

/// A response body read chunk by chunk.
pub struct ByteStream(BoxedChunks);

type NextChunk =
    Pin<Box<dyn Future<Output = (reqwest::Response, reqwest::Result<Option<Bytes>>)> + Send>>;

/// The chunks of a response, through `Response::chunk`: reqwest's own
/// stream needs its `stream` feature, which is what this module avoids.
enum Chunks {
    Idle(reqwest::Response),
    Reading(NextChunk),
    Done,
}

impl Stream for Chunks {
    type Item = reqwest::Result<Bytes>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        loop {
            match std::mem::replace(&mut *self, Chunks::Done) {
                Chunks::Idle(mut response) => {
                    *self = Chunks::Reading(Box::pin(async move {
                        let chunk = response.chunk().await;
                        (response, chunk)
                    }));
                }
                Chunks::Reading(mut next) => match next.as_mut().poll(cx) {
                    Poll::Pending => {
                        *self = Chunks::Reading(next);
                        return Poll::Pending;
                    }
                    Poll::Ready((response, Ok(Some(chunk)))) => {
                        *self = Chunks::Idle(response);
                        return Poll::Ready(Some(Ok(chunk)));
                    }
                    Poll::Ready((_, Ok(None))) => return Poll::Ready(None),
                    Poll::Ready((_, Err(e))) => return Poll::Ready(Some(Err(e))),
                },
                Chunks::Done => return Poll::Ready(None),
            }
        }
    }
}

impl ByteStream {
    /// A stream of chunks from any source.
    pub fn new(inner: BoxedChunks) -> Self {
        Self(inner)
    }

    fn from_response(response: reqwest::Response) -> Self {
        Self(Box::pin(Chunks::Idle(response)))
    }

    /// The boxed stream.
    pub fn into_inner(self) -> BoxedChunks {
        self.0
    }
}

impl Stream for ByteStream {
    type Item = reqwest::Result<Bytes>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.0.as_mut().poll_next(cx)
    }
}

impl fmt::Debug for ByteStream {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ByteStream")
    }
}

/// What a generated operation returns when it does not return its
/// documented success; `E` is the operation's documented error body.
#[non_exhaustive]
pub enum Error<E = ()> {
    /// The request could not be built (a header value that is not one).
    InvalidRequest(String),
    /// Sending the request failed.
    CommunicationError(reqwest::Error),
    /// A documented error status, its body decoded.
    ErrorResponse(ResponseValue<E>),
    /// Reading the response body failed.
    ResponseBodyError(reqwest::Error),
    /// The body is not the documented JSON. The body and serde_json's error
    /// (which quotes the value it stopped at) are here for those who match
    /// on them; neither is shown by `Display`, `Debug` or `source`.
    InvalidResponsePayload(Bytes, serde_json::Error),
    /// A status the document does not list.
    UnexpectedResponse(reqwest::Response),
}

impl<E> Error<E> {
    /// The response's status, where there was a response.
    pub fn status(&self) -> Option<reqwest::StatusCode> {
        match self {
            Error::InvalidRequest(_) | Error::InvalidResponsePayload(..) => None,
            Error::CommunicationError(e) | Error::ResponseBodyError(e) => e.status(),
            Error::ErrorResponse(value) => Some(value.status()),
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
            Error::CommunicationError(e) => write!(f, "sending the request failed: {e}"),
            Error::ErrorResponse(value) => write!(f, "error response: {}", value.status()),
            Error::ResponseBodyError(e) => write!(f, "reading the response body failed: {e}"),
            Error::InvalidResponsePayload(body, e) => write!(
                f,
                "the response body ({} bytes) is not the documented JSON: {:?} error at line {}, column {}",
                body.len(),
                e.classify(),
                e.line(),
                e.column()
            ),
            Error::UnexpectedResponse(response) => {
                write!(f, "unexpected response: {}", response.status())
            }
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

/// The characters a path parameter is escaped for: controls, and what
/// would end or split a path segment.
const PATH_SEGMENT: &percent_encoding::AsciiSet = &percent_encoding::CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'%')
    .add(b'/')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'`')
    .add(b'{')
    .add(b'}');

/// A path parameter, escaped to stay one path segment.
#[doc(hidden)]
pub fn encode_path(segment: &str) -> String {
    percent_encoding::utf8_percent_encode(segment, PATH_SEGMENT).to_string()
}

/// Request bodies the generated code may send besides JSON.
///
/// Its error is the generated operations' own, whose size is the
/// `reqwest::Response` an unexpected status carries.
#[doc(hidden)]
#[allow(clippy::result_large_err)]
pub trait RequestBuilderExt<E> {
    /// An `application/x-www-form-urlencoded` body.
    fn form_urlencoded<T: Serialize + ?Sized>(
        self,
        body: &T,
    ) -> Result<reqwest::RequestBuilder, Error<E>>;
}

#[allow(clippy::result_large_err)]
impl<E> RequestBuilderExt<E> for reqwest::RequestBuilder {
    fn form_urlencoded<T: Serialize + ?Sized>(self, body: &T) -> Result<Self, Error<E>> {
        let body = serde_urlencoded::to_string(body)
            .map_err(|e| Error::InvalidRequest(format!("form body: {e}")))?;
        Ok(self
            .header(
                reqwest::header::CONTENT_TYPE,
                reqwest::header::HeaderValue::from_static("application/x-www-form-urlencoded"),
            )
            .body(body))
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

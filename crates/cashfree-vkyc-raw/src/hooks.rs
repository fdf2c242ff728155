//! How the generated clients execute a request: with their
//! `reqwest::Client` (or through a [`Transport`] that sees every request
//! and response), adding the headers every request carries, and reading
//! at most so much of each answer.

use crate::runtime::{ClientHooks, ClientInfo, OperationInfo, Response};
use reqwest::header::HeaderMap;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

/// The future a [`Transport`] returns.
pub type TransportFuture<'a> =
    Pin<Box<dyn Future<Output = reqwest::Result<reqwest::Response>> + Send + 'a>>;

/// Executes the HTTP exchange of a generated operation.
///
/// The generated code builds the request (URL, headers, JSON body) and
/// decodes the response; a transport decides what happens in between.
pub trait Transport: Send + Sync + 'static {
    /// Sends `request` for the operation described by `info` and returns
    /// the response the generated code will decode.
    fn execute<'a>(
        &'a self,
        client: &'a reqwest::Client,
        request: reqwest::Request,
        info: &'a OperationInfo,
    ) -> TransportFuture<'a>;
}

/// The generated clients' inner value: headers every request carries,
/// the most of a response body that is read, and an optional
/// [`Transport`].
#[derive(Clone, Default)]
pub struct Hooks {
    transport: Option<Arc<dyn Transport>>,
    headers: HeaderMap,
    body_limit: Option<usize>,
}

impl Hooks {
    /// Hooks that send every request through `transport`.
    pub fn new(transport: impl Transport) -> Self {
        Self::from_arc(Arc::new(transport))
    }

    /// Hooks that share an existing transport.
    pub fn from_arc(transport: Arc<dyn Transport>) -> Self {
        Self {
            transport: Some(transport),
            ..Self::default()
        }
    }

    /// Sets these headers on every request, in place of any of the same
    /// name: the credentials, for a `reqwest::Client` that does not send
    /// them as its default headers. Mark a secret's value sensitive
    /// (`HeaderValue::set_sensitive`) and no `Debug` shows it.
    pub fn with_headers(mut self, headers: HeaderMap) -> Self {
        self.headers = headers;
        self
    }

    /// Reads at most `limit` bytes of any response body; a longer one is
    /// [`Error::ResponseTooLarge`](crate::runtime::Error::ResponseTooLarge).
    /// Unbounded by default.
    pub fn with_body_limit(mut self, limit: usize) -> Self {
        self.body_limit = Some(limit);
        self
    }
}

impl fmt::Debug for Hooks {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The headers' names only: their values are credentials.
        f.debug_struct("Hooks")
            .field("transport", &self.transport.as_ref().map(|_| "custom"))
            .field("headers", &self.headers.keys().collect::<Vec<_>>())
            .field("body_limit", &self.body_limit)
            .finish()
    }
}

async fn execute<C: ClientInfo<Hooks>>(
    client: &C,
    mut request: reqwest::Request,
    info: &OperationInfo,
) -> reqwest::Result<Response> {
    let hooks = client.inner();
    if !hooks.headers.is_empty() {
        let headers = request.headers_mut();
        for (name, value) in &hooks.headers {
            headers.insert(name, value.clone());
        }
    }
    let response = match &hooks.transport {
        Some(transport) => transport.execute(client.client(), request, info).await?,
        None => client.client().execute(request).await?,
    };
    let response = Response::from(response);
    Ok(match hooks.body_limit {
        Some(limit) => response.with_limit(limit),
        None => response,
    })
}

macro_rules! client_hooks {
    ($($client:ty),*) => {$(
        impl ClientHooks<Hooks> for $client {
            async fn exec(
                &self,
                request: reqwest::Request,
                info: &OperationInfo,
            ) -> reqwest::Result<Response> {
                execute(self, request, info).await
            }
        }
    )*};
}

client_hooks!(crate::ppi::Client, crate::verification_suite::Client);

//! How the generated clients execute a request: by default with their
//! `reqwest::Client`, or through a [`Transport`] that sees every request and
//! response (retries, signing, tracing, recording).

use crate::runtime::{ClientHooks, ClientInfo, OperationInfo};
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

/// The generated clients' inner value: an optional [`Transport`].
#[derive(Clone, Default)]
pub struct Hooks {
    transport: Option<Arc<dyn Transport>>,
}

impl Hooks {
    /// Hooks that send every request through `transport`.
    pub fn new(transport: impl Transport) -> Self {
        Self {
            transport: Some(Arc::new(transport)),
        }
    }

    /// Hooks that share an existing transport.
    pub fn from_arc(transport: Arc<dyn Transport>) -> Self {
        Self {
            transport: Some(transport),
        }
    }
}

impl fmt::Debug for Hooks {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Hooks")
            .field("transport", &self.transport.as_ref().map(|_| "custom"))
            .finish()
    }
}

async fn execute<C: ClientInfo<Hooks>>(
    client: &C,
    request: reqwest::Request,
    info: &OperationInfo,
) -> reqwest::Result<reqwest::Response> {
    match &client.inner().transport {
        Some(transport) => transport.execute(client.client(), request, info).await,
        None => client.client().execute(request).await,
    }
}

macro_rules! client_hooks {
    ($($client:ty),*) => {$(
        impl ClientHooks<Hooks> for $client {
            async fn exec(
                &self,
                request: reqwest::Request,
                info: &OperationInfo,
            ) -> reqwest::Result<reqwest::Response> {
                execute(self, request, info).await
            }
        }
    )*};
}

client_hooks!(crate::ppi::Client, crate::verification_suite::Client);

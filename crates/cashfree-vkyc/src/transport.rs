//! What every request carries on the wire: the credentials, the
//! user-agent, and the limit on how much of the answer is read.
//!
//! Everything else about a call (retries, the rate budget, 2FA signatures,
//! what the answer means) happens in [`call`](crate::call), around each
//! generated operation.

use cashfree_vkyc_raw::runtime::BodyLimit;
use cashfree_vkyc_raw::{OperationInfo, Transport, TransportFuture};
use http::{HeaderName, HeaderValue};

const X_CLIENT_ID: HeaderName = HeaderName::from_static("x-client-id");
const X_CLIENT_SECRET: HeaderName = HeaderName::from_static("x-client-secret");
/// progenitor's own header, from the document's `info.version`; Cashfree
/// reads only `x-api-version`.
const API_VERSION: HeaderName = HeaderName::from_static("api-version");

/// The transport of both families' generated clients.
pub(crate) struct Credentials {
    pub(crate) client_id: HeaderValue,
    /// Marked sensitive, so that no `Debug` of a request shows it.
    pub(crate) client_secret: HeaderValue,
    /// Set on each request when the caller gave its own `reqwest::Client`
    /// (a client built here sends it by default).
    pub(crate) user_agent: Option<HeaderValue>,
    pub(crate) max_response_bytes: usize,
}

impl Transport for Credentials {
    fn execute<'a>(
        &'a self,
        client: &'a reqwest::Client,
        mut request: reqwest::Request,
        _info: &'a OperationInfo,
    ) -> TransportFuture<'a> {
        let headers = request.headers_mut();
        headers.remove(API_VERSION);
        headers.insert(X_CLIENT_ID, self.client_id.clone());
        headers.insert(X_CLIENT_SECRET, self.client_secret.clone());
        if let Some(agent) = &self.user_agent {
            headers.insert(http::header::USER_AGENT, agent.clone());
        }
        let limit = BodyLimit(self.max_response_bytes);
        Box::pin(async move {
            let mut response = client.execute(request).await?;
            // The generated code reads the body, within this limit.
            response.extensions_mut().insert(limit);
            Ok(response)
        })
    }
}

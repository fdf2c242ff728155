//! The client: credentials, environment, versions, timeouts and retries.

use crate::call::{CallEvent, Shared};
use crate::coordination::RateBudget;
use crate::error::{BuildError, Error, Result};
use crate::ops::{Ppi, VerificationSuite};
use crate::retry::RetryPolicy;
use crate::verification::{Verification, VerificationRef};
use crate::watch::Watch;
use cashfree_vkyc_raw::{Hooks, ppi as raw_ppi, verification_suite as raw_vs};
use http::header::USER_AGENT;
use http::{HeaderMap, HeaderName, HeaderValue};
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

/// The `x-api-version` the PPI operations send unless overridden.
pub const PPI_API_VERSION: &str = "2025-11-01";
/// The `x-api-version` the Verification Suite operations send unless
/// overridden.
pub const VERIFICATION_SUITE_API_VERSION: &str = "2024-12-01";
/// The largest response body a client reads unless told otherwise: 4 MiB,
/// far above anything Cashfree's Video KYC APIs send.
pub const DEFAULT_MAX_RESPONSE_BYTES: usize = 4 * 1024 * 1024;

/// Where Cashfree's API lives.
///
/// Two different things are called a sandbox: Cashfree's hosted test
/// environment ([`CashfreeSandbox`](Self::CashfreeSandbox), which needs a
/// Cashfree account and the network), and this project's local sandbox
/// (the `cashfree-vkyc-sandbox` crate, `cashfree-vkyc sandbox`), which
/// needs neither and is reached with [`Custom`](Self::Custom).
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Environment {
    /// `https://sandbox.cashfree.com`, Cashfree's hosted test environment
    /// (test credentials from the Cashfree dashboard).
    CashfreeSandbox,
    /// `https://api.cashfree.com`.
    Production,
    /// Another host root, such as the local sandbox (`http://127.0.0.1:8080`).
    /// The family paths (`/verification/vkyc`, `/ppi/kyc/vkyc`) are appended.
    Custom(String),
}

impl Environment {
    /// The host root.
    pub fn base_url(&self) -> &str {
        match self {
            Environment::CashfreeSandbox => "https://sandbox.cashfree.com",
            Environment::Production => "https://api.cashfree.com",
            Environment::Custom(url) => url.trim_end_matches('/'),
        }
    }
}

/// Which documented path PPI's status call uses: Cashfree's pages
/// document the same call at two paths, and which one production serves
/// is not confirmed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum PpiStatusPath {
    /// `POST /ppi/kyc/vkyc/status`, as the rendered page documents it (the
    /// default).
    #[default]
    Status,
    /// `POST /ppi/kyc/vkyc/details`, as the page's newer Markdown export
    /// ("Get Video KYC Details") documents it.
    Details,
}

impl PpiStatusPath {
    /// The path.
    pub fn as_str(self) -> &'static str {
        match self {
            PpiStatusPath::Status => "/ppi/kyc/vkyc/status",
            PpiStatusPath::Details => "/ppi/kyc/vkyc/details",
        }
    }

    fn other(self) -> Self {
        match self {
            PpiStatusPath::Status => PpiStatusPath::Details,
            PpiStatusPath::Details => PpiStatusPath::Status,
        }
    }

    /// A 404 that is not Cashfree's JSON error means the route is not
    /// there (a Cashfree 404 for an unknown verification has its code):
    /// say that the other documented path exists and how to choose it.
    pub(crate) fn explain(self, error: Error) -> Error {
        match error {
            Error::Api(mut e) if e.status == 404 && !e.is_cashfree_error() => {
                let other = self.other();
                e.hint = Some(format!(
                    "the host has no {}; Cashfree also documents this call at {}: choose it with ClientBuilder::ppi_status_path(PpiStatusPath::{other:?}) (`--ppi-status-path {}` on the command line)",
                    self.as_str(),
                    other.as_str(),
                    other.as_str().rsplit('/').next().unwrap_or_default(),
                ));
                Error::Api(e)
            }
            other => other,
        }
    }
}

/// Settings for a [`Client`]; start with [`Client::builder`].
#[must_use]
pub struct ClientBuilder {
    client_id: String,
    client_secret: String,
    environment: Environment,
    ppi_api_version: String,
    verification_suite_api_version: String,
    connect_timeout: Duration,
    timeout: Duration,
    retry: RetryPolicy,
    max_response_bytes: usize,
    http: Option<reqwest::Client>,
    budget: Option<Arc<dyn RateBudget>>,
    max_budget_wait: Duration,
    on_event: Option<crate::call::OnEvent>,
    ppi_status_path: PpiStatusPath,
    #[cfg(feature = "two-factor")]
    public_key_pem: Option<String>,
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("client_id", &self.client_id)
            .field("client_secret", &"[redacted]")
            .field("environment", &self.environment)
            .field("retry", &self.retry)
            .field("budget", &self.budget)
            .finish_non_exhaustive()
    }
}

impl ClientBuilder {
    /// The environment (default: [`Environment::CashfreeSandbox`]).
    pub fn environment(mut self, environment: Environment) -> Self {
        self.environment = environment;
        self
    }

    /// Shorthand for `environment(Environment::Custom(url))`.
    pub fn base_url(self, url: impl Into<String>) -> Self {
        self.environment(Environment::Custom(url.into()))
    }

    /// Which documented path PPI's status call uses (default
    /// [`PpiStatusPath::Status`]).
    pub fn ppi_status_path(mut self, path: PpiStatusPath) -> Self {
        self.ppi_status_path = path;
        self
    }

    /// Overrides the PPI `x-api-version` (default [`PPI_API_VERSION`]).
    pub fn ppi_api_version(mut self, version: impl Into<String>) -> Self {
        self.ppi_api_version = version.into();
        self
    }

    /// Overrides the Verification Suite `x-api-version` (default
    /// [`VERIFICATION_SUITE_API_VERSION`]).
    pub fn verification_suite_api_version(mut self, version: impl Into<String>) -> Self {
        self.verification_suite_api_version = version.into();
        self
    }

    /// How long to wait for a connection (default 10 s).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// How long one attempt may take in all (default 30 s).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// The retry policy (default [`RetryPolicy::default`]; turn retries off
    /// with [`RetryPolicy::none`]).
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// The largest response body to read, in bytes (default
    /// [`DEFAULT_MAX_RESPONSE_BYTES`]). A larger answer is not read past the
    /// limit and fails with [`Error::ResponseTooLarge`](crate::Error::ResponseTooLarge).
    pub fn max_response_bytes(mut self, limit: usize) -> Self {
        self.max_response_bytes = limit;
        self
    }

    /// Takes a permit from `budget` before every attempt, retries included
    /// (see [`RateBudget`]). Give every client of one Cashfree account the
    /// same budget: a [`LocalBudget`](crate::coordination::LocalBudget) in
    /// one process, a Redis one across processes.
    pub fn rate_budget(mut self, budget: impl RateBudget + 'static) -> Self {
        self.budget = Some(Arc::new(budget));
        self
    }

    /// [`rate_budget`](Self::rate_budget) with a budget already shared.
    pub fn shared_rate_budget(mut self, budget: Arc<dyn RateBudget>) -> Self {
        self.budget = Some(budget);
        self
    }

    /// How long an attempt may wait for a permit from the rate budget
    /// (default 30 s). When none comes in time the call fails with
    /// [`Error::RateLimited`](crate::Error::RateLimited) and nothing is sent.
    /// Longer than a year is a year.
    pub fn max_budget_wait(mut self, wait: Duration) -> Self {
        const YEAR: Duration = Duration::from_secs(365 * 86_400);
        self.max_budget_wait = wait.min(YEAR);
        self
    }

    /// Calls `on_event` between attempts: before each retry, while waiting
    /// for the rate budget, and when Cashfree's answer holds the budget
    /// (see [`CallEvent`]). It runs on the calling task, so it should be
    /// quick: count, log, or send to a channel.
    ///
    /// ```
    /// use cashfree_vkyc::{CallEvent, Client};
    ///
    /// let client = Client::builder("CF_CLIENT_ID", "CF_CLIENT_SECRET")
    ///     .on_event(|event| {
    ///         if let CallEvent::Retry { operation, wait, reason, .. } = event {
    ///             eprintln!("{operation}: {reason}; retrying in {wait:?}");
    ///         }
    ///     })
    ///     .build()?;
    /// # let _ = client;
    /// # Ok::<(), cashfree_vkyc::BuildError>(())
    /// ```
    pub fn on_event(mut self, on_event: impl Fn(&CallEvent) + Send + Sync + 'static) -> Self {
        self.on_event = Some(Arc::new(on_event));
        self
    }

    /// Uses your `reqwest::Client` (its own timeouts then apply). Build it
    /// with `redirect(reqwest::redirect::Policy::none())`, as the client's
    /// own is: reqwest keeps custom headers when it follows a redirect to
    /// another host, `x-client-secret` among them.
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http = Some(client);
        self
    }

    /// Signs every Verification Suite request with a fresh
    /// `x-cf-signature` made with this RSA public key (PEM, from the
    /// Cashfree dashboard). The alternative is IP whitelisting.
    #[cfg(feature = "two-factor")]
    #[cfg_attr(docsrs, doc(cfg(feature = "two-factor")))]
    pub fn public_key_pem(mut self, pem: impl Into<String>) -> Self {
        self.public_key_pem = Some(pem.into());
        self
    }

    /// Checks the settings and builds the client.
    pub fn build(self) -> Result<Client, BuildError> {
        let root = self.environment.base_url().to_owned();
        let url = reqwest::Url::parse(&root)
            .map_err(|e| BuildError::new("base_url", format!("{root:?}: {e}")))?;
        if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
            return Err(BuildError::new(
                "base_url",
                format!("{root:?} must be an http(s) URL with a host"),
            ));
        }
        if self.client_id.is_empty() || self.client_secret.is_empty() {
            return Err(BuildError::new(
                "credentials",
                "client id and client secret must not be empty",
            ));
        }
        let header = |name: &str, value: &str, sensitive: bool| {
            let mut v = HeaderValue::from_str(value).map_err(|_| {
                BuildError::new(
                    "credentials",
                    format!("the {name} holds characters that cannot go in a header"),
                )
            })?;
            v.set_sensitive(sensitive);
            Ok::<_, BuildError>(v)
        };
        const X_CLIENT_ID: HeaderName = HeaderName::from_static("x-client-id");
        const X_CLIENT_SECRET: HeaderName = HeaderName::from_static("x-client-secret");
        let mut credentials = HeaderMap::with_capacity(3);
        credentials.insert(X_CLIENT_ID, header("client id", &self.client_id, false)?);
        credentials.insert(
            X_CLIENT_SECRET,
            header("client secret", &self.client_secret, true)?,
        );
        credentials.insert(USER_AGENT, HeaderValue::from_static(crate::USER_AGENT));
        // A client built here sends the credentials and the user-agent as
        // its default headers; one given by the caller gets them on each
        // request.
        let (http, per_request) = match self.http {
            Some(http) => (http, credentials),
            // No redirect is followed: reqwest keeps custom headers across
            // hosts, so following one would send `x-client-secret` wherever
            // the `location` points. Cashfree's API answers; it does not
            // redirect.
            None => {
                let http = reqwest::Client::builder()
                    .connect_timeout(self.connect_timeout)
                    .timeout(self.timeout)
                    .redirect(reqwest::redirect::Policy::none())
                    .default_headers(credentials)
                    .build()
                    .map_err(|e| BuildError::new("http_client", e.to_string()))?;
                (http, HeaderMap::new())
            }
        };
        #[cfg(feature = "two-factor")]
        let signer = match &self.public_key_pem {
            Some(pem) => {
                let signer = crate::signing::Signer::from_pem(pem)?;
                // Fail now, not on the first request.
                signer
                    .sign(&self.client_id)
                    .map_err(|e| BuildError::new("public_key", e.to_string()))?;
                Some(signer)
            }
            None => None,
        };
        let hooks = Hooks::default()
            .with_headers(per_request)
            .with_body_limit(self.max_response_bytes);
        let shared = Arc::new(Shared {
            client_id: self.client_id,
            server: url.host_str().unwrap_or_default().to_owned(),
            retry: self.retry,
            budget: self.budget,
            max_budget_wait: self.max_budget_wait,
            on_event: self.on_event,
            #[cfg(feature = "two-factor")]
            signer,
        });
        let inner = Inner {
            raw_ppi: raw_ppi::Client::new_with_client(&root, http.clone(), hooks.clone()),
            raw_vs: raw_vs::Client::new_with_client(&format!("{root}/verification"), http, hooks),
            environment: self.environment,
            ppi_api_version: self.ppi_api_version,
            ppi_status_path: self.ppi_status_path,
            vs_api_version: self.verification_suite_api_version,
            shared,
        };
        Ok(Client {
            inner: Arc::new(inner),
        })
    }
}

/// A Cashfree Video KYC client for both API families.
///
/// Cheap to clone (it is an `Arc`), `Send` and `Sync`: build one and share
/// it. `Debug` shows the client id and environment, never the secret.
#[derive(Clone)]
pub struct Client {
    pub(crate) inner: Arc<Inner>,
}

pub(crate) struct Inner {
    pub(crate) environment: Environment,
    pub(crate) ppi_api_version: String,
    pub(crate) ppi_status_path: PpiStatusPath,
    pub(crate) vs_api_version: String,
    pub(crate) raw_ppi: raw_ppi::Client,
    pub(crate) raw_vs: raw_vs::Client,
    pub(crate) shared: Arc<Shared>,
}

impl Client {
    /// A client with default settings for `environment`.
    pub fn new(
        client_id: impl Into<String>,
        client_secret: impl Into<String>,
        environment: Environment,
    ) -> Result<Self, BuildError> {
        Self::builder(client_id, client_secret)
            .environment(environment)
            .build()
    }

    /// Settings for a client, starting from the defaults.
    pub fn builder(
        client_id: impl Into<String>,
        client_secret: impl Into<String>,
    ) -> ClientBuilder {
        ClientBuilder {
            client_id: client_id.into(),
            client_secret: client_secret.into(),
            environment: Environment::CashfreeSandbox,
            ppi_api_version: PPI_API_VERSION.into(),
            verification_suite_api_version: VERIFICATION_SUITE_API_VERSION.into(),
            connect_timeout: Duration::from_secs(10),
            timeout: Duration::from_secs(30),
            retry: RetryPolicy::default(),
            max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES,
            http: None,
            budget: None,
            max_budget_wait: Duration::from_secs(30),
            on_event: None,
            ppi_status_path: PpiStatusPath::Status,
            #[cfg(feature = "two-factor")]
            public_key_pem: None,
        }
    }

    /// The PPI Video KYC operations (`/ppi/kyc/vkyc`).
    pub fn ppi(&self) -> Ppi<'_> {
        Ppi { client: self }
    }

    /// The Verification Suite Video KYC operations (`/verification/vkyc`).
    pub fn verification_suite(&self) -> VerificationSuite<'_> {
        VerificationSuite { client: self }
    }

    /// The current status of any verification, whichever its family.
    ///
    /// ```no_run
    /// use cashfree_vkyc::{Client, Environment, VerificationRef};
    ///
    /// # async fn run(client: Client) -> Result<(), cashfree_vkyc::Error> {
    /// let v = client.status(&VerificationRef::ppi("vkyc_0001", "USER827364")).await?;
    /// println!("{} {}", v.sub_status, v.outcome());
    /// # Ok(()) }
    /// ```
    pub async fn status(&self, verification: &VerificationRef) -> Result<Verification> {
        match verification {
            VerificationRef::Ppi {
                verification_id,
                user_id,
            } => self.ppi().status(verification_id, user_id).await,
            VerificationRef::VerificationSuite { verification_id } => {
                self.verification_suite().status(verification_id).await
            }
        }
    }

    /// Follows any verification until it is final; see [`Watch`].
    pub fn watch(&self, verification: VerificationRef) -> Watch {
        Watch::new(self.clone(), verification)
    }

    /// The environment the client talks to.
    pub fn environment(&self) -> &Environment {
        &self.inner.environment
    }
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("client_id", &self.inner.shared.client_id)
            .field("client_secret", &"[redacted]")
            .field("environment", &self.inner.environment)
            .finish_non_exhaustive()
    }
}

//! How the sandbox behaves.

use crate::lifecycle::Scenario;
use std::time::Duration;

/// How a webhook delivery is signed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
#[non_exhaustive]
pub enum WebhookSigning {
    /// `x-webhook-signature` = base64(HMAC-SHA256(secret,
    /// `x-webhook-timestamp` + raw body)): PPI, and Cashfree's current
    /// Secure ID (Verification Suite) pages.
    #[default]
    Headers,
    /// A `signature` field in the body = base64(HMAC-SHA256(secret, the
    /// values of `data` in key order)): older Verification Suite pages.
    Body,
}

/// How the sandbox behaves.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct SandboxConfig {
    /// Accept only these credentials (client id, client secret); by
    /// default any non-empty pair is accepted. Webhooks are signed with the
    /// client secret the verification was created with, as Cashfree signs
    /// with the merchant's secret.
    pub credentials: Option<(String, String)>,
    /// Deliver every change as a webhook to this URL.
    pub webhook_url: Option<String>,
    /// Deliver every webhook twice, as Cashfree sometimes does.
    pub duplicate_webhooks: bool,
    /// How Verification Suite webhooks are signed (PPI's are always
    /// signed in the headers).
    pub verification_suite_signing: WebhookSigning,
    /// Advance every unfinished verification one step at this interval.
    pub auto_advance: Option<Duration>,
    /// The scenario of a verification created without one.
    pub default_scenario: Scenario,
    /// The share (0 to 1) of API requests that fail at random with a 429
    /// or a 500.
    pub fault_rate: f64,
    /// The port to listen on (0, the default, picks a free one).
    pub port: u16,
    /// Serve at most this many API requests per client id per calendar
    /// minute, answering 429 beyond; `None` (the default) for no limit.
    pub rate_limit_per_minute: Option<u32>,
    /// Deliver every webhook to these URLs too.
    pub more_webhook_urls: Vec<String>,
    /// Attempts per webhook delivery before giving up (default 5), the
    /// waits between them doubling from 50 ms up to 1 s.
    pub webhook_attempts: u32,
    /// Entries the console's history keeps (default 10,000): transitions,
    /// API requests, delivery attempts, users and tokens. Past it the
    /// oldest are dropped, and the console says how many.
    pub history_limit: usize,
}

impl Default for SandboxConfig {
    fn default() -> Self {
        SandboxConfig {
            credentials: None,
            webhook_url: None,
            duplicate_webhooks: false,
            verification_suite_signing: WebhookSigning::default(),
            auto_advance: None,
            default_scenario: Scenario::default(),
            fault_rate: 0.0,
            port: 0,
            rate_limit_per_minute: None,
            more_webhook_urls: Vec::new(),
            webhook_attempts: 5,
            history_limit: 10_000,
        }
    }
}

impl SandboxConfig {
    /// Serve at most `per_minute` API requests per client id per minute
    /// (`None`: no limit). Changeable while running with
    /// `POST /__sandbox/rate-limit`.
    pub fn rate_limit_per_minute(mut self, per_minute: Option<u32>) -> Self {
        self.rate_limit_per_minute = per_minute;
        self
    }

    /// Deliver every webhook to `url` as well as to the
    /// [`webhook_url`](Self::webhook_url): several receivers of one
    /// account, as when many instances share a load balancer's retries.
    pub fn also_webhook_url(mut self, url: impl Into<String>) -> Self {
        self.more_webhook_urls.push(url.into());
        self
    }

    /// Attempts per webhook delivery before giving up (at least 1).
    pub fn webhook_attempts(mut self, attempts: u32) -> Self {
        self.webhook_attempts = attempts.max(1);
        self
    }

    /// Accept only these credentials.
    pub fn credentials(
        mut self,
        client_id: impl Into<String>,
        client_secret: impl Into<String>,
    ) -> Self {
        self.credentials = Some((client_id.into(), client_secret.into()));
        self
    }

    /// Deliver webhooks to `url`.
    pub fn webhook_url(mut self, url: impl Into<String>) -> Self {
        self.webhook_url = Some(url.into());
        self
    }

    /// Deliver every webhook twice.
    pub fn duplicate_webhooks(mut self, on: bool) -> Self {
        self.duplicate_webhooks = on;
        self
    }

    /// How Verification Suite webhooks are signed.
    pub fn verification_suite_signing(mut self, signing: WebhookSigning) -> Self {
        self.verification_suite_signing = signing;
        self
    }

    /// Advance verifications on a timer.
    pub fn auto_advance(mut self, every: Duration) -> Self {
        self.auto_advance = Some(every);
        self
    }

    /// The scenario for verifications created without one.
    pub fn default_scenario(mut self, scenario: Scenario) -> Self {
        self.default_scenario = scenario;
        self
    }

    /// Fail this share of API requests at random.
    pub fn fault_rate(mut self, rate: f64) -> Self {
        self.fault_rate = rate.clamp(0.0, 1.0);
        self
    }

    /// Keep at most this many entries of history for the console (at
    /// least 1).
    pub fn history_limit(mut self, entries: usize) -> Self {
        self.history_limit = entries.max(1);
        self
    }

    /// Listen on this port.
    pub fn port(mut self, port: u16) -> Self {
        self.port = port;
        self
    }
}

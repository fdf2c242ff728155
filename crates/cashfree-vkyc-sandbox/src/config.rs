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
#[derive(Clone, Debug, Default)]
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
}

impl SandboxConfig {
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

    /// Listen on this port.
    pub fn port(mut self, port: u16) -> Self {
        self.port = port;
        self
    }
}

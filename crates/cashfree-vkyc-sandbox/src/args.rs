//! The sandbox's command-line options, shared by the
//! `cashfree-vkyc-sandbox` binary and `cashfree-vkyc sandbox`, so the two
//! cannot drift apart.

use crate::config::{SandboxConfig, WebhookSigning};
use crate::lifecycle::Scenario;
use std::time::Duration;

/// The control endpoints, for `--help`: what the console's buttons use,
/// and what a script can use.
pub const CONTROL_HELP: &str = "\
Console: open /__sandbox/console in a browser (printed on start-up).

Control endpoints ({family} is ppi or verification_suite; the forms without
it work when one family has the id):
  POST   /__sandbox/{family}/verifications/{id}/scenario  {\"scenario\": NAME}
  POST   /__sandbox/{family}/verifications/{id}/advance
  POST   /__sandbox/{family}/verifications/{id}/run-to-end
  POST   /__sandbox/faults  {\"fault\": F, \"operation\": OP, \"count\": N}
  GET    /__sandbox/faults        DELETE /__sandbox/faults
  POST   /__sandbox/deliveries/{delivery_id}/redeliver
  GET    /__sandbox/verifications, /__sandbox/stats, /__sandbox/rate-limit
Scenarios: approved, auditor_rejected, agent_rejected, user_dropped_off,
  link_expired, proxy_detected, scheduled
Faults: rate_limited (retry_after_ms), server_error, delay (ms),
  drop_after_processing; count is at least 1 (default 1)
Operations: verification_suite_initiate, verification_suite_status,
  ppi_initiate, ppi_status, ppi_details, verification_suite_create_user,
  verification_suite_get_user, verification_suite_update_user,
  verification_suite_sdk_token (leave out for any)
Requests that change something are refused from another origin, and any
request whose Host is not a loopback name.";

/// How to run the sandbox.
#[derive(clap::Args, Clone, Debug)]
pub struct SandboxArgs {
    /// Port to listen on (0 picks a free one).
    #[arg(long, default_value_t = 0)]
    pub port: u16,
    /// Deliver webhooks to this URL.
    #[arg(long)]
    pub webhook_url: Option<String>,
    /// Advance every verification one step at this interval.
    #[arg(long)]
    pub auto_advance_ms: Option<u64>,
    /// Deliver every webhook twice, as Cashfree sometimes does.
    #[arg(long)]
    pub duplicate_webhooks: bool,
    /// How Verification Suite webhooks are signed: in the headers, as
    /// Cashfree's current pages say, or in the body, as older ones did.
    #[arg(long, value_enum, default_value_t = WebhookSigning::Headers)]
    pub verification_suite_signing: WebhookSigning,
    /// The path a verification takes when nothing else is asked for.
    #[arg(long, value_enum, default_value_t = Scenario::Approved)]
    pub default_scenario: Scenario,
    /// The share (0 to 1) of API requests that fail at random with a 429 or a 500.
    #[arg(long, default_value_t = 0.0)]
    pub fault_rate: f64,
    /// Serve at most this many API requests per client id per minute, as
    /// Cashfree's per-account limit does (429 beyond, with
    /// `x-ratelimit-*` headers). Changeable while running with
    /// `POST /__sandbox/rate-limit {"per_minute": N}`.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub rate_limit_per_minute: Option<u32>,
    /// Deliver webhooks to this URL as well (repeatable): several
    /// receivers of one account.
    #[arg(long, value_name = "URL")]
    pub also_webhook_url: Vec<String>,
    /// Attempts per webhook delivery before giving up.
    #[arg(long, default_value_t = 5, value_parser = clap::value_parser!(u32).range(1..))]
    pub webhook_attempts: u32,
    /// Entries of history the console keeps (the oldest are dropped
    /// beyond it).
    #[arg(long, default_value_t = 10_000, value_parser = clap::value_parser!(u64).range(1..))]
    pub history_limit: u64,
}

impl SandboxArgs {
    /// The configuration these options describe; `credentials`, when
    /// given, are the only ones accepted.
    pub fn config(&self, credentials: Option<(String, String)>) -> SandboxConfig {
        let mut config = SandboxConfig::default()
            .port(self.port)
            .duplicate_webhooks(self.duplicate_webhooks)
            .verification_suite_signing(self.verification_suite_signing)
            .default_scenario(self.default_scenario)
            .fault_rate(self.fault_rate)
            .rate_limit_per_minute(self.rate_limit_per_minute)
            .webhook_attempts(self.webhook_attempts)
            .history_limit(usize::try_from(self.history_limit).unwrap_or(usize::MAX));
        for url in &self.also_webhook_url {
            config = config.also_webhook_url(url);
        }
        if let Some((id, secret)) = credentials {
            config = config.credentials(id, secret);
        }
        if let Some(url) = &self.webhook_url {
            config = config.webhook_url(url);
        }
        if let Some(ms) = self.auto_advance_ms {
            config = config.auto_advance(Duration::from_millis(ms));
        }
        config
    }
}

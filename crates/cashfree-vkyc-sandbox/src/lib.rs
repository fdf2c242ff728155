//! A local, stateful stand-in for Cashfree's Video KYC APIs.
//!
//! It serves the Video KYC operations at Cashfree's paths (both families'
//! initiate and status, PPI's status at both documented paths, and the
//! Verification Suite's Create, Get and Update User and SDK auth token)
//! and answers with Cashfree's status codes and `{type, code, message}`
//! bodies, keeps every verification and every client's users in memory, moves it through a lifecycle chosen per
//! verification ([`Scenario`]), delivers signed webhooks, and fails on
//! demand ([`Fault`]). No account and no network are needed.
//!
//! It is a second, independent reading of Cashfree's documents, so that a
//! client tested against it is checked against the documents and not
//! against itself: requests are validated against the normalized OpenAPI
//! specs with a JSON Schema validator, the few rules no schema can carry
//! are stated here with the page they come from, and webhooks are signed
//! from the published algorithms. It shares nothing with the SDK but the
//! status table, as data.
//!
//! ```
//! use cashfree_vkyc_sandbox::{Family, Sandbox, Scenario};
//! use serde_json::{Value, json};
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let sandbox = Sandbox::start().await?;
//! // Any client works; the scenario can be chosen before the verification exists.
//! sandbox.plan(Family::Ppi, "vkyc_1", Scenario::LinkExpired);
//! let created: Value = reqwest::Client::new()
//!     .post(format!("{}/ppi/kyc/vkyc", sandbox.base_url()))
//!     .header("x-client-id", "id")
//!     .header("x-client-secret", "secret")
//!     .header("x-api-version", "2025-11-01")
//!     .json(&json!({"user_id": "USER1", "verification_id": "vkyc_1"}))
//!     .send()
//!     .await?
//!     .json()
//!     .await?;
//! assert_eq!(created["sub_status"], "LINK_GENERATED");
//!
//! assert_eq!(sandbox.run_to_end((Family::Ppi, "vkyc_1"))?, "VKYC_EXPIRED");
//! # Ok(()) }
//! ```
//!
//! To test a service of your own, give the sandbox its webhook URL and
//! `duplicate_webhooks(true)`, point the service's client at
//! `base_url()`, plan each customer's scenario and run it to the end: the
//! receiver gets every event twice and in any order, as it may from
//! Cashfree. The `cashfree-vkyc` crate's `examples/service.rs` is a whole
//! service tested that way (`cargo run -p cashfree-vkyc --features axum
//! --example service`).
//!
//! Control endpoints live under `/__sandbox/`, a path Cashfree never uses.
//! `{family}` is `ppi` or `verification_suite`; the forms without it work
//! when only one family has the id, and answer 409 when both do.
//!
//! | request | effect |
//! |---|---|
//! | `POST /__sandbox/{family}/verifications/{id}/scenario` `{"scenario": "agent_rejected"}` | choose the path (of a verification not created yet, too) |
//! | `POST /__sandbox/{family}/verifications/{id}/advance` | move one step |
//! | `POST /__sandbox/{family}/verifications/{id}/run-to-end` | move until final |
//! | `POST /__sandbox/verifications/{id}/...` | the same, by id alone |
//! | `POST /__sandbox/faults` `{"fault": "rate_limited", "retry_after_ms": 100, "operation": "ppi_status", "count": 1}` | queue faults; answers with the rule installed |
//! | `GET /__sandbox/faults`, `DELETE /__sandbox/faults` | list the faults queued, clear them (a `count` of 0 is refused) |
//! | `POST /__sandbox/deliveries/{delivery_id}/redeliver` | send a delivery again, signed afresh |
//! | `GET /__sandbox/verifications` | every verification, newest first |
//! | `GET /__sandbox/stats` | request, verification and webhook counts, and the last delivery error |
//! | `GET /__sandbox/console` | the console: verifications, timelines, deliveries, buttons ([`SandboxHandle::console_url`]) |
//!
//! These endpoints answer only requests whose `Host` is a loopback name,
//! and refuse a request that changes something when it comes from another
//! origin (`Origin`, `Sec-Fetch-Site`): a web page elsewhere cannot drive
//! a sandbox on a developer's machine through the browser.
//!
//! An initiate request may also carry `x-sandbox-scenario: NAME`.

mod api;
mod args;
mod config;
mod console;
mod control;
mod history;
mod lifecycle;
mod model;
mod ratelimit;
mod server;
mod spec;
mod state;
mod table;
mod users;
mod webhooks;

pub use args::{CONTROL_HELP, SandboxArgs};
pub use config::{SandboxConfig, WebhookSigning};
pub use lifecycle::{Scenario, event_for};
pub use model::{ControlError, Family, Fault, Key, Operation, Stats};
pub use ratelimit::MinuteCount;
pub use server::{Sandbox, SandboxHandle};
pub use table::{is_final, status_for};

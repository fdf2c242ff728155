//! A local, stateful stand-in for Cashfree's Video KYC APIs.
//!
//! It serves the four operations at Cashfree's paths and answers with
//! Cashfree's status codes and `{type, code, message}` bodies, keeps every
//! verification in memory, moves it through a lifecycle chosen per
//! verification ([`Scenario`]), delivers signed webhooks, and fails on
//! demand ([`Fault`]). No account and no network are needed.
//!
//! ```
//! use cashfree_vkyc::{Client, Environment, PpiInitiateRequest};
//! use cashfree_vkyc_sandbox::{Sandbox, Scenario};
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let sandbox = Sandbox::start().await?;
//! let client = Client::new("id", "secret", Environment::Custom(sandbox.base_url().into()))?;
//!
//! let v = client.ppi().initiate(&PpiInitiateRequest::new("USER1", "vkyc_1")).await?;
//! assert_eq!(v.sub_status.as_str(), "LINK_GENERATED");
//!
//! sandbox.set_scenario("vkyc_1", Scenario::LinkExpired);
//! sandbox.advance("vkyc_1");
//! let v = client.ppi().status("USER1", "vkyc_1").await?;
//! assert_eq!(v.sub_status.as_str(), "VKYC_EXPIRED");
//! assert!(v.is_final());
//! # Ok(()) }
//! ```
//!
//! Control endpoints live under `/__sandbox/`, a path Cashfree never uses:
//!
//! | request | effect |
//! |---|---|
//! | `POST /__sandbox/verifications/{id}/scenario` `{"scenario": "agent_rejected"}` | choose the path |
//! | `POST /__sandbox/verifications/{id}/advance` | move one step |
//! | `POST /__sandbox/faults` `{"fault": "rate_limited", "retry_after_ms": 100, "operation": "ppi_status", "count": 1}` | queue faults |
//! | `GET /__sandbox/stats` | request and verification counts |
//!
//! An initiate request may also carry `x-sandbox-scenario: NAME`.

mod lifecycle;
mod server;
mod webhooks;

pub use lifecycle::{Scenario, event_for, status_for};
pub use server::{Fault, Operation, Sandbox, SandboxConfig, Stats, WebhookSigning};

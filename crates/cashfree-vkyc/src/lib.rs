//! A typed client for Cashfree's Video KYC (VKYC) APIs: the Verification
//! Suite (`/verification/vkyc`) and PPI (`/ppi/kyc/vkyc`) families behind
//! one [`Client`].
//!
//! - Requests are validated before anything is sent ([`ValidationError`]
//!   names the field and the rule).
//! - Responses of both families, and webhooks, become one [`Verification`]
//!   view; `status` and `sub_status` are enums that keep unknown values
//!   verbatim and know their [`Phase`], description, recommended action
//!   and [`Outcome`].
//! - Rate limits, server errors and broken connections are retried with
//!   bounded exponential backoff ([`RetryPolicy`]); `initiate` is exactly
//!   once even when an answer is lost.
//! - Verification Suite requests can carry a fresh 2FA `x-cf-signature`
//!   (feature `two-factor`).
//! - [`webhook`] verifies and parses Cashfree's webhook deliveries.
//! - Many instances, one account ([`coordination`]): a shared
//!   [`RateBudget`] the client draws on before every attempt, exactly-once
//!   webhook processing over a [`DeliveryLog`] ([`webhook::ExactlyOnce`]),
//!   and a [`Follower`] for many open verifications. The in-process
//!   implementations are here; Redis ones are in `cashfree-vkyc-redis`.
//!
//! ```
//! use cashfree_vkyc::{Client, Environment, Channel, Outcome, PpiInitiateRequest};
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! # let sandbox = cashfree_vkyc_sandbox::Sandbox::start().await?;
//! # let environment = Environment::Custom(sandbox.base_url().into());
//! // With a Cashfree account: Environment::CashfreeSandbox or Environment::Production.
//! let client = Client::new("CF_CLIENT_ID", "CF_CLIENT_SECRET", environment)?;
//!
//! let request = PpiInitiateRequest::new("vkyc_0001", "USER827364")
//!     .notification_mode(Channel::Sms)
//!     .security_question("What is your father's name?", "John Snow");
//! let verification = client.ppi().initiate(&request).await?;
//! println!("send the user to {:?}", verification.vkyc_link);
//!
//! let now = client.ppi().status("vkyc_0001", "USER827364").await?;
//! assert_eq!(now.sub_status.as_str(), "LINK_GENERATED");
//! assert_eq!(now.outcome(), Outcome::InProgress);
//! println!("{}: {}", now.phase(), now.sub_status.recommended_action().unwrap_or("wait"));
//! # Ok(()) }
//! ```
//!
//! This example runs against the local sandbox (the
//! `cashfree-vkyc-sandbox` crate), which behaves like Cashfree without an
//! account or a network; `examples/` has more.
//!
//! The client sends nothing anywhere but the configured Cashfree host, and
//! its `Debug` output never shows the secret.
//!
//! # Features
//!
//! | feature | default | what it adds |
//! |---|---|---|
//! | `rustls` | yes | TLS through rustls (reqwest's default TLS) |
//! | `chrono` | no | `LenientTime::timestamp` and `LenientTime::date`: Cashfree's dates and times read into chrono's types (`Timestamp`) |
//! | `two-factor` | no | `ClientBuilder::public_key_pem` and `Signer`: a fresh 2FA `x-cf-signature` on every Verification Suite request, for servers whose IP is not whitelisted with Cashfree |
//! | `axum` | no | `webhook::axum::VerifiedWebhook`, an extractor that verifies a delivery before the handler runs, and `webhook::axum::ClaimedWebhook`, one that also claims it in a delivery log |
//!
//! (The items a feature adds are linked from its docs on docs.rs, which
//! builds with every feature.)
//!
//! # Errors and retries
//!
//! Every operation returns [`Error`]. The default client retries rate
//! limits (429), server errors and broken connections with bounded
//! backoff, honouring Cashfree's `retry-after`, before returning them: use
//! [`RetryPolicy::none`] to see the first answer. [`Error::is_not_found`],
//! [`Error::is_rate_limited`] and [`Error::retry_after`] answer the common
//! questions; [`Error::request_id`] is what Cashfree's support asks for.
//! What cannot be built ([`ClientBuilder::build`]) is a [`BuildError`]
//! instead, never a call's error. Between attempts the client reports
//! what it does ([`CallEvent`], through [`ClientBuilder::on_event`]), and
//! each call runs in a `tracing` span named with OpenTelemetry's HTTP
//! client attributes (`http.request.method`, `server.address`,
//! `http.response.status_code`, `http.request.resend_count`,
//! `error.type`), the operation and Cashfree's `request_id`; never a
//! secret or a body.
//!
//! # How data flows
//!
//! A status response, file by file:
//!
//! 1. `ops.rs` validates the ids and hands `call.rs` a closure that
//!    calls the generated operation.
//! 2. `call.rs` takes a permit from the rate budget, makes a fresh 2FA
//!    signature, and calls the generated operation, once per attempt.
//! 3. The generated code (in `cashfree-vkyc-raw`) builds the request and
//!    sends it with the credentials (`client.rs` set them up); the raw
//!    runtime reads the body once, within the body limit, and decodes it
//!    into the generated type, keeping the bytes.
//! 4. `call.rs` reads the outcome: a success, a retry after a wait, or an
//!    [`Error`] that carries the answer (status, request id, body).
//! 5. `verification/` moves the generated fields into [`Verification`],
//!    with the body kept for [`Verification::raw`].
//!
//! A webhook: `webhook/mod.rs` verifies the signature over the raw bytes
//! and answers the authenticated [`webhook::Delivery`]; `webhook/event.rs`
//! reads it once (with `verification/read.rs`, straight from the bytes,
//! into the fields the event and the view use) into a
//! [`webhook::WebhookEvent`] and its delivery key, the other fields parsed
//! only if asked for; `webhook/once.rs` claims that key in the
//! [`DeliveryLog`] and hands the handler the event.

#![warn(missing_docs)]
#![cfg_attr(docsrs, feature(doc_cfg))]

mod strings;

mod aadhaar;
mod call;
mod client;
pub mod coordination;
mod error;
mod follow;
mod latest;
mod lenient;
mod ops;
mod request;
mod retry;
#[cfg(feature = "two-factor")]
mod signing;
pub mod status;
mod users;
mod verification;
mod watch;
pub mod webhook;

pub use aadhaar::{AadhaarAddress, AadhaarDetails, Gender};
pub use call::{CallEvent, RetryReason};
pub use client::{
    Client, ClientBuilder, DEFAULT_MAX_RESPONSE_BYTES, Environment, PPI_API_VERSION, PpiStatusPath,
    VERIFICATION_SUITE_API_VERSION,
};
pub use coordination::{DeliveryLog, RateBudget};
pub use error::{
    ApiError, BoxError, BuildError, DecodeError, DecodeProblem, Error, ResponseBody, Result,
    ValidationError,
};
pub use follow::{Change, Changes, FollowError, Follower, Inbox, Source};
pub use latest::LatestState;
pub use ops::{Ppi, VerificationSuite};
pub use request::{
    Channel, PpiInitiateRequest, SecurityQuestion, User, VerificationSuiteInitiateRequest,
    validate_user_id, validate_verification_id,
};
pub use retry::RetryPolicy;
#[cfg(feature = "two-factor")]
#[cfg_attr(docsrs, doc(cfg(feature = "two-factor")))]
pub use signing::Signer;
pub use status::{Outcome, Phase, SubStatus, VkycStatus};
pub use users::{
    CreateUserRequest, OnboardRequest, Onboarded, SdkToken, SdkTokenRequest, UpdateUserRequest,
    VkycUser,
};
#[cfg(feature = "chrono")]
#[cfg_attr(docsrs, doc(cfg(feature = "chrono")))]
pub use verification::Timestamp;
pub use verification::{Api, CashfreeId, LenientTime, Verification, VerificationRef};
pub use watch::{Watch, WatchError};

/// `cashfree-vkyc/<version>`, sent as the `user-agent`.
pub const USER_AGENT: &str = concat!("cashfree-vkyc/", env!("CARGO_PKG_VERSION"));

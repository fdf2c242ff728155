//! The sandbox's public vocabulary: families, operations, faults, stats.

use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::fmt;

/// An API family. The same `verification_id` can exist in both.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Family {
    /// Verification Suite, `/verification/vkyc`.
    VerificationSuite,
    /// PPI, `/ppi/kyc/vkyc`.
    Ppi,
}

impl Family {
    /// `verification_suite` or `ppi`.
    pub fn as_str(self) -> &'static str {
        match self {
            Family::VerificationSuite => "verification_suite",
            Family::Ppi => "ppi",
        }
    }
}

impl fmt::Display for Family {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for Family {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "ppi" => Ok(Family::Ppi),
            "verification_suite" | "verification-suite" => Ok(Family::VerificationSuite),
            other => Err(format!(
                "unknown family {other:?}; one of ppi, verification_suite"
            )),
        }
    }
}

/// Which verification a control call means: a `verification_id` alone,
/// when only one family has it, or a family and an id.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Key {
    /// The family, when given.
    pub family: Option<Family>,
    /// The `verification_id`.
    pub verification_id: String,
}

macro_rules! keys_from {
    ($($id:ty),*) => {$(
        impl From<$id> for Key {
            fn from(id: $id) -> Self {
                Key { family: None, verification_id: id.to_string() }
            }
        }
        impl From<(Family, $id)> for Key {
            fn from((family, id): (Family, $id)) -> Self {
                Key { family: Some(family), verification_id: id.to_string() }
            }
        }
    )*};
}

keys_from!(&str, String, &String);

/// Why a control call could not be carried out.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ControlError {
    /// No verification has this id (in this family).
    #[error("no verification {0:?}")]
    NotFound(String),
    /// Both families have this id; name the family.
    #[error("both families have a verification {0:?}; name the family")]
    Ambiguous(String),
}

/// One of the API operations.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Operation {
    /// `POST /verification/vkyc`
    VerificationSuiteInitiate,
    /// `GET /verification/vkyc`
    VerificationSuiteStatus,
    /// `POST /ppi/kyc/vkyc`
    PpiInitiate,
    /// `POST /ppi/kyc/vkyc/status`
    PpiStatus,
    /// `POST /ppi/kyc/vkyc/details`, the same call under its second
    /// documented path
    PpiDetails,
    /// `POST /verification/user`
    VerificationSuiteCreateUser,
    /// `GET /verification/user`
    VerificationSuiteGetUser,
    /// `PATCH /verification/user`
    VerificationSuiteUpdateUser,
    /// `POST /verification/oauth/token`
    VerificationSuiteSdkToken,
}

impl Operation {
    pub(crate) const ALL: [Operation; 9] = [
        Operation::VerificationSuiteInitiate,
        Operation::VerificationSuiteStatus,
        Operation::PpiInitiate,
        Operation::PpiStatus,
        Operation::PpiDetails,
        Operation::VerificationSuiteCreateUser,
        Operation::VerificationSuiteGetUser,
        Operation::VerificationSuiteUpdateUser,
        Operation::VerificationSuiteSdkToken,
    ];

    pub(crate) fn of(method: &str, path: &str) -> Option<Self> {
        match (method, path) {
            ("POST", "/verification/vkyc") => Some(Operation::VerificationSuiteInitiate),
            ("GET", "/verification/vkyc") => Some(Operation::VerificationSuiteStatus),
            ("POST", "/ppi/kyc/vkyc") => Some(Operation::PpiInitiate),
            ("POST", "/ppi/kyc/vkyc/status") => Some(Operation::PpiStatus),
            ("POST", "/ppi/kyc/vkyc/details") => Some(Operation::PpiDetails),
            ("POST", "/verification/user") => Some(Operation::VerificationSuiteCreateUser),
            ("GET", "/verification/user") => Some(Operation::VerificationSuiteGetUser),
            ("PATCH", "/verification/user") => Some(Operation::VerificationSuiteUpdateUser),
            ("POST", "/verification/oauth/token") => Some(Operation::VerificationSuiteSdkToken),
            _ => None,
        }
    }

    pub(crate) fn index(self) -> usize {
        Operation::ALL.iter().position(|o| *o == self).unwrap_or(0)
    }
}

/// A failure to inject.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "fault", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Fault {
    /// Answer 429 `too_many_requests_per_operation` with `retry-after`.
    RateLimited {
        /// The advertised wait, in milliseconds.
        #[serde(default)]
        retry_after_ms: u64,
    },
    /// Answer 500 `internal_error` without processing the request.
    ServerError,
    /// Wait this long before processing.
    Delay {
        /// The delay, in milliseconds.
        ms: u64,
    },
    /// Process the request, then drop the connection instead of answering.
    DropAfterProcessing,
}

/// A fault and the requests it applies to.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub(crate) struct FaultRule {
    #[serde(flatten)]
    pub fault: Fault,
    #[serde(default)]
    pub operation: Option<Operation>,
    #[serde(default = "one")]
    pub count: u32,
}

fn one() -> u32 {
    1
}

/// What the sandbox has seen.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Stats {
    /// API requests received, per operation (faulted ones included).
    pub requests: HashMap<Operation, u64>,
    /// Verifications created, per family (`verification_suite`, `ppi`).
    pub verifications: HashMap<String, u64>,
    /// Webhook deliveries the receiver acknowledged with a 2xx.
    pub webhooks_delivered: u64,
    /// Webhook delivery attempts, including failed ones.
    pub webhook_attempts: u64,
    /// What went wrong with the last failed delivery attempt, if any.
    pub last_webhook_error: Option<String>,
    /// The rate limit in force, per client id per minute.
    #[serde(default)]
    pub rate_limit_per_minute: Option<u32>,
    /// What the rate limit counted, per minute and client id, oldest
    /// first (the last hour; nothing while no limit is set).
    #[serde(default)]
    pub per_minute: Vec<crate::MinuteCount>,
}

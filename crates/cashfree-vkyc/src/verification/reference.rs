//! Which verification: its family and the ids that family's status call
//! takes.

use super::{Api, Verification};
use crate::error::ValidationError;
use crate::request::{validate_user_id, validate_verification_id};
use std::fmt;

/// Names one verification the way its family's status call needs it:
/// PPI by `verification_id` and `user_id`, the Verification Suite by
/// `verification_id` alone.
///
/// [`Client::status`](crate::Client::status), [`Client::watch`](crate::Client::watch),
/// [`Follower::follow_ref`](crate::Follower::follow_ref) and the
/// `cashfree-vkyc` command all take one, so that the choice of family is
/// made once.
///
/// ```
/// use cashfree_vkyc::{Api, VerificationRef};
///
/// let ppi = VerificationRef::ppi("vkyc_0001", "USER827364");
/// let vs = VerificationRef::verification_suite("vkyc_0002");
/// assert_eq!(ppi.api(), Api::Ppi);
/// assert_eq!(vs.verification_id(), "vkyc_0002");
/// assert_eq!(ppi.to_string(), "ppi vkyc_0001 (user USER827364)");
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum VerificationRef {
    /// A PPI verification: `POST /ppi/kyc/vkyc/status` takes both ids.
    Ppi {
        /// Your identifier for the verification.
        verification_id: String,
        /// The user's identifier.
        user_id: String,
    },
    /// A Verification Suite verification: `GET /verification/vkyc`.
    VerificationSuite {
        /// Your identifier for the verification.
        verification_id: String,
    },
}

impl VerificationRef {
    /// A PPI verification.
    pub fn ppi(verification_id: impl Into<String>, user_id: impl Into<String>) -> Self {
        VerificationRef::Ppi {
            verification_id: verification_id.into(),
            user_id: user_id.into(),
        }
    }

    /// A Verification Suite verification.
    pub fn verification_suite(verification_id: impl Into<String>) -> Self {
        VerificationRef::VerificationSuite {
            verification_id: verification_id.into(),
        }
    }

    /// Names the verification a view describes; `None` for a PPI view
    /// without its `user_id`, which the PPI status call needs.
    pub fn of(verification: &Verification) -> Option<Self> {
        let verification_id = verification.verification_id.clone();
        match verification.api {
            Api::Ppi => Some(VerificationRef::Ppi {
                verification_id,
                user_id: verification.user_id.clone()?,
            }),
            Api::VerificationSuite => Some(VerificationRef::VerificationSuite { verification_id }),
        }
    }

    /// The family.
    pub fn api(&self) -> Api {
        match self {
            VerificationRef::Ppi { .. } => Api::Ppi,
            VerificationRef::VerificationSuite { .. } => Api::VerificationSuite,
        }
    }

    /// Your identifier for the verification.
    pub fn verification_id(&self) -> &str {
        match self {
            VerificationRef::Ppi {
                verification_id, ..
            }
            | VerificationRef::VerificationSuite { verification_id } => verification_id,
        }
    }

    /// The user's identifier, where the family's status call takes it.
    pub fn user_id(&self) -> Option<&str> {
        match self {
            VerificationRef::Ppi { user_id, .. } => Some(user_id),
            VerificationRef::VerificationSuite { .. } => None,
        }
    }

    /// Checks the ids as the status call does, before anything is sent.
    pub fn validate(&self) -> Result<(), ValidationError> {
        validate_verification_id(self.verification_id())?;
        match self.user_id() {
            Some(user_id) => validate_user_id(user_id),
            None => Ok(()),
        }
    }
}

impl fmt::Display for VerificationRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            VerificationRef::Ppi {
                verification_id,
                user_id,
            } => write!(f, "ppi {verification_id} (user {user_id})"),
            VerificationRef::VerificationSuite { verification_id } => {
                write!(f, "verification_suite {verification_id}")
            }
        }
    }
}

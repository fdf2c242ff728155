//! Why a client, or one of its parts, could not be built: apart from the
//! errors of calls, so that a caller matches each where it can happen.

use std::fmt;

/// A setting that cannot work: a base URL that is not one, empty
/// credentials, a public key that is not an RSA key, a rate of zero.
/// Returned by [`ClientBuilder::build`](crate::ClientBuilder::build),
/// `Signer::from_pem` (feature `two-factor`) and
/// [`BudgetRate::new`](crate::coordination::BudgetRate::new); never by a
/// call.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct BuildError {
    /// The setting, as the builder names it (`base_url`, `credentials`,
    /// `public_key`, `http_client`, `rate_budget`).
    pub setting: &'static str,
    /// What is wrong with it (never the secret).
    pub problem: String,
}

impl BuildError {
    pub(crate) fn new(setting: &'static str, problem: impl Into<String>) -> Self {
        BuildError {
            setting,
            problem: problem.into(),
        }
    }
}

impl fmt::Display for BuildError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid {}: {}", self.setting, self.problem)
    }
}

impl std::error::Error for BuildError {}

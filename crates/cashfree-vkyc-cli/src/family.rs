//! The API family a command is about, as the command line names it.

use clap::ValueEnum;

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum ApiFamily {
    /// PPI, /ppi/kyc/vkyc
    Ppi,
    /// Verification Suite, /verification/vkyc
    #[value(alias = "verification")]
    VerificationSuite,
}

impl From<ApiFamily> for cashfree_vkyc::Api {
    fn from(api: ApiFamily) -> Self {
        match api {
            ApiFamily::Ppi => cashfree_vkyc::Api::Ppi,
            ApiFamily::VerificationSuite => cashfree_vkyc::Api::VerificationSuite,
        }
    }
}

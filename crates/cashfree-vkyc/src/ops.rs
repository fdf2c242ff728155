//! The operations of each API family.

// `client` hands out the per-family handles defined here
// (`Client::ppi()`), and they borrow the client to make their calls: the
// two modules refer to each other by design.
use crate::call::{self, Answered, Facts, Op, traced};
use crate::client::{Client, PpiStatusPath};
use crate::error::{Error, Result, ValidationError};
use crate::request::{
    PpiInitiateRequest, User, VerificationSuiteInitiateRequest, validate_user_id,
    validate_verification_id,
};
use crate::verification::{Api, CashfreeId, Texts, Verification, VerificationRef};
use crate::watch::Watch;
use cashfree_vkyc_raw::ppi::types::PpiVkycStatusRequest;

/// The view of a call's success.
#[inline(always)]
fn view<T: Into<Texts>>(api: Api, result: Result<Answered<T>>) -> Result<Verification> {
    result.map(|answered| {
        let (value, body, request_id) = answered.into_parts();
        Verification::from_decoded(api, value.into(), body, request_id)
    })
}

/// Initiate, exactly once: when an attempt's answer was lost (so Cashfree
/// may have created the verification) and the retry met "already exists",
/// the verification the lost attempt created, if `find` finds one that
/// `ours` accepts; otherwise the answer as it was.
async fn exactly_once<F: Future<Output = Result<Verification>>>(
    result: Result<Verification>,
    facts: Facts,
    find: impl FnOnce() -> F,
    ours: impl FnOnce(&Verification) -> bool,
) -> Result<Verification> {
    let lost_earlier_attempt =
        matches!(&result, Err(Error::Api(e)) if e.is_duplicate()) && facts.ambiguous;
    if !lost_earlier_attempt {
        return result;
    }
    tracing::info!("an earlier attempt may have created the verification; fetching it");
    match find().await {
        Ok(found) if ours(&found) => Ok(found),
        _ => result,
    }
}

/// Whether `found` can be the verification a request for `user` created:
/// the user fields Cashfree returns must not name someone else.
pub(crate) fn same_user(found: &Verification, user: &User) -> bool {
    match user {
        User::Id(id) => found.user_id.as_deref().is_none_or(|f| f == id),
        User::ReferenceId(id) => found.user_reference_id.is_none_or(|f| f == *id),
    }
}

const PPI_INITIATE: Op = Op::new(Api::Ppi, "ppi.initiate", "POST");
const PPI_STATUS: Op = Op::new(Api::Ppi, "ppi.status", "POST");
const PPI_DETAILS: Op = Op::new(Api::Ppi, "ppi.details", "POST");
const VS_INITIATE: Op = Op::new(
    Api::VerificationSuite,
    "verification_suite.initiate",
    "POST",
);
const VS_STATUS: Op = Op::new(Api::VerificationSuite, "verification_suite.status", "GET");

/// PPI Video KYC: `POST /ppi/kyc/vkyc` and `POST /ppi/kyc/vkyc/status`.
#[derive(Clone, Copy, Debug)]
pub struct Ppi<'a> {
    pub(crate) client: &'a Client,
}

impl Ppi<'_> {
    /// Starts a Video KYC and sends the link to the user.
    ///
    /// Exactly once: if an attempt's answer was lost (a timeout, a dropped
    /// connection, a 5xx) and the retry finds the `verification_id` already
    /// taken, the verification that attempt created is fetched and returned.
    pub async fn initiate(&self, request: &PpiInitiateRequest) -> Result<Verification> {
        let body = request.to_raw()?;
        let inner = &self.client.inner;
        let op = PPI_INITIATE;
        let body = &body;
        traced!(
            call::span(&inner.shared, op, &request.verification_id),
            |span| async {
                let (result, facts) = call::run(self.client, op, &span, move |_| {
                    inner
                        .raw_ppi
                        .ppi_initiate_vkyc(inner.ppi_api_version.as_str(), body)
                })
                .await;
                // The status call names the user, so only this user's
                // verification can be found.
                exactly_once(
                    view(Api::Ppi, result),
                    facts,
                    || self.status(&request.verification_id, &request.user_id),
                    |_| true,
                )
                .await
            }
        )
    }

    /// The current status of a verification.
    pub async fn status(&self, verification_id: &str, user_id: &str) -> Result<Verification> {
        validate_user_id(user_id)?;
        validate_verification_id(verification_id)?;
        let body = PpiVkycStatusRequest {
            user_id: user_id
                .parse()
                .map_err(|e| ValidationError::new("user_id", format!("{e}")))?,
            verification_id: verification_id
                .parse()
                .map_err(|e| ValidationError::new("verification_id", format!("{e}")))?,
        };
        let inner = &self.client.inner;
        let path = inner.ppi_status_path;
        let op = match path {
            PpiStatusPath::Status => PPI_STATUS,
            PpiStatusPath::Details => PPI_DETAILS,
        };
        let body = &body;
        let send = move |_| async move {
            let version = inner.ppi_api_version.as_str();
            match path {
                PpiStatusPath::Status => inner.raw_ppi.ppi_get_vkyc_status(version, body).await,
                PpiStatusPath::Details => inner.raw_ppi.ppi_get_vkyc_details(version, body).await,
            }
        };
        let (result, _) = traced!(call::span(&inner.shared, op, verification_id), |span| {
            call::run(self.client, op, &span, send)
        });
        view(Api::Ppi, result.map_err(|e| path.explain(e)))
    }

    /// Follows a verification until it is final; see [`Watch`].
    pub fn watch(&self, verification_id: impl Into<String>, user_id: impl Into<String>) -> Watch {
        self.client
            .watch(VerificationRef::ppi(verification_id, user_id))
    }
}

/// Verification Suite Video KYC: `POST /verification/vkyc` and
/// `GET /verification/vkyc`.
#[derive(Clone, Copy, Debug)]
pub struct VerificationSuite<'a> {
    pub(crate) client: &'a Client,
}

enum StatusKey<'a> {
    VerificationId(&'a str),
    ReferenceId(i64),
}

impl VerificationSuite<'_> {
    /// Starts a Video KYC and sends the link to the user.
    ///
    /// Exactly once, as [`Ppi::initiate`]: a retry that meets "already
    /// exists" after an ambiguous failure returns the verification the
    /// earlier attempt created.
    pub async fn initiate(
        &self,
        request: &VerificationSuiteInitiateRequest,
    ) -> Result<Verification> {
        let body = request.to_raw()?;
        let inner = &self.client.inner;
        let op = VS_INITIATE;
        let body = &body;
        traced!(
            call::span(&inner.shared, op, &request.verification_id),
            |span| async {
                let (result, facts) = call::run(
                    self.client,
                    op,
                    &span,
                    move |signature: Option<String>| async move {
                        inner
                            .raw_vs
                            .vrs_initiate_vkyc(
                                inner.vs_api_version.as_str(),
                                signature.as_deref(),
                                body,
                            )
                            .await
                    },
                )
                .await;
                // Another user's verification means the id was taken before.
                exactly_once(
                    view(Api::VerificationSuite, result),
                    facts,
                    || self.status(&request.verification_id),
                    |found| same_user(found, &request.user),
                )
                .await
            }
        )
    }

    /// The current status, by your `verification_id`.
    pub async fn status(&self, verification_id: &str) -> Result<Verification> {
        validate_verification_id(verification_id)?;
        self.get(StatusKey::VerificationId(verification_id), verification_id)
            .await
    }

    /// The current status, by Cashfree's `reference_id` (a verification's
    /// [`cashfree_id`](Verification::cashfree_id), or the number).
    pub async fn status_by_reference_id(
        &self,
        reference_id: impl Into<CashfreeId>,
    ) -> Result<Verification> {
        let reference_id = reference_id
            .into()
            .as_i64()
            .filter(|id| *id > 0)
            .ok_or_else(|| ValidationError::new("reference_id", "must be a positive number"))?;
        self.get(StatusKey::ReferenceId(reference_id), "").await
    }

    async fn get(&self, key: StatusKey<'_>, shown_id: &str) -> Result<Verification> {
        let inner = &self.client.inner;
        let (verification_id, reference_id) = match key {
            StatusKey::VerificationId(id) => (Some(id), None),
            StatusKey::ReferenceId(id) => (None, Some(id.to_string())),
        };
        let op = VS_STATUS;
        let reference_id = reference_id.as_deref();
        let send = move |signature: Option<String>| async move {
            inner
                .raw_vs
                .vkyc_get_status(
                    reference_id,
                    verification_id,
                    inner.vs_api_version.as_str(),
                    signature.as_deref(),
                )
                .await
        };
        let (result, _) = traced!(call::span(&inner.shared, op, shown_id), |span| {
            call::run(self.client, op, &span, send)
        });
        view(Api::VerificationSuite, result)
    }

    /// Follows a verification until it is final; see [`Watch`].
    pub fn watch(&self, verification_id: impl Into<String>) -> Watch {
        self.client
            .watch(VerificationRef::verification_suite(verification_id))
    }
}

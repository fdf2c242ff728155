//! The user and token operations of the Verification Suite, and
//! onboarding: each validated before anything is sent, retried and
//! signed like the rest.

use super::{
    CreateUserRequest, OnboardRequest, SdkToken, SdkTokenRequest, UpdateUserRequest, VkycUser,
    made_up_user_id, validate_user,
};
use crate::call::{self, Facts, Op, traced};
use crate::error::{Error, Result};
use crate::ops::{VerificationSuite, same_user};
use crate::request::User;
use crate::verification::{Api, Verification};

const CREATE_USER: Op = Op::new(
    Api::VerificationSuite,
    "verification_suite.create_user",
    "POST",
);
const GET_USER: Op = Op::new(Api::VerificationSuite, "verification_suite.get_user", "GET");
const UPDATE_USER: Op = Op::new(
    Api::VerificationSuite,
    "verification_suite.update_user",
    "PATCH",
);
const SDK_TOKEN: Op = Op::new(
    Api::VerificationSuite,
    "verification_suite.sdk_token",
    "POST",
);

/// What [`VerificationSuite::onboard`] did: the user and the
/// verification, each created now or found from an earlier press.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct Onboarded {
    /// The user, created or found.
    pub user: VkycUser,
    /// The verification, initiated or found.
    pub verification: Verification,
}

/// Whether Cashfree said the id was taken: a 409, or its `*_already_exists`
/// codes under another status.
fn taken(result: &Result<impl Sized>) -> bool {
    matches!(result, Err(Error::Api(e)) if e.is_duplicate())
}

impl VerificationSuite<'_> {
    /// `POST /verification/user`: creates the user a Video KYC is for.
    ///
    /// Create User is not idempotent, so the client makes a retry safe:
    /// without a `user_id` it sends one it made up, and when an attempt's
    /// answer was lost and the retry meets "already exists" for that
    /// `user_id`, the user the lost attempt created is read and returned
    /// (if its phone number is the one sent).
    pub async fn create_user(&self, request: &CreateUserRequest) -> Result<VkycUser> {
        let user_id = request.user_id.clone().unwrap_or_else(made_up_user_id);
        let body = request.to_raw(&user_id)?;
        let inner = &self.client.inner;
        let body = &body;
        traced!(call::span(&inner.shared, CREATE_USER, ""), |span| async {
            let send = move |signature: Option<String>| async move {
                inner
                    .raw_vs
                    .vrs_create_user(inner.vs_api_version.as_str(), signature.as_deref(), body)
                    .await
            };
            let (result, facts) = call::run(self.client, CREATE_USER, &span, send).await;
            let result = result.map(|a| a.then(VkycUser::from_raw));
            self.created_or_found(result, facts, &user_id, request)
                .await
        })
    }

    /// The user an earlier attempt created, when its answer was lost and
    /// this one met "already exists"; the answer as it was otherwise.
    async fn created_or_found(
        &self,
        result: Result<VkycUser>,
        facts: Facts,
        user_id: &str,
        request: &CreateUserRequest,
    ) -> Result<VkycUser> {
        if !(taken(&result) && facts.ambiguous) {
            return result;
        }
        tracing::info!("an earlier attempt may have created the user; reading it");
        match self.user(&User::Id(user_id.to_owned())).await {
            Ok(found) if found.phone.as_deref() == Some(request.phone.trim()) => Ok(found),
            _ => result,
        }
    }

    /// `GET /verification/user`: a user, by your `user_id` or Cashfree's
    /// `user_reference_id`.
    pub async fn user(&self, user: &User) -> Result<VkycUser> {
        validate_user(user)?;
        let (user_id, reference_id) = match user {
            User::Id(id) => (Some(id.as_str()), None),
            User::ReferenceId(id) => (None, Some(*id)),
        };
        let inner = &self.client.inner;
        let send = move |signature: Option<String>| async move {
            inner
                .raw_vs
                .vrs_get_user(
                    user_id,
                    reference_id,
                    inner.vs_api_version.as_str(),
                    signature.as_deref(),
                )
                .await
        };
        let (result, _) = traced!(call::span(&inner.shared, GET_USER, ""), |span| {
            call::run(self.client, GET_USER, &span, send)
        });
        result.map(|a| a.then(VkycUser::from_raw))
    }

    /// `PATCH /verification/user`: changes a user's e-mail, name or
    /// address.
    pub async fn update_user(&self, request: &UpdateUserRequest) -> Result<VkycUser> {
        let body = request.to_raw()?;
        let inner = &self.client.inner;
        let body = &body;
        let send = move |signature: Option<String>| async move {
            inner
                .raw_vs
                .vrs_update_user(inner.vs_api_version.as_str(), signature.as_deref(), body)
                .await
        };
        let (result, _) = traced!(call::span(&inner.shared, UPDATE_USER, ""), |span| {
            call::run(self.client, UPDATE_USER, &span, send)
        });
        result.map(|a| a.then(VkycUser::from_raw))
    }

    /// `POST /verification/oauth/token`: the token Cashfree's VKYC SDK
    /// opens the verification's session with.
    pub async fn sdk_token(&self, request: &SdkTokenRequest) -> Result<SdkToken> {
        let body = request.to_raw()?;
        let inner = &self.client.inner;
        let body = &body;
        let send = move |signature: Option<String>| async move {
            inner
                .raw_vs
                .vrs_vkyc_generate_auth_token(
                    inner.vs_api_version.as_str(),
                    signature.as_deref(),
                    body,
                )
                .await
        };
        let (result, _) = traced!(
            call::span(&inner.shared, SDK_TOKEN, &request.verification_id),
            |span| call::run(self.client, SDK_TOKEN, &span, send)
        );
        result.map(|a| a.then(SdkToken::from_raw))
    }

    /// A customer's "start Video KYC" in one call, safe to make twice:
    /// creates the user (or finds the one your `user_id` already names,
    /// with the same phone number), then initiates the verification with
    /// its `user_reference_id` (or finds the one your `verification_id`
    /// already names, for the same user).
    ///
    /// ```no_run
    /// use cashfree_vkyc::{Channel, Client, CreateUserRequest, OnboardRequest};
    ///
    /// # async fn run(client: Client) -> Result<(), cashfree_vkyc::Error> {
    /// let customer = CreateUserRequest::new("9876543210").user_id("customer-42").name("Rahul Sharma");
    /// let request = OnboardRequest::new("vkyc-customer-42", customer).notification_type(Channel::Sms);
    /// let done = client.verification_suite().onboard(&request).await?;
    /// println!("send {} to {:?}", done.verification.vkyc_link.unwrap_or_default(), done.user.phone);
    /// # Ok(()) }
    /// ```
    pub async fn onboard(&self, request: &OnboardRequest) -> Result<Onboarded> {
        request.validate()?;
        let user = match self.create_user(&request.user).await {
            Ok(user) => user,
            Err(Error::Api(e)) if e.is_duplicate() => {
                // A second press: the user the first one created.
                let user_id = request.user.user_id.clone().unwrap_or_default();
                let found = self.user(&User::Id(user_id)).await?;
                if found.phone.as_deref() != Some(request.user.phone.trim()) {
                    return Err(Error::Api(e));
                }
                found
            }
            Err(e) => return Err(e),
        };
        let Some(User::ReferenceId(reference_id)) = user.as_user() else {
            return Err(crate::ValidationError::new(
                "user_reference_id",
                "Cashfree's answer for the user carried no user_reference_id to initiate with",
            )
            .into());
        };
        let initiate = request.initiate(reference_id);
        let verification = match self.initiate(&initiate).await {
            Ok(v) => v,
            Err(Error::Api(e)) if e.is_duplicate() => {
                // A second press: the verification the first one started,
                // if it is this user's.
                let found = self.status(&request.verification_id).await?;
                if !same_user(&found, &initiate.user) {
                    return Err(Error::Api(e));
                }
                found
            }
            Err(e) => return Err(e),
        };
        Ok(Onboarded { user, verification })
    }
}

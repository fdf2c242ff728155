//! The rest of the Verification Suite's Video KYC flow: the user a
//! verification is for (Create, Get and Update User) and the token
//! Cashfree's in-app VKYC SDK opens a session with.
//!
//! The flow Cashfree describes: Create User, then Initiate Video KYC with
//! its `user_reference_id`, then the user opens the link (or the app opens
//! the session with the SDK token), then webhooks and status.
//! [`VerificationSuite::onboard`](crate::VerificationSuite::onboard) does
//! the first two in one call that is safe to make twice.

mod ops;

pub use ops::Onboarded;

use crate::error::ValidationError;
use crate::lenient::{LenientTime, present};
use crate::request::{
    Channel, User, link_builders, outside_id_charset, validate_user_id, validate_verification_id,
};
use cashfree_vkyc_raw::verification_suite::types as vs_raw;
use serde::Serialize;
use std::fmt;

/// A user as Create, Get and Update User answer.
///
/// `user_reference_id` is what
/// [`VerificationSuiteInitiateRequest::for_user_reference_id`](crate::VerificationSuiteInitiateRequest::for_user_reference_id)
/// takes; it reads whether Cashfree sends it as a number or as text.
/// Fields Cashfree sends as `""` are `None`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct VkycUser {
    /// Your identifier for the user (or the one Cashfree made up).
    pub user_id: Option<String>,
    /// Cashfree's identifier for the user.
    pub user_reference_id: Option<i64>,
    /// The user's phone number.
    pub phone: Option<String>,
    /// The user's e-mail address.
    pub email: Option<String>,
    /// The user's name.
    pub name: Option<String>,
    /// The user's address, on one line.
    pub address: Option<String>,
    /// Cashfree's `x-request-id` of the answer.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
}

impl VkycUser {
    pub(crate) fn from_raw(user: vs_raw::UserResponseSchema, request_id: Option<String>) -> Self {
        VkycUser {
            user_id: present(user.user_id),
            user_reference_id: user
                .user_reference_id
                .and_then(|id| id.to_string().trim().parse().ok()),
            phone: present(user.phone),
            email: present(user.email),
            name: present(user.name),
            address: present(user.address),
            request_id,
        }
    }

    /// Names this user for an initiate request: by `user_reference_id`
    /// when Cashfree gave one, else by `user_id`.
    pub fn as_user(&self) -> Option<User> {
        match (&self.user_reference_id, &self.user_id) {
            (Some(id), _) => Some(User::ReferenceId(*id)),
            (None, Some(id)) => Some(User::Id(id.clone())),
            (None, None) => None,
        }
    }
}

/// Checks the optional details Create and Update User take.
fn validate_details(
    email: Option<&str>,
    name: Option<&str>,
    address: Option<&str>,
) -> Result<(), ValidationError> {
    for (field, value) in [("email", email), ("name", name), ("address", address)] {
        if value.is_some_and(|v| v.trim().is_empty()) {
            return Err(ValidationError::new(field, "must not be empty when given"));
        }
    }
    if let Some(email) = email
        && !email.contains('@')
    {
        return Err(ValidationError::new("email", "is not an e-mail address"));
    }
    Ok(())
}

macro_rules! details_builders {
    () => {
        /// The user's e-mail address.
        pub fn email(mut self, email: impl Into<String>) -> Self {
            self.email = Some(email.into());
            self
        }

        /// The user's name.
        pub fn name(mut self, name: impl Into<String>) -> Self {
            self.name = Some(name.into());
            self
        }

        /// The user's address, on one line.
        pub fn address(mut self, address: impl Into<String>) -> Self {
            self.address = Some(address.into());
            self
        }
    };
}

/// `POST /verification/user`: create the user a Video KYC is for.
///
/// ```
/// use cashfree_vkyc::CreateUserRequest;
///
/// let request = CreateUserRequest::new("9876543210").user_id("ABC00123").name("Rahul Sharma");
/// assert!(request.validate().is_ok());
/// assert_eq!(CreateUserRequest::new(" ").validate().unwrap_err().field, "phone");
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct CreateUserRequest {
    /// The user's phone number (the only required field).
    pub phone: String,
    /// Your identifier for the user: at most 50 letters, digits, `.`, `-`
    /// and `_`. When absent the client makes one up (`u` and 24 hex
    /// digits) and sends it, so that a retry after a lost answer finds the
    /// user it created instead of creating a second one.
    pub user_id: Option<String>,
    /// The user's e-mail address.
    pub email: Option<String>,
    /// The user's name.
    pub name: Option<String>,
    /// The user's address, on one line.
    pub address: Option<String>,
}

impl CreateUserRequest {
    /// A user with this phone number.
    pub fn new(phone: impl Into<String>) -> Self {
        CreateUserRequest {
            phone: phone.into(),
            user_id: None,
            email: None,
            name: None,
            address: None,
        }
    }

    /// Your identifier for the user.
    pub fn user_id(mut self, user_id: impl Into<String>) -> Self {
        self.user_id = Some(user_id.into());
        self
    }

    details_builders!();

    /// Checks every documented rule.
    pub fn validate(&self) -> Result<(), ValidationError> {
        let phone = self.phone.trim();
        if phone.is_empty() {
            return Err(ValidationError::new("phone", "is required"));
        }
        if !phone
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '+' | '-' | ' '))
            || !phone.chars().any(|c| c.is_ascii_digit())
        {
            return Err(ValidationError::new("phone", "is not a phone number"));
        }
        if let Some(id) = &self.user_id {
            validate_user_id(id)?;
            if outside_id_charset(id).is_some() {
                return Err(ValidationError::new(
                    "user_id",
                    "may hold only letters, digits, '.', '-' and '_'",
                ));
            }
        }
        validate_details(
            self.email.as_deref(),
            self.name.as_deref(),
            self.address.as_deref(),
        )
    }

    /// The body, with `user_id` (made up when absent).
    pub(crate) fn to_raw(
        &self,
        user_id: &str,
    ) -> Result<vs_raw::AddUserRequestSchema, ValidationError> {
        self.validate()?;
        let convert = |field: &str, e: vs_raw::error::ConversionError| {
            ValidationError::new(field, e.to_string())
        };
        Ok(vs_raw::AddUserRequestSchema {
            phone: self.phone.trim().parse().map_err(|e| convert("phone", e))?,
            user_id: Some(user_id.parse().map_err(|e| convert("user_id", e))?),
            email: self.email.clone(),
            name: self.name.clone(),
            address: self.address.clone(),
        })
    }
}

/// A user id no one chose: `u` and 24 random hex digits.
pub(crate) fn made_up_user_id() -> String {
    format!("u{:024x}", fastrand::u128(..) >> 32)
}

/// `PATCH /verification/user`: change a user's e-mail, name or address
/// (the phone number cannot be changed).
///
/// ```
/// use cashfree_vkyc::{UpdateUserRequest, User};
///
/// let request = UpdateUserRequest::new(User::ReferenceId(1358)).email("rahul@example.com");
/// assert!(request.validate().is_ok());
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct UpdateUserRequest {
    /// The user.
    pub user: User,
    /// The new e-mail address.
    pub email: Option<String>,
    /// The new name.
    pub name: Option<String>,
    /// The new address.
    pub address: Option<String>,
}

impl UpdateUserRequest {
    /// An update of `user`.
    pub fn new(user: User) -> Self {
        UpdateUserRequest {
            user,
            email: None,
            name: None,
            address: None,
        }
    }

    details_builders!();

    /// Checks every documented rule; an update that changes nothing is
    /// refused.
    pub fn validate(&self) -> Result<(), ValidationError> {
        validate_user(&self.user)?;
        if self.email.is_none() && self.name.is_none() && self.address.is_none() {
            return Err(ValidationError::new(
                "email",
                "an update needs an email, a name or an address to change",
            ));
        }
        validate_details(
            self.email.as_deref(),
            self.name.as_deref(),
            self.address.as_deref(),
        )
    }

    pub(crate) fn to_raw(&self) -> Result<vs_raw::UpdateUserRequestSchema, ValidationError> {
        self.validate()?;
        let (user_id, user_reference_id) = match &self.user {
            User::Id(id) => (
                Some(id.parse().map_err(|e: vs_raw::error::ConversionError| {
                    ValidationError::new("user_id", e.to_string())
                })?),
                None,
            ),
            User::ReferenceId(id) => (None, Some(*id)),
        };
        Ok(vs_raw::UpdateUserRequestSchema {
            user_id,
            user_reference_id,
            email: self.email.clone(),
            name: self.name.clone(),
            address: self.address.clone(),
        })
    }
}

/// Checks a user's identifier as the calls that take one do.
pub(crate) fn validate_user(user: &User) -> Result<(), ValidationError> {
    match user {
        User::Id(id) => validate_user_id(id),
        User::ReferenceId(id) if *id <= 0 => Err(ValidationError::new(
            "user_reference_id",
            "must be a positive number",
        )),
        User::ReferenceId(_) => Ok(()),
    }
}

/// `POST /verification/oauth/token`: the token Cashfree's VKYC SDK (web,
/// Android, iOS) opens a verification's session with, for a user your
/// application has already authenticated.
///
/// ```
/// use cashfree_vkyc::SdkTokenRequest;
///
/// let request = SdkTokenRequest::new("your_app_id", "vkyc_0001").authenticated_user("userId", "ABC00123");
/// assert!(request.validate().is_ok());
/// assert_eq!(SdkTokenRequest::new("", "vkyc_0001").validate().unwrap_err().field, "app_id");
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct SdkTokenRequest {
    /// Your application's id, issued by Cashfree for the VKYC product.
    pub app_id: String,
    /// The `verification_id` of the Video KYC the token opens
    /// (`metadata.vkyc_request_id`).
    pub verification_id: String,
    /// How your application identified the user (`identifier_type`, for
    /// example `userId`, and `identifier_value`).
    pub authenticated_user: Option<(String, String)>,
}

impl SdkTokenRequest {
    /// A token for `verification_id`, for the application `app_id`.
    pub fn new(app_id: impl Into<String>, verification_id: impl Into<String>) -> Self {
        SdkTokenRequest {
            app_id: app_id.into(),
            verification_id: verification_id.into(),
            authenticated_user: None,
        }
    }

    /// The user your application authenticated.
    pub fn authenticated_user(
        mut self,
        identifier_type: impl Into<String>,
        identifier_value: impl Into<String>,
    ) -> Self {
        self.authenticated_user = Some((identifier_type.into(), identifier_value.into()));
        self
    }

    /// Checks every documented rule.
    pub fn validate(&self) -> Result<(), ValidationError> {
        if self.app_id.trim().is_empty() {
            return Err(ValidationError::new("app_id", "is required"));
        }
        validate_verification_id(&self.verification_id)?;
        if let Some((kind, value)) = &self.authenticated_user {
            if kind.trim().is_empty() {
                return Err(ValidationError::new(
                    "authenticated_user.identifier_type",
                    "must not be empty",
                ));
            }
            if value.trim().is_empty() {
                return Err(ValidationError::new(
                    "authenticated_user.identifier_value",
                    "must not be empty",
                ));
            }
        }
        Ok(())
    }

    pub(crate) fn to_raw(&self) -> Result<vs_raw::CreateAuthRequestSchema, ValidationError> {
        self.validate()?;
        let convert = |field: &str, e: vs_raw::error::ConversionError| {
            ValidationError::new(field, e.to_string())
        };
        Ok(vs_raw::CreateAuthRequestSchema {
            app_id: self.app_id.parse().map_err(|e| convert("app_id", e))?,
            product: vs_raw::CreateAuthRequestSchemaProduct::Vkyc,
            metadata: vs_raw::CreateAuthRequestSchemaMetadata {
                vkyc_request_id: self
                    .verification_id
                    .parse()
                    .map_err(|e| convert("verification_id", e))?,
            },
            authenticated_user: self.authenticated_user.as_ref().map(|(kind, value)| {
                vs_raw::CreateAuthRequestSchemaAuthenticatedUser {
                    identifier_type: kind.clone(),
                    identifier_value: value.clone(),
                }
            }),
        })
    }
}

/// The token Cashfree's VKYC SDK opens a session with.
///
/// `Debug` never shows the token; [`access_token`](Self::access_token)
/// does, for handing it to the SDK.
#[derive(Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct SdkToken {
    access_token: String,
    /// When the token expires, as Cashfree wrote it (an IST time such as
    /// `2024-02-02 17:30:00 IST`; with the `chrono` feature,
    /// `LenientTime::timestamp` reads it with its +05:30 offset). Read from
    /// `expires_at` (the page's name) or `expiry` (the name in Cashfree's
    /// Node SDK), whichever arrives.
    pub expires_at: Option<LenientTime>,
    /// Cashfree's `x-request-id` of the answer.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
}

impl SdkToken {
    pub(crate) fn from_raw(token: vs_raw::AuthResponseSchema, request_id: Option<String>) -> Self {
        SdkToken {
            access_token: token.access_token.unwrap_or_default(),
            expires_at: present(token.expires_at)
                .or_else(|| present(token.expiry))
                .map(LenientTime::parse),
            request_id,
        }
    }

    /// The token, for Cashfree's SDK.
    pub fn access_token(&self) -> &str {
        &self.access_token
    }
}

impl fmt::Debug for SdkToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SdkToken")
            .field("access_token", &"[redacted]")
            .field("expires_at", &self.expires_at)
            .field("request_id", &self.request_id)
            .finish()
    }
}

/// `create_user` then `initiate`, for [`VerificationSuite::onboard`](crate::VerificationSuite::onboard).
///
/// ```
/// use cashfree_vkyc::{Channel, CreateUserRequest, OnboardRequest};
///
/// let request = OnboardRequest::new("vkyc_0001", CreateUserRequest::new("9876543210").user_id("ABC00123"))
///     .notification_type(Channel::Sms);
/// assert!(request.validate().is_ok());
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct OnboardRequest {
    /// Your identifier for the verification.
    pub verification_id: String,
    /// The user; its `user_id` is required, so that pressing twice finds
    /// the same user.
    pub user: CreateUserRequest,
    /// Channels to send the link on.
    pub notification_types: Vec<Channel>,
    /// Your user template.
    pub user_template: Option<String>,
    /// Your agent template.
    pub agent_template: Option<String>,
}

impl OnboardRequest {
    /// Onboard `user` under your `verification_id`.
    pub fn new(verification_id: impl Into<String>, user: CreateUserRequest) -> Self {
        OnboardRequest {
            verification_id: verification_id.into(),
            user,
            notification_types: Vec::new(),
            user_template: None,
            agent_template: None,
        }
    }

    link_builders!();

    /// Checks every rule of both calls.
    pub fn validate(&self) -> Result<(), ValidationError> {
        if self.user.user_id.is_none() {
            return Err(ValidationError::new(
                "user_id",
                "onboarding needs your id for the user, so that a second press finds the same user",
            ));
        }
        self.user.validate()?;
        self.initiate(1).validate()
    }

    /// The initiate request for the user Cashfree calls `reference_id`.
    pub(crate) fn initiate(&self, reference_id: i64) -> crate::VerificationSuiteInitiateRequest {
        let mut request = crate::VerificationSuiteInitiateRequest::for_user_reference_id(
            &self.verification_id,
            reference_id,
        );
        for channel in &self.notification_types {
            request = request.notification_type(*channel);
        }
        if let Some(t) = &self.user_template {
            request = request.user_template(t);
        }
        if let Some(t) = &self.agent_template {
            request = request.agent_template(t);
        }
        request
    }
}

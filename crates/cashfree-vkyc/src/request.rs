//! Typed requests, validated before anything is sent.

use crate::error::ValidationError;
use cashfree_vkyc_raw::{ppi::types as ppi_raw, verification_suite::types as vs_raw};
use serde::{Deserialize, Serialize};
use std::num::NonZeroU64;

type Check = Result<(), ValidationError>;

/// 1 to 50 characters: letters, digits, `.`, `-` and `_`.
pub fn validate_verification_id(id: &str) -> Check {
    let field = "verification_id";
    check_length(field, id)?;
    if let Some(c) = outside_id_charset(id) {
        return Err(ValidationError::new(
            field,
            format!("may hold only letters, digits, '.', '-' and '_', not {c:?}"),
        ));
    }
    Ok(())
}

/// The first character of `id` that is not a letter, a digit, `.`, `-`
/// or `_`: the characters Cashfree allows in the ids you choose.
pub(crate) fn outside_id_charset(id: &str) -> Option<char> {
    // Checked byte by byte against a table (every allowed character is
    // ASCII); the character is found only to name it.
    const ALLOWED: [bool; 256] = {
        let mut table = [false; 256];
        let mut b = 0;
        while b < 256 {
            let c = b as u8;
            table[b] = c.is_ascii_alphanumeric() || matches!(c, b'.' | b'-' | b'_');
            b += 1;
        }
        table
    };
    let at = id.bytes().position(|b| !ALLOWED[usize::from(b)])?;
    id[at..].chars().next()
}

/// 1 to 50 characters.
pub fn validate_user_id(id: &str) -> Check {
    check_length("user_id", id)
}

fn check_length(field: &str, value: &str) -> Check {
    // At most 50 bytes is at most 50 characters; count only longer text.
    let n = if value.len() <= 50 {
        value.len()
    } else {
        value.chars().count()
    };
    // Blank is rare: look past the first character only when it is one.
    if n == 0 || (value.starts_with(char::is_whitespace) && value.trim().is_empty()) {
        return Err(ValidationError::new(field, "must not be empty"));
    }
    if n > 50 {
        return Err(ValidationError::new(
            field,
            format!("must be at most 50 characters, not {n}"),
        ));
    }
    Ok(())
}

/// A question the agent asks during the call, with the expected answer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SecurityQuestion {
    /// Position in the call, from 1; unique and sequential across a request.
    pub order: u32,
    /// The question.
    pub question: String,
    /// The answer the user is expected to give.
    pub answer: String,
}

impl SecurityQuestion {
    /// A question at position `order`.
    pub fn new(order: u32, question: impl Into<String>, answer: impl Into<String>) -> Self {
        Self {
            order,
            question: question.into(),
            answer: answer.into(),
        }
    }
}

/// Orders unique and sequential from 1; question and answer non-empty.
fn validate_questions(questions: &[SecurityQuestion]) -> Check {
    for (i, q) in questions.iter().enumerate() {
        if q.question.trim().is_empty() {
            return Err(ValidationError::new(
                format!("security_questions[{i}].question"),
                "must not be empty",
            ));
        }
        if q.answer.trim().is_empty() {
            return Err(ValidationError::new(
                format!("security_questions[{i}].answer"),
                "must not be empty",
            ));
        }
    }
    let mut orders: Vec<u32> = questions.iter().map(|q| q.order).collect();
    orders.sort_unstable();
    for (expected, (i, order)) in (1u32..).zip(orders.iter().enumerate()) {
        if *order != expected {
            let rule = if i > 0 && orders[i - 1] == *order {
                format!("order {order} is used twice; orders must be unique")
            } else {
                format!(
                    "orders must run 1, 2, 3, … without gaps; expected {expected}, found {order}"
                )
            };
            return Err(ValidationError::new("security_questions.order", rule));
        }
    }
    Ok(())
}

/// `security_question` and `security_questions`, the same for both requests.
macro_rules! question_builders {
    () => {
        /// Adds a question at the next position.
        pub fn security_question(
            mut self,
            question: impl Into<String>,
            answer: impl Into<String>,
        ) -> Self {
            let order = self.security_questions.len() as u32 + 1;
            self.security_questions
                .push(SecurityQuestion::new(order, question, answer));
            self
        }

        /// Replaces the questions, with their own orders.
        pub fn security_questions(
            mut self,
            questions: impl IntoIterator<Item = SecurityQuestion>,
        ) -> Self {
            self.security_questions = questions.into_iter().collect();
            self
        }
    };
}

/// `notification_type`, `user_template` and `agent_template`, the same for
/// the Verification Suite's initiate and onboarding.
macro_rules! link_builders {
    () => {
        /// Adds a channel to send the link on.
        pub fn notification_type(mut self, channel: Channel) -> Self {
            if !self.notification_types.contains(&channel) {
                self.notification_types.push(channel);
            }
            self
        }

        /// Sets the user template (its name, as Cashfree knows it on your
        /// account).
        pub fn user_template(mut self, name: impl Into<String>) -> Self {
            self.user_template = Some(name.into());
            self
        }

        /// Sets the agent template.
        pub fn agent_template(mut self, name: impl Into<String>) -> Self {
            self.agent_template = Some(name.into());
            self
        }
    };
}
pub(crate) use link_builders;

/// A channel Cashfree sends the link on, for either family: PPI's
/// `notification_modes` (`SMS`, `WHATSAPP`) and the Verification Suite's
/// `notification_types` (`sms`, `whatsapp`, `email`).
///
/// Closed on purpose: a request never carries a channel Cashfree does
/// not document. PPI sends no e-mail, so asking it for [`Email`](Self::Email)
/// is a [`ValidationError`] from `validate()` and from the call alike.
///
/// ```
/// use cashfree_vkyc::Channel;
///
/// assert_eq!("WhatsApp".parse::<Channel>(), Ok(Channel::Whatsapp));
/// assert_eq!(Channel::Sms.verification_suite_name(), "sms");
/// assert_eq!(Channel::Sms.ppi_name(), Some("SMS"));
/// assert_eq!(Channel::Email.ppi_name(), None);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Channel {
    /// SMS.
    Sms,
    /// WhatsApp.
    Whatsapp,
    /// E-mail (Verification Suite only).
    Email,
}

impl Channel {
    /// The name in PPI's `notification_modes`; `None` for a channel PPI
    /// does not document.
    pub fn ppi_name(self) -> Option<&'static str> {
        match self {
            Channel::Sms => Some("SMS"),
            Channel::Whatsapp => Some("WHATSAPP"),
            Channel::Email => None,
        }
    }

    /// The name in the Verification Suite's `notification_types`.
    pub fn verification_suite_name(self) -> &'static str {
        match self {
            Channel::Sms => "sms",
            Channel::Whatsapp => "whatsapp",
            Channel::Email => "email",
        }
    }
}

impl std::fmt::Display for Channel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.pad(self.verification_suite_name())
    }
}

impl std::str::FromStr for Channel {
    type Err = ValidationError;

    /// Either family's name, in any case.
    fn from_str(s: &str) -> Result<Self, ValidationError> {
        match s.trim().to_ascii_lowercase().as_str() {
            "sms" => Ok(Channel::Sms),
            "whatsapp" => Ok(Channel::Whatsapp),
            "email" => Ok(Channel::Email),
            _ => Err(ValidationError::new(
                "notification channel",
                format!("{s:?} is not one of sms, whatsapp, email"),
            )),
        }
    }
}

/// `POST /ppi/kyc/vkyc`: start a Video KYC for a PPI user.
///
/// ```
/// use cashfree_vkyc::{Channel, PpiInitiateRequest};
///
/// let request = PpiInitiateRequest::new("vkyc_0001", "USER827364")
///     .notification_mode(Channel::Sms)
///     .security_question("What is your father's name?", "John Snow");
/// assert!(request.validate().is_ok());
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct PpiInitiateRequest {
    /// The user, as created in PPI.
    pub user_id: String,
    /// Your unique identifier for this verification.
    pub verification_id: String,
    /// Channels to send the link on (SMS and WhatsApp).
    pub notification_modes: Vec<Channel>,
    /// Questions the agent asks.
    pub security_questions: Vec<SecurityQuestion>,
}

impl PpiInitiateRequest {
    /// A request under your `verification_id` for `user_id`. Every call
    /// of this crate that takes both takes the verification id first.
    pub fn new(verification_id: impl Into<String>, user_id: impl Into<String>) -> Self {
        Self {
            user_id: user_id.into(),
            verification_id: verification_id.into(),
            notification_modes: Vec::new(),
            security_questions: Vec::new(),
        }
    }

    /// Adds a channel to send the link on.
    pub fn notification_mode(mut self, mode: Channel) -> Self {
        if !self.notification_modes.contains(&mode) {
            self.notification_modes.push(mode);
        }
        self
    }

    question_builders!();

    /// Checks every documented rule.
    pub fn validate(&self) -> Result<(), ValidationError> {
        validate_user_id(&self.user_id)?;
        validate_verification_id(&self.verification_id)?;
        self.ppi_modes()?;
        validate_questions(&self.security_questions)
    }

    /// The channels as PPI's schema names them; a channel it does not
    /// document breaks the rule.
    fn ppi_modes(&self) -> Result<Vec<ppi_raw::PpiNotificationMode>, ValidationError> {
        self.notification_modes
            .iter()
            .map(|m| match m {
                Channel::Sms => Ok(ppi_raw::PpiNotificationMode::Sms),
                Channel::Whatsapp => Ok(ppi_raw::PpiNotificationMode::Whatsapp),
                Channel::Email => Err(ValidationError::new(
                    "notification_modes",
                    "PPI sends the link by SMS or WHATSAPP only, not e-mail",
                )),
            })
            .collect()
    }

    pub(crate) fn to_raw(&self) -> Result<ppi_raw::PpiVkycInitiateRequest, ValidationError> {
        self.validate()?;
        let convert = |field: &str, e: ppi_raw::error::ConversionError| {
            ValidationError::new(field, e.to_string())
        };
        Ok(ppi_raw::PpiVkycInitiateRequest {
            user_id: self.user_id.parse().map_err(|e| convert("user_id", e))?,
            verification_id: self
                .verification_id
                .parse()
                .map_err(|e| convert("verification_id", e))?,
            notification_modes: self.ppi_modes()?,
            security_questions: self
                .security_questions
                .iter()
                .map(|q| {
                    Ok(ppi_raw::PpiSecurityQuestion {
                        order: NonZeroU64::new(q.order.into()).ok_or_else(|| {
                            ValidationError::new("security_questions.order", "starts at 1")
                        })?,
                        question: q
                            .question
                            .parse()
                            .map_err(|e| convert("security_questions.question", e))?,
                        answer: q
                            .answer
                            .parse()
                            .map_err(|e| convert("security_questions.answer", e))?,
                    })
                })
                .collect::<Result<_, ValidationError>>()?,
        })
    }
}

/// Who a Verification Suite request is for.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum User {
    /// Your identifier, as given to Create User.
    Id(String),
    /// Cashfree's `user_reference_id`, from Create User's response.
    ReferenceId(i64),
}

/// `POST /verification/vkyc`: start a Video KYC in the Verification Suite.
///
/// ```
/// use cashfree_vkyc::{Channel, VerificationSuiteInitiateRequest};
///
/// let request = VerificationSuiteInitiateRequest::for_user_id("vkyc_0001", "User0123")
///     .notification_type(Channel::Sms)
///     .user_template("vkyc_user_template_v1");
/// assert!(request.validate().is_ok());
/// ```
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct VerificationSuiteInitiateRequest {
    /// Your unique identifier for this verification.
    pub verification_id: String,
    /// The user.
    pub user: User,
    /// Channels to send the link on.
    pub notification_types: Vec<Channel>,
    /// The user template's name.
    pub user_template: Option<String>,
    /// The agent template's name.
    pub agent_template: Option<String>,
    /// Aadhaar details you already hold; sending them skips DigiLocker.
    pub aadhaar_details: Option<crate::AadhaarDetails>,
    /// Questions the agent asks.
    pub security_questions: Vec<SecurityQuestion>,
}

impl VerificationSuiteInitiateRequest {
    /// A request for the user you created with `user_id`.
    pub fn for_user_id(verification_id: impl Into<String>, user_id: impl Into<String>) -> Self {
        Self::new(verification_id.into(), User::Id(user_id.into()))
    }

    /// A request for the user Cashfree knows as `user_reference_id`.
    pub fn for_user_reference_id(
        verification_id: impl Into<String>,
        user_reference_id: i64,
    ) -> Self {
        Self::new(verification_id.into(), User::ReferenceId(user_reference_id))
    }

    fn new(verification_id: String, user: User) -> Self {
        Self {
            verification_id,
            user,
            notification_types: Vec::new(),
            user_template: None,
            agent_template: None,
            aadhaar_details: None,
            security_questions: Vec::new(),
        }
    }

    link_builders!();

    /// Sends Aadhaar details you already hold, which skips DigiLocker.
    pub fn aadhaar_details(mut self, details: crate::AadhaarDetails) -> Self {
        self.aadhaar_details = Some(details);
        self
    }

    question_builders!();

    /// Checks every documented rule.
    pub fn validate(&self) -> Result<(), ValidationError> {
        validate_verification_id(&self.verification_id)?;
        match &self.user {
            User::Id(id) => validate_user_id(id)?,
            User::ReferenceId(id) if *id <= 0 => {
                return Err(ValidationError::new(
                    "user_reference_id",
                    "must be a positive number",
                ));
            }
            User::ReferenceId(_) => {}
        }
        for (field, value) in [
            ("user_template", &self.user_template),
            ("agent_template", &self.agent_template),
        ] {
            if value.as_deref().is_some_and(|v| v.trim().is_empty()) {
                return Err(ValidationError::new(field, "must not be empty when given"));
            }
        }
        validate_questions(&self.security_questions)
    }

    pub(crate) fn to_raw(&self) -> Result<vs_raw::VkycLinkRequestSchema, ValidationError> {
        self.validate()?;
        let (user_id, user_reference_id) = match &self.user {
            User::Id(id) => (Some(id.clone()), None),
            User::ReferenceId(id) => (None, Some(*id)),
        };
        let questions: Vec<vs_raw::SecurityQuestionItem> = self
            .security_questions
            .iter()
            .map(|q| vs_raw::SecurityQuestionItem {
                order: q.order.into(),
                question: q.question.clone(),
                answer: q.answer.clone(),
            })
            .collect();
        Ok(vs_raw::VkycLinkRequestSchema {
            verification_id: self.verification_id.parse().map_err(
                |e: vs_raw::error::ConversionError| {
                    ValidationError::new("verification_id", e.to_string())
                },
            )?,
            user_id,
            user_reference_id,
            notification_types: self
                .notification_types
                .iter()
                .map(|t| t.verification_suite_name().to_owned())
                .collect(),
            user_template: self.user_template.clone(),
            agent_template: self.agent_template.clone(),
            aadhaar_details: self
                .aadhaar_details
                .as_ref()
                .map(crate::AadhaarDetails::to_raw)
                .transpose()?,
            security_questions: (!questions.is_empty()).then(|| questions.into()),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verification_id_rules() {
        assert!(validate_verification_id("abc.DEF-123_x").is_ok());
        assert_eq!(
            validate_verification_id("").unwrap_err().field,
            "verification_id"
        );
        assert!(validate_verification_id(&"a".repeat(50)).is_ok());
        assert!(
            validate_verification_id(&"a".repeat(51))
                .unwrap_err()
                .rule
                .contains("at most 50")
        );
        assert!(
            validate_verification_id("has space")
                .unwrap_err()
                .rule
                .contains("' '")
        );
        // The character is named whole, even when it takes several bytes.
        assert!(
            validate_verification_id("v-ü1")
                .unwrap_err()
                .rule
                .ends_with("not 'ü'")
        );
    }

    #[test]
    fn question_orders_must_be_unique_and_sequential() {
        let q = |o| SecurityQuestion::new(o, "q", "a");
        assert!(validate_questions(&[q(2), q(1), q(3)]).is_ok());
        assert!(
            validate_questions(&[q(1), q(1)])
                .unwrap_err()
                .rule
                .contains("twice")
        );
        assert!(
            validate_questions(&[q(1), q(3)])
                .unwrap_err()
                .rule
                .contains("expected 2")
        );
        assert!(validate_questions(&[q(0)]).is_err());
        let blank = SecurityQuestion::new(1, " ", "a");
        assert_eq!(
            validate_questions(&[blank]).unwrap_err().field,
            "security_questions[0].question"
        );
    }

    #[test]
    fn one_channel_type_named_per_family() {
        for (text, channel) in [
            ("SMS", Channel::Sms),
            ("sms", Channel::Sms),
            ("WHATSAPP", Channel::Whatsapp),
            ("email", Channel::Email),
        ] {
            assert_eq!(text.parse::<Channel>(), Ok(channel));
        }
        assert_eq!(
            "rcs".parse::<Channel>().unwrap_err().field,
            "notification channel"
        );
        // PPI sends no e-mail: `validate()` and the call refuse it alike.
        let request = PpiInitiateRequest::new("v", "u").notification_mode(Channel::Email);
        let checked = request.validate().unwrap_err();
        assert_eq!(checked.field, "notification_modes");
        assert_eq!(request.to_raw().unwrap_err(), checked);
        // The Verification Suite takes it, in its own case.
        let raw = VerificationSuiteInitiateRequest::for_user_id("v", "u")
            .notification_type(Channel::Email)
            .notification_type(Channel::Whatsapp)
            .to_raw()
            .unwrap();
        assert_eq!(
            serde_json::to_value(&raw).unwrap()["notification_types"],
            serde_json::json!(["email", "whatsapp"])
        );
    }

    #[test]
    fn raw_requests_carry_only_what_was_given() {
        let raw = VerificationSuiteInitiateRequest::for_user_reference_id("v1", 11174)
            .to_raw()
            .unwrap();
        let json = serde_json::to_value(&raw).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"verification_id": "v1", "user_reference_id": 11174})
        );
        let raw = PpiInitiateRequest::new("v", "u")
            .notification_mode(Channel::Whatsapp)
            .to_raw()
            .unwrap();
        let json = serde_json::to_value(&raw).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"user_id": "u", "verification_id": "v", "notification_modes": ["WHATSAPP"]})
        );
    }
}

//! The whole Verification Suite flow through the facade against the
//! sandbox: Create User, initiate by its `user_reference_id`, the SDK
//! token, following to the outcome; onboarding pressed twice; Create User
//! after a lost answer; PPI's status on both documented paths.

use cashfree_vkyc::{
    CreateUserRequest, Error, OnboardRequest, Outcome, PpiInitiateRequest, PpiStatusPath,
    SdkTokenRequest, UpdateUserRequest, User, VerificationSuiteInitiateRequest,
};
use cashfree_vkyc_sandbox::{Fault, Operation, Sandbox, Scenario};
use std::time::Duration;
use workspace_tests::canned::{Canned, Reply};
use workspace_tests::{client_builder, fast_client};

#[tokio::test]
async fn create_user_initiate_by_reference_token_and_outcome() {
    let sandbox = Sandbox::start().await.unwrap();
    let client = fast_client(sandbox.base_url());
    let suite = client.verification_suite();

    let user = suite
        .create_user(
            &CreateUserRequest::new("9876543210")
                .user_id("flow-user-1")
                .name("Asha Verma"),
        )
        .await
        .unwrap();
    let reference = user.user_reference_id.expect("Cashfree assigns one");
    assert_eq!(user.user_id.as_deref(), Some("flow-user-1"));
    assert!(user.request_id.is_some());
    let read = suite.user(&User::ReferenceId(reference)).await.unwrap();
    assert_eq!(read.name.as_deref(), Some("Asha Verma"));
    let updated = suite
        .update_user(&UpdateUserRequest::new(User::Id("flow-user-1".into())).email("a@example.com"))
        .await
        .unwrap();
    assert_eq!(updated.email.as_deref(), Some("a@example.com"));
    assert_eq!(updated.phone.as_deref(), Some("9876543210"));

    sandbox.plan(
        cashfree_vkyc_sandbox::Family::VerificationSuite,
        "flow-1",
        Scenario::Approved,
    );
    let v = suite
        .initiate(&VerificationSuiteInitiateRequest::for_user_reference_id(
            "flow-1", reference,
        ))
        .await
        .unwrap();
    assert_eq!(v.user_reference_id, Some(reference));

    let token = suite
        .sdk_token(
            &SdkTokenRequest::new("app-1", "flow-1").authenticated_user("userId", "flow-user-1"),
        )
        .await
        .unwrap();
    assert_eq!(token.access_token().split('.').count(), 3, "a JWT");
    assert!(token.expires_at.is_some());
    assert!(
        !format!("{token:?}").contains(token.access_token()),
        "Debug redacts the token"
    );

    sandbox.run_to_end("flow-1").unwrap();
    let last = client
        .verification_suite()
        .watch("flow-1")
        .poll_interval(Duration::from_millis(1), Duration::from_millis(5))
        .until_final(|_| {})
        .await
        .unwrap();
    assert_eq!(last.outcome(), Outcome::Approved);
}

#[tokio::test]
async fn unknown_users_and_tokens_are_refused_as_cashfree_documents() {
    let sandbox = Sandbox::start().await.unwrap();
    let suite = fast_client(sandbox.base_url());
    let suite = suite.verification_suite();
    let e = suite
        .initiate(&VerificationSuiteInitiateRequest::for_user_reference_id(
            "x", 424242,
        ))
        .await
        .unwrap_err();
    assert_eq!(
        e.as_api().and_then(|a| a.code.as_deref()),
        Some("user_reference_id_not_found")
    );
    let e = suite.user(&User::Id("nobody".into())).await.unwrap_err();
    assert!(e.is_not_found(), "{e}");
    let e = suite
        .sdk_token(&SdkTokenRequest::new("app", "no-such-verification"))
        .await
        .unwrap_err();
    assert!(e.is_not_found(), "{e}");
    let created = CreateUserRequest::new("9876500000").user_id("dup-user");
    suite.create_user(&created).await.unwrap();
    let e = suite.create_user(&created).await.unwrap_err();
    assert_eq!(
        e.as_api().and_then(|a| a.code.as_deref()),
        Some("user_id_already_exists")
    );
    // Validation before anything is sent, naming the field.
    for (e, field) in [
        (
            suite
                .create_user(&CreateUserRequest::new(""))
                .await
                .unwrap_err(),
            "phone",
        ),
        (
            suite
                .create_user(&CreateUserRequest::new("98765").user_id("no spaces"))
                .await
                .unwrap_err(),
            "user_id",
        ),
        (
            suite
                .sdk_token(&SdkTokenRequest::new(" ", "v1"))
                .await
                .unwrap_err(),
            "app_id",
        ),
        (
            suite.user(&User::ReferenceId(0)).await.unwrap_err(),
            "user_reference_id",
        ),
    ] {
        let Error::Validation(v) = &e else {
            panic!("{e:?}")
        };
        assert_eq!(v.field, field);
    }
}

/// Pressed twice: one user and one verification, both returned the second
/// time.
#[tokio::test]
async fn onboarding_twice_creates_one_user_and_one_verification() {
    let sandbox = Sandbox::start().await.unwrap();
    let client = fast_client(sandbox.base_url());
    let request = OnboardRequest::new(
        "onboard-1",
        CreateUserRequest::new("9876543210").user_id("customer-1"),
    )
    .notification_type(cashfree_vkyc::Channel::Sms);
    let first = client.verification_suite().onboard(&request).await.unwrap();
    let second = client.verification_suite().onboard(&request).await.unwrap();
    assert_eq!(first.user.user_reference_id, second.user.user_reference_id);
    assert_eq!(
        first.verification.cashfree_id,
        second.verification.cashfree_id
    );
    let stats = sandbox.stats();
    assert_eq!(stats.requests[&Operation::VerificationSuiteCreateUser], 2);
    assert_eq!(stats.verifications["verification_suite"], 1);
    // Another phone under the same user_id is not this customer.
    let other = OnboardRequest::new(
        "onboard-2",
        CreateUserRequest::new("9000000000").user_id("customer-1"),
    );
    let e = client
        .verification_suite()
        .onboard(&other)
        .await
        .unwrap_err();
    assert_eq!(
        e.as_api().and_then(|a| a.code.as_deref()),
        Some("user_id_already_exists")
    );
    // Onboarding needs the user's id, so that a second press finds it.
    let e = client
        .verification_suite()
        .onboard(&OnboardRequest::new(
            "onboard-3",
            CreateUserRequest::new("98765"),
        ))
        .await
        .unwrap_err();
    assert!(matches!(e, Error::Validation(v) if v.field == "user_id"));
}

/// The first answer is lost after the user was created: the retry's
/// "already exists" resolves to that user.
#[tokio::test]
async fn create_user_after_a_lost_answer_returns_the_user() {
    let sandbox = Sandbox::start().await.unwrap();
    let client = fast_client(sandbox.base_url());
    sandbox.inject(
        Fault::DropAfterProcessing,
        Some(Operation::VerificationSuiteCreateUser),
        1,
    );
    let user = client
        .verification_suite()
        .create_user(&CreateUserRequest::new("9876543210"))
        .await
        .unwrap();
    assert!(user.user_reference_id.is_some());
    let made_up = user.user_id.clone().unwrap();
    assert!(made_up.starts_with('u') && made_up.len() == 25, "{made_up}");
    assert_eq!(
        sandbox.stats().requests[&Operation::VerificationSuiteCreateUser],
        2
    );
}

#[tokio::test]
async fn ppi_status_on_either_documented_path() {
    let sandbox = Sandbox::start().await.unwrap();
    let client = fast_client(sandbox.base_url());
    client
        .ppi()
        .initiate(&PpiInitiateRequest::new("paths-1", "u1"))
        .await
        .unwrap();
    let details = client_builder(sandbox.base_url())
        .ppi_status_path(PpiStatusPath::Details)
        .build()
        .unwrap();
    let v = details.ppi().status("paths-1", "u1").await.unwrap();
    assert_eq!(v.verification_id, "paths-1");
    assert_eq!(sandbox.stats().requests[&Operation::PpiDetails], 1);
    assert_eq!(sandbox.stats().requests[&Operation::PpiStatus], 0);

    // A host without the route answers a 404 that is not Cashfree's JSON:
    // the error names the other documented path and how to choose it.
    let server = Canned::start([Reply::Json(
        404,
        vec![("content-type", "text/html".into())],
        "<html>Not Found</html>".into(),
    )])
    .await;
    let e = fast_client(&server.base_url)
        .ppi()
        .status("paths-1", "u1")
        .await
        .unwrap_err();
    let shown = e.to_string();
    assert!(shown.contains("/ppi/kyc/vkyc/details"), "{shown}");
    assert!(shown.contains("PpiStatusPath::Details"), "{shown}");
    // Cashfree's own 404 for an unknown verification carries no such hint.
    let e = fast_client(sandbox.base_url())
        .ppi()
        .status("missing", "u1")
        .await
        .unwrap_err();
    assert!(!e.to_string().contains("documents this call"), "{e}");
}

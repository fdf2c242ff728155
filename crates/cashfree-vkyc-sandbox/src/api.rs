//! Cashfree's four Video KYC operations, answered with Cashfree's status
//! codes and `{type, code, message}` bodies.

use crate::history::What;
use crate::model::{Family, Fault, Operation};
use crate::ratelimit::Verdict;
use crate::spec::{self, Invalid};
use crate::state::{AppState, Record};
use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{Query, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use serde_json::{Map, Value, json};
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

/// An error answer, rendered as Cashfree's `{type, code, message}` body.
pub(crate) struct Reject {
    status: StatusCode,
    kind: &'static str,
    code: String,
    message: String,
}

impl IntoResponse for Reject {
    fn into_response(self) -> Response {
        let body = json!({"type": self.kind, "code": self.code, "message": self.message});
        (self.status, axum::Json(body)).into_response()
    }
}

pub(crate) fn error(status: StatusCode, kind: &'static str, code: &str, message: &str) -> Reject {
    Reject {
        status,
        kind,
        code: code.to_owned(),
        message: message.to_owned(),
    }
}

pub(crate) fn invalid(code: &str, message: &str) -> Reject {
    error(StatusCode::BAD_REQUEST, "validation_error", code, message)
}

impl From<Invalid> for Reject {
    fn from(e: Invalid) -> Self {
        invalid(&e.code, &e.message)
    }
}

pub(crate) fn not_found_id(code: &str, message: &str) -> Reject {
    error(StatusCode::NOT_FOUND, "validation_error", code, message)
}

pub(crate) fn router(state: Arc<AppState>) -> Router<Arc<AppState>> {
    Router::new()
        .route("/verification/vkyc", post(vs_initiate).get(vs_status))
        .route(
            "/verification/user",
            post(create_user).get(get_user).patch(update_user),
        )
        .route("/verification/oauth/token", post(sdk_token))
        .route("/ppi/kyc/vkyc", post(ppi_initiate))
        .route("/ppi/kyc/vkyc/status", post(ppi_status))
        .route("/ppi/kyc/vkyc/details", post(ppi_details))
        .layer(middleware::from_fn_with_state(state.clone(), guard))
        .layer(middleware::from_fn_with_state(state, request_id))
}

/// The verification an answer is about, left by the handler for the
/// history.
#[derive(Clone)]
struct Subject(Family, String);

fn about(mut response: Response, family: Family, verification_id: &str) -> Response {
    response
        .extensions_mut()
        .insert(Subject(family, verification_id.to_owned()));
    response
}

/// Every answer carries an `x-request-id`, as Cashfree's do, faults and
/// refusals included: the id a user hands to support can be seen locally,
/// and in the console's history with the request.
async fn request_id(State(state): State<Arc<AppState>>, request: Request, next: Next) -> Response {
    let method = request.method().as_str().to_owned();
    let path = request
        .uri()
        .path_and_query()
        .map_or_else(String::new, |p| p.as_str().to_owned());
    let mut response = next.run(request).await;
    let id = new_request_id();
    if let Ok(value) = HeaderValue::from_str(&id) {
        response.headers_mut().insert("x-request-id", value);
    }
    let subject = response.extensions_mut().remove::<Subject>();
    state.history.record(What::Request {
        method,
        path,
        status: response.status().as_u16(),
        request_id: id,
        family: subject.as_ref().map(|s| s.0),
        verification_id: subject.map(|s| s.1),
    });
    response
}

/// A random id in the UUID form (version 4).
fn new_request_id() -> String {
    let bits = fastrand::u128(..);
    let hex = format!("{bits:032x}");
    format!(
        "{}-{}-4{}-{:x}{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[13..16],
        8 + (bits >> 60 & 0x3),
        &hex[17..20],
        &hex[20..32]
    )
}

/// Counts, injects faults, and checks credentials and the API version.
async fn guard(State(state): State<Arc<AppState>>, request: Request, next: Next) -> Response {
    let Some(op) = Operation::of(request.method().as_str(), request.uri().path()) else {
        return next.run(request).await;
    };
    state.count_request(op);
    let fault = state.next_fault(op);
    match &fault {
        Some(Fault::RateLimited { retry_after_ms }) => {
            let mut response = error(
                StatusCode::TOO_MANY_REQUESTS,
                "rate_limit_error",
                "too_many_requests_per_operation",
                "Too many requests for this operation, rate limit reached",
            )
            .into_response();
            let secs = format!("{:.3}", *retry_after_ms as f64 / 1000.0);
            if let Ok(v) = HeaderValue::from_str(&secs) {
                response.headers_mut().insert("retry-after", v);
            }
            return response;
        }
        Some(Fault::ServerError) => {
            return error(
                StatusCode::INTERNAL_SERVER_ERROR,
                "internal_error",
                "verification_failed",
                "something went wrong",
            )
            .into_response();
        }
        Some(Fault::Delay { ms }) => tokio::time::sleep(Duration::from_millis(*ms)).await,
        _ => {}
    }
    if let Err(reject) = admit(&state, request.headers()) {
        return reject.into_response();
    }
    let client_id = header(request.headers(), "x-client-id").unwrap_or_default();
    let verdict = state.rate_limit.check(client_id);
    if let Verdict::Limited { reset_secs, .. } = verdict {
        let mut response = error(
            StatusCode::TOO_MANY_REQUESTS,
            "rate_limit_error",
            "too_many_requests_per_operation",
            "Too many requests for this account, rate limit reached",
        )
        .into_response();
        limit_headers(response.headers_mut(), verdict);
        response
            .headers_mut()
            .insert("retry-after", HeaderValue::from(reset_secs));
        return response;
    }
    let mut response = next.run(request).await;
    limit_headers(response.headers_mut(), verdict);
    if fault == Some(Fault::DropAfterProcessing) {
        // The work is done; the answer never arrives.
        let broken = futures_util::stream::once(async {
            Err::<Bytes, std::io::Error>(std::io::Error::other("connection dropped by the sandbox"))
        });
        let (mut parts, _) = response.into_parts();
        parts.headers.remove(axum::http::header::CONTENT_LENGTH);
        return Response::from_parts(parts, Body::from_stream(broken));
    }
    response
}

/// `x-ratelimit-limit`, `x-ratelimit-remaining` and `x-ratelimit-reset`
/// (seconds until the minute ends), when a limit is set.
fn limit_headers(headers: &mut HeaderMap, verdict: Verdict) {
    let (limit, remaining, reset) = match verdict {
        Verdict::Unlimited => return,
        Verdict::Served {
            limit,
            remaining,
            reset_secs,
        } => (limit, remaining, reset_secs),
        Verdict::Limited { limit, reset_secs } => (limit, 0, reset_secs),
    };
    headers.insert("x-ratelimit-limit", HeaderValue::from(limit));
    headers.insert("x-ratelimit-remaining", HeaderValue::from(remaining));
    headers.insert("x-ratelimit-reset", HeaderValue::from(reset));
}

fn header<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .filter(|v| !v.is_empty())
}

/// Credentials (any non-empty pair, or the configured one) and the API version.
fn admit(state: &AppState, headers: &HeaderMap) -> Result<(), Reject> {
    for name in ["x-client-id", "x-client-secret"] {
        if header(headers, name).is_none() {
            return Err(invalid(
                &format!("{name}_missing"),
                &format!("{name} is missing in the request."),
            ));
        }
    }
    if let Some((id, secret)) = &state.config.credentials
        && (header(headers, "x-client-id") != Some(id.as_str())
            || header(headers, "x-client-secret") != Some(secret.as_str()))
    {
        return Err(error(
            StatusCode::UNAUTHORIZED,
            "authentication_error",
            "authentication_failed",
            "Invalid clientId and clientSecret combination",
        ));
    }
    if header(headers, "x-api-version").is_none() {
        return Err(invalid(
            "x-api-version_missing",
            "x-api-version is missing in the request.",
        ));
    }
    Ok(())
}

/// Who asks for a verification: the client, whose secret signs its
/// webhooks, and the scenario named with the request (`x-sandbox-scenario`
/// for an API call, the form for the console).
pub(crate) struct Caller<'a> {
    pub client_id: &'a str,
    pub secret: &'a str,
    pub scenario: Option<&'a str>,
}

impl<'a> Caller<'a> {
    fn of(headers: &'a HeaderMap) -> Self {
        Caller {
            client_id: header(headers, "x-client-id").unwrap_or_default(),
            secret: header(headers, "x-client-secret").unwrap_or_default(),
            scenario: header(headers, "x-sandbox-scenario"),
        }
    }
}

/// A `user_reference_id`, sent as a number or as its text.
fn reference_of(body: &Map<String, Value>) -> Option<i64> {
    body.get("user_reference_id").and_then(|r| {
        r.as_i64()
            .or_else(|| r.as_str().and_then(|s| s.trim().parse().ok()))
    })
}

fn text(body: &Map<String, Value>, field: &str) -> Option<String> {
    body.get(field).and_then(Value::as_str).map(str::to_owned)
}

/// Stores a new verification, or answers 409 if the id is taken.
pub(crate) fn create(
    state: &AppState,
    caller: Caller<'_>,
    family: Family,
    body: &Map<String, Value>,
) -> Result<Response, Reject> {
    let verification_id = text(body, "verification_id").unwrap_or_default();
    // A user_reference_id comes from Create User: an unknown one is
    // Cashfree's documented 404.
    if family == Family::VerificationSuite && body.contains_key("user_reference_id") {
        let known =
            reference_of(body).is_some_and(|id| state.users.has_reference(caller.client_id, id));
        if !known {
            return Err(not_found_id(
                "user_reference_id_not_found",
                "user_reference_id does not exist",
            ));
        }
    }
    let asked = caller
        .scenario
        .map(|name| {
            name.parse()
                .map_err(|e: String| invalid("x-sandbox-scenario_value_invalid", &e))
        })
        .transpose()?;
    let scenario = state.scenario_for(family, &verification_id, asked);
    let record = Record {
        family,
        verification_id,
        user_id: text(body, "user_id"),
        user_reference_id: reference_of(body),
        reference_id: 0,
        scenario,
        step: 0,
        notification: body
            .get("notification_modes")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default(),
        security_questions: body.get("security_questions").cloned(),
        link_expiry: chrono::Utc::now().date_naive() + chrono::Days::new(7),
        secret: caller.secret.to_owned(),
        client_id: caller.client_id.to_owned(),
    };
    let verification_id = record.verification_id.clone();
    match state.create(record) {
        Ok(body) => Ok(about(
            axum::Json(body).into_response(),
            family,
            &verification_id,
        )),
        Err(_) => Err(error(
            StatusCode::CONFLICT,
            "validation_error",
            "verification_id_already_exists",
            "verification ID already exists",
        )),
    }
}

async fn vs_initiate(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, Reject> {
    let body = spec::check_body(Operation::VerificationSuiteInitiate, &body)?;
    create(
        &state,
        Caller::of(&headers),
        Family::VerificationSuite,
        &body,
    )
}

async fn ppi_initiate(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, Reject> {
    let body = spec::check_body(Operation::PpiInitiate, &body)?;
    create(&state, Caller::of(&headers), Family::Ppi, &body)
}

async fn vs_status(
    State(state): State<Arc<AppState>>,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Response, Reject> {
    let param = |name: &str| query.get(name).filter(|s| !s.is_empty());
    let id = if let Some(id) = param("verification_id") {
        id.clone()
    } else if let Some(reference) = param("reference_id") {
        // Cashfree's reference_id is a number (int64 in every response).
        let reference: i64 = reference.parse().map_err(|_| {
            invalid(
                "reference_id_value_invalid",
                "reference ID value is invalid.",
            )
        })?;
        state
            .by_reference(reference)
            .ok_or_else(|| not_found_id("reference_id_not_found", "reference_id does not exist."))?
    } else {
        return Err(invalid(
            "verification_id_missing",
            "verification_id is missing in the request.",
        ));
    };
    match state.body_of(Family::VerificationSuite, &id) {
        Some((body, _)) => Ok(about(
            axum::Json(body).into_response(),
            Family::VerificationSuite,
            &id,
        )),
        None => Err(not_found_id(
            "verification_id_not_found",
            "verification_id does not exist.",
        )),
    }
}

async fn ppi_status(State(state): State<Arc<AppState>>, body: Bytes) -> Result<Response, Reject> {
    ppi_lookup(&state, Operation::PpiStatus, &body)
}

/// The same call under its second documented path.
async fn ppi_details(State(state): State<Arc<AppState>>, body: Bytes) -> Result<Response, Reject> {
    ppi_lookup(&state, Operation::PpiDetails, &body)
}

async fn create_user(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, Reject> {
    let body = spec::check_body(Operation::VerificationSuiteCreateUser, &body)?;
    let client_id = header(&headers, "x-client-id").unwrap_or_default();
    let user = state.users.create(client_id, &body)?;
    record_user(&state, "created", &user);
    Ok(axum::Json(user).into_response())
}

async fn get_user(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Response, Reject> {
    let client_id = header(&headers, "x-client-id").unwrap_or_default();
    Ok(axum::Json(state.users.get(client_id, &query)?).into_response())
}

async fn update_user(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, Reject> {
    let body = spec::check_body(Operation::VerificationSuiteUpdateUser, &body)?;
    let client_id = header(&headers, "x-client-id").unwrap_or_default();
    let user = state.users.update(client_id, &body)?;
    record_user(&state, "updated", &user);
    Ok(axum::Json(user).into_response())
}

/// A user as the console lists it: ids and name, not the phone.
fn record_user(state: &AppState, action: &'static str, user: &Value) {
    state.history.record(What::User {
        action,
        user_id: user["user_id"].as_str().unwrap_or_default().to_owned(),
        user_reference_id: user["user_reference_id"].as_i64(),
        name: user["name"].as_str().map(str::to_owned),
    });
}

/// The token opens one of this client's Verification Suite verifications.
async fn sdk_token(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, Reject> {
    let body = spec::check_body(Operation::VerificationSuiteSdkToken, &body)?;
    let client_id = header(&headers, "x-client-id").unwrap_or_default();
    let verification_id = body
        .get("metadata")
        .and_then(|m| m.get("vkyc_request_id"))
        .and_then(|v| match v {
            Value::String(s) => Some(s.clone()),
            Value::Number(n) => Some(n.to_string()),
            _ => None,
        })
        .unwrap_or_default();
    if state
        .client_of(Family::VerificationSuite, &verification_id)
        .as_deref()
        != Some(client_id)
    {
        return Err(not_found_id(
            "verification_id_not_found",
            "verification_id does not exist",
        ));
    }
    let app_id = text(&body, "app_id").unwrap_or_default();
    let token = crate::users::token(client_id, &verification_id, &app_id);
    // The token itself is a credential; the console says only that one
    // was issued.
    state.history.record(What::Token {
        verification_id: verification_id.clone(),
        app_id,
        expires_at: token["expiry"].as_str().map(str::to_owned),
    });
    Ok(about(
        axum::Json(token).into_response(),
        Family::VerificationSuite,
        &verification_id,
    ))
}

fn ppi_lookup(state: &AppState, operation: Operation, body: &[u8]) -> Result<Response, Reject> {
    let body = spec::check_body(operation, body)?;
    let user_id = text(&body, "user_id").unwrap_or_default();
    let verification_id = text(&body, "verification_id").unwrap_or_default();
    match state.body_of(Family::Ppi, &verification_id) {
        Some((body, owner)) if owner.as_deref() == Some(user_id.as_str()) => Ok(about(
            axum::Json(body).into_response(),
            Family::Ppi,
            &verification_id,
        )),
        // Cashfree documents no separate answer for another user's id; the
        // message says what is wrong without showing whose it is.
        Some(_) => Err(not_found_id(
            "verification_id_not_found",
            "verification_id does not exist for this user_id.",
        )),
        None => Err(not_found_id(
            "verification_id_not_found",
            "verification_id does not exist.",
        )),
    }
}

//! The `/__sandbox/` endpoints, a path Cashfree never uses: scenarios,
//! steps, faults, redeliveries and stats. The console drives the sandbox
//! through these same endpoints.

use crate::api::{Reject, error, invalid, not_found_id};
use crate::history::Cause;
use crate::lifecycle::Scenario;
use crate::model::{ControlError, Family, FaultRule, Key};
use crate::state::AppState;
use crate::table::status_for;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde::Deserialize;
use serde_json::json;
use std::sync::Arc;

pub(crate) fn router() -> Router<Arc<AppState>> {
    Router::new()
        .route(
            "/__sandbox/verifications/{id}/scenario",
            post(scenario_by_id),
        )
        .route("/__sandbox/verifications/{id}/advance", post(advance_by_id))
        .route(
            "/__sandbox/verifications/{id}/run-to-end",
            post(finish_by_id),
        )
        .route(
            "/__sandbox/{family}/verifications/{id}/scenario",
            post(scenario),
        )
        .route(
            "/__sandbox/{family}/verifications/{id}/advance",
            post(advance),
        )
        .route(
            "/__sandbox/{family}/verifications/{id}/run-to-end",
            post(finish),
        )
        .route(
            "/__sandbox/faults",
            post(fault).get(faults).delete(clear_faults),
        )
        .route("/__sandbox/deliveries/{id}/redeliver", post(redeliver))
        .route("/__sandbox/verifications", get(verifications))
        .route("/__sandbox/stats", get(stats))
        .route(
            "/__sandbox/rate-limit",
            get(rate_limit).post(set_rate_limit),
        )
        .merge(crate::console::router())
        .layer(axum::middleware::from_fn(crate::console::same_origin))
}

/// What moved a verification: a console button says so in a header.
fn cause(headers: &HeaderMap) -> Cause {
    if headers.contains_key(crate::console::VIA_HEADER) {
        Cause::Console
    } else {
        Cause::Control
    }
}

impl From<ControlError> for Reject {
    fn from(e: ControlError) -> Self {
        match e {
            ControlError::NotFound(_) => error(
                StatusCode::NOT_FOUND,
                "validation_error",
                "verification_id_not_found",
                &e.to_string(),
            ),
            ControlError::Ambiguous(_) => error(
                StatusCode::CONFLICT,
                "validation_error",
                "verification_id_ambiguous",
                &format!("{e}: /__sandbox/{{ppi|verification_suite}}/verifications/{{id}}/..."),
            ),
        }
    }
}

fn key(family: Option<&str>, id: &str) -> Result<Key, Reject> {
    let family: Option<Family> = family
        .map(|f| {
            f.parse()
                .map_err(|e: String| invalid("family_value_invalid", &e))
        })
        .transpose()?;
    Ok(Key {
        family,
        verification_id: id.to_owned(),
    })
}

#[derive(Deserialize)]
struct ScenarioBody {
    scenario: String,
}

/// Chooses the path of a verification; one that does not exist yet in the
/// named family takes it when it is created.
fn set_scenario(state: &AppState, key: Key, body: &[u8]) -> Result<Response, Reject> {
    let body: ScenarioBody = serde_json::from_slice(body)
        .map_err(|e| invalid("request_body_invalid", &e.to_string()))?;
    let scenario: Scenario = body
        .scenario
        .parse()
        .map_err(|e: String| invalid("scenario_value_invalid", &e))?;
    let planned = match (state.set_scenario(&key, scenario), key.family) {
        (Ok(()), _) => false,
        (Err(ControlError::NotFound(_)), Some(family)) => {
            state.plan(family, &key.verification_id, scenario);
            true
        }
        (Err(e), _) => return Err(e.into()),
    };
    Ok(axum::Json(json!({
        "verification_id": key.verification_id,
        "scenario": scenario.as_str(),
        "planned": planned,
    }))
    .into_response())
}

fn step(sub_status: &str, key: &Key) -> Response {
    axum::Json(json!({
        "verification_id": key.verification_id,
        "status": status_for(sub_status),
        "sub_status": sub_status,
    }))
    .into_response()
}

async fn scenario_by_id(
    State(state): State<Arc<AppState>>,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, Reject> {
    set_scenario(&state, key(None, &id)?, &body)
}

async fn scenario(
    State(state): State<Arc<AppState>>,
    Path((family, id)): Path<(String, String)>,
    body: Bytes,
) -> Result<Response, Reject> {
    set_scenario(&state, key(Some(&family), &id)?, &body)
}

async fn advance_by_id(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Response, Reject> {
    let key = key(None, &id)?;
    Ok(step(state.advance(&key, cause(&headers))?, &key))
}

async fn advance(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Path((family, id)): Path<(String, String)>,
) -> Result<Response, Reject> {
    let key = key(Some(&family), &id)?;
    Ok(step(state.advance(&key, cause(&headers))?, &key))
}

async fn finish_by_id(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Response, Reject> {
    let key = key(None, &id)?;
    Ok(step(state.run_to_end(&key, cause(&headers))?, &key))
}

async fn finish(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Path((family, id)): Path<(String, String)>,
) -> Result<Response, Reject> {
    let key = key(Some(&family), &id)?;
    Ok(step(state.run_to_end(&key, cause(&headers))?, &key))
}

/// Queues a fault; answers with the rule as installed.
async fn fault(State(state): State<Arc<AppState>>, body: Bytes) -> Result<Response, Reject> {
    let rule: FaultRule = serde_json::from_slice(&body)
        .map_err(|e| invalid("fault_value_invalid", &e.to_string()))?;
    if rule.count == 0 {
        return Err(invalid(
            "count_value_invalid",
            "count must be at least 1 (leave it out for one request)",
        ));
    }
    state.push_fault(rule.clone());
    Ok((StatusCode::CREATED, axum::Json(rule)).into_response())
}

/// The faults queued, next first.
async fn faults(State(state): State<Arc<AppState>>) -> Response {
    axum::Json(json!({"faults": state.faults()})).into_response()
}

/// Removes every queued fault.
async fn clear_faults(State(state): State<Arc<AppState>>) -> Response {
    axum::Json(json!({"cleared": state.clear_faults()})).into_response()
}

/// Sends a delivery again, to the same receiver, signed afresh.
async fn redeliver(
    State(state): State<Arc<AppState>>,
    Path(id): Path<String>,
) -> Result<Response, Reject> {
    let id: u64 = id.parse().map_err(|_| {
        invalid(
            "delivery_id_value_invalid",
            "a delivery id is the number the console and the history give it",
        )
    })?;
    let new_id = state.webhooks.redeliver(id).map_err(|_| {
        not_found_id(
            "delivery_id_not_found",
            "no such delivery (or it is older than those kept)",
        )
    })?;
    Ok((
        StatusCode::ACCEPTED,
        axum::Json(json!({"delivery_id": new_id, "redelivery_of": id})),
    )
        .into_response())
}

/// Every verification of both families, newest first.
async fn verifications(State(state): State<Arc<AppState>>) -> Response {
    axum::Json(json!({"verifications": state.verifications()})).into_response()
}

#[derive(Deserialize)]
struct RateLimitBody {
    per_minute: Option<u32>,
}

/// The limit in force and what it counted per minute.
async fn rate_limit(State(state): State<Arc<AppState>>) -> Response {
    axum::Json(json!({
        "per_minute": state.rate_limit.per_minute(),
        "minutes": state.rate_limit.counts(),
    }))
    .into_response()
}

/// Sets the limit (`{"per_minute": 60}`) or lifts it (`{"per_minute": null}`).
async fn set_rate_limit(
    State(state): State<Arc<AppState>>,
    body: Bytes,
) -> Result<Response, Reject> {
    let body: RateLimitBody = serde_json::from_slice(&body)
        .map_err(|e| invalid("per_minute_value_invalid", &e.to_string()))?;
    if body.per_minute == Some(0) {
        return Err(invalid(
            "per_minute_value_invalid",
            "per_minute must be at least 1, or null for no limit",
        ));
    }
    state.rate_limit.set(body.per_minute);
    Ok(rate_limit(State(state)).await)
}

async fn stats(State(state): State<Arc<AppState>>) -> Response {
    axum::Json(state.stats()).into_response()
}

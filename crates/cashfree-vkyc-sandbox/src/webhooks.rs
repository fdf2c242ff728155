//! Delivering changes as Cashfree does: both families' payloads and
//! signatures, `x-webhook-attempt`, redelivery with backoff, duplicates.

use crate::lifecycle::event_for;
use crate::server::AppState;
use cashfree_vkyc::webhook::{
    ATTEMPT_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER, VERSION_HEADER, sign_ppi,
    sign_verification_suite,
};
use cashfree_vkyc::{Api, SubStatus};
use serde_json::{Value, json};
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// How many times a delivery is tried before it is given up.
const MAX_ATTEMPTS: u32 = 5;

/// Sends the webhook for a change, in the background, if one is configured
/// and the change has an event type.
pub(crate) fn deliver(state: Arc<AppState>, api: Api, sub_status: &SubStatus, data: Value) {
    let (Some(url), Some(event)) = (state.config.webhook_url.clone(), event_for(sub_status)) else {
        return;
    };
    let copies = if state.config.duplicate_webhooks {
        2
    } else {
        1
    };
    tokio::spawn(async move {
        let event_time = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
        let body = match api {
            Api::Ppi => json!({"event_type": event, "event_time": event_time, "data": data}),
            _ => {
                let signature = data
                    .as_object()
                    .map(|d| sign_verification_suite(state.config.secret(), d))
                    .unwrap_or_default();
                json!({"signature": signature, "event_type": event, "event_time": event_time, "version": "v1", "data": data})
            }
        };
        let body = serde_json::to_vec(&body).unwrap_or_default();
        for _ in 0..copies {
            send(&state, &url, api, &body).await;
        }
    });
}

async fn send(state: &AppState, url: &str, api: Api, body: &[u8]) {
    let mut wait = Duration::from_millis(50);
    for attempt in 1..=MAX_ATTEMPTS {
        state.webhook_attempts.fetch_add(1, Ordering::Relaxed);
        let mut request = state
            .http
            .post(url)
            .header("content-type", "application/json")
            .header(ATTEMPT_HEADER, attempt.to_string())
            .body(body.to_vec());
        if api == Api::Ppi {
            let timestamp = SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map_or(0, |d| d.as_millis())
                .to_string();
            request = request
                .header(
                    SIGNATURE_HEADER,
                    sign_ppi(state.config.secret(), &timestamp, body),
                )
                .header(TIMESTAMP_HEADER, timestamp)
                .header(VERSION_HEADER, "2025-01-01");
        }
        match request.send().await {
            Ok(response) if response.status().is_success() => {
                state.webhooks_delivered.fetch_add(1, Ordering::Relaxed);
                return;
            }
            Ok(response) => tracing::debug!(
                attempt,
                status = response.status().as_u16(),
                "webhook refused"
            ),
            Err(e) => tracing::debug!(attempt, error = %e, "webhook failed"),
        }
        tokio::time::sleep(wait).await;
        wait *= 2;
    }
    tracing::warn!(url, "webhook given up after {MAX_ATTEMPTS} attempts");
}

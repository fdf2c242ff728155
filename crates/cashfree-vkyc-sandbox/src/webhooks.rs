//! Delivering changes as Cashfree does: both families' payloads, both
//! signing schemes, `x-webhook-attempt`, redelivery with backoff,
//! duplicates.
//!
//! The signatures are computed here from Cashfree's published algorithms,
//! not with the SDK's code, so that a receiver built on the SDK is checked
//! against an independent reading of the documents.

use crate::lifecycle::event_for;
use crate::server::{AppState, WebhookSigning};
use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use cashfree_vkyc::{Api, SubStatus};
use hmac::{Hmac, Mac};
use serde_json::{Value, json};
use sha2::Sha256;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// How many times a delivery is tried before it is given up.
const MAX_ATTEMPTS: u32 = 5;

/// base64(HMAC-SHA256(key, message parts in order)).
fn hmac_base64(key: &str, parts: &[&[u8]]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(key.as_bytes())
        .unwrap_or_else(|_| unreachable!("HMAC takes a key of any length"));
    for part in parts {
        mac.update(part);
    }
    BASE64.encode(mac.finalize().into_bytes())
}

/// The signed-body scheme: the values of `data` concatenated in the order
/// of their keys, strings without quotes, numbers as written, null as
/// nothing (Cashfree's Java sample).
fn body_signature(secret: &str, data: &Value) -> String {
    let mut entries: Vec<(&String, &Value)> = data
        .as_object()
        .map(|o| o.iter().collect())
        .unwrap_or_default();
    entries.sort_by(|a, b| a.0.cmp(b.0));
    let mut message = String::new();
    for (_, value) in entries {
        match value {
            Value::Null => {}
            Value::String(s) => message.push_str(s),
            other => message.push_str(&other.to_string()),
        }
    }
    hmac_base64(secret, &[message.as_bytes()])
}

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
    let signed_body = api == Api::VerificationSuite
        && state.config.verification_suite_signing == WebhookSigning::Body;
    tokio::spawn(async move {
        let event_time = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
        let body = match api {
            Api::Ppi => json!({"event_type": event, "event_time": event_time, "data": data}),
            _ if signed_body => {
                let signature = body_signature(state.config.secret(), &data);
                json!({"signature": signature, "event_type": event, "event_time": event_time, "version": "v1", "data": data})
            }
            _ => {
                json!({"event_type": event, "event_time": event_time, "version": "v1", "data": data})
            }
        };
        let body = serde_json::to_vec(&body).unwrap_or_default();
        for _ in 0..copies {
            send(&state, &url, api, !signed_body, &body).await;
        }
    });
}

async fn send(state: &AppState, url: &str, api: Api, signed_headers: bool, body: &[u8]) {
    let mut wait = Duration::from_millis(50);
    for attempt in 1..=MAX_ATTEMPTS {
        state.webhook_attempts.fetch_add(1, Ordering::Relaxed);
        let mut request = state
            .http
            .post(url)
            .header("content-type", "application/json")
            .header("x-webhook-attempt", attempt.to_string())
            .body(body.to_vec());
        if signed_headers {
            let timestamp = SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map_or(0, |d| d.as_millis())
                .to_string();
            let signature = hmac_base64(state.config.secret(), &[timestamp.as_bytes(), body]);
            request = request
                .header("x-webhook-signature", signature)
                .header("x-webhook-timestamp", timestamp);
            if api == Api::Ppi {
                request = request.header("x-webhook-version", "2025-01-01");
            }
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

#[cfg(test)]
mod tests {
    use super::*;

    /// Vectors computed with `openssl dgst -sha256 -hmac`, not with Rust.
    #[test]
    fn signatures_match_openssl() {
        // echo -n '1700000000000{"a":1}' | openssl dgst -sha256 -hmac key -binary | base64
        assert_eq!(
            hmac_base64("key", &[b"1700000000000", br#"{"a":1}"#]),
            "e3QIZdjQjnOq37ZbtPvgTdsCm1XVTG0+XvqtuyrbYwU="
        );
        // echo -n '2025-08-031358RECEIVEDLINK_GENERATEDu111174v1https://x' \
        //   | openssl dgst -sha256 -hmac cf_test_secret -binary | base64
        let data = json!({"verification_id": "v1", "reference_id": 1358, "user_reference_id": "11174",
            "status": "RECEIVED", "sub_status": "LINK_GENERATED", "vkyc_link": "https://x", "link_expiry": "2025-08-03",
            "recording_link": null, "meeting_schedule": null, "user_id": "u1"});
        assert_eq!(
            body_signature("cf_test_secret", &data),
            "aGRnsPaChyJNBeWFe5N/4ebiykBN3ybGWnki8ZZ4Qgc="
        );
    }
}

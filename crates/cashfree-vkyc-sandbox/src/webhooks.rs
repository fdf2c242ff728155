//! Delivering changes as Cashfree does: both families' payloads, both
//! signing schemes, `x-webhook-attempt`, redelivery with backoff,
//! duplicates.
//!
//! The signatures are computed here from Cashfree's published algorithms,
//! not with the SDK's code, so that a receiver built on the SDK is checked
//! against an independent reading of the documents.

use crate::config::WebhookSigning;
use crate::model::Family;
use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use hmac::{Hmac, Mac};
use serde_json::{Value, json};
use sha2::Sha256;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

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

/// Sends webhooks to one receiver and counts what happened.
pub(crate) struct WebhookSender {
    http: reqwest::Client,
    urls: Vec<String>,
    signing: WebhookSigning,
    duplicate: bool,
    max_attempts: u32,
    delivered: AtomicU64,
    attempts: AtomicU64,
    last_error: Mutex<Option<String>>,
    /// The last `event_time` given, in epoch milliseconds: each transition
    /// is stamped later than the one before, even within a millisecond.
    last_stamp: Mutex<i64>,
    /// Woken after every delivery attempt, for those waiting on the stats.
    pub changed: tokio::sync::Notify,
}

impl WebhookSender {
    pub fn new(
        http: reqwest::Client,
        urls: Vec<String>,
        signing: WebhookSigning,
        duplicate: bool,
        max_attempts: u32,
    ) -> Self {
        WebhookSender {
            http,
            urls,
            signing,
            duplicate,
            max_attempts: max_attempts.max(1),
            delivered: AtomicU64::new(0),
            attempts: AtomicU64::new(0),
            last_error: Mutex::new(None),
            last_stamp: Mutex::new(0),
            changed: tokio::sync::Notify::new(),
        }
    }

    /// The time of the transition being reported: now, or a millisecond
    /// after the previous stamp when transitions come faster than that
    /// (`run-to-end`), so that the order of `event_time` is the order of
    /// the transitions, as Cashfree's stamps are.
    fn stamp(&self) -> String {
        let now = chrono::Utc::now().timestamp_millis();
        let mut last = self.last_stamp.lock().unwrap_or_else(|e| e.into_inner());
        *last = now.max(*last + 1);
        chrono::DateTime::from_timestamp_millis(*last)
            .unwrap_or_default()
            .to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
    }

    /// Deliveries acknowledged, attempts made, and the last failure.
    pub fn counts(&self) -> (u64, u64, Option<String>) {
        (
            self.delivered.load(Ordering::Relaxed),
            self.attempts.load(Ordering::Relaxed),
            self.last_error
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .clone(),
        )
    }

    /// Sends `event` about `data` in the background, signed with `secret`,
    /// if a receiver is configured.
    pub fn deliver(
        self: &Arc<Self>,
        family: Family,
        event: &'static str,
        data: Value,
        secret: String,
    ) {
        if self.urls.is_empty() {
            return;
        }
        let signed_body =
            family == Family::VerificationSuite && self.signing == WebhookSigning::Body;
        // Stamped now, at the transition; sent in the background, so
        // deliveries may still arrive out of order, as Cashfree's may.
        let event_time = self.stamp();
        let sender = self.clone();
        tokio::spawn(async move {
            let body = match family {
                Family::Ppi => json!({"event_type": event, "event_time": event_time, "data": data}),
                _ if signed_body => {
                    let signature = body_signature(&secret, &data);
                    json!({"signature": signature, "event_type": event, "event_time": event_time, "version": "v1", "data": data})
                }
                _ => {
                    json!({"event_type": event, "event_time": event_time, "version": "v1", "data": data})
                }
            };
            let body: Arc<[u8]> = serde_json::to_vec(&body).unwrap_or_default().into();
            let copies = if sender.duplicate { 2 } else { 1 };
            // Every receiver gets its copies independently of the others.
            for url in sender.urls.clone() {
                let (sender, body, secret) = (sender.clone(), body.clone(), secret.clone());
                tokio::spawn(async move {
                    for _ in 0..copies {
                        sender
                            .send(&url, family, !signed_body, &secret, &body)
                            .await;
                    }
                });
            }
        });
    }

    async fn send(
        &self,
        url: &str,
        family: Family,
        signed_headers: bool,
        secret: &str,
        body: &[u8],
    ) {
        let mut wait = Duration::from_millis(50);
        for attempt in 1..=self.max_attempts {
            self.attempts.fetch_add(1, Ordering::Relaxed);
            let mut request = self
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
                let signature = hmac_base64(secret, &[timestamp.as_bytes(), body]);
                request = request
                    .header("x-webhook-signature", signature)
                    .header("x-webhook-timestamp", timestamp);
                if family == Family::Ppi {
                    request = request.header("x-webhook-version", "2025-01-01");
                }
            }
            let failure = match request.send().await {
                Ok(response) if response.status().is_success() => {
                    self.delivered.fetch_add(1, Ordering::Relaxed);
                    self.changed.notify_waiters();
                    return;
                }
                Ok(response) => format!("the receiver answered {}", response.status()),
                Err(e) => format!("could not reach the receiver: {e}"),
            };
            tracing::warn!("webhook attempt {attempt} to {url} failed: {failure}");
            *self.last_error.lock().unwrap_or_else(|e| e.into_inner()) =
                Some(format!("attempt {attempt} to {url}: {failure}"));
            self.changed.notify_waiters();
            if attempt < self.max_attempts {
                tokio::time::sleep(wait).await;
                wait = (wait * 2).min(Duration::from_secs(1));
            }
        }
        tracing::warn!(url, "webhook given up after {} attempts", self.max_attempts);
    }
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

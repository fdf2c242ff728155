//! Delivering changes as Cashfree does: both families' payloads, both
//! signing schemes, `x-webhook-attempt`, redelivery with backoff,
//! duplicates.
//!
//! The signatures are computed here from Cashfree's published algorithms,
//! not with the SDK's code, so that a receiver built on the SDK is checked
//! against an independent reading of the documents.

use crate::config::WebhookSigning;
use crate::history::{Delivery, History, What};
use crate::model::Family;
use crate::state::lock;
use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use hmac::{Hmac, Mac};
use serde_json::{Value, json};
use sha2::Sha256;
use std::collections::VecDeque;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// How many of the receiver's answer bytes the console shows.
const ANSWER_BYTES: usize = 256;
/// How many sent deliveries are kept for redelivery.
const KEPT_FOR_REDELIVERY: usize = 1000;

/// A delivery as sent to one receiver, kept so that it can be sent again.
struct Sent {
    id: u64,
    family: Family,
    verification_id: String,
    event_type: &'static str,
    event_time: String,
    url: String,
    signed_headers: bool,
    secret: String,
    body: Arc<[u8]>,
}

/// No delivery has this id (or it is older than those kept).
#[derive(Debug)]
pub(crate) struct UnknownDelivery;

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
    history: Arc<History>,
    next_delivery: AtomicU64,
    sent: Mutex<VecDeque<Arc<Sent>>>,
}

impl WebhookSender {
    pub fn new(
        http: reqwest::Client,
        urls: Vec<String>,
        signing: WebhookSigning,
        duplicate: bool,
        max_attempts: u32,
        history: Arc<History>,
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
            history,
            next_delivery: AtomicU64::new(1),
            sent: Mutex::new(VecDeque::new()),
        }
    }

    /// The receivers deliveries go to.
    pub fn urls(&self) -> &[String] {
        &self.urls
    }

    /// Sends a kept delivery again, as a new delivery; its id.
    pub fn redeliver(self: &Arc<Self>, id: u64) -> Result<u64, UnknownDelivery> {
        let original = lock(&self.sent)
            .iter()
            .find(|s| s.id == id)
            .cloned()
            .ok_or(UnknownDelivery)?;
        let again = self.keep(Sent {
            id: 0,
            family: original.family,
            verification_id: original.verification_id.clone(),
            event_type: original.event_type,
            event_time: original.event_time.clone(),
            url: original.url.clone(),
            signed_headers: original.signed_headers,
            secret: original.secret.clone(),
            body: original.body.clone(),
        });
        let (sender, new_id) = (self.clone(), again.id);
        tokio::spawn(async move { sender.send(&again, Some(id)).await });
        Ok(new_id)
    }

    /// Numbers a delivery in sending order and keeps it for redelivery.
    fn keep(&self, mut sent: Sent) -> Arc<Sent> {
        sent.id = self.next_delivery.fetch_add(1, Ordering::Relaxed);
        let sent = Arc::new(sent);
        let mut kept = lock(&self.sent);
        if kept.len() == KEPT_FOR_REDELIVERY {
            kept.pop_front();
        }
        kept.push_back(sent.clone());
        sent
    }

    /// The time of the transition being reported: now, or a millisecond
    /// after the previous stamp when transitions come faster than that
    /// (`run-to-end`), so that the order of `event_time` is the order of
    /// the transitions, as Cashfree's stamps are.
    fn stamp(&self) -> String {
        let now = chrono::Utc::now().timestamp_millis();
        let mut last = lock(&self.last_stamp);
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
            lock(&self.last_error).clone(),
        )
    }

    /// Sends `event` about `data` in the background, signed with `secret`,
    /// if a receiver is configured.
    pub fn deliver(
        self: &Arc<Self>,
        family: Family,
        verification_id: &str,
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
        let verification_id = verification_id.to_owned();
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
                let (verification_id, event_time) = (verification_id.clone(), event_time.clone());
                tokio::spawn(async move {
                    for _ in 0..copies {
                        let sent = sender.keep(Sent {
                            id: 0,
                            family,
                            verification_id: verification_id.clone(),
                            event_type: event,
                            event_time: event_time.clone(),
                            url: url.clone(),
                            signed_headers: !signed_body,
                            secret: secret.clone(),
                            body: body.clone(),
                        });
                        sender.send(&sent, None).await;
                    }
                });
            }
        });
    }

    /// Sends one delivery, retrying with backoff, and records each attempt.
    async fn send(&self, sent: &Sent, redelivery_of: Option<u64>) {
        let mut wait = Duration::from_millis(50);
        for attempt in 1..=self.max_attempts {
            self.attempts.fetch_add(1, Ordering::Relaxed);
            let mut headers = vec![
                ("content-type", "application/json".to_owned()),
                ("x-webhook-attempt", attempt.to_string()),
            ];
            if sent.signed_headers {
                let timestamp = SystemTime::now()
                    .duration_since(UNIX_EPOCH)
                    .map_or(0, |d| d.as_millis())
                    .to_string();
                let signature = hmac_base64(&sent.secret, &[timestamp.as_bytes(), &sent.body]);
                headers.push(("x-webhook-signature", signature));
                headers.push(("x-webhook-timestamp", timestamp));
                if sent.family == Family::Ppi {
                    headers.push(("x-webhook-version", "2025-01-01".to_owned()));
                }
            }
            let mut request = self.http.post(&sent.url).body(sent.body.to_vec());
            for (name, value) in &headers {
                request = request.header(*name, value);
            }
            let started = Instant::now();
            let (status, answer, failure) = match request.send().await {
                Ok(response) => {
                    let status = response.status();
                    let answer = first_bytes(response).await;
                    let failure =
                        (!status.is_success()).then(|| format!("the receiver answered {status}"));
                    (Some(status.as_u16()), Some(answer), failure)
                }
                Err(e) => (
                    None,
                    None,
                    Some(format!("could not reach the receiver: {e}")),
                ),
            };
            self.history.record(What::Delivery(Box::new(Delivery {
                delivery_id: sent.id,
                attempt,
                redelivery_of,
                family: sent.family,
                verification_id: sent.verification_id.clone(),
                event_type: sent.event_type,
                event_time: sent.event_time.clone(),
                url: sent.url.clone(),
                scheme: if sent.signed_headers { "headers" } else { "body" },
                headers: headers
                    .into_iter()
                    .map(|(name, value)| (name.to_owned(), value))
                    .collect(),
                body: String::from_utf8_lossy(&sent.body).into_owned(),
                receiver_status: status,
                answer,
                elapsed_ms: started.elapsed().as_millis() as u64,
                error: failure.clone(),
                hint: matches!(status, Some(401 | 403)).then_some(
                    "the receiver must verify with the client secret the verification was created with",
                ),
            })));
            let Some(failure) = failure else {
                self.delivered.fetch_add(1, Ordering::Relaxed);
                self.changed.notify_waiters();
                return;
            };
            let url = &sent.url;
            tracing::warn!("webhook attempt {attempt} to {url} failed: {failure}");
            *lock(&self.last_error) = Some(format!("attempt {attempt} to {url}: {failure}"));
            self.changed.notify_waiters();
            if attempt < self.max_attempts {
                tokio::time::sleep(wait).await;
                wait = (wait * 2).min(Duration::from_secs(1));
            }
        }
        tracing::warn!(
            url = sent.url,
            "webhook given up after {} attempts",
            self.max_attempts
        );
    }
}

/// The start of the receiver's answer, as text.
async fn first_bytes(mut response: reqwest::Response) -> String {
    let mut answer = Vec::new();
    while answer.len() < ANSWER_BYTES {
        match response.chunk().await {
            Ok(Some(chunk)) => answer.extend_from_slice(&chunk),
            _ => break,
        }
    }
    answer.truncate(ANSWER_BYTES);
    String::from_utf8_lossy(&answer).into_owned()
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

//! What the sandbox remembers: verifications keyed by family and id,
//! queued faults, and counters.

use crate::config::SandboxConfig;
use crate::history::{Cause, History, What};
use crate::lifecycle::{Scenario, event_for};
use crate::model::{ControlError, Family, Fault, FaultRule, Key, Operation, Stats};
use crate::ratelimit::RateLimit;
use crate::table::{is_final, status_for};
use crate::webhooks::WebhookSender;
use serde_json::{Value, json};
use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

pub(crate) struct Record {
    pub family: Family,
    pub verification_id: String,
    pub user_id: Option<String>,
    pub user_reference_id: Option<i64>,
    pub reference_id: i64,
    pub scenario: Scenario,
    pub step: usize,
    pub notification: Vec<Value>,
    pub security_questions: Option<Value>,
    pub link_expiry: chrono::NaiveDate,
    /// The client secret the verification was created with; its webhooks
    /// are signed with it.
    pub secret: String,
    /// The client id that created it.
    pub client_id: String,
}

impl Record {
    /// The steps taken so far, the current one last.
    fn taken(&self) -> &'static [&'static str] {
        let steps = self.scenario.steps();
        &steps[..=self.step.min(steps.len() - 1)]
    }

    /// Who the verification is for: `user_id`, else `user_reference_id`.
    pub fn user_label(&self) -> Option<String> {
        self.user_id
            .clone()
            .or_else(|| self.user_reference_id.map(|r| r.to_string()))
    }

    pub fn sub_status(&self) -> &'static str {
        self.taken().last().copied().unwrap_or("LINK_GENERATED")
    }

    fn reached(&self, wanted: &str) -> bool {
        self.taken().contains(&wanted)
    }

    /// The body the API answers with; webhooks send `""` where it sends `null`.
    pub fn to_json(&self, for_webhook: bool) -> Value {
        let sub_status = self.sub_status();
        let null = || if for_webhook { json!("") } else { Value::Null };
        let opt = |v: Option<String>| v.map_or_else(null, Value::String);
        let call_over = self.reached("AGENT_ENDED_CALL") || self.reached("USER_DROPPED_OFF");
        let agent_remarks = if self.reached("AGENT_REJECTED") {
            Some("PAN not available during video call".to_string())
        } else if self.reached("AGENT_APPROVED") {
            Some("All documents verified on call".to_string())
        } else {
            None
        };
        let auditor_remarks = if self.reached("AUDITOR_APPROVED") {
            Some("Verification completed successfully".to_string())
        } else if self.reached("AUDITOR_REJECTED") {
            Some("Face does not match the Aadhaar photo".to_string())
        } else {
            None
        };
        let meeting = self
            .reached("USER_MEETING_SCHEDULED")
            .then(|| format!("{}T10:15:30Z", self.link_expiry));
        let link = format!("https://vkyc.sandbox.invalid/session/{}", self.reference_id);
        let mut body = serde_json::Map::new();
        body.insert("verification_id".into(), json!(self.verification_id));
        match self.family {
            Family::Ppi => {
                body.insert(
                    "cf_verification_id".into(),
                    json!(self.reference_id.to_string()),
                );
                body.insert("user_id".into(), opt(self.user_id.clone()));
                body.insert("link_expiry".into(), json!(self.link_expiry.to_string()));
                if !for_webhook {
                    body.insert(
                        "notification_modes".into(),
                        Value::Array(self.notification.clone()),
                    );
                }
            }
            Family::VerificationSuite => {
                body.insert("reference_id".into(), json!(self.reference_id));
                // Typed string, never null: a user named by
                // user_reference_id has no user_id to send.
                match &self.user_id {
                    Some(id) => {
                        body.insert("user_id".into(), json!(id));
                    }
                    None if for_webhook => {
                        body.insert("user_id".into(), json!(""));
                    }
                    None => {}
                }
                // The response schema types it integer-or-string, never
                // null: a user named by user_id has none to send.
                match self.user_reference_id {
                    Some(r) => {
                        body.insert("user_reference_id".into(), json!(r));
                    }
                    None if for_webhook => {
                        body.insert("user_reference_id".into(), json!(""));
                    }
                    None => {}
                }
                body.insert(
                    "link_expiry".into(),
                    json!(format!("{}T00:00:00.000Z", self.link_expiry)),
                );
                body.insert(
                    "recording_link".into(),
                    opt(call_over.then(|| {
                        format!(
                            "https://storage.sandbox.invalid/vkyc/{}.mp4",
                            self.reference_id
                        )
                    })),
                );
            }
        }
        body.insert("status".into(), json!(status_for(sub_status)));
        body.insert("sub_status".into(), json!(sub_status));
        body.insert("vkyc_link".into(), json!(link));
        body.insert("meeting_schedule".into(), opt(meeting));
        if !for_webhook {
            body.insert("auditor_remarks".into(), opt(auditor_remarks));
            body.insert("agent_remarks".into(), opt(agent_remarks));
            if let Some(q) = &self.security_questions {
                body.insert("security_questions".into(), q.clone());
            }
        }
        Value::Object(body)
    }
}

#[derive(Default)]
struct Store {
    records: HashMap<(Family, String), Record>,
    /// Verification Suite ids by `reference_id`.
    by_reference: HashMap<i64, String>,
    next_reference_id: i64,
    /// Scenarios chosen for verifications not created yet.
    planned: HashMap<(Family, String), Scenario>,
}

pub(crate) struct AppState {
    pub config: SandboxConfig,
    store: Mutex<Store>,
    faults: Mutex<VecDeque<FaultRule>>,
    requests: [AtomicU64; Operation::ALL.len()],
    created: [AtomicU64; 2],
    pub webhooks: Arc<WebhookSender>,
    pub rate_limit: RateLimit,
    pub users: crate::users::Users,
    pub history: Arc<History>,
    /// Set when the server shuts down.
    pub closing: Arc<tokio::sync::watch::Sender<bool>>,
}

pub(crate) fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panic elsewhere must not take the sandbox down with it.
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// A reused id.
pub(crate) struct Duplicate;

impl AppState {
    pub fn new(config: SandboxConfig, webhooks: WebhookSender, history: Arc<History>) -> Self {
        let rate_limit = RateLimit::new(config.rate_limit_per_minute);
        AppState {
            config,
            store: Mutex::new(Store {
                next_reference_id: 1000,
                ..Store::default()
            }),
            faults: Mutex::new(VecDeque::new()),
            requests: Default::default(),
            created: Default::default(),
            webhooks: Arc::new(webhooks),
            rate_limit,
            users: crate::users::Users::new(),
            history,
            closing: Arc::new(tokio::sync::watch::channel(false).0),
        }
    }

    pub fn count_request(&self, op: Operation) {
        self.requests[op.index()].fetch_add(1, Ordering::Relaxed);
    }

    /// The one verification `key` names.
    fn find(store: &Store, key: &Key) -> Result<(Family, String), ControlError> {
        let id = &key.verification_id;
        let families: Vec<Family> = match key.family {
            Some(family) => vec![family],
            None => vec![Family::VerificationSuite, Family::Ppi],
        };
        let found: Vec<Family> = families
            .into_iter()
            .filter(|f| store.records.contains_key(&(*f, id.clone())))
            .collect();
        match found.as_slice() {
            [family] => Ok((*family, id.clone())),
            [] => Err(ControlError::NotFound(id.clone())),
            _ => Err(ControlError::Ambiguous(id.clone())),
        }
    }

    /// Records where `record` is now and why, then reports it.
    fn send(&self, record: &Record, cause: Cause) {
        let sub_status = record.sub_status();
        self.history.record(What::Transition {
            family: record.family,
            verification_id: record.verification_id.clone(),
            user: record.user_label(),
            status: status_for(sub_status),
            sub_status,
            is_final: is_final(sub_status),
            scenario: record.scenario.as_str(),
            cause,
        });
        if let Some(event) = event_for(sub_status) {
            self.webhooks.deliver(
                record.family,
                &record.verification_id,
                event,
                record.to_json(true),
                record.secret.clone(),
            );
        }
    }

    /// Every verification, newest first, as the console lists them.
    pub fn verifications(&self) -> Vec<Value> {
        let store = lock(&self.store);
        let mut rows: Vec<&Record> = store.records.values().collect();
        rows.sort_by_key(|r| std::cmp::Reverse(r.reference_id));
        rows.iter()
            .map(|r| {
                let sub_status = r.sub_status();
                json!({
                    "family": r.family,
                    "verification_id": r.verification_id,
                    "reference_id": r.reference_id,
                    "user": r.user_label(),
                    "status": status_for(sub_status),
                    "sub_status": sub_status,
                    "is_final": is_final(sub_status),
                    "scenario": r.scenario.as_str(),
                })
            })
            .collect()
    }

    /// The client id and secret the console initiates with: the ones the
    /// sandbox accepts, else those of the newest verification's client
    /// (kept server-side, never shown), else the console's own.
    pub fn console_credentials(&self) -> (String, String) {
        if let Some(credentials) = &self.config.credentials {
            return credentials.clone();
        }
        let store = lock(&self.store);
        store
            .records
            .values()
            .max_by_key(|r| r.reference_id)
            .map(|r| (r.client_id.clone(), r.secret.clone()))
            .unwrap_or_else(|| ("sandbox_console".into(), "sandbox_console_secret".into()))
    }

    /// Moves a verification one step; its new sub-status. A final
    /// verification stays where it is.
    pub fn advance(&self, key: &Key, cause: Cause) -> Result<&'static str, ControlError> {
        let mut store = lock(&self.store);
        let found = Self::find(&store, key)?;
        let record = store
            .records
            .get_mut(&found)
            .ok_or_else(|| ControlError::NotFound(key.verification_id.clone()))?;
        if record.step + 1 < record.scenario.steps().len() {
            record.step += 1;
            self.send(record, cause);
        }
        Ok(record.sub_status())
    }

    /// Advances a verification until it is final; its last sub-status.
    pub fn run_to_end(&self, key: &Key, cause: Cause) -> Result<&'static str, ControlError> {
        loop {
            let sub_status = self.advance(key, cause)?;
            if is_final(sub_status) {
                return Ok(sub_status);
            }
        }
    }

    pub fn advance_all(&self) {
        let keys: Vec<Key> = lock(&self.store)
            .records
            .values()
            .filter(|r| !is_final(r.sub_status()))
            .map(|r| (r.family, r.verification_id.as_str()).into())
            .collect();
        for key in keys {
            let _ = self.advance(&key, Cause::Clock);
        }
    }

    pub fn set_scenario(&self, key: &Key, scenario: Scenario) -> Result<(), ControlError> {
        let mut store = lock(&self.store);
        let found = Self::find(&store, key)?;
        if let Some(record) = store.records.get_mut(&found) {
            // Keep the position, clamped to the new path.
            record.scenario = scenario;
            record.step = record.step.min(scenario.steps().len() - 1);
        }
        Ok(())
    }

    /// Chooses the scenario of a verification before it is created.
    pub fn plan(&self, family: Family, verification_id: &str, scenario: Scenario) {
        lock(&self.store)
            .planned
            .insert((family, verification_id.to_owned()), scenario);
    }

    /// The scenario a new verification takes: the one asked for, the one
    /// planned for it, or the default.
    pub fn scenario_for(&self, family: Family, id: &str, asked: Option<Scenario>) -> Scenario {
        let planned = lock(&self.store).planned.remove(&(family, id.to_owned()));
        asked.or(planned).unwrap_or(self.config.default_scenario)
    }

    /// Stores a new verification and sends its first webhook; its body.
    pub fn create(&self, mut record: Record) -> Result<Value, Duplicate> {
        let mut store = lock(&self.store);
        let key = (record.family, record.verification_id.clone());
        if store.records.contains_key(&key) {
            return Err(Duplicate);
        }
        store.next_reference_id += 1;
        record.reference_id = store.next_reference_id;
        if record.family == Family::VerificationSuite {
            store
                .by_reference
                .insert(record.reference_id, record.verification_id.clone());
        }
        let body = record.to_json(false);
        self.send(&record, Cause::Initiate);
        let index = usize::from(record.family == Family::Ppi);
        self.created[index].fetch_add(1, Ordering::Relaxed);
        store.records.insert(key, record);
        Ok(body)
    }

    /// A verification's API body and its `user_id`.
    pub fn body_of(&self, family: Family, id: &str) -> Option<(Value, Option<String>)> {
        let store = lock(&self.store);
        let record = store.records.get(&(family, id.to_owned()))?;
        Some((record.to_json(false), record.user_id.clone()))
    }

    /// Which client id created a verification.
    pub fn client_of(&self, family: Family, id: &str) -> Option<String> {
        let store = lock(&self.store);
        Some(
            store
                .records
                .get(&(family, id.to_owned()))?
                .client_id
                .clone(),
        )
    }

    /// The Verification Suite id behind a `reference_id`.
    pub fn by_reference(&self, reference_id: i64) -> Option<String> {
        lock(&self.store).by_reference.get(&reference_id).cloned()
    }

    pub fn push_fault(&self, rule: FaultRule) {
        lock(&self.faults).push_back(rule);
    }

    /// The faults queued, next first.
    pub fn faults(&self) -> Vec<FaultRule> {
        lock(&self.faults).iter().cloned().collect()
    }

    /// Removes every queued fault; how many there were.
    pub fn clear_faults(&self) -> usize {
        let mut faults = lock(&self.faults);
        let n = faults.len();
        faults.clear();
        n
    }

    pub fn next_fault(&self, op: Operation) -> Option<Fault> {
        let mut faults = lock(&self.faults);
        if let Some(i) = faults
            .iter()
            .position(|r| r.operation.is_none_or(|o| o == op))
        {
            let rule = &mut faults[i];
            let fault = rule.fault.clone();
            rule.count = rule.count.saturating_sub(1);
            if rule.count == 0 {
                faults.remove(i);
            }
            return Some(fault);
        }
        drop(faults);
        let rate = self.config.fault_rate;
        (rate > 0.0 && fastrand::f64() < rate).then(|| {
            if fastrand::bool() {
                Fault::RateLimited { retry_after_ms: 50 }
            } else {
                Fault::ServerError
            }
        })
    }

    pub fn stats(&self) -> Stats {
        let (webhooks_delivered, webhook_attempts, last_webhook_error) = self.webhooks.counts();
        Stats {
            requests: Operation::ALL
                .iter()
                .map(|o| (*o, self.requests[o.index()].load(Ordering::Relaxed)))
                .collect(),
            verifications: [Family::VerificationSuite, Family::Ppi]
                .iter()
                .enumerate()
                .map(|(i, family)| {
                    (
                        family.as_str().to_string(),
                        self.created[i].load(Ordering::Relaxed),
                    )
                })
                .collect(),
            webhooks_delivered,
            webhook_attempts,
            last_webhook_error,
            rate_limit_per_minute: self.rate_limit.per_minute(),
            per_minute: self.rate_limit.counts(),
        }
    }
}

//! The HTTP server, its state and its handlers.

use crate::lifecycle::{Scenario, status_for};
use crate::webhooks;
use axum::Router;
use axum::body::Body;
use axum::extract::{Path, Query, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use bytes::Bytes;
use cashfree_vkyc::{Api, SubStatus};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use std::collections::{HashMap, VecDeque};
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

/// How a webhook delivery is signed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum WebhookSigning {
    /// `x-webhook-signature` = base64(HMAC-SHA256(secret,
    /// `x-webhook-timestamp` + raw body)): PPI, and Cashfree's current
    /// Secure ID (Verification Suite) pages.
    #[default]
    Headers,
    /// A `signature` field in the body = base64(HMAC-SHA256(secret, the
    /// values of `data` in key order)): older Verification Suite pages.
    Body,
}

/// How the sandbox behaves.
#[derive(Clone, Debug, Default)]
#[non_exhaustive]
pub struct SandboxConfig {
    /// Accept only these credentials (client id, client secret); by
    /// default any non-empty pair is accepted. The secret also signs
    /// webhooks (default `sandbox-secret`).
    pub credentials: Option<(String, String)>,
    /// Deliver every change as a webhook to this URL.
    pub webhook_url: Option<String>,
    /// Deliver every webhook twice, as Cashfree sometimes does.
    pub duplicate_webhooks: bool,
    /// How Verification Suite webhooks are signed (PPI's are always
    /// signed in the headers).
    pub verification_suite_signing: WebhookSigning,
    /// Advance every unfinished verification one step at this interval.
    pub auto_advance: Option<Duration>,
    /// The scenario of a verification created without one.
    pub default_scenario: Scenario,
    /// The share (0 to 1) of API requests that fail at random with a 429
    /// or a 500.
    pub fault_rate: f64,
    /// The port to listen on (0, the default, picks a free one).
    pub port: u16,
}

impl SandboxConfig {
    /// Accept only these credentials.
    pub fn credentials(
        mut self,
        client_id: impl Into<String>,
        client_secret: impl Into<String>,
    ) -> Self {
        self.credentials = Some((client_id.into(), client_secret.into()));
        self
    }

    /// Deliver webhooks to `url`.
    pub fn webhook_url(mut self, url: impl Into<String>) -> Self {
        self.webhook_url = Some(url.into());
        self
    }

    /// Deliver every webhook twice.
    pub fn duplicate_webhooks(mut self, on: bool) -> Self {
        self.duplicate_webhooks = on;
        self
    }

    /// How Verification Suite webhooks are signed.
    pub fn verification_suite_signing(mut self, signing: WebhookSigning) -> Self {
        self.verification_suite_signing = signing;
        self
    }

    /// Advance verifications on a timer.
    pub fn auto_advance(mut self, every: Duration) -> Self {
        self.auto_advance = Some(every);
        self
    }

    /// The scenario for verifications created without one.
    pub fn default_scenario(mut self, scenario: Scenario) -> Self {
        self.default_scenario = scenario;
        self
    }

    /// Fail this share of API requests at random.
    pub fn fault_rate(mut self, rate: f64) -> Self {
        self.fault_rate = rate.clamp(0.0, 1.0);
        self
    }

    /// Listen on this port.
    pub fn port(mut self, port: u16) -> Self {
        self.port = port;
        self
    }

    pub(crate) fn secret(&self) -> &str {
        self.credentials
            .as_ref()
            .map_or("sandbox-secret", |(_, s)| s.as_str())
    }
}

/// One of the four API operations.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Operation {
    /// `POST /verification/vkyc`
    VerificationSuiteInitiate,
    /// `GET /verification/vkyc`
    VerificationSuiteStatus,
    /// `POST /ppi/kyc/vkyc`
    PpiInitiate,
    /// `POST /ppi/kyc/vkyc/status`
    PpiStatus,
}

impl Operation {
    const ALL: [Operation; 4] = [
        Operation::VerificationSuiteInitiate,
        Operation::VerificationSuiteStatus,
        Operation::PpiInitiate,
        Operation::PpiStatus,
    ];

    fn of(method: &axum::http::Method, path: &str) -> Option<Self> {
        match (method.as_str(), path) {
            ("POST", "/verification/vkyc") => Some(Operation::VerificationSuiteInitiate),
            ("GET", "/verification/vkyc") => Some(Operation::VerificationSuiteStatus),
            ("POST", "/ppi/kyc/vkyc") => Some(Operation::PpiInitiate),
            ("POST", "/ppi/kyc/vkyc/status") => Some(Operation::PpiStatus),
            _ => None,
        }
    }

    fn index(self) -> usize {
        Operation::ALL.iter().position(|o| *o == self).unwrap_or(0)
    }
}

/// A failure to inject.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "fault", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Fault {
    /// Answer 429 `too_many_requests_per_operation` with `retry-after`.
    RateLimited {
        /// The advertised wait, in milliseconds.
        #[serde(default)]
        retry_after_ms: u64,
    },
    /// Answer 500 `internal_error` without processing the request.
    ServerError,
    /// Wait this long before processing.
    Delay {
        /// The delay, in milliseconds.
        ms: u64,
    },
    /// Process the request, then drop the connection instead of answering.
    DropAfterProcessing,
}

#[derive(Debug, Deserialize)]
struct FaultRule {
    #[serde(flatten)]
    fault: Fault,
    #[serde(default)]
    operation: Option<Operation>,
    #[serde(default = "one")]
    count: u32,
}

fn one() -> u32 {
    1
}

/// What the sandbox has seen.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Stats {
    /// API requests received, per operation (faulted ones included).
    pub requests: HashMap<Operation, u64>,
    /// Verifications created, per family (`verification_suite`, `ppi`).
    pub verifications: HashMap<String, u64>,
    /// Webhook deliveries the receiver acknowledged with a 2xx.
    pub webhooks_delivered: u64,
    /// Webhook delivery attempts, including failed ones.
    pub webhook_attempts: u64,
}

pub(crate) struct Record {
    pub api: Api,
    pub verification_id: String,
    pub user_id: Option<String>,
    pub user_reference_id: Option<i64>,
    pub reference_id: i64,
    pub scenario: Scenario,
    pub step: usize,
    pub notification: Vec<Value>,
    pub security_questions: Option<Value>,
    pub link_expiry: chrono::NaiveDate,
}

impl Record {
    /// The steps taken so far, the current one last.
    fn taken(&self) -> &'static [SubStatus] {
        let steps = self.scenario.steps();
        &steps[..=self.step.min(steps.len() - 1)]
    }

    pub fn sub_status(&self) -> SubStatus {
        self.taken()
            .last()
            .cloned()
            .unwrap_or(SubStatus::LinkGenerated)
    }

    fn reached(&self, wanted: &SubStatus) -> bool {
        self.taken().contains(wanted)
    }

    /// The body the API answers with; webhooks send `""` where it sends `null`.
    pub fn to_json(&self, for_webhook: bool) -> Value {
        let sub_status = self.sub_status();
        let null = || if for_webhook { json!("") } else { Value::Null };
        let opt = |v: Option<String>| v.map_or_else(null, Value::String);
        let call_over =
            self.reached(&SubStatus::AgentEndedCall) || self.reached(&SubStatus::UserDroppedOff);
        let agent_remarks = if self.reached(&SubStatus::AgentRejected) {
            Some("PAN not available during video call".to_string())
        } else if self.reached(&SubStatus::AgentApproved) {
            Some("All documents verified on call".to_string())
        } else {
            None
        };
        let auditor_remarks = if self.reached(&SubStatus::AuditorApproved) {
            Some("Verification completed successfully".to_string())
        } else if self.reached(&SubStatus::AuditorRejected) {
            Some("Face does not match the Aadhaar photo".to_string())
        } else {
            None
        };
        let meeting = self
            .reached(&SubStatus::UserMeetingScheduled)
            .then(|| format!("{}T10:15:30Z", self.link_expiry));
        let link = format!("https://vkyc.sandbox.invalid/session/{}", self.reference_id);
        let mut body = serde_json::Map::new();
        body.insert("verification_id".into(), json!(self.verification_id));
        match self.api {
            Api::Ppi => {
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
            _ => {
                body.insert("reference_id".into(), json!(self.reference_id));
                body.insert(
                    "user_reference_id".into(),
                    self.user_reference_id.map_or_else(null, |r| json!(r)),
                );
                body.insert("user_id".into(), opt(self.user_id.clone()));
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
        body.insert("status".into(), json!(status_for(&sub_status)));
        body.insert("sub_status".into(), json!(sub_status.as_str()));
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
    records: HashMap<(Api, String), Record>,
    by_reference: HashMap<i64, String>,
    next_reference_id: i64,
}

pub(crate) struct AppState {
    pub config: SandboxConfig,
    store: Mutex<Store>,
    faults: Mutex<VecDeque<FaultRule>>,
    requests: [AtomicU64; 4],
    created: [AtomicU64; 2],
    pub webhooks_delivered: AtomicU64,
    pub webhook_attempts: AtomicU64,
    pub http: reqwest::Client,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panic elsewhere must not take the sandbox down with it.
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl AppState {
    /// Moves one verification (of any family) one step; returns its new
    /// sub-status. Final verifications stay where they are.
    fn advance(self: &Arc<Self>, verification_id: &str) -> Option<SubStatus> {
        let mut changed = Vec::new();
        let mut last = None;
        {
            let mut store = lock(&self.store);
            for record in store
                .records
                .values_mut()
                .filter(|r| r.verification_id == verification_id)
            {
                if record.step + 1 < record.scenario.steps().len() {
                    record.step += 1;
                    changed.push((record.api, record.sub_status(), record.to_json(true)));
                }
                last = Some(record.sub_status());
            }
        }
        for (api, sub_status, data) in changed {
            webhooks::deliver(self.clone(), api, &sub_status, data);
        }
        last
    }

    fn advance_all(self: &Arc<Self>) {
        let ids: Vec<String> = lock(&self.store)
            .records
            .values()
            .filter(|r| !r.sub_status().is_final())
            .map(|r| r.verification_id.clone())
            .collect();
        for id in ids {
            self.advance(&id);
        }
    }

    fn set_scenario(&self, verification_id: &str, scenario: Scenario) -> bool {
        let mut store = lock(&self.store);
        let mut found = false;
        for record in store
            .records
            .values_mut()
            .filter(|r| r.verification_id == verification_id)
        {
            // Keep the position, clamped to the new path.
            record.scenario = scenario;
            record.step = record.step.min(scenario.steps().len() - 1);
            found = true;
        }
        found
    }

    fn next_fault(&self, op: Operation) -> Option<Fault> {
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

    fn stats(&self) -> Stats {
        Stats {
            requests: Operation::ALL
                .iter()
                .map(|o| (*o, self.requests[o.index()].load(Ordering::Relaxed)))
                .collect(),
            verifications: [(Api::VerificationSuite, 0), (Api::Ppi, 1)]
                .iter()
                .map(|(api, i)| {
                    (
                        api.as_str().to_string(),
                        self.created[*i].load(Ordering::Relaxed),
                    )
                })
                .collect(),
            webhooks_delivered: self.webhooks_delivered.load(Ordering::Relaxed),
            webhook_attempts: self.webhook_attempts.load(Ordering::Relaxed),
        }
    }
}

/// A running sandbox. Dropping it stops the server.
pub struct Sandbox {
    base_url: String,
    addr: SocketAddr,
    state: Arc<AppState>,
    shutdown: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<()>>,
}

impl Sandbox {
    /// Starts a sandbox with the default settings on a free port of
    /// 127.0.0.1.
    pub async fn start() -> std::io::Result<Self> {
        Self::start_with(SandboxConfig::default()).await
    }

    /// Starts a sandbox with `config` on 127.0.0.1.
    pub async fn start_with(config: SandboxConfig) -> std::io::Result<Self> {
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", config.port)).await?;
        let addr = listener.local_addr()?;
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(5))
            .build()
            .map_err(std::io::Error::other)?;
        let auto_advance = config.auto_advance;
        let state = Arc::new(AppState {
            config,
            store: Mutex::new(Store {
                next_reference_id: 1000,
                ..Store::default()
            }),
            faults: Mutex::new(VecDeque::new()),
            requests: Default::default(),
            created: Default::default(),
            webhooks_delivered: AtomicU64::new(0),
            webhook_attempts: AtomicU64::new(0),
            http,
        });
        let app = router(state.clone());
        let (tx, rx) = oneshot::channel::<()>();
        let ticker_state = state.clone();
        let task = tokio::spawn(async move {
            let ticker = async move {
                let Some(every) = auto_advance else {
                    return std::future::pending().await;
                };
                let mut interval = tokio::time::interval(every);
                interval.tick().await;
                loop {
                    interval.tick().await;
                    ticker_state.advance_all();
                }
            };
            let server = axum::serve(listener, app).with_graceful_shutdown(async {
                let _ = rx.await;
            });
            tokio::select! {
                result = server => if let Err(e) = result { tracing::error!(error = %e, "sandbox server stopped") },
                () = ticker => {}
            }
        });
        Ok(Sandbox {
            base_url: format!("http://{addr}"),
            addr,
            state,
            shutdown: Some(tx),
            task: Some(task),
        })
    }

    /// The host root to give a client, e.g. `http://127.0.0.1:41234`.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The address the sandbox listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// What the sandbox has seen so far.
    pub fn stats(&self) -> Stats {
        self.state.stats()
    }

    /// Chooses the path of a verification; `false` if it does not exist.
    pub fn set_scenario(&self, verification_id: &str, scenario: Scenario) -> bool {
        self.state.set_scenario(verification_id, scenario)
    }

    /// Moves a verification one step; its new sub-status, or `None` if it
    /// does not exist.
    pub fn advance(&self, verification_id: &str) -> Option<SubStatus> {
        self.state.advance(verification_id)
    }

    /// Queues a fault for the next `count` requests to `operation` (or to
    /// any operation).
    pub fn inject(&self, fault: Fault, operation: Option<Operation>, count: u32) {
        lock(&self.state.faults).push_back(FaultRule {
            fault,
            operation,
            count: count.max(1),
        });
    }

    /// Stops the server and waits for it.
    pub async fn shutdown(mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }

    /// Serves until the process is interrupted (Ctrl-C).
    pub async fn run_until_interrupted(self) {
        let _ = tokio::signal::ctrl_c().await;
        self.shutdown().await;
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

fn router(state: Arc<AppState>) -> Router {
    let api = Router::new()
        .route("/verification/vkyc", post(vs_initiate).get(vs_status))
        .route("/ppi/kyc/vkyc", post(ppi_initiate))
        .route("/ppi/kyc/vkyc/status", post(ppi_status))
        .layer(middleware::from_fn_with_state(state.clone(), guard));
    let control = Router::new()
        .route(
            "/__sandbox/verifications/{id}/scenario",
            post(control_scenario),
        )
        .route(
            "/__sandbox/verifications/{id}/advance",
            post(control_advance),
        )
        .route("/__sandbox/faults", post(control_fault))
        .route("/__sandbox/stats", get(control_stats));
    api.merge(control).fallback(not_found).with_state(state)
}

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

fn invalid(code: &str, message: &str) -> Reject {
    error(StatusCode::BAD_REQUEST, "validation_error", code, message)
}

fn not_found_id(code: &str, field: &str) -> Reject {
    error(
        StatusCode::NOT_FOUND,
        "validation_error",
        code,
        &format!("{field} does not exist."),
    )
}

async fn not_found() -> Reject {
    error(
        StatusCode::NOT_FOUND,
        "invalid_request_error",
        "endpoint_not_found",
        "no such endpoint",
    )
}

/// Counts, injects faults, and checks credentials and the API version.
async fn guard(State(state): State<Arc<AppState>>, request: Request, next: Next) -> Response {
    let Some(op) = Operation::of(request.method(), request.uri().path()) else {
        return next.run(request).await;
    };
    state.requests[op.index()].fetch_add(1, Ordering::Relaxed);
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
    let response = next.run(request).await;
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

/// Credentials (any non-empty pair, or the configured one) and the API version.
fn admit(state: &AppState, headers: &HeaderMap) -> Result<(), Reject> {
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .filter(|v| !v.is_empty())
    };
    for name in ["x-client-id", "x-client-secret"] {
        if header(name).is_none() {
            return Err(invalid(
                &format!("{name}_missing"),
                &format!("{name} is missing in the request."),
            ));
        }
    }
    if let Some((id, secret)) = &state.config.credentials
        && (header("x-client-id") != Some(id.as_str())
            || header("x-client-secret") != Some(secret.as_str()))
    {
        return Err(error(
            StatusCode::UNAUTHORIZED,
            "authentication_error",
            "authentication_failed",
            "Invalid clientId and clientSecret combination",
        ));
    }
    if header("x-api-version").is_none() {
        return Err(invalid(
            "x-api-version_missing",
            "x-api-version is missing in the request.",
        ));
    }
    Ok(())
}

fn parse_body(body: &Bytes) -> Result<serde_json::Map<String, Value>, Reject> {
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(map)) => Ok(map),
        _ => Err(invalid(
            "request_body_invalid",
            "the request body is not a JSON object",
        )),
    }
}

fn text_field<'a>(
    body: &'a serde_json::Map<String, Value>,
    field: &str,
) -> Result<Option<&'a str>, Reject> {
    match body.get(field) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(_) => Err(invalid(
            &format!("{field}_value_invalid"),
            &format!("{field} must be a string"),
        )),
    }
}

fn check_verification_id(body: &serde_json::Map<String, Value>) -> Result<String, Reject> {
    let id = text_field(body, "verification_id")?.ok_or_else(|| {
        invalid(
            "verification_id_missing",
            "verification_id is missing in the request.",
        )
    })?;
    cashfree_vkyc::validate_verification_id(id).map_err(|_| {
        invalid(
            "verification_id_value_invalid",
            "verification_id can include only alphanum, dot, hyphen and underscores.",
        )
    })?;
    Ok(id.to_string())
}

fn check_questions(body: &serde_json::Map<String, Value>) -> Result<Option<Value>, Reject> {
    let Some(questions) = body.get("security_questions").filter(|v| !v.is_null()) else {
        return Ok(None);
    };
    let bad = |m: &str| invalid("security_questions_value_invalid", m);
    let list = questions
        .as_array()
        .ok_or_else(|| bad("security_questions must be an array"))?;
    let mut orders = Vec::new();
    for q in list {
        let order = q
            .get("order")
            .and_then(Value::as_u64)
            .ok_or_else(|| bad("each security question needs an order"))?;
        for field in ["question", "answer"] {
            if q.get(field)
                .and_then(Value::as_str)
                .is_none_or(|s| s.trim().is_empty())
            {
                return Err(bad(&format!(
                    "each security question needs a non-empty {field}"
                )));
            }
        }
        orders.push(order);
    }
    orders.sort_unstable();
    if orders.iter().zip(1u64..).any(|(o, want)| *o != want) {
        return Err(bad(
            "security question orders must be unique and sequential from 1",
        ));
    }
    Ok(Some(questions.clone()))
}

fn check_channels(
    body: &serde_json::Map<String, Value>,
    field: &str,
    allowed: &[&str],
) -> Result<Vec<Value>, Reject> {
    let Some(value) = body.get(field).filter(|v| !v.is_null()) else {
        return Ok(Vec::new());
    };
    let bad = || {
        invalid(
            &format!("{field}_value_invalid"),
            &format!("{field} may hold only {}", allowed.join(", ")),
        )
    };
    let list = value.as_array().ok_or_else(bad)?;
    if list.is_empty()
        || list
            .iter()
            .any(|v| v.as_str().is_none_or(|s| !allowed.contains(&s)))
    {
        return Err(bad());
    }
    Ok(list.clone())
}

fn scenario_header(state: &AppState, headers: &HeaderMap) -> Result<Scenario, Reject> {
    match headers
        .get("x-sandbox-scenario")
        .and_then(|v| v.to_str().ok())
    {
        Some(name) => name
            .parse()
            .map_err(|e: String| invalid("x-sandbox-scenario_value_invalid", &e)),
        None => Ok(state.config.default_scenario),
    }
}

/// Stores a new verification, or answers 409 if the id is taken.
fn create(state: &Arc<AppState>, mut record: Record) -> Result<Response, Reject> {
    let body;
    {
        let mut store = lock(&state.store);
        let key = (record.api, record.verification_id.clone());
        if store.records.contains_key(&key) {
            return Err(error(
                StatusCode::CONFLICT,
                "validation_error",
                "verification_id_already_exists",
                "verification_id already exists.",
            ));
        }
        store.next_reference_id += 1;
        record.reference_id = store.next_reference_id;
        store
            .by_reference
            .insert(record.reference_id, record.verification_id.clone());
        body = record.to_json(false);
        let webhook = record.to_json(true);
        let api = record.api;
        store.records.insert(key, record);
        let index = if api == Api::VerificationSuite { 0 } else { 1 };
        state.created[index].fetch_add(1, Ordering::Relaxed);
        webhooks::deliver(state.clone(), api, &SubStatus::LinkGenerated, webhook);
    }
    Ok(axum::Json(body).into_response())
}

fn new_record(api: Api, verification_id: String, scenario: Scenario) -> Record {
    Record {
        api,
        verification_id,
        user_id: None,
        user_reference_id: None,
        reference_id: 0,
        scenario,
        step: 0,
        notification: Vec::new(),
        security_questions: None,
        link_expiry: chrono::Utc::now().date_naive() + chrono::Days::new(7),
    }
}

async fn vs_initiate(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, Reject> {
    let body = parse_body(&body)?;
    let verification_id = check_verification_id(&body)?;
    let user_id = text_field(&body, "user_id")?.map(str::to_owned);
    let user_reference_id = match body.get("user_reference_id") {
        None | Some(Value::Null) => None,
        Some(v) => Some(v.as_i64().filter(|r| *r > 0).ok_or_else(|| {
            invalid(
                "user_reference_id_value_invalid",
                "user_reference_id must be a positive integer",
            )
        })?),
    };
    if user_id.is_none() && user_reference_id.is_none() {
        return Err(invalid(
            "user_id_number_missing",
            "user_id is missing in the request.",
        ));
    }
    if let Some(id) = &user_id {
        cashfree_vkyc::validate_user_id(id)
            .map_err(|_| invalid("user_id_value_invalid", "User Id entered is invalid."))?;
    }
    check_channels(&body, "notification_types", &["sms", "whatsapp", "email"])?;
    let questions = check_questions(&body)?;
    let mut record = new_record(
        Api::VerificationSuite,
        verification_id,
        scenario_header(&state, &headers)?,
    );
    record.user_id = user_id;
    record.user_reference_id = user_reference_id;
    record.security_questions = questions;
    create(&state, record)
}

async fn vs_status(
    State(state): State<Arc<AppState>>,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Response, Reject> {
    let store = lock(&state.store);
    let record = if let Some(id) = query.get("verification_id").filter(|s| !s.is_empty()) {
        store
            .records
            .get(&(Api::VerificationSuite, id.clone()))
            .ok_or_else(|| not_found_id("verification_id_not_found", "verification_id"))?
    } else if let Some(reference) = query.get("reference_id").filter(|s| !s.is_empty()) {
        let reference: i64 = reference.parse().map_err(|_| {
            invalid(
                "reference_id_value_invalid",
                "reference ID value is invalid.",
            )
        })?;
        store
            .by_reference
            .get(&reference)
            .and_then(|id| store.records.get(&(Api::VerificationSuite, id.clone())))
            .filter(|r| r.reference_id == reference)
            .ok_or_else(|| not_found_id("reference_id_not_found", "reference_id"))?
    } else {
        return Err(invalid(
            "verification_id_missing",
            "verification_id is missing in the request.",
        ));
    };
    Ok(axum::Json(record.to_json(false)).into_response())
}

async fn ppi_initiate(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, Reject> {
    let body = parse_body(&body)?;
    let user_id = text_field(&body, "user_id")?
        .ok_or_else(|| invalid("user_id_missing", "user_id is missing in the request."))?
        .to_owned();
    cashfree_vkyc::validate_user_id(&user_id)
        .map_err(|_| invalid("user_id_value_invalid", "user_id is invalid."))?;
    let verification_id = check_verification_id(&body)?;
    let notification = check_channels(&body, "notification_modes", &["SMS", "WHATSAPP"])?;
    let questions = check_questions(&body)?;
    let mut record = new_record(
        Api::Ppi,
        verification_id,
        scenario_header(&state, &headers)?,
    );
    record.user_id = Some(user_id);
    record.notification = notification;
    record.security_questions = questions;
    create(&state, record)
}

async fn ppi_status(State(state): State<Arc<AppState>>, body: Bytes) -> Result<Response, Reject> {
    let body = parse_body(&body)?;
    let user_id = text_field(&body, "user_id")?
        .ok_or_else(|| invalid("user_id_missing", "user_id is missing in the request."))?
        .to_owned();
    let verification_id = check_verification_id(&body)?;
    let store = lock(&state.store);
    match store.records.get(&(Api::Ppi, verification_id)) {
        Some(record) if record.user_id.as_deref() == Some(user_id.as_str()) => {
            Ok(axum::Json(record.to_json(false)).into_response())
        }
        _ => Err(not_found_id("verification_id_not_found", "verification_id")),
    }
}

#[derive(Deserialize)]
struct ScenarioBody {
    scenario: String,
}

async fn control_scenario(
    State(state): State<Arc<AppState>>,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, Reject> {
    let body: ScenarioBody = serde_json::from_slice(&body)
        .map_err(|e| invalid("request_body_invalid", &e.to_string()))?;
    let scenario: Scenario = body
        .scenario
        .parse()
        .map_err(|e: String| invalid("scenario_value_invalid", &e))?;
    if !state.set_scenario(&id, scenario) {
        return Err(not_found_id("verification_id_not_found", "verification_id"));
    }
    Ok(axum::Json(json!({"verification_id": id, "scenario": scenario.as_str()})).into_response())
}

async fn control_advance(
    State(state): State<Arc<AppState>>,
    Path(id): Path<String>,
) -> Result<Response, Reject> {
    let sub_status = state
        .advance(&id)
        .ok_or_else(|| not_found_id("verification_id_not_found", "verification_id"))?;
    Ok(axum::Json(json!({
        "verification_id": id,
        "status": status_for(&sub_status),
        "sub_status": sub_status.as_str(),
    }))
    .into_response())
}

async fn control_fault(
    State(state): State<Arc<AppState>>,
    body: Bytes,
) -> Result<StatusCode, Reject> {
    let rule: FaultRule = serde_json::from_slice(&body)
        .map_err(|e| invalid("fault_value_invalid", &e.to_string()))?;
    lock(&state.faults).push_back(FaultRule {
        count: rule.count.max(1),
        ..rule
    });
    Ok(StatusCode::NO_CONTENT)
}

async fn control_stats(State(state): State<Arc<AppState>>) -> Response {
    axum::Json(state.stats()).into_response()
}

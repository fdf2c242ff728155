//! Starting and stopping the sandbox, and driving it from Rust.

use crate::api::{self, Reject, error};
use crate::config::SandboxConfig;
use crate::console;
use crate::control;
use crate::history::{Cause, History};
use crate::lifecycle::Scenario;
use crate::model::{ControlError, Family, Fault, FaultRule, Key, Operation, Stats};
use crate::state::AppState;
use crate::webhooks::WebhookSender;
use axum::Router;
use axum::http::StatusCode;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

/// A running sandbox. Dropping it stops the server; [`handle`](Self::handle)
/// gives a cheap, cloneable way to drive it from other tasks.
pub struct Sandbox {
    handle: SandboxHandle,
    shutdown: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<()>>,
}

/// Drives a running sandbox: scenarios, steps, faults, stats. Clone it
/// into as many tasks as you like; it does not keep the server running.
#[derive(Clone)]
pub struct SandboxHandle {
    base_url: String,
    addr: SocketAddr,
    state: Arc<AppState>,
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
        let urls = config
            .webhook_url
            .iter()
            .chain(&config.more_webhook_urls)
            .cloned()
            .collect();
        let history = Arc::new(History::new(config.history_limit));
        let webhooks = WebhookSender::new(
            http,
            urls,
            config.verification_suite_signing,
            config.duplicate_webhooks,
            config.webhook_attempts,
            history.clone(),
        );
        let auto_advance = config.auto_advance;
        let state = Arc::new(AppState::new(config, webhooks, history));
        let app = router(state.clone());
        let (tx, rx) = oneshot::channel::<()>();
        let closing = state.closing.clone();
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
            let server = axum::serve(listener, app).with_graceful_shutdown(async move {
                let _ = rx.await;
                // The console's live feeds end, so the shutdown does not
                // wait on a browser tab.
                closing.send_replace(true);
            });
            tokio::select! {
                result = server => if let Err(e) = result { tracing::error!(error = %e, "sandbox server stopped") },
                () = ticker => {}
            }
        });
        Ok(Sandbox {
            handle: SandboxHandle {
                base_url: format!("http://{addr}"),
                addr,
                state,
            },
            shutdown: Some(tx),
            task: Some(task),
        })
    }

    /// A handle to drive the sandbox from other tasks.
    pub fn handle(&self) -> SandboxHandle {
        self.handle.clone()
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

impl std::ops::Deref for Sandbox {
    type Target = SandboxHandle;
    fn deref(&self) -> &SandboxHandle {
        &self.handle
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

impl SandboxHandle {
    /// The host root to give a client, e.g. `http://127.0.0.1:41234`.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The console, a page to watch and drive the sandbox from a browser.
    pub fn console_url(&self) -> String {
        format!("{}{}", self.base_url, console::PATH)
    }

    /// What to print on start-up, after the base URL: the console, the
    /// credentials accepted (never the secret), where webhooks go.
    pub fn banner(&self) -> String {
        let config = &self.state.config;
        let credentials = match &config.credentials {
            Some((id, _)) => format!("client id {id} and its secret only"),
            None => "any non-empty client id and secret".to_owned(),
        };
        let targets = self.state.webhooks.urls();
        let targets = if targets.is_empty() {
            "none (--webhook-url URL)".to_owned()
        } else {
            targets.join(", ")
        };
        format!(
            "sandbox API  {}\nconsole      {}\ncredentials  {credentials}\nwebhooks to  {targets}\ncontrol      {}/__sandbox/ (see --help)",
            self.base_url,
            self.console_url(),
            self.base_url,
        )
    }

    /// The address the sandbox listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// What the sandbox has seen so far.
    pub fn stats(&self) -> Stats {
        self.state.stats()
    }

    /// Waits until the stats satisfy `done` (checked after every webhook
    /// delivery attempt), or `timeout` passes: the stats then, as `Ok` or
    /// as `Err` on time-out. Webhooks are delivered in the background, so
    /// this is how a test waits for them without sleeping.
    pub async fn wait_for(
        &self,
        timeout: Duration,
        mut done: impl FnMut(&Stats) -> bool,
    ) -> Result<Stats, Stats> {
        let webhooks = &self.state.webhooks;
        let waiting = async {
            loop {
                // Registered before the check, so no change is missed.
                let changed = webhooks.changed.notified();
                tokio::pin!(changed);
                changed.as_mut().enable();
                let stats = self.stats();
                if done(&stats) {
                    return stats;
                }
                changed.await;
            }
        };
        tokio::time::timeout(timeout, waiting)
            .await
            .map_err(|_| self.stats())
    }

    /// Chooses the path of a verification: `"id"` when one family has it,
    /// `(Family::Ppi, "id")` otherwise.
    pub fn set_scenario(
        &self,
        key: impl Into<Key>,
        scenario: Scenario,
    ) -> Result<(), ControlError> {
        self.state.set_scenario(&key.into(), scenario)
    }

    /// Chooses the path of a verification that has not been created yet:
    /// when a client initiates it, it takes `scenario`. Works with any
    /// client, since nothing needs to travel with the request.
    pub fn plan(&self, family: Family, verification_id: &str, scenario: Scenario) {
        self.state.plan(family, verification_id, scenario);
    }

    /// Moves a verification one step; its new sub-status.
    pub fn advance(&self, key: impl Into<Key>) -> Result<&'static str, ControlError> {
        self.state.advance(&key.into(), Cause::Control)
    }

    /// Moves a verification until it is final; its last sub-status.
    pub fn run_to_end(&self, key: impl Into<Key>) -> Result<&'static str, ControlError> {
        self.state.run_to_end(&key.into(), Cause::Control)
    }

    /// Serves at most `per_minute` API requests per client id per minute
    /// from now on (`None`: no limit).
    pub fn set_rate_limit(&self, per_minute: Option<u32>) {
        self.state.rate_limit.set(per_minute);
    }

    /// Queues a fault for the next `count` requests to `operation` (or to
    /// any operation).
    pub fn inject(&self, fault: Fault, operation: Option<Operation>, count: u32) {
        self.state.push_fault(FaultRule {
            fault,
            operation,
            count: count.max(1),
        });
    }
}

fn router(state: Arc<AppState>) -> Router {
    api::router(state.clone())
        .merge(control::router())
        .fallback(not_found)
        .with_state(state)
}

async fn not_found() -> Reject {
    error(
        StatusCode::NOT_FOUND,
        "invalid_request_error",
        "endpoint_not_found",
        "no such endpoint",
    )
}

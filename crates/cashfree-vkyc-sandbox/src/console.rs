//! The console: one page, served from the binary, to watch and drive the
//! sandbox from a browser. It reads the history as server-sent events and
//! acts through the same control endpoints a script would use.
//!
//! Plain HTML and JavaScript embedded with `include_str!`: nothing to
//! build, nothing fetched, and a page small enough to read.

use crate::api::{self, Reject, error, invalid};
use crate::model::{Family, Operation};
use crate::spec;
use crate::state::AppState;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Query, Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use futures_util::stream::{self, Stream, StreamExt};
use serde::Deserialize;
use serde_json::{Map, json};
use std::convert::Infallible;
use std::sync::Arc;
use tokio::sync::broadcast::error::RecvError;

/// Where the console is served.
pub(crate) const PATH: &str = "/__sandbox/console";
/// Sent by the console's buttons, so the timeline can say a button moved
/// the verification.
pub(crate) const VIA_HEADER: &str = "x-sandbox-via";

const PAGE: &str = include_str!("console/index.html");
const SCRIPT: &str = include_str!("console/console.js");
const STYLE: &str = include_str!("console/console.css");

pub(crate) fn router() -> Router<Arc<AppState>> {
    Router::new()
        .route(PATH, get(page))
        .route("/__sandbox/console/console.js", get(script))
        .route("/__sandbox/console/console.css", get(style))
        .route("/__sandbox/console/info", get(info))
        .route("/__sandbox/console/events", get(events))
        .route("/__sandbox/console/initiate", post(initiate))
}

fn asset(content_type: &'static str, body: &'static str) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type),
            (header::CACHE_CONTROL, "no-store"),
        ],
        body,
    )
        .into_response()
}

async fn page() -> Response {
    let mut response = asset("text/html; charset=utf-8", PAGE);
    // The page runs only its own script and talks only to its own origin,
    // and no other site may frame it.
    response.headers_mut().insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'self'; script-src 'self'; style-src 'self'; frame-ancestors 'none'",
        ),
    );
    response
}

async fn script() -> Response {
    asset("text/javascript; charset=utf-8", SCRIPT)
}

async fn style() -> Response {
    asset("text/css; charset=utf-8", STYLE)
}

/// What the page's header shows: the credentials accepted (never the
/// secret), the webhook targets, the history's bound, the queued faults.
async fn info(State(state): State<Arc<AppState>>) -> Response {
    let page = state.history.since(u64::MAX);
    axum::Json(json!({
        "credentials": match &state.config.credentials {
            Some((id, _)) => json!({"only_client_id": id}),
            None => json!("any"),
        },
        "webhook_urls": state.webhooks.urls(),
        "duplicate_webhooks": state.config.duplicate_webhooks,
        "history": {"limit": page.limit, "dropped": page.dropped},
        "faults": state.faults(),
        "stats": state.stats(),
    }))
    .into_response()
}

#[derive(Deserialize)]
struct After {
    #[serde(default)]
    after: u64,
}

/// The history after `after` (or the browser's `Last-Event-ID` when it
/// reconnects), then every new entry as it is recorded. A reader too slow
/// for the feed is told to `reload`; the stream ends when the sandbox
/// shuts down.
async fn events(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Query(query): Query<After>,
) -> Sse<impl Stream<Item = Result<Event, Infallible>>> {
    let resumed = headers
        .get("last-event-id")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    let after = query.after.max(resumed);
    // Subscribed before the backlog is read, so nothing falls between.
    let live = state.history.subscribe();
    let backlog = state.history.since(after);
    let last = backlog.entries.last().map_or(after, |e| e.seq);
    let meta = Event::default().event("meta").data(
        json!({"dropped": backlog.dropped, "limit": backlog.limit, "after": after}).to_string(),
    );
    let backlog = stream::iter(
        std::iter::once(meta)
            .chain(backlog.entries.iter().map(|e| entry_event(e)))
            .map(Ok)
            .collect::<Vec<_>>(),
    );
    let closing = state.closing.subscribe();
    let live = stream::unfold(
        (live, closing, last),
        |(mut live, mut closing, last)| async move {
            loop {
                let received = tokio::select! {
                    received = live.recv() => received,
                    _ = closing.wait_for(|closed| *closed) => return None,
                };
                match received {
                    Ok(e) if e.seq <= last => continue,
                    Ok(e) => {
                        let seq = e.seq;
                        return Some((Ok(entry_event(&e)), (live, closing, seq)));
                    }
                    Err(RecvError::Lagged(_)) => {
                        let reload = Event::default().event("reload").data("lagged");
                        return Some((Ok(reload), (live, closing, last)));
                    }
                    Err(RecvError::Closed) => return None,
                }
            }
        },
    );
    Sse::new(backlog.chain(live)).keep_alive(KeepAlive::default())
}

fn entry_event(entry: &crate::history::Entry) -> Event {
    Event::default()
        .id(entry.seq.to_string())
        .data(serde_json::to_string(entry).unwrap_or_default())
}

#[derive(Deserialize)]
struct InitiateForm {
    family: Family,
    verification_id: String,
    user_id: String,
    #[serde(default)]
    scenario: Option<String>,
}

/// Initiates a verification as a client would, with the credentials the
/// sandbox accepts (or the newest client's), checked against the same
/// schema as an API request.
async fn initiate(State(state): State<Arc<AppState>>, body: Bytes) -> Result<Response, Reject> {
    let form: InitiateForm = serde_json::from_slice(&body)
        .map_err(|e| invalid("request_body_invalid", &e.to_string()))?;
    let mut request = Map::new();
    request.insert("verification_id".into(), form.verification_id.into());
    request.insert("user_id".into(), form.user_id.into());
    let operation = match form.family {
        Family::Ppi => Operation::PpiInitiate,
        Family::VerificationSuite => {
            request.insert("notification_types".into(), json!(["sms"]));
            Operation::VerificationSuiteInitiate
        }
    };
    let request = spec::check(operation, request)?;
    let (client_id, secret) = state.console_credentials();
    let caller = api::Caller {
        client_id: &client_id,
        secret: &secret,
        scenario: form.scenario.as_deref().filter(|s| !s.is_empty()),
    };
    api::create(&state, caller, form.family, &request)
}

/// Refuses what a web page elsewhere could make a browser send: a request
/// whose `Host` is not a loopback name (DNS rebinding), and a request that
/// changes something from another origin.
pub(crate) async fn same_origin(request: Request, next: Next) -> Response {
    let headers = request.headers();
    let host = headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    if !is_loopback(host) {
        return refuse(
            "host_not_allowed",
            "the sandbox answers loopback names only",
        );
    }
    let changes = !matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    );
    if changes {
        let origin = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok());
        let site = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok());
        let foreign_origin = origin.is_some_and(|o| o != format!("http://{host}"));
        let foreign_site = site.is_some_and(|s| s != "same-origin" && s != "none");
        if foreign_origin || foreign_site {
            return refuse(
                "origin_not_allowed",
                "control requests are accepted from the sandbox's own pages only",
            );
        }
    }
    next.run(request).await
}

fn refuse(code: &str, message: &str) -> Response {
    error(StatusCode::FORBIDDEN, "authentication_error", code, message).into_response()
}

/// `localhost`, `*.localhost`, 127.0.0.0/8 or `[::1]`, with or without a
/// port.
fn is_loopback(host: &str) -> bool {
    let name = match host.strip_prefix('[') {
        Some(v6) => return v6.split(']').next() == Some("::1"),
        None => host.rsplit_once(':').map_or(host, |(name, _)| name),
    };
    let name = name.to_ascii_lowercase();
    name == "localhost"
        || name.ends_with(".localhost")
        || name
            .parse::<std::net::Ipv4Addr>()
            .is_ok_and(|ip| ip.is_loopback())
}

#[cfg(test)]
mod tests {
    use super::is_loopback;

    #[test]
    fn loopback_names() {
        for host in [
            "127.0.0.1:8080",
            "localhost:1",
            "LOCALHOST",
            "app.localhost:3000",
            "[::1]:9",
            "127.0.0.2",
        ] {
            assert!(is_loopback(host), "{host}");
        }
        for host in [
            "evil.example:8080",
            "10.0.0.1",
            "",
            "localhost.evil.example",
            "[::2]:80",
        ] {
            assert!(!is_loopback(host), "{host}");
        }
    }
}

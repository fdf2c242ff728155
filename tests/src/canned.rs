//! A scriptable HTTP server for tests: it answers with the responses it is
//! given, in order, and records every request it receives.

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use bytes::Bytes;
use std::collections::VecDeque;
use std::sync::{Arc, Mutex};

/// One scripted answer.
#[derive(Clone, Debug)]
pub enum Reply {
    /// A status, extra headers and a JSON body.
    Json(u16, Vec<(&'static str, String)>, String),
    /// Drop the connection after reading the request.
    Drop,
    /// A 200 whose body arrives in `count` chunks of `size` bytes, with no
    /// `content-length`.
    Stream { count: usize, size: usize },
}

impl Reply {
    /// A 200 with `body`.
    pub fn ok(body: impl Into<String>) -> Self {
        Reply::Json(200, Vec::new(), body.into())
    }

    /// `status` with `body`.
    pub fn status(status: u16, body: impl Into<String>) -> Self {
        Reply::Json(status, Vec::new(), body.into())
    }
}

/// A request the server received.
#[derive(Clone, Debug)]
pub struct Received {
    pub method: String,
    pub path_and_query: String,
    pub headers: HeaderMap,
    pub body: Bytes,
}

#[derive(Default)]
struct Script {
    replies: VecDeque<Reply>,
    /// Answer for requests past the script's end.
    fallback: Option<Reply>,
    received: Vec<Received>,
}

/// The server; stops when dropped.
pub struct Canned {
    pub base_url: String,
    script: Arc<Mutex<Script>>,
    _shutdown: tokio::sync::oneshot::Sender<()>,
}

impl Canned {
    /// Starts on 127.0.0.1 with a free port.
    pub async fn start(replies: impl IntoIterator<Item = Reply>) -> Self {
        let script = Arc::new(Mutex::new(Script {
            replies: replies.into_iter().collect(),
            ..Script::default()
        }));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind loopback");
        let addr = listener.local_addr().unwrap();
        let app = axum::Router::new()
            .fallback(answer)
            .with_state(script.clone());
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        tokio::spawn(async move {
            let _ = axum::serve(listener, app)
                .with_graceful_shutdown(async {
                    let _ = rx.await;
                })
                .await;
        });
        Canned {
            base_url: format!("http://{addr}"),
            script,
            _shutdown: tx,
        }
    }

    /// Answers every request past the script with `reply`.
    pub fn otherwise(&self, reply: Reply) {
        self.script.lock().unwrap().fallback = Some(reply);
    }

    /// Every request received so far.
    pub fn received(&self) -> Vec<Received> {
        self.script.lock().unwrap().received.clone()
    }
}

async fn answer(State(script): State<Arc<Mutex<Script>>>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let body = axum::body::to_bytes(body, usize::MAX)
        .await
        .unwrap_or_default();
    let reply = {
        let mut s = script.lock().unwrap();
        s.received.push(Received {
            method: parts.method.to_string(),
            path_and_query: parts
                .uri
                .path_and_query()
                .map_or(String::new(), |p| p.to_string()),
            headers: parts.headers.clone(),
            body,
        });
        s.replies.pop_front().or_else(|| s.fallback.clone())
    };
    match reply {
        Some(Reply::Json(status, headers, body)) => {
            let mut response = Response::builder().status(status);
            if !headers.iter().any(|(name, _)| *name == "content-type") {
                response = response.header("content-type", "application/json");
            }
            for (name, value) in headers {
                response = response.header(name, value);
            }
            response.body(Body::from(body)).unwrap()
        }
        Some(Reply::Drop) => {
            // A body that fails at once: the connection is cut mid-answer.
            let broken = futures_util::stream::once(async {
                Err::<Bytes, std::io::Error>(std::io::Error::other("dropped by the test server"))
            });
            Response::builder()
                .status(200)
                .body(Body::from_stream(broken))
                .unwrap()
        }
        Some(Reply::Stream { count, size }) => {
            let chunk = Bytes::from(vec![b' '; size]);
            let chunks = futures_util::stream::iter(
                (0..count).map(move |_| Ok::<Bytes, std::io::Error>(chunk.clone())),
            );
            Response::builder()
                .status(200)
                .header("content-type", "application/json")
                .body(Body::from_stream(chunks))
                .unwrap()
        }
        None => Response::builder()
            .status(StatusCode::NOT_IMPLEMENTED)
            .body(Body::from("script ended"))
            .unwrap(),
    }
}

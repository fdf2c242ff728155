//! A scripted HTTP server for tests, on wiremock: it answers with the
//! responses it is given, in order, and records every request it receives.

use axum::http::HeaderMap;
use bytes::Bytes;
use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, ResponseTemplate};

/// One scripted answer.
#[derive(Clone, Debug)]
pub enum Reply {
    /// A status, extra headers and a body (`application/json` unless a
    /// `content-type` is among the headers).
    Json(u16, Vec<(&'static str, String)>, String),
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

    fn template(&self) -> ResponseTemplate {
        let Reply::Json(status, headers, body) = self;
        let content_type = headers
            .iter()
            .find(|(name, _)| *name == "content-type")
            .map_or("application/json", |(_, v)| v.as_str());
        let mut template = ResponseTemplate::new(*status).set_body_raw(body.clone(), content_type);
        for (name, value) in headers.iter().filter(|(n, _)| *n != "content-type") {
            template = template.insert_header(*name, value.as_str());
        }
        template
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

struct Scripted(Arc<Mutex<Script>>);

impl wiremock::Respond for Scripted {
    fn respond(&self, request: &wiremock::Request) -> ResponseTemplate {
        let mut script = self.0.lock().unwrap();
        let url = &request.url;
        script.received.push(Received {
            method: request.method.to_string(),
            path_and_query: match url.query() {
                Some(q) => format!("{}?{q}", url.path()),
                None => url.path().to_owned(),
            },
            headers: request.headers.clone(),
            body: Bytes::from(request.body.clone()),
        });
        match script
            .replies
            .pop_front()
            .or_else(|| script.fallback.clone())
        {
            Some(reply) => reply.template(),
            None => ResponseTemplate::new(501).set_body_string("script ended"),
        }
    }
}

/// The server; stops when dropped.
pub struct Canned {
    pub base_url: String,
    script: Arc<Mutex<Script>>,
    _server: MockServer,
}

impl Canned {
    /// Starts on 127.0.0.1 with a free port.
    pub async fn start(replies: impl IntoIterator<Item = Reply>) -> Self {
        let script = Arc::new(Mutex::new(Script {
            replies: replies.into_iter().collect(),
            ..Script::default()
        }));
        let server = MockServer::start().await;
        Mock::given(any())
            .respond_with(Scripted(script.clone()))
            .mount(&server)
            .await;
        Canned {
            base_url: server.uri(),
            script,
            _server: server,
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

/// A server whose 200 answer arrives in `count` chunks of `size` bytes
/// with no `content-length`. wiremock (like the other maintained mock
/// servers) always sends a whole body with its length, so this case keeps
/// a few lines of axum of its own.
pub async fn chunked(count: usize, size: usize) -> (String, tokio::sync::oneshot::Sender<()>) {
    let app = axum::Router::new().fallback(move || async move {
        let chunk = Bytes::from(vec![b' '; size]);
        let chunks = futures_util::stream::iter(
            (0..count).map(move |_| Ok::<Bytes, std::io::Error>(chunk.clone())),
        );
        axum::response::Response::builder()
            .status(200)
            .header("content-type", "application/json")
            .body(axum::body::Body::from_stream(chunks))
            .unwrap()
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind loopback");
    let addr = listener.local_addr().unwrap();
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(async move {
        let _ = axum::serve(listener, app)
            .with_graceful_shutdown(async {
                let _ = rx.await;
            })
            .await;
    });
    (format!("http://{addr}"), tx)
}

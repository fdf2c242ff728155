//! The span of a call, as a tracing subscriber sees it: OpenTelemetry's
//! HTTP client attribute names, recorded on the call's own span and never
//! on the caller's, and no span entered when nobody records one.
//!
//! One test in its own binary: it sets the thread's default subscriber,
//! which no other test may race with.

use cashfree_vkyc::RetryPolicy;
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing_subscriber::layer::{Context, Layer, SubscriberExt};
use tracing_subscriber::registry::LookupSpan;
use workspace_tests::canned::{Canned, Reply};

/// Each span's fields by span name, as created and then recorded.
#[derive(Clone, Default)]
struct Spans(Arc<Mutex<BTreeMap<String, BTreeMap<String, String>>>>);

struct Fields<'a>(&'a mut BTreeMap<String, String>);

impl Visit for Fields<'_> {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        self.0.insert(field.name().to_owned(), format!("{value:?}"));
    }
    fn record_str(&mut self, field: &Field, value: &str) {
        self.0.insert(field.name().to_owned(), value.to_owned());
    }
}

impl<S: tracing::Subscriber + for<'a> LookupSpan<'a>> Layer<S> for Spans {
    fn on_new_span(&self, attrs: &Attributes<'_>, id: &Id, ctx: Context<'_, S>) {
        let name = ctx.span(id).unwrap().name().to_owned();
        let mut spans = self.0.lock().unwrap();
        attrs.record(&mut Fields(spans.entry(name).or_default()));
    }
    fn on_record(&self, id: &Id, values: &Record<'_>, ctx: Context<'_, S>) {
        let name = ctx.span(id).unwrap().name().to_owned();
        let mut spans = self.0.lock().unwrap();
        values.record(&mut Fields(spans.entry(name).or_default()));
    }
}

fn reply(status: u16, request_id: &str) -> Reply {
    let body = r#"{"verification_id":"v1","cf_verification_id":"89","status":"RECEIVED","sub_status":"LINK_GENERATED"}"#;
    let body = if status == 200 {
        body.to_owned()
    } else {
        r#"{"type":"api_error","code":"internal","message":"try again"}"#.to_owned()
    };
    Reply::Json(status, vec![("x-request-id", request_id.to_owned())], body)
}

#[tokio::test]
async fn the_call_span_speaks_opentelemetry_and_only_when_recorded() {
    let server = Canned::start([
        reply(500, "req-1"),
        reply(200, "req-2"),
        reply(404, "req-3"),
        reply(200, "req-4"),
    ])
    .await;
    let client = workspace_tests::client_builder(&server.base_url)
        .retry_policy(
            RetryPolicy::default()
                .max_retries(1)
                .initial_delay(Duration::from_millis(1))
                .jitter(false),
        )
        .build()
        .unwrap();
    let host = server.base_url["http://".len()..]
        .split(':')
        .next()
        .unwrap()
        .to_owned();

    // A caller's span with fields of the same names must keep its values.
    let spans = Spans::default();
    let recorded = tracing_subscriber::registry().with(spans.clone());
    let guard = tracing::subscriber::set_default(recorded);
    let outer = tracing::info_span!(
        "caller",
        request_id = "mine",
        http.response.status_code = tracing::field::Empty
    );
    let verification = {
        let _entered = outer.enter();
        client.ppi().status("v1", "u1").await.unwrap()
    };
    let error = client.ppi().status("v1", "u1").await.unwrap_err();
    drop(guard);
    assert_eq!(verification.request_id(), Some("req-2"));
    assert_eq!(error.request_id(), Some("req-3"));

    {
        let spans = spans.0.lock().unwrap();
        let call = &spans["cashfree_vkyc"];
        let field = |name: &str| call.get(name).map(String::as_str);
        assert_eq!(field("operation"), Some("ppi.status"));
        assert_eq!(field("verification_id"), Some("v1"));
        assert_eq!(field("http.request.method"), Some("POST"));
        assert_eq!(field("server.address"), Some(host.as_str()));
        // The fields of the second call, recorded last over the first's.
        assert_eq!(field("http.response.status_code"), Some("404"));
        assert_eq!(field("request_id"), Some("req-3"));
        assert_eq!(field("error.type"), Some("api"));
        // Set by the first call's retry; a 404 is not retried.
        assert_eq!(field("http.request.resend_count"), Some("1"));
        let caller = &spans["caller"];
        assert_eq!(caller.get("request_id").map(String::as_str), Some("mine"));
        assert_eq!(caller.get("http.response.status_code"), None);
    }

    // A subscriber that takes only warnings records no call span, and the
    // call still works.
    let spans = Spans::default();
    let warnings_only = tracing_subscriber::registry().with(
        spans
            .clone()
            .with_filter(tracing_subscriber::filter::LevelFilter::WARN),
    );
    let guard = tracing::subscriber::set_default(warnings_only);
    let verification = client.ppi().status("v1", "u1").await.unwrap();
    drop(guard);
    assert_eq!(verification.request_id(), Some("req-4"));
    assert!(spans.0.lock().unwrap().is_empty());
}

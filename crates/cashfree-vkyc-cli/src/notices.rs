//! What the command says on stderr while it works: each retry of a call,
//! and why; and, while serving the sandbox, each failed webhook delivery.
//!
//! Retries come from the client's typed events
//! ([`ClientBuilder::on_event`](cashfree_vkyc::ClientBuilder::on_event));
//! the sandbox reports its deliveries as `tracing` events, which a small
//! layer prints. Notices are on when stderr is a terminal, with
//! `--verbose`, and for `sandbox`; a script reading stdout is never
//! disturbed.

use cashfree_vkyc::CallEvent;
use std::fmt::Write as _;
use std::io::IsTerminal;
use std::sync::atomic::{AtomicBool, Ordering};
use tracing::field::{Field, Visit};
use tracing::{Event, Level, Metadata, Subscriber};
use tracing_subscriber::layer::{Context, Layer, SubscriberExt};

static WANTED: AtomicBool = AtomicBool::new(false);

/// Turns the notices on when they are wanted.
pub fn install(verbose: bool) {
    if verbose || std::io::stderr().is_terminal() {
        WANTED.store(true, Ordering::Relaxed);
        let subscriber = tracing_subscriber::registry().with(SandboxNotices);
        // Only fails if a subscriber is already set, which this binary never does.
        let _ = tracing::subscriber::set_global_default(subscriber);
    }
}

/// One line for each retry, for the client's `on_event`.
pub fn on_event(event: &CallEvent) {
    if !WANTED.load(Ordering::Relaxed) {
        return;
    }
    if let CallEvent::Retry {
        attempt,
        wait,
        reason,
        ..
    } = event
    {
        eprintln!("retrying: attempt {attempt} failed ({reason}); next attempt in {wait:?}");
    }
}

/// The sandbox's warnings (failed deliveries), one plain line each.
struct SandboxNotices;

#[derive(Default)]
struct Message(String);

impl Visit for Message {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        if field.name() == "message" {
            let _ = write!(self.0, "{value:?}");
        }
    }
}

impl<S: Subscriber> Layer<S> for SandboxNotices {
    fn enabled(&self, metadata: &Metadata<'_>, _: Context<'_, S>) -> bool {
        metadata.target().starts_with("cashfree_vkyc_sandbox") && *metadata.level() <= Level::WARN
    }

    fn on_event(&self, event: &Event<'_>, _: Context<'_, S>) {
        let mut message = Message::default();
        event.record(&mut message);
        eprintln!("sandbox: {}", message.0);
    }
}

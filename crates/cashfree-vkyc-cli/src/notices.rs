//! What the command says on stderr while it works: each retry of a call,
//! and why; and, while serving the sandbox, each failed webhook delivery.
//!
//! The client and the sandbox report these as `tracing` events; this layer
//! turns them into one plain line each. It is on when stderr is a
//! terminal, with `--verbose`, and for `sandbox`; a script reading stdout
//! is never disturbed.

use std::fmt::Write as _;
use std::io::IsTerminal;
use tracing::field::{Field, Visit};
use tracing::{Event, Level, Metadata, Subscriber};
use tracing_subscriber::layer::{Context, Layer, SubscriberExt};

/// Installs the notices when they are wanted.
pub fn install(verbose: bool) {
    if verbose || std::io::stderr().is_terminal() {
        let subscriber = tracing_subscriber::registry().with(Notices);
        // Only fails if a subscriber is already set, which this binary never does.
        let _ = tracing::subscriber::set_global_default(subscriber);
    }
}

struct Notices;

#[derive(Default)]
struct Fields {
    message: String,
    attempt: String,
    status: String,
    error: String,
    wait: String,
}

impl Visit for Fields {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        let slot = match field.name() {
            "message" => &mut self.message,
            "attempt" => &mut self.attempt,
            "status" => &mut self.status,
            "error" => &mut self.error,
            "wait" => &mut self.wait,
            _ => return,
        };
        let _ = write!(slot, "{value:?}");
    }

    fn record_str(&mut self, field: &Field, value: &str) {
        if field.name() == "error" {
            self.error.push_str(value);
        } else {
            self.record_debug(field, &value);
        }
    }
}

impl<S: Subscriber> Layer<S> for Notices {
    fn enabled(&self, metadata: &Metadata<'_>, _: Context<'_, S>) -> bool {
        metadata.target().starts_with("cashfree_vkyc") && *metadata.level() <= Level::INFO
    }

    fn on_event(&self, event: &Event<'_>, _: Context<'_, S>) {
        let mut fields = Fields::default();
        event.record(&mut fields);
        if event
            .metadata()
            .target()
            .starts_with("cashfree_vkyc_sandbox")
        {
            if *event.metadata().level() <= Level::WARN {
                eprintln!("sandbox: {}", fields.message);
            }
            return;
        }
        if !fields.message.contains("retrying") {
            return;
        }
        let why = if !fields.status.is_empty() {
            format!("Cashfree answered {}", fields.status)
        } else if !fields.error.is_empty() {
            fields.error.clone()
        } else {
            fields.message.clone()
        };
        eprintln!(
            "retrying: attempt {} failed ({why}); next attempt in {}",
            fields.attempt, fields.wait
        );
    }
}

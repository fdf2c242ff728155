//! What the command prints, for people and for machines.

use crate::failure::Failure;
use cashfree_vkyc::{Error, Verification, Watch};
use indicatif::{ProgressBar, ProgressStyle};
use serde_json::{Value, json};
use std::io::IsTerminal;
use std::time::Duration;

/// How a verification is printed.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Lines for people.
    Human,
    /// The library's one view, the same for both families.
    Json,
    /// Cashfree's fields under Cashfree's names, exactly as sent.
    Raw,
}

impl Format {
    pub fn is_machine(self) -> bool {
        self != Format::Human
    }
}

/// The library's view (`--json`), or Cashfree's own map (`--raw`).
pub fn verification_json(format: Format, v: &Verification) -> Value {
    match format {
        Format::Raw => Value::Object(v.raw().clone()),
        _ => serde_json::to_value(v).unwrap_or(Value::Null),
    }
}

pub fn verification(format: Format, v: &Verification) {
    if format.is_machine() {
        println!("{}", verification_json(format, v));
        return;
    }
    println!("verification_id  {}", v.verification_id);
    if let Some(id) = &v.cashfree_id {
        println!("cashfree id      {id}");
    }
    println!("status           {} / {}", v.status, v.sub_status);
    println!("phase            {}", v.phase());
    println!("outcome          {}", v.outcome());
    println!(
        "final            {}",
        if v.is_final() { "yes" } else { "no" }
    );
    println!(
        "user must act    {}",
        if v.needs_user_action() { "yes" } else { "no" }
    );
    if let Some(description) = v.sub_status.description() {
        println!("meaning          {description}");
    }
    if let Some(action) = v.sub_status.recommended_action() {
        println!("next             {action}");
    }
    if let Some(link) = &v.vkyc_link {
        println!("link             {link}");
    }
    if let Some(expiry) = &v.link_expiry {
        println!("link expires     {expiry}");
    }
    for (label, value) in [
        ("agent remarks", &v.agent_remarks),
        ("auditor remarks", &v.auditor_remarks),
    ] {
        if let Some(value) = value {
            println!("{label:<16} {value}");
        }
    }
    if let Some(id) = v.request_id() {
        println!("request id       {id}");
    }
}

pub fn outcome(format: Format, v: &Verification) {
    if format.is_machine() {
        println!("{}", verification_json(format, v));
    } else {
        println!("outcome: {} ({} / {})", v.outcome(), v.status, v.sub_status);
    }
}

/// One line for a change of sub-status.
pub fn change_line(v: &Verification) -> String {
    format!(
        "{:<15} {:<36} {}",
        v.phase().as_str(),
        v.sub_status.as_str(),
        v.sub_status
            .description()
            .unwrap_or("(not in this version's table)")
    )
}

/// Follows a watch, showing each change; returns the last state.
pub async fn follow(
    format: Format,
    label: &str,
    mut watch: Watch,
) -> Result<Verification, Failure> {
    let live = !format.is_machine() && std::io::stderr().is_terminal();
    let spinner = live.then(|| {
        let bar = ProgressBar::new_spinner();
        bar.set_style(
            ProgressStyle::with_template("{spinner} {prefix} {wide_msg}")
                .unwrap_or_else(|_| ProgressStyle::default_spinner()),
        );
        bar.set_prefix(label.to_owned());
        bar.enable_steady_tick(Duration::from_millis(100));
        bar
    });
    let mut last = None;
    while let Some(update) = watch.next().await {
        let v = match update {
            Ok(v) => v,
            Err(e) => {
                if let Some(bar) = &spinner {
                    bar.finish_and_clear();
                }
                return Err(e.into());
            }
        };
        if format.is_machine() {
            println!("{}", verification_json(format, &v));
        } else if let Some(bar) = &spinner {
            bar.println(format!("  {}", change_line(&v)));
            bar.set_message(format!("{} · waiting for the next step", v.sub_status));
        } else {
            println!("  {}", change_line(&v));
        }
        last = Some(v);
    }
    if let Some(bar) = spinner {
        bar.finish_and_clear();
    }
    last.ok_or_else(|| crate::failure::usage("the watch ended before any update"))
}

/// Prints a failure: one line on stderr for people (with Cashfree's
/// request id, which its support asks for), and with `--json` an object on
/// stdout. Neither ever shows a response body or the secret.
pub fn failure(json: bool, credentials_from: Option<&str>, failure: &Failure) {
    let error = failure.error.as_deref();
    let credentials_hint = match (error, credentials_from) {
        (Some(Error::Api(api)), Some(from)) if api.status == 401 => Some(from),
        _ => None,
    };
    if json {
        let mut detail = match error {
            Some(Error::Api(api)) => json!({
                "kind": "api", "status": api.status, "type": api.error_type, "code": api.code,
                "message": api.message, "content_type": api.content_type, "body_bytes": api.body.len(),
            }),
            Some(Error::Validation(v)) => {
                json!({"kind": "validation", "field": v.field, "rule": v.rule})
            }
            Some(Error::Decode(d)) => json!({
                "kind": "decode", "status": d.status, "problem": d.problem.to_string(), "path": d.path,
                "line": d.line, "column": d.column, "body_bytes": d.body.len(),
            }),
            Some(Error::ResponseTooLarge { status, limit, .. }) => {
                json!({"kind": "response_too_large", "status": status, "limit_bytes": limit})
            }
            Some(Error::Timeout { attempts, .. }) => {
                json!({"kind": "timeout", "attempts": attempts})
            }
            Some(Error::Transport { attempts, .. }) => {
                json!({"kind": "transport", "attempts": attempts})
            }
            _ => json!({"kind": "other"}),
        };
        detail["summary"] = json!(failure.message);
        detail["request_id"] = json!(error.and_then(Error::request_id));
        if let Some(from) = credentials_hint {
            detail["credentials_from"] = json!(from);
        }
        println!("{}", json!({"error": detail}));
    }
    eprintln!("error: {}", failure.message);
    if let Some(from) = credentials_hint {
        eprintln!("  Cashfree refused the credentials, which came from {from}");
    }
}

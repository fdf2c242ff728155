//! The sandbox's history as it happens, read from the console's event
//! stream (`/__sandbox/console/events`), so a test waits for the event it
//! expects instead of polling the counters.

use serde_json::Value;
use std::time::Duration;

/// An open event stream.
pub struct Feed {
    response: reqwest::Response,
    pending: String,
}

impl Feed {
    /// Opens the stream; it starts with the history so far.
    pub async fn open(base_url: &str) -> Feed {
        let response = reqwest::get(format!("{base_url}/__sandbox/console/events"))
            .await
            .expect("the sandbox's event stream")
            .error_for_status()
            .expect("the sandbox's event stream");
        Feed {
            response,
            pending: String::new(),
        }
    }

    /// The next history entry; the stream's `meta` and keep-alive frames
    /// are skipped. `None` when the sandbox ends the stream.
    pub async fn next(&mut self) -> Option<Value> {
        loop {
            while let Some(end) = self.pending.find("\n\n") {
                let frame: String = self.pending.drain(..end + 2).collect();
                if frame.lines().any(|l| l.starts_with("event:")) {
                    continue;
                }
                let data: String = frame
                    .lines()
                    .filter_map(|l| l.strip_prefix("data:"))
                    .map(str::trim_start)
                    .collect();
                if !data.is_empty() {
                    return Some(serde_json::from_str(&data).expect("an entry is JSON"));
                }
            }
            let chunk = self.response.chunk().await.ok()??;
            self.pending.push_str(&String::from_utf8_lossy(&chunk));
        }
    }

    /// Waits, at most `within`, for an entry that `wanted` accepts.
    pub async fn until(&mut self, within: Duration, wanted: impl Fn(&Value) -> bool) -> Value {
        tokio::time::timeout(within, async {
            loop {
                match self.next().await {
                    Some(entry) if wanted(&entry) => return entry,
                    Some(_) => {}
                    None => panic!("the sandbox ended its event stream"),
                }
            }
        })
        .await
        .expect("the awaited entry did not come in time")
    }
}

//! Captures everything `tracing` emits during a test, to check what the
//! SDK writes to logs.
//!
//! One global TRACE subscriber serves the whole test binary and writes
//! into the buffer of the thread that emitted the event (tokio's test
//! runtime runs a test's tasks on its own thread). A per-thread default
//! subscriber would race with other tests registering the same callsites
//! while it is not looking, and silently lose events.

use std::cell::RefCell;
use std::io::Write;
use std::sync::{Arc, Mutex, Once};
use tracing_subscriber::fmt::MakeWriter;

/// A shared buffer the subscriber writes into.
#[derive(Clone, Default)]
pub struct Captured(Arc<Mutex<Vec<u8>>>);

impl Captured {
    /// Everything written so far.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }
}

thread_local! {
    static SINK: RefCell<Option<Captured>> = const { RefCell::new(None) };
}

/// Writes into the current thread's buffer, if it has one.
struct ThreadSink;

impl Write for ThreadSink {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        SINK.with(|sink| {
            if let Some(captured) = &*sink.borrow() {
                captured.0.lock().unwrap().extend_from_slice(buf);
            }
        });
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

struct Sinks;

impl<'a> MakeWriter<'a> for Sinks {
    type Writer = ThreadSink;
    fn make_writer(&'a self) -> Self::Writer {
        ThreadSink
    }
}

/// Stops capturing on this thread when dropped.
pub struct Guard(());

impl Drop for Guard {
    fn drop(&mut self) {
        SINK.with(|sink| sink.borrow_mut().take());
    }
}

/// Captures every event of the current thread, at TRACE level, until the
/// guard is dropped.
pub fn capture() -> (Captured, Guard) {
    static INIT: Once = Once::new();
    INIT.call_once(|| {
        let subscriber = tracing_subscriber::fmt()
            .with_max_level(tracing::Level::TRACE)
            .with_writer(Sinks)
            .with_ansi(false)
            .finish();
        tracing::subscriber::set_global_default(subscriber)
            .expect("no other global subscriber in the test binary");
    });
    let captured = Captured::default();
    SINK.with(|sink| *sink.borrow_mut() = Some(captured.clone()));
    (captured, Guard(()))
}

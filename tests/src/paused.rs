//! Tests on tokio's paused clock: the client's clock moves only when every
//! task waits on a timer, so the servers run on a thread of their own with
//! real time, and the clients' HTTP stack must have no timers of its own.

use cashfree_vkyc::PpiInitiateRequest;
use cashfree_vkyc_sandbox::{Sandbox, SandboxHandle};

/// Runs `start` on a thread with its own (real-time) runtime and returns
/// what it made; the thread lives as long as the test.
pub fn serve<T: Send + 'static, F: Future<Output = T> + Send>(
    start: impl FnOnce() -> F + Send + 'static,
) -> T {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Runtime::new().unwrap();
        runtime.block_on(async move {
            tx.send(start().await).unwrap();
            std::future::pending::<()>().await
        });
    });
    rx.recv().unwrap()
}

/// Runs `test` on a current-thread runtime whose clock starts paused.
pub fn paused<F: Future>(test: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .start_paused(true)
        .build()
        .unwrap()
        .block_on(test)
}

/// An HTTP client with no timer of its own (no idle pool, no timeouts),
/// so that on the paused clock the only timers are the ones under test.
pub fn untimed_http() -> reqwest::Client {
    reqwest::Client::builder()
        .pool_max_idle_per_host(0)
        .build()
        .unwrap()
}

/// A sandbox on a thread of its own, with PPI verifications `ids` of user
/// `u1`; it runs as long as the test.
pub fn sandbox_with(ids: &'static [&'static str]) -> SandboxHandle {
    serve(move || async move {
        let sandbox = Sandbox::start().await.unwrap();
        let handle = sandbox.handle();
        let client = crate::fast_client(sandbox.base_url());
        for id in ids {
            client
                .ppi()
                .initiate(&PpiInitiateRequest::new(*id, "u1"))
                .await
                .unwrap();
        }
        // The thread never ends, so neither may the sandbox.
        std::mem::forget(sandbox);
        handle
    })
}

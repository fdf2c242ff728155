//! Reading criterion's results back, to report one benchmark as a ratio of
//! another measured in the same run.

use std::path::PathBuf;

/// The median, in nanoseconds, criterion recorded for `group/id`.
pub fn median_ns(group: &str, id: &str) -> Option<f64> {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| crate::root().join("target"));
    let path = target
        .join("criterion")
        .join(group)
        .join(id)
        .join("new/estimates.json");
    let text = std::fs::read_to_string(path).ok()?;
    let value: serde_json::Value = serde_json::from_str(&text).ok()?;
    value["median"]["point_estimate"].as_f64()
}

/// Prints `subject / baseline` for two benchmarks of `group`.
pub fn report_ratio(group: &str, subject: &str, baseline: &str) {
    match (median_ns(group, subject), median_ns(group, baseline)) {
        (Some(s), Some(b)) => println!(
            "\n{group}: {subject} median {:.1} µs, {baseline} median {:.1} µs, ratio {:.3}×",
            s / 1000.0,
            b / 1000.0,
            s / b
        ),
        _ => println!("\n{group}: no results to compare (was the run filtered?)"),
    }
}

/// The sandbox on its own runtime and thread, as a real server would be;
/// the clients run on a current-thread runtime of their own. Keep the
/// runtime as long as the sandbox.
pub fn sandbox_server() -> (tokio::runtime::Runtime, cashfree_vkyc_sandbox::Sandbox) {
    let server = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let sandbox = server
        .block_on(cashfree_vkyc_sandbox::Sandbox::start())
        .unwrap();
    (server, sandbox)
}

/// `subject / baseline` measured in pairs: each round times a batch of
/// the baseline and a batch of the subject back to back, and the median of
/// the rounds' ratios is the answer. On a machine whose speed drifts
/// (a shared virtual machine), the two halves of a round see the same
/// machine, which separate criterion runs of seconds each do not.
/// Returns the median ratio and the rounds' quartiles.
pub fn paired_ratio(
    rounds: usize,
    batch: usize,
    mut baseline: impl FnMut(),
    mut subject: impl FnMut(),
) -> (f64, f64, f64) {
    let time = |f: &mut dyn FnMut()| {
        let start = std::time::Instant::now();
        for _ in 0..batch {
            f();
        }
        start.elapsed().as_secs_f64()
    };
    // A warm-up round, not counted.
    time(&mut baseline);
    time(&mut subject);
    let mut ratios: Vec<f64> = (0..rounds)
        .map(|round| {
            // Alternate which goes first, so neither always runs warm.
            if round % 2 == 0 {
                let b = time(&mut baseline);
                time(&mut subject) / b
            } else {
                let s = time(&mut subject);
                s / time(&mut baseline)
            }
        })
        .collect();
    ratios.sort_by(f64::total_cmp);
    let at = |q: f64| ratios[((ratios.len() - 1) as f64 * q).round() as usize];
    (at(0.5), at(0.25), at(0.75))
}

use std::io::Write;
use std::process::ExitCode;
use std::time::Instant;
use xtask::codegen;

const USAGE: &str = "usage: cargo xtask codegen [--check]

  codegen          regenerate specs/openapi/*.json and the generated Rust files
  codegen --check  regenerate in memory; exit 1 with a diff if a checked-in file is stale";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let root = match codegen::workspace_root() {
        Ok(root) => root,
        Err(e) => {
            eprintln!("error: {e:#}");
            return ExitCode::from(2);
        }
    };
    let started = Instant::now();
    let result = match args.as_slice() {
        ["codegen"] => codegen::write(&root).map(|written| {
            for path in &written {
                println!("wrote {}", path.display());
            }
            println!(
                "codegen: {} file(s) changed in {:.2?}",
                written.len(),
                started.elapsed()
            );
            true
        }),
        ["codegen", "--check"] => codegen::stale(&root).map(|report| {
            if report.is_empty() {
                println!("codegen: up to date ({:.2?})", started.elapsed());
                true
            } else {
                // A closed pipe (`| head`) is not an error worth a panic.
                let _ = std::io::stdout().write_all(report.as_bytes());
                eprintln!("codegen: checked-in files are stale; run `cargo xtask codegen` and commit the result");
                false
            }
        }),
        _ => {
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

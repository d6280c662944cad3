//! What the comparison benchmarks share: each contender runs in its own process
//! (`log` takes one global logger per process), started as `BENCH --contender NAME DIR`.
#![allow(dead_code)]

use std::path::Path;
use std::process::Command;

/// How many records each contender logs: `RECORDS`, default 1,000,000.
pub fn records() -> u64 {
    std::env::var("RECORDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000)
}

/// The `--contender NAME DIR` of a child process, if this is one.
pub fn contender_args() -> Option<(String, std::path::PathBuf)> {
    let args: Vec<String> = std::env::args().collect();
    let pos = args.iter().position(|a| a == "--contender")?;
    Some((args.get(pos + 1)?.clone(), args.get(pos + 2)?.into()))
}

/// The arguments after `--contender NAME DIR`.
pub fn contender_extra() -> Vec<String> {
    let args: Vec<String> = std::env::args().collect();
    match args.iter().position(|a| a == "--contender") {
        Some(pos) => args.iter().skip(pos + 3).cloned().collect(),
        None => Vec::new(),
    }
}

/// The thread counts of a run: `THREADS` (comma-separated), else `default`.
pub fn thread_counts(default: &str) -> Vec<usize> {
    std::env::var("THREADS")
        .unwrap_or_else(|_| default.into())
        .split(',')
        .filter_map(|t| t.trim().parse().ok())
        .collect()
}

/// A contender child's thread count: the first argument after `--contender NAME DIR`.
pub fn contender_threads() -> usize {
    contender_extra()
        .first()
        .and_then(|t| t.parse().ok())
        .unwrap_or(1)
}

/// True when cargo only lists the benchmarks.
pub fn listing() -> bool {
    std::env::args().any(|a| a == "--list")
}

/// Runs one contender in a child process writing into `dir`; returns its stdout's numbers.
pub fn run_contender(name: &str, dir: &Path) -> Vec<f64> {
    run_contender_with(name, dir, &[])
}

/// [`run_contender`] with more arguments for the child.
pub fn run_contender_with(name: &str, dir: &Path, extra: &[String]) -> Vec<f64> {
    let exe = std::env::current_exe().expect("the benchmark's own path");
    let out = Command::new(exe)
        .args(["--contender", name, dir.to_str().expect("a UTF-8 temp dir")])
        .args(extra)
        .output()
        .expect("start a contender");
    assert!(
        out.status.success(),
        "{name}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout)
        .split_whitespace()
        .map(|v| v.parse().expect("a number"))
        .collect()
}

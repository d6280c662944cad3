//! A `tracing` event written to a file: through logconf's layer (installed by `init()`
//! with the `tracing` feature) against tracing-subscriber's `fmt` layer writing the
//! same kind of line to a file (one `write` per event behind a mutex, as logconf's
//! default mode), from 1 and 8 threads, each contender in its own process. Then what a
//! disabled event costs (a DEBUG event with INFO configured), beside a disabled `log`
//! call. Every run verifies its file: each record once, no torn line.
//!
//!     cargo bench --features tracing --bench tracing
//!     RECORDS=200000 THREADS=1,2,8 cargo bench --features tracing --bench tracing

mod common;

use std::path::Path;
use std::sync::{Arc, Barrier, Mutex};
use std::time::Instant;

use common::{
    contender_args, contender_threads, listing, records, run_contender_with, thread_counts,
};

const CONTENDERS: &[&str] = &["logconf", "tracing-fmt"];

/// Runs `threads` threads each logging `n / threads` events through `log_one`; returns
/// the wall time.
fn drive(threads: usize, n: u64, log_one: fn(usize, u64)) -> f64 {
    let per = n / threads as u64;
    let barrier = Arc::new(Barrier::new(threads + 1));
    let workers: Vec<_> = (0..threads)
        .map(|t| {
            let barrier = barrier.clone();
            std::thread::spawn(move || {
                barrier.wait();
                for i in 0..per {
                    log_one(t, i);
                }
            })
        })
        .collect();
    barrier.wait();
    let start = Instant::now();
    for w in workers {
        w.join().expect("a worker");
    }
    start.elapsed().as_secs_f64()
}

fn event(t: usize, i: u64) {
    tracing::info!(
        target: "billing::api",
        "API Request completed - Status: 201, Duration: 0.102 seconds, request {t}-{i}"
    );
}

/// Nanoseconds per disabled call of `f`, over 10 million calls.
fn disabled_ns(f: fn(u64)) -> f64 {
    let calls = 10_000_000u64;
    let start = Instant::now();
    for i in 0..calls {
        f(std::hint::black_box(i));
    }
    start.elapsed().as_nanos() as f64 / calls as f64
}

fn contender(name: &str, dir: &Path, threads: usize) -> (f64, f64, f64) {
    let path = dir.join(format!("{name}.log"));
    match name {
        "logconf" => {
            let config = format!(
                "version = 1\n[formatters.api]\nformat = \"%(asctime)s %(levelname)s [%(name)s] %(message)s\"\n\
                 [handlers.file]\nclass = \"file\"\nfilename = \"{}\"\nformatter = \"api\"\n\
                 [loggers.billing]\nlevel = \"INFO\"\nhandlers = [\"file\"]\npropagate = false\n",
                path.display()
            );
            let guard = logconf::Builder::new()
                .text(config)
                .env(Default::default())
                .init()
                .expect("logconf init");
            let secs = drive(threads, records(), event);
            let tracing_off = disabled_ns(|i| tracing::debug!(target: "billing::api", "off {i}"));
            let log_off = disabled_ns(|i| log::debug!(target: "billing::api", "off {i}"));
            drop(guard);
            (secs, tracing_off, log_off)
        }
        "tracing-fmt" => {
            let file = std::fs::File::create(&path).expect("create");
            let subscriber = tracing_subscriber::fmt()
                .with_writer(Mutex::new(file))
                .with_ansi(false)
                .with_target(true)
                .with_max_level(tracing::Level::INFO)
                .finish();
            tracing::subscriber::set_global_default(subscriber).expect("tracing init");
            let secs = drive(threads, records(), event);
            let tracing_off = disabled_ns(|i| tracing::debug!(target: "billing::api", "off {i}"));
            (secs, tracing_off, f64::NAN)
        }
        other => panic!("unknown contender {other}"),
    }
}

fn verify(name: &str, dir: &Path, threads: usize) {
    let per = records() / threads as u64;
    let text = std::fs::read_to_string(dir.join(format!("{name}.log"))).expect("read");
    let mut seen = std::collections::HashSet::new();
    for line in text.lines() {
        let id = line.rsplit(' ').next().unwrap_or_default();
        assert!(
            line.contains("API Request completed - Status: 201") && id.contains('-'),
            "{name}: a torn line: {line:?}"
        );
        assert!(seen.insert(id.to_string()), "{name}: {id} twice");
    }
    assert_eq!(
        seen.len() as u64,
        per * threads as u64,
        "{name}: records written"
    );
}

fn main() {
    if let Some((name, dir)) = contender_args() {
        let threads = contender_threads();
        let (secs, tracing_off, log_off) = contender(&name, &dir, threads);
        verify(&name, &dir, threads);
        println!("{secs} {tracing_off} {log_off}");
        return;
    }
    if listing() {
        return;
    }
    let n = records();
    let threads = thread_counts("1,8");
    println!(
        "tracing: {n} events a run, one file; {} CPUs",
        std::thread::available_parallelism().map_or(0, |n| n.get())
    );
    for &t in &threads {
        println!("\n{t} thread{}", if t == 1 { "" } else { "s" });
        println!(
            "{:<13} {:>11} {:>11} {:>20} {:>17}",
            "contender", "events/s", "vs logconf", "disabled event ns", "disabled log ns"
        );
        let mut base = None;
        for name in CONTENDERS {
            let dir = tempfile::tempdir().expect("tempdir");
            let v = run_contender_with(name, dir.path(), &[t.to_string()]);
            let rate = (n / t as u64 * t as u64) as f64 / v[0];
            let base_rate = *base.get_or_insert(rate);
            let log_off = if v[2].is_nan() {
                "-".to_string()
            } else {
                format!("{:.2}", v[2])
            };
            println!(
                "{name:<13} {rate:>11.0} {:>11.2} {:>20.2} {log_off:>17}",
                rate / base_rate,
                v[1]
            );
        }
    }
}

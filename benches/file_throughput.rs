//! Records per second to one file from 1, 2, 4, 8 and 16 threads, the `api` line, each
//! contender in its own process (`log` takes one global logger per process): logconf in
//! its three write modes (group commit, `buffer`, `queue`), a bare `write(2)` per line,
//! a 64 KiB `BufWriter` behind a mutex, fern, flexi_logger (`Direct` and
//! `BufferAndFlush`) and tracing-appender (blocking). Each run prints records/s, peak
//! RSS and per-call latency (p50, p99, p99.9, max), and verifies its file: every record
//! exactly once, no torn line.
//!
//!     cargo bench --bench file_throughput                    # 1,000,000 records a run
//!     RECORDS=200000 THREADS=1,8 cargo bench --bench file_throughput
//!     CONTENDERS=logconf,write cargo bench --bench file_throughput

mod common;

use std::io::Write;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use common::{
    contender_args, contender_threads, listing, records, run_contender_with, thread_counts,
};

const API_FORMAT: &str = "%(asctime)s %(levelname)s [%(name)s] %(message)s";

const CONTENDERS: &[&str] = &[
    "logconf",
    "logconf-buffer",
    "logconf-queue",
    "write",
    "bufwriter",
    "fern",
    "flexi-direct",
    "flexi-buffer",
    "tracing-appender",
];

fn line_for(t: usize, i: u64) -> String {
    format!("API Request completed - Status: 201, Duration: 0.102 seconds, request {t}-{i}")
}

/// Runs `threads` threads each logging `n / threads` records through `log_one`; returns
/// the wall time and every call's latency in nanoseconds.
fn drive<F>(threads: usize, n: u64, log_one: F) -> (f64, Vec<u32>)
where
    F: Fn(usize, u64) + Send + Sync + 'static,
{
    let log_one = Arc::new(log_one);
    let per = n / threads as u64;
    let barrier = Arc::new(std::sync::Barrier::new(threads + 1));
    let workers: Vec<_> = (0..threads)
        .map(|t| {
            let (log_one, barrier) = (log_one.clone(), barrier.clone());
            std::thread::spawn(move || {
                let mut lat = Vec::with_capacity(per as usize);
                barrier.wait();
                for i in 0..per {
                    let s = Instant::now();
                    log_one(t, i);
                    lat.push(s.elapsed().as_nanos().min(u32::MAX as u128) as u32);
                }
                lat
            })
        })
        .collect();
    barrier.wait();
    let start = Instant::now();
    let mut all = Vec::with_capacity(n as usize);
    for w in workers {
        all.extend(w.join().expect("a worker"));
    }
    (start.elapsed().as_secs_f64(), all)
}

fn via_log(threads: usize, n: u64) -> (f64, Vec<u32>) {
    let (secs, lat) = drive(threads, n, |t, i| {
        log::info!(target: "billing::api", "{}", line_for(t, i));
    });
    let s = Instant::now();
    log::logger().flush();
    (secs + s.elapsed().as_secs_f64(), lat)
}

fn logconf_config(path: &Path) -> String {
    format!(
        "version = 1\n[formatters.api]\nformat = \"{API_FORMAT}\"\n[handlers.file]\nclass = \"file\"\nfilename = \"{}\"\nformatter = \"api\"\n",
        path.display()
    )
}

fn contender(name: &str, dir: &Path, threads: usize) -> (f64, Vec<u32>) {
    let n = records();
    let path = dir.join(format!("{name}.log"));
    match name {
        "logconf" | "logconf-buffer" | "logconf-queue" => {
            let (extra, target) = match name {
                "logconf" => ("", "file"),
                "logconf-buffer" => ("buffer = \"64KiB\"\n", "file"),
                _ => ("", "q"),
            };
            let mut config = logconf_config(&path);
            config.push_str(extra);
            if name == "logconf-queue" {
                config.push_str(
                    "[handlers.q]\nclass = \"queue\"\nhandlers = [\"file\"]\nqueue_size = 10000\n",
                );
            }
            config.push_str(&format!(
                "[loggers.billing]\nlevel = \"INFO\"\nhandlers = [\"{target}\"]\npropagate = false\n"
            ));
            let guard = logconf::Builder::new()
                .text(config)
                .init()
                .expect("logconf init");
            let r = via_log(threads, n);
            drop(guard);
            r
        }
        "fern" => {
            fern::Dispatch::new()
                .format(|out, message, record| {
                    out.finish(format_args!(
                        "{} {} [{}] {}",
                        chrono::Local::now().format("%Y-%m-%d %H:%M:%S,%3f"),
                        record.level(),
                        record.target(),
                        message
                    ))
                })
                .level(log::LevelFilter::Info)
                .chain(fern::log_file(&path).expect("fern log file"))
                .apply()
                .expect("fern init");
            via_log(threads, n)
        }
        "flexi-direct" | "flexi-buffer" => {
            use flexi_logger::{FileSpec, Logger, WriteMode};
            let mode = if name == "flexi-direct" {
                WriteMode::Direct
            } else {
                WriteMode::BufferAndFlush
            };
            let handle = Logger::try_with_str("info")
                .expect("spec")
                .log_to_file(
                    FileSpec::default()
                        .directory(dir)
                        .basename(name)
                        .suppress_timestamp()
                        .suffix("log"),
                )
                .format(|w, now, record| {
                    write!(
                        w,
                        "{} {} [{}] {}",
                        now.format("%Y-%m-%d %H:%M:%S,%3f"),
                        record.level(),
                        record.target(),
                        record.args()
                    )
                })
                .write_mode(mode)
                .start()
                .expect("flexi_logger init");
            let r = via_log(threads, n);
            handle.shutdown();
            r
        }
        "tracing-appender" => {
            let appender = tracing_appender::rolling::never(dir, format!("{name}.log"));
            let subscriber = tracing_subscriber::fmt()
                .with_writer(appender)
                .with_ansi(false)
                .with_target(true)
                .with_max_level(tracing::Level::INFO)
                .finish();
            tracing::subscriber::set_global_default(subscriber).expect("tracing init");
            drive(threads, n, |t, i| {
                tracing::info!(target: "billing::api", "{}", line_for(t, i));
            })
        }
        "write" => {
            let file = Arc::new(
                std::fs::OpenOptions::new()
                    .create(true)
                    .append(true)
                    .open(&path)
                    .expect("open"),
            );
            drive(threads, n, move |t, i| {
                let line = format!(
                    "2024-01-20 10:30:00,123 INFO [billing.api] {}\n",
                    line_for(t, i)
                );
                (&*file).write_all(line.as_bytes()).expect("write");
            })
        }
        "bufwriter" => {
            let file = std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(&path)
                .expect("open");
            let w = Arc::new(Mutex::new(std::io::BufWriter::with_capacity(
                64 * 1024,
                file,
            )));
            let writer = w.clone();
            let r = drive(threads, n, move |t, i| {
                let line = format!(
                    "2024-01-20 10:30:00,123 INFO [billing.api] {}\n",
                    line_for(t, i)
                );
                writer
                    .lock()
                    .expect("lock")
                    .write_all(line.as_bytes())
                    .expect("write");
            });
            w.lock().expect("lock").flush().expect("flush");
            r
        }
        other => panic!("unknown contender {other}"),
    }
}

/// Every record exactly once and no torn line, in the files the contender wrote.
fn verify(name: &str, dir: &Path, threads: usize) {
    let per = records() / threads as u64;
    let mut seen = std::collections::HashSet::new();
    let mut total = 0u64;
    for entry in std::fs::read_dir(dir).expect("dir") {
        let path = entry.expect("entry").path();
        let fname = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        if !fname.starts_with(name) {
            continue;
        }
        let text = std::fs::read_to_string(&path).expect("read");
        for line in text.lines() {
            let id = line.rsplit(' ').next().unwrap_or_default();
            let ok = line.contains("API Request completed - Status: 201")
                && id
                    .split_once('-')
                    .is_some_and(|(t, i)| t.parse::<usize>().is_ok() && i.parse::<u64>().is_ok());
            assert!(ok, "{name}: a torn line: {line:?}");
            assert!(seen.insert(id.to_string()), "{name}: {id} twice");
            total += 1;
        }
    }
    assert_eq!(
        total,
        per * threads as u64,
        "{name}: {total} records written"
    );
}

fn peak_rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1).and_then(|v| v.parse().ok()))
        })
        .unwrap_or(0)
}

fn percentile(sorted: &[u32], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    f64::from(sorted[i]) / 1000.0
}

fn main() {
    if let Some((name, dir)) = contender_args() {
        let threads = contender_threads();
        let (secs, mut lat) = contender(&name, &dir, threads);
        // before the check, which reads the whole file into memory
        let rss = peak_rss_kib();
        verify(&name, &dir, threads);
        lat.sort_unstable();
        println!(
            "{secs} {rss} {} {} {} {}",
            percentile(&lat, 0.5),
            percentile(&lat, 0.99),
            percentile(&lat, 0.999),
            f64::from(*lat.last().unwrap_or(&0)) / 1000.0
        );
        return;
    }
    if listing() {
        return;
    }
    let n = records();
    let threads = thread_counts("1,2,4,8,16");
    let wanted: Vec<String> = std::env::var("CONTENDERS")
        .map(|c| c.split(',').map(str::to_string).collect())
        .unwrap_or_else(|_| CONTENDERS.iter().map(|s| s.to_string()).collect());
    println!(
        "file_throughput: {n} records a run, api format, one file; {} CPUs",
        std::thread::available_parallelism().map_or(0, |n| n.get())
    );
    for &t in &threads {
        println!("\n{t} thread{}", if t == 1 { "" } else { "s" });
        println!(
            "{:<17} {:>11} {:>9} {:>9} {:>8} {:>8} {:>8} {:>9}",
            "contender",
            "records/s",
            "vs logconf",
            "RSS MiB",
            "p50 µs",
            "p99 µs",
            "p99.9 µs",
            "max µs"
        );
        let mut base = None;
        for name in &wanted {
            let dir = tempfile::tempdir().expect("tempdir");
            let v = run_contender_with(name, dir.path(), &[t.to_string()]);
            let rate = (n / t as u64 * t as u64) as f64 / v[0];
            let base_rate = *base.get_or_insert(rate);
            println!(
                "{name:<17} {rate:>11.0} {:>9.2} {:>9.1} {:>8.2} {:>8.2} {:>8.2} {:>9.0}",
                rate / base_rate,
                v[1] / 1024.0,
                v[2],
                v[3],
                v[4],
                v[5]
            );
        }
    }
}

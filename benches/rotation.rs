//! The rotation scenario: one thread, 1,000,000 records with the `api` format, rotate
//! at 1 MB, keep 5 gzip backups. Records per second and the slowest single logging
//! call (the rollover spike) for logconf, log4rs (RollingFileAppender, size trigger,
//! fixed-window roller with gzip) and flexi_logger (Criterion::Size,
//! Cleanup::KeepCompressedFiles), each in its own process.
//!
//!     cargo bench --bench rotation
//!     RECORDS=200000 cargo bench --bench rotation

mod common;

use std::path::Path;
use std::time::{Duration, Instant};

use common::{contender_args, listing, records, run_contender};

/// Logs `n` records; returns (seconds, slowest call).
fn run_logging(n: u64) -> (f64, Duration) {
    let mut slowest = Duration::ZERO;
    let start = Instant::now();
    for i in 0..n {
        let t = Instant::now();
        log::info!(target: "billing::api", "API Request completed - Status: 201, Duration: 0.102 seconds, request {i}");
        slowest = slowest.max(t.elapsed());
    }
    let secs = start.elapsed().as_secs_f64();
    log::logger().flush();
    (secs, slowest)
}

fn contender(name: &str, dir: &Path) -> (f64, Duration) {
    let n = records();
    match name {
        "logconf" | "logconf-buffer" => {
            let buffer = if name == "logconf-buffer" {
                "buffer = \"64KiB\"\n"
            } else {
                ""
            };
            let config = format!(
                "version = 1\n[formatters.api]\nformat = \"%(asctime)s %(levelname)s [%(name)s] %(message)s\"\n[handlers.file]\nclass = \"rotating_file\"\nfilename = \"{}\"\nmax_bytes = \"1MB\"\nbackup_count = 5\ncompress = \"gzip\"\nformatter = \"api\"\n{buffer}[loggers.billing]\nlevel = \"INFO\"\nhandlers = [\"file\"]\npropagate = false\n",
                dir.join("logconf.log").display()
            );
            let guard = logconf::Builder::new()
                .text(config)
                .init()
                .expect("logconf init");
            let r = run_logging(n);
            drop(guard); // waits for the last compression
            r
        }
        "log4rs" => {
            use log4rs::append::rolling_file::policy::compound::{
                roll::fixed_window::FixedWindowRoller, trigger::size::SizeTrigger, CompoundPolicy,
            };
            use log4rs::append::rolling_file::RollingFileAppender;
            use log4rs::config::{Appender, Config, Root};
            use log4rs::encode::pattern::PatternEncoder;
            let roller = FixedWindowRoller::builder()
                .build(&format!("{}/log4rs.{{}}.log.gz", dir.display()), 5)
                .expect("roller");
            let policy = CompoundPolicy::new(Box::new(SizeTrigger::new(1 << 20)), Box::new(roller));
            let appender = RollingFileAppender::builder()
                .encoder(Box::new(PatternEncoder::new(
                    "{d(%Y-%m-%d %H:%M:%S,%3f)} {l} [{t}] {m}{n}",
                )))
                .build(dir.join("log4rs.log"), Box::new(policy))
                .expect("appender");
            let config = Config::builder()
                .appender(Appender::builder().build("file", Box::new(appender)))
                .build(
                    Root::builder()
                        .appender("file")
                        .build(log::LevelFilter::Info),
                )
                .expect("config");
            log4rs::init_config(config).expect("log4rs init");
            run_logging(n)
        }
        "flexi_logger" | "flexi-buffer" => {
            use flexi_logger::{Age, Cleanup, Criterion, FileSpec, Logger, Naming, WriteMode};
            let _ = Age::Day;
            let handle = Logger::try_with_str("info")
                .expect("spec")
                .log_to_file(
                    FileSpec::default()
                        .directory(dir)
                        .basename("flexi")
                        .suppress_timestamp(),
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
                .rotate(
                    Criterion::Size(1 << 20),
                    Naming::Numbers,
                    Cleanup::KeepCompressedFiles(5),
                )
                .write_mode(if name == "flexi-buffer" {
                    WriteMode::BufferAndFlush
                } else {
                    WriteMode::Direct
                })
                .start()
                .expect("flexi_logger init");
            let r = run_logging(n);
            handle.shutdown();
            r
        }
        other => panic!("unknown contender {other}"),
    }
}

fn main() {
    if let Some((name, dir)) = contender_args() {
        let (secs, slowest) = contender(&name, &dir);
        println!("{secs} {}", slowest.as_secs_f64());
        return;
    }
    if listing() {
        return;
    }
    let n = records();
    println!("rotation: {n} records, api format, rotate at 1 MB, keep 5 gzip backups, one thread");
    let mut results = Vec::new();
    for name in [
        "logconf",
        "logconf-buffer",
        "log4rs",
        "flexi_logger",
        "flexi-buffer",
    ] {
        let dir = tempfile::tempdir().unwrap();
        let numbers = run_contender(name, dir.path());
        let (secs, slowest) = (numbers[0], numbers[1]);
        let gz = std::fs::read_dir(dir.path())
            .unwrap()
            .filter(|e| {
                e.as_ref()
                    .unwrap()
                    .file_name()
                    .to_string_lossy()
                    .ends_with(".gz")
            })
            .count();
        results.push((name, n as f64 / secs, slowest * 1000.0, gz));
    }
    let logconf = results[0].1;
    println!(
        "{:<13} {:>12} {:>14} {:>16} {:>10}",
        "contender", "records/s", "logconf / it", "slowest call ms", "gz files"
    );
    for (name, rate, slowest_ms, gz) in &results {
        println!(
            "{name:<13} {rate:>12.0} {:>14.2} {slowest_ms:>16.2} {gz:>10}",
            logconf / rate
        );
    }
}

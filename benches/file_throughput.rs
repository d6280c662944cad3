//! Records per second to one file with the `api` format, logconf next to fern's own
//! file output configured by hand and a bare `write(2)` per line, each in its own
//! process (`log` takes one global logger per process).
//!
//!     cargo bench --bench file_throughput            # 1,000,000 records each
//!     RECORDS=200000 cargo bench --bench file_throughput

mod common;

use std::io::Write;

use common::{contender_args, listing, records, run_contender};
use std::time::Instant;

const API_FORMAT: &str = "%(asctime)s %(levelname)s [%(name)s] %(message)s";

fn run_logging(n: u64) -> f64 {
    let start = Instant::now();
    for i in 0..n {
        log::info!(target: "billing::api", "API Request completed - Status: 201, Duration: 0.102 seconds, request {i}");
    }
    log::logger().flush();
    start.elapsed().as_secs_f64()
}

fn contender(name: &str, dir: &std::path::Path) -> f64 {
    let n = records();
    let path = dir.join(format!("{name}.log"));
    match name {
        "logconf" => {
            let config = format!(
                "version = 1\n[formatters.api]\nformat = \"{API_FORMAT}\"\n[handlers.file]\nclass = \"file\"\nfilename = \"{}\"\nformatter = \"api\"\n[loggers.billing]\nlevel = \"INFO\"\nhandlers = [\"file\"]\npropagate = false\n",
                path.display()
            );
            let _guard = logconf::Builder::new()
                .text(config)
                .init()
                .expect("logconf init");
            run_logging(n)
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
            run_logging(n)
        }
        "write" => {
            let mut file = std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(&path)
                .unwrap();
            let start = Instant::now();
            let mut line = String::new();
            for i in 0..n {
                use std::fmt::Write as _;
                line.clear();
                let _ = writeln!(line, "2024-01-20 10:30:00,123 INFO [billing.api] API Request completed - Status: 201, Duration: 0.102 seconds, request {i}");
                file.write_all(line.as_bytes()).unwrap();
            }
            start.elapsed().as_secs_f64()
        }
        other => panic!("unknown contender {other}"),
    }
}

fn main() {
    if let Some((name, dir)) = contender_args() {
        let secs = contender(&name, &dir);
        let lines = std::fs::read_to_string(dir.join(format!("{name}.log")))
            .map(|t| t.lines().count())
            .unwrap_or(0);
        assert_eq!(lines as u64, records(), "{name} wrote {lines} lines");
        println!("{secs}");
        return;
    }
    if listing() {
        return;
    }
    let n = records();
    println!("file_throughput: {n} records, api format, one file, one thread");
    let mut results = Vec::new();
    for name in ["logconf", "fern", "write"] {
        let dir = tempfile::tempdir().unwrap();
        let secs = run_contender(name, dir.path())[0];
        results.push((name, n as f64 / secs));
    }
    let logconf = results[0].1;
    println!(
        "{:<10} {:>14} {:>16}",
        "contender", "records/s", "logconf / it"
    );
    for (name, rate) in &results {
        println!("{name:<10} {rate:>14.0} {:>16.2}", logconf / rate);
    }
}

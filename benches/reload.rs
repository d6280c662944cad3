//! Hot reload costs: (a) from a change of the shipped logging.toml to the new tree in
//! place (file event -> read -> validate -> compile -> swap), and (b) the slowest
//! logging call while `Handle::reload()` runs every 10 ms under load, next to the same
//! calls without reloads.
//!
//!     cargo bench --bench reload

use std::collections::HashMap;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use logconf::{Builder, Handle, Level, Message, Record};

fn start(dir: &Path, watch: bool) -> Handle {
    let shipped =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/logging.toml")).unwrap();
    let path = dir.join("logging.toml");
    std::fs::write(&path, shipped).unwrap();
    let b = Builder::new().path(&path).env(HashMap::from([(
        "LOG_BASE_DIR".to_string(),
        dir.display().to_string(),
    )]));
    let b = if watch {
        b.watch_every(Duration::from_secs(2))
    } else {
        b
    };
    b.build().unwrap()
}

fn change_to_tree(dir: &Path) {
    let h = start(dir, true);
    let path = dir.join("logging.toml");
    let original = std::fs::read_to_string(&path).unwrap();
    let mut samples = Vec::new();
    for i in 0..30 {
        let generation = h.status().generation;
        let text = original.replace(
            "level = \"${LOG_FILE_LEVEL:-INFO}\"",
            if i % 2 == 0 {
                "level = \"DEBUG\""
            } else {
                "level = \"INFO\""
            },
        );
        let tmp = dir.join("logging.toml.tmp");
        std::fs::write(&tmp, text).unwrap();
        let t = Instant::now();
        std::fs::rename(&tmp, &path).unwrap();
        while h.status().generation == generation {
            std::thread::yield_now();
        }
        samples.push(t.elapsed());
        std::thread::sleep(Duration::from_millis(20));
    }
    samples.sort();
    let direct = {
        let t = Instant::now();
        for _ in 0..20 {
            h.reload().unwrap();
        }
        t.elapsed() / 20
    };
    println!("(a) file change -> new tree in place, shipped logging.toml, 30 changes:");
    println!("    median {:.2} ms, max {:.2} ms (of which read + validate + compile + swap: {:.2} ms; the rest is the 50 ms settle time after a file event)", ms(samples[15]), ms(samples[29]), ms(direct));
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// Two threads log `n` records each; returns every call's duration.
fn load(h: &Handle, n: usize, reload_every: Option<Duration>) -> Vec<Duration> {
    let stop = Arc::new(AtomicBool::new(false));
    let reloader = reload_every.map(|every| {
        let (h, stop) = (h.clone(), stop.clone());
        std::thread::spawn(move || {
            let mut count = 0;
            while !stop.load(Ordering::Relaxed) {
                h.reload().unwrap();
                count += 1;
                std::thread::sleep(every);
            }
            count
        })
    });
    let workers: Vec<_> = (0..2)
        .map(|t| {
            let h = h.clone();
            std::thread::spawn(move || {
                let mut times = Vec::with_capacity(n);
                for i in 0..n {
                    let msg =
                        format!("API Request completed - Status: 201, thread {t} request {i}");
                    let rec = Record::new(Level::INFO, Message::Text(&msg)).logger("billing.api");
                    let start = Instant::now();
                    h.log("billing::api", &rec);
                    times.push(start.elapsed());
                }
                times
            })
        })
        .collect();
    let mut all: Vec<Duration> = workers
        .into_iter()
        .flat_map(|w| w.join().unwrap())
        .collect();
    stop.store(true, Ordering::Relaxed);
    if let Some(r) = reloader {
        println!("    ({} reloads during the run)", r.join().unwrap());
    }
    all.sort();
    all
}

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    change_to_tree(dir.path());
    let n = 300_000;
    println!("(b) 2 threads x {n} records to billing_api_requests.log (gzip rotation at 10 MB):");
    let quiet = {
        let d = tempfile::tempdir().unwrap();
        load(&start(d.path(), false), n, None)
    };
    let busy = {
        let d = tempfile::tempdir().unwrap();
        load(&start(d.path(), false), n, Some(Duration::from_millis(10)))
    };
    let pick = |v: &Vec<Duration>, q: f64| ms(v[((v.len() as f64 - 1.0) * q) as usize]);
    println!(
        "    {:<22} {:>10} {:>10} {:>10}",
        "", "p99 ms", "p99.99 ms", "max ms"
    );
    println!(
        "    {:<22} {:>10.4} {:>10.4} {:>10.3}",
        "without reloads",
        pick(&quiet, 0.99),
        pick(&quiet, 0.9999),
        pick(&quiet, 1.0)
    );
    println!(
        "    {:<22} {:>10.4} {:>10.4} {:>10.3}",
        "reload every 10 ms",
        pick(&busy, 0.99),
        pick(&busy, 0.9999),
        pick(&busy, 1.0)
    );
    println!(
        "    slowest call during reloads / without: {:.2}",
        pick(&busy, 1.0) / pick(&quiet, 1.0)
    );
}

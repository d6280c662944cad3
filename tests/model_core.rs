//! Model checking of the real write core: logconf built with `--cfg shuttle`, where
//! every take of a lock (src/sync.rs) is a point where shuttle may switch threads.
//! Two threads log through a `buffer`ed file handler while a third reloads a changed
//! configuration, which retires the writer in favour of a new one and hands over what
//! its buffer holds: in every schedule, each record is written once, each thread's
//! records stay in its order, and nothing waits for ever.
//!
//! Run by `.ci/run`:
//!     RUSTFLAGS="--cfg shuttle" CARGO_TARGET_DIR=target/shuttle cargo test --test model_core
//! `LOGCONF_MODEL_ITERATIONS` sets the schedules per check (default 200).
#![cfg(shuttle)]

mod common;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use common::{builder, log, read};
use logconf::Level;

fn iterations() -> usize {
    std::env::var("LOGCONF_MODEL_ITERATIONS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(200)
}

fn config(buffer: &str) -> String {
    format!("version = 1\n[handlers.app]\nclass = \"rotating_file\"\nfilename = \"app.log\"\nmax_bytes = 100000\nbackup_count = 3\nbuffer = {buffer}\nflush_interval = \"1h\"\n[root]\nlevel = \"INFO\"\nhandlers = [\"app\"]\n")
}

const EACH: usize = 3;

fn buffer_swap_and_retire() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("logging.toml");
    std::fs::write(&file, config("96")).unwrap();
    let h = builder(dir.path(), "")
        .path(&file)
        .watch(false)
        .reload_on_sighup(false)
        .build()
        .unwrap();
    let loggers: Vec<_> = (0..2)
        .map(|t| {
            let h = h.clone();
            shuttle::thread::spawn(move || {
                for k in 0..EACH {
                    // about 30 bytes: a 96-byte buffer swaps every third record
                    log(
                        &h,
                        "app",
                        Level::INFO,
                        &format!("thread {t} record {k} ....."),
                    );
                }
            })
        })
        .collect();
    let reloader = {
        let (h, file) = (h.clone(), file.clone());
        shuttle::thread::spawn(move || {
            std::fs::write(&file, config("64")).unwrap();
            h.reload().unwrap();
        })
    };
    for t in loggers {
        t.join().unwrap();
    }
    reloader.join().unwrap();
    h.flush();
    let text = read(&dir.path().join("app.log"));
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 2 * EACH, "{lines:?}");
    for t in 0..2 {
        let mine: Vec<&&str> = lines
            .iter()
            .filter(|l| l.starts_with(&format!("thread {t} ")))
            .collect();
        let expected: Vec<String> = (0..EACH)
            .map(|k| format!("thread {t} record {k} ....."))
            .collect();
        assert_eq!(
            mine.iter().map(|l| l.to_string()).collect::<Vec<_>>(),
            expected,
            "thread {t}: {lines:?}"
        );
    }
}

#[test]
fn buffered_writes_and_a_reload_that_retires_the_writer() {
    let ran = Arc::new(AtomicUsize::new(0));
    let counted = {
        let ran = ran.clone();
        move || {
            ran.fetch_add(1, Ordering::Relaxed);
            buffer_swap_and_retire();
        }
    };
    // loading a configuration needs more stack than shuttle's default 60 KiB
    let config = || {
        let mut config = shuttle::Config::new();
        config.stack_size = 8 << 20;
        config
    };
    shuttle::Runner::new(
        shuttle::scheduler::RandomScheduler::new(iterations()),
        config(),
    )
    .run(counted.clone());
    shuttle::Runner::new(
        shuttle::scheduler::PctScheduler::new(3, iterations()),
        config(),
    )
    .run(counted);
    eprintln!(
        "model: buffer swap and retire, the real write core: {} schedules",
        ran.load(Ordering::Relaxed)
    );
}

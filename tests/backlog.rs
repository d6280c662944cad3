//! Compression under more load than it can keep up with: the log's family on disk
//! stays within `backup_count` plus a small constant at every moment, and a reload
//! does not wait for compression.

mod common;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use common::{build, builder, log};
use logconf::Level;

const BACKUPS: usize = 3;

fn config(level: &str) -> String {
    format!("version = 1\n[handlers.app]\nclass = \"rotating_file\"\nfilename = \"app.log\"\nmax_bytes = \"100KB\"\nbackup_count = {BACKUPS}\ncompress = \"gzip\"\ncompress_level = 9\n[root]\nlevel = \"{level}\"\nhandlers = [\"app\"]\n")
}

/// The files of the log's family in `dir` now (the live file, `.lock` and
/// half-written `.tmp` archives left out).
fn family(dir: &std::path::Path) -> usize {
    std::fs::read_dir(dir)
        .map(|rd| {
            rd.filter_map(Result::ok)
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| n.starts_with("app.log.") && !n.ends_with(".tmp"))
                .count()
        })
        .unwrap_or(0)
}

/// Four threads log as fast as they can while `during` runs; returns what it returned.
fn under_load<T>(h: &logconf::Handle, during: impl FnOnce() -> T) -> T {
    let stop = Arc::new(AtomicBool::new(false));
    let threads: Vec<_> = (0..4)
        .map(|t| {
            let (h, stop) = (h.clone(), stop.clone());
            std::thread::spawn(move || {
                let mut i = 0u64;
                let pad = "x".repeat(200);
                while !stop.load(Ordering::Relaxed) {
                    log(
                        &h,
                        "app",
                        Level::INFO,
                        &format!("thread {t} record {i} {pad}"),
                    );
                    i += 1;
                }
            })
        })
        .collect();
    let out = during();
    stop.store(true, Ordering::Relaxed);
    for t in threads {
        t.join().unwrap();
    }
    out
}

#[test]
fn the_family_on_disk_stays_within_backup_count_whatever_the_load() {
    let dir = tempfile::tempdir().unwrap();
    let h = build(dir.path(), &config("INFO")).unwrap();
    let seconds = common::stress(3, 8) as u64;
    let (most, samples) = under_load(&h, || {
        let end = Instant::now() + Duration::from_secs(seconds);
        let (mut most, mut samples) = (0, 0);
        while Instant::now() < end {
            most = most.max(family(dir.path()));
            samples += 1;
            std::thread::sleep(Duration::from_millis(2));
        }
        (most, samples)
    });
    h.flush();
    eprintln!(
        "backlog: at most {most} files beside app.log over {samples} looks in {seconds} s \
         (backup_count {BACKUPS})"
    );
    // between two rollovers: the backups and BACKLOG_SLACK files waiting; for an
    // instant two more: a rollover's new file before it counts the family, and a `.gz`
    // made before its pending file is removed
    assert!(
        most <= BACKUPS + logconf::__cli::BACKLOG_SLACK + 2,
        "the family reached {most} files beside app.log for backup_count {BACKUPS}"
    );
    assert!(
        family(dir.path()) <= BACKUPS,
        "after the flush: {}",
        family(dir.path())
    );
}

/// Holds the directory's `flock`, which the compressor of a log without `lock = true`
/// takes: compression cannot make progress until it is dropped.
struct CompressionStopped(#[allow(dead_code)] std::fs::File);

impl CompressionStopped {
    fn new(dir: &std::path::Path) -> CompressionStopped {
        use std::os::fd::AsRawFd as _;
        let d = std::fs::File::open(dir).unwrap();
        // SAFETY: flock on a descriptor this test owns.
        assert_eq!(unsafe { libc::flock(d.as_raw_fd(), libc::LOCK_EX) }, 0);
        CompressionStopped(d)
    }
}

#[test]
fn with_compression_stopped_the_family_still_holds_and_a_reload_does_not_wait() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("logging.toml");
    std::fs::write(&file, config("INFO")).unwrap();
    let h = builder(dir.path(), "")
        .path(&file)
        .watch(false)
        .reload_on_sighup(false)
        .build()
        .unwrap();
    let stopped = CompressionStopped::new(dir.path());
    let pad = "y".repeat(1000);
    for i in 0..2_000 {
        log(&h, "app", Level::INFO, &format!("record {i} {pad}"));
    }
    let most = family(dir.path());
    assert!(
        most <= BACKUPS + logconf::__cli::BACKLOG_SLACK,
        "20 rollovers with compression stopped left {most} files beside app.log"
    );
    // a reload that changes the file, in a thread: it must come back while
    // compression is still stopped
    std::fs::write(&file, config("DEBUG")).unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    let h2 = h.clone();
    std::thread::spawn(move || {
        let _ = tx.send(h2.reload().map_err(|e| e.to_string()));
    });
    let reloaded = rx.recv_timeout(Duration::from_secs(30));
    drop(stopped);
    assert!(
        matches!(reloaded, Ok(Ok(()))),
        "the reload did not come back while compression was stopped: {reloaded:?}"
    );
    assert_eq!(h.status().generation, 2);
    h.flush();
    assert!(
        family(dir.path()) <= BACKUPS,
        "after the flush: {}",
        family(dir.path())
    );
}

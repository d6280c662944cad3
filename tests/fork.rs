//! After `fork` the child logs, rotates, compresses, flushes and drains queues as the
//! parent did (src/fork.rs): pre-fork workers sharing a `lock = true` gzip-rotated file
//! write every record once; a daemonized child logging through a queue and gzip
//! rotation flushes promptly and leaves every backup compressed; children forked while
//! other threads log, in every write mode, never deadlock.
//!
//! Forks per write mode: 40 by default, 200 with `LOGCONF_STRESS=full` (.ci/run): 1,000
//! in all over the five modes.

mod common;

use std::collections::HashMap;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use common::{build, files_containing, gunzip, read};
use logconf::{Handle, Level, Message, Record};

fn log(h: &Handle, msg: &str) {
    h.log(
        "app",
        &Record::new(Level::INFO, Message::Text(msg)).logger("app"),
    );
}

/// Forks; the child runs `f` and exits with its code (1 on a panic), never returning.
fn fork(f: impl FnOnce() -> i32) -> libc::pid_t {
    // SAFETY: the child only runs `f` and `_exit`s.
    let pid = unsafe { libc::fork() };
    assert!(pid >= 0, "fork: {}", std::io::Error::last_os_error());
    if pid == 0 {
        let code = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).unwrap_or(101);
        // SAFETY: ends the child without running the parent's exit handlers.
        unsafe { libc::_exit(code) };
    }
    pid
}

/// The child's exit code, or None when it did not end within `limit` (it is killed).
fn wait(pid: libc::pid_t, limit: Duration) -> Option<i32> {
    let deadline = Instant::now() + limit;
    loop {
        let mut status = 0;
        // SAFETY: waits for our own child; `status` is a live local.
        let rc = unsafe { libc::waitpid(pid, &mut status, libc::WNOHANG) };
        if rc == pid {
            return Some(if libc::WIFEXITED(status) {
                libc::WEXITSTATUS(status)
            } else {
                128 + libc::WTERMSIG(status)
            });
        }
        assert!(rc == 0, "waitpid: {}", std::io::Error::last_os_error());
        if Instant::now() > deadline {
            // where the hung child stands, for whoever reads the failure (gdb, where
            // it is installed)
            if let Ok(out) = std::process::Command::new("gdb")
                .args([
                    "-p",
                    &pid.to_string(),
                    "-batch",
                    "-ex",
                    "thread apply all bt",
                ])
                .output()
            {
                let text = String::from_utf8_lossy(&out.stdout);
                let frames: Vec<&str> = text
                    .lines()
                    .filter(|l| l.starts_with('#') || l.starts_with("Thread"))
                    .take(120)
                    .collect();
                eprintln!("child {pid} hung:\n{}", frames.join("\n"));
            }
            // SAFETY: kills and reaps our own child.
            unsafe {
                libc::kill(pid, libc::SIGKILL);
                libc::waitpid(pid, &mut status, 0);
            }
            return None;
        }
        std::thread::sleep(Duration::from_millis(1));
    }
}

/// Every line of `app.log` and its backups, counted; panics on a file that is neither
/// the log nor a backup (a pending or half-written file left behind).
fn lines(dir: &Path) -> HashMap<String, usize> {
    let mut seen = HashMap::new();
    for name in files_containing(dir, "app.log") {
        if name.ends_with(".lock") {
            continue;
        }
        let numbered = name
            .strip_prefix("app.log.")
            .is_some_and(|n| n.bytes().all(|b| b.is_ascii_digit()));
        assert!(
            name == "app.log" || name.ends_with(".gz") || numbered,
            "left behind: {name}"
        );
        let path = dir.join(&name);
        let text = if name.ends_with(".gz") {
            gunzip(&path)
        } else {
            read(&path)
        };
        for line in text.lines() {
            *seen.entry(line.to_string()).or_insert(0) += 1;
        }
    }
    seen
}

fn files_within(dir: &Path, max_bytes: usize) {
    for name in files_containing(dir, "app.log") {
        if name.ends_with(".lock") {
            continue;
        }
        let path = dir.join(&name);
        let len = if name.ends_with(".gz") {
            gunzip(&path).len()
        } else {
            read(&path).len()
        };
        assert!(len <= max_bytes, "{name} has {len} bytes, over {max_bytes}");
    }
}

#[test]
fn prefork_workers_sharing_a_locked_gzip_file_write_every_record_once() {
    const WORKERS: usize = 4;
    const EACH: usize = 5_000;
    const MAX: usize = 32 * 1024;
    let dir = tempfile::tempdir().unwrap();
    let h = build(
        dir.path(),
        &format!(
            "version = 1\n[handlers.file]\nclass = \"rotating_file\"\nfilename = \"app.log\"\nmax_bytes = {MAX}\nbackup_count = 100000\ncompress = \"gzip\"\ncompress_level = 1\nlock = true\n[root]\nlevel = \"INFO\"\nhandlers = [\"file\"]\n"
        ),
    )
    .unwrap();
    // the parent logs first: its writer, lock file and compression thread exist
    for i in 0..200 {
        log(&h, &format!("parent n{i:05} payload-payload-payload"));
    }
    let children: Vec<_> = (0..WORKERS)
        .map(|w| {
            let h = h.clone();
            fork(move || {
                for i in 0..EACH {
                    log(&h, &format!("worker{w} n{i:05} payload-payload-payload"));
                }
                h.flush();
                0
            })
        })
        .collect();
    for pid in children {
        assert_eq!(
            wait(pid, Duration::from_secs(120)),
            Some(0),
            "a worker failed or hung"
        );
    }
    h.flush();
    let seen = lines(dir.path());
    let twice: Vec<_> = seen.iter().filter(|(_, &c)| c > 1).collect();
    assert!(
        twice.is_empty(),
        "written more than once: {:?}",
        &twice[..twice.len().min(5)]
    );
    let expected = 200 + WORKERS * EACH;
    assert_eq!(
        seen.len(),
        expected,
        "{} records lost",
        expected - seen.len()
    );
    files_within(dir.path(), MAX);
}

#[test]
fn daemonized_child_logging_through_a_queue_flushes_promptly_and_compresses_every_backup() {
    let dir = tempfile::tempdir().unwrap();
    let h = build(
        dir.path(),
        "version = 1\n[handlers.file]\nclass = \"rotating_file\"\nfilename = \"app.log\"\nmax_bytes = 16384\nbackup_count = 100000\ncompress = \"gzip\"\ncompress_level = 1\n[handlers.q]\nclass = \"queue\"\nhandlers = [\"file\"]\n[root]\nlevel = \"INFO\"\nhandlers = [\"q\"]\n",
    )
    .unwrap();
    for i in 0..500 {
        log(&h, &format!("parent n{i:05} payload-payload-payload"));
    }
    // the parent is done with the file before the daemon starts (two processes
    // writing one file at once need `lock = true`, see the pre-fork test)
    h.flush();
    let marker = dir.path().join("daemon.done");
    let child = {
        let (h, marker) = (h.clone(), marker.clone());
        fork(move || {
            // the classic daemon: fork again, the first child exits at once
            let h2 = h.clone();
            let grandchild = fork(move || {
                // SAFETY: a new session for the daemon; no memory is touched.
                unsafe { libc::setsid() };
                for i in 0..3_000 {
                    log(&h2, &format!("daemon n{i:05} payload-payload-payload"));
                }
                let start = Instant::now();
                h2.flush();
                let took = start.elapsed();
                std::fs::write(&marker, format!("{}", took.as_millis())).unwrap();
                0
            });
            i32::from(grandchild <= 0)
        })
    };
    assert_eq!(wait(child, Duration::from_secs(10)), Some(0));
    let deadline = Instant::now() + Duration::from_secs(60);
    while !marker.exists() {
        assert!(
            Instant::now() < deadline,
            "the daemon did not finish in 60 s"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
    std::thread::sleep(Duration::from_millis(50)); // the marker is written whole
    let took: u64 = read(&marker).trim().parse().unwrap();
    assert!(took < 10_000, "the daemon's flush took {took} ms");
    h.flush();
    std::fs::remove_file(&marker).unwrap();
    let seen = lines(dir.path());
    let twice: Vec<_> = seen.iter().filter(|(_, &c)| c > 1).collect();
    assert!(
        twice.is_empty(),
        "written more than once: {:?}",
        &twice[..twice.len().min(5)]
    );
    assert_eq!(seen.len(), 3_500, "{} records lost", 3_500 - seen.len());
    files_within(dir.path(), 16384);
}

fn mode_config(mode: &str) -> String {
    let file = |extra: &str| {
        format!("[handlers.file]\nclass = \"rotating_file\"\nfilename = \"app.log\"\nmax_bytes = \"256KB\"\nbackup_count = 100000\n{extra}")
    };
    let (handlers, root) = match mode {
        "group" => (file("compress = \"gzip\"\ncompress_level = 1\n"), "file"),
        "lock" => (
            file("compress = \"gzip\"\ncompress_level = 1\nlock = true\n"),
            "file",
        ),
        "buffer" => (
            file("buffer = \"64KiB\"\nflush_interval = \"20ms\"\n"),
            "file",
        ),
        "watched" => (
            "[handlers.file]\nclass = \"watched_file\"\nfilename = \"app.log\"\n".to_string(),
            "file",
        ),
        "queue" => (
            format!(
                "{}[handlers.q]\nclass = \"queue\"\nhandlers = [\"file\"]\nqueue_size = 1000\n",
                file("")
            ),
            "q",
        ),
        other => panic!("{other}"),
    };
    format!("version = 1\n{handlers}[root]\nlevel = \"INFO\"\nhandlers = [\"{root}\"]\n")
}

/// Forks `forks` children while four threads log and another starts and ends threads;
/// each child logs one record and flushes. None may hang, and each child's record is written once.
fn forks_while_logging(mode: &str, forks: usize) {
    let dir = tempfile::tempdir().unwrap();
    let h = build(dir.path(), &mode_config(mode)).unwrap();
    let stop = Arc::new(AtomicBool::new(false));
    let threads: Vec<_> = (0..4)
        .map(|t| {
            let (h, stop) = (h.clone(), stop.clone());
            std::thread::spawn(move || {
                let mut i = 0u64;
                while !stop.load(Ordering::Relaxed) {
                    log(&h, &format!("thread{t} n{i} payload-payload-payload"));
                    i += 1;
                    if i.is_multiple_of(10) {
                        std::thread::sleep(Duration::from_micros(500));
                    }
                }
            })
        })
        .collect();
    // and a fifth starts and ends threads, as a growing and shrinking pool does: the
    // standard library locks a registry as a thread starts and ends, and a child
    // forked meanwhile inherits it held (logconf's own threads keep out of it)
    let churn = {
        let stop = stop.clone();
        std::thread::spawn(move || {
            while !stop.load(Ordering::Relaxed) {
                let _ = std::thread::spawn(|| {}).join();
            }
        })
    };
    let mut hung = 0;
    let mut failed = Vec::new();
    for k in 0..forks {
        let h2 = h.clone();
        let pid = fork(move || {
            log(&h2, &format!("child{k} of {mode}"));
            h2.flush();
            0
        });
        match wait(pid, Duration::from_secs(20)) {
            Some(0) => {}
            Some(code) => failed.push((k, code)),
            None => hung += 1,
        }
    }
    stop.store(true, Ordering::Relaxed);
    churn.join().unwrap();
    for t in threads {
        t.join().unwrap();
    }
    h.flush();
    assert!(
        hung == 0 && failed.is_empty(),
        "{mode}: of {forks} children, {hung} hung and {} failed (child, exit code): {:?}",
        failed.len(),
        &failed[..failed.len().min(10)]
    );
    let seen = lines(dir.path());
    let wrong: Vec<(usize, usize)> = (0..forks)
        .map(|k| {
            (
                k,
                seen.get(&format!("child{k} of {mode}"))
                    .copied()
                    .unwrap_or(0),
            )
        })
        .filter(|&(_, n)| n != 1)
        .collect();
    if !wrong.is_empty() && std::env::var_os("LOGCONF_KEEP").is_some() {
        eprintln!("kept {:?}", dir.keep());
    }
    assert!(
        wrong.is_empty(),
        "{mode}: of {forks} children, {} written other than once (child, times): {:?}",
        wrong.len(),
        &wrong[..wrong.len().min(10)]
    );
}

fn forks_per_mode() -> usize {
    common::stress(40, 1000)
}

#[test]
fn forks_while_threads_log_group_commit() {
    forks_while_logging("group", forks_per_mode());
}

#[test]
fn forks_while_threads_log_lock() {
    forks_while_logging("lock", forks_per_mode());
}

#[test]
fn forks_while_threads_log_buffer() {
    forks_while_logging("buffer", forks_per_mode());
}

#[test]
fn forks_while_threads_log_watched_file() {
    forks_while_logging("watched", forks_per_mode());
}

#[test]
fn forks_while_threads_log_queue() {
    forks_while_logging("queue", forks_per_mode());
}

/// A forked child keeps no copy of the parent's `NAME.lock` descriptor: a parent that
/// dies holding the lock must not leave it held by a child that never logs.
#[test]
fn a_child_keeps_no_copy_of_the_parents_lock_file() {
    let dir = tempfile::tempdir().unwrap();
    let h = build(
        dir.path(),
        "version = 1\n[handlers.file]\nclass = \"rotating_file\"\nfilename = \"app.log\"\nmax_bytes = 1000000\nbackup_count = 2\nlock = true\n[root]\nlevel = \"INFO\"\nhandlers = [\"file\"]\n",
    )
    .unwrap();
    log(&h, "opens app.log.lock");
    let holds_lock_file = || {
        std::fs::read_dir("/proc/self/fd")
            .unwrap()
            .filter_map(Result::ok)
            .filter_map(|e| std::fs::read_link(e.path()).ok())
            .any(|target| target.to_string_lossy().ends_with("app.log.lock"))
    };
    assert!(holds_lock_file(), "the parent has app.log.lock open");
    let pid = fork(move || i32::from(holds_lock_file()));
    assert_eq!(
        wait(pid, Duration::from_secs(20)),
        Some(0),
        "the child kept a copy of app.log.lock"
    );
    drop(h);
}

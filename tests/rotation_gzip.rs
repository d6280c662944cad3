//! gzip backups under load: 4 threads x 50,000 numbered records through one
//! `rotating_file` (max 16 KB, gzip; 200,000 records and 64 KB with
//! `LOGCONF_STRESS=full`, as .ci/run sets it), every backup read back with real gzip
//! readers.

mod common;

use common::{build, files_containing, gunzip, numbered_history};
use logconf::{Level, Message, Record};

#[test]
fn four_threads_every_record_once_in_order_no_torn_line() {
    const THREADS: usize = 4;
    let per_thread = common::stress(50_000, 200_000);
    // hundreds of rollovers at either size
    let max_bytes = common::stress(16, 64);
    let dir = tempfile::tempdir().unwrap();
    let config = &format!("version = 1\n[formatters.f]\nformat = \"%(message)s\"\n[handlers.r]\nclass = \"rotating_file\"\nfilename = \"stress.log\"\nmax_bytes = \"{max_bytes}KB\"\nbackup_count = 5000\ncompress = \"gzip\"\ncompress_level = 1\nformatter = \"f\"\n[root]\nlevel = \"INFO\"\nhandlers = [\"r\"]\n");
    let h = build(dir.path(), config).unwrap();
    let workers: Vec<_> = (0..THREADS)
        .map(|t| {
            let h = h.clone();
            std::thread::spawn(move || {
                let mut msg = String::new();
                for i in 0..per_thread {
                    msg.clear();
                    use std::fmt::Write;
                    let _ = write!(msg, "t{t} n{i:07} payload-{}", "x".repeat(i % 17));
                    let rec = Record::new(Level::INFO, Message::Text(&msg)).logger("stress");
                    h.log("stress", &rec);
                }
            })
        })
        .collect();
    for w in workers {
        w.join().unwrap();
    }
    h.flush(); // waits for the compressor
    let path = dir.path().join("stress.log");
    assert!(
        files_containing(dir.path(), "pending").is_empty(),
        "pending files left after flush"
    );
    assert!(
        files_containing(dir.path(), ".tmp").is_empty(),
        "temp files left after flush"
    );
    let backups = files_containing(dir.path(), ".gz");
    assert!(
        backups.len() > 100,
        "expected hundreds of backups, got {}",
        backups.len()
    );
    // every backup is a complete gzip file of at most 64 KB of text
    for b in &backups {
        let text = gunzip(&dir.path().join(b));
        assert!(
            text.len() < 64 * 1024 && text.ends_with('\n'),
            "{b}: {} bytes",
            text.len()
        );
    }
    // the system's gzip agrees on one of them
    if let Ok(out) = std::process::Command::new("gzip")
        .arg("-t")
        .arg(dir.path().join(&backups[0]))
        .output()
    {
        assert!(
            out.status.success(),
            "gzip -t {}: {}",
            backups[0],
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let history = numbered_history(&path);
    let mut next = [0usize; THREADS];
    for line in history.lines() {
        let (t, rest) = line
            .split_once(' ')
            .unwrap_or_else(|| panic!("torn line {line:?}"));
        let t: usize = t
            .strip_prefix('t')
            .and_then(|t| t.parse().ok())
            .unwrap_or_else(|| panic!("torn line {line:?}"));
        let (n, payload) = rest
            .split_once(' ')
            .unwrap_or_else(|| panic!("torn line {line:?}"));
        let n: usize = n
            .strip_prefix('n')
            .and_then(|n| n.parse().ok())
            .unwrap_or_else(|| panic!("torn line {line:?}"));
        assert_eq!(
            n, next[t],
            "thread {t}: record {} expected, found {n}",
            next[t]
        );
        assert_eq!(
            payload,
            format!("payload-{}", "x".repeat(n % 17)),
            "torn line {line:?}"
        );
        next[t] += 1;
    }
    assert_eq!(next, [per_thread; THREADS], "every record exactly once");
}

/// Compression is background work: its thread runs at nice 19, so a service's own
/// threads get the CPU first (a backup's gzip does not show in request latency).
#[cfg(target_os = "linux")]
#[test]
fn the_compression_thread_runs_at_the_lowest_priority() {
    let dir = tempfile::tempdir().unwrap();
    let config = "version = 1\n[handlers.r]\nclass = \"rotating_file\"\nfilename = \"n.log\"\nmax_bytes = 200\nbackup_count = 2\ncompress = \"gzip\"\n[root]\nlevel = \"INFO\"\nhandlers = [\"r\"]\n";
    let h = build(dir.path(), config).unwrap();
    for i in 0..20 {
        let msg = format!("record {i} with some text to fill the file");
        h.log("n", &Record::new(Level::INFO, Message::Text(&msg)));
    }
    h.flush();
    assert!(
        !files_containing(dir.path(), ".gz").is_empty(),
        "no backup compressed"
    );
    let mut seen = Vec::new();
    for task in std::fs::read_dir("/proc/self/task").unwrap().flatten() {
        let comm = std::fs::read_to_string(task.path().join("comm")).unwrap_or_default();
        if comm.trim() != "logconf-compres" {
            continue; // the kernel keeps 15 bytes of a thread's name
        }
        let stat = std::fs::read_to_string(task.path().join("stat")).unwrap();
        let after_name = stat.rsplit(')').next().unwrap();
        // fields from the state on: nice is the 17th
        let nice: i32 = after_name
            .split_whitespace()
            .nth(16)
            .unwrap()
            .parse()
            .unwrap();
        seen.push(nice);
    }
    assert_eq!(seen, vec![19], "nice of the logconf-compress threads");
}

/// A reload that fails changes nothing on disk either: the compression of leftover
/// backups that the new settings would start is not started (`a.log.1` stays plain),
/// while a reload that succeeds with the same settings compresses it.
#[test]
fn a_failed_reload_compresses_no_leftover_backup() {
    let dir = tempfile::tempdir().unwrap();
    let rotating = |name: &str, compress: bool| {
        format!(
            "[handlers.{name}]\nclass = \"rotating_file\"\nfilename = \"{name}.log\"\nmax_bytes = 100000\nbackup_count = 3\n{}",
            if compress { "compress = \"gzip\"\n" } else { "" }
        )
    };
    let config = |handlers: &[&str], body: String| {
        let list = handlers
            .iter()
            .map(|h| format!("\"{h}\""))
            .collect::<Vec<_>>()
            .join(", ");
        format!("version = 1\n{body}[root]\nlevel = \"INFO\"\nhandlers = [{list}]\n")
    };
    std::fs::write(dir.path().join("a.log.1"), "an old backup\n").unwrap();
    std::fs::create_dir(dir.path().join("a_directory")).unwrap();
    let h = build(dir.path(), &config(&["a"], rotating("a", false))).unwrap();
    let write = |name: &str, text: String| {
        let path = dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        path
    };
    // gzip for a.log, and a handler whose file cannot be opened: the reload fails
    let failing = write(
        "failing.toml",
        config(
            &["a", "bad"],
            rotating("a", true) + "[handlers.bad]\nclass = \"file\"\nfilename = \"a_directory\"\n",
        ),
    );
    assert!(
        h.reconfigure_file(&failing).is_err(),
        "the reload must fail"
    );
    // a reload that succeeds queues a compression after any the failed one queued;
    // `flush` waits for it, so whatever the failed reload started has run by then
    let other = write(
        "other.toml",
        config(&["a", "b"], rotating("a", false) + &rotating("b", true)),
    );
    h.reconfigure_file(&other).unwrap();
    h.flush();
    assert_eq!(
        files_containing(dir.path(), "a.log"),
        ["a.log", "a.log.1"],
        "a failed reload compressed a backup"
    );
    let gzip = write("gzip.toml", config(&["a"], rotating("a", true)));
    h.reconfigure_file(&gzip).unwrap();
    h.flush();
    assert_eq!(
        files_containing(dir.path(), "a.log"),
        ["a.log", "a.log.1.gz"]
    );
    assert_eq!(gunzip(&dir.path().join("a.log.1.gz")), "an old backup\n");
}

/// Two compressed logs in one directory, one's name the start of the other's
/// (`app.log`, `app.log.err`): each compresses and keeps only its own files.
#[test]
fn a_log_whose_name_starts_another_keeps_to_its_own_files() {
    let dir = tempfile::tempdir().unwrap();
    let toml = "version = 1\n[handlers.app]\nclass = \"rotating_file\"\nfilename = \"app.log\"\nmax_bytes = 300\nbackup_count = 1000\ncompress = \"gzip\"\n[handlers.err]\nclass = \"rotating_file\"\nfilename = \"app.log.err\"\nmax_bytes = 300\nbackup_count = 1000\ncompress = \"gzip\"\n[loggers.app]\nhandlers = [\"app\"]\npropagate = false\n[loggers.err]\nhandlers = [\"err\"]\npropagate = false\n[root]\nlevel = \"INFO\"\n";
    let h = common::build(dir.path(), toml).unwrap();
    for i in 0..300 {
        common::log(
            &h,
            "app",
            logconf::Level::INFO,
            &format!("app record {i:03} ..........."),
        );
        common::log(
            &h,
            "err",
            logconf::Level::INFO,
            &format!("err record {i:03} ..........."),
        );
    }
    h.flush();
    let mut seen = std::collections::HashMap::new();
    for name in common::files_containing(dir.path(), "app.log") {
        let path = dir.path().join(&name);
        let text = if name.ends_with(".gz") {
            common::gunzip(&path)
        } else {
            common::read(&path)
        };
        let family = if name == "app.log.err" || name.starts_with("app.log.err.") {
            "err"
        } else {
            "app"
        };
        assert!(!name.contains("pending"), "left waiting: {name}");
        for line in text.lines() {
            assert!(line.starts_with(family), "{line:?} in {name}");
            *seen.entry(line.to_string()).or_insert(0) += 1;
        }
    }
    assert_eq!(seen.len(), 600, "records lost");
    assert!(seen.values().all(|&n| n == 1), "records written twice");
}

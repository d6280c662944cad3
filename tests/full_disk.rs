//! A real full disk: a 1 MiB tmpfs filled while logging goes on. No torn line, retention
//! held (the live file and at most `backup_count` backups, compressed or pending), the
//! records that could not be written counted, and logging back by itself when space
//! returns. Skipped, with a message, where mounting is not allowed.

mod common;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

use common::{build, gunzip, log, read};
use logconf::Level;

struct Tmpfs(PathBuf, #[allow(dead_code)] tempfile::TempDir);

impl Tmpfs {
    fn mount(size: &str) -> Option<Tmpfs> {
        let dir = tempfile::tempdir().ok()?;
        let ok = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(dir.path())
            .status()
            .is_ok_and(|s| s.success());
        if !ok {
            eprintln!(
                "full_disk: cannot mount a tmpfs here (not root, or no CAP_SYS_ADMIN); skipped"
            );
            return None;
        }
        Some(Tmpfs(dir.path().to_path_buf(), dir))
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(&self.0).status();
    }
}

/// Fills the file system with one file until a write fails.
fn fill(dir: &Path) -> PathBuf {
    let path = dir.join("filler");
    let mut f = std::fs::File::create(&path).unwrap();
    let block = vec![b'f'; 4096];
    while f.write_all(&block).is_ok() {}
    let one = [b'f'];
    while f.write_all(&one).is_ok() {}
    path
}

/// Fills the file system, then frees `free` bytes of the filler.
fn fill_leaving(dir: &Path, free: u64) -> PathBuf {
    let filler = fill(dir);
    let f = std::fs::OpenOptions::new()
        .write(true)
        .open(&filler)
        .unwrap();
    let len = f.metadata().unwrap().len();
    f.set_len(len.saturating_sub(free)).unwrap();
    filler
}

/// Every line of every log file (live, backups, pending), and how many backups exist.
fn all_lines(dir: &Path) -> (Vec<String>, usize) {
    let mut lines = Vec::new();
    let mut backups = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if !name.starts_with("app.log") || name.ends_with(".tmp") {
            continue;
        }
        let text = if name.ends_with(".gz") {
            gunzip(&path)
        } else {
            read(&path)
        };
        if name != "app.log" {
            backups += 1;
        }
        assert!(
            text.is_empty() || text.ends_with('\n'),
            "{name} ends in half a line"
        );
        lines.extend(text.lines().map(str::to_string));
    }
    (lines, backups)
}

fn record(i: usize) -> String {
    format!("r{i:06} {}", "x".repeat(200))
}

#[test]
fn a_full_disk_tears_no_line_holds_retention_and_logging_comes_back() {
    let Some(fs) = Tmpfs::mount("1m") else { return };
    let dir = &fs.0;
    let h = build(
        dir,
        "version = 1\n[handlers.app]\nclass = \"rotating_file\"\nfilename = \"app.log\"\nmax_bytes = \"32KB\"\nbackup_count = 3\ncompress = \"gzip\"\n[root]\nlevel = \"INFO\"\nhandlers = [\"app\"]\n",
    )
    .unwrap();
    let mut i = 0;
    for _ in 0..300 {
        log(&h, "app", Level::INFO, &record(i));
        i += 1;
    }
    h.flush();
    let filler = fill(dir);
    for _ in 0..600 {
        log(&h, "app", Level::INFO, &record(i));
        i += 1;
    }
    h.flush();
    let dropped = h.status().records_dropped;
    assert!(dropped > 0, "the disk was full, yet nothing was dropped");
    let (lines, backups) = all_lines(dir);
    assert!(
        backups <= 3,
        "{backups} backups on a full disk (backup_count = 3)"
    );
    for l in &lines {
        assert_eq!(l.len(), record(0).len(), "a torn line: {l:?}");
    }

    // space returns: logging resumes by itself, and the backlog is compressed
    std::fs::remove_file(filler).unwrap();
    let first_after = i;
    for _ in 0..300 {
        log(&h, "app", Level::INFO, &record(i));
        i += 1;
    }
    h.flush();
    assert_eq!(
        h.status().records_dropped,
        dropped,
        "records dropped after space returned"
    );
    let (lines, backups) = all_lines(dir);
    assert!(backups <= 3, "{backups} backups (backup_count = 3)");
    for l in &lines {
        assert_eq!(l.len(), record(0).len(), "a torn line: {l:?}");
    }
    // the newest records, written after recovery, are all there, once, in order
    let recent: Vec<&String> = lines
        .iter()
        .filter(|l| l[1..7].parse::<usize>().unwrap() >= first_after)
        .collect();
    let mut numbers: Vec<usize> = recent.iter().map(|l| l[1..7].parse().unwrap()).collect();
    numbers.sort_unstable();
    numbers.dedup();
    assert!(
        numbers.len() >= 150,
        "only {} of the 300 newest records kept",
        numbers.len()
    );
    assert_eq!(numbers.last(), Some(&(i - 1)));
}

#[test]
fn a_write_cut_short_is_rolled_back_to_the_record_boundary() {
    let Some(fs) = Tmpfs::mount("256k") else {
        return;
    };
    let dir = &fs.0;
    let h = build(
        dir,
        "version = 1\n[handlers.app]\nclass = \"file\"\nfilename = \"app.log\"\n[root]\nlevel = \"INFO\"\nhandlers = [\"app\"]\n",
    )
    .unwrap();
    log(&h, "app", Level::INFO, "before");
    // free one page: a record larger than that can only be written in part
    let filler = fill_leaving(dir, 4096);
    log(&h, "app", Level::INFO, &"y".repeat(64 * 1024));
    std::fs::remove_file(&filler).unwrap();
    log(&h, "app", Level::INFO, "after");
    h.flush();
    assert_eq!(read(&dir.join("app.log")), "before\nafter\n");
    assert_eq!(h.status().records_dropped, 1);
}

/// Eight threads appending to one file at once (each line is appended under the
/// shared lock, without waiting for the others) while the disk fills: a line the disk
/// cuts short is taken back, so every line in the file is whole; the records that could
/// not be written are counted, and the others are all there.
#[test]
fn threads_appending_at_once_on_a_full_disk_tear_no_line() {
    // lines straddling page boundaries as eight threads fill the space left
    full_disk_in_mode("default");
}

/// Eight threads log into 64 KiB of free space through `mode` (the default concurrent
/// appends, a buffered file with some records at `flush_level`, or a queue): every line
/// is whole, and every record is either written or counted as dropped, once.
fn full_disk_in_mode(mode: &str) {
    let Some(fs) = Tmpfs::mount("512k") else {
        return;
    };
    let dir = &fs.0;
    let config = match mode {
        "default" => "version = 1\n[handlers.app]\nclass = \"file\"\nfilename = \"app.log\"\n[root]\nlevel = \"INFO\"\nhandlers = [\"app\"]\n",
        "buffer" => "version = 1\n[handlers.app]\nclass = \"file\"\nfilename = \"app.log\"\nbuffer = \"4KiB\"\nflush_level = \"ERROR\"\n[root]\nlevel = \"INFO\"\nhandlers = [\"app\"]\n",
        "queue" => "version = 1\n[handlers.app]\nclass = \"file\"\nfilename = \"app.log\"\n[handlers.q]\nclass = \"queue\"\nhandlers = [\"app\"]\nqueue_size = 100\n[root]\nlevel = \"INFO\"\nhandlers = [\"q\"]\n",
        other => panic!("{other}"),
    };
    let h = std::sync::Arc::new(build(dir, config).unwrap());
    log(&h, "app", Level::INFO, "before");
    h.flush();
    let filler = fill_leaving(dir, 64 * 1024);
    let line =
        |t: usize, i: usize| format!("t{t} r{i:05} {}", "z".repeat(97 + (i * 37 + t * 11) % 300));
    let threads: Vec<_> = (0..8)
        .map(|t| {
            let h = h.clone();
            std::thread::spawn(move || {
                for i in 0..400 {
                    let level = if i % 50 == 7 {
                        Level::ERROR
                    } else {
                        Level::INFO
                    };
                    log(&h, "app", level, &line(t, i));
                }
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    h.flush();
    let text = read(&dir.join("app.log"));
    assert!(text.ends_with('\n'), "{mode}: the file ends inside a line");
    let mut written = 0;
    for l in text.lines().skip(1) {
        let parsed = l[1..].split_once(" r").and_then(|(t, rest)| {
            Some((
                t.parse::<usize>().ok()?,
                rest.get(..5)?.parse::<usize>().ok()?,
            ))
        });
        let Some((t, i)) = parsed else {
            panic!("{mode}: a torn line: {l:?}")
        };
        assert_eq!(l, line(t, i), "{mode}: a torn line");
        written += 1;
    }
    let dropped = h.status().records_dropped;
    assert!(dropped > 0, "{mode}: 64 KiB took all 3,200 records");
    assert_eq!(
        written + dropped as usize,
        8 * 400,
        "{mode}: {written} written and {dropped} counted dropped"
    );
    std::fs::remove_file(&filler).unwrap();
    log(&h, "app", Level::INFO, "after");
    h.flush();
    assert!(read(&dir.join("app.log")).ends_with("\nafter\n"), "{mode}");
}

#[test]
fn a_full_disk_under_a_buffer_counts_each_record_once() {
    full_disk_in_mode("buffer");
}

#[test]
fn a_full_disk_under_a_queue_counts_each_record_once() {
    full_disk_in_mode("queue");
}

/// Compression that fails at every try (here a directory sits where its temporary file
/// goes, as a disk full for the `.gz` but not for the log would do): the uncompressed
/// backups still never exceed `backup_count`, the newest kept.
#[test]
fn compression_that_keeps_failing_still_holds_retention() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("app.log.1.gz.tmp")).unwrap();
    std::fs::write(dir.path().join("app.log.1.gz.tmp/keep"), "x").unwrap();
    let h = build(
        dir.path(),
        "version = 1\n[handlers.app]\nclass = \"rotating_file\"\nfilename = \"app.log\"\nmax_bytes = \"4KB\"\nbackup_count = 3\ncompress = \"gzip\"\n[root]\nlevel = \"INFO\"\nhandlers = [\"app\"]\n",
    )
    .unwrap();
    for i in 0..400 {
        log(&h, "app", Level::INFO, &record(i));
    }
    h.flush();
    let (lines, backups) = all_lines(dir.path());
    assert!(backups <= 3, "{backups} backups (backup_count = 3)");
    assert!(lines.iter().any(|l| l.starts_with("r000399 ")));
    assert_eq!(h.status().records_dropped, 0);
}

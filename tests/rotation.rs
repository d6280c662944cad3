//! `rotating_file` rolls over exactly as Python's RotatingFileHandler (docs/rotation.md).

mod common;

use common::{build, files_containing, log, read};
use logconf::Level;

fn config(max_bytes: &str, backups: u32) -> String {
    format!("version = 1\n[handlers.r]\nclass = \"rotating_file\"\nfilename = \"app.log\"\nmax_bytes = {max_bytes}\nbackup_count = {backups}\n[root]\nlevel = \"INFO\"\nhandlers = [\"r\"]\n")
}

#[test]
fn rolls_over_before_a_record_would_reach_max_bytes() {
    let dir = tempfile::tempdir().unwrap();
    // each line is 10 bytes with its newline; max 30: two lines fit (20 + 10 = 30 reaches it)
    let h = build(dir.path(), &config("30", 3)).unwrap();
    for i in 0..7 {
        log(&h, "app", Level::INFO, &format!("line {i:04}"));
    }
    let p = |s: &str| dir.path().join(s);
    assert_eq!(read(&p("app.log")), "line 0006\n");
    assert_eq!(read(&p("app.log.1")), "line 0004\nline 0005\n");
    assert_eq!(read(&p("app.log.2")), "line 0002\nline 0003\n");
    assert_eq!(read(&p("app.log.3")), "line 0000\nline 0001\n");
    assert!(!p("app.log.4").exists());
    for _ in 0..4 {
        log(&h, "app", Level::INFO, "line xxxx");
    }
    assert!(!p("app.log.4").exists(), "the oldest backup is dropped");
    assert_eq!(read(&p("app.log.3")), "line 0004\nline 0005\n");
}

#[test]
fn size_counts_bytes_and_units() {
    let dir = tempfile::tempdir().unwrap();
    let h = build(dir.path(), &config("\"1KB\"", 1)).unwrap();
    // "é" is 2 bytes in UTF-8, so 100 x "é" + newline = 201 bytes (101 characters):
    // five records make 1005 bytes, the sixth would reach 1024 and rolls over
    for _ in 0..6 {
        log(&h, "app", Level::INFO, &"é".repeat(100));
    }
    let first = std::fs::metadata(dir.path().join("app.log.1"))
        .unwrap()
        .len();
    assert_eq!(
        first,
        201 * 5,
        "rolled before the 6th record would reach 1024 bytes"
    );
    assert_eq!(
        std::fs::metadata(dir.path().join("app.log")).unwrap().len(),
        201
    );
}

#[test]
fn an_empty_file_never_rolls_over_and_zero_never_rolls() {
    let dir = tempfile::tempdir().unwrap();
    let h = build(dir.path(), &config("5", 2)).unwrap();
    log(&h, "app", Level::INFO, "a record longer than max_bytes");
    assert_eq!(
        read(&dir.path().join("app.log")),
        "a record longer than max_bytes\n"
    );
    assert!(
        !dir.path().join("app.log.1").exists(),
        "an empty file never rolls over"
    );
    drop(h);
    for (max, backups) in [("0", 3), ("10", 0)] {
        let dir = tempfile::tempdir().unwrap();
        let h = build(dir.path(), &config(max, backups)).unwrap();
        for _ in 0..10 {
            log(&h, "app", Level::INFO, "0123456789");
        }
        assert_eq!(read(&dir.path().join("app.log")).len(), 110);
        assert!(
            !dir.path().join("app.log.1").exists(),
            "max_bytes {max} backup_count {backups} never rolls"
        );
    }
}

#[test]
fn existing_size_counts_at_start() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("app.log"), "0123456789012345678\n").unwrap();
    let h = build(dir.path(), &config("25", 1)).unwrap();
    log(&h, "app", Level::INFO, "next");
    assert_eq!(read(&dir.path().join("app.log.1")), "0123456789012345678\n");
    assert_eq!(read(&dir.path().join("app.log")), "next\n");
}

/// Backups are gzip level 1 unless `compress_level` says otherwise (the gzip header's
/// XFL byte says which: 4 for the fastest level, 0 for the levels between).
#[test]
fn backups_are_gzip_level_1_by_default() {
    for (extra, xfl) in [("", 4u8), ("compress_level = 6\n", 0u8)] {
        let dir = tempfile::tempdir().unwrap();
        let config = format!(
            "version = 1\n[handlers.r]\nclass = \"rotating_file\"\nfilename = \"app.log\"\nmax_bytes = 200\nbackup_count = 2\ncompress = \"gzip\"\n{extra}[root]\nlevel = \"INFO\"\nhandlers = [\"r\"]\n"
        );
        let h = build(dir.path(), &config).unwrap();
        for i in 0..30 {
            log(
                &h,
                "app",
                Level::INFO,
                &format!("line {i:04} of text to roll over"),
            );
        }
        h.flush();
        drop(h);
        let gz = dir.path().join("app.log.1.gz");
        let mut waited = 0;
        while !gz.exists() && waited < 100 {
            std::thread::sleep(std::time::Duration::from_millis(20));
            waited += 1;
        }
        let bytes = std::fs::read(&gz).unwrap();
        assert_eq!(&bytes[..2], &[0x1f, 0x8b], "a gzip file");
        assert_eq!(bytes[8], xfl, "XFL for {extra:?}");
        assert!(common::gunzip(&gz).starts_with("line "));
    }
}

/// The files of `dir` named `app.log*`, with their contents, in name order.
fn all_files(dir: &std::path::Path) -> Vec<(String, String)> {
    files_containing(dir, "app.log")
        .into_iter()
        .map(|n| {
            let text = read(&dir.join(&n));
            (n, text)
        })
        .collect()
}

#[test]
fn a_buffered_file_rolls_over_at_the_same_records_as_an_unbuffered_one() {
    // records of varying lengths, some longer than the buffer, some at ERROR (written at
    // once), into files that already hold a line: the buffer is written at the record
    // that rolls the file over, and the files end up the same as without a buffer
    let open = |extra: &str| {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("app.log"), "an earlier line\n").unwrap();
        let config = config("100", 1000).replace(
            "backup_count = 1000\n",
            &format!("backup_count = 1000\n{extra}"),
        );
        let h = build(dir.path(), &config).unwrap();
        (dir, h)
    };
    let (plain_dir, plain) = open("");
    let (buffered_dir, buffered) = open("buffer = 80\nflush_level = \"ERROR\"\n");
    for i in 0..300usize {
        let level = if i % 97 == 0 {
            Level::ERROR
        } else {
            Level::INFO
        };
        let message = format!("{i} {}", "x".repeat(i * 7 % 60));
        log(&plain, "app", level, &message);
        log(&buffered, "app", level, &message);
        assert_eq!(
            all_files(buffered_dir.path()).len(),
            all_files(plain_dir.path()).len(),
            "after record {i}: the rollover wrote the buffer"
        );
    }
    buffered.flush();
    let files = all_files(plain_dir.path());
    assert!(files.len() > 100, "{} files", files.len());
    assert_eq!(all_files(buffered_dir.path()), files);
}

/// logrotate's `copytruncate` copies the file and cuts it to nothing behind the
/// writer's back: the next rollover is decided on the file's real size, as Python's
/// `shouldRollover` does, not on the bytes counted before the cut. In each write mode.
#[test]
fn a_file_cut_down_from_outside_rolls_over_by_its_real_size() {
    for extra in ["", "buffer = \"4KiB\"\n"] {
        let dir = tempfile::tempdir().unwrap();
        let h = build(
            dir.path(),
            &format!("version = 1\n[handlers.r]\nclass = \"rotating_file\"\nfilename = \"app.log\"\nmax_bytes = 100\nbackup_count = 3\n{extra}[root]\nlevel = \"INFO\"\nhandlers = [\"r\"]\n"),
        )
        .unwrap();
        let p = |s: &str| dir.path().join(s);
        // 8 lines of 10 bytes: 80 of 100
        for i in 0..8 {
            log(&h, "app", Level::INFO, &format!("line {i:04}"));
        }
        h.flush();
        // copytruncate: copy, then cut the live file to nothing
        std::fs::copy(p("app.log"), p("app.log.copied")).unwrap();
        std::fs::OpenOptions::new()
            .write(true)
            .open(p("app.log"))
            .unwrap()
            .set_len(0)
            .unwrap();
        // 5 more lines: 50 bytes in a file of 0, no rollover is due
        for i in 8..13 {
            log(&h, "app", Level::INFO, &format!("line {i:04}"));
        }
        h.flush();
        assert!(
            !p("app.log.1").exists(),
            "{extra:?}: rolled over a file of {} bytes",
            read(&p("app.log.1")).len()
        );
        let text = read(&p("app.log"));
        // O_APPEND: the new lines start at the new end, with no hole before them
        assert_eq!(
            text,
            (8..13)
                .map(|i| format!("line {i:04}\n"))
                .collect::<String>(),
            "{extra:?}"
        );
    }
}

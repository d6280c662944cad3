//! `timed_rotating_file` driven by the test clock: rollover at each `when` unit,
//! `interval > 1`, `utc`, `at_time`, across a restart, retention, gzip.

mod common;

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use chrono::{DateTime, TimeZone};
use common::{build, files_containing, gunzip, log, read};
use logconf::Level;
use std::sync::Mutex;

/// The clock is process-wide: one test at a time drives it.
static CLOCK: Mutex<()> = Mutex::new(());

fn at(rfc3339: &str) -> SystemTime {
    let secs = DateTime::parse_from_rfc3339(rfc3339).unwrap().timestamp();
    UNIX_EPOCH + Duration::from_secs(secs as u64)
}

fn set(t: &str) {
    logconf::__cli::set_for_tests(Some(at(t)));
}

fn config(keys: &str) -> String {
    format!("version = 1\n[handlers.t]\nclass = \"timed_rotating_file\"\nfilename = \"app.log\"\nutc = true\n{keys}\n[root]\nlevel = \"INFO\"\nhandlers = [\"t\"]\n")
}

struct Reset;
impl Drop for Reset {
    fn drop(&mut self) {
        logconf::__cli::set_for_tests(None);
    }
}

#[test]
fn rolls_over_at_each_unit_with_python_suffixes() {
    let _lock = CLOCK.lock().unwrap_or_else(|e| e.into_inner());
    let _reset = Reset;
    for (when, first, later, suffix) in [
        (
            "S",
            "2024-01-20T10:30:00Z",
            "2024-01-20T10:30:01Z",
            "2024-01-20_10-30-00",
        ),
        (
            "M",
            "2024-01-20T10:30:00Z",
            "2024-01-20T10:31:00Z",
            "2024-01-20_10-30",
        ),
        (
            "H",
            "2024-01-20T10:30:00Z",
            "2024-01-20T11:30:00Z",
            "2024-01-20_10",
        ),
        (
            "D",
            "2024-01-20T10:30:00Z",
            "2024-01-21T10:30:00Z",
            "2024-01-20",
        ),
        (
            "midnight",
            "2024-01-20T10:30:00Z",
            "2024-01-21T00:00:00Z",
            "2024-01-20",
        ),
        (
            "W5",
            "2024-01-20T10:30:00Z",
            "2024-01-21T00:00:00Z",
            "2024-01-14",
        ),
    ] {
        let dir = tempfile::tempdir().unwrap();
        set(first);
        let h = build(dir.path(), &config(&format!("when = \"{when}\""))).unwrap();
        log(&h, "app", Level::INFO, "before");
        // one second before the rollover: nothing happens
        let later_t = at(later);
        logconf::__cli::set_for_tests(Some(later_t - Duration::from_secs(1)));
        log(&h, "app", Level::INFO, "still before");
        assert!(
            files_containing(dir.path(), "app.log.").is_empty(),
            "{when}: rolled over early"
        );
        logconf::__cli::set_for_tests(Some(later_t));
        log(&h, "app", Level::INFO, "after");
        let backup = dir.path().join(format!("app.log.{suffix}"));
        assert_eq!(
            read(&backup),
            "before\nstill before\n",
            "{when}: backup {suffix}: {:?}",
            files_containing(dir.path(), "app.log")
        );
        assert_eq!(read(&dir.path().join("app.log")), "after\n", "{when}");
    }
}

#[test]
fn interval_at_time_and_retention() {
    let _lock = CLOCK.lock().unwrap_or_else(|e| e.into_inner());
    let _reset = Reset;
    let dir = tempfile::tempdir().unwrap();
    set("2024-01-20T10:00:00Z");
    let h = build(
        dir.path(),
        &config("when = \"H\"\ninterval = 2\nbackup_count = 2"),
    )
    .unwrap();
    for (i, t) in [
        "2024-01-20T10:00:00Z",
        "2024-01-20T12:00:00Z",
        "2024-01-20T14:00:00Z",
        "2024-01-20T16:00:00Z",
        "2024-01-20T18:00:00Z",
    ]
    .iter()
    .enumerate()
    {
        set(t);
        log(&h, "app", Level::INFO, &format!("record {i}"));
    }
    assert_eq!(
        files_containing(dir.path(), "app.log."),
        ["app.log.2024-01-20_14", "app.log.2024-01-20_16"],
        "the two newest backups are kept"
    );
    assert_eq!(
        read(&dir.path().join("app.log.2024-01-20_16")),
        "record 3\n"
    );
    drop(h);

    let dir = tempfile::tempdir().unwrap();
    set("2024-01-20T01:00:00Z");
    let h = build(
        dir.path(),
        &config("when = \"midnight\"\nat_time = \"02:30\""),
    )
    .unwrap();
    log(&h, "app", Level::INFO, "one");
    set("2024-01-20T02:29:59Z");
    log(&h, "app", Level::INFO, "two");
    set("2024-01-20T02:30:00Z");
    log(&h, "app", Level::INFO, "three");
    assert_eq!(
        read(&dir.path().join("app.log.2024-01-19")),
        "one\ntwo\n",
        "{:?}",
        files_containing(dir.path(), "app")
    );
    set("2024-01-21T02:30:00Z");
    log(&h, "app", Level::INFO, "four");
    assert_eq!(read(&dir.path().join("app.log.2024-01-20")), "three\n");
    drop(h);

    let dir = tempfile::tempdir().unwrap();
    set("2024-01-20T10:00:00Z");
    let h = build(dir.path(), &config("when = \"midnight\"\ninterval = 3")).unwrap();
    log(&h, "app", Level::INFO, "day 0");
    set("2024-01-21T00:00:00Z");
    log(&h, "app", Level::INFO, "day 1");
    set("2024-01-23T23:59:59Z");
    log(&h, "app", Level::INFO, "day 3");
    set("2024-01-24T00:00:00Z");
    log(&h, "app", Level::INFO, "day 4");
    // Python 3.11 would name the first backup 2024-01-18 (three days before the
    // rollover); logconf names it for the day logging into it began
    assert_eq!(
        files_containing(dir.path(), "app.log."),
        ["app.log.2024-01-20", "app.log.2024-01-21"]
    );
    assert_eq!(
        read(&dir.path().join("app.log.2024-01-21")),
        "day 1\nday 3\n",
        "every third midnight after the first"
    );
}

#[test]
fn schedule_survives_a_restart_through_the_files_mtime() {
    let _lock = CLOCK.lock().unwrap_or_else(|e| e.into_inner());
    let _reset = Reset;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("app.log");
    std::fs::write(&path, "from the last run\n").unwrap();
    let file = std::fs::File::options().append(true).open(&path).unwrap();
    file.set_modified(at("2024-01-20T08:15:00Z")).unwrap();
    drop(file);
    set("2024-01-20T10:00:00Z");
    let h = build(dir.path(), &config("when = \"H\"")).unwrap();
    log(&h, "app", Level::INFO, "after the restart");
    assert_eq!(
        read(&dir.path().join("app.log.2024-01-20_08")),
        "from the last run\n"
    );
    assert_eq!(read(&path), "after the restart\n");
}

#[test]
fn local_time_names_and_gzip_backups() {
    let _lock = CLOCK.lock().unwrap_or_else(|e| e.into_inner());
    let _reset = Reset;
    let dir = tempfile::tempdir().unwrap();
    set("2024-01-20T10:30:00Z");
    let local =
        config("when = \"H\"\ncompress = \"gzip\"\nbackup_count = 3").replace("utc = true\n", "");
    let h = build(dir.path(), &local).unwrap();
    log(&h, "app", Level::INFO, "first hour");
    set("2024-01-20T11:30:00Z");
    log(&h, "app", Level::INFO, "second hour");
    h.flush();
    let start = chrono::Local
        .timestamp_opt(
            at("2024-01-20T10:30:00Z")
                .duration_since(UNIX_EPOCH)
                .unwrap()
                .as_secs() as i64,
            0,
        )
        .unwrap();
    let name = format!("app.log.{}.gz", start.format("%Y-%m-%d_%H"));
    assert_eq!(
        gunzip(&dir.path().join(&name)),
        "first hour\n",
        "{:?}",
        files_containing(dir.path(), "app")
    );
    assert!(files_containing(dir.path(), "pending").is_empty());
    for hour in 12..18 {
        set(&format!("2024-01-20T{hour}:30:00Z"));
        log(&h, "app", Level::INFO, "more");
    }
    h.flush();
    assert_eq!(
        files_containing(dir.path(), ".gz").len(),
        3,
        "retention counts compressed backups"
    );
}

#[test]
fn a_directory_full_of_taken_names_ends_no_rollover_and_loses_nothing() {
    let _lock = CLOCK.lock().unwrap_or_else(|e| e.into_inner());
    let _reset = Reset;
    let dir = tempfile::tempdir().unwrap();
    set("2024-01-20T10:30:00Z");
    // the first hour's backup name and every name logconf would try after it
    std::fs::write(dir.path().join("app.log.2024-01-20_10.gz"), "not ours\n").unwrap();
    for n in 1..=10_000 {
        std::fs::write(dir.path().join(format!("app.log.2024-01-20_10.{n}.gz")), "").unwrap();
    }
    let h = build(dir.path(), &config("when = \"H\"\ncompress = \"gzip\"")).unwrap();
    log(&h, "app", Level::INFO, "first hour");
    set("2024-01-20T11:30:00Z");
    log(&h, "app", Level::INFO, "second hour");
    h.flush();
    // the first hour's records wait, uncompressed, for a free name; nothing was
    // renamed over the planted names
    let mut text = read(&dir.path().join("app.log"));
    for name in files_containing(dir.path(), "pending") {
        text.push_str(&read(&dir.path().join(name)));
    }
    assert!(
        text.contains("first hour") && text.contains("second hour"),
        "{text:?}"
    );
    assert_eq!(
        read(&dir.path().join("app.log.2024-01-20_10.gz")),
        "not ours\n"
    );
    let planted = files_containing(dir.path(), "_10.")
        .into_iter()
        .filter(|n| n.ends_with(".gz"))
        .count();
    assert_eq!(planted, 10_001);
}

//! `timed_rotating_file` across both daylight-saving transitions of several zones, for
//! every `when`, in local time and UTC: every record is kept once, and a backup name
//! that is taken (the hour repeated when the clocks go back) gets a distinct name
//! instead of replacing the backup already there.
//!
//! The local zone is read from `TZ`, which a process cannot change safely while its
//! threads run: each zone runs in a child process (this test binary again, running
//! only `dst_walk_in_this_zone` with `TZ` set).

mod common;

use std::collections::HashMap;
use std::path::Path;
use std::time::{Duration, UNIX_EPOCH};

use chrono::{Local, Offset, TimeZone};
use common::{build, gunzip, log, read};
use logconf::Level;

const ZONES: [&str; 4] = [
    "America/New_York",
    "Europe/Berlin",
    "Australia/Sydney",
    "Australia/Lord_Howe", // a 30-minute shift
];

#[test]
fn every_when_across_both_transitions_of_several_zones() {
    if !Path::new("/usr/share/zoneinfo/America/New_York").exists() {
        assert!(
            std::env::var_os("LOGCONF_REQUIRE_ALL").is_none(),
            "no time zone data (/usr/share/zoneinfo): install tzdata"
        );
        eprintln!("skipped: no time zone data in /usr/share/zoneinfo (install tzdata)");
        return;
    }
    let exe = std::env::current_exe().unwrap();
    for zone in ZONES {
        let out = std::process::Command::new(&exe)
            .args([
                "--ignored",
                "--exact",
                "dst_walk_in_this_zone",
                "--nocapture",
            ])
            .env("TZ", zone)
            .env("LOGCONF_DST_ZONE", zone)
            .output()
            .unwrap();
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(out.status.success(), "{zone}:\n{text}");
        assert!(text.contains("1 passed"), "{zone} ran nothing:\n{text}");
    }
}

/// The local UTC offset at `t`, in seconds.
fn offset(t: i64) -> i32 {
    Local
        .timestamp_opt(t, 0)
        .single()
        .map_or(0, |d| d.offset().fix().local_minus_utc())
}

/// The moments of 2026 when the local offset changes (to the second).
fn transitions() -> Vec<i64> {
    let start = chrono::Utc
        .with_ymd_and_hms(2026, 1, 1, 0, 0, 0)
        .unwrap()
        .timestamp();
    let mut found = Vec::new();
    let mut t = start;
    while t < start + 366 * 86_400 {
        if offset(t) != offset(t + 900) {
            let (mut lo, mut hi) = (t, t + 900); // offset(lo) != offset(hi)
            while hi - lo > 1 {
                let mid = (lo + hi) / 2;
                if offset(mid) == offset(lo) {
                    lo = mid;
                } else {
                    hi = mid;
                }
            }
            found.push(hi);
        }
        t += 900;
    }
    found
}

/// One walk: records at `start`, `start + step`, … up to `end`, then every record
/// must be in the files once, and every file must be the log or one of its backups.
fn walk(when: &str, utc: bool, gzip: bool, start: i64, end: i64, step: i64) -> Vec<String> {
    let dir = tempfile::tempdir().unwrap();
    let mut keys = format!("when = \"{when}\"\nbackup_count = 0\n");
    if utc {
        keys.push_str("utc = true\n");
    }
    if gzip {
        keys.push_str("compress = \"gzip\"\ncompress_level = 1\n");
    }
    let toml = format!(
        "version = 1\n[handlers.t]\nclass = \"timed_rotating_file\"\nfilename = \"app.log\"\n{keys}[root]\nlevel = \"INFO\"\nhandlers = [\"t\"]\n"
    );
    let set = |t: i64| {
        logconf::__cli::set_for_tests(Some(UNIX_EPOCH + Duration::from_secs(t as u64)));
    };
    set(start);
    let h = build(dir.path(), &toml).unwrap();
    let mut expected = Vec::new();
    let mut t = start;
    while t <= end {
        set(t);
        let line = format!("record at {t}");
        log(&h, "app", Level::INFO, &line);
        expected.push(line);
        t += step;
    }
    h.flush();
    drop(h);
    let what = format!("when={when} utc={utc} gzip={gzip} from {start}");
    let backup = regex::Regex::new(
        r"^app\.log\.\d{4}-\d\d-\d\d(_\d\d(-\d\d(-\d\d)?)?)?(\.[1-9]\d*)?(\.gz)?$",
    )
    .unwrap();
    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut names = Vec::new();
    for entry in std::fs::read_dir(dir.path()).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        assert!(
            name == "app.log" || backup.is_match(&name),
            "{what}: left behind {name}"
        );
        let path = dir.path().join(&name);
        let text = if name.ends_with(".gz") {
            gunzip(&path)
        } else {
            read(&path)
        };
        for line in text.lines() {
            *seen.entry(line.to_string()).or_default() += 1;
        }
        names.push(name);
    }
    for line in &expected {
        assert_eq!(
            seen.get(line).copied().unwrap_or(0),
            1,
            "{what}: {line:?} (files: {names:?})"
        );
    }
    names
}

#[test]
#[ignore = "run by every_when_across_both_transitions_of_several_zones, with TZ set"]
fn dst_walk_in_this_zone() {
    let zone = std::env::var("LOGCONF_DST_ZONE").expect("run through the test above");
    let changes = transitions();
    assert_eq!(changes.len(), 2, "{zone}: transitions in 2026: {changes:?}");
    let mut renamed = 0;
    let taken_name = regex::Regex::new(r"\.[1-9]\d*$").unwrap();
    for &change in &changes {
        let shift = i64::from((offset(change) - offset(change - 1)).abs());
        // (when, the walk around the change, the step between records)
        let walks: [(&str, i64, i64); 12] = [
            ("S", shift + 120, 61),
            ("M", shift + 600, 61),
            ("H", 2 * 3600 + shift, 600),
            ("D", 4 * 86_400, 3 * 3600),
            ("midnight", 4 * 86_400, 3 * 3600),
            ("W0", 15 * 86_400, 6 * 3600),
            ("W1", 15 * 86_400, 6 * 3600),
            ("W2", 15 * 86_400, 6 * 3600),
            ("W3", 15 * 86_400, 6 * 3600),
            ("W4", 15 * 86_400, 6 * 3600),
            ("W5", 15 * 86_400, 6 * 3600),
            ("W6", 15 * 86_400, 6 * 3600),
        ];
        for (when, around, step) in walks {
            for utc in [false, true] {
                let names = walk(when, utc, false, change - around, change + around, step);
                renamed += names.iter().filter(|n| taken_name.is_match(n)).count();
            }
        }
        // compressed backups take distinct names too
        walk(
            "H",
            false,
            true,
            change - 2 * 3600 - shift,
            change + 2 * 3600 + shift,
            600,
        );
    }
    // the walks are able to fail: the repeated hour's names were taken and renamed
    assert!(renamed > 0, "{zone}: no backup name was ever taken");
    logconf::__cli::set_for_tests(None);
}

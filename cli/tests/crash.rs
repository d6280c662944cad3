//! Crash safety: a `logconf replay` child logs numbered records into a small
//! `rotating_file` with gzip and is killed with SIGKILL at random moments, 20 times.
//! After each kill and a restart: no backup lost or corrupt, leftovers compressed,
//! every record the child had logged present exactly once.

#[path = "../../tests/common/mod.rs"]
mod common;

use std::collections::HashSet;
use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};

use common::{files_containing, numbered_history};

const CONFIG: &str = r#"
version = 1
[formatters.m]
format = "%(message)s"
[handlers.file]
class = "rotating_file"
filename = "crash.log"
max_bytes = 1500
backup_count = 100000
compress = "gzip"
formatter = "m"
[handlers.ack]
class = "console"
stream = "stdout"
formatter = "m"
[root]
level = "INFO"
handlers = ["file", "ack"]
"#;

/// A small deterministic generator: the seed is printed so a failure can be replayed.
struct Lcg(u64);

impl Lcg {
    fn below(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) % n
    }
}

fn replay(dir: &std::path::Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_logconf"));
    c.args([
        "replay",
        "--config",
        dir.join("crash.toml").to_str().unwrap(),
    ])
    .env_clear()
    .env("LOG_BASE_DIR", dir)
    .stdin(Stdio::piped())
    .stdout(Stdio::piped())
    .stderr(Stdio::piped());
    c
}

#[test]
fn sigkill_at_random_moments_loses_nothing() {
    let seed = common::seed("CRASH_SEED");
    let mut rng = Lcg(seed);
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("crash.toml"), CONFIG).unwrap();
    let log = dir.path().join("crash.log");
    let mut acked: Vec<u64> = Vec::new();
    let mut next_number: u64 = 0;
    for round in 0..common::stress(8, 20) {
        let mut child = replay(dir.path()).spawn().unwrap();
        let mut stdin = child.stdin.take().unwrap();
        let first = next_number;
        let count = 4000;
        next_number += count;
        let feeder = std::thread::spawn(move || {
            for n in first..first + count {
                let line = format!(
                    "{{\"logger\": \"c\", \"level\": \"INFO\", \"msg\": \"record {n:09} {}\"}}\n",
                    "z".repeat((n % 23) as usize)
                );
                if stdin.write_all(line.as_bytes()).is_err() {
                    break;
                }
            }
        });
        let kill_after = 20 + rng.below(2500);
        let mut reader = BufReader::new(child.stdout.take().unwrap());
        let mut line = String::new();
        let mut seen = 0;
        while seen < kill_after {
            line.clear();
            if reader.read_line(&mut line).unwrap() == 0 {
                break;
            }
            let n: u64 = line
                .split_whitespace()
                .nth(1)
                .and_then(|s| s.parse().ok())
                .expect("ack line");
            acked.push(n);
            seen += 1;
        }
        child.kill().unwrap(); // SIGKILL
        let _ = child.wait();
        let _ = feeder.join();
        // restart: the next start finishes what the killed one left
        let out = replay(dir.path()).stdin(Stdio::null()).output().unwrap();
        assert!(
            out.status.success(),
            "round {round}: restart failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(
            files_containing(dir.path(), "pending").is_empty(),
            "round {round}: pending files left"
        );
        assert!(
            files_containing(dir.path(), ".tmp").is_empty(),
            "round {round}: temp files left"
        );
        let uncompressed: Vec<String> = files_containing(dir.path(), "crash.log.")
            .into_iter()
            .filter(|n| !n.ends_with(".gz"))
            .collect();
        assert!(
            uncompressed.is_empty(),
            "round {round}: uncompressed backups left: {uncompressed:?}"
        );
        let history = numbered_history(&log); // panics on a corrupt .gz
        let mut numbers = Vec::new();
        for l in history.lines() {
            let n: u64 = l
                .split_whitespace()
                .nth(1)
                .and_then(|s| s.parse().ok())
                .unwrap_or_else(|| panic!("round {round}: torn line {l:?}"));
            assert_eq!(
                l,
                format!("record {n:09} {}", "z".repeat((n % 23) as usize)),
                "round {round}: torn line"
            );
            numbers.push(n);
        }
        assert!(
            numbers.windows(2).all(|w| w[0] < w[1]),
            "round {round}: records duplicated or out of order"
        );
        let present: HashSet<u64> = numbers.into_iter().collect();
        let missing: Vec<&u64> = acked
            .iter()
            .filter(|n| !present.contains(n))
            .take(5)
            .collect();
        assert!(
            missing.is_empty(),
            "round {round}: logged records missing: {missing:?}"
        );
    }
    assert!(
        files_containing(dir.path(), ".gz").len() > 50,
        "the test should have rotated many times"
    );
}

fn gz_with_name(path: &std::path::Path, source_name: &str, text: &str) {
    let f = std::fs::File::create(path).unwrap();
    let mut enc = flate2::GzBuilder::new()
        .filename(source_name)
        .write(f, flate2::Compression::default());
    enc.write_all(text.as_bytes()).unwrap();
    enc.finish().unwrap();
}

/// Each state a kill can leave, built by hand, is finished correctly at the next start.
#[test]
fn every_crash_state_is_recovered_at_start() {
    let dir = tempfile::tempdir().unwrap();
    let p = |n: &str| dir.path().join(n);
    std::fs::write(p("crash.toml"), CONFIG).unwrap();
    // killed while writing NAME.1.gz.tmp of pending A (after the shift had made room)
    std::fs::write(
        p("crash.log.pending-000000000000000000000001-00000000"),
        "a\n",
    )
    .unwrap();
    std::fs::write(p("crash.log.1.gz.tmp"), "half a gzip").unwrap();
    gz_with_name(&p("crash.log.2.gz"), "crash.log.pending-0-old", "old\n");
    // pending B, whose archive was renamed into place but not removed yet: done later
    // in order, so first it waits behind A
    std::fs::write(
        p("crash.log.pending-000000000000000000000002-00000000"),
        "b\n",
    )
    .unwrap();
    // a leftover of a run without compression, and a gap left by an interrupted shift
    std::fs::write(p("crash.log.4"), "older\n").unwrap();
    gz_with_name(&p("crash.log.6.gz"), "x", "oldest\n");
    std::fs::write(p("crash.log"), "live\n").unwrap();
    let out = replay(dir.path()).stdin(Stdio::null()).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(files_containing(dir.path(), "pending").is_empty());
    assert!(files_containing(dir.path(), ".tmp").is_empty());
    assert_eq!(
        numbered_history(&p("crash.log")),
        "oldest\nolder\nold\na\nb\nlive\n"
    );

    // killed after NAME.1.gz of pending C was complete, before C was removed
    let c = "crash.log.pending-000000000000000000000003-00000000";
    std::fs::write(p(c), "c\n").unwrap();
    for i in (1..=5).rev() {
        let from = p(&format!("crash.log.{i}.gz"));
        if from.exists() {
            std::fs::rename(&from, p(&format!("crash.log.{}.gz", i + 1))).unwrap();
        }
    }
    gz_with_name(&p("crash.log.1.gz"), c, "c\n");
    let out = replay(dir.path()).stdin(Stdio::null()).output().unwrap();
    assert!(out.status.success());
    assert!(!p(c).exists(), "the finished pending file is removed");
    assert_eq!(
        numbered_history(&p("crash.log")),
        "oldest\nolder\nold\na\nb\nc\nlive\n",
        "C appears once"
    );
}

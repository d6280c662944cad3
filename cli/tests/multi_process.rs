//! Several processes append to one rotating file with `lock = true` and gzip backups:
//! real `logconf replay` children, run at once. Exactly one of them rolls the file
//! over each time, nobody writes into a renamed file: every record lands exactly once,
//! whole, in the live file or a valid `.gz`.
//!
//! Records per process: 50,000 by default, 200,000 with `LOGCONF_STRESS=full` (.ci/run);
//! LOGCONF_MP_RECORDS sets another number.

#[path = "../../tests/common/mod.rs"]
mod common;

use std::collections::HashMap;
use std::io::Write;
use std::process::{Command, Stdio};

use common::{gunzip, read};

fn per_process() -> usize {
    std::env::var("LOGCONF_MP_RECORDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| common::stress(50_000, 200_000))
}

fn run(processes: usize) {
    let n = per_process();
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("logging.toml");
    std::fs::write(
        &cfg,
        "version = 1\n[handlers.shared]\nclass = \"rotating_file\"\nfilename = \"shared.log\"\nmax_bytes = \"256KB\"\nbackup_count = 100000\ncompress = \"gzip\"\ncompress_level = 1\nlock = true\n[root]\nlevel = \"INFO\"\nhandlers = [\"shared\"]\n",
    )
    .unwrap();
    let inputs: Vec<String> = (0..processes)
        .map(|p| {
            (0..n)
                .map(|i| format!("{{\"level\": \"INFO\", \"msg\": \"p{p} n{i:07} payload\"}}\n"))
                .collect()
        })
        .collect();
    let mut children: Vec<_> = (0..processes)
        .map(|_| {
            Command::new(env!("CARGO_BIN_EXE_logconf"))
                .args(["replay", "--config", cfg.to_str().unwrap()])
                .env("LOG_BASE_DIR", dir.path())
                .stdin(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    let writers: Vec<_> = children
        .iter_mut()
        .zip(inputs)
        .map(|(c, input)| {
            let mut stdin = c.stdin.take().unwrap();
            std::thread::spawn(move || stdin.write_all(input.as_bytes()).unwrap())
        })
        .collect();
    for w in writers {
        w.join().unwrap();
    }
    for c in children {
        let out = c.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let mut seen: HashMap<(usize, usize), usize> = HashMap::new();
    let mut files = 0;
    for entry in std::fs::read_dir(dir.path()).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if !name.starts_with("shared.log") || name.contains(".lock") {
            continue;
        }
        assert!(
            name == "shared.log" || name.ends_with(".gz"),
            "left over: {name}"
        );
        files += 1;
        let text = if name.ends_with(".gz") {
            gunzip(&path)
        } else {
            read(&path)
        };
        for line in text.lines() {
            let (p, rest) = line[1..].split_once(" n").expect(line);
            let (i, tail) = rest.split_once(' ').expect(line);
            assert_eq!(tail, "payload", "a torn line: {line:?}");
            *seen
                .entry((p.parse().unwrap(), i.parse().unwrap()))
                .or_default() += 1;
        }
    }
    assert!(files > processes, "the file never rolled over");
    let duplicated = seen.values().filter(|&&c| c > 1).count();
    assert_eq!(duplicated, 0, "{duplicated} records written twice");
    assert_eq!(
        seen.len(),
        processes * n,
        "{} records lost",
        processes * n - seen.len()
    );
}

#[test]
fn two_processes_share_one_locked_rotating_file() {
    run(2);
}

#[test]
fn four_processes_share_one_locked_rotating_file() {
    run(4);
}

//! Python fidelity corners, conformance-style: each case in tests/fidelity/ is a
//! `logging.toml` and `records.jsonl` (and optionally `env.json`). CPython writes the
//! expectation at test time, through the conformance oracle kept in the repository
//! (tests/fidelity/oracle.py) with its clock fixed (tests/fidelity/fixed_time.py);
//! `logconf replay` runs the same case with the same fixed time (`LOGCONF_REPLAY_TIME`). Files, stdout, stderr and the exit status
//! must be the same bytes: nothing is normalised but the base dir's path, so time zone
//! names, `%c`, AM/PM and every other date directive are compared as written.
//!
//! `FIDELITY_CASE=name` runs the cases whose name contains it.

#[path = "../../tests/common/mod.rs"]
mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// 2025-11-28 00:30:45.123456 UTC: 06:00:45 in Asia/Kolkata, a Friday, day 332.
const FIXED_TIME: &str = "1764289845.123456";

fn root() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/.."))
}

fn run(mut c: Command, stdin: &Path) -> Output {
    c.stdin(Stdio::from(std::fs::File::open(stdin).unwrap()))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .output()
        .unwrap_or_else(|e| panic!("{c:?}: {e}"))
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap().flatten() {
        if e.path().is_file() {
            std::fs::copy(e.path(), to.join(e.file_name())).unwrap();
        }
    }
}

fn files(dir: &Path) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else {
                let name = p.strip_prefix(dir).unwrap().display().to_string();
                let text = String::from_utf8_lossy(&std::fs::read(&p).unwrap()).into_owned();
                out.insert(name, text.replace(&dir.display().to_string(), "<BASE>"));
            }
        }
    }
    out
}

/// One side: (exit status, stdout, stderr, files).
fn side(
    case: &Path,
    work: &Path,
    program: &[&str],
) -> (Option<i32>, String, String, BTreeMap<String, String>) {
    let cwd = work.join("work");
    let base = work.join("base");
    copy_dir(case, &cwd);
    std::fs::create_dir_all(&base).unwrap();
    let mut c = Command::new(program[0]);
    c.args(&program[1..])
        .arg("replay")
        .arg("--config")
        .arg(cwd.join("logging.toml"))
        .current_dir(&cwd)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("HOME", std::env::var("HOME").unwrap_or_default())
        .env("LANG", "C.UTF-8")
        .env("LC_ALL", "C.UTF-8")
        .env("TZ", "Asia/Kolkata")
        .env("PYTHONIOENCODING", "utf-8")
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .env("LOG_BASE_DIR", &base)
        .env("LOGCONF_REPLAY_TIME", FIXED_TIME);
    if let Ok(text) = std::fs::read_to_string(case.join("env.json")) {
        let env: serde_json::Map<String, serde_json::Value> = serde_json::from_str(&text).unwrap();
        for (k, v) in env {
            match v {
                serde_json::Value::Null => {
                    c.env_remove(k);
                }
                serde_json::Value::String(s) => {
                    c.env(k, s);
                }
                other => {
                    c.env(k, other.to_string());
                }
            }
        }
    }
    let out = run(c, &cwd.join("records.jsonl"));
    let text = |b: &[u8]| {
        String::from_utf8_lossy(b)
            .replace(&base.display().to_string(), "<BASE>")
            .replace(&cwd.display().to_string(), "<CWD>")
    };
    (
        out.status.code(),
        text(&out.stdout),
        text(&out.stderr),
        files(&base),
    )
}

fn check_case(case: &Path) -> Vec<String> {
    let name = case.file_name().unwrap().to_string_lossy().to_string();
    let work = tempfile::tempdir().unwrap();
    let oracle = root().join("tests/fidelity/fixed_time.py");
    let python = side(
        case,
        &work.path().join("python"),
        &["python3", oracle.to_str().unwrap()],
    );
    assert_eq!(
        python.0,
        Some(0),
        "{name}: the oracle failed (is the case comparable?):\n{}",
        python.2
    );
    let logconf = side(
        case,
        &work.path().join("logconf"),
        &[env!("CARGO_BIN_EXE_logconf")],
    );
    let mut problems = Vec::new();
    if python.0 != logconf.0 {
        problems.push(format!(
            "{name}: exit status python {:?}, logconf {:?}\n{}",
            python.0, logconf.0, logconf.2
        ));
    }
    for (label, p, l) in [
        ("stdout", &python.1, &logconf.1),
        ("stderr", &python.2, &logconf.2),
    ] {
        if p != l {
            problems.push(format!(
                "{name}: {label} differs\n--- python\n{p}--- logconf\n{l}"
            ));
        }
    }
    if python.3.keys().ne(logconf.3.keys()) {
        problems.push(format!(
            "{name}: files python {:?}, logconf {:?}",
            python.3.keys().collect::<Vec<_>>(),
            logconf.3.keys().collect::<Vec<_>>()
        ));
    }
    for (file, p) in &python.3 {
        if let Some(l) = logconf.3.get(file) {
            if p != l {
                problems.push(format!(
                    "{name}: {file} differs\n--- python\n{p}--- logconf\n{l}"
                ));
            }
        }
    }
    problems
}

#[test]
fn every_corner_writes_the_bytes_cpython_writes() {
    if common::require_program("python3", "python3").is_none() {
        return;
    }
    let mut cases: Vec<PathBuf> = std::fs::read_dir(root().join("tests/fidelity"))
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.join("logging.toml").exists())
        .collect();
    cases.sort();
    match std::env::var("FIDELITY_CASE") {
        Ok(only) => cases.retain(|c| c.to_string_lossy().contains(&only)),
        Err(_) => assert!(cases.len() >= 6, "only {} fidelity cases", cases.len()),
    }
    let problems = common::check_in_parallel(&cases, |c| check_case(c));
    assert!(
        problems.is_empty(),
        "{} problem(s) in {} cases:\n\n{}",
        problems.len(),
        cases.len(),
        problems.join("\n\n")
    );
}

/// Formats generated at random in the `%` and `{` styles over the whole format-spec
/// mini-language (tests/fidelity/differential.py): CPython keeps the ones it accepts,
/// both sides format the same records, every file must hold the same bytes. A
/// difference is shrunk to a minimal format and written as a case folder (its path is
/// printed) ready for tests/fidelity/. `LOGCONF_GEN_SEED` and `LOGCONF_GEN_CASES` (150
/// formats each) give other and longer runs.
#[test]
fn generated_formats_write_the_bytes_cpython_writes() {
    if common::require_program("python3", "python3").is_none() {
        return;
    }
    let failures = tempfile::Builder::new()
        .prefix("logconf-generated-")
        .tempdir()
        .unwrap()
        .keep();
    let out = Command::new("python3")
        .arg(root().join("tests/fidelity/differential.py"))
        .arg("--logconf")
        .arg(env!("CARGO_BIN_EXE_logconf"))
        .arg("--failures")
        .arg(&failures)
        .env(
            "LOGCONF_GEN_SEED",
            std::env::var("LOGCONF_GEN_SEED").unwrap_or_else(|_| "1".into()),
        )
        .env(
            "LOGCONF_GEN_CASES",
            std::env::var("LOGCONF_GEN_CASES").unwrap_or_else(|_| "8".into()),
        )
        .output()
        .unwrap();
    let report = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "generated formats differ from CPython (cases written to {}):\n{report}\n{}",
        failures.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    let _ = std::fs::remove_dir_all(&failures);
    assert!(report.contains(" 0 differ"), "{report}");
}

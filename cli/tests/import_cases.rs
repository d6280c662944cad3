//! `logconf import` against CPython: every case in tests/import_cases/ is a Django-style
//! `settings.py` with a `LOGGING` dict. For each one:
//!
//! 1. `logconf import` reads it (the settings file itself, read as literals, or, where the
//!    case has an `export` file, the documented `json.dumps(LOGGING, default=str)`
//!    export) and its output must equal `expected.toml` (`UPDATE_EXPECT=1` rewrites it);
//!    it must exit 0, or 1 where the case has a `fails` file;
//! 2. CPython runs the original through `logging.config.dictConfig` (oracle.py, with the
//!    stand-ins in stubs/) and logs a record at every level through every logger it
//!    names, a child of each, the root and an unconfigured one;
//! 3. `logconf replay` logs the same records through the imported file;
//! 4. the files each side wrote (names and bytes, time stamps and the case's folder
//!    normalised), stdout, stderr and the exit status must be the same. A case's
//!    `differs` file names outputs compared by existence only, with the reason (colours
//!    and JSON layout that logconf does not reproduce).
//!
//! Optional per case: `args` (extra `logconf import` arguments), `env` (NAME=VALUE
//! lines for `logconf replay`, `$DIR` is its working directory).

#[path = "../../tests/common/mod.rs"]
mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn cases_dir() -> PathBuf {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/..")).join("tests/import_cases")
}

fn python() -> Command {
    let mut c = Command::new("python3");
    c.env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("LANG", "C.UTF-8")
        .env("TZ", "UTC")
        .env("PYTHONDONTWRITEBYTECODE", "1");
    c
}

fn run(mut c: Command, stdin: &[u8]) -> Output {
    use std::io::Write;
    let mut child = c
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("{c:?}: {e}"));
    let mut input = child.stdin.take().unwrap();
    input.write_all(stdin).unwrap();
    drop(input);
    child.wait_with_output().unwrap()
}

/// Time stamps and the case's working directory, made comparable.
fn normalize(text: &str, dir: &Path) -> String {
    let text = text.replace(&dir.display().to_string(), "$DIR");
    let iso = regex::Regex::new(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(,\d{3})?").unwrap();
    let django = regex::Regex::new(r"\d\d/[A-Z][a-z]{2}/\d{4} \d\d:\d\d:\d\d(,\d{3})?").unwrap();
    let text = iso.replace_all(&text, "<TIME>");
    django.replace_all(&text, "<TIME>").into_owned()
}

/// Every file under `dir` (relative name → normalised text), the inputs aside.
fn files(dir: &Path) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
                continue;
            }
            let name = p.strip_prefix(dir).unwrap().display().to_string();
            if matches!(name.as_str(), "logging.toml" | "logging.json") {
                continue;
            }
            let bytes = std::fs::read(&p).unwrap();
            out.insert(name, normalize(&String::from_utf8_lossy(&bytes), dir));
        }
    }
    out
}

struct Sides {
    python: Output,
    logconf: Output,
    python_files: BTreeMap<String, String>,
    logconf_files: BTreeMap<String, String>,
    python_dir: PathBuf,
    logconf_dir: PathBuf,
}

/// Runs one case; its problems, if any.
fn check_case(case: &Path) -> Vec<String> {
    let mut problems = Vec::new();
    let name = case.file_name().unwrap().to_string_lossy().to_string();
    let settings = case.join("settings.py");
    let oracle = cases_dir().join("oracle.py");
    let work = tempfile::tempdir().unwrap();
    let py_dir = work.path().join("python");
    let rs_dir = work.path().join("logconf");
    std::fs::create_dir_all(&py_dir).unwrap();
    std::fs::create_dir_all(&rs_dir).unwrap();

    // 1. import
    let input = if case.join("export").exists() {
        let mut c = python();
        c.arg(&oracle)
            .arg("export")
            .arg(&settings)
            .current_dir(&rs_dir)
            .env("CASE_DIR", &rs_dir);
        let out = run(c, b"");
        assert!(
            out.status.success(),
            "{name}: export: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let json = work.path().join("logging.json");
        std::fs::write(&json, &out.stdout).unwrap();
        json
    } else {
        settings.clone()
    };
    let args: Vec<String> = std::fs::read_to_string(case.join("args"))
        .map(|a| a.split_whitespace().map(String::from).collect())
        .unwrap_or_default();
    let imported = Command::new(env!("CARGO_BIN_EXE_logconf"))
        .arg("import")
        .arg(&input)
        .args(&args)
        .output()
        .unwrap();
    let toml = String::from_utf8_lossy(&imported.stdout).to_string();
    let shown = normalize(&toml, &rs_dir);
    let expected_path = case.join("expected.toml");
    if std::env::var_os("UPDATE_EXPECT").is_some() {
        std::fs::write(&expected_path, &shown).unwrap();
    } else {
        let expected = std::fs::read_to_string(&expected_path).unwrap_or_default();
        if expected != shown {
            problems.push(format!(
                "{name}: the import differs from expected.toml (UPDATE_EXPECT=1 rewrites it):\n{shown}"
            ));
        }
    }
    let fails = case.join("fails").exists();
    let want = if fails { Some(1) } else { Some(0) };
    if imported.status.code() != want {
        problems.push(format!(
            "{name}: logconf import exited {:?}, expected {want:?}:\n{}",
            imported.status.code(),
            String::from_utf8_lossy(&imported.stderr)
        ));
    }
    if fails {
        if !toml.contains("# error:") {
            problems.push(format!("{name}: the output does not carry its errors"));
        }
        return problems;
    }

    // 2. records, 3. both sides
    let mut c = python();
    c.arg(&oracle)
        .arg("records")
        .arg(&settings)
        .current_dir(work.path())
        .env("CASE_DIR", work.path());
    let records = run(c, b"");
    assert!(
        records.status.success(),
        "{name}: records: {}",
        String::from_utf8_lossy(&records.stderr)
    );
    let mut c = python();
    c.arg(&oracle)
        .arg("run")
        .arg(&settings)
        .current_dir(&py_dir)
        .env("CASE_DIR", &py_dir);
    let python_out = run(c, &records.stdout);
    std::fs::write(rs_dir.join("logging.toml"), &toml).unwrap();
    let mut c = Command::new(env!("CARGO_BIN_EXE_logconf"));
    c.arg("replay")
        .arg("--config")
        .arg(rs_dir.join("logging.toml"))
        .current_dir(&rs_dir)
        .env_remove("LOG_BASE_DIR")
        .env_remove("LOG_CONFIG")
        .env_remove("LOG_DEBUG")
        .env_remove("RUST_LOG")
        .env("TZ", "UTC");
    if let Ok(env) = std::fs::read_to_string(case.join("env")) {
        for line in env.lines().filter(|l| !l.trim().is_empty()) {
            let (k, v) = line.split_once('=').unwrap();
            c.env(k, v.replace("$DIR", &rs_dir.display().to_string()));
        }
    }
    let logconf_out = run(c, &records.stdout);
    let sides = Sides {
        python_files: files(&py_dir),
        logconf_files: files(&rs_dir),
        python: python_out,
        logconf: logconf_out,
        python_dir: py_dir,
        logconf_dir: rs_dir,
    };
    compare(&name, case, &sides, &mut problems);
    problems
}

fn compare(name: &str, case: &Path, s: &Sides, problems: &mut Vec<String>) {
    let differs: Vec<String> = std::fs::read_to_string(case.join("differs"))
        .map(|d| {
            d.lines()
                .filter_map(|l| l.split_whitespace().next().map(String::from))
                .collect()
        })
        .unwrap_or_default();
    if s.python.status.code() != s.logconf.status.code() {
        problems.push(format!(
            "{name}: exit status python {:?}, logconf {:?}\npython stderr:\n{}\nlogconf stderr:\n{}",
            s.python.status.code(),
            s.logconf.status.code(),
            String::from_utf8_lossy(&s.python.stderr),
            String::from_utf8_lossy(&s.logconf.stderr)
        ));
    }
    let stream = |o: &[u8], dir: &Path, logconf: bool| {
        let text = normalize(&String::from_utf8_lossy(o), dir);
        // the one warning the command gives for a custom filter it passes through
        text.lines()
            .filter(|l| !(logconf && l.starts_with("warning: filter `")))
            .map(|l| format!("{l}\n"))
            .collect::<String>()
    };
    for (label, p, l) in [
        ("stdout", &s.python.stdout, &s.logconf.stdout),
        ("stderr", &s.python.stderr, &s.logconf.stderr),
    ] {
        if differs.iter().any(|d| d == label) {
            continue;
        }
        let (p, l) = (
            stream(p, &s.python_dir, false),
            stream(l, &s.logconf_dir, true),
        );
        if p != l {
            problems.push(format!(
                "{name}: {label} differs\n--- python\n{p}--- logconf\n{l}"
            ));
        }
    }
    let names = |m: &BTreeMap<String, String>| {
        m.keys()
            .filter(|k| !differs.contains(k))
            .cloned()
            .collect::<Vec<_>>()
    };
    if names(&s.python_files) != names(&s.logconf_files) {
        problems.push(format!(
            "{name}: files differ: python {:?}, logconf {:?}",
            names(&s.python_files),
            names(&s.logconf_files)
        ));
        return;
    }
    for (file, text) in &s.python_files {
        if differs.contains(file) {
            continue;
        }
        let theirs = &s.logconf_files[file];
        if text != theirs {
            problems.push(format!(
                "{name}: {file} differs\n--- python\n{text}--- logconf\n{theirs}"
            ));
        }
    }
}

#[test]
fn every_case_imports_as_expected_and_logs_as_cpython_does() {
    // CPython runs the original dicts
    if common::require_program("python3", "python3").is_none() {
        return;
    }
    let mut cases: Vec<PathBuf> = std::fs::read_dir(cases_dir())
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.join("settings.py").exists())
        .collect();
    cases.sort();
    match std::env::var("IMPORT_CASE") {
        Ok(only) => cases.retain(|c| c.to_string_lossy().contains(&only)),
        Err(_) => assert!(cases.len() >= 30, "only {} import cases", cases.len()),
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

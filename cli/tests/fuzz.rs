//! Mutation fuzzing, deterministic and dependency-free: configurations mutated from the
//! repository's own files (valid, invalid, the shipped one) go through the loader, and
//! mutated replay lines through a real `logconf replay`. Nothing may panic; a failing
//! input is written to the temp dir and named.
//!
//! LOGCONF_FUZZ_CASES sets the number of configurations (default 5,000, 20,000 with
//! `LOGCONF_STRESS=full` as .ci/run sets it; the closing notes give runs of 1,000,000
//! with `cargo test --release --test fuzz`), and LOGCONF_FUZZ_SEED the seed (printed).

#[path = "../../tests/common/mod.rs"]
mod common;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use logconf::__cli::{load_str, LoadOptions};

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        // xorshift64*
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

fn env_number(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn corpus() -> Vec<Vec<u8>> {
    let root = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/.."));
    let mut files: Vec<PathBuf> = vec![root.join("logging.toml")];
    for dir in [
        "tests/configs/valid",
        "tests/bad",
        "tests/configs/schema_invalid",
        "examples",
    ] {
        if let Ok(rd) = std::fs::read_dir(root.join(dir)) {
            files.extend(
                rd.filter_map(Result::ok)
                    .map(|e| e.path())
                    .filter(|p| p.extension().is_some_and(|e| e == "toml")),
            );
        }
    }
    files.sort();
    files.iter().filter_map(|p| std::fs::read(p).ok()).collect()
}

const TOKENS: &[&str] = &[
    "${",
    "${A:-${B}}",
    "}",
    "\"",
    "'",
    "[",
    "]]",
    "[[",
    "=",
    "\n",
    ".",
    "\\u0000",
    "%(",
    ")s",
    "{",
    "{name!r:<12}",
    "$",
    "$$",
    "18446744073709551616",
    "-1",
    "1e400",
    "nan",
    "inf",
    "\u{FEFF}",
    "\u{2028}",
    "é",
    "class = \"",
    "level = ",
    "filename = \"/\"",
    "max_bytes = \"",
    "999999999999GB",
    "backup_count = ",
    "[handlers.x]\n",
    "[loggers.\"a.b\"]\n",
    "handlers = [",
    "filters = [\"",
    "format = \"",
    "style = \"{\"\n",
    "datefmt = \"%",
    "at_time = \"25:61\"",
    "address = \"udp://",
    "patterns = [\"(\"]",
    "\r\n",
    "\t",
    "#",
    "true",
    "[root]\n",
];

fn mutate(rng: &mut Rng, corpus: &[Vec<u8>]) -> Vec<u8> {
    let mut data = corpus[rng.below(corpus.len())].clone();
    for _ in 0..1 + rng.below(6) {
        let len = data.len();
        match rng.below(7) {
            0 if len > 0 => {
                let i = rng.below(len);
                data[i] ^= 1 << rng.below(8);
            }
            1 => {
                let i = rng.below(len + 1);
                let b = (rng.next() & 0xff) as u8;
                data.insert(i, b);
            }
            2 if len > 0 => {
                let a = rng.below(len);
                let b = (a + 1 + rng.below(32)).min(len);
                data.drain(a..b);
            }
            3 if len > 0 => {
                let a = rng.below(len);
                let b = (a + 1 + rng.below(64)).min(len);
                let piece = data[a..b].to_vec();
                let at = rng.below(data.len() + 1);
                data.splice(at..at, piece);
            }
            4 => {
                let other = &corpus[rng.below(corpus.len())];
                if !other.is_empty() {
                    let a = rng.below(other.len());
                    let b = (a + 1 + rng.below(200)).min(other.len());
                    let at = rng.below(data.len() + 1);
                    data.splice(at..at, other[a..b].iter().copied());
                }
            }
            _ => {
                let t = TOKENS[rng.below(TOKENS.len())].as_bytes();
                let at = rng.below(data.len() + 1);
                data.splice(at..at, t.iter().copied());
            }
        }
    }
    data
}

fn save(name: &str, data: &[u8]) -> PathBuf {
    let path = std::env::temp_dir().join(name);
    let _ = std::fs::write(&path, data);
    path
}

#[test]
fn mutated_configurations_never_panic_the_loader() {
    let cases = env_number("LOGCONF_FUZZ_CASES", common::stress(5_000, 20_000) as u64);
    let seed = env_number("LOGCONF_FUZZ_SEED", 0x5eed_1e55);
    eprintln!("fuzz: {cases} configurations, seed {seed}");
    let corpus = corpus();
    assert!(corpus.len() >= 10, "the corpus was not found");
    let base = tempfile::tempdir().unwrap();
    let options = LoadOptions {
        env: Some(std::collections::HashMap::from([(
            "LOG_BASE_DIR".to_string(),
            base.path().display().to_string(),
        )])),
        ..LoadOptions::default()
    };
    let mut rng = Rng(seed | 1);
    let mut loaded = 0u64;
    for case in 0..cases {
        let data = mutate(&mut rng, &corpus);
        // the loader takes text: invalid UTF-8 goes through the file path
        let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            match std::str::from_utf8(&data) {
                Ok(text) => load_str(text, Path::new("fuzz.toml"), &options)
                    .map(|_| ())
                    .map_err(|d| d.to_string()),
                Err(_) => {
                    let path = base.path().join("fuzz.toml");
                    std::fs::write(&path, &data).unwrap();
                    logconf::__cli::load_file(&path, &options)
                        .map(|_| ())
                        .map_err(|d| d.to_string())
                }
            }
        }));
        match result {
            Ok(Ok(())) => loaded += 1,
            Ok(Err(_)) => {}
            Err(_) => {
                let path = save(&format!("logconf-fuzz-{seed}-{case}.toml"), &data);
                panic!(
                    "case {case} (seed {seed}) panicked the loader: {}",
                    path.display()
                );
            }
        }
    }
    eprintln!("fuzz: {loaded} of {cases} mutated configurations loaded, none panicked");
}

#[test]
fn mutated_replay_input_never_panics_the_command() {
    let lines = env_number(
        "LOGCONF_FUZZ_REPLAY_LINES",
        common::stress(5_000, 20_000) as u64,
    );
    let seed = env_number("LOGCONF_FUZZ_SEED", 0x5eed_1e55);
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("logging.toml");
    std::fs::write(
        &cfg,
        "version = 1\n[formatters.f]\nformat = \"%(levelname)s %(name)s %(message)s %(user)s\"\nescape = true\n[filters.r]\nclass = \"redact\"\n[handlers.file]\nclass = \"file\"\nfilename = \"out.log\"\nformatter = \"f\"\nfilters = [\"r\"]\n[root]\nlevel = \"NOTSET\"\nhandlers = [\"file\"]\n",
    )
    .unwrap();
    let samples: Vec<Vec<u8>> = [
        r#"{"logger": "billing.api", "level": "INFO", "msg": "text", "kv": {"user": 7}}"#,
        r#"{"logger": "a.b.c", "level": 55, "msg": "x", "kv": {"user": "bob", "n": 1.5}}"#,
        r#"{"level": "CRITICAL", "msg": {"nested": [1, 2]}, "kv": {"user": null}}"#,
        r#"{"logger": "root", "level": "warn", "msg": "password=hunter2 4111 1111 1111 1111"}"#,
        r#"{"reconfigure": "logging.toml"}"#,
    ]
    .iter()
    .map(|s| s.as_bytes().to_vec())
    .collect();
    let mut rng = Rng(seed ^ 0x9e37_79b9 | 1);
    let mut input = Vec::new();
    for _ in 0..lines {
        let mut line = mutate(&mut rng, &samples);
        line.retain(|&b| b != b'\n');
        input.extend_from_slice(&line);
        input.push(b'\n');
    }
    let mut child = Command::new(env!("CARGO_BIN_EXE_logconf"))
        .args(["replay", "--config", cfg.to_str().unwrap()])
        .env("LOG_BASE_DIR", dir.path())
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let feeder = std::thread::spawn(move || {
        let _ = stdin.write_all(&input);
        input
    });
    let status = child.wait().unwrap();
    let input = feeder.join().unwrap();
    if !matches!(status.code(), Some(0 | 1)) {
        let path = save(&format!("logconf-fuzz-replay-{seed}.jsonl"), &input);
        panic!("replay ended with {status} on {}", path.display());
    }
    eprintln!("fuzz: {lines} mutated replay lines, replay exited {status}");
}

/// `logconf import` inputs: the import cases' settings files and the Django JSON,
/// mutated (with brackets, quotes and prefixes Python literals have). Nothing may
/// panic or overflow the stack.
#[test]
fn mutated_import_input_never_panics_the_import() {
    let cases = env_number("LOGCONF_FUZZ_CASES", common::stress(5_000, 20_000) as u64) / 4;
    let seed = env_number("LOGCONF_FUZZ_SEED", 0x5eed_1e55);
    let root = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/.."));
    let mut corpus: Vec<Vec<u8>> =
        vec![std::fs::read(root.join("tests/configs/django_logging.json")).unwrap()];
    for e in std::fs::read_dir(root.join("tests/import_cases"))
        .unwrap()
        .flatten()
    {
        if let Ok(text) = std::fs::read(e.path().join("settings.py")) {
            corpus.push(text);
        }
    }
    corpus.sort();
    assert!(corpus.len() >= 30, "the import corpus was not found");
    const PY: &[&str] = &[
        "{", "[[[[", "(", ")", "'''", "\\", "dict(", "f\"{", "r'", "\\u12", "None", ",", ":", "\n",
        "é",
    ];
    let mut rng = Rng(seed | 1);
    let options = logconf::__cli::ImportOptions::default();
    let mut converted = 0u64;
    for case in 0..cases {
        let mut data = mutate(&mut rng, &corpus);
        for _ in 0..rng.below(3) {
            let t = PY[rng.below(PY.len())].repeat(1 + rng.below(3) * rng.below(40));
            let at = rng.below(data.len() + 1);
            data.splice(at..at, t.bytes());
        }
        let text = String::from_utf8_lossy(&data).into_owned();
        let result = std::panic::catch_unwind(|| logconf::__cli::import(&text, &options).is_ok());
        match result {
            Ok(ok) => converted += u64::from(ok),
            Err(_) => {
                let path = save(&format!("logconf-fuzz-import-{seed}-{case}.py"), &data);
                panic!(
                    "case {case} (seed {seed}) panicked the import: {}",
                    path.display()
                );
            }
        }
    }
    eprintln!("fuzz: {converted} of {cases} mutated import inputs converted, none panicked");
}

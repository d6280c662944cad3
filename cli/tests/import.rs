//! `logconf import`: a Django LOGGING dict becomes a logging.toml that loads.

use std::path::PathBuf;
use std::process::Command;

use logconf::__cli::{
    load_str, FilterConfig, HandlerConfig, ImportOptions, LoadOptions, Stream, When,
};

fn fixture() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/.."))
        .join("tests/configs/django_logging.json")
}

#[test]
fn a_django_dict_converts_key_by_key_and_loads() {
    let imported = logconf::__cli::import(
        &std::fs::read_to_string(fixture()).unwrap(),
        &ImportOptions::default(),
    )
    .unwrap();
    let options = LoadOptions {
        env: Some(Default::default()),
        ..LoadOptions::default()
    };
    let loaded = load_str(&imported.toml, "imported.toml".as_ref(), &options)
        .unwrap_or_else(|d| panic!("{d}\n{}", imported.toml));
    let c = &loaded.config;
    assert!(!c.disable_existing_loggers);
    assert_eq!(
        c.formatters["verbose"].format.as_deref(),
        Some("{levelname} {asctime} {module} {process:d} {thread:d} {message}")
    );
    match &c.handlers["file"] {
        HandlerConfig::RotatingFile(h) => {
            let (filename, max_bytes, backup_count) =
                (&h.file.filename, &h.max_bytes, &h.backup_count);
            assert_eq!(
                (filename.as_str(), max_bytes.0, *backup_count),
                ("/tmp/billing_api.log", 10 << 20, 5)
            );
        }
        other => panic!("{other:?}"),
    }
    assert!(matches!(
        &c.handlers["console"],
        HandlerConfig::Console(h) if h.stream == Stream::Stdout
    ));
    assert!(matches!(
        &c.handlers["daily"],
        HandlerConfig::TimedRotatingFile(h)
            if h.when == When::Midnight && h.utc && h.backup_count == 7
    ));
    assert!(matches!(
        &c.filters["require_debug_true"],
        FilterConfig::RequireDebugTrue {}
    ));
    assert!(matches!(&c.filters["billing_only"], FilterConfig::Name { name } if name == "billing"));
    assert_eq!(c.loggers["billing.api"].filters, ["billing_only"]);
    assert_eq!(
        c.loggers["django.request"].handlers,
        ["error_file", "mail_admins"],
        "the email handler keeps its place as a null handler"
    );
    assert!(matches!(&c.handlers["mail_admins"], HandlerConfig::Null(_)));
    assert!(imported
        .notes
        .iter()
        .any(|n| n.contains("AdminEmailHandler")));
    assert!(imported
        .toml
        .starts_with("#:schema ./logging.schema.json\n"));
}

#[test]
fn the_cli_prints_the_file_and_the_notes() {
    let out = Command::new(env!("CARGO_BIN_EXE_logconf"))
        .args(["import", fixture().to_str().unwrap()])
        .output()
        .unwrap();
    assert!(out.status.success());
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("[handlers.error_file]\nclass = \"rotating_file\""),
        "{stdout}"
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("note: handlers.mail_admins"));
    let bad = Command::new(env!("CARGO_BIN_EXE_logconf"))
        .args(["import", "Cargo.toml"])
        .current_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/.."))
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&bad.stderr);
    assert!(stderr.contains("not a LOGGING dict"), "{stderr}");
}

#[test]
fn a_queue_handler_becomes_a_queue_over_its_targets() {
    let json = r#"{
        "version": 1,
        "handlers": {
            "file": {"class": "logging.FileHandler", "filename": "app.log"},
            "async": {
                "class": "logging.handlers.QueueHandler",
                "handlers": ["file"],
                "respect_handler_level": true
            }
        },
        "root": {"level": "INFO", "handlers": ["async"]}
    }"#;
    let imported = logconf::__cli::import(json, &ImportOptions::default()).unwrap();
    assert!(
        imported
            .toml
            .contains("class = \"queue\"\nhandlers = [\"file\"]"),
        "{}",
        imported.toml
    );
    assert!(imported
        .notes
        .iter()
        .any(|n| n.contains("respect_handler_level")));
    let options = LoadOptions {
        env: Some(Default::default()),
        ..LoadOptions::default()
    };
    load_str(&imported.toml, "imported.toml".as_ref(), &options)
        .unwrap_or_else(|d| panic!("{d}\n{}", imported.toml));
}

/// A configuration with a custom filter the application registers: the command passes
/// records through it with one warning (check, explain, test, replay), `--strict`
/// refuses it, and `init()` without the registration still fails.
#[test]
fn the_cli_passes_records_through_an_unregistered_custom_filter_unless_strict() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("logging.toml");
    std::fs::write(
        &config,
        "version = 1\n[filters.health]\nclass = \"custom\"\nfunction = \"skip_health\"\n[handlers.out]\nclass = \"file\"\nfilename = \"out.log\"\nfilters = [\"health\"]\n[root]\nlevel = \"INFO\"\nhandlers = [\"out\"]\n",
    )
    .unwrap();
    let logconf = |args: &[&str], stdin: &str| {
        use std::io::Write;
        let mut child = Command::new(env!("CARGO_BIN_EXE_logconf"))
            .args(args)
            .arg("--config")
            .arg(&config)
            .env("LOG_BASE_DIR", dir.path())
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        child
            .stdin
            .take()
            .unwrap()
            .write_all(stdin.as_bytes())
            .unwrap();
        child.wait_with_output().unwrap()
    };
    let check = logconf(&["check"], "");
    let stderr = String::from_utf8_lossy(&check.stderr);
    assert!(check.status.success(), "{stderr}");
    assert_eq!(
        stderr
            .matches("the custom filter `skip_health` is registered by the application")
            .count(),
        1,
        "{stderr}"
    );
    let strict = logconf(&["check", "--strict"], "");
    assert_eq!(strict.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&strict.stderr)
        .contains("no custom filter `skip_health` is registered"));

    let replay = logconf(
        &["replay"],
        "{\"logger\": \"a\", \"level\": \"INFO\", \"msg\": \"passed\"}\n",
    );
    assert!(
        replay.status.success(),
        "{}",
        String::from_utf8_lossy(&replay.stderr)
    );
    let written = std::fs::read_to_string(dir.path().join("out.log")).unwrap();
    assert_eq!(written, "passed\n");
    let strict = logconf(&["replay", "--strict"], "");
    assert_eq!(strict.status.code(), Some(1));

    let explain = logconf(&["explain", "a"], "");
    assert!(explain.status.success());
    assert!(String::from_utf8_lossy(&explain.stderr).contains("warning: filter `health`"));
    assert_eq!(
        logconf(&["explain", "a", "--strict"], "").status.code(),
        Some(1)
    );

    let init = logconf::Builder::new()
        .path(&config)
        .env(Default::default())
        .base_dir(dir.path())
        .build();
    let error = match init {
        Ok(_) => panic!("init without the filter registered succeeded"),
        Err(e) => e.to_string(),
    };
    assert!(
        error.contains("no custom filter `skip_health` is registered"),
        "{error}"
    );
}

/// `logconf import` reads a settings file's `LOGGING = {...}` as literals (never runs
/// it) and exits 1, writing the reason into the file, when its output does not load.
#[test]
fn import_reads_python_and_exits_1_when_the_output_does_not_load() {
    let dir = tempfile::tempdir().unwrap();
    let settings = dir.path().join("settings.py");
    std::fs::write(
        &settings,
        "import os\nraise SystemExit('never run')\nLOGGING = {\n  'version': 1,\n  'handlers': {'h': {'class': 'logging.StreamHandler', 'level': 'INFO'}},\n  'root': {'handlers': ['h', 'missing']},\n}\n",
    )
    .unwrap();
    let out_file = dir.path().join("logging.toml");
    let out = Command::new(env!("CARGO_BIN_EXE_logconf"))
        .args([
            "import",
            settings.to_str().unwrap(),
            "--config",
            out_file.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("missing"), "{stderr}");
    assert!(stderr.contains("does not load yet"), "{stderr}");
    let written = std::fs::read_to_string(&out_file).unwrap();
    assert!(
        written.contains("[handlers.h]\nclass = \"console\"\nlevel = \"INFO\""),
        "{written}"
    );
    assert!(
        written.contains("# error: this file does not load yet"),
        "{written}"
    );
    assert!(written.contains("`missing`"), "{written}");
}

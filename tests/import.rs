//! `logconf import`: a Django LOGGING dict becomes a logging.toml that loads.

use std::path::PathBuf;
use std::process::Command;

use logconf::__cli::{load_str, FilterConfig, HandlerConfig, LoadOptions, Stream, When};

fn fixture() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/configs/django_logging.json")
}

#[test]
fn a_django_dict_converts_key_by_key_and_loads() {
    let imported = logconf::__cli::import(&std::fs::read_to_string(fixture()).unwrap()).unwrap();
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
        ["error_file"],
        "the email handler is left out, with a note"
    );
    assert!(!c.handlers.contains_key("mail_admins"));
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
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("not JSON"));
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
    let imported = logconf::__cli::import(json).unwrap();
    assert!(
        imported
            .toml
            .contains("[handlers.async]\nclass = \"queue\"\nhandlers = [\"file\"]"),
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

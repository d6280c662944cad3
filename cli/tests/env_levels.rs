//! `RUST_LOG` over the file's logger levels (docs/configuration.md): precedence, specificity,
//! `env_levels = false`, a malformed value reported and skipped, and what `logconf
//! explain` and `logconf test --dry-run` say about it.

#[path = "../../tests/common/mod.rs"]
mod common;

use std::collections::HashMap;
use std::path::Path;
use std::process::Command;

use logconf::Level;

const CONFIG: &str = r#"
version = 1
[formatters.plain]
format = "%(levelname)s [%(name)s] %(message)s"
[handlers.file]
class = "file"
filename = "app.log"
formatter = "plain"
[loggers.billing]
level = "INFO"
[loggers."billing.api"]
level = "WARNING"
[root]
level = "WARNING"
handlers = ["file"]
"#;

fn with_rust_log(base: &Path, config: &str, rust_log: &str) -> logconf::Handle {
    logconf::Builder::new()
        .text(config)
        .env(HashMap::from([
            ("LOG_BASE_DIR".to_string(), base.display().to_string()),
            ("RUST_LOG".to_string(), rust_log.to_string()),
        ]))
        .build()
        .unwrap()
}

/// Logs one DEBUG and one INFO record on each logger; returns the file's text.
fn written(handle: &logconf::Handle, base: &Path) -> String {
    for name in ["billing", "billing.api", "billing.api.v2", "hyper", "other"] {
        common::log(handle, name, Level::DEBUG, &format!("debug from {name}"));
        common::log(handle, name, Level::INFO, &format!("info from {name}"));
    }
    handle.flush();
    common::read(&base.join("app.log"))
}

#[test]
fn a_bare_level_sets_every_logger_and_the_root() {
    let dir = tempfile::tempdir().unwrap();
    let handle = with_rust_log(dir.path(), CONFIG, "debug");
    let text = written(&handle, dir.path());
    for name in ["billing", "billing.api", "billing.api.v2", "hyper", "other"] {
        assert!(
            text.contains(&format!("DEBUG [{name}] debug from {name}\n")),
            "{text}"
        );
    }
}

#[test]
fn the_most_specific_directive_wins_and_the_file_fills_in_the_rest() {
    let dir = tempfile::tempdir().unwrap();
    let handle = with_rust_log(
        dir.path(),
        CONFIG,
        "warn,billing=debug,billing::api=info,hyper=off",
    );
    assert_eq!(
        written(&handle, dir.path()),
        "DEBUG [billing] debug from billing\n\
         INFO [billing] info from billing\n\
         INFO [billing.api] info from billing.api\n\
         INFO [billing.api.v2] info from billing.api.v2\n"
    );
    let hyper_errors = handle.handlers_reached("hyper", Level::CRITICAL);
    assert!(
        hyper_errors.is_empty(),
        "off lets nothing through: {hyper_errors:?}"
    );
}

#[test]
fn env_levels_false_ignores_rust_log() {
    let dir = tempfile::tempdir().unwrap();
    let config = format!("env_levels = false\n{CONFIG}");
    let handle = with_rust_log(dir.path(), &config, "trace");
    let file_alone = "INFO [billing] info from billing\n";
    assert_eq!(written(&handle, dir.path()), file_alone);
    // the same as without RUST_LOG
    let dir = tempfile::tempdir().unwrap();
    let handle = common::build(dir.path(), CONFIG).unwrap();
    assert_eq!(written(&handle, dir.path()), file_alone);
}

#[test]
fn a_malformed_rust_log_is_a_located_warning_and_the_rest_applies() {
    let dir = tempfile::tempdir().unwrap();
    let handle = with_rust_log(dir.path(), CONFIG, "billing=loud,billing::api=info");
    let warnings = handle.config().warnings();
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert!(
        warnings[0].contains("`loud` in `billing=loud` is not a level")
            && warnings[0]
                .contains("RUST_LOG=billing=loud,billing::api=info\n           ^^^^^^^^^^^^"),
        "{}",
        warnings[0]
    );
    let text = written(&handle, dir.path());
    assert_eq!(
        text,
        "INFO [billing] info from billing\n\
         INFO [billing.api] info from billing.api\n\
         INFO [billing.api.v2] info from billing.api.v2\n"
    );
}

fn logconf(dir: &Path, args: &[&str], rust_log: &str) -> (String, String, bool) {
    let out = Command::new(env!("CARGO_BIN_EXE_logconf"))
        .args(args)
        .current_dir(dir)
        .env("LOG_BASE_DIR", dir.join("logs"))
        .env("RUST_LOG", rust_log)
        .env_remove("LOG_CONFIG")
        .output()
        .unwrap();
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
        out.status.success(),
    )
}

#[test]
fn explain_and_test_say_where_a_level_comes_from() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("logging.toml"), CONFIG).unwrap();
    let (out, err, ok) = logconf(
        dir.path(),
        &["explain", "app::billing::api::v2"],
        "billing=debug",
    );
    assert!(ok, "{err}");
    assert!(out.contains("logger app.billing.api.v2\n"), "{out}");
    let (out, _, _) = logconf(
        dir.path(),
        &["explain", "billing::api::v2"],
        "billing=debug",
    );
    assert!(
        out.contains("effective level: DEBUG (from billing.api, set by RUST_LOG `billing=debug`)"),
        "{out}"
    );
    let (out, err, ok) = logconf(
        dir.path(),
        &["test", "--dry-run", "--level", "DEBUG"],
        "billing::api=debug,=x",
    );
    assert!(ok, "{err}");
    assert!(err.contains("RUST_LOG: `=x` names no logger"), "{err}");
    assert!(
        out.contains("billing.api (level from RUST_LOG `billing::api=debug`) -> file ("),
        "{out}"
    );
    assert!(out.contains("nothing is written"), "{out}");
    assert!(
        !dir.path().join("logs").join("app.log").exists(),
        "--dry-run wrote a file"
    );
}

/// A logger that only RUST_LOG names is not "named by the configuration": a hot reload
/// that stops reading RUST_LOG gives what a restart gives, and does not disable it.
#[test]
fn a_logger_only_rust_log_names_is_not_configured() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("logging.toml");
    std::fs::write(&path, CONFIG).unwrap();
    let handle = logconf::Builder::new()
        .path(&path)
        .env(HashMap::from([
            ("LOG_BASE_DIR".to_string(), dir.path().display().to_string()),
            ("RUST_LOG".to_string(), "hyper=debug".to_string()),
        ]))
        .build()
        .unwrap();
    common::log(&handle, "hyper", Level::DEBUG, "debug before");
    let seen = handle.loggers_seen();
    let hyper = seen.iter().find(|l| l.name == "hyper").unwrap();
    assert!(!hyper.configured, "{hyper:?}");
    assert_eq!(hyper.level, Level::DEBUG);
    assert_eq!(hyper.handlers, ["file"]);
    std::fs::write(&path, format!("env_levels = false\n{CONFIG}")).unwrap();
    handle.reload().unwrap();
    common::log(&handle, "hyper", Level::DEBUG, "debug after");
    common::log(&handle, "hyper", Level::WARNING, "warning after");
    handle.flush();
    assert_eq!(
        common::read(&dir.path().join("app.log")),
        "DEBUG [hyper] debug before\nWARNING [hyper] warning after\n"
    );
    // `off` reaches no handler
    let handle = with_rust_log(dir.path(), CONFIG, "hyper=off");
    common::log(&handle, "hyper", Level::CRITICAL, "dropped");
    let seen = handle.loggers_seen();
    let hyper = seen.iter().find(|l| l.name == "hyper").unwrap();
    assert!(hyper.handlers.is_empty(), "{hyper:?}");
}

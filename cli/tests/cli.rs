//! The `logconf` binary: exit codes, messages, and real output.

use std::io::Write;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn root() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/.."))
}

fn logconf(args: &[&str], base: &Path, stdin: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_logconf"))
        .args(args)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("LOG_BASE_DIR", base)
        .current_dir(root())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

#[test]
fn check_accepts_the_shipped_config() {
    let dir = tempfile::tempdir().unwrap();
    let out = logconf(&["check", "logging.toml"], dir.path(), "");
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(
        stdout.starts_with("logging.toml: OK (5 formatters, 3 filters, 7 handlers"),
        "{stdout}"
    );
    assert!(
        !dir.path().join("billing_api.log").exists(),
        "check creates no file"
    );
}

#[test]
fn check_reports_located_errors_and_exits_1() {
    let dir = tempfile::tempdir().unwrap();
    let out = logconf(&["check", "tests/bad/billing_typos.toml"], dir.path(), "");
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(
        err.contains("--> tests/bad/billing_typos.toml:9:1"),
        "{err}"
    );
    assert!(err.contains("help: did you mean `max_bytes`?"), "{err}");
    assert!(err.contains("has 5 errors"), "{err}");
}

#[test]
fn check_reports_unwritable_paths_without_creating_anything() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("plain"), "x").unwrap();
    let cfg = dir.path().join("c.toml");
    std::fs::write(
        &cfg,
        "version = 1\n[handlers.f]\nclass = \"file\"\nfilename = \"plain/sub/app.log\"\n",
    )
    .unwrap();
    let out = logconf(&["check", cfg.to_str().unwrap()], dir.path(), "");
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(err.contains("is not a directory"), "{err}");
    assert!(err.contains("c.toml:4:12"), "{err}");
}

#[test]
fn missing_files_and_bad_arguments_fail_clearly() {
    let dir = tempfile::tempdir().unwrap();
    let out = logconf(&["check", "no/such/file.toml"], dir.path(), "");
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("cannot read no/such/file.toml"),
        "{}",
        text(&out.stderr)
    );
    let out = logconf(&["frobnicate"], dir.path(), "");
    assert_eq!(out.status.code(), Some(2));
    let out = logconf(&["explain"], dir.path(), "");
    assert_eq!(out.status.code(), Some(2));
    for cmd in ["check", "schema", "explain", "replay", "test", "import"] {
        let out = logconf(&[cmd, "--help"], dir.path(), "");
        let help = text(&out.stdout);
        assert!(
            out.status.success() && help.contains("Usage"),
            "{cmd} --help"
        );
        assert!(help.contains("--config"), "{cmd} takes --config: {help}");
        assert!(
            !help.to_lowercase().contains("seed"),
            "{cmd} --help: {help}"
        );
    }
}

#[test]
fn a_missing_configuration_names_where_it_was_looked_for() {
    let dir = tempfile::tempdir().unwrap();
    for args in [
        vec!["check"],
        vec!["explain", "billing.api", "--config", "nowhere/logging.toml"],
        vec!["test", "--dry-run", "--config", "nowhere/logging.toml"],
    ] {
        let out = Command::new(env!("CARGO_BIN_EXE_logconf"))
            .args(&args)
            .env_remove("LOG_CONFIG")
            .current_dir(dir.path())
            .output()
            .unwrap();
        let err = text(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {err}");
        assert!(err.contains("looked in "), "{args:?}: {err}");
        assert!(err.contains("LOG_CONFIG"), "{args:?}: {err}");
        assert!(!err.contains("fix it first"), "{args:?}: {err}");
    }
    let out = Command::new(env!("CARGO_BIN_EXE_logconf"))
        .args(["check"])
        .env("LOG_CONFIG", "conf/app.toml")
        .current_dir(dir.path())
        .output()
        .unwrap();
    let err = text(&out.stderr);
    assert!(err.contains("LOG_CONFIG=conf/app.toml names it"), "{err}");
}

#[test]
fn schema_write_puts_the_schema_beside_a_copied_config() {
    let dir = tempfile::tempdir().unwrap();
    let app = dir.path().join("app");
    std::fs::create_dir(&app).unwrap();
    let config = app.join("logging.toml");
    std::fs::copy(root().join("logging.toml"), &config).unwrap();
    let config_arg = config.to_str().unwrap();
    // copied out of the repository, its #:schema line points nowhere: check says so
    let out = logconf(&["check", "--config", config_arg], dir.path(), "");
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("logconf schema --write --config"),
        "{}",
        text(&out.stderr)
    );
    let out = logconf(
        &["schema", "--write", "--config", config_arg],
        dir.path(),
        "",
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(
        std::fs::read_to_string(app.join("logging.schema.json")).unwrap(),
        std::fs::read_to_string(root().join("schema/logging.schema.json")).unwrap()
    );
    let rewritten = std::fs::read_to_string(&config).unwrap();
    let original = std::fs::read_to_string(root().join("logging.toml")).unwrap();
    assert!(
        rewritten.starts_with("#:schema ./logging.schema.json\n"),
        "{rewritten}"
    );
    assert_eq!(
        rewritten.lines().skip(1).collect::<Vec<_>>(),
        original.lines().skip(1).collect::<Vec<_>>(),
        "only the first line changes"
    );
    let out = logconf(&["check", config_arg], dir.path(), "");
    assert!(out.status.success());
    assert!(
        !text(&out.stderr).contains("schema --write"),
        "{}",
        text(&out.stderr)
    );
    // a configuration that is a symbolic link stays one, its target rewritten; the
    // file's permissions are kept
    let shared = dir.path().join("shared.toml");
    std::fs::write(&shared, "version = 1\n").unwrap();
    std::fs::set_permissions(&shared, std::os::unix::fs::PermissionsExt::from_mode(0o640)).unwrap();
    let link = app.join("linked.toml");
    std::os::unix::fs::symlink(&shared, &link).unwrap();
    let out = logconf(
        &["schema", "--write", "--config", link.to_str().unwrap()],
        dir.path(),
        "",
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(std::fs::symlink_metadata(&link)
        .unwrap()
        .file_type()
        .is_symlink());
    assert!(std::fs::read_to_string(&shared)
        .unwrap()
        .starts_with("#:schema ./logging.schema.json\n"));
    assert_eq!(
        std::os::unix::fs::PermissionsExt::mode(&std::fs::metadata(&shared).unwrap().permissions())
            & 0o777,
        0o640
    );
    // a file without a directive gets one on top; a second run changes nothing more
    let bare = app.join("bare.toml");
    std::fs::write(&bare, "version = 1\n").unwrap();
    for _ in 0..2 {
        let out = logconf(
            &["schema", "--write", "--config", bare.to_str().unwrap()],
            dir.path(),
            "",
        );
        assert!(out.status.success(), "{}", text(&out.stderr));
        assert_eq!(
            std::fs::read_to_string(&bare).unwrap(),
            "#:schema ./logging.schema.json\nversion = 1\n"
        );
    }
}

#[test]
fn schema_command_prints_the_committed_schema() {
    let dir = tempfile::tempdir().unwrap();
    let out = logconf(&["schema"], dir.path(), "");
    assert!(out.status.success());
    assert_eq!(
        text(&out.stdout),
        std::fs::read_to_string(root().join("schema/logging.schema.json")).unwrap()
    );
}

#[test]
fn explain_shows_where_billing_api_goes() {
    let dir = tempfile::tempdir().unwrap();
    let out = logconf(
        &["explain", "billing::api", "--config", "logging.toml"],
        dir.path(),
        "",
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let s = text(&out.stdout);
    assert!(s.contains("logger billing.api"), "{s}");
    assert!(s.contains("effective level: INFO"), "{s}");
    assert!(
        s.contains(&format!(
            "{}",
            dir.path().join("billing_api_requests.log").display()
        )),
        "{s}"
    );
    assert!(s.contains("stops at billing.api"), "{s}");
}

#[test]
fn replay_logs_records_and_reports_bad_lines() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("r.toml");
    std::fs::write(&cfg, "version = 1\n[formatters.f]\nformat = \"%(levelname)s %(name)s %(user_id)s %(message)s\"\n[handlers.o]\nclass = \"console\"\nstream = \"stdout\"\nformatter = \"f\"\n[root]\nlevel = \"DEBUG\"\nhandlers = [\"o\"]\n").unwrap();
    let input = "{\"logger\": \"a::b\", \"level\": \"info\", \"msg\": \"hi\", \"kv\": {\"user_id\": 7}}\nnot json\n{\"level\": 25, \"msg\": \"x\"}\n{\"level\": 0, \"msg\": \"dropped as in Python\"}\n{\"level\": 60, \"msg\": \"custom\"}\n";
    let out = logconf(
        &["replay", "--config", cfg.to_str().unwrap()],
        dir.path(),
        input,
    );
    assert_eq!(
        text(&out.stdout),
        "INFO a.b 7 hi\nLevel 25 root - x\nLevel 60 root - custom\n"
    );
    assert!(
        text(&out.stderr).contains("line 2: not JSON"),
        "{}",
        text(&out.stderr)
    );
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn a_failing_write_is_reported_once_and_other_handlers_go_on() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("full.toml");
    std::fs::write(&cfg, "version = 1\n[handlers.full]\nclass = \"file\"\nfilename = \"/dev/full\"\n[handlers.ok]\nclass = \"file\"\nfilename = \"ok.log\"\n[root]\nhandlers = [\"full\", \"ok\"]\n").unwrap();
    let input =
        "{\"level\": \"ERROR\", \"msg\": \"one\"}\n{\"level\": \"ERROR\", \"msg\": \"two\"}\n";
    let out = logconf(
        &["replay", "--config", cfg.to_str().unwrap()],
        dir.path(),
        input,
    );
    assert_eq!(
        out.status.code(),
        Some(1),
        "records that could not be written fail the replay"
    );
    let err = text(&out.stderr);
    assert!(err.contains("2 records could not be written"), "{err}");
    assert_eq!(
        err.matches("handler `full` cannot write to /dev/full")
            .count(),
        1,
        "{err}"
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("ok.log")).unwrap(),
        "one\ntwo\n"
    );
}

#[test]
fn test_command_checks_every_file_of_the_shipped_config() {
    let dir = tempfile::tempdir().unwrap();
    let out = logconf(&["test"], dir.path(), "");
    let stdout = text(&out.stdout);
    assert!(out.status.success(), "{stdout}\n{}", text(&out.stderr));
    assert!(
        stdout.contains("result: OK (4 files checked, through 5 handlers)"),
        "{stdout}"
    );
    for f in [
        "billing_api.log",
        "billing_api_errors.log",
        "billing_api_requests.log",
        "billing_api_security.log",
    ] {
        assert!(dir.path().join(f).exists(), "{f}");
    }
    assert!(!dir.path().join("billing_api_debug.log").exists());
    let requests = std::fs::read_to_string(dir.path().join("billing_api_requests.log")).unwrap();
    assert!(
        requests.contains("INFO [billing.api] [-] logconf test: an INFO record from billing.api"),
        "{requests}"
    );
    let app = std::fs::read_to_string(dir.path().join("billing_api.log")).unwrap();
    assert!(app.contains("[billing.events] [-] Billing Event: test_event - User: 0, Details: {'source': 'logconf test'}"), "{app}");
    assert!(
        app.contains(
            "[billing.performance] [-] Performance Metric: test_metric - Value: 0.001 seconds"
        ),
        "{app}"
    );
}

#[test]
fn test_command_with_debug_and_level() {
    let dir = tempfile::tempdir().unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_logconf"));
    let out = child
        .args(["test", "--level", "DEBUG"])
        .env_clear()
        .env("LOG_BASE_DIR", dir.path())
        .env("LOG_DEBUG", "1")
        .current_dir(root())
        .output()
        .unwrap();
    let stdout = text(&out.stdout);
    assert!(out.status.success(), "{stdout}");
    assert!(
        stdout.contains("result: OK (5 files checked, through 6 handlers)"),
        "{stdout}"
    );
    let debug = std::fs::read_to_string(dir.path().join("billing_api_debug.log")).unwrap();
    assert!(
        debug.contains("logconf test: a DEBUG record from billing.views"),
        "{debug}"
    );
    let out = logconf(&["test", "--level", "LOUD"], dir.path(), "");
    assert_eq!(out.status.code(), Some(2), "a bad level is a usage error");
}

#[test]
fn test_command_fails_on_an_unwritable_directory() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("not-a-dir"), "x").unwrap();
    let out = logconf(&["test"], &dir.path().join("not-a-dir/logs"), "");
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(err.contains("cannot create directory"), "{err}");
    assert!(
        err.contains("logging could not be set up from logging.toml; nothing was tested"),
        "{err}"
    );
}

#[test]
fn check_warns_about_redact_on_a_logger_and_a_shared_log_directory() {
    let dir = tempfile::tempdir().unwrap();
    let open_dir = dir.path().join("open");
    std::fs::create_dir(&open_dir).unwrap();
    std::fs::set_permissions(&open_dir, std::fs::Permissions::from_mode(0o777)).unwrap();
    let cfg = dir.path().join("c.toml");
    std::fs::write(
        &cfg,
        "version = 1\n[filters.secrets]\nclass = \"redact\"\n[handlers.f]\nclass = \"file\"\nfilename = \"open/app.log\"\n[loggers.billing]\nhandlers = [\"f\"]\nfilters = [\"secrets\"]\n",
    )
    .unwrap();
    let out = logconf(&["check", cfg.to_str().unwrap()], dir.path(), "");
    assert!(out.status.success(), "{}", text(&out.stderr));
    let err = text(&out.stderr);
    assert!(
        err.contains("`secrets` redacts only records logged at `billing` itself"),
        "{err}"
    );
    assert!(err.contains("c.toml:9:12"), "{err}");
    assert!(
        err.contains("writable by every user and has no sticky bit"),
        "{err}"
    );
}

#[test]
fn check_warns_about_a_handler_reached_twice_through_propagation() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("c.toml");
    std::fs::write(
        &cfg,
        "version = 1\n[handlers.f]\nclass = \"file\"\nfilename = \"app.log\"\n[handlers.g]\nclass = \"file\"\nfilename = \"other.log\"\n[loggers.billing]\nhandlers = [\"f\"]\n[loggers.\"billing.api.v1\"]\nhandlers = [\"g\", \"f\"]\n[loggers.quiet]\nhandlers = [\"f\"]\npropagate = false\n[loggers.\"quiet.child\"]\nhandlers = [\"g\"]\n[root]\nhandlers = [\"g\"]\n",
    )
    .unwrap();
    let out = logconf(&["check", cfg.to_str().unwrap()], dir.path(), "");
    assert!(out.status.success(), "{}", text(&out.stderr));
    let err = text(&out.stderr);
    assert!(
        err.contains(
            "handler `f` is reached from `billing.api.v1` and again from its ancestor `billing`"
        ),
        "{err}"
    );
    assert!(err.contains("c.toml:11:18"), "{err}");
    // `billing` propagates to the root, which lists `g`: billing.api.v1's `g` twice
    assert!(
        err.contains(
            "handler `g` is reached from `billing.api.v1` and again from its ancestor `root`"
        ),
        "{err}"
    );
    // quiet.child's `g` stops at `quiet` (propagate = false): no warning
    assert!(!err.contains("from `quiet.child`"), "{err}");
    assert_eq!(err.matches("is reached from").count(), 2, "{err}");
}

#[test]
fn test_command_on_an_applications_own_file() {
    // no billing.* logger: the Billing-API example's event helpers write nothing here;
    // two handlers of one file: the file counts once
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("app.toml");
    std::fs::write(
        &cfg,
        "version = 1\n[formatters.fields]\nformat = \"%(levelname)s %(message)s %(key_values)s\"\n[handlers.app]\nclass = \"file\"\nfilename = \"app.log\"\n[handlers.fields]\nclass = \"file\"\nfilename = \"app.log\"\nformatter = \"fields\"\n[loggers.payments]\nhandlers = [\"fields\"]\npropagate = false\n[root]\nlevel = \"INFO\"\nhandlers = [\"app\"]\n",
    )
    .unwrap();
    let out = logconf(&["test", "--config", cfg.to_str().unwrap()], dir.path(), "");
    let stdout = text(&out.stdout);
    assert!(out.status.success(), "{stdout}\n{}", text(&out.stderr));
    assert!(
        stdout.contains("event helpers            skipped (no billing.* logger in the file)"),
        "{stdout}"
    );
    assert!(
        stdout.contains("shares the file with `app`; 1 record sent"),
        "{stdout}"
    );
    assert!(
        stdout.contains("result: OK (1 file checked, through 2 handlers)"),
        "{stdout}"
    );
    let log = std::fs::read_to_string(dir.path().join("app.log")).unwrap();
    assert_eq!(
        log,
        "logconf test: an INFO record from root\nINFO logconf test: an INFO record from payments test=true\n"
    );
}

#[test]
fn check_warns_when_a_relative_filename_leaves_the_base_directory() {
    let dir = tempfile::tempdir().unwrap();
    let base = dir.path().join("base");
    std::fs::create_dir(&base).unwrap();
    let cfg = dir.path().join("c.toml");
    std::fs::write(
        &cfg,
        "version = 1\n[handlers.inside]\nclass = \"file\"\nfilename = \"logs/../app.log\"\n[handlers.outside]\nclass = \"file\"\nfilename = \"logs/../../evil.log\"\n[root]\nhandlers = [\"inside\", \"outside\"]\n",
    )
    .unwrap();
    let out = logconf(&["check", cfg.to_str().unwrap()], &base, "");
    assert!(out.status.success(), "{}", text(&out.stderr));
    let err = text(&out.stderr);
    assert!(
        err.contains("handler `outside`: `filename` leaves the log base directory"),
        "{err}"
    );
    assert!(err.contains("c.toml:7:12"), "{err}");
    assert!(!err.contains("handler `inside`"), "{err}");
}

//! Records land where Python's dictConfig would put them: real files in a temp dir.

mod common;

use common::{build, log, read};
use logconf::{Level, Message, Record};

#[test]
fn records_reach_files_with_python_formats() {
    let dir = tempfile::tempdir().unwrap();
    let h = build(
        dir.path(),
        r#"
version = 1
[formatters.api]
format = "%(asctime)s %(levelname)s [%(name)s] %(message)s"
[formatters.detailed]
format = "{levelname:<8}|{name}|{module}|{lineno:d}|{message}"
style = "{"
[handlers.requests]
class = "file"
filename = "requests.log"
formatter = "api"
[handlers.errors]
class = "file"
filename = "sub/errors.log"
formatter = "detailed"
level = "ERROR"
[loggers.billing]
level = "DEBUG"
handlers = ["requests", "errors"]
"#,
    )
    .unwrap();
    log(
        &h,
        "billing::api",
        Level::INFO,
        "API Request started - User: john_doe (ID: 123)",
    );
    log(
        &h,
        "billing.views",
        Level::DEBUG,
        "Processing payment request for user 123",
    );
    log(&h, "billing.api", Level::ERROR, "API Request failed");
    log(&h, "other", Level::ERROR, "not routed to billing handlers");
    h.flush();
    let requests = read(&dir.path().join("requests.log"));
    let lines: Vec<&str> = requests.lines().collect();
    assert_eq!(lines.len(), 3, "{requests}");
    let re = regex::Regex::new(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} INFO \[billing\.api\] API Request started - User: john_doe \(ID: 123\)$").unwrap();
    assert!(re.is_match(lines[0]), "{}", lines[0]);
    assert!(lines[1].ends_with(" DEBUG [billing.views] Processing payment request for user 123"));
    assert_eq!(
        read(&dir.path().join("sub/errors.log")),
        "ERROR   |billing.api|views|42|API Request failed\n"
    );
}

#[test]
fn every_declared_handler_is_created_and_debug_only_follows_debug_mode() {
    let config = r#"
version = 1
[handlers.unused]
class = "file"
filename = "unused.log"
[handlers.delayed]
class = "file"
filename = "delayed.log"
delay = true
[handlers.debug]
class = "rotating_file"
filename = "debug.log"
debug_only = true
[root]
handlers = ["debug"]
"#;
    let dir = tempfile::tempdir().unwrap();
    let h = build(dir.path(), config).unwrap();
    assert!(dir.path().join("unused.log").exists());
    assert!(!dir.path().join("delayed.log").exists());
    assert!(
        !dir.path().join("debug.log").exists(),
        "debug_only outside DEBUG mode creates no file"
    );
    log(&h, "x", Level::ERROR, "to lastResort: no handler reached");
    drop(h);
    let debug_on = config.replace("version = 1", "version = 1\ndebug = true");
    let h = build(dir.path(), &debug_on).unwrap();
    log(&h, "x", Level::ERROR, "in debug mode");
    assert_eq!(read(&dir.path().join("debug.log")), "in debug mode\n");
}

#[test]
fn a_failed_load_touches_no_file() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("keep.log"), "earlier line\n").unwrap();
    std::fs::write(dir.path().join("not_a_dir"), "a file").unwrap();
    let err = build(
        dir.path(),
        r#"
version = 1
[handlers.keep]
class = "file"
filename = "keep.log"
mode = "w"
[handlers.broken]
class = "file"
filename = "not_a_dir/broken.log"
"#,
    )
    .expect_err("a file where a directory should be fails the load");
    let text = err.to_string();
    assert!(text.contains("handler `broken`"), "{text}");
    assert!(text.contains("<string>:9:12"), "{text}");
    assert_eq!(
        read(&dir.path().join("keep.log")),
        "earlier line\n",
        "mode w must not truncate on a failed load"
    );
    let err = build(
        dir.path(),
        "version = 1\n[handlers.d]\nclass = \"file\"\nfilename = \".\"\n",
    )
    .unwrap_err();
    assert!(err.to_string().contains("is a directory"), "{err}");
}

#[test]
fn mode_w_truncates_and_mode_a_appends() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("w.log"), "old\n").unwrap();
    std::fs::write(dir.path().join("a.log"), "old\n").unwrap();
    let h = build(
        dir.path(),
        "version = 1\n[handlers.w]\nclass = \"file\"\nfilename = \"w.log\"\nmode = \"w\"\n[handlers.a]\nclass = \"file\"\nfilename = \"a.log\"\n[root]\nhandlers = [\"w\", \"a\"]\n",
    )
    .unwrap();
    log(&h, "root", Level::WARNING, "new");
    assert_eq!(read(&dir.path().join("w.log")), "new\n");
    assert_eq!(read(&dir.path().join("a.log")), "old\nnew\n");
}

#[test]
fn custom_filters_registered_from_code() {
    let dir = tempfile::tempdir().unwrap();
    let h = logconf::Builder::new()
        .text("version = 1\n[filters.odd]\nclass = \"custom\"\nfunction = \"odd_only\"\n[handlers.f]\nclass = \"file\"\nfilename = \"f.log\"\nfilters = [\"odd\"]\n[root]\nlevel = \"INFO\"\nhandlers = [\"f\"]\n")
        .base_dir(dir.path())
        .env(Default::default())
        .filter("odd_only", |r| r.message.to_string().len() % 2 == 1)
        .build()
        .unwrap();
    for m in ["a", "bb", "ccc", "dddd"] {
        log(&h, "app", Level::INFO, m);
    }
    assert_eq!(read(&dir.path().join("f.log")), "a\nccc\n");
}

#[test]
fn threads_write_whole_lines() {
    let dir = tempfile::tempdir().unwrap();
    let h = build(dir.path(), "version = 1\n[handlers.f]\nclass = \"file\"\nfilename = \"t.log\"\n[root]\nlevel = \"INFO\"\nhandlers = [\"f\"]\n").unwrap();
    let threads: Vec<_> = (0..4)
        .map(|t| {
            let h = h.clone();
            std::thread::spawn(move || {
                for i in 0..2000 {
                    log(
                        &h,
                        "worker",
                        Level::INFO,
                        &format!("thread {t} record {i:05} {}", "x".repeat(100)),
                    );
                }
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    let text = read(&dir.path().join("t.log"));
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 8000);
    for t in 0..4 {
        let mine: Vec<&str> = lines
            .iter()
            .filter(|l| l.starts_with(&format!("thread {t} ")))
            .copied()
            .collect();
        assert_eq!(mine.len(), 2000);
        for (i, l) in mine.iter().enumerate() {
            assert_eq!(*l, format!("thread {t} record {i:05} {}", "x".repeat(100)));
        }
    }
}

#[test]
fn reconfigure_keeps_old_tree_on_error() {
    let dir = tempfile::tempdir().unwrap();
    let h = build(dir.path(), "version = 1\n[handlers.f]\nclass = \"file\"\nfilename = \"f.log\"\n[root]\nhandlers = [\"f\"]\n").unwrap();
    let bad = dir.path().join("bad.toml");
    std::fs::write(&bad, "version = 1\n[root]\nhandlers = [\"nope\"]\n").unwrap();
    let err = h.reconfigure_file(&bad).expect_err("bad file is rejected");
    assert!(err.to_string().contains("bad.toml:3:13"), "{err}");
    log(&h, "x", Level::WARNING, "still logging");
    assert_eq!(read(&dir.path().join("f.log")), "still logging\n");
}

#[test]
fn rust_paths_in_logger_names_and_a_root_logger_table() {
    let dir = tempfile::tempdir().unwrap();
    let h = build(
        dir.path(),
        "version = 1\n[handlers.f]\nclass = \"file\"\nfilename = \"f.log\"\n[loggers.\"billing::api\"]\nlevel = \"INFO\"\nhandlers = [\"f\"]\n[loggers.root]\nlevel = \"DEBUG\"\nhandlers = [\"f\"]\n",
    )
    .unwrap();
    let warnings = h.config().warnings();
    assert!(
        warnings
            .iter()
            .any(|w| w.contains("`[loggers.root]` is ignored")),
        "{warnings:?}"
    );
    log(
        &h,
        "billing::api::views",
        Level::INFO,
        "reaches billing.api",
    );
    log(&h, "root", Level::INFO, "root stays at WARNING");
    assert_eq!(read(&dir.path().join("f.log")), "reaches billing.api\n");
}

/// `[loggers.""]` names the root logger (Python's `getLogger("")`): `[root]`, applied
/// after the loggers, wins; without one the root keeps its defaults (WARNING, no
/// handlers), as the conformance oracle writes them. A warning says so.
#[test]
fn an_empty_logger_name_is_the_root_and_root_wins() {
    let dir = tempfile::tempdir().unwrap();
    let h = build(
        dir.path(),
        "version = 1\n[handlers.f]\nclass = \"file\"\nfilename = \"f.log\"\n[loggers.\"\"]\nlevel = \"DEBUG\"\nhandlers = [\"f\"]\n[root]\nlevel = \"INFO\"\nhandlers = [\"f\"]\n",
    )
    .unwrap();
    let warnings = h.config().warnings();
    assert!(
        warnings
            .iter()
            .any(|w| w.contains("`[loggers.\"\"]` is ignored")),
        "{warnings:?}"
    );
    log(&h, "app", Level::DEBUG, "debug is below the root's INFO");
    log(&h, "app", Level::INFO, "info reaches the root once");
    assert_eq!(
        read(&dir.path().join("f.log")),
        "info reaches the root once\n"
    );
}

/// `?` in `fn main() -> Result<(), Box<dyn Error>>` prints `Error: ` and the error's
/// `Debug`: a line naming the file, then the located diagnostics — not a struct dump,
/// and not `Error: error: …`.
#[test]
fn an_error_prints_its_diagnostics_through_debug() {
    let dir = tempfile::tempdir().unwrap();
    let err = build(
        dir.path(),
        "version = 1\n[handlers.f]\nclass = \"file\"\nfilename = \"a.log\"\nmax_byts = 3\n",
    )
    .unwrap_err();
    let boxed: Box<dyn std::error::Error> = Box::new(err);
    let debug = format!("{boxed:?}");
    assert!(
        debug.starts_with("<string> did not load (1 error)\nerror: unknown key `max_byts`"),
        "{debug}"
    );
    assert!(debug.ends_with(&boxed.to_string()), "{debug}");
    assert!(debug.contains("<string>:5:1"), "{debug}");
    assert!(!debug.contains("Diagnostics {"), "{debug}");
}

/// A record whose argument's `Display` panics costs each handler that formats it that
/// one record, counted in `records_dropped` and reported; the logging call returns, and
/// the next record is written.
#[test]
fn a_value_whose_display_panics_is_counted_and_logging_goes_on() {
    struct Boom;
    impl std::fmt::Display for Boom {
        fn fmt(&self, _: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            panic!("Display of Boom")
        }
    }
    let dir = tempfile::tempdir().unwrap();
    let h = build(
        dir.path(),
        "version = 1\n[handlers.a]\nclass = \"file\"\nfilename = \"a.log\"\n[handlers.b]\nclass = \"file\"\nfilename = \"b.log\"\n[root]\nlevel = \"INFO\"\nhandlers = [\"a\", \"b\"]\n",
    )
    .unwrap();
    h.log(
        "app",
        &Record::new(Level::INFO, Message::Args(format_args!("total {}", Boom))).logger("app"),
    );
    log(&h, "app", Level::INFO, "after");
    h.flush();
    assert_eq!(read(&dir.path().join("a.log")), "after\n");
    assert_eq!(read(&dir.path().join("b.log")), "after\n");
    let status = h.status();
    assert_eq!(
        status.records_dropped, 2,
        "one record on each of two handlers"
    );
    let a = status.handlers.iter().find(|x| x.name == "a").unwrap();
    let (_, error) = a.last_error.clone().expect("the failure is recorded");
    assert!(
        error.contains("Display panicked (Display of Boom)"),
        "{error}"
    );
}

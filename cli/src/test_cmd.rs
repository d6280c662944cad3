//! `logconf test [--level LEVEL] [--config FILE] [--dry-run]`: the Billing-API's
//! `manage.py test_logging`. A test record at LEVEL through every configured logger and
//! the root, the event helpers exercised (where the file configures a `billing.*`
//! logger), and every file handler's file checked for creation and growth; a table on
//! stdout; exit 1 on any failure. The files written are
//! listed before anything is written; `--dry-run` lists the routes and writes nothing.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::SystemTime;

use logconf::app::{self, log_billing_event, log_performance_metric, log_security_event, Severity};
use logconf::{Builder, Level};

/// "a" or "an" before a level's name: "an INFO record", "a DEBUG record".
fn article(level: Level) -> &'static str {
    match level.to_string().chars().next() {
        Some('A' | 'E' | 'I' | 'O' | 'U') => "an",
        _ => "a",
    }
}

fn size(p: &Path) -> Option<u64> {
    std::fs::metadata(p).ok().map(|m| m.len())
}

/// True when a backup of `p` was written since `since` (the file rolled over).
fn rolled_since(p: &Path, since: SystemTime) -> bool {
    let Some(dir) = p.parent() else { return false };
    let base = p
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .any(|e| {
            e.file_name()
                .to_string_lossy()
                .starts_with(&format!("{base}."))
                && e.metadata()
                    .and_then(|m| m.modified())
                    .is_ok_and(|t| t >= since)
        })
}

/// The logger column: the name, and where RUST_LOG set its level.
fn logger_label(loaded: &logconf::__cli::Loaded, name: &str) -> String {
    match loaded.env_levels.get(name) {
        Some(d) => format!("{name} (level from RUST_LOG `{d}`)"),
        None => name.to_string(),
    }
}

/// `--dry-run`: each logger's route and the files it would write, from a tree compiled
/// without opening anything.
fn dry_run(file: &Path, level: Level, strict: bool) -> ExitCode {
    let loaded = match logconf::__cli::load_file(file, &logconf::__cli::cli_options(strict)) {
        Ok(l) => l,
        Err(diags) => {
            err!("{diags}");
            errln!(
                "\nerror: logging could not be set up from {}",
                file.display()
            );
            return ExitCode::from(1);
        }
    };
    for w in loaded.env_warnings() {
        errln!("warning: {w}");
    }
    for w in logconf::__cli::passed_filter_warnings(&loaded) {
        errln!("{w}");
    }
    outln!(
        "logconf test --dry-run: {} at {level} (debug {}, base dir {}); nothing is written\n",
        file.display(),
        if loaded.debug { "on" } else { "off" },
        loaded.base_dir.display()
    );
    let mut loggers: Vec<String> = vec!["root".to_string()];
    loggers.extend(loaded.config.loggers.keys().cloned());
    for name in &loggers {
        let explained = match logconf::__cli::explain(&loaded, name) {
            Ok(e) => e,
            Err(diags) => {
                err!("{diags}");
                return ExitCode::from(1);
            }
        };
        let reached: Vec<String> = if level < explained.level || explained.disabled {
            Vec::new()
        } else {
            explained
                .handlers
                .iter()
                .filter_map(|(_, h)| h.as_ref().ok())
                .filter(|h| level >= h.plan.common.level)
                .map(|h| format!("{} ({})", h.plan.name, h.plan.output.destination()))
                .collect()
        };
        let note = if reached.is_empty() {
            "would be written by no handler at this level".to_string()
        } else {
            format!("-> {}", reached.join(", "))
        };
        outln!("{:<24} {note}", logger_label(&loaded, name));
    }
    ExitCode::SUCCESS
}

/// Runs the test; `level` is the test records' level.
pub fn run(file: &Path, level: Level, dry: bool, strict: bool) -> ExitCode {
    if dry {
        return dry_run(file, level, strict);
    }
    // say where it writes before opening anything (a `mode = "w"` file is truncated
    // when its handler is created)
    if let Ok(planned) = logconf::__cli::load_file(file, &logconf::__cli::cli_options(strict)) {
        outln!("logconf test writes test records to the configuration's files:");
        for (name, plan) in &planned.handlers {
            if logconf::__cli::is_active(plan, planned.debug) {
                if let Some(path) = plan.output.path() {
                    outln!("  {name:<16} {}", path.display());
                }
            }
        }
        outln!("(`logconf test --dry-run` shows the routes without writing)\n");
    }
    let started = SystemTime::now();
    let builder = logconf::__cli::cli_builder(Builder::new(), strict);
    let guard = match builder.path(file).reload_on_sighup(false).init() {
        Ok(g) => g,
        Err(e) => {
            err!("{e}");
            errln!(
                "\nerror: logging could not be set up from {}; nothing was tested",
                file.display()
            );
            return ExitCode::from(1);
        }
    };
    let handle = guard.handle().clone();
    let loaded = logconf::__cli::loaded(&handle);
    for w in logconf::__cli::passed_filter_warnings(&loaded) {
        errln!("{w}");
    }
    let files: BTreeMap<String, PathBuf> = handle.files().into_iter().collect();
    let before: BTreeMap<String, Option<u64>> =
        files.iter().map(|(n, p)| (n.clone(), size(p))).collect();

    let mut loggers: Vec<String> = vec!["root".to_string()];
    loggers.extend(loaded.config.loggers.keys().cloned());
    let mut expected: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut reach = |logger: &str, level: Level, what: &str| {
        let reached = handle.handlers_reached(logger, level);
        for h in &reached {
            expected
                .entry(h.clone())
                .or_default()
                .insert(what.to_string());
        }
        reached
    };

    outln!(
        "logconf test: {} at {level} (debug {}, base dir {})\n",
        file.display(),
        if loaded.debug { "on" } else { "off" },
        loaded.base_dir.display()
    );
    outln!("{:<24} test record", "logger");
    for name in &loggers {
        let reached = reach(name, level, name);
        logconf::__cli::emit(
            name,
            level,
            &format!(
                "logconf test: {} {level} record from {name}",
                article(level)
            ),
            &[("test", true.into())],
        );
        let note = if reached.is_empty() {
            "written by no handler at this level".to_string()
        } else {
            format!("-> {}", reached.join(", "))
        };
        outln!("{:<24} {note}", logger_label(&loaded, name));
    }
    // the event helpers log on the Billing-API example's loggers: exercised where the
    // file configures one of them, not written into an application's own log otherwise
    let helper_loggers = [app::BILLING, app::EVENTS, app::SECURITY, app::PERFORMANCE];
    if helper_loggers
        .iter()
        .any(|l| loaded.config.loggers.contains_key(*l))
    {
        let helpers = [
            ("log_billing_event", app::EVENTS, Level::INFO),
            ("log_security_event", app::SECURITY, Level::INFO),
            ("log_performance_metric", app::PERFORMANCE, Level::INFO),
        ];
        for (helper, logger, lvl) in helpers {
            reach(logger, lvl, helper);
        }
        log_billing_event("test_event", 0, &[("source", "logconf test".into())]);
        log_security_event(
            "test_event",
            Severity::Info,
            &[("source", "logconf test".into())],
        );
        log_performance_metric(
            "test_metric",
            0.001,
            "seconds",
            &[("source", "logconf test".into())],
        );
        outln!(
            "{:<24} -> billing.events, billing.security, billing.performance",
            "event helpers"
        );
    } else {
        outln!(
            "{:<24} skipped (no billing.* logger in the file)",
            "event helpers"
        );
    }
    handle.flush();

    outln!("\n{:<16} {:<42} result", "handler", "file");
    let mut failures = 0;
    let mut first_of_path: BTreeMap<&PathBuf, &str> = BTreeMap::new();
    for (name, path) in &files {
        if let Some(first) = first_of_path.get(path) {
            let records = expected.get(name).map_or(0, BTreeSet::len);
            outln!(
                "{name:<16} {:<42} OK (shares the file with `{first}`; {records} record{} sent)",
                path.display().to_string(),
                if records == 1 { "" } else { "s" }
            );
            continue;
        }
        first_of_path.insert(path, name);
        let now = size(path);
        let wanted = expected.get(name);
        let result = match (now, wanted) {
            (None, None)
                if loaded
                    .handlers
                    .get(name)
                    .is_some_and(|h| h.output.opens_lazily()) =>
            {
                "OK (delayed, no record at this level)".to_string()
            }
            (None, _) => {
                failures += 1;
                "FAILED: the file was not created".to_string()
            }
            (Some(after), Some(from)) => {
                let grew = after > before[name].unwrap_or(0) || rolled_since(path, started);
                if grew {
                    format!(
                        "OK (+{} bytes from {} record{})",
                        after.saturating_sub(before[name].unwrap_or(0)),
                        from.len(),
                        if from.len() == 1 { "" } else { "s" }
                    )
                } else {
                    failures += 1;
                    format!(
                        "FAILED: {} record{} sent, the file did not grow",
                        from.len(),
                        if from.len() == 1 { "" } else { "s" }
                    )
                }
            }
            (Some(_), None) => "OK (created; no test record at this level reaches it)".to_string(),
        };
        outln!("{name:<16} {:<42} {result}", path.display().to_string());
    }
    for (name, plan) in &loaded.handlers {
        if !logconf::__cli::is_active(plan, loaded.debug) {
            outln!(
                "{name:<16} {:<42} skipped (debug_only, DEBUG mode off)",
                "-"
            );
        }
    }
    for h in handle.status().handlers {
        if h.records_dropped > 0 {
            failures += 1;
            let why = h.last_error.map(|(_, e)| e).unwrap_or_default();
            outln!(
                "{:<16} {:<42} FAILED: {} record{} not written: {why}",
                h.name,
                "-",
                h.records_dropped,
                if h.records_dropped == 1 { "" } else { "s" }
            );
        }
    }
    drop(guard);
    // handlers that share a file: the file counts once
    let distinct = files
        .values()
        .collect::<std::collections::BTreeSet<_>>()
        .len();
    let handlers = if distinct == files.len() {
        String::new()
    } else {
        format!(", through {} handlers", files.len())
    };
    if failures > 0 {
        outln!(
            "\nresult: FAILED ({failures} of {} handlers' files)",
            files.len()
        );
        ExitCode::from(1)
    } else {
        outln!(
            "\nresult: OK ({distinct} file{} checked{handlers})",
            if distinct == 1 { "" } else { "s" }
        );
        ExitCode::SUCCESS
    }
}

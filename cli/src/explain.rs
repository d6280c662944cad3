//! `logconf explain LOGGER`: where a logger's records go, as the router computes it on
//! a tree compiled without opening any handler.

use std::path::Path;
use std::process::ExitCode;

use logconf::__cli::{cli_options, load_file, quote_key, Explanation, Loaded};
use logconf::Level;

/// Prints the route of `logger` under the configuration at `file`.
pub fn run(logger: &str, file: &Path, strict: bool) -> ExitCode {
    let loaded = match load_file(file, &cli_options(strict)) {
        Ok(l) => l,
        Err(diags) => {
            err!("{diags}");
            if file.exists() {
                errln!(
                    "\nerror: {} does not load; `logconf check --config {}` lists every problem",
                    file.display(),
                    file.display()
                );
            } else {
                errln!("\nerror: no configuration to explain");
            }
            return ExitCode::from(1);
        }
    };
    for w in loaded.env_warnings() {
        errln!("warning: {w}");
    }
    for w in logconf::__cli::passed_filter_warnings(&loaded) {
        errln!("{w}");
    }
    match logconf::__cli::explain(&loaded, logger) {
        Ok(explanation) => {
            out!("{}", render(&loaded, &explanation));
            ExitCode::SUCCESS
        }
        Err(diags) => {
            err!("{diags}");
            ExitCode::from(1)
        }
    }
}

fn render(loaded: &Loaded, e: &Explanation) -> String {
    let mut out = String::new();
    let mut line = |s: String| {
        out.push_str(&s);
        out.push('\n');
    };
    line(format!("logger {}", e.name));
    line(format!(
        "  configured:      {}",
        if e.name == "root" {
            "[root]".to_string()
        } else if e.configured && loaded.env_only.contains(&e.name) {
            "no; RUST_LOG gives it a level".to_string()
        } else if e.configured {
            format!("[loggers.{}]", quote_key(&e.name))
        } else {
            "no (defaults: level NOTSET, propagate true)".to_string()
        }
    ));
    let from_env = loaded
        .env_levels
        .get(&e.level_from)
        .map(|d| format!(", set by RUST_LOG `{d}`"))
        .unwrap_or_default();
    line(format!(
        "  effective level: {} (from {}{from_env})",
        e.level, e.level_from
    ));
    line(format!("  filters:         {}", list_or_none(&e.filters)));
    line(format!(
        "  debug mode:      {}",
        if loaded.debug { "on" } else { "off" }
    ));
    if e.disabled {
        line("  disabled:        yes (disable_existing_loggers)".to_string());
    }
    if let Some(at) = &e.stopped_at {
        line(format!(
            "  propagation:     stops at {at} (propagate = false)"
        ));
    }
    line("  handlers reached:".to_string());
    let mut any = false;
    for (owner, handler) in &e.handlers {
        let h = match handler {
            Ok(h) => h,
            Err(name) => {
                line(format!(
                    "    {name:<16} (debug_only: skipped outside DEBUG mode; via {owner})"
                ));
                continue;
            }
        };
        any = true;
        let plan = &h.plan;
        let filters = if plan.common.filters.is_empty() {
            String::new()
        } else {
            format!(", filters {}", plan.common.filters.join(", "))
        };
        let formatter = plan.common.formatter.as_deref().unwrap_or("(message only)");
        let reach = if plan.common.level > e.level {
            format!("level {} (records below are skipped)", plan.common.level)
        } else {
            format!("level {}", plan.common.level)
        };
        line(format!(
            "    {:<16} {:<20} {reach}, formatter {formatter}{filters}; via {owner}",
            plan.name, plan.class
        ));
        line(format!("    {:<16} -> {}", "", plan.output.destination()));
    }
    if !any {
        line(format!(
            "    (none: records at {} and above go to stderr bare, Python's lastResort)",
            Level::WARNING
        ));
    }
    out
}

fn list_or_none(items: &[String]) -> String {
    if items.is_empty() {
        "(none)".to_string()
    } else {
        items.join(", ")
    }
}

//! `logconf explain LOGGER`: where a logger's records go, computed from the file
//! without opening any handler.

use std::path::Path;
use std::process::ExitCode;

use logconf::compile::resolve_filename;
use logconf::config::model::{HandlerConfig, Stream};
use logconf::config::{load_file, LoadOptions, Loaded};
use logconf::router::{logger_name, parent};
use logconf::Level;

/// Prints the route of `logger` under the configuration at `file`.
pub fn run(logger: &str, file: &Path) -> ExitCode {
    let loaded = match load_file(file, &LoadOptions::default()) {
        Ok(l) => l,
        Err(diags) => {
            eprint!("{diags}");
            eprintln!(
                "\nerror: {} does not load; fix it first (logconf check)",
                file.display()
            );
            return ExitCode::from(1);
        }
    };
    print!("{}", explain(&loaded, logger));
    ExitCode::SUCCESS
}

fn explain(loaded: &Loaded, logger: &str) -> String {
    let c = &loaded.config;
    let name = logger_name(logger).into_owned();
    let is_root = name == "root";
    let mut out = String::new();
    let mut line = |s: String| {
        out.push_str(&s);
        out.push('\n');
    };
    line(format!("logger {name}"));
    // effective level and where it is set
    let (level, from) = if is_root {
        (c.root.level, "root".to_string())
    } else {
        let mut cur = Some(name.as_str());
        let mut found = None;
        while let Some(n) = cur {
            if let Some(l) = c.loggers.get(n) {
                if l.level.0 > 0 {
                    found = Some((l.level, n.to_string()));
                    break;
                }
            }
            cur = parent(n);
        }
        found.unwrap_or((c.root.level, "root".to_string()))
    };
    let configured = is_root || c.loggers.contains_key(&name);
    line(format!(
        "  configured:      {}",
        if is_root {
            "[root]".to_string()
        } else if configured {
            format!("[loggers.{}]", logconf::config::quote_key(&name))
        } else {
            "no (defaults: level NOTSET, propagate true)".to_string()
        }
    ));
    line(format!("  effective level: {level} (from {from})"));
    let own_filters = if is_root {
        c.root.filters.clone()
    } else {
        c.loggers
            .get(&name)
            .map(|l| l.filters.clone())
            .unwrap_or_default()
    };
    line(format!("  filters:         {}", list_or_none(&own_filters)));
    line(format!(
        "  debug mode:      {}",
        if loaded.debug { "on" } else { "off" }
    ));
    // the chain of handlers
    let mut chain: Vec<(String, Vec<String>)> = Vec::new();
    if is_root {
        chain.push(("root".into(), c.root.handlers.clone()));
    } else {
        let mut cur = Some(name.as_str());
        let mut propagate = true;
        while let Some(n) = cur {
            if let Some(l) = c.loggers.get(n) {
                chain.push((n.to_string(), l.handlers.clone()));
                if !l.propagate {
                    propagate = false;
                    line(format!(
                        "  propagation:     stops at {n} (propagate = false)"
                    ));
                    break;
                }
            }
            cur = parent(n);
        }
        if propagate {
            chain.push(("root".into(), c.root.handlers.clone()));
        }
    }
    line("  handlers reached:".to_string());
    let mut any = false;
    for (owner, handlers) in &chain {
        for h in handlers {
            let Some(cfg) = c.handlers.get(h) else {
                continue;
            };
            let common = cfg.common();
            if common.debug_only && !loaded.debug {
                line(format!(
                    "    {h:<16} (debug_only: skipped outside DEBUG mode; via {owner})"
                ));
                continue;
            }
            any = true;
            let dest = match cfg {
                HandlerConfig::Console {
                    stream: Stream::Stderr,
                    ..
                } => "stderr".to_string(),
                HandlerConfig::Console {
                    stream: Stream::Stdout,
                    ..
                } => "stdout".to_string(),
                HandlerConfig::Null { .. } => "discarded".to_string(),
                HandlerConfig::Syslog { address, .. } => {
                    format!("syslog {}", address.as_deref().unwrap_or("/dev/log"))
                }
                other => resolve_filename(&loaded.base_dir, other.filename().unwrap_or_default())
                    .display()
                    .to_string(),
            };
            let filters = if common.filters.is_empty() {
                String::new()
            } else {
                format!(", filters {}", common.filters.join(", "))
            };
            let formatter = common.formatter.as_deref().unwrap_or("(message only)");
            let reach = if common.level > level {
                format!("level {} (records below are skipped)", common.level)
            } else {
                format!("level {}", common.level)
            };
            line(format!(
                "    {h:<16} {:<20} {reach}, formatter {formatter}{filters}; via {owner}",
                cfg.class_name()
            ));
            line(format!("    {:<16} -> {dest}", ""));
        }
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

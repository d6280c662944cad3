//! Compiling a loaded configuration into a [`Tree`]: every planned handler opened
//! (every declared one, as dictConfig does), loggers linked to the formatters, filters
//! and handlers the loader built, and `disable_existing_loggers` applied. Nothing is
//! installed unless all of it succeeds; nothing checked at load is checked again.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use crate::config::join_path;
use crate::diagnostics::Diagnostic;
use crate::diagnostics::Diagnostics;
use crate::filters::Filter;
use crate::format::{message_only, Formatter};
use crate::handlers::{Handler, Output, QueuePlan, QueueSink, Sink};
use crate::load::{is_active, Loaded};
use crate::router::{LoggerNode, Tree};

/// What compiling needs besides the configuration.
pub struct CompileContext<'a> {
    /// Logger names that exist before this configuration (routed or named earlier).
    pub existing: &'a HashSet<String>,
    /// Open nothing: every handler gets a sink that discards (for `logconf explain`).
    pub dry_run: bool,
}

/// Builds the tree, or every problem found (file system errors point at `filename`).
pub fn compile(loaded: &Loaded, ctx: &CompileContext<'_>) -> Result<Tree, Diagnostics> {
    let c = &loaded.config;
    let mut diags = Vec::new();
    let default_formatter = Arc::new(Formatter::Text(message_only()));
    // references were checked at load: every name below is known
    // a name listed twice is attached once, as Python's addFilter/addHandler ignore
    // what is attached already
    let pick_filters = |names: &[String]| -> Vec<Arc<Filter>> {
        first_of_each(names)
            .iter()
            .filter_map(|n| loaded.filters.get(n).cloned())
            .collect()
    };

    let mut handlers: HashMap<&str, Arc<Handler>> = HashMap::new();
    let mut built: Vec<Arc<Handler>> = Vec::new();
    // queues last: they start with their target handlers
    let (queues, others): (Vec<_>, Vec<_>) = loaded
        .handlers
        .iter()
        .partition(|(_, p)| matches!(p.output, Output::Queue(_)));
    for (name, plan) in others.into_iter().chain(queues) {
        if !is_active(plan, loaded.debug) {
            continue;
        }
        let sink = if ctx.dry_run {
            Ok(Sink::Null)
        } else if let Output::Queue(q) = &plan.output {
            start_queue(name, q, &handlers)
        } else {
            plan.output.open()
        };
        let sink = match sink {
            Ok(s) => s,
            Err(e) => {
                let path = join_path(&join_path("handlers", name), "filename");
                diags.push(
                    Diagnostic::error(format!("handler `{name}`: {e}"), loaded.value_span(&path))
                        .label("cannot be opened")
                        .help(open_failure_help(&e)),
                );
                continue;
            }
        };
        let formatter = match &plan.common.formatter {
            Some(f) => loaded.formatters.get(f).cloned(),
            None => Some(default_formatter.clone()),
        };
        let Some(formatter) = formatter else {
            // a formatter that failed to compile failed the load: unreachable, but
            // never a silent fallback
            diags.push(Diagnostic::error(
                format!("handler `{name}`: its formatter was not compiled"),
                None,
            ));
            continue;
        };
        let handler = Arc::new(Handler::new(
            plan.clone(),
            pick_filters(&plan.common.filters),
            formatter,
            sink,
        ));
        built.push(handler.clone());
        handlers.insert(name, handler);
    }
    if !diags.is_empty() {
        return Err(loaded.diagnostics(diags));
    }
    let files = || {
        built.iter().filter_map(|h| match &h.sink {
            Sink::File(f) => Some((h, f)),
            _ => None,
        })
    };
    for (h, f) in files() {
        if let Err(e) = f.start() {
            diags.push(Diagnostic::error(
                format!(
                    "handler `{}`: cannot truncate {}: {e}",
                    h.name(),
                    f.path().display()
                ),
                None,
            ));
        }
    }
    if !diags.is_empty() {
        return Err(loaded.diagnostics(diags));
    }
    for (_, f) in files() {
        f.resume_compression();
    }
    let node = |level, propagate, handler_names: &[String], filter_names: &[String]| {
        let handler_names = first_of_each(handler_names);
        LoggerNode {
            level,
            propagate,
            handlers: handler_names
                .iter()
                .filter_map(|n| handlers.get(n.as_str()).cloned())
                .collect(),
            handler_names,
            filters: pick_filters(filter_names),
            filter_names: first_of_each(filter_names),
        }
    };
    let loggers: HashMap<String, LoggerNode> = c
        .loggers
        .iter()
        .map(|(name, l)| {
            (
                name.clone(),
                node(l.level, l.propagate, &l.handlers, &l.filters),
            )
        })
        .collect();
    let root = node(c.root.level, false, &c.root.handlers, &c.root.filters);
    let disabled = if c.disable_existing_loggers {
        ctx.existing
            .iter()
            .filter(|name| !is_named_or_descendant(name, loaded.named_loggers()))
            .cloned()
            .collect()
    } else {
        HashSet::new()
    };
    if !diags.is_empty() {
        return Err(loaded.diagnostics(diags));
    }
    Ok(Tree::new(built, loggers, root, disabled))
}

/// Starts a queue's worker with its target handlers, built before it (a target that
/// exists only in DEBUG mode is skipped outside it, as a logger's would be).
/// What to do about a handler that cannot be opened, by the reason the system gave.
fn open_failure_help(e: &std::io::Error) -> &'static str {
    match crate::handlers::os_error_code(e) {
        Some(libc::EMFILE) => "the process has as many files open as its limit allows: raise it (`ulimit -n`, systemd's `LimitNOFILE=`) or open fewer files",
        Some(libc::ENFILE) => "the system has as many files open as its limit allows (`fs.file-max`)",
        Some(libc::ENOSPC) => "the file system is full (or out of inodes): free space, or point LOG_BASE_DIR elsewhere",
        Some(libc::EROFS) => "the file system is read-only: point LOG_BASE_DIR at a writable one",
        Some(libc::EACCES) | Some(libc::EPERM) => "this user may not create or write the file: check the directory's owner and mode (LOG_BASE_DIR sets the base dir)",
        _ => "check that the directory exists or can be created, and is writable (LOG_BASE_DIR sets the base dir)",
    }
}

fn start_queue(
    name: &str,
    plan: &QueuePlan,
    built: &HashMap<&str, Arc<Handler>>,
) -> std::io::Result<Sink> {
    let mut targets = Vec::new();
    for t in &plan.targets {
        match built.get(t.as_str()) {
            Some(h) if matches!(h.sink, Sink::Queue(_)) => {
                return Err(std::io::Error::other(format!(
                    "its target `{t}` is a queue: a queue writes to handlers that write"
                )))
            }
            Some(h) => targets.push(h.clone()),
            None => {}
        }
    }
    QueueSink::start(name, plan, targets).map(Sink::Queue)
}

/// True when `name` is one of `named` or below one of them.
fn is_named_or_descendant<'a>(name: &str, mut named: impl Iterator<Item = &'a String>) -> bool {
    name == "root"
        || named.any(|n| {
            name == n
                || (name.starts_with(n.as_str()) && name.as_bytes().get(n.len()) == Some(&b'.'))
        })
}

/// The names in order, each at its first place: Python attaches a handler or a filter
/// to a logger once however often the list names it.
fn first_of_each(names: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::with_capacity(names.len());
    for n in names {
        if !out.contains(n) {
            out.push(n.clone());
        }
    }
    out
}

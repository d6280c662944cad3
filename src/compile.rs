//! Compiling a loaded configuration into a [`Tree`]: formatters parsed, filters and
//! handlers built (every declared handler, as dictConfig does), loggers linked, and
//! `disable_existing_loggers` applied. Nothing is installed unless all of it succeeds.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::config::model::{Compress, FileMode, HandlerConfig};
use crate::config::{join_path, Loaded};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::filters::{CustomFilter, Filter};
use crate::format::{message_only, Formatter};
use crate::handlers::syslog::Address;
use crate::handlers::{ConsoleSink, Handler, Sink, SyslogSink};
use crate::rotation::timed::{parse_at_time, Schedule};
use crate::rotation::{normalize, FileWriter, Policy, Settings};
use crate::router::{LoggerNode, Tree};

/// What compiling needs besides the configuration.
pub struct CompileContext<'a> {
    /// Logger names that exist before this configuration (routed or named earlier).
    pub existing: &'a HashSet<String>,
    /// Custom filters registered from code.
    pub custom_filters: &'a HashMap<String, CustomFilter>,
}

/// A relative `filename` resolved against the base dir.
pub fn resolve_filename(base_dir: &Path, filename: &str) -> PathBuf {
    let p = Path::new(filename);
    if p.is_absolute() {
        p.to_path_buf()
    } else {
        base_dir.join(p)
    }
}

/// Builds the tree, or every problem found (file system errors point at `filename`).
pub fn compile(loaded: &Loaded, ctx: &CompileContext<'_>) -> Result<Tree, Diagnostics> {
    let c = &loaded.config;
    let mut diags = Vec::new();

    let mut formatters: HashMap<&str, Arc<Formatter>> = HashMap::new();
    for (name, f) in &c.formatters {
        if let Ok(t) = Formatter::compile(f) {
            formatters.insert(name, Arc::new(t));
        }
    }
    let default_formatter = Arc::new(Formatter::Text(message_only()));
    let custom = |name: &str| ctx.custom_filters.get(name).cloned();
    let filters: HashMap<&str, Arc<Filter>> = c
        .filters
        .iter()
        .map(|(n, f)| {
            (
                n.as_str(),
                Arc::new(Filter::compile(f, loaded.debug, &custom)),
            )
        })
        .collect();
    let pick_filters = |names: &[String]| -> Vec<Arc<Filter>> {
        names
            .iter()
            .filter_map(|n| filters.get(n.as_str()).cloned())
            .collect()
    };

    check_shared_files(loaded, &mut diags);
    if !diags.is_empty() {
        return Err(loaded.diagnostics(diags));
    }
    let mut handlers: HashMap<&str, Arc<Handler>> = HashMap::new();
    let mut to_start: Vec<Arc<Handler>> = Vec::new();
    for (name, h) in &c.handlers {
        let common = h.common();
        if common.debug_only && !loaded.debug {
            continue;
        }
        let path = join_path(&join_path("handlers", name), "filename");
        let sink = match build_sink(h, &loaded.base_dir) {
            Ok(s) => s,
            Err(e) => {
                diags.push(
                    Diagnostic::error(format!("handler `{name}`: {e}"), loaded.value_span(&path))
                        .label("cannot be opened")
                        .help("check that the directory exists or can be created, and is writable (LOG_BASE_DIR sets the base dir)"),
                );
                continue;
            }
        };
        let formatter = common
            .formatter
            .as_deref()
            .and_then(|f| formatters.get(f).cloned())
            .unwrap_or_else(|| default_formatter.clone());
        let handler = Arc::new(Handler::new(
            name.clone(),
            h.class_name(),
            common.level,
            pick_filters(&common.filters),
            formatter,
            sink,
        ));
        to_start.push(handler.clone());
        handlers.insert(name, handler);
    }
    if !diags.is_empty() {
        return Err(loaded.diagnostics(diags));
    }
    for h in &to_start {
        if let Sink::File(f) = &h.sink {
            if let Err(e) = f.start() {
                diags.push(Diagnostic::error(
                    format!(
                        "handler `{}`: cannot truncate {}: {e}",
                        h.name,
                        f.path().display()
                    ),
                    None,
                ));
            }
        }
    }
    let pick_handlers = |names: &[String]| -> Vec<Arc<Handler>> {
        names
            .iter()
            .filter_map(|n| handlers.get(n.as_str()).cloned())
            .collect()
    };
    let loggers: HashMap<String, LoggerNode> = c
        .loggers
        .iter()
        .map(|(name, l)| {
            (
                name.clone(),
                LoggerNode {
                    level: l.level,
                    propagate: l.propagate,
                    handlers: pick_handlers(&l.handlers),
                    filters: pick_filters(&l.filters),
                },
            )
        })
        .collect();
    let root = LoggerNode {
        level: c.root.level,
        propagate: false,
        handlers: pick_handlers(&c.root.handlers),
        filters: pick_filters(&c.root.filters),
    };
    let disabled = if c.disable_existing_loggers {
        ctx.existing
            .iter()
            .filter(|name| !is_named_or_descendant(name, c.loggers.keys()))
            .cloned()
            .collect()
    } else {
        HashSet::new()
    };
    if !diags.is_empty() {
        return Err(loaded.diagnostics(diags));
    }
    Ok(Tree::new(to_start, loggers, root, disabled, loaded.debug))
}

/// True when `name` is one of `named` or below one of them.
fn is_named_or_descendant<'a>(name: &str, mut named: impl Iterator<Item = &'a String>) -> bool {
    name == "root"
        || named.any(|n| {
            name == n
                || (name.starts_with(n.as_str()) && name.as_bytes().get(n.len()) == Some(&b'.'))
        })
}

/// The file settings of a file-writing handler.
pub fn file_settings(h: &HandlerConfig, base_dir: &Path) -> Option<Settings> {
    let level =
        |compress: &Option<Compress>, level: &Option<u32>| compress.map(|_| level.unwrap_or(6));
    let (filename, policy, compress, delay) = match h {
        HandlerConfig::File {
            filename,
            mode,
            delay,
            ..
        } => (
            filename,
            Policy::Append {
                truncate: *mode == FileMode::Write,
            },
            None,
            *delay,
        ),
        HandlerConfig::WatchedFile {
            filename,
            mode,
            delay,
            ..
        } => (
            filename,
            Policy::Watched {
                truncate: *mode == FileMode::Write,
            },
            None,
            *delay,
        ),
        HandlerConfig::RotatingFile {
            filename,
            max_bytes,
            backup_count,
            compress,
            compress_level,
            delay,
            ..
        } => (
            filename,
            Policy::Size {
                max_bytes: max_bytes.0,
                backup_count: *backup_count,
            },
            level(compress, compress_level),
            *delay,
        ),
        HandlerConfig::TimedRotatingFile {
            filename,
            when,
            interval,
            backup_count,
            utc,
            at_time,
            compress,
            compress_level,
            delay,
            ..
        } => (
            filename,
            Policy::Time {
                schedule: Schedule::new(
                    *when,
                    interval.unwrap_or(1),
                    *utc,
                    at_time.as_deref().and_then(parse_at_time),
                ),
                backup_count: *backup_count,
            },
            level(compress, compress_level),
            *delay,
        ),
        _ => return None,
    };
    Some(Settings {
        path: resolve_filename(base_dir, filename),
        policy,
        compress,
        delay,
    })
}

fn build_sink(h: &HandlerConfig, base_dir: &Path) -> std::io::Result<Sink> {
    let Some(settings) = file_settings(h, base_dir) else {
        return Ok(match h {
            HandlerConfig::Console { stream, .. } => Sink::Console(ConsoleSink::new(*stream)),
            HandlerConfig::Syslog {
                address,
                facility,
                protocol,
                app_name,
                ..
            } => {
                let address = Address::parse(address.as_deref().unwrap_or("/dev/log"))
                    .map_err(std::io::Error::other)?;
                Sink::Syslog(SyslogSink::new(
                    address,
                    *facility,
                    *protocol,
                    app_name.clone(),
                ))
            }
            _ => Sink::Null,
        });
    };
    let path = settings.path.clone();
    if let Some(dir) = path.parent() {
        if !dir.as_os_str().is_empty() {
            std::fs::create_dir_all(dir).map_err(|e| {
                std::io::Error::new(
                    e.kind(),
                    format!("cannot create directory {}: {e}", dir.display()),
                )
            })?;
        }
    }
    if path.is_dir() {
        return Err(std::io::Error::other(format!(
            "{} is a directory",
            path.display()
        )));
    }
    FileWriter::shared(settings)
        .map(Sink::File)
        .map_err(|e| std::io::Error::new(e.kind(), format!("cannot open {}: {e}", path.display())))
}

/// Two handlers that write one file must agree on how (they share one writer).
fn check_shared_files(loaded: &Loaded, diags: &mut Vec<Diagnostic>) {
    let mut seen: HashMap<PathBuf, (&str, String)> = HashMap::new();
    for (name, h) in &loaded.config.handlers {
        if h.common().debug_only && !loaded.debug {
            continue;
        }
        let Some(settings) = file_settings(h, &loaded.base_dir) else {
            continue;
        };
        let key = normalize(&settings.path);
        match seen.get(&key) {
            Some((other, identity)) if *identity != settings.identity() => diags.push(
                Diagnostic::error(
                    format!("handlers `{other}` and `{name}` write {} with different settings", settings.path.display()),
                    loaded.value_span(&join_path(&join_path("handlers", name), "filename")),
                )
                .label("the same file as another handler")
                .help(format!("handlers that name one file share one writer: give `{name}` the class, rotation and mode of `{other}`, or another file")),
            ),
            Some(_) => {}
            None => {
                seen.insert(key, (name, settings.identity()));
            }
        }
    }
}

/// Checks, without creating or opening anything, that every file handler's file could
/// be written: its directory exists or can be created, and is writable.
pub fn check_paths(loaded: &Loaded) -> Vec<Diagnostic> {
    let mut diags = Vec::new();
    for (name, h) in &loaded.config.handlers {
        if h.common().debug_only && !loaded.debug {
            continue;
        }
        let Some(filename) = h.filename() else {
            continue;
        };
        let path = resolve_filename(&loaded.base_dir, filename);
        if let Err(problem) = writable(&path) {
            let span_path = join_path(&join_path("handlers", name), "filename");
            diags.push(
                Diagnostic::error(
                    format!("handler `{name}`: {problem}"),
                    loaded.value_span(&span_path),
                )
                .label(format!("resolves to {}", path.display()))
                .help(
                    "make the directory writable, or point LOG_BASE_DIR / log_base_dir elsewhere",
                ),
            );
        }
    }
    diags
}

fn writable(path: &Path) -> Result<(), String> {
    if path.is_dir() {
        return Err(format!("{} is a directory", path.display()));
    }
    if path.exists() {
        return if access_ok(path) {
            Ok(())
        } else {
            Err(format!("{} is not writable", path.display()))
        };
    }
    let mut dir = path.parent();
    while let Some(d) = dir {
        if d.as_os_str().is_empty() {
            break;
        }
        if d.exists() {
            if !d.is_dir() {
                return Err(format!("{} is not a directory", d.display()));
            }
            return if access_ok(d) {
                Ok(())
            } else {
                Err(format!("directory {} is not writable", d.display()))
            };
        }
        dir = d.parent();
    }
    Ok(())
}

fn access_ok(path: &Path) -> bool {
    use std::os::unix::ffi::OsStrExt;
    let Ok(c) = std::ffi::CString::new(path.as_os_str().as_bytes()) else {
        return false;
    };
    // SAFETY: `c` is a valid NUL-terminated path; access(2) only reads it.
    unsafe { libc::access(c.as_ptr(), libc::W_OK) == 0 }
}

//! Handlers: where records go. Each class lives in one file of this folder with its
//! whole story: its `[handlers.NAME]` keys (whose doc comments feed the schema), their
//! checks, and the [`Output`] it plans. [`HandlerConfig::class`] is the one place that
//! maps a `class = "..."` to its file; adding a class is one file and one line there.
//!
//! Formatting happens into a reused per-thread buffer, and the finished line is handed
//! to the operating system in one `write` (nothing logged is lost on a crash; docs/performance.md).

mod console;
mod file;
mod files;
mod handover;
mod journald;
mod null;
mod output;
mod queue;
mod rotating_file;
mod syslog;
mod timed_rotating_file;
mod watched_file;

pub use console::{ConsoleConfig, Stream};
pub use file::FileConfig;
pub use files::{os_error_code, Compress, FileMode};
pub use handover::Finished;
pub use journald::JournaldConfig;
pub use null::NullConfig;
pub use output::{Output, Sink};
pub use queue::{QueueConfig, QueuePlan, QueueSink};
pub use rotating_file::RotatingFileConfig;
pub use syslog::SyslogConfig;
pub use timed_rotating_file::TimedRotatingFileConfig;
pub use watched_file::WatchedFileConfig;

use std::cell::RefCell;
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::SystemTime;

use serde::Deserialize;

use crate::config::source::Span;
use crate::config::values::Level;
use crate::diagnostics::Diagnostic;
use crate::filters::Filter;
use crate::format::Formatter;
use crate::record::Record;

/// A handler `[handlers.NAME]`: where records go, chosen by `class`.
#[derive(Clone, Debug, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "class", rename_all = "snake_case")]
pub enum HandlerConfig {
    /// Writes to the process's stderr or stdout (Python's `logging.StreamHandler`).
    Console(ConsoleConfig),
    /// Appends to (or rewrites) one file (Python's `logging.FileHandler`).
    File(FileConfig),
    /// A file that rolls over at a size into backups NAME.1 … NAME.N
    /// (Python's `logging.handlers.RotatingFileHandler`).
    RotatingFile(RotatingFileConfig),
    /// A file that is reopened when it is moved or removed, for external logrotate
    /// (Python's `logging.handlers.WatchedFileHandler`).
    WatchedFile(WatchedFileConfig),
    /// A file that rolls over at times (Python's
    /// `logging.handlers.TimedRotatingFileHandler`).
    TimedRotatingFile(TimedRotatingFileConfig),
    /// Sends records to a syslog daemon (Python's `logging.handlers.SysLogHandler`).
    Syslog(SyslogConfig),
    /// Sends records to systemd's journal, key-values as journal fields
    /// (Python's `systemd.journal.JournalHandler`).
    Journald(JournaldConfig),
    /// Discards records; keeps a logger from falling back to stderr
    /// (Python's `logging.NullHandler`).
    Null(NullConfig),
    /// Hands records to a worker thread that writes them through other handlers
    /// (Python's `logging.handlers.QueueHandler` with its `QueueListener`).
    Queue(QueueConfig),
}

impl HandlerConfig {
    /// The class behind this table: the one `match` over handler classes.
    fn class(&self) -> &dyn HandlerClass {
        match self {
            HandlerConfig::Console(c) => c,
            HandlerConfig::File(c) => c,
            HandlerConfig::RotatingFile(c) => c,
            HandlerConfig::WatchedFile(c) => c,
            HandlerConfig::TimedRotatingFile(c) => c,
            HandlerConfig::Syslog(c) => c,
            HandlerConfig::Journald(c) => c,
            HandlerConfig::Null(c) => c,
            HandlerConfig::Queue(c) => c,
        }
    }

    /// The keys that every handler class has.
    pub fn common(&self) -> &HandlerCommon {
        self.class().common()
    }

    /// The `class` value of this handler, as written in the file.
    pub fn class_name(&self) -> &'static str {
        self.class().name()
    }

    /// Checks the class's own keys and plans its output (paths resolved, addresses
    /// parsed); every problem is pushed, located, onto `diags`.
    pub fn plan(&self, cx: &PlanContext<'_>, diags: &mut Vec<Diagnostic>) -> Option<HandlerPlan> {
        let output = self.class().plan(cx, diags)?;
        Some(HandlerPlan {
            name: cx.name.to_string(),
            class: self.class_name(),
            common: self.common().clone(),
            output,
        })
    }
}

/// What a handler class implements; see [`HandlerConfig::class`].
trait HandlerClass {
    /// The `class` value, as written in the file.
    fn name(&self) -> &'static str;
    /// The keys every class has.
    fn common(&self) -> &HandlerCommon;
    /// Checks the class's keys and plans where its lines go.
    fn plan(&self, cx: &PlanContext<'_>, diags: &mut Vec<Diagnostic>) -> Option<Output>;
}

/// Keys that every handler has.
#[derive(Clone, Debug, Deserialize, Default)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct HandlerCommon {
    /// Records below this level are not handled. Default NOTSET (all).
    #[serde(default)]
    pub level: Level,
    /// The formatter's name. Default: the bare message (`%(message)s`).
    pub formatter: Option<String>,
    /// Filter names; a record must pass each of them.
    #[serde(default)]
    pub filters: Vec<String>,
    /// The handler exists only in DEBUG mode: outside it no file is created and loggers'
    /// references to it are skipped silently. Default false.
    #[serde(default)]
    pub debug_only: bool,
}

/// What planning a handler needs: its name, the base dir, and where its keys are
/// written (for diagnostics).
pub struct PlanContext<'a> {
    /// The handler's name in `[handlers]`.
    pub name: &'a str,
    /// The log base dir relative filenames resolve against.
    pub base_dir: &'a Path,
    /// The span of the value of a key of this handler's table.
    pub span: &'a dyn Fn(&str) -> Option<Span>,
}

impl PlanContext<'_> {
    /// An error about `key` of this handler.
    pub fn error(&self, key: &str, message: impl std::fmt::Display) -> Diagnostic {
        Diagnostic::error(
            format!("handler `{}`: {message}", self.name),
            (self.span)(key),
        )
    }
}

/// A handler checked and planned at load: everything needed to build it, nothing opened.
#[derive(Clone, Debug)]
pub struct HandlerPlan {
    /// Its name in `[handlers]`.
    pub name: String,
    /// Its class, as written in the file.
    pub class: &'static str,
    /// Level, formatter and filter names, debug_only.
    pub common: HandlerCommon,
    /// Where its lines go.
    pub output: Output,
}

thread_local! {
    static LINE: RefCell<String> = RefCell::new(String::with_capacity(256));
}

/// A compiled handler.
pub struct Handler {
    /// Its plan: name, class, level, formatter and filter names, output.
    pub plan: HandlerPlan,
    /// Records below this level are skipped.
    pub level: Level,
    /// Filters a record must pass.
    pub filters: Vec<Arc<Filter>>,
    /// Turns a record into a line.
    pub formatter: Arc<Formatter>,
    /// Where lines go.
    pub sink: Sink,
    failed: AtomicBool,
    dropped: AtomicU64,
    last_error: crate::fork::Mutex<Option<(SystemTime, String)>>,
}

/// How a handler has fared since it was created: what [`crate::Handle::status`] shows
/// for each handler.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct HandlerHealth {
    /// The handler's name in `[handlers]`.
    pub name: String,
    /// Records it could not write (a full disk, a closed pipe, an unreachable daemon).
    pub records_dropped: u64,
    /// When it last failed, and why.
    pub last_error: Option<(SystemTime, String)>,
}

impl Handler {
    /// True when the handler writes its lines to stderr (a console handler).
    pub fn writes_to_stderr(&self) -> bool {
        matches!(&self.sink, Sink::Console(c) if c.is_stderr())
    }

    /// Assembles a handler from its plan and its opened sink.
    pub fn new(
        plan: HandlerPlan,
        filters: Vec<Arc<Filter>>,
        formatter: Arc<Formatter>,
        sink: Sink,
    ) -> Self {
        Handler {
            level: plan.common.level,
            plan,
            filters,
            formatter,
            sink,
            failed: AtomicBool::new(false),
            dropped: AtomicU64::new(0),
            last_error: crate::fork::Mutex::new(None),
        }
    }

    /// How it has fared: records dropped, the last error.
    pub fn health(&self) -> HandlerHealth {
        HandlerHealth {
            name: self.plan.name.clone(),
            records_dropped: self.dropped.load(Ordering::Relaxed) + self.sink.lost(),
            last_error: self.last_error.lock().clone(),
        }
    }

    /// Its name in `[handlers]`.
    pub fn name(&self) -> &str {
        &self.plan.name
    }

    /// Python's `Handler.handle`: filters, then format and emit.
    pub fn handle(&self, rec: &Record<'_>) {
        // a value whose `Display` panics (in a filter, the formatter or the queue's
        // copy) costs this handler the record, counted and reported, and nothing else:
        // the other handlers still get it, and the logging call returns
        let handled = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| match &self.sink {
            Sink::Null => {}
            // the worker formats, with the targets' formatters
            Sink::Queue(q) => crate::filters::apply(&self.filters, rec, |r| q.push(r)),
            Sink::Console(_) | Sink::File(_) | Sink::Syslog(_) | Sink::Journald(_) => {
                crate::filters::apply(&self.filters, rec, |r| self.emit(r));
            }
        }));
        if let Err(payload) = handled {
            let what = payload
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "a panic".to_string());
            self.settle(
                1,
                Some(std::io::Error::other(format!(
                    "the record could not be formatted: a value's Display panicked ({what})"
                ))),
            );
        }
    }

    fn emit(&self, rec: &Record<'_>) {
        let result = LINE.with(|cell| match cell.try_borrow_mut() {
            Ok(mut line) => {
                line.clear();
                self.formatter.format(rec, &mut line);
                line.push('\n');
                let r = self.sink.write(rec, line.as_bytes());
                if line.capacity() > 64 * 1024 {
                    *line = String::with_capacity(256);
                }
                r
            }
            // Re-entered from a Display impl that logs: use a fresh buffer.
            Err(_) => {
                let mut line = String::new();
                self.formatter.format(rec, &mut line);
                line.push('\n');
                self.sink.write(rec, line.as_bytes())
            }
        });
        self.settle(1, result.err());
    }

    /// After a write: a success ends a failure streak; a failure counts the `lost`
    /// records and is reported.
    fn settle(&self, lost: u64, error: Option<std::io::Error>) {
        match error {
            None => {
                // a load, not a store, on the hot path: the flag's cache line stays shared
                if self.failed.load(Ordering::Relaxed) {
                    self.failed.store(false, Ordering::Relaxed);
                }
            }
            Some(e) => {
                self.dropped.fetch_add(lost, Ordering::Relaxed);
                self.report(&e);
            }
        }
    }

    /// For a queue's worker: handles records taken from the queue together. A file
    /// without `buffer` gets their lines in one system call where rollover allows
    /// (rollover stays exact per record); other outputs get them one by one.
    pub(crate) fn handle_many(&self, recs: &[Record<'_>]) {
        let wanted = recs.iter().filter(|r| r.level >= self.level);
        let file = match &self.sink {
            Sink::File(file) if file.settings().buffering.is_none() => file,
            _ => {
                for rec in wanted {
                    self.handle_caught(|| self.handle(rec));
                }
                return;
            }
        };
        let mut text = String::new();
        let mut ends = Vec::with_capacity(recs.len());
        for rec in wanted {
            let start = text.len();
            self.handle_caught(|| {
                crate::filters::apply(&self.filters, rec, |r| {
                    self.formatter.format(r, &mut text);
                    text.push('\n');
                    ends.push(text.len());
                });
            });
            // a record whose formatting panicked leaves no part of a line
            if ends.last().is_none_or(|&end| end <= start) {
                text.truncate(start);
            }
        }
        let (written, error) = file.write_many(text.as_bytes(), &ends);
        self.settle((ends.len() - written) as u64, error);
    }

    /// Runs `f` for one record; a panic in it (a formatter, a custom filter, a value's
    /// `Display`) loses that record alone, counted as dropped.
    fn handle_caught(&self, f: impl FnOnce()) {
        if std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).is_err() {
            self.dropped.fetch_add(1, Ordering::Relaxed);
        }
    }

    /// Records a failure, and reports it on stderr once per failure streak (until a
    /// write succeeds again).
    fn report(&self, e: &std::io::Error) {
        *self.last_error.lock() = Some((SystemTime::now(), e.to_string()));
        if !self.failed.swap(true, Ordering::Relaxed) {
            let target = self
                .sink
                .path()
                .map(|p| format!(" to {}", p.display()))
                .unwrap_or_default();
            crate::diagnostics::report!("handler `{}` cannot write{target}: {e}", self.plan.name);
        }
    }

    /// Flushes buffered output.
    pub fn flush(&self) {
        if let Err(e) = self.sink.flush() {
            self.report(&e);
        }
    }

    /// Writes buffered output without waiting for compression (what a reload does with
    /// the handlers it replaced).
    pub fn write_out(&self) {
        if let Err(e) = self.sink.write_out() {
            self.report(&e);
        }
    }
}

/// A record's key-values as text, then the context fields they do not override, for
/// outputs that carry them as fields (syslog's STRUCTURED-DATA, journal fields).
fn record_fields(rec: &Record<'_>) -> Vec<(String, String)> {
    let mut all: Vec<(String, String)> = crate::format::value::OwnedKv::capture(rec.kv)
        .0
        .into_iter()
        .map(|(k, v)| {
            let mut text = String::new();
            v.write_str(&mut text);
            (k, text)
        })
        .collect();
    let mut add = |k: &str, v: &crate::value::Value| {
        if !all.iter().any(|(seen, _)| seen == k) {
            all.push((k.to_string(), v.to_string()));
        }
    };
    match rec.origin {
        Some(o) => o.context.iter().for_each(|(k, v)| add(k, v)),
        None if crate::context::is_empty() => {}
        None => crate::context::snapshot()
            .iter()
            .for_each(|(k, v)| add(k, v)),
    }
    all.retain(|(k, _)| !k.starts_with("__logconf"));
    all
}

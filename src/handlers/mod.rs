//! Handlers: where records go. Each has a level, filters, a formatter and a sink;
//! formatting happens into a reused per-thread buffer, and the finished line is handed
//! to the operating system in one `write` (SPEC §2.9: nothing logged is lost on a crash).

mod console;
pub mod syslog;

pub use console::ConsoleSink;
pub use syslog::SyslogSink;

use std::cell::RefCell;
use std::fs::{File, OpenOptions};
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use crate::config::values::Level;
use crate::filters::Filter;
use crate::format::Formatter;
use crate::record::Record;
use crate::rotation::FileWriter;

/// Opens `path` for appending, creating it; truncates it first when `truncate`.
pub fn open_append(path: &Path, truncate: bool) -> std::io::Result<File> {
    let file = OpenOptions::new().create(true).append(true).open(path)?;
    if truncate {
        file.set_len(0)?;
    }
    Ok(file)
}

thread_local! {
    static LINE: RefCell<String> = RefCell::new(String::with_capacity(256));
}

/// Where a handler's lines go.
pub enum Sink {
    /// stdout or stderr.
    Console(ConsoleSink),
    /// A file, shared with every handler that names it.
    File(Arc<FileWriter>),
    /// A syslog daemon.
    Syslog(SyslogSink),
    /// Nowhere.
    Null,
}

impl Sink {
    fn write(&self, rec: &Record<'_>, line: &[u8]) -> std::io::Result<()> {
        match self {
            Sink::Console(c) => c.write(line),
            Sink::File(f) => f.write(line),
            Sink::Syslog(s) => s.send(rec.level, crate::format::time::Stamp::of(rec.time), line),
            Sink::Null => Ok(()),
        }
    }

    fn flush(&self) -> std::io::Result<()> {
        match self {
            Sink::Console(c) => c.flush(),
            Sink::File(f) => {
                f.flush();
                Ok(())
            }
            Sink::Syslog(_) | Sink::Null => Ok(()),
        }
    }

    /// The file this sink writes, if any.
    pub fn path(&self) -> Option<&Path> {
        match self {
            Sink::File(f) => Some(f.path()),
            _ => None,
        }
    }
}

/// A compiled handler.
pub struct Handler {
    /// Its name in `[handlers]`.
    pub name: String,
    /// The class, as written in the file.
    pub class: &'static str,
    /// Records below this level are skipped.
    pub level: Level,
    /// Filters a record must pass.
    pub filters: Vec<Arc<Filter>>,
    /// Turns a record into a line.
    pub formatter: Arc<Formatter>,
    /// Where lines go.
    pub sink: Sink,
    failed: AtomicBool,
}

impl Handler {
    /// Assembles a handler.
    pub fn new(
        name: String,
        class: &'static str,
        level: Level,
        filters: Vec<Arc<Filter>>,
        formatter: Arc<Formatter>,
        sink: Sink,
    ) -> Self {
        Handler {
            name,
            class,
            level,
            filters,
            formatter,
            sink,
            failed: AtomicBool::new(false),
        }
    }

    /// Python's `Handler.handle`: filters, then format and emit.
    pub fn handle(&self, rec: &Record<'_>) {
        if !self.filters.iter().all(|f| f.passes(rec)) {
            return;
        }
        if matches!(self.sink, Sink::Null) {
            return;
        }
        if self.filters.iter().any(|f| f.redactor().is_some()) {
            let redactors: Vec<&crate::redact::Redactor> =
                self.filters.iter().filter_map(|f| f.redactor()).collect();
            return crate::filters::with_redacted(rec, &redactors, |r| self.emit(r));
        }
        self.emit(rec);
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
        match result {
            Ok(()) => {
                self.failed.store(false, Ordering::Relaxed);
            }
            Err(e) => self.report(&e),
        }
    }

    /// Reports a failing write once on stderr (until a write succeeds again).
    fn report(&self, e: &std::io::Error) {
        if !self.failed.swap(true, Ordering::Relaxed) {
            let target = self
                .sink
                .path()
                .map(|p| format!(" to {}", p.display()))
                .unwrap_or_default();
            eprintln!("logconf: handler `{}` cannot write{target}: {e}", self.name);
        }
    }

    /// Flushes buffered output.
    pub fn flush(&self) {
        if let Err(e) = self.sink.flush() {
            self.report(&e);
        }
    }
}

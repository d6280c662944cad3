//! The record that flows through the router: one logging call, with Python's level
//! number and the facts every formatter field is computed from.

use std::fmt;
use std::time::SystemTime;

use crate::config::values::Level;

/// The text of a record: `log`'s format arguments, or a ready string.
#[derive(Clone, Copy)]
#[non_exhaustive]
pub enum Message<'a> {
    /// From a `log` macro.
    Args(fmt::Arguments<'a>),
    /// A ready text (replay, helpers).
    Text(&'a str),
}

impl fmt::Display for Message<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Message::Args(a) => a.fmt(f),
            Message::Text(t) => f.write_str(t),
        }
    }
}

impl Message<'_> {
    /// Appends the text to `out` without an intermediate allocation.
    pub fn write_to(&self, out: &mut String) {
        match self {
            Message::Text(t) => out.push_str(t),
            Message::Args(a) => match a.as_str() {
                Some(s) => out.push_str(s),
                None => {
                    let _ = fmt::Write::write_fmt(out, *a);
                }
            },
        }
    }
}

/// No key-values.
pub struct NoKv;

impl log::kv::Source for NoKv {
    fn visit<'kvs>(
        &'kvs self,
        _: &mut dyn log::kv::VisitSource<'kvs>,
    ) -> Result<(), log::kv::Error> {
        Ok(())
    }
}

/// One logging call, as filters see it and [`crate::Handle::log`] takes it.
///
/// Built with [`Record::new`] and the setters:
///
/// ```
/// use logconf::{Level, Message, Record};
/// let fields = [("user_id", 7)];
/// let rec = Record::new(Level::INFO, Message::Text("API Request started"))
///     .logger("billing.api")
///     .key_values(&fields)
///     .location("src/api.rs", 42);
/// assert_eq!(rec.logger, "billing.api");
/// ```
#[non_exhaustive]
pub struct Record<'a> {
    /// Python's level number (CRITICAL is 50).
    pub level: Level,
    /// The dotted logger name (`root` for the root logger).
    pub logger: &'a str,
    /// The message.
    pub message: Message<'a>,
    /// The record's key-values.
    pub kv: &'a dyn log::kv::Source,
    /// Source file, when known.
    pub file: Option<&'a str>,
    /// Source line, when known.
    pub line: Option<u32>,
    /// When the call was made.
    pub time: SystemTime,
    /// The thread and context of the logging call, when the record is handled on
    /// another thread (a `queue` handler's worker); None: the current thread's.
    pub origin: Option<&'a Origin>,
}

/// Where a record was logged, when it is handled on another thread (a `queue`
/// handler's worker): what a formatter would otherwise read from the current thread.
#[derive(Clone, Debug, Default)]
#[non_exhaustive]
pub struct Origin {
    /// `pthread_self()` of the logging thread (`%(thread)d`).
    pub thread_id: u64,
    /// Its name (`%(threadName)s`).
    pub thread_name: std::sync::Arc<str>,
    /// The context fields set there (`logconf::context`).
    pub context: Vec<(String, crate::value::Value)>,
}

/// Python's level number of a `log` level.
pub fn from_log_level(level: log::Level) -> Level {
    match level {
        log::Level::Error => Level::ERROR,
        log::Level::Warn => Level::WARNING,
        log::Level::Info => Level::INFO,
        log::Level::Debug => Level::DEBUG,
        log::Level::Trace => Level::TRACE,
    }
}

/// The key-value that carries a Python level number `log` cannot express (CRITICAL).
pub const LEVEL_KEY: &str = "__logconf_level";

/// The Python level of a `log` record: its `log` level, or the number in
/// [`LEVEL_KEY`] (how `critical!` reaches CRITICAL).
pub fn level_of(record: &log::Record<'_>) -> Level {
    let level = from_log_level(record.level());
    match record
        .key_values()
        .get(log::kv::Key::from_str(LEVEL_KEY))
        .and_then(|v| v.to_i64())
    {
        Some(n) => Level::from_number(n).unwrap_or(level),
        None => level,
    }
}

impl<'a> Record<'a> {
    /// A record of `message` at `level` on the root logger, logged now, without
    /// key-values or source location; the setters below give the rest.
    pub fn new(level: Level, message: Message<'a>) -> Record<'a> {
        Record {
            level,
            logger: "",
            message,
            kv: &NoKv,
            file: None,
            line: None,
            time: crate::clock::now(),
            origin: None,
        }
    }

    /// The dotted logger name (`billing.api`; `::` reads as `.`).
    pub fn logger(mut self, logger: &'a str) -> Record<'a> {
        self.logger = logger;
        self
    }

    /// The record's key-values: any `log::kv::Source`, such as `&[("user_id", 7)]`.
    pub fn key_values(mut self, kv: &'a dyn log::kv::Source) -> Record<'a> {
        self.kv = kv;
        self
    }

    /// The source file and line (`%(pathname)s`, `%(lineno)d`).
    pub fn location(mut self, file: &'a str, line: u32) -> Record<'a> {
        self.file = Some(file);
        self.line = Some(line);
        self
    }

    /// When the call was made (default: now).
    pub fn time(mut self, time: SystemTime) -> Record<'a> {
        self.time = time;
        self
    }
}

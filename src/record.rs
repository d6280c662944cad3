//! The record that flows through the router: one logging call, with Python's level
//! number and the facts every formatter field is computed from.

use std::fmt;
use std::time::SystemTime;

use crate::config::values::Level;

/// The text of a record: `log`'s format arguments, or a ready string.
#[derive(Clone, Copy)]
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

/// One logging call.
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
}

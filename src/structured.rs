//! Structured logging in the Billing-API example's shape: `StructuredLogger::new("myapp.payments")`
//! with `info(msg, fields)`, the `critical!` macro, and the records they build.

use std::fmt::Write;

use crate::context::Value;
use crate::record::LEVEL_KEY;
use crate::Level;

/// Fields of a structured record, in order: `&[("payment_id", 456.into())]`.
pub type Fields<'a> = &'a [(&'a str, Value)];

/// Logs a CRITICAL (50) record, with the shape of `log::error!`: CRITICAL is a level
/// of its own in levels, filters, `levelname` and JSON.
///
/// ```
/// logconf::critical!(target: "billing.security", "Payment provider unreachable");
/// logconf::critical!(target: "billing", order_id = 42; "Ledger mismatch on order {}", 42);
/// ```
#[macro_export]
macro_rules! critical {
    (target: $target:expr, $($key:tt $(:$capture:tt)? $(= $value:expr)?),+; $($arg:tt)+) => {
        $crate::__private::log::log!(target: $target, $crate::__private::log::Level::Error, __logconf_level = 50, $($key $(:$capture)? $(= $value)?),+; $($arg)+)
    };
    (target: $target:expr, $($arg:tt)+) => {
        $crate::__private::log::log!(target: $target, $crate::__private::log::Level::Error, __logconf_level = 50; $($arg)+)
    };
    ($($key:tt $(:$capture:tt)? $(= $value:expr)?),+; $($arg:tt)+) => {
        $crate::__private::log::log!($crate::__private::log::Level::Error, __logconf_level = 50, $($key $(:$capture)? $(= $value)?),+; $($arg)+)
    };
    ($($arg:tt)+) => {
        $crate::__private::log::log!($crate::__private::log::Level::Error, __logconf_level = 50; $($arg)+)
    };
}

/// Python's `repr()` of a dict of these fields: `{'payment_id': 456, 'currency': 'USD'}`.
pub fn python_dict(fields: Fields<'_>) -> String {
    let mut out = String::from("{");
    for (i, (k, v)) in fields.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        let key = crate::format::value::FieldValue::Str((*k).into());
        key.write_repr(&mut out);
        out.push_str(": ");
        match v {
            Value::Bool(true) => out.push_str("True"),
            Value::Bool(false) => out.push_str("False"),
            other => crate::format::context_value(other).write_repr(&mut out),
        }
    }
    out.push('}');
    out
}

/// [`python_dict`] as a format argument: `format_args!("Details: {}", PythonDict(fields))`.
pub(crate) struct PythonDict<'a>(pub Fields<'a>);

impl std::fmt::Display for PythonDict<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&python_dict(self.0))
    }
}

/// A field value a record can carry: an owned [`Value`] or a borrowed `log` value.
trait AsKv {
    fn as_kv(&self) -> log::kv::Value<'_>;
}

impl AsKv for Value {
    fn as_kv(&self) -> log::kv::Value<'_> {
        self.to_kv()
    }
}

impl AsKv for log::kv::Value<'_> {
    fn as_kv(&self) -> log::kv::Value<'_> {
        self.clone()
    }
}

/// Key-values (`fields`, then `more`), and the Python level when `log`'s five cannot
/// carry it.
struct KvFields<'a, V> {
    fields: &'a [(&'a str, V)],
    more: &'a [(&'a str, V)],
    level: Option<i64>,
}

impl<V: AsKv> log::kv::Source for KvFields<'_, V> {
    fn visit<'kvs>(
        &'kvs self,
        visitor: &mut dyn log::kv::VisitSource<'kvs>,
    ) -> Result<(), log::kv::Error> {
        if let Some(n) = self.level {
            visitor.visit_pair(log::kv::Key::from_str(LEVEL_KEY), log::kv::Value::from(n))?;
        }
        for (k, v) in self.fields.iter().chain(self.more) {
            visitor.visit_pair(log::kv::Key::from_str(k), v.as_kv())?;
        }
        Ok(())
    }

    fn count(&self) -> usize {
        self.fields.len() + self.more.len() + usize::from(self.level.is_some())
    }
}

/// The `log` level that carries a Python level (and whether the level key is needed).
fn log_level(level: Level) -> (log::Level, bool) {
    match level.0 {
        40 => (log::Level::Error, false),
        30 => (log::Level::Warn, false),
        20 => (log::Level::Info, false),
        10 => (log::Level::Debug, false),
        5 => (log::Level::Trace, false),
        n if n > 40 => (log::Level::Error, true),
        n if n > 30 => (log::Level::Warn, true),
        n if n > 20 => (log::Level::Info, true),
        n if n > 10 => (log::Level::Debug, true),
        _ => (log::Level::Trace, true),
    }
}

/// Logs one record with key-values through the installed `log` logger.
#[track_caller]
pub fn emit(target: &str, level: Level, message: &str, fields: Fields<'_>) {
    emit_with(target, level, format_args!("{message}"), fields, &[]);
}

/// [`emit`] with the message as format arguments and the fields in two parts (a
/// helper's own, then the caller's), neither copied.
#[track_caller]
pub(crate) fn emit_parts(
    target: &str,
    level: Level,
    message: std::fmt::Arguments<'_>,
    own: Fields<'_>,
    more: Fields<'_>,
) {
    emit_with(target, level, message, own, more);
}

#[track_caller]
fn emit_with<V: AsKv>(
    target: &str,
    level: Level,
    message: std::fmt::Arguments<'_>,
    fields: &[(&str, V)],
    more: &[(&str, V)],
) {
    let (log_level, marked) = log_level(level);
    if log_level > log::max_level() {
        return;
    }
    let location = std::panic::Location::caller();
    let kv = KvFields {
        fields,
        more,
        level: marked.then_some(i64::from(level.0)),
    };
    log::logger().log(
        &log::Record::builder()
            .args(message)
            .level(log_level)
            .target(target)
            .file(Some(location.file()))
            .line(Some(location.line()))
            .key_values(&kv)
            .build(),
    );
}

/// True when the installed `log` logger would handle a record of `target` at `level`
/// (nothing needs building otherwise). A level `log` cannot carry (CRITICAL, a custom
/// level) is not asked about: the logger would be asked with `log`'s level below it
/// and could say no to a record that passes.
pub fn enabled(target: &str, level: Level) -> bool {
    let (log_level, marked) = log_level(level);
    log_level <= log::max_level()
        && (marked
            || log::logger().enabled(
                &log::Metadata::builder()
                    .level(log_level)
                    .target(target)
                    .build(),
            ))
}

/// [`emit`] with the message as format arguments and borrowed key-values: nothing is
/// copied or formatted before a handler writes the line.
#[track_caller]
pub fn emit_args(
    target: &str,
    level: Level,
    message: std::fmt::Arguments<'_>,
    pairs: &[(&str, log::kv::Value<'_>)],
) {
    emit_with(target, level, message, pairs, &[]);
}

/// A logger for one dotted name with the Billing-API example's `logger.info(msg, {fields})` shape. The
/// fields become key-values (real fields in JSON) and follow the message as Python
/// prints a dict: `Processing refund - {'payment_id': 456}`.
#[derive(Clone, Debug)]
pub struct StructuredLogger {
    name: String,
}

impl StructuredLogger {
    /// A logger for `name` (dotted, such as `myapp.payments`).
    pub fn new(name: impl Into<String>) -> Self {
        StructuredLogger { name: name.into() }
    }

    /// The logger's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Logs at `level`; an error prints its source chain after the message, as Python
    /// prints a traceback.
    #[track_caller]
    pub fn log(
        &self,
        level: Level,
        message: &str,
        fields: Fields<'_>,
        error: Option<&dyn std::error::Error>,
    ) {
        if !enabled(&self.name, level) {
            return;
        }
        let mut text = String::from(message);
        if !fields.is_empty() {
            let _ = write!(text, " - {}", python_dict(fields));
        }
        if let Some(e) = error {
            let _ = write!(text, "\nError: {e}");
            let mut source = e.source();
            while let Some(s) = source {
                let _ = write!(text, "\nCaused by: {s}");
                source = s.source();
            }
        }
        emit(&self.name, level, &text, fields);
    }

    /// DEBUG.
    #[track_caller]
    pub fn debug(&self, message: &str, fields: Fields<'_>) {
        self.log(Level::DEBUG, message, fields, None);
    }

    /// INFO.
    #[track_caller]
    pub fn info(&self, message: &str, fields: Fields<'_>) {
        self.log(Level::INFO, message, fields, None);
    }

    /// WARNING.
    #[track_caller]
    pub fn warning(&self, message: &str, fields: Fields<'_>) {
        self.log(Level::WARNING, message, fields, None);
    }

    /// ERROR.
    #[track_caller]
    pub fn error(&self, message: &str, fields: Fields<'_>) {
        self.log(Level::ERROR, message, fields, None);
    }

    /// ERROR with an error and its source chain (Python's `exc_info=True`).
    #[track_caller]
    pub fn error_with(&self, message: &str, fields: Fields<'_>, error: &dyn std::error::Error) {
        self.log(Level::ERROR, message, fields, Some(error));
    }

    /// CRITICAL.
    #[track_caller]
    pub fn critical(&self, message: &str, fields: Fields<'_>) {
        self.log(Level::CRITICAL, message, fields, None);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dicts_print_as_python() {
        let d = python_dict(&[
            ("payment_id", 456.into()),
            ("amount", 99.99.into()),
            ("currency", "USD".into()),
            ("ok", true.into()),
        ]);
        assert_eq!(
            d,
            "{'payment_id': 456, 'amount': 99.99, 'currency': 'USD', 'ok': True}"
        );
    }
}

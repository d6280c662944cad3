//! Filters: decide per record whether a logger or handler goes on with it.

use std::borrow::Cow;
use std::sync::Arc;

use crate::config::model::FilterConfig;
use crate::config::values::Level;
use crate::format::value::FieldValue;
use crate::record::{Message, Record};
use crate::redact::Redactor;

/// A filter registered from Rust code, referenced as `class = "custom"`.
pub type CustomFilter = Arc<dyn Fn(&Record<'_>) -> bool + Send + Sync>;

/// A compiled filter.
#[derive(Clone)]
pub enum Filter {
    /// Python's `logging.Filter(name)`.
    Name(String),
    /// `require_debug_true` / `require_debug_false`, decided at configuration time.
    Constant(bool),
    /// `level_range`.
    LevelRange(Level, Level),
    /// A registered function.
    Custom(CustomFilter),
    /// `redact`: passes every record, rewriting its secrets.
    Redact(Arc<Redactor>),
}

impl Filter {
    /// Builds the runtime filter; `debug` is the DEBUG mode of the configuration.
    pub fn compile(
        config: &FilterConfig,
        debug: bool,
        custom: &dyn Fn(&str) -> Option<CustomFilter>,
    ) -> Filter {
        match config {
            FilterConfig::Name { name } => Filter::Name(name.clone()),
            FilterConfig::RequireDebugTrue {} => Filter::Constant(debug),
            FilterConfig::RequireDebugFalse {} => Filter::Constant(!debug),
            FilterConfig::LevelRange { min, max } => {
                Filter::LevelRange(min.unwrap_or(Level::NOTSET), max.unwrap_or(Level::CRITICAL))
            }
            FilterConfig::Custom { function } => match custom(function) {
                Some(f) => Filter::Custom(f),
                None => Filter::Constant(true),
            },
            FilterConfig::Redact {
                patterns,
                replacement,
            } => match Redactor::new(patterns.as_deref(), replacement.as_deref()) {
                Ok(r) => Filter::Redact(Arc::new(r)),
                // patterns are checked at load; a failure here cannot happen
                Err(_) => Filter::Constant(true),
            },
        }
    }

    /// True when the record passes.
    pub fn passes(&self, rec: &Record<'_>) -> bool {
        match self {
            Filter::Name(name) => {
                name.is_empty()
                    || rec.logger == name
                    || (rec.logger.starts_with(name.as_str())
                        && rec.logger.as_bytes().get(name.len()) == Some(&b'.'))
            }
            Filter::Constant(pass) => *pass,
            Filter::LevelRange(min, max) => *min <= rec.level && rec.level <= *max,
            Filter::Redact(_) => true,
            Filter::Custom(f) => {
                // A panicking user filter must not take the logging call down.
                std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| f(rec))).unwrap_or(true)
            }
        }
    }
}

impl Filter {
    /// The redactor of a `redact` filter.
    pub fn redactor(&self) -> Option<&Redactor> {
        match self {
            Filter::Redact(r) => Some(r),
            _ => None,
        }
    }
}

/// Key-values with their text values redacted.
struct RedactedKv(Vec<(String, FieldValue<'static>)>);

impl log::kv::Source for RedactedKv {
    fn visit<'kvs>(
        &'kvs self,
        visitor: &mut dyn log::kv::VisitSource<'kvs>,
    ) -> Result<(), log::kv::Error> {
        for (k, v) in &self.0 {
            let value = match v {
                FieldValue::Str(s) => log::kv::Value::from(s.as_ref()),
                FieldValue::Int(i) => log::kv::Value::from(*i),
                FieldValue::Float(f) => log::kv::Value::from(*f),
                FieldValue::Bool(b) => log::kv::Value::from(*b),
            };
            visitor.visit_pair(log::kv::Key::from_str(k), value)?;
        }
        Ok(())
    }
}

struct Collect(Vec<(String, FieldValue<'static>)>);

impl<'kvs> log::kv::VisitSource<'kvs> for Collect {
    fn visit_pair(
        &mut self,
        key: log::kv::Key<'kvs>,
        value: log::kv::Value<'kvs>,
    ) -> Result<(), log::kv::Error> {
        self.0
            .push((key.as_str().to_string(), crate::format::kv_value(&value)));
        Ok(())
    }
}

/// Calls `f` with a copy of `rec` whose message and key-values went through every
/// redactor (a key that names a secret has its whole value replaced).
pub fn with_redacted<R>(
    rec: &Record<'_>,
    redactors: &[&Redactor],
    f: impl FnOnce(&Record<'_>) -> R,
) -> R {
    let mut message = String::new();
    rec.message.write_to(&mut message);
    for r in redactors {
        if let Cow::Owned(s) = r.redact(&message) {
            message = s;
        }
    }
    let mut kv = Collect(Vec::new());
    let _ = rec.kv.visit(&mut kv);
    for (k, v) in kv.0.iter_mut() {
        if k.starts_with("__logconf") {
            continue;
        }
        let text = match &*v {
            FieldValue::Str(s) => s.to_string(),
            other if crate::redact::is_secret_name(k) => {
                let mut s = String::new();
                other.write_str(&mut s);
                s
            }
            _ => continue,
        };
        let mut redacted = text.clone();
        for r in redactors {
            if let Cow::Owned(s) = r.redact_value(k, &redacted) {
                redacted = s;
            }
        }
        if redacted != text {
            *v = FieldValue::Str(Cow::Owned(redacted));
        }
    }
    let kv = RedactedKv(kv.0);
    let copy = Record {
        message: Message::Text(&message),
        kv: &kv,
        ..*rec
    };
    f(&copy)
}

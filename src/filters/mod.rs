//! Filters: the `[filters.NAME]` table, and the compiled filter that decides per record
//! whether a logger or handler goes on with it.

pub mod redact;

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::Arc;

use serde::Deserialize;

use crate::config::values::Level;
use crate::diagnostics::did_you_mean;
use crate::format::value::{FieldValue, OwnedKv};
use crate::record::{Message, Record};
use redact::Redactor;

/// A filter `[filters.NAME]`, chosen by `class`.
#[derive(Clone, Debug, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "class", rename_all = "snake_case", deny_unknown_fields)]
pub enum FilterConfig {
    /// Passes records of the logger `name` and its descendants (Python's `logging.Filter`).
    Name {
        /// The logger name; "" passes every record.
        #[serde(default)]
        name: String,
    },
    /// Passes records only in DEBUG mode (Django's `RequireDebugTrue`).
    RequireDebugTrue {},
    /// Passes records only outside DEBUG mode (Django's `RequireDebugFalse`).
    RequireDebugFalse {},
    /// Passes records with `min <= level <= max`.
    LevelRange {
        /// The lowest level passed. Default NOTSET.
        min: Option<Level>,
        /// The highest level passed. Default CRITICAL.
        max: Option<Level>,
    },
    /// Passes every record, with secrets (card numbers and track data, passwords and
    /// other values named like secrets, credentials in URLs, cookies, bearer tokens,
    /// JWTs, providers' API keys, private keys) rewritten in the message, the
    /// key-values and the context fields. See docs/redaction.md.
    Redact {
        /// Built-in pattern names ("card", "password", "bearer", "jwt", "keys") and/or
        /// regular expressions. Default: all built-in patterns.
        patterns: Option<Vec<String>>,
        /// The text a secret is replaced with. Default `"[REDACTED]"`.
        replacement: Option<String>,
        /// How card numbers are written: "none" replaces them whole (default),
        /// "last4" keeps their last four digits (`**** **** **** 1111`).
        mask: Option<redact::Mask>,
    },
    /// A filter registered by name from Rust code at init (`Builder::filter`); `init()`
    /// fails when nothing is registered under `function`. The `logconf` command runs no
    /// application code: it passes every record through such a filter, with a warning
    /// (`--strict` refuses it instead).
    Custom {
        /// The name the filter was registered under.
        function: String,
    },
}

/// A filter registered from Rust code, referenced as `class = "custom"`.
pub type CustomFilter = Arc<dyn Fn(&Record<'_>) -> bool + Send + Sync>;

/// Why a `[filters.NAME]` table cannot be built: the key at fault and what is wrong.
#[derive(Clone, Debug)]
pub struct FilterError {
    /// The key inside the filter's table (`function`, `patterns[1]`, ...).
    pub key: String,
    /// What is wrong.
    pub message: String,
    /// The short text under the caret.
    pub label: String,
    /// How to fix it.
    pub help: Option<String>,
}

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
    /// Builds the runtime filter from a checked `[filters.NAME]` table; `debug` is the
    /// DEBUG mode of the configuration, `custom` the filters registered from code. The
    /// error is the problem and the key it is about.
    pub fn build(
        config: &FilterConfig,
        debug: bool,
        custom: &HashMap<String, CustomFilter>,
    ) -> Result<Filter, FilterError> {
        Ok(match config {
            FilterConfig::Name { name } => Filter::Name(name.clone()),
            FilterConfig::RequireDebugTrue {} => Filter::Constant(debug),
            FilterConfig::RequireDebugFalse {} => Filter::Constant(!debug),
            FilterConfig::LevelRange { min, max } => {
                let (min, max) = (min.unwrap_or(Level::NOTSET), max.unwrap_or(Level::CRITICAL));
                if min > max {
                    return Err(FilterError {
                        key: "min".into(),
                        message: format!("min {min} is above max {max}"),
                        label: "no record can pass".into(),
                        help: None,
                    });
                }
                Filter::LevelRange(min, max)
            }
            FilterConfig::Custom { function } => match custom.get(function) {
                Some(f) => Filter::Custom(f.clone()),
                None => {
                    let help = did_you_mean(function, custom.keys().map(String::as_str))
                        .unwrap_or_else(|| {
                            "register it from Rust with `logconf::Builder::filter(name, fn)` before init"
                                .to_string()
                        });
                    return Err(FilterError {
                        key: "function".into(),
                        message: format!("no custom filter `{function}` is registered"),
                        label: "not registered".into(),
                        help: Some(help),
                    });
                }
            },
            FilterConfig::Redact {
                patterns,
                replacement,
                mask,
            } => {
                let redactor = Redactor::new(
                    patterns.as_deref(),
                    replacement.as_deref(),
                    mask.unwrap_or_default(),
                )
                    .map_err(|(i, label)| {
                        let pattern = patterns.as_deref().and_then(|p| p.get(i));
                        FilterError {
                            key: format!("patterns[{i}]"),
                            message: format!(
                                "pattern `{}` is neither a built-in name nor a valid regular expression",
                                pattern.map_or("", String::as_str)
                            ),
                            label,
                            help: Some(format!(
                                "built-in patterns are {}",
                                redact::BUILTIN.join(", ")
                            )),
                        }
                    })?;
                Filter::Redact(Arc::new(redactor))
            }
        })
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
            Filter::Name(_) | Filter::Constant(_) | Filter::LevelRange(..) | Filter::Custom(_) => {
                None
            }
        }
    }
}

/// Python's filter step for a logger or a handler: every filter must pass, then the
/// `redact` filters rewrite the record. Calls `then` with the record to go on with,
/// unless a filter refused it.
pub fn apply(filters: &[Arc<Filter>], rec: &Record<'_>, then: impl FnOnce(&Record<'_>)) {
    if !filters.iter().all(|f| f.passes(rec)) {
        return;
    }
    let mut redactors = filters.iter().filter_map(|f| f.redactor());
    match (redactors.next(), redactors.next()) {
        (None, _) => then(rec),
        // the usual case, one `redact` filter: nothing to collect
        (Some(one), None) => with_redacted(rec, &[one], then),
        (Some(_), Some(_)) => {
            let all: Vec<&Redactor> = filters.iter().filter_map(|f| f.redactor()).collect();
            with_redacted(rec, &all, then);
        }
    }
}

/// Whether one value needs the redactors: an integer as long as a card number, a text
/// (or a char) a pattern could match, or a value shown through Display or Debug (it may
/// hold anything). A float, a bool or nothing cannot.
struct ValueCheck<'r> {
    redactors: &'r [&'r Redactor],
    needed: bool,
}

impl<'v> log::kv::VisitValue<'v> for ValueCheck<'_> {
    fn visit_any(&mut self, _: log::kv::Value) -> Result<(), log::kv::Error> {
        self.needed = true;
        Ok(())
    }

    fn visit_null(&mut self) -> Result<(), log::kv::Error> {
        Ok(())
    }

    fn visit_u64(&mut self, value: u64) -> Result<(), log::kv::Error> {
        self.needed = redact::card_length(value);
        Ok(())
    }

    fn visit_i64(&mut self, value: i64) -> Result<(), log::kv::Error> {
        self.needed = redact::card_length(value.unsigned_abs());
        Ok(())
    }

    fn visit_u128(&mut self, value: u128) -> Result<(), log::kv::Error> {
        self.needed = u64::try_from(value).is_ok_and(redact::card_length);
        Ok(())
    }

    fn visit_i128(&mut self, value: i128) -> Result<(), log::kv::Error> {
        self.needed = u64::try_from(value.unsigned_abs()).is_ok_and(redact::card_length);
        Ok(())
    }

    fn visit_f64(&mut self, _: f64) -> Result<(), log::kv::Error> {
        Ok(())
    }

    fn visit_bool(&mut self, _: bool) -> Result<(), log::kv::Error> {
        Ok(())
    }

    fn visit_char(&mut self, value: char) -> Result<(), log::kv::Error> {
        // a custom pattern may match one character
        self.visit_str(value.encode_utf8(&mut [0; 4]))
    }

    fn visit_str(&mut self, value: &str) -> Result<(), log::kv::Error> {
        self.needed = self.redactors.iter().any(|r| r.may_match(value));
        Ok(())
    }
}

/// True when a key-value needs the redactors: its key names a secret, or its value
/// does (see [`ValueCheck`]).
fn kv_needs_redaction(kv: &dyn log::kv::Source, redactors: &[&Redactor]) -> bool {
    struct Check<'r> {
        redactors: &'r [&'r Redactor],
        needed: bool,
    }
    impl<'kvs> log::kv::VisitSource<'kvs> for Check<'_> {
        fn visit_pair(
            &mut self,
            key: log::kv::Key<'kvs>,
            value: log::kv::Value<'kvs>,
        ) -> Result<(), log::kv::Error> {
            let k = key.as_str();
            if k.starts_with("__logconf") {
                return Ok(());
            }
            let needed =
                (self.redactors.iter().any(|r| r.judges_names()) && redact::is_secret_name(k)) || {
                    // one look at the value, whatever its kind
                    let mut value_check = ValueCheck {
                        redactors: self.redactors,
                        needed: false,
                    };
                    let _ = value.visit(&mut value_check);
                    value_check.needed
                };
            if needed {
                self.needed = true;
                return Err(log::kv::Error::msg("found"));
            }
            Ok(())
        }
    }
    let mut check = Check {
        redactors,
        needed: false,
    };
    let _ = kv.visit(&mut check);
    check.needed
}

/// The context fields a record carries: captured with it (a queued record), else the
/// logging thread's.
fn context_fields(rec: &Record<'_>) -> Vec<(String, crate::value::Value)> {
    match rec.origin {
        Some(o) => o.context.clone(),
        None if crate::context::is_empty() => Vec::new(),
        None => crate::context::snapshot(),
    }
}

/// True when a context field's name or its text needs a redactor.
fn context_field_needs(name: &str, value: &crate::value::Value, redactors: &[&Redactor]) -> bool {
    use crate::value::Value;
    redactors.iter().any(|r| {
        (r.judges_names() && redact::is_secret_name(name))
            || match value {
                Value::Str(s) => r.may_match(s),
                Value::Int(i) => redact::card_length(i.unsigned_abs()),
                Value::Float(_) | Value::Bool(_) => false,
            }
    })
}

/// True when a context field of the record needs a redactor. A scope's fields never
/// change while shared, so a scope found clean is remembered (by its allocation, kept
/// alive while remembered) for the next record in it.
fn context_needs_redaction(rec: &Record<'_>, redactors: &[&Redactor]) -> bool {
    use crate::context::{Fields, Part};
    /// The last scopes found clean on this thread, with the redactor that judged them.
    const REMEMBERED: usize = 4;
    thread_local! {
        static CLEAN: std::cell::RefCell<[Option<(Fields, u64)>; REMEMBERED]> =
            const { std::cell::RefCell::new([const { None }; REMEMBERED]) };
    }
    // only one redactor's verdict is remembered (the usual case)
    let judge = match redactors {
        [one] => one.id(),
        _ => 0,
    };
    let scope_needs = |fields: &Fields| {
        let known = |clean: &[Option<(Fields, u64)>; REMEMBERED]| {
            clean
                .iter()
                .flatten()
                .any(|(f, id)| *id == judge && std::sync::Arc::ptr_eq(f, fields))
        };
        if judge != 0 && CLEAN.try_with(|c| c.try_borrow().is_ok_and(|c| known(&c))) == Ok(true) {
            return false;
        }
        let needs = fields
            .iter()
            .any(|(k, v)| context_field_needs(k, v, redactors));
        if !needs && judge != 0 {
            let _ = CLEAN.try_with(|c| {
                if let Ok(mut c) = c.try_borrow_mut() {
                    c.rotate_right(1);
                    c[0] = Some((fields.clone(), judge));
                }
            });
        }
        needs
    };
    match rec.origin {
        Some(o) => o
            .context
            .iter()
            .any(|(k, v)| context_field_needs(k, v, redactors)),
        None => crate::context::any_part(|part| match part {
            Part::Scope(fields) => scope_needs(fields),
            Part::SpanField(k, v) => context_field_needs(k, v, redactors),
        }),
    }
}

/// Calls `f` with a copy of `rec` whose message and key-values went through every
/// redactor (a key that names a secret has its whole value replaced); with `rec`
/// itself, copying nothing, when no redactor could change it.
pub fn with_redacted<R>(
    rec: &Record<'_>,
    redactors: &[&Redactor],
    f: impl FnOnce(&Record<'_>) -> R,
) -> R {
    // the first redactor's look is kept for its rewrite (the usual case: one redactor)
    let first_look = |text: &str| redactors.first().and_then(|r| r.first_look(text));
    let clean = |text: &str, looked: &Option<redact::Looked>| {
        looked.is_none()
            && !redactors.iter().skip(1).any(|r| r.may_match(text))
            && !kv_needs_redaction(rec.kv, redactors)
            && !context_needs_redaction(rec, redactors)
    };
    let text = match rec.message {
        Message::Text(t) => Some(t),
        Message::Args(a) => a.as_str(),
    };
    let mut looked = None;
    if let Some(t) = text {
        looked = first_look(t);
        if clean(t, &looked) {
            return f(rec);
        }
    }
    // formatted once, here, into a buffer the thread keeps: the handlers see the text
    thread_local! {
        static FORMATTED: std::cell::RefCell<String> = const { std::cell::RefCell::new(String::new()) };
    }
    let mut message = FORMATTED
        .try_with(|c| {
            c.try_borrow_mut()
                .map(|mut s| std::mem::take(&mut *s))
                .unwrap_or_default()
        })
        .unwrap_or_default();
    message.clear();
    rec.message.write_to(&mut message);
    if text.is_none() {
        looked = first_look(&message);
    }
    let r = if text.is_none() && clean(&message, &looked) {
        f(&Record {
            message: Message::Text(&message),
            ..*rec
        })
    } else {
        redact_copy(rec, &mut message, redactors, looked, f)
    };
    if message.capacity() <= 64 * 1024 {
        let _ = FORMATTED.try_with(|c| {
            if let Ok(mut s) = c.try_borrow_mut() {
                *s = message;
            }
        });
    }
    r
}

/// The record copied, its message (`message`, formatted) and key-values redacted;
/// `looked`: the first redactor's look at the message.
fn redact_copy<R>(
    rec: &Record<'_>,
    message: &mut String,
    redactors: &[&Redactor],
    looked: Option<redact::Looked>,
    f: impl FnOnce(&Record<'_>) -> R,
) -> R {
    for (i, r) in redactors.iter().enumerate() {
        let redacted = match (i, looked) {
            (0, Some(l)) => r.redact_after(message, l),
            (0, None) => Cow::Borrowed(message.as_str()),
            _ => r.redact(message),
        };
        if let Cow::Owned(s) = redacted {
            *message = s;
        }
    }
    let mut kv = OwnedKv::capture(rec.kv);
    for (k, v) in kv.0.iter_mut() {
        if k.starts_with("__logconf") {
            continue;
        }
        let text = match &*v {
            FieldValue::Str(s) => s.to_string(),
            // a number named like a secret, or one as long as a card number
            other
                if redact::is_secret_name(k)
                    || matches!(other, FieldValue::Int(i) if redact::card_length(i.unsigned_abs()))
                    || matches!(other, FieldValue::Int128(i) if u64::try_from(i.unsigned_abs()).is_ok_and(redact::card_length))
                    || matches!(other, FieldValue::UInt128(u) if u64::try_from(*u).is_ok_and(redact::card_length)) =>
            {
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
    // a context field with a secret: its redacted text as a key-value of the same
    // name, which every output shows instead of the field
    for (k, v) in context_fields(rec) {
        if kv.0.iter().any(|(seen, _)| *seen == k) || !context_field_needs(&k, &v, redactors) {
            continue;
        }
        let text = v.to_string();
        let mut redacted = text.clone();
        for r in redactors {
            if let Cow::Owned(s) = r.redact_value(&k, &redacted) {
                redacted = s;
            }
        }
        if redacted != text {
            kv.0.push((k, FieldValue::Str(Cow::Owned(redacted))));
        }
    }
    let copy = Record {
        message: Message::Text(message),
        kv: &kv,
        ..*rec
    };
    f(&copy)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::Record;

    fn through(rec: &Record<'_>) -> (String, Vec<(String, String)>, bool) {
        let r = Redactor::new(None, None, redact::Mask::None).unwrap();
        with_redacted(rec, &[&r], |out| {
            let mut text = String::new();
            out.message.write_to(&mut text);
            let kv = crate::format::value::OwnedKv::capture(out.kv)
                .0
                .into_iter()
                .map(|(k, v)| {
                    let mut s = String::new();
                    v.write_str(&mut s);
                    (k, s)
                })
                .collect();
            (text, kv, std::ptr::eq(out, rec))
        })
    }

    #[test]
    fn a_clean_record_is_passed_on_without_a_copy() {
        let kv = [("user_id", 7), ("status", 201)];
        let rec = Record {
            kv: &kv as &dyn log::kv::Source,
            ..Record::new(
                Level::INFO,
                Message::Text("API Request completed - Status: 201"),
            )
        };
        let (text, _, same) = through(&rec);
        assert_eq!(text, "API Request completed - Status: 201");
        assert!(same, "no copy for a record without secrets");
    }

    #[test]
    fn formatted_messages_and_key_values_are_redacted() {
        let card = "4111 1111 1111 1111";
        let args = format_args!("pay with {card}, token={}", "abc123");
        let kv = [("password", "hunter2"), ("note", "fine")];
        let rec = Record {
            kv: &kv as &dyn log::kv::Source,
            ..Record::new(Level::INFO, Message::Args(args))
        };
        let (text, kv, _) = through(&rec);
        assert_eq!(text, "pay with [REDACTED], token=[REDACTED]");
        assert_eq!(
            kv,
            [
                ("password".to_string(), "[REDACTED]".to_string()),
                ("note".to_string(), "fine".to_string())
            ]
        );
        // a formatted message without secrets reaches the handlers as its text
        let args = format_args!("order {} shipped", 17);
        let rec = Record::new(Level::INFO, Message::Args(args));
        assert_eq!(through(&rec).0, "order 17 shipped");
    }
}

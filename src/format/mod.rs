//! Formatters: a record becomes one line of text, as Python's `logging.Formatter`
//! builds it. The format is parsed once at load; formatting a record walks the parsed
//! pieces and appends to a reused buffer.

mod config;
pub mod json;
pub mod key_values;
pub mod spec;
pub mod template;
pub mod time;
pub use time::unknown_directives;
pub mod value;

use std::borrow::Cow;
use std::collections::HashMap;
use std::path::Path;
use std::time::SystemTime;

use once_cell::sync::Lazy;

pub use config::{FormatterClass, FormatterConfig, Style};

use crate::record::Record;
use crate::value::Value;
use spec::Spec;
use template::{Conversion, Field, Piece};

use time::{AsctimeRenderer, Stamp};
use value::FieldValue;

/// When logging started, for `relativeCreated`.
pub static START: Lazy<SystemTime> = Lazy::new(SystemTime::now);

static PROCESS_NAME: Lazy<String> = Lazy::new(|| {
    std::env::current_exe()
        .ok()
        .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
        .unwrap_or_else(|| "logconf".to_string())
});

/// The thread a record is logged on, as `%(thread)d` and `%(threadName)s` print it.
pub fn current_thread() -> (u64, std::sync::Arc<str>) {
    THREAD.with(|t| t.clone())
}

thread_local! {
    static THREAD: (u64, std::sync::Arc<str>) = {
        // SAFETY: pthread_self has no preconditions and always succeeds.
        let id = unsafe { libc::pthread_self() } as u64;
        let name = std::thread::current().name().unwrap_or("<unnamed>").to_string();
        (id, std::sync::Arc::from(name))
    };
}

/// A compiled formatter of either class.
pub enum Formatter {
    /// `class = "text"`.
    Text(TextFormatter),
    /// `class = "json"`.
    Json(json::JsonFormatter),
}

impl Formatter {
    /// Compiles a `[formatters.NAME]` table; the error names the key at fault.
    pub fn compile(config: &FormatterConfig) -> Result<Formatter, FormatterError> {
        Ok(match config.class {
            FormatterClass::Text => {
                if let Some(datefmt) = &config.datefmt {
                    time::check_datefmt(datefmt).map_err(|message| FormatterError {
                        key: "datefmt",
                        message,
                        label: "cannot be passed to strftime".into(),
                        help: None,
                        offset: None,
                    })?;
                }
                Formatter::Text(TextFormatter::compile(config).map_err(|e| {
                    let text = config.format.as_deref().unwrap_or_default();
                    FormatterError::in_format(text, e)
                })?)
            }
            FormatterClass::Json => Formatter::Json(json::JsonFormatter::compile(config)),
        })
    }

    /// Appends the formatted record (without the line terminator) to `out`.
    pub fn format(&self, rec: &Record<'_>, out: &mut String) {
        match self {
            Formatter::Text(t) => t.format(rec, out),
            Formatter::Json(j) => j.format(rec, out),
        }
    }
}

/// Why a `[formatters.NAME]` table cannot be compiled: the key at fault and what is wrong.
#[derive(Clone, Debug)]
pub struct FormatterError {
    /// `format` or `datefmt`.
    pub key: &'static str,
    /// What is wrong.
    pub message: String,
    /// The short text under the caret.
    pub label: String,
    /// How to fix it.
    pub help: Option<String>,
    /// The byte in the value the problem is at, when it is one place in it.
    pub offset: Option<usize>,
}

impl FormatterError {
    fn in_format(text: &str, e: template::FormatError) -> FormatterError {
        FormatterError {
            key: "format",
            message: e.message,
            label: if let Some(offset) = e.offset {
                let snippet: String = text.get(offset..).unwrap_or("").chars().take(12).collect();
                format!("at `{snippet}`")
            } else {
                "in this format".to_string()
            },
            help: e.help,
            offset: e.offset,
        }
    }
}

/// A value (context field, formatter default) as a field value.
pub fn context_value(v: &Value) -> FieldValue<'static> {
    match v {
        Value::Str(s) => FieldValue::Str(Cow::Owned(s.clone())),
        Value::Int(i) => FieldValue::Int(*i),
        Value::Float(f) => FieldValue::Float(*f),
        Value::Bool(b) => FieldValue::Bool(*b),
    }
}

/// Calls `f` with the context field `name` of the record: the one captured with it
/// (a record from the queue) or the current thread's.
fn with_context_value<R>(rec: &Record<'_>, name: &str, f: impl FnOnce(Option<&Value>) -> R) -> R {
    match rec.origin {
        Some(o) => f(o
            .context
            .iter()
            .rev()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v)),
        None => crate::context::with_value(name, f),
    }
}

/// A compiled text formatter.
pub struct TextFormatter {
    pieces: Vec<Piece>,
    asctime: AsctimeRenderer,
    defaults: HashMap<String, FieldValue<'static>>,
    escape: bool,
}

/// Python's default formatter: `%(message)s`.
pub fn message_only() -> TextFormatter {
    TextFormatter {
        pieces: template::message_only_pieces(),
        asctime: AsctimeRenderer::new(None, false),
        defaults: HashMap::new(),
        escape: false,
    }
}

impl TextFormatter {
    /// Compiles a `[formatters.NAME]` table; errors carry the offset in `format`.
    pub fn compile(config: &FormatterConfig) -> Result<TextFormatter, template::FormatError> {
        let format = config.format.as_deref().unwrap_or("%(message)s");
        let style = if config.format.is_some() {
            config.style
        } else {
            Style::Percent
        };
        Ok(TextFormatter::with_format(
            template::parse(format, style)?,
            config,
        ))
    }

    /// A formatter of parsed `pieces` with the rest of `config` (datefmt, utc, defaults).
    pub fn with_format(pieces: Vec<Piece>, config: &FormatterConfig) -> TextFormatter {
        let defaults = config
            .defaults
            .iter()
            .map(|(k, v)| (k.clone(), context_value(v)))
            .collect();
        TextFormatter {
            pieces,
            asctime: AsctimeRenderer::new(config.datefmt.clone(), config.utc),
            defaults,
            escape: config.escape,
        }
    }

    /// Appends the formatted record (without the line terminator) to `out`.
    pub fn format(&self, rec: &Record<'_>, out: &mut String) {
        let stamp = Stamp::of(rec.time);
        let last = self.pieces.len().saturating_sub(1);
        for (index, piece) in self.pieces.iter().enumerate() {
            match piece {
                Piece::Literal(s) => out.push_str(s),
                Piece::Field {
                    field,
                    spec,
                    conversion,
                } => {
                    let start = out.len();
                    let plain =
                        spec.is_plain() && matches!(conversion, Conversion::None | Conversion::Str);
                    match field {
                        Field::Message if plain => rec.message.write_to(out),
                        Field::Name if plain => out.push_str(rec.logger),
                        Field::LevelName if plain => out.push_str(&rec.level.name()),
                        Field::Asctime if plain => self.asctime.write(stamp, out),
                        Field::KeyValues if plain => {
                            key_values::write(rec, out);
                            // `%(message)s %(key_values)s` ends without a space when
                            // the record has no key-values
                            if out.len() == start
                                && index == last
                                && index > 0
                                && matches!(&self.pieces[index - 1], Piece::Literal(l) if l.ends_with(' '))
                            {
                                out.pop();
                                continue;
                            }
                        }
                        Field::Custom(name) => {
                            self.write_custom(name, rec, spec, *conversion, out);
                        }
                        _ => {
                            let value = self.value(field, rec, stamp);
                            value.write_with(spec, *conversion, out);
                        }
                    }
                    if self.escape {
                        escape_controls(out, start);
                    }
                }
            }
        }
    }

    /// The value of one field of a record.
    pub fn value<'r>(&'r self, field: &Field, rec: &'r Record<'_>, stamp: Stamp) -> FieldValue<'r> {
        match field {
            Field::Name => FieldValue::Str(Cow::Borrowed(rec.logger)),
            Field::LevelName => FieldValue::Str(rec.level.name()),
            Field::LevelNo => FieldValue::Int(i64::from(rec.level.0)),
            Field::Message => {
                let mut s = String::new();
                rec.message.write_to(&mut s);
                FieldValue::Str(Cow::Owned(s))
            }
            Field::Asctime => {
                let mut s = String::new();
                self.asctime.write(stamp, &mut s);
                FieldValue::Str(Cow::Owned(s))
            }
            Field::Created => FieldValue::Float(stamp.created()),
            Field::Msecs => FieldValue::Float(stamp.msecs()),
            Field::RelativeCreated => {
                let ms = rec
                    .time
                    .duration_since(*START)
                    .map_or(0.0, |d| d.as_secs_f64() * 1000.0);
                FieldValue::Float(ms)
            }
            Field::Module => FieldValue::Str(Cow::Borrowed(
                rec.file
                    .and_then(|f| Path::new(f).file_stem())
                    .and_then(|s| s.to_str())
                    .unwrap_or("(unknown file)"),
            )),
            Field::Pathname => FieldValue::Str(Cow::Borrowed(rec.file.unwrap_or("(unknown file)"))),
            Field::Filename => FieldValue::Str(Cow::Borrowed(
                rec.file
                    .and_then(|f| Path::new(f).file_name())
                    .and_then(|s| s.to_str())
                    .unwrap_or("(unknown file)"),
            )),
            Field::Lineno => FieldValue::Int(i64::from(rec.line.unwrap_or(0))),
            Field::FuncName => FieldValue::Str(Cow::Borrowed("(unknown function)")),
            Field::Thread => FieldValue::Int(match rec.origin {
                Some(o) => o.thread_id as i64,
                None => THREAD.with(|t| t.0) as i64,
            }),
            Field::ThreadName => FieldValue::Str(match rec.origin {
                Some(o) => Cow::Borrowed(&*o.thread_name),
                None => Cow::Owned(THREAD.with(|t| t.1.to_string())),
            }),
            Field::Process => FieldValue::Int(i64::from(std::process::id())),
            Field::ProcessName => FieldValue::Str(Cow::Borrowed(PROCESS_NAME.as_str())),
            Field::KeyValues => FieldValue::Str(Cow::Owned(key_values::text(rec))),
            Field::Custom(name) => self.custom(name, rec),
        }
    }

    /// Writes a key-value, context or default field; a text from the context is
    /// written where it is, without a copy.
    fn write_custom(
        &self,
        name: &str,
        rec: &Record<'_>,
        spec: &Spec,
        conversion: Conversion,
        out: &mut String,
    ) {
        if let Some(v) = rec.kv.get(log::kv::Key::from_str(name)) {
            return kv_value(&v).write_with(spec, conversion, out);
        }
        let mut write = |v: &Value| match v {
            Value::Str(s) => FieldValue::Str(Cow::Borrowed(s)).write_with(spec, conversion, out),
            other => context_value(other).write_with(spec, conversion, out),
        };
        if !with_context_value(rec, name, |v| v.map(&mut write).is_some()) {
            match self.defaults.get(name) {
                Some(v) => v.write_with(spec, conversion, out),
                None => FieldValue::Str(Cow::Borrowed("-")).write_with(spec, conversion, out),
            }
        }
    }

    fn custom<'r>(&'r self, name: &str, rec: &Record<'_>) -> FieldValue<'r> {
        if let Some(v) = rec.kv.get(log::kv::Key::from_str(name)) {
            return kv_value(&v);
        }
        let from_context = with_context_value(rec, name, |v| v.map(context_value));
        if let Some(v) = from_context {
            return v;
        }
        match self.defaults.get(name) {
            Some(FieldValue::Str(s)) => FieldValue::Str(Cow::Borrowed(s)),
            Some(other) => other.clone(),
            None => FieldValue::Str(Cow::Borrowed("-")),
        }
    }
}

/// Rewrites `out[start..]` so that no control character survives: CR, LF and tab as
/// `\r`, `\n`, `\t`; other C0 and C1 controls and DEL as `\xNN` (ESC, which starts
/// ANSI sequences, as `\x1b`); the line and paragraph separators, the bidirectional
/// controls that can reorder what a reader sees (U+061C, U+200E, U+200F,
/// U+202A–U+202E, U+2066–U+2069: "Trojan Source") and the invisible zero-width space,
/// word joiner and byte order mark (U+200B, U+2060, U+FEFF) as `\uXXXX`. The zero-width
/// joiner and non-joiner stay: they shape emoji and scripts such as Persian and
/// Devanagari. Text without any of these is left untouched, without allocating.
pub fn escape_controls(out: &mut String, start: usize) {
    let bytes = &out.as_bytes()[start..];
    // the common case first, a loop the compiler vectorises: printable ASCII only
    if bytes.iter().all(|&b| (0x20..0x7f).contains(&b)) {
        return;
    }
    // a byte scan for the first one: C0 and DEL are single bytes, C1 is 0xC2
    // 0x80..=0x9F, the others three-byte (two for U+061C) sequences
    let Some(first) = bytes
        .iter()
        .enumerate()
        .position(|(i, &b)| escaped_at(bytes, i, b))
    else {
        return;
    };
    let tail: String = out.split_off(start + first);
    for c in tail.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if is_escaped_format_char(c) => {
                let _ = std::fmt::Write::write_fmt(out, format_args!("\\u{:04x}", c as u32));
            }
            c if c.is_control() => {
                let _ = std::fmt::Write::write_fmt(out, format_args!("\\x{:02x}", c as u32));
            }
            c => out.push(c),
        }
    }
}

/// The separators, bidirectional controls and invisible characters `escape` writes as
/// `\uXXXX`.
fn is_escaped_format_char(c: char) -> bool {
    matches!(
        c,
        '\u{2028}'
            | '\u{2029}'
            | '\u{061C}'
            | '\u{200B}'
            | '\u{200E}'
            | '\u{200F}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2060}'
            | '\u{2066}'..='\u{2069}'
            | '\u{FEFF}'
    )
}

/// True when the UTF-8 sequence at `bytes[i]` (whose first byte is `b`) is one that
/// `escape_controls` rewrites.
fn escaped_at(bytes: &[u8], i: usize, b: u8) -> bool {
    let next = |k: usize| bytes.get(i + k).copied().unwrap_or(0);
    match b {
        0x00..=0x1F | 0x7F => true,
        0xC2 => (0x80..=0x9F).contains(&next(1)),
        0xD8 => next(1) == 0x9C,
        0xE2 => match next(1) {
            0x80 => matches!(next(2), 0x8B | 0x8E | 0x8F | 0xA8..=0xAE),
            0x81 => matches!(next(2), 0xA0 | 0xA6..=0xA9),
            _ => false,
        },
        0xEF => next(1) == 0xBB && next(2) == 0xBF,
        _ => false,
    }
}

/// Calls `f` with each field of a record that a formatter writes beside its named
/// fields: the record's key-values, then the context fields (captured with a queued
/// record, else the current thread's) that no key-value of the same name overrides.
/// A name seen twice comes once (the first key-value; the innermost context value);
/// names `skip` refuses never come.
pub fn for_each_field(
    rec: &Record<'_>,
    skip: impl Fn(&str) -> bool,
    mut f: impl FnMut(&str, &FieldValue<'_>),
) {
    struct Visitor<'a, S, F> {
        skip: &'a S,
        seen: &'a mut SeenKeys,
        f: &'a mut F,
    }
    impl<'kvs, S: Fn(&str) -> bool, F: FnMut(&str, &FieldValue<'_>)> log::kv::VisitSource<'kvs>
        for Visitor<'_, S, F>
    {
        fn visit_pair(
            &mut self,
            key: log::kv::Key<'kvs>,
            value: log::kv::Value<'kvs>,
        ) -> Result<(), log::kv::Error> {
            let key = key.as_str();
            if !(self.skip)(key) && self.seen.insert(key) {
                (self.f)(key, &kv_value(&value));
            }
            Ok(())
        }
    }
    let mut seen = SeenKeys::default();
    let _ = rec.kv.visit(&mut Visitor {
        skip: &skip,
        seen: &mut seen,
        f: &mut f,
    });
    let mut context = |fields: &[(String, Value)]| {
        for (key, value) in fields {
            if !skip(key) && !seen.contains(key) {
                f(key, &context_value(value));
            }
        }
    };
    match rec.origin {
        Some(origin) => context(&origin.context),
        None if crate::context::is_empty() => {}
        None => context(&crate::context::snapshot()),
    }
}

/// The key names a formatter has written for one record, so that a name logged twice
/// is written once: a short list looked through while it is short (a record has a few
/// key-values), a hash set beyond that, so a record with 100,000 key-values costs
/// linear time, not quadratic.
#[derive(Default)]
pub struct SeenKeys {
    few: Vec<String>,
    many: Option<std::collections::HashSet<String>>,
}

impl SeenKeys {
    const FEW: usize = 16;

    /// True when `key` was seen before.
    pub fn contains(&self, key: &str) -> bool {
        match &self.many {
            Some(set) => set.contains(key),
            None => self.few.iter().any(|k| k == key),
        }
    }

    /// Notes `key`; false when it was seen before.
    pub fn insert(&mut self, key: &str) -> bool {
        if self.contains(key) {
            return false;
        }
        match &mut self.many {
            Some(set) => {
                set.insert(key.to_string());
            }
            None if self.few.len() < Self::FEW => self.few.push(key.to_string()),
            None => {
                let mut set: std::collections::HashSet<String> = self.few.drain(..).collect();
                set.insert(key.to_string());
                self.many = Some(set);
            }
        }
        true
    }
}

/// A `log` key-value as a typed field value.
pub fn kv_value(v: &log::kv::Value<'_>) -> FieldValue<'static> {
    if let Some(b) = v.to_bool() {
        FieldValue::Bool(b)
    } else if let Some(i) = v.to_i64() {
        FieldValue::Int(i)
    } else if let Some(i) = v.to_i128() {
        FieldValue::Int128(i)
    } else if let Some(u) = v.to_u128() {
        FieldValue::UInt128(u)
    } else if let Some(f) = v.to_f64() {
        FieldValue::Float(f)
    } else {
        FieldValue::Str(Cow::Owned(v.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seen_keys_stay_exact_past_the_short_list() {
        let mut seen = SeenKeys::default();
        for round in 0..2 {
            for i in 0..100 {
                let key = format!("k{i}");
                assert_eq!(seen.insert(&key), round == 0, "{key} in round {round}");
                assert!(seen.contains(&key));
            }
        }
        assert!(!seen.contains("k100"));
    }

    /// Every Unicode scalar value, between two letters: the byte scan and the
    /// character rule agree, what is escaped is gone from the output, and everything
    /// else is left as it was.
    #[test]
    fn escape_rewrites_exactly_the_controls_and_the_listed_characters() {
        let mut escaped = 0;
        for c in (0..=0x10FFFFu32).filter_map(char::from_u32) {
            let text = format!("a{c}b");
            let mut out = String::from("prefix\n");
            out.push_str(&text);
            escape_controls(&mut out, "prefix\n".len());
            let expected = c.is_control() || is_escaped_format_char(c);
            assert!(
                out.starts_with("prefix\n"),
                "{c:?}: the text before `start` changed"
            );
            let body = &out["prefix\n".len()..];
            if expected {
                escaped += 1;
                assert!(
                    !body.contains(c),
                    "{:?} (U+{:04X}) survived: {body:?}",
                    c,
                    c as u32
                );
                assert!(body.starts_with("a\\") && body.ends_with('b'), "{body:?}");
                assert!(body.is_ascii(), "{body:?}");
            } else {
                assert_eq!(body, text, "U+{:04X} was rewritten", c as u32);
            }
        }
        // C0 (32), DEL, C1 (32), and the 17 separators, bidi and invisible characters
        assert_eq!(escaped, 32 + 1 + 32 + 17);
    }
}

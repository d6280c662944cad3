//! The `json` formatter: one JSON object per line, whatever the message contains, with
//! the record's key-values and the context as fields; plain names or Elastic Common
//! Schema names (`@timestamp`, `log.level`, `log.logger`, ...).

use std::fmt::Write;

use super::template::{Field, RECORD_ATTRIBUTES};
use super::time::{Rfc3339, Stamp};
use super::value::FieldValue;
use super::TextFormatter;
use super::{template, FormatterConfig};
use crate::record::Record;

/// The ECS version written with `ecs = true`.
pub const ECS_VERSION: &str = "8.11";

/// A compiled json formatter.
pub struct JsonFormatter {
    fields: Vec<(String, Field)>,
    ecs: bool,
    time: Rfc3339,
    values: TextFormatter,
}

fn ecs_name(attribute: &str) -> &str {
    match attribute {
        "asctime" | "created" | "timestamp" => "@timestamp",
        "levelname" | "level" => "log.level",
        "name" | "logger" => "log.logger",
        "filename" => "log.origin.file.name",
        "pathname" => "log.origin.file.path",
        "lineno" => "log.origin.file.line",
        "funcName" => "log.origin.function",
        "process" => "process.pid",
        "processName" => "process.name",
        "thread" => "process.thread.id",
        "threadName" => "process.thread.name",
        other => other,
    }
}

/// Appends `s` as a JSON string.
pub fn write_json_str(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 || c == '\u{2028}' || c == '\u{2029}' => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

fn write_value(out: &mut String, v: &FieldValue<'_>) {
    match v {
        FieldValue::Str(s) => write_json_str(out, s),
        FieldValue::Int(i) => {
            let _ = write!(out, "{i}");
        }
        FieldValue::Int128(i) => {
            let _ = write!(out, "{i}");
        }
        FieldValue::UInt128(u) => {
            let _ = write!(out, "{u}");
        }
        FieldValue::Float(f) if f.is_finite() => {
            let mut s = String::new();
            super::value::float_repr(*f, &mut s);
            out.push_str(&s);
        }
        FieldValue::Float(f) => write_json_str(out, &f.to_string()),
        FieldValue::Bool(b) => {
            let _ = write!(out, "{b}");
        }
    }
}

impl JsonFormatter {
    /// Compiles a `class = "json"` formatter.
    pub fn compile(config: &FormatterConfig) -> JsonFormatter {
        let ecs = config.ecs;
        let default_fields: &[&str] = if ecs {
            &[
                "asctime",
                "levelname",
                "name",
                "message",
                "process",
                "threadName",
            ]
        } else {
            &["asctime", "levelname", "name", "message"]
        };
        let names: Vec<String> = config
            .fields
            .clone()
            .unwrap_or_else(|| default_fields.iter().map(|s| s.to_string()).collect());
        let fields = names
            .iter()
            .map(|n| {
                let key = if ecs {
                    ecs_name(n).to_string()
                } else if config.fields.is_none() {
                    match n.as_str() {
                        "asctime" => "timestamp".to_string(),
                        "levelname" => "level".to_string(),
                        "name" => "logger".to_string(),
                        other => other.to_string(),
                    }
                } else {
                    n.clone()
                };
                let field = match n.as_str() {
                    "timestamp" => Field::Asctime,
                    "level" => Field::LevelName,
                    "logger" => Field::Name,
                    other => Field::from_name(other),
                };
                (key, field)
            })
            .collect();
        JsonFormatter {
            fields,
            ecs,
            time: Rfc3339::new(config.utc),
            values: TextFormatter::with_format(template::message_only_pieces(), config),
        }
    }

    /// Appends the record as one JSON object (without the line terminator).
    pub fn format(&self, rec: &Record<'_>, out: &mut String) {
        let stamp = Stamp::of(rec.time);
        out.push('{');
        let mut first = true;
        let mut key = |out: &mut String, k: &str| {
            if !first {
                out.push(',');
            }
            first = false;
            write_json_str(out, k);
            out.push(':');
        };
        let mut written: Vec<&str> = Vec::with_capacity(self.fields.len() + 4);
        for (name, field) in &self.fields {
            key(out, name);
            written.push(name);
            match field {
                // asctime is an RFC 3339 timestamp; so is created when ECS names it @timestamp
                Field::Asctime | Field::Created if matches!(field, Field::Asctime) || self.ecs => {
                    out.push('"');
                    self.time.write(stamp, out);
                    out.push('"');
                }
                Field::Message => {
                    let mut m = String::new();
                    rec.message.write_to(&mut m);
                    write_json_str(out, &m);
                }
                other => write_value(out, &self.values.value(other, rec, stamp)),
            }
        }
        if self.ecs {
            key(out, "ecs.version");
            write_json_str(out, ECS_VERSION);
        }
        // key-values of the record, then the context; attributes are never overridden
        super::for_each_field(
            rec,
            |k| skip_key(k, &written),
            |k, value| {
                if !first {
                    out.push(',');
                }
                first = false;
                write_json_str(out, k);
                out.push(':');
                write_value(out, value);
            },
        );
        out.push('}');
    }
}

fn skip_key(k: &str, written: &[&str]) -> bool {
    k.starts_with("__logconf") || written.contains(&k) || RECORD_ATTRIBUTES.contains(&k)
}

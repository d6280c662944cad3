//! The parsed TOML document as a tree that remembers where every key and value came
//! from, so that every later check can point at the input.

use std::ops::Range;

use serde_json::Value;
use toml::de::{DeTable, DeValue};

use crate::diagnostics::Diagnostic;

/// A byte range in the source text.
pub type Span = Range<usize>;

/// A TOML value with its span.
#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    /// The value.
    pub value: NodeValue,
    /// Where the value is written.
    pub span: Span,
}

/// The kinds of TOML value.
#[derive(Clone, Debug, PartialEq)]
pub enum NodeValue {
    /// A string.
    Str(String),
    /// An integer.
    Int(i64),
    /// A float.
    Float(f64),
    /// A boolean.
    Bool(bool),
    /// A date or time (never valid in logging.toml, kept to report it).
    Datetime(String),
    /// An array.
    Array(Vec<Node>),
    /// A table, its entries in source order.
    Table(Vec<Entry>),
}

/// One `key = value` of a table.
#[derive(Clone, Debug, PartialEq)]
pub struct Entry {
    /// The key.
    pub key: String,
    /// Where the key is written.
    pub key_span: Span,
    /// The value.
    pub value: Node,
}

impl Node {
    /// The entry `key` of a table.
    pub fn get(&self, key: &str) -> Option<&Entry> {
        match &self.value {
            NodeValue::Table(entries) => entries.iter().find(|e| e.key == key),
            _ => None,
        }
    }

    /// The string, if this is one.
    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            NodeValue::Str(s) => Some(s),
            _ => None,
        }
    }

    /// The TOML type name, for messages.
    pub fn type_name(&self) -> &'static str {
        match &self.value {
            NodeValue::Str(_) => "a string",
            NodeValue::Int(_) => "an integer",
            NodeValue::Float(_) => "a float",
            NodeValue::Bool(_) => "a boolean",
            NodeValue::Datetime(_) => "a date-time",
            NodeValue::Array(_) => "an array",
            NodeValue::Table(_) => "a table",
        }
    }

    /// The value as JSON, for typed deserialization.
    pub fn to_json(&self) -> Value {
        match &self.value {
            NodeValue::Str(s) | NodeValue::Datetime(s) => Value::String(s.clone()),
            NodeValue::Int(i) => Value::from(*i),
            NodeValue::Float(f) => serde_json::Number::from_f64(*f)
                .map(Value::Number)
                .unwrap_or(Value::Null),
            NodeValue::Bool(b) => Value::Bool(*b),
            NodeValue::Array(items) => Value::Array(items.iter().map(Node::to_json).collect()),
            NodeValue::Table(entries) => Value::Object(
                entries
                    .iter()
                    .map(|e| (e.key.clone(), e.value.to_json()))
                    .collect(),
            ),
        }
    }
}

/// Parses TOML text into a [`Node`] table; syntax errors are reported all at once
/// (the parser recovers and goes on), with what it could read still returned.
pub fn parse(text: &str) -> (Node, Vec<Diagnostic>) {
    let (table, errors) = DeTable::parse_recoverable(text);
    let mut diags: Vec<Diagnostic> = errors
        .iter()
        .map(|e| {
            let message = e.message().trim().to_string();
            let first = message.lines().next().unwrap_or("invalid TOML").to_string();
            let span = e.span().or_else(|| deepest_line(text, &message));
            Diagnostic::error(format!("TOML syntax: {first}"), span).label(
                message
                    .lines()
                    .skip(1)
                    .collect::<Vec<_>>()
                    .join(" ")
                    .trim()
                    .to_string(),
            )
        })
        .collect();
    let span = table.span();
    let node = Node {
        value: convert_table(table.get_ref(), &mut diags),
        span,
    };
    (node, diags)
}

/// Where the parser most likely gave up when it names no place: for its nesting limit,
/// the line with the most dots and brackets (a dotted key or nested arrays too deep).
fn deepest_line(text: &str, message: &str) -> Option<Span> {
    if !message.contains("recursion") {
        return None;
    }
    let mut best: Option<(usize, Span)> = None;
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let depth = line.matches(['.', '[', '{']).count();
        if depth > 0 && best.as_ref().is_none_or(|(d, _)| depth > *d) {
            best = Some((depth, offset..offset + line.trim_end().len()));
        }
        offset += line.len();
    }
    best.map(|(_, span)| span)
}

fn convert_table(table: &DeTable<'_>, diags: &mut Vec<Diagnostic>) -> NodeValue {
    let mut entries: Vec<Entry> = table
        .iter()
        .map(|(k, v)| Entry {
            key: k.get_ref().to_string(),
            key_span: k.span(),
            value: Node {
                value: convert_value(v.get_ref(), v.span(), diags),
                span: v.span(),
            },
        })
        .collect();
    entries.sort_by_key(|e| e.key_span.start);
    NodeValue::Table(entries)
}

fn convert_value(value: &DeValue<'_>, span: Span, diags: &mut Vec<Diagnostic>) -> NodeValue {
    match value {
        DeValue::String(s) => NodeValue::Str(s.to_string()),
        DeValue::Integer(i) => match i64::from_str_radix(i.as_str(), i.radix()) {
            Ok(n) => NodeValue::Int(n),
            Err(_) => {
                diags.push(
                    Diagnostic::error("integer out of range", Some(span.clone()))
                        .label("does not fit in 64 bits"),
                );
                NodeValue::Int(0)
            }
        },
        DeValue::Float(f) => NodeValue::Float(f.as_str().replace('_', "").parse().unwrap_or(0.0)),
        DeValue::Boolean(b) => NodeValue::Bool(*b),
        DeValue::Datetime(d) => NodeValue::Datetime(d.to_string()),
        DeValue::Array(items) => NodeValue::Array(
            items
                .iter()
                .map(|v| Node {
                    value: convert_value(v.get_ref(), v.span(), diags),
                    span: v.span(),
                })
                .collect(),
        ),
        DeValue::Table(t) => convert_table(t, diags),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_spans_of_keys_and_values() {
        let text = "version = 1\n[handlers.file]\nclass = \"file\"\n";
        let (root, diags) = parse(text);
        assert!(diags.is_empty(), "{diags:?}");
        let handlers = &root.get("handlers").unwrap().value;
        let file = &handlers.get("file").unwrap().value;
        let class = file.get("class").unwrap();
        assert_eq!(&text[class.key_span.clone()], "class");
        assert_eq!(&text[class.value.span.clone()], "\"file\"");
    }

    #[test]
    fn reports_several_syntax_errors() {
        let (_, diags) = parse("a = \nb = [1,\nc = 'x");
        assert!(!diags.is_empty());
        assert!(diags.iter().all(|d| d.span.is_some()));
    }
}

/// The source bytes of the character at byte `offset` of the decoded value of the TOML
/// string written at `span` (escapes and multi-line strings followed), for a caret
/// under that one character. None when the string's form is not followed (a
/// line-ending backslash) or `offset` is past its end.
pub fn char_in_string(source: &str, span: &Span, offset: usize) -> Option<Span> {
    let lit = source.get(span.clone())?;
    let (open, raw) = if lit.starts_with("\"\"\"") {
        (3, false)
    } else if lit.starts_with("'''") {
        (3, true)
    } else if lit.starts_with('"') {
        (1, false)
    } else if lit.starts_with('\'') {
        (1, true)
    } else {
        return None;
    };
    let mut i = open;
    if open == 3 {
        // a newline right after the opening quotes is not part of the value
        if lit[i..].starts_with("\r\n") {
            i += 2;
        } else if lit[i..].starts_with('\n') {
            i += 1;
        }
    }
    let bytes = lit.as_bytes();
    let mut decoded = 0;
    while i < lit.len().saturating_sub(open) {
        let (source_len, decoded_len) = if !raw && bytes[i] == b'\\' {
            let hex = |n: usize| {
                lit.get(i + 2..i + 2 + n)
                    .and_then(|h| u32::from_str_radix(h, 16).ok())
                    .and_then(char::from_u32)
                    .map(char::len_utf8)
            };
            match bytes.get(i + 1) {
                Some(b'u') => (6, hex(4)?),
                Some(b'U') => (10, hex(8)?),
                Some(b'b' | b't' | b'n' | b'f' | b'r' | b'e' | b'"' | b'\\') => (2, 1),
                Some(b'x') => (4, hex(2)?),
                _ => return None,
            }
        } else {
            let c = lit[i..].chars().next()?;
            (c.len_utf8(), c.len_utf8())
        };
        if decoded == offset {
            return Some(span.start + i..span.start + i + source_len);
        }
        decoded += decoded_len;
        i += source_len;
    }
    None
}

#[cfg(test)]
mod char_tests {
    use super::char_in_string;

    #[test]
    fn the_caret_follows_escapes() {
        let src = r#"format = "a\tb%c""#;
        let span = 9..src.len();
        // decoded "a\tb%c": the % is byte 3
        assert_eq!(char_in_string(src, &span, 3), Some(14..15));
        let src = "format = 'x%y'";
        assert_eq!(char_in_string(src, &(9..14), 1), Some(11..12));
        let src = "format = \"\"\"\n\\u00e9%\"\"\"";
        // decoded "é%": the % is byte 2; in the source it follows `"""`, a newline
        // and the 6-byte escape
        assert_eq!(char_in_string(src, &(9..src.len()), 2), Some(19..20));
        assert_eq!(char_in_string(src, &(9..src.len()), 9), None);
    }
}

//! The `key_values` field (logconf's addition to Python's record attributes): the
//! record's key-values, then the context fields they do not override, as logfmt —
//! `amount=5 currency=USD note="two words"`.
//!
//! Quoting follows logfmt as go-logfmt writes it: a value is quoted when it is empty or
//! holds whitespace, `=`, `"`, `\\` or a control character; inside quotes `"` and `\\`
//! are escaped, and CR, LF, tab and other control characters become `\r`, `\n`, `\t`
//! and `\u{1b}` (Rust's escapes), so no value can start a line of its own. A key keeps
//! its characters, except that whitespace, `=`, `"` and control characters become `_`.

use super::spec::Spec;
use super::value::{Conversion, FieldValue};
use crate::record::Record;

/// Appends the record's key-values, then its context fields that no key-value of the
/// same name overrides, as logfmt; nothing when there are none. logconf's own
/// key-values (`__logconf…`) are left out, and a name seen twice is written once
/// (the first key-value; the innermost context field).
pub fn write(rec: &Record<'_>, out: &mut String) {
    let start = out.len();
    super::for_each_field(
        rec,
        |key| key.starts_with("__logconf"),
        |key, value| pair(out, start, key, value),
    );
}

/// The field's text as one value (for a spec, `!r`, or a JSON formatter's field).
pub fn text(rec: &Record<'_>) -> String {
    let mut s = String::new();
    write(rec, &mut s);
    s
}

/// ` key=value` (no space before the first pair).
fn pair(out: &mut String, start: usize, key: &str, value: &FieldValue<'_>) {
    if out.len() > start {
        out.push(' ');
    }
    write_key(out, key);
    out.push('=');
    match value {
        FieldValue::Str(s) => write_value(out, s),
        other => {
            // numbers and booleans as `%(name)s` prints them: never quoted
            let mut text = String::new();
            other.write_with(&Spec::default(), Conversion::Str, &mut text);
            write_value(out, &text);
        }
    }
}

fn bad_in_key(c: char) -> bool {
    c == ' ' || c == '=' || c == '"' || c.is_control() || c.is_whitespace()
}

fn write_key(out: &mut String, key: &str) {
    if key.is_empty() {
        out.push('_');
    } else if key.chars().any(bad_in_key) {
        out.extend(key.chars().map(|c| if bad_in_key(c) { '_' } else { c }));
    } else {
        out.push_str(key);
    }
}

fn needs_quotes(value: &str) -> bool {
    value.is_empty()
        || value
            .chars()
            .any(|c| c == '=' || c == '"' || c == '\\' || c.is_whitespace() || c.is_control())
}

fn write_value(out: &mut String, value: &str) {
    if !needs_quotes(value) {
        out.push_str(value);
        return;
    }
    out.push('"');
    for c in value.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{2028}' | '\u{2029}' => {
                let _ = std::fmt::Write::write_fmt(out, format_args!("\\u{{{:04x}}}", c as u32));
            }
            c if c.is_control() => {
                let _ = std::fmt::Write::write_fmt(out, format_args!("\\u{{{:02x}}}", c as u32));
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;

    fn quoted(value: &str) -> String {
        let mut s = String::new();
        write_value(&mut s, value);
        s
    }

    #[test]
    fn values_are_quoted_only_when_logfmt_needs_it() {
        assert_eq!(quoted("USD"), "USD");
        assert_eq!(quoted("two words"), "\"two words\"");
        assert_eq!(quoted(""), "\"\"");
        assert_eq!(quoted("a=b"), "\"a=b\"");
        assert_eq!(quoted("say \"hi\""), "\"say \\\"hi\\\"\"");
        assert_eq!(quoted("C:\\dir"), "\"C:\\\\dir\"");
        assert_eq!(quoted("line\nforged=1"), "\"line\\nforged=1\"");
        assert_eq!(quoted("\u{1b}[31m"), "\"\\u{1b}[31m\"");
        assert_eq!(quoted("a\u{2028}b"), "\"a\\u{2028}b\"");
        assert_eq!(quoted("café"), "café");
    }

    #[test]
    fn keys_never_break_the_pair() {
        let mut s = String::new();
        write_key(&mut s, "user id=\"x\"");
        assert_eq!(s, "user_id__x_");
        s.clear();
        write_key(&mut s, "http.method");
        assert_eq!(s, "http.method");
    }
}

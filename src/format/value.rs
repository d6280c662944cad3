//! Field values and how Python prints them: `str()`, `repr()`, `%d`, `%f`, `%e`, `%g`,
//! `format(value, spec)`.

use std::borrow::Cow;
use std::fmt::Write;

use super::spec::Spec;

/// A field's value, typed as Python would type it.
#[derive(Clone, Debug, PartialEq)]
pub enum FieldValue<'a> {
    /// A text.
    Str(Cow<'a, str>),
    /// An integer.
    Int(i64),
    /// An integer beyond 64 bits (a 128-bit trace id, a `u64` above `i64::MAX`),
    /// printed exactly, as Python prints its unbounded integers.
    Int128(i128),
    /// An unsigned integer above `i128::MAX` (the top half of `u128`).
    UInt128(u128),
    /// A float.
    Float(f64),
    /// A boolean (printed as Rust prints it: `true`).
    Bool(bool),
}

pub use crate::value::float_repr;

/// What a field's text is before its spec applies: the value itself (numbers keep
/// their numeric formatting), or its `str()`, `repr()` or `ascii()` as text (`!s`,
/// `!r`, `!a`; printf's `%s`, `%r`, `%a`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Conversion {
    /// `{name}`, `%(name)d`: the value, formatted by its type.
    #[default]
    None,
    /// `!s`, `%s`: `str(value)`.
    Str,
    /// `!r`, `%r`: `repr(value)`.
    Repr,
    /// `!a`, `%a`: `ascii(value)`, the repr with every non-ASCII character escaped.
    Ascii,
}

/// True when Python's `str.isprintable()` holds for `c`, which is when `repr()` keeps
/// it as it is: not a control character (Cc), a separator other than the space (Zs,
/// Zl, Zp), a format character (Cf) or a private-use one (Co). Unassigned code points
/// (Cn), which Python escapes too, are kept: Rust's standard library does not know the
/// Unicode database.
fn is_printable(c: char) -> bool {
    let u = c as u32;
    !matches!(u,
        0x00..=0x1f | 0x7f..=0xa0 | 0xad
        | 0x600..=0x605 | 0x61c | 0x6dd | 0x70f | 0x890..=0x891 | 0x8e2 | 0x1680 | 0x180e
        | 0x2000..=0x200f | 0x2028..=0x202f | 0x205f..=0x2064 | 0x2066..=0x206f | 0x3000
        | 0xd800..=0xf8ff | 0xfeff | 0xfff9..=0xfffb | 0x110bd | 0x110cd | 0x13430..=0x1343f
        | 0x1bca0..=0x1bca3 | 0x1d173..=0x1d17a | 0xe0001 | 0xe0020..=0xe007f
        | 0xf0000..=0x10ffff)
}

/// Python's `repr(str)` (`ascii(str)` when `ascii`): quotes chosen as Python chooses
/// them, `\\`, `\n`, `\r`, `\t`, and `\xNN`, `\uNNNN`, `\UNNNNNNNN` for what is not
/// printable (and, for `ascii`, everything beyond ASCII).
pub fn write_str_repr(s: &str, ascii: bool, out: &mut String) {
    let quote = if s.contains('\'') && !s.contains('"') {
        '"'
    } else {
        '\''
    };
    out.push(quote);
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c == quote => {
                out.push('\\');
                out.push(c);
            }
            c if c.is_ascii() && !c.is_ascii_control() => out.push(c),
            c if !ascii && !c.is_ascii() && is_printable(c) => out.push(c),
            c => {
                let u = c as u32;
                let _ = if u < 0x100 {
                    write!(out, "\\x{u:02x}")
                } else if u < 0x10000 {
                    write!(out, "\\u{u:04x}")
                } else {
                    write!(out, "\\U{u:08x}")
                };
            }
        }
    }
    out.push(quote);
}

/// `%e` with Python's two-digit exponent.
fn exp_format(v: f64, precision: usize, upper: bool, alternate: bool) -> String {
    let s = format!("{v:.precision$e}");
    let (m, e) = s.split_once('e').unwrap_or((&s, "0"));
    let e: i32 = e.parse().unwrap_or(0);
    let mut m = m.to_string();
    if alternate && !m.contains('.') {
        m.push('.');
    }
    let e_char = if upper { 'E' } else { 'e' };
    format!("{m}{e_char}{}{:02}", if e < 0 { '-' } else { '+' }, e.abs())
}

/// `%g`: fixed or exponent, whichever Python's rules pick, trailing zeros removed.
fn general_format(v: f64, precision: usize, upper: bool, alternate: bool) -> String {
    let p = precision.max(1);
    if !v.is_finite() {
        return non_finite(v, upper);
    }
    if v == 0.0 {
        // -0.0 keeps its sign, as in Python
        let minus = if v.is_sign_negative() { "-" } else { "" };
        return if alternate {
            let mut zero = format!("{minus}{:.*}", p - 1, 0.0);
            with_point(&mut zero);
            zero
        } else {
            format!("{minus}0")
        };
    }
    let probe = format!("{:.*e}", p - 1, v);
    let exp: i32 = probe
        .split_once('e')
        .and_then(|(_, e)| e.parse().ok())
        .unwrap_or(0);
    let mut s = if -4 <= exp && exp < p as i32 {
        format!("{:.*}", (p as i32 - 1 - exp).max(0) as usize, v)
    } else {
        exp_format(v, p - 1, upper, alternate)
    };
    if alternate {
        with_point(&mut s);
    } else {
        let (num, tail) = match s.find(['e', 'E']) {
            Some(i) => (s[..i].to_string(), s[i..].to_string()),
            None => (s.clone(), String::new()),
        };
        let num = if num.contains('.') {
            num.trim_end_matches('0').trim_end_matches('.').to_string()
        } else {
            num
        };
        s = num + &tail;
    }
    s
}

/// A number's text with a point in its mantissa (`2` is `2.`, `1e+16` is `1.e+16`),
/// as Python's alternate form keeps one; `inf` and `nan` as they are.
fn with_point(s: &mut String) {
    let end = s.find(['e', 'E']).unwrap_or(s.len());
    if !s[..end].contains('.') && s[..end].bytes().any(|b| b.is_ascii_digit()) {
        s.insert(end, '.');
    }
}

/// `inf`, `-inf`, `nan` (capitals for `E`, `F`, `G`).
fn non_finite(v: f64, upper: bool) -> String {
    let s = if v.is_nan() {
        "nan"
    } else if v < 0.0 {
        "-inf"
    } else {
        "inf"
    };
    if upper {
        s.to_ascii_uppercase()
    } else {
        s.to_string()
    }
}

/// A float with a precision and no type (`{x:.3}`): Python's `g`, but fixed notation
/// keeps a digit after the point (`1.0`) and the exponent is used from `p - 1` on
/// (`format(2.5, '.1')` is `2e+00`).
fn precise_repr(v: f64, precision: usize, alternate: bool) -> String {
    if !v.is_finite() {
        return non_finite(v, false);
    }
    let p = precision.max(1);
    let probe = format!("{:.*e}", p - 1, v);
    let exp: i32 = probe
        .split_once('e')
        .and_then(|(_, e)| e.parse().ok())
        .unwrap_or(0);
    if -4 <= exp && exp < p as i32 - 1 {
        let fixed = format!("{:.*}", (p as i32 - 1 - exp).max(0) as usize, v);
        let trimmed = if alternate {
            &fixed
        } else if fixed.contains('.') {
            fixed.trim_end_matches('0').trim_end_matches('.')
        } else {
            &fixed
        };
        if trimmed.contains('.') {
            trimmed.to_string()
        } else {
            format!("{trimmed}.0")
        }
    } else {
        let e = exp_format(v, p - 1, false, alternate);
        let (m, tail) = e.split_at(e.find('e').unwrap_or(e.len()));
        let m = if !alternate && m.contains('.') {
            m.trim_end_matches('0').trim_end_matches('.')
        } else {
            m
        };
        format!("{m}{tail}")
    }
}

/// Digits in groups of `size` from the right, `sep` between (`1_0100`).
fn group_by(digits: &str, sep: char, size: usize) -> String {
    let mut out = String::with_capacity(digits.len() + digits.len() / size);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(size) {
            out.push(sep);
        }
        out.push(c);
    }
    out
}

fn group(int_part: &str, sep: char) -> String {
    match int_part.strip_prefix('-') {
        Some(digits) => format!("-{}", group_by(digits, sep, 3)),
        None => group_by(int_part, sep, 3),
    }
}

impl FieldValue<'_> {
    /// Python's `str(value)`.
    pub fn write_str(&self, out: &mut String) {
        match self {
            FieldValue::Str(s) => out.push_str(s),
            FieldValue::Int(i) => {
                let _ = write!(out, "{i}");
            }
            FieldValue::Int128(i) => {
                let _ = write!(out, "{i}");
            }
            FieldValue::UInt128(u) => {
                let _ = write!(out, "{u}");
            }
            FieldValue::Float(f) => float_repr(*f, out),
            FieldValue::Bool(b) => {
                let _ = write!(out, "{b}");
            }
        }
    }

    /// Python's `repr(value)`.
    pub fn write_repr(&self, out: &mut String) {
        match self {
            FieldValue::Str(s) => write_str_repr(s, false, out),
            other => other.write_str(out),
        }
    }

    /// The text of `conversion` (None for [`Conversion::None`]).
    fn converted(&self, conversion: Conversion) -> Option<String> {
        let mut s = String::new();
        match (conversion, self) {
            (Conversion::None, _) => return None,
            (Conversion::Str, v) => v.write_str(&mut s),
            (Conversion::Repr, v) => v.write_repr(&mut s),
            (Conversion::Ascii, FieldValue::Str(text)) => write_str_repr(text, true, &mut s),
            (Conversion::Ascii, v) => v.write_str(&mut s),
        }
        Some(s)
    }

    fn as_f64(&self) -> Option<f64> {
        match self {
            FieldValue::Int(i) => Some(*i as f64),
            FieldValue::Int128(i) => Some(*i as f64),
            FieldValue::UInt128(u) => Some(*u as f64),
            FieldValue::Float(f) => Some(*f),
            FieldValue::Bool(b) => Some(f64::from(u8::from(*b))),
            FieldValue::Str(_) => None,
        }
    }

    /// The value as an integer for `d`, `x`, `o`, `b`, `c`: its sign and magnitude (a
    /// float is cut to its integer part, as Python's `%d` does).
    fn integer(&self) -> Option<(bool, u128)> {
        match self {
            FieldValue::Int(i) => Some((*i < 0, u128::from(i.unsigned_abs()))),
            FieldValue::Int128(i) => Some((*i < 0, i.unsigned_abs())),
            FieldValue::UInt128(u) => Some((false, *u)),
            FieldValue::Float(f) if f.is_finite() => Some((*f < 0.0, f.abs().trunc() as u128)),
            FieldValue::Bool(b) => Some((false, u128::from(*b))),
            _ => None,
        }
    }

    /// Formats the value with `spec`, after `conversion`: a converted value is text,
    /// formatted as a string is (precision cuts it, it aligns left in `{}` style).
    pub fn write_with(&self, spec: &Spec, conversion: Conversion, out: &mut String) {
        if spec.is_plain() && matches!(conversion, Conversion::None | Conversion::Str) {
            // `%(name)s`, `{name}`, `{name!s}`: the text itself, without a copy
            self.write_str(out);
            return;
        }
        if let Some(text) = self.converted(conversion) {
            if spec.is_plain() {
                out.push_str(&text);
            } else {
                let (body, numeric) = FieldValue::Str(Cow::Owned(text)).body(spec);
                pad(out, &body, numeric, spec);
            }
            return;
        }
        if spec.is_plain() {
            self.write_str(out);
            return;
        }
        let (body, numeric) = self.body(spec);
        pad(out, &body, numeric, spec);
    }

    /// The text before padding, and whether it is a number (for alignment and `0`).
    fn body(&self, spec: &Spec) -> (String, bool) {
        let mut s = String::new();
        let ty = spec.ty;
        let numeric_type = matches!(
            ty,
            Some(
                'd' | 'i'
                    | 'u'
                    | 'n'
                    | 'f'
                    | 'F'
                    | 'e'
                    | 'E'
                    | 'g'
                    | 'G'
                    | 'x'
                    | 'X'
                    | 'o'
                    | 'b'
                    | '%'
                    | 'c'
            )
        );
        if !numeric_type || matches!(self, FieldValue::Str(_)) {
            if ty.is_none() && spec.precision.is_some() {
                if let FieldValue::Float(f) = self {
                    let text = precise_repr(*f, spec.precision.unwrap_or(6), spec.alternate);
                    return (
                        sign(
                            apply_grouping(&text, spec.grouping),
                            f.is_sign_negative() && !f.is_nan(),
                            spec,
                        ),
                        true,
                    );
                }
            }
            match self {
                FieldValue::Int(_)
                | FieldValue::Int128(_)
                | FieldValue::UInt128(_)
                | FieldValue::Float(_)
                    if ty.is_none() =>
                {
                    self.write_str(&mut s);
                    let negative = s.starts_with('-');
                    // `#` keeps a float's point (`format(1e-07, '#')` is `1.e-07`)
                    if spec.alternate && matches!(self, FieldValue::Float(_)) {
                        with_point(&mut s);
                    }
                    let s = apply_grouping(&s, spec.grouping);
                    return (sign(s, negative, spec), true);
                }
                _ => self.write_str(&mut s),
            }
            if let Some(p) = spec.precision {
                s = s.chars().take(p).collect();
            }
            return (s, false);
        }
        let negative;
        match ty.unwrap_or('d') {
            // `n` is the locale's `g` for a float (the C locale's here)
            'n' if matches!(self, FieldValue::Float(_)) => {
                let f = self.as_f64().unwrap_or(0.0);
                negative = f < 0.0 || (f == 0.0 && f.is_sign_negative());
                s = apply_grouping(
                    &general_format(f, spec.precision.unwrap_or(6), false, spec.alternate),
                    spec.grouping,
                );
            }
            'd' | 'i' | 'u' | 'n' => {
                let (neg, m) = self.integer().unwrap_or((false, 0));
                negative = neg && m != 0;
                let mut magnitude = match self {
                    // a float beyond u128 prints all its digits, as Python's int() does
                    FieldValue::Float(f) if f.is_finite() && f.abs() >= 1e38 => {
                        format!("{:.0}", f.abs().trunc())
                    }
                    _ => m.to_string(),
                };
                printf_precision(&mut magnitude, spec);
                let digits = if negative {
                    format!("-{magnitude}")
                } else {
                    magnitude
                };
                s = apply_grouping(&digits, spec.grouping);
            }
            'x' | 'X' | 'o' | 'b' => {
                let (neg, m) = self.integer().unwrap_or((false, 0));
                negative = neg && m != 0;
                let (mut digits, prefix) = match ty {
                    Some('x') => (format!("{m:x}"), "0x"),
                    Some('X') => (format!("{m:X}"), "0X"),
                    Some('o') => (format!("{m:o}"), "0o"),
                    _ => (format!("{m:b}"), "0b"),
                };
                printf_precision(&mut digits, spec);
                // `_` groups binary, octal and hexadecimal digits in fours
                if let Some(sep) = spec.grouping {
                    digits = group_by(&digits, sep, 4);
                }
                s = if spec.alternate {
                    format!("{prefix}{digits}")
                } else {
                    digits
                };
                if negative {
                    s.insert(0, '-');
                }
            }
            'c' => {
                let (_, m) = self.integer().unwrap_or((false, 0));
                // printf's `%c` takes no sign (`%+c` is `A`)
                negative = spec.printf;
                s = u32::try_from(m)
                    .ok()
                    .and_then(char::from_u32)
                    .map(String::from)
                    .unwrap_or_default();
            }
            t => {
                let f = self.as_f64().unwrap_or(0.0);
                negative = f < 0.0 || (f == 0.0 && f.is_sign_negative());
                let p = spec.precision.unwrap_or(6);
                s = match t {
                    'f' | 'F' => {
                        let t = format!("{f:.p$}");
                        let t = if spec.alternate && p == 0 { t + "." } else { t };
                        apply_grouping(&t, spec.grouping)
                    }
                    _ if !f.is_finite() => {
                        let text = non_finite(f, t.is_ascii_uppercase());
                        if t == '%' {
                            text + "%"
                        } else {
                            text
                        }
                    }
                    'e' | 'E' => {
                        apply_grouping(&exp_format(f, p, t == 'E', spec.alternate), spec.grouping)
                    }
                    'g' | 'G' => apply_grouping(
                        &general_format(f, p, t == 'G', spec.alternate),
                        spec.grouping,
                    ),
                    '%' => {
                        let point = if spec.alternate && p == 0 { "." } else { "" };
                        apply_grouping(&format!("{:.p$}{point}%", f * 100.0), spec.grouping)
                    }
                    _ => format!("{f}"),
                };
            }
        }
        // printf's `%c` is text: `0` does not pad it
        let numeric = !(spec.printf && ty == Some('c'));
        (sign(s, negative, spec), numeric)
    }
}

/// printf's precision for an integer: at least that many digits (`%.3d` of 20 is
/// `020`, `%#.4x` of 20 is `0x0014`).
fn printf_precision(digits: &mut String, spec: &Spec) {
    if let (true, Some(p)) = (spec.printf, spec.precision) {
        if digits.len() < p {
            digits.insert_str(0, &"0".repeat(p - digits.len()));
        }
    }
}

fn apply_grouping(num: &str, grouping: Option<char>) -> String {
    match grouping {
        None => num.to_string(),
        Some(sep) => {
            // only the integer digits: not a fraction, not an exponent (`1e+300`)
            let (int, frac) = match num.find(['.', 'e', 'E', '%']) {
                Some(i) => (&num[..i], &num[i..]),
                None => (num, ""),
            };
            if !int
                .trim_start_matches('-')
                .bytes()
                .all(|b| b.is_ascii_digit())
            {
                return num.to_string(); // inf, nan
            }
            format!("{}{frac}", group(int, sep))
        }
    }
}

fn sign(s: String, negative: bool, spec: &Spec) -> String {
    if negative {
        return s;
    }
    match spec.sign {
        Some('+') => format!("+{s}"),
        Some(' ') => format!(" {s}"),
        _ => s,
    }
}

fn pad(out: &mut String, body: &str, numeric: bool, spec: &Spec) {
    let len = body.chars().count();
    if len >= spec.width {
        out.push_str(body);
        return;
    }
    let gap = spec.width - len;
    let default_align = if numeric || spec.printf { '>' } else { '<' };
    let (fill, align) = if spec.zero && numeric && spec.align.is_none() {
        ('0', '=')
    } else if spec.zero && spec.fill.is_none() && !spec.printf {
        // `{:^05}`, `{!r:>020}`: `0` fills whatever the alignment, when no fill is given
        ('0', spec.align.unwrap_or(default_align))
    } else {
        (
            spec.fill.unwrap_or(' '),
            spec.align.unwrap_or(default_align),
        )
    };
    let fills = |n: usize, out: &mut String| out.extend(std::iter::repeat_n(fill, n));
    match align {
        '<' => {
            out.push_str(body);
            fills(gap, out);
        }
        '^' => {
            fills(gap / 2, out);
            out.push_str(body);
            fills(gap - gap / 2, out);
        }
        '=' if fill == '0' && spec.grouping.is_some() => {
            // Python groups the zero padding too: format(0, "012,") is 0,000,000,000,
            // format(20, "010_b") is 0_0001_0100
            let sep = spec.grouping.unwrap_or(',');
            let size = if matches!(spec.ty, Some('x' | 'X' | 'o' | 'b')) {
                4
            } else {
                3
            };
            let split = body
                .char_indices()
                .find(|&(_, c)| !matches!(c, '+' | '-' | ' '))
                .map_or(body.len(), |(i, _)| i);
            let (sign_part, rest) = body.split_at(split);
            let (prefix, rest) = match rest.get(..2) {
                Some("0x" | "0X" | "0o" | "0b") if size == 4 => rest.split_at(2),
                _ => ("", rest),
            };
            let int_end = rest.find(['.', 'e', 'E', '%']).unwrap_or(rest.len());
            let (int_part, tail) = rest.split_at(int_end);
            let digits: String = int_part.chars().filter(|&c| c != sep).collect();
            let fixed = sign_part.chars().count() + prefix.len() + tail.chars().count();
            let mut n = digits.len().max(1);
            while n + (n - 1) / size + fixed < spec.width {
                n += 1;
            }
            let padded = format!("{}{digits}", "0".repeat(n - digits.len()));
            out.push_str(sign_part);
            out.push_str(prefix);
            out.push_str(&group_by(&padded, sep, size));
            out.push_str(tail);
        }
        '=' => {
            let split = body
                .char_indices()
                .find(|&(_, c)| !matches!(c, '+' | '-' | ' '))
                .map_or(body.len(), |(i, _)| i);
            let (sign_part, rest) = body.split_at(split);
            let (prefix, rest) = if rest.starts_with("0x")
                || rest.starts_with("0X")
                || rest.starts_with("0o")
                || rest.starts_with("0b")
            {
                rest.split_at(2)
            } else {
                ("", rest)
            };
            out.push_str(sign_part);
            out.push_str(prefix);
            fills(gap, out);
            out.push_str(rest);
        }
        _ => {
            fills(gap, out);
            out.push_str(body);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fmt(v: FieldValue, spec: &str) -> String {
        let mut out = String::new();
        v.write_with(
            &Spec::parse_brace(spec).unwrap(),
            Conversion::None,
            &mut out,
        );
        out
    }

    fn repr(v: f64) -> String {
        let mut s = String::new();
        float_repr(v, &mut s);
        s
    }

    #[test]
    fn floats_print_as_python_repr() {
        assert_eq!(repr(1.0), "1.0");
        assert_eq!(repr(99.99), "99.99");
        assert_eq!(repr(1e16), "1e+16");
        assert_eq!(repr(1234567890123456.0), "1234567890123456.0");
        assert_eq!(repr(0.0001), "0.0001");
        assert_eq!(repr(0.00001), "1e-05");
        assert_eq!(repr(-2.5), "-2.5");
        assert_eq!(repr(1.5e300), "1.5e+300");
    }

    #[test]
    fn format_specs_follow_python() {
        assert_eq!(fmt(FieldValue::Str("INFO".into()), "<8"), "INFO    ");
        assert_eq!(fmt(FieldValue::Str("r-17".into()), ">6"), "  r-17");
        assert_eq!(fmt(FieldValue::Int(7), "03d"), "007");
        assert_eq!(fmt(FieldValue::Int(-7), "04d"), "-007");
        assert_eq!(fmt(FieldValue::Int(1234567), ","), "1,234,567");
        assert_eq!(fmt(FieldValue::Float(1.23456), ".2f"), "1.23");
        assert_eq!(fmt(FieldValue::Float(123456.0), "e"), "1.234560e+05");
        assert_eq!(fmt(FieldValue::Float(0.00001234), "g"), "1.234e-05");
        assert_eq!(fmt(FieldValue::Float(123.0), "g"), "123");
        assert_eq!(fmt(FieldValue::Int(255), "#x"), "0xff");
        assert_eq!(fmt(FieldValue::Str("abcdef".into()), ".3"), "abc");
        assert_eq!(fmt(FieldValue::Str("ab".into()), "*^6"), "**ab**");
        assert_eq!(fmt(FieldValue::Int(5), "+d"), "+5");
        assert_eq!(fmt(FieldValue::Int(42), ""), "42");
        let top = FieldValue::UInt128(u128::MAX);
        assert_eq!(fmt(top.clone(), "032x"), "ffffffffffffffffffffffffffffffff");
        assert_eq!(
            fmt(top, ","),
            "340,282,366,920,938,463,463,374,607,431,768,211,455"
        );
        assert_eq!(
            fmt(FieldValue::Int128(i128::MIN), "_"),
            "-170_141_183_460_469_231_731_687_303_715_884_105_728"
        );
        assert_eq!(
            fmt(FieldValue::Int128(1 << 64), "#X"),
            "0X10000000000000000"
        );
        assert_eq!(fmt(FieldValue::Int(0), "012,"), "0,000,000,000");
        assert_eq!(fmt(FieldValue::Int(1234), "010,"), "00,001,234");
        assert_eq!(fmt(FieldValue::Float(-1234.5), "012,.1f"), "-0,001,234.5");
        assert_eq!(fmt(FieldValue::Float(-0.5), "n"), "-0.5");
        assert_eq!(fmt(FieldValue::Float(1e300), "n"), "1e+300");
        assert_eq!(fmt(FieldValue::Int(12345678), "015_"), "000_012_345_678");
        assert_eq!(fmt(FieldValue::Int(-5), "+08,"), "-000,005");
        assert_eq!(fmt(FieldValue::Float(1e300), ","), "1e+300");
        assert_eq!(fmt(FieldValue::Float(1234.5), ","), "1,234.5");
        assert_eq!(fmt(FieldValue::Float(1e40), "d").len(), 41);
    }

    #[test]
    fn repr_quotes_strings() {
        let mut s = String::new();
        FieldValue::Str("it's\n".into()).write_repr(&mut s);
        assert_eq!(s, "\"it's\\n\"");
    }

    #[test]
    fn repr_and_ascii_escape_as_python() {
        let conv = |v: &str, c: Conversion, spec: &str| {
            let mut out = String::new();
            FieldValue::Str(v.into()).write_with(&Spec::parse_brace(spec).unwrap(), c, &mut out);
            out
        };
        assert_eq!(conv("café", Conversion::Ascii, ""), "'caf\\xe9'");
        assert_eq!(conv("€😀", Conversion::Ascii, ""), "'\\u20ac\\U0001f600'");
        assert_eq!(conv("€ nb\u{a0}sp", Conversion::Repr, ""), "'€ nb\\xa0sp'");
        assert_eq!(conv("app", Conversion::Repr, "<8"), "'app'   ");
        assert_eq!(conv("app.views", Conversion::Repr, ">8.5"), "   'app.");
        let mut out = String::new();
        FieldValue::Int(42).write_with(
            &Spec::parse_brace(">5").unwrap(),
            Conversion::Repr,
            &mut out,
        );
        assert_eq!(out, "   42");
    }
}

/// Key-values copied out of a record: for a redacted copy, or for a record that waits
/// in a `queue` handler after its logging call returned.
#[derive(Clone, Debug, Default)]
pub struct OwnedKv(pub Vec<(String, FieldValue<'static>)>);

impl OwnedKv {
    /// Copies every key-value of `source`.
    pub fn capture(source: &dyn log::kv::Source) -> OwnedKv {
        struct Collect(Vec<(String, FieldValue<'static>)>);
        impl<'kvs> log::kv::VisitSource<'kvs> for Collect {
            fn visit_pair(
                &mut self,
                key: log::kv::Key<'kvs>,
                value: log::kv::Value<'kvs>,
            ) -> Result<(), log::kv::Error> {
                self.0
                    .push((key.as_str().to_string(), super::kv_value(&value)));
                Ok(())
            }
        }
        let mut collect = Collect(Vec::new());
        let _ = source.visit(&mut collect);
        OwnedKv(collect.0)
    }
}

impl log::kv::Source for OwnedKv {
    fn visit<'kvs>(
        &'kvs self,
        visitor: &mut dyn log::kv::VisitSource<'kvs>,
    ) -> Result<(), log::kv::Error> {
        for (k, v) in &self.0 {
            let value = match v {
                FieldValue::Str(s) => log::kv::Value::from(s.as_ref()),
                FieldValue::Int(i) => log::kv::Value::from(*i),
                FieldValue::Int128(i) => log::kv::Value::from(*i),
                FieldValue::UInt128(u) => log::kv::Value::from(*u),
                FieldValue::Float(f) => log::kv::Value::from(*f),
                FieldValue::Bool(b) => log::kv::Value::from(*b),
            };
            visitor.visit_pair(log::kv::Key::from_str(k), value)?;
        }
        Ok(())
    }
}

//! Parsing a formatter's `format` once, at load, into literal text and fields, in
//! Python's three styles: `%(name)s`, `{name}` and `${name}`.

use super::spec::Spec;
pub use super::value::Conversion;
use super::Style;

/// A record attribute or a custom field.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Field {
    /// `name`: the logger name.
    Name,
    /// `levelname`.
    LevelName,
    /// `levelno`.
    LevelNo,
    /// `message`.
    Message,
    /// `asctime`.
    Asctime,
    /// `created`: seconds since the epoch, a float.
    Created,
    /// `msecs`: the millisecond part of `created`.
    Msecs,
    /// `relativeCreated`: milliseconds since logging started.
    RelativeCreated,
    /// `module`: the source file's stem.
    Module,
    /// `pathname`: the source file's path.
    Pathname,
    /// `filename`: the source file's base name.
    Filename,
    /// `lineno`.
    Lineno,
    /// `funcName`.
    FuncName,
    /// `thread`: the thread's id.
    Thread,
    /// `threadName`.
    ThreadName,
    /// `process`: the process id.
    Process,
    /// `processName`.
    ProcessName,
    /// `key_values` (logconf's addition): the record's key-values, then the context
    /// fields they do not override, as logfmt.
    KeyValues,
    /// A key-value of the record or of the context.
    Custom(Box<str>),
}

/// The record attribute names, which key-values never override.
pub const RECORD_ATTRIBUTES: &[&str] = &[
    "name",
    "levelname",
    "levelno",
    "message",
    "asctime",
    "created",
    "msecs",
    "relativeCreated",
    "module",
    "pathname",
    "filename",
    "lineno",
    "funcName",
    "thread",
    "threadName",
    "process",
    "processName",
    "key_values",
    "msg",
    "args",
    "exc_info",
    "exc_text",
    "stack_info",
    "taskName",
];

impl Field {
    /// The field for a name used in a format.
    pub fn from_name(name: &str) -> Field {
        match name {
            "name" => Field::Name,
            "levelname" => Field::LevelName,
            "levelno" => Field::LevelNo,
            "message" | "msg" => Field::Message,
            "asctime" => Field::Asctime,
            "created" => Field::Created,
            "msecs" => Field::Msecs,
            "relativeCreated" => Field::RelativeCreated,
            "module" => Field::Module,
            "pathname" => Field::Pathname,
            "filename" => Field::Filename,
            "lineno" => Field::Lineno,
            "funcName" => Field::FuncName,
            "thread" => Field::Thread,
            "threadName" => Field::ThreadName,
            "process" => Field::Process,
            "processName" => Field::ProcessName,
            "key_values" => Field::KeyValues,
            other => Field::Custom(other.into()),
        }
    }
}

/// One part of a parsed format.
#[derive(Clone, Debug, PartialEq)]
pub enum Piece {
    /// Text copied as it is.
    Literal(Box<str>),
    /// A field with its spec.
    Field {
        /// Which field.
        field: Field,
        /// How to print it.
        spec: Spec,
        /// `!s`/`!r`/`!a`, `%s`/`%r`/`%a`: the text the spec applies to.
        conversion: Conversion,
    },
}

/// A problem in a format string, at a byte offset within it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FormatError {
    /// What is wrong.
    pub message: String,
    /// Byte offset in the format string; None when the problem is the whole format.
    pub offset: Option<usize>,
    /// A hint.
    pub help: Option<String>,
}

fn err(message: impl Into<String>, offset: usize, help: Option<&str>) -> FormatError {
    FormatError {
        message: message.into(),
        offset: Some(offset),
        help: help.map(str::to_string),
    }
}

/// `%(message)s`, parsed: Python's default format.
pub fn message_only_pieces() -> Vec<Piece> {
    vec![Piece::Field {
        field: Field::Message,
        spec: Spec::default(),
        conversion: Conversion::None,
    }]
}

/// Parses `format` in `style`; a format without any field is an error (Python's
/// `validate`), with a hint about the style.
pub fn parse(format: &str, style: Style) -> Result<Vec<Piece>, FormatError> {
    let pieces = match style {
        Style::Percent => parse_percent(format)?,
        Style::Brace => parse_brace(format)?,
        Style::Dollar => parse_dollar(format)?,
    };
    if !pieces.iter().any(|p| matches!(p, Piece::Field { .. })) {
        let (mine, hint) = match style {
            Style::Percent => ("%(name)s", guess_style(format)),
            Style::Brace => ("{name}", guess_style(format)),
            Style::Dollar => ("${name}", guess_style(format)),
        };
        let help = match hint {
            Some(other) if other != style => format!(
                "this format looks like style = \"{}\"; set `style` to match, or write fields as {mine}",
                style_text(other)
            ),
            _ => format!("fields in style \"{}\" are written {mine}, such as {}", style_text(style), example(style)),
        };
        return Err(FormatError {
            message: format!("the format has no field of style \"{}\"", style_text(style)),
            offset: None,
            help: Some(help),
        });
    }
    Ok(merge_literals(pieces))
}

fn style_text(style: Style) -> &'static str {
    match style {
        Style::Percent => "%",
        Style::Brace => "{",
        Style::Dollar => "$",
    }
}

fn example(style: Style) -> &'static str {
    match style {
        Style::Percent => "%(levelname)s %(message)s",
        Style::Brace => "{levelname} {message}",
        Style::Dollar => "${levelname} ${message}",
    }
}

fn guess_style(format: &str) -> Option<Style> {
    let re_pct = format.contains("%(");
    let re_brace = regex_lite_find(format, '{');
    let re_dollar =
        format.contains("${") || format.contains("$message") || format.contains("$levelname");
    if re_pct {
        Some(Style::Percent)
    } else if re_dollar {
        Some(Style::Dollar)
    } else if re_brace {
        Some(Style::Brace)
    } else {
        None
    }
}

fn regex_lite_find(format: &str, open: char) -> bool {
    format.split(open).skip(1).any(|rest| {
        rest.chars()
            .next()
            .is_some_and(|c| c.is_alphabetic() || c == '_')
            && rest.contains('}')
    })
}

fn merge_literals(pieces: Vec<Piece>) -> Vec<Piece> {
    let mut out: Vec<Piece> = Vec::with_capacity(pieces.len());
    for p in pieces {
        match (out.last_mut(), p) {
            (Some(Piece::Literal(prev)), Piece::Literal(next)) => {
                let joined = format!("{prev}{next}");
                *prev = joined.into();
            }
            (_, p) => out.push(p),
        }
    }
    out.retain(|p| !matches!(p, Piece::Literal(s) if s.is_empty()));
    out
}

/// A name's first character in `{…}`: a letter of any script or `_` (`{用户}`), as a
/// Python identifier starts.
fn is_ident_start(c: char) -> bool {
    c == '_' || c.is_alphabetic()
}

fn is_ident(c: char) -> bool {
    c == '_' || c.is_alphanumeric()
}

fn parse_percent(format: &str) -> Result<Vec<Piece>, FormatError> {
    let mut pieces = Vec::new();
    let mut literal = String::new();
    let bytes = format.as_bytes();
    let mut i = 0;
    while i < format.len() {
        let Some(rel) = format[i..].find('%') else {
            literal.push_str(&format[i..]);
            break;
        };
        literal.push_str(&format[i..i + rel]);
        let start = i + rel;
        let mut j = start + 1;
        if bytes.get(j) == Some(&b'%') {
            literal.push('%');
            i = j + 1;
            continue;
        }
        if bytes.get(j) != Some(&b'(') {
            return Err(err(
                "a `%` that starts no field",
                start,
                Some("fields are written %(name)s; write %% for a literal %"),
            ));
        }
        let close = format[j..]
            .find(')')
            .ok_or_else(|| err("a `%(` field without its closing `)`", start, None))?;
        // any text up to `)` names the field, as Python's `%` reads a mapping key:
        // `%(http.method)s`, `%(user-agent)s` (ECS-style key-values)
        let name = &format[j + 1..j + close];
        if name.is_empty() {
            return Err(err(
                "`%()`: a field needs a name, such as %(message)s",
                start,
                None,
            ));
        }
        j += close + 1;
        let mut spec = Spec {
            printf: true,
            ..Spec::default()
        };
        while let Some(&c) = bytes.get(j) {
            match c {
                b'-' => spec.align = Some('<'),
                b'0' => spec.zero = true,
                b'+' => spec.sign = Some('+'),
                b' ' => {
                    if spec.sign.is_none() {
                        spec.sign = Some(' ')
                    }
                }
                b'#' => spec.alternate = true,
                _ => break,
            }
            j += 1;
        }
        if spec.align == Some('<') {
            spec.zero = false;
        }
        let w0 = j;
        while bytes.get(j).is_some_and(u8::is_ascii_digit) {
            j += 1;
        }
        spec.width = format[w0..j].parse().unwrap_or(0).min(10_000);
        if bytes.get(j) == Some(&b'.') {
            j += 1;
            let p0 = j;
            while bytes.get(j).is_some_and(u8::is_ascii_digit) {
                j += 1;
            }
            spec.precision = Some(format[p0..j].parse().unwrap_or(0).min(10_000));
        }
        let Some(&ty) = bytes.get(j) else {
            return Err(err(
                format!("`%({name})` has no conversion type"),
                start,
                Some("end the field with a type, such as %(name)s or %(lineno)d"),
            ));
        };
        let ty = ty as char;
        if !"diouxXeEfFgGcrsa".contains(ty) {
            return Err(err(
                format!("`%({name})` has an unknown conversion type `{ty}`"),
                start,
                Some("use s (text), d (integer), f (float), r (repr)..."),
            ));
        }
        // printf's %s, %r and %a format the value's str(), repr() or ascii() as text
        let conversion = match ty {
            's' => Conversion::Str,
            'r' => Conversion::Repr,
            'a' => Conversion::Ascii,
            _ => Conversion::None,
        };
        spec.ty = match ty {
            's' | 'r' | 'a' => None,
            'i' | 'u' => Some('d'),
            t => Some(t),
        };
        if !literal.is_empty() {
            pieces.push(Piece::Literal(std::mem::take(&mut literal).into()));
        }
        pieces.push(Piece::Field {
            field: Field::from_name(name),
            spec,
            conversion,
        });
        i = j + 1;
    }
    if !literal.is_empty() {
        pieces.push(Piece::Literal(literal.into()));
    }
    Ok(pieces)
}

fn parse_brace(format: &str) -> Result<Vec<Piece>, FormatError> {
    let mut pieces = Vec::new();
    let mut literal = String::new();
    let mut chars = format.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        match c {
            '{' if chars.peek().map(|&(_, c)| c) == Some('{') => {
                chars.next();
                literal.push('{');
            }
            '}' if chars.peek().map(|&(_, c)| c) == Some('}') => {
                chars.next();
                literal.push('}');
            }
            '}' => {
                return Err(err(
                    "a single `}` in the format",
                    i,
                    Some("write }} for a literal }"),
                ))
            }
            '{' => {
                let close = format[i..].find('}').ok_or_else(|| {
                    err(
                        "a `{` field without its closing `}`",
                        i,
                        Some("write {{ for a literal {"),
                    )
                })?;
                let inner = &format[i + 1..i + close];
                if inner.contains('{') {
                    return Err(err(
                        "nested fields in a format spec are not supported",
                        i,
                        None,
                    ));
                }
                let (head, spec_text) = match inner.find(':') {
                    Some(k) => (&inner[..k], Some(&inner[k + 1..])),
                    None => (inner, None),
                };
                let (name, conversion) = match head.find('!') {
                    Some(k) => (&head[..k], Some(&head[k + 1..])),
                    None => (head, None),
                };
                if name.is_empty()
                    || !name.chars().next().is_some_and(is_ident_start)
                    || !name.chars().all(is_ident)
                {
                    return Err(err(
                        format!("`{{{inner}}}`: a field is a name, such as {{levelname}}"),
                        i,
                        Some("positional fields ({}, {0}) are not supported: name the field; write {{ for a literal {"),
                    ));
                }
                let conversion = match conversion {
                    None => Conversion::None,
                    Some("s") => Conversion::Str,
                    Some("r") => Conversion::Repr,
                    Some("a") => Conversion::Ascii,
                    Some(other) => {
                        return Err(err(
                            format!("unknown conversion `!{other}`: use !s, !r or !a"),
                            i,
                            None,
                        ))
                    }
                };
                let spec = match spec_text {
                    Some(t) => Spec::parse_brace(t).map_err(|m| err(m, i, None))?,
                    None => Spec::default(),
                };
                if !literal.is_empty() {
                    pieces.push(Piece::Literal(std::mem::take(&mut literal).into()));
                }
                pieces.push(Piece::Field {
                    field: Field::from_name(name),
                    spec,
                    conversion,
                });
                // past the field's closing `}` (`close` counts bytes, not characters)
                while chars.next_if(|&(k, _)| k <= i + close).is_some() {}
            }
            c => literal.push(c),
        }
    }
    if !literal.is_empty() {
        pieces.push(Piece::Literal(literal.into()));
    }
    Ok(pieces)
}

fn parse_dollar(format: &str) -> Result<Vec<Piece>, FormatError> {
    let mut pieces = Vec::new();
    let mut literal = String::new();
    let mut i = 0;
    while i < format.len() {
        let Some(rel) = format[i..].find('$') else {
            literal.push_str(&format[i..]);
            break;
        };
        literal.push_str(&format[i..i + rel]);
        let start = i + rel;
        let rest = &format[start + 1..];
        let (name, used) = if rest.starts_with('$') {
            literal.push('$');
            i = start + 2;
            continue;
        } else if let Some(body) = rest.strip_prefix('{') {
            let end = body
                .find('}')
                .ok_or_else(|| err("a `${` field without its closing `}`", start, None))?;
            (&body[..end], end + 2)
        } else {
            let end = rest.find(|c: char| !is_ident(c)).unwrap_or(rest.len());
            (&rest[..end], end)
        };
        if name.is_empty()
            || !name.chars().next().is_some_and(is_ident_start)
            || !name.chars().all(is_ident)
        {
            return Err(err(
                "a `$` that starts no field",
                start,
                Some("fields are written $name or ${name}; write $$ for a literal $"),
            ));
        }
        if !literal.is_empty() {
            pieces.push(Piece::Literal(std::mem::take(&mut literal).into()));
        }
        pieces.push(Piece::Field {
            field: Field::from_name(name),
            spec: Spec::default(),
            conversion: Conversion::None,
        });
        i = start + 1 + used;
    }
    if !literal.is_empty() {
        pieces.push(Piece::Literal(literal.into()));
    }
    Ok(pieces)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(pieces: &[Piece]) -> Vec<String> {
        pieces
            .iter()
            .map(|p| match p {
                Piece::Literal(s) => format!("'{s}'"),
                Piece::Field { field, .. } => format!("{field:?}"),
            })
            .collect()
    }

    #[test]
    fn parses_the_three_styles() {
        let p = parse(
            "%(asctime)s %(levelname)-8s [%(name)s] 100%% %(message)s",
            Style::Percent,
        )
        .unwrap();
        assert_eq!(
            names(&p),
            [
                "Asctime",
                "' '",
                "LevelName",
                "' ['",
                "Name",
                "'] 100% '",
                "Message"
            ]
        );
        let p = parse("{levelname:<8} {{x}} {user_id}", Style::Brace).unwrap();
        assert_eq!(names(&p), ["LevelName", "' {x} '", "Custom(\"user_id\")"]);
        let p = parse("$levelname ${name}: $$5 $message", Style::Dollar).unwrap();
        assert_eq!(
            names(&p),
            ["LevelName", "' '", "Name", "': $5 '", "Message"]
        );
    }

    #[test]
    fn rejects_formats_without_fields_with_a_style_hint() {
        let e = parse("{levelname} {message}", Style::Percent).unwrap_err();
        assert!(e.help.unwrap().contains("style = \"{\""));
        let e = parse("plain text", Style::Brace).unwrap_err();
        assert!(e.message.contains("no field"));
    }

    #[test]
    fn rejects_broken_fields() {
        assert!(parse("%(name)q", Style::Percent).is_err());
        assert!(parse("100% %(message)s", Style::Percent).is_err());
        assert!(parse("{message} }", Style::Brace).is_err());
        assert!(parse("{} {message}", Style::Brace).is_err());
        assert!(parse("$ $message", Style::Dollar).is_err());
        assert!(parse("%(message", Style::Percent).is_err());
    }
}

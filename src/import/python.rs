//! A Python `LOGGING` dict read as literals, never executed: dicts, lists, tuples,
//! strings (any prefix and quoting, adjacent ones joined), numbers, `True`, `False`,
//! `None`, and `dict(key=value)`. Anything else (`os.path.join(BASE_DIR, "x.log")`,
//! `sys.stdout`, a function) is kept as its source text in a `{"__code__": "..."}`
//! object, for the converter to map or name in a note.

use serde_json::{Map, Number, Value};

/// How deep brackets may nest (a LOGGING dict needs 4).
const MAX_NESTING: usize = 64;

/// The key of the object that stands for a piece of code.
pub const CODE: &str = "__code__";

/// The source text of a value that was code, not a literal.
pub fn code_of(v: &Value) -> Option<&str> {
    match v {
        Value::Object(o) if o.len() == 1 => o.get(CODE).and_then(Value::as_str),
        _ => None,
    }
}

/// What reading a settings file found.
#[derive(Debug)]
pub struct Parsed {
    /// The dict, with code kept as `{"__code__": ...}` objects.
    pub value: Value,
    /// What keeps the literal from being the dict Python ends up with (code that
    /// changes `LOGGING` later, code as a key): the conversion cannot be trusted.
    pub problems: Vec<String>,
    /// Worth saying, but harmless (an earlier `LOGGING =` that a later one replaces).
    pub notes: Vec<String>,
}

/// Reads the dict of a `LOGGING = {...}` assignment in a settings file (the last one,
/// as Python keeps the last), or a file that is one dict literal. The error says where
/// reading stopped (line:column), or that LOGGING is built by code.
pub fn parse_logging(text: &str) -> Result<Parsed, String> {
    let assignments = assignments(text);
    let start = assignments.last().map_or(0, |a| a.1);
    let mut p = Parser {
        text,
        bytes: text.as_bytes(),
        at: start,
        nesting: 0,
        problems: Vec::new(),
    };
    p.skip_blank();
    if p.peek() != Some(b'{') && !p.rest().starts_with("dict(") {
        return Err(if assignments.is_empty() {
            "expected a Python dict literal or a `LOGGING = {...}` assignment".into()
        } else {
            format!("{}: `LOGGING =` is not followed by a dict literal; export the dict as JSON (json.dumps(LOGGING, default=str)) and import that", p.position())
        });
    }
    let value = p.value()?;
    if let Some(code) = code_of(&value) {
        return Err(format!(
            "LOGGING is built by code (`{}`): export the dict Python ends up with as JSON (json.dumps(LOGGING, default=str)) and import that",
            shorten(code)
        ));
    }
    let mut notes = Vec::new();
    if assignments.len() > 1 {
        let lines: Vec<String> = assignments.iter().map(|(l, _)| l.to_string()).collect();
        notes.push(format!(
            "LOGGING is assigned on lines {}: the last one is converted, as Python keeps it",
            lines.join(", ")
        ));
    }
    let mut problems = std::mem::take(&mut p.problems);
    let after = p.at;
    let lines_before = text[..after].matches('\n').count();
    for (i, line) in text.get(after..).unwrap_or_default().lines().enumerate() {
        let t = line.trim_start();
        // an indented `LOGGING = ...` (in an `if`), `LOGGING[...] = ...`, `.update`
        let reassigned = t
            .strip_prefix("LOGGING")
            .map(str::trim_start)
            .is_some_and(|r| (r.starts_with('=') && !r.starts_with("==")) || r.starts_with(':'));
        let changes = t.starts_with("LOGGING[")
            || t.starts_with("LOGGING.")
            || t.starts_with("LOGGING |=")
            || t.starts_with("LOGGING +=")
            || t.starts_with("global LOGGING")
            || t.starts_with("del LOGGING")
            || reassigned
            || (t.contains("LOGGING[") && t.contains('='));
        if changes && !t.starts_with('#') {
            let number = lines_before + i + 1;
            problems.push(format!(
                "line {number} changes LOGGING after its literal (`{}`): the conversion misses it; export the dict as JSON (json.dumps(LOGGING, default=str)) and import that",
                shorten(t)
            ));
        }
    }
    Ok(Parsed {
        value,
        problems,
        notes,
    })
}

/// The first 60 characters of a piece of code, for a message.
fn shorten(code: &str) -> String {
    let one_line = code.split_whitespace().collect::<Vec<_>>().join(" ");
    if one_line.chars().count() > 60 {
        format!("{}...", one_line.chars().take(60).collect::<String>())
    } else {
        one_line
    }
}

/// Every top-level `LOGGING = ` (or `LOGGING: dict = `): its line and where its value
/// starts. `LOGGING_CONFIG = None` and `LOGGING_DIR = ...` are other names.
fn assignments(text: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut offset = 0;
    for (number, line) in text.split_inclusive('\n').enumerate() {
        let found = line.strip_prefix("LOGGING").and_then(|rest| {
            let after = rest.trim_start();
            if rest.starts_with(|c: char| c.is_ascii_alphanumeric() || c == '_') {
                return None;
            }
            match after.strip_prefix(':') {
                Some(annotated) => annotated.split_once('=').map(|(_, v)| v),
                None => after.strip_prefix('=').filter(|v| !v.starts_with('=')),
            }
        });
        if let Some(value) = found {
            out.push((number + 1, offset + line.len() - value.len()));
        }
        offset += line.len();
    }
    out
}

struct Parser<'a> {
    text: &'a str,
    bytes: &'a [u8],
    at: usize,
    /// Brackets open around `at`: outside them a line break ends the statement.
    nesting: usize,
    /// Code where the dict's shape is (a key): see [`Parsed::problems`].
    problems: Vec<String>,
}

impl Parser<'_> {
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.at).copied()
    }

    fn rest(&self) -> &str {
        self.text.get(self.at..).unwrap_or_default()
    }

    fn position(&self) -> String {
        let before = self.text.get(..self.at).unwrap_or_default();
        let line = before.matches('\n').count() + 1;
        let column = before
            .rsplit('\n')
            .next()
            .unwrap_or_default()
            .chars()
            .count()
            + 1;
        format!("line {line}, column {column}")
    }

    fn error<T>(&self, what: &str) -> Result<T, String> {
        Err(format!("{}: {what}", self.position()))
    }

    /// Skips spaces, newlines, comments and line continuations.
    fn skip_blank(&mut self) {
        while let Some(b) = self.peek() {
            match b {
                b' ' | b'\t' | b'\r' | b'\n' | b'\x0c' => self.at += 1,
                b'\\' if matches!(self.bytes.get(self.at + 1), Some(b'\n' | b'\r')) => self.at += 2,
                b'#' => {
                    while self.peek().is_some_and(|b| b != b'\n') {
                        self.at += 1;
                    }
                }
                _ => break,
            }
        }
    }

    fn eat(&mut self, b: u8) -> bool {
        self.skip_blank();
        if self.peek() == Some(b) {
            self.at += 1;
            true
        } else {
            false
        }
    }

    fn value(&mut self) -> Result<Value, String> {
        if self.nesting > MAX_NESTING {
            return self.error(&format!("nested more than {MAX_NESTING} brackets deep"));
        }
        self.skip_blank();
        let start = self.at;
        let literal = match self.peek() {
            Some(b'{') => {
                self.at += 1;
                self.nesting += 1;
                let d = self.dict()?;
                self.nesting -= 1;
                d
            }
            Some(b'[') => {
                self.at += 1;
                self.nesting += 1;
                let items = self.items(b']')?;
                self.nesting -= 1;
                Value::Array(items)
            }
            Some(b'(') => {
                self.at += 1;
                self.nesting += 1;
                let (items, tuple) = self.tuple()?;
                self.nesting -= 1;
                if tuple {
                    Value::Array(items)
                } else {
                    items.into_iter().next().unwrap_or(Value::Null)
                }
            }
            _ => match self.string()? {
                Some(s) => Value::String(s),
                None => match self.number_or_name() {
                    Some(v) => v,
                    None => {
                        self.at = start;
                        if self.rest().starts_with("dict(") {
                            self.at += 5;
                            self.nesting += 1;
                            let d = self.keyword_dict()?;
                            self.nesting -= 1;
                            d
                        } else {
                            return self.code(start);
                        }
                    }
                },
            },
        };
        // a literal followed by an operator (`BASE_DIR / "x"`, `"a" % b`, `x.y`) is code;
        // outside brackets the statement ends with its line
        if self.nesting == 0 {
            while matches!(self.peek(), Some(b' ' | b'\t')) {
                self.at += 1;
            }
            if matches!(self.peek(), None | Some(b'\n' | b'\r' | b'#' | b';')) {
                return Ok(literal);
            }
        }
        self.skip_blank();
        match self.peek() {
            // the caller says what is missing before a quote or a new line's value
            None | Some(b',' | b'}' | b']' | b')' | b':' | b'\'' | b'"') => Ok(literal),
            Some(_) => self.code(start),
        }
    }

    /// Source text up to the next `,`, `:` or closing bracket outside brackets and
    /// strings: a piece of code, kept as text.
    fn code(&mut self, start: usize) -> Result<Value, String> {
        self.at = start;
        let mut depth = 0usize;
        while let Some(b) = self.peek() {
            match b {
                b'(' | b'[' | b'{' => depth += 1,
                b')' | b']' | b'}' if depth == 0 => break,
                b')' | b']' | b'}' => depth -= 1,
                b',' | b':' if depth == 0 => break,
                b'\n' | b';' if depth == 0 && self.nesting == 0 => break,
                b'\'' | b'"' => {
                    self.skip_string()?;
                    continue;
                }
                b'#' => {
                    self.skip_blank();
                    continue;
                }
                _ => {}
            }
            self.at += 1;
        }
        let source = self.text.get(start..self.at).unwrap_or_default();
        let source = source.split_whitespace().collect::<Vec<_>>().join(" ");
        if source.is_empty() {
            return self.error("expected a value");
        }
        // `1024 * 1024 * 5`: constant arithmetic is its value
        if let Some(n) = eval_int(&source) {
            return Ok(Value::Number(n.into()));
        }
        let mut o = Map::new();
        o.insert(CODE.into(), Value::String(source));
        Ok(Value::Object(o))
    }

    /// Past a string literal inside code, whatever it holds (an f-string's fields, a
    /// `\N{...}`): a backslash skips the byte after it.
    fn skip_string(&mut self) -> Result<(), String> {
        let Some(quote) = self.peek() else {
            return Ok(());
        };
        let triple = self.bytes.get(self.at..self.at + 3) == Some(&[quote; 3][..]);
        self.at += if triple { 3 } else { 1 };
        loop {
            match self.peek() {
                None => return self.error("a string is not closed"),
                Some(b'\\') => self.at += 2,
                Some(b) if b == quote => {
                    if !triple {
                        self.at += 1;
                        return Ok(());
                    }
                    if self.bytes.get(self.at..self.at + 3) == Some(&[quote; 3][..]) {
                        self.at += 3;
                        return Ok(());
                    }
                    self.at += 1;
                }
                Some(b'\n') if !triple => return self.error("a string is not closed on its line"),
                Some(_) => self.at += 1,
            }
        }
    }

    fn dict(&mut self) -> Result<Value, String> {
        let mut map = Map::new();
        loop {
            if self.eat(b'}') {
                return Ok(Value::Object(map));
            }
            let key = match self.value()? {
                Value::String(s) => s,
                Value::Number(n) => n.to_string(),
                other => match code_of(&other) {
                    Some(code) => {
                        self.problems.push(format!(
                            "{}: the key `{}` is code; it is written as that name, which is not what Python sees; export the dict as JSON (json.dumps(LOGGING, default=str)) and import that",
                            self.position(),
                            shorten(code)
                        ));
                        code.to_string()
                    }
                    None => return self.error("a dict key must be a string"),
                },
            };
            if !self.eat(b':') {
                return self.error("expected `:` after a dict key");
            }
            let value = self.value()?;
            map.insert(key, value);
            if !self.eat(b',') {
                if self.eat(b'}') {
                    return Ok(Value::Object(map));
                }
                return self.error("expected `,` or `}` in a dict");
            }
        }
    }

    /// `dict(a=1, b="x")`, after `dict(`.
    fn keyword_dict(&mut self) -> Result<Value, String> {
        let mut map = Map::new();
        loop {
            if self.eat(b')') {
                return Ok(Value::Object(map));
            }
            self.skip_blank();
            let start = self.at;
            while self
                .peek()
                .is_some_and(|b| b.is_ascii_alphanumeric() || b == b'_')
            {
                self.at += 1;
            }
            let key = self
                .text
                .get(start..self.at)
                .unwrap_or_default()
                .to_string();
            if key.is_empty() || !self.eat(b'=') {
                return self.error("expected `name=value` in dict(...)");
            }
            let value = self.value()?;
            map.insert(key, value);
            if !self.eat(b',') {
                if self.eat(b')') {
                    return Ok(Value::Object(map));
                }
                return self.error("expected `,` or `)` in dict(...)");
            }
        }
    }

    fn items(&mut self, close: u8) -> Result<Vec<Value>, String> {
        let mut items = Vec::new();
        loop {
            if self.eat(close) {
                return Ok(items);
            }
            items.push(self.value()?);
            if !self.eat(b',') {
                if self.eat(close) {
                    return Ok(items);
                }
                return self.error(&format!("expected `,` or `{}`", close as char));
            }
        }
    }

    /// After `(`: the items, and whether it was a tuple (a comma, or empty).
    fn tuple(&mut self) -> Result<(Vec<Value>, bool), String> {
        let mut items = Vec::new();
        let mut comma = false;
        loop {
            if self.eat(b')') {
                let tuple = comma || items.is_empty();
                return Ok((items, tuple));
            }
            items.push(self.value()?);
            if self.eat(b',') {
                comma = true;
            } else if self.eat(b')') {
                return Ok((items, comma));
            } else {
                return self.error("expected `,` or `)`");
            }
        }
    }

    /// One or more adjacent string literals, joined; None when none starts here. An
    /// f-string with a replacement field is code.
    fn string(&mut self) -> Result<Option<String>, String> {
        let mut out: Option<String> = None;
        loop {
            let save = self.at;
            if out.is_some() {
                self.skip_blank();
            }
            let mut prefix = String::new();
            while let Some(b) = self.peek() {
                if matches!(b.to_ascii_lowercase(), b'r' | b'b' | b'u' | b'f') && prefix.len() < 2 {
                    prefix.push(b.to_ascii_lowercase() as char);
                    self.at += 1;
                } else {
                    break;
                }
            }
            let Some(quote) = self.peek().filter(|b| matches!(b, b'\'' | b'"')) else {
                self.at = save;
                return Ok(out);
            };
            let raw = prefix.contains('r');
            let mut unresolved = false;
            let triple = self.bytes.get(self.at..self.at + 3) == Some(&[quote; 3][..]);
            self.at += if triple { 3 } else { 1 };
            let mut s = String::new();
            loop {
                let Some(b) = self.peek() else {
                    return self.error("a string is not closed");
                };
                if b == quote
                    && (!triple || self.bytes.get(self.at..self.at + 3) == Some(&[quote; 3][..]))
                {
                    self.at += if triple { 3 } else { 1 };
                    break;
                }
                if b == b'\n' && !triple {
                    return self.error("a string is not closed on its line");
                }
                if b == b'\\' {
                    let next = self.bytes.get(self.at + 1).copied();
                    if raw {
                        s.push('\\');
                        if let Some(n) = next.filter(|n| *n == quote || *n == b'\\') {
                            s.push(n as char);
                            self.at += 2;
                        } else {
                            self.at += 1;
                        }
                        continue;
                    }
                    self.at += 2;
                    match next {
                        Some(b'n') => s.push('\n'),
                        Some(b't') => s.push('\t'),
                        Some(b'r') => s.push('\r'),
                        Some(b'a') => s.push('\u{7}'),
                        Some(b'b') => s.push('\u{8}'),
                        Some(b'f') => s.push('\u{c}'),
                        Some(b'v') => s.push('\u{b}'),
                        Some(d @ b'0'..=b'7') => {
                            // up to three octal digits
                            let mut n = u32::from(d - b'0');
                            for _ in 0..2 {
                                match self.peek() {
                                    Some(o @ b'0'..=b'7') => {
                                        n = n * 8 + u32::from(o - b'0');
                                        self.at += 1;
                                    }
                                    _ => break,
                                }
                            }
                            s.push(char::from_u32(n).unwrap_or('\u{fffd}'));
                        }
                        // a character by its Unicode name: not resolved here
                        Some(b'N') if !prefix.contains('b') => unresolved = true,
                        Some(b'\n') => {}
                        Some(b'x') => s.push(self.hex_escape(2)?),
                        Some(b'u') => s.push(self.hex_escape(4)?),
                        Some(b'U') => s.push(self.hex_escape(8)?),
                        Some(c @ (b'\\' | b'\'' | b'"')) => s.push(c as char),
                        Some(c) => {
                            // Python keeps an unknown escape as written
                            s.push('\\');
                            self.at -= 1;
                            let _ = c;
                        }
                        None => return self.error("a string is not closed"),
                    }
                    continue;
                }
                let ch = self.rest().chars().next().unwrap_or('\u{fffd}');
                s.push(ch);
                self.at += ch.len_utf8();
            }
            // an f-string with a replacement field, or a `\N{...}` name, is code
            if unresolved || (prefix.contains('f') && has_replacement_field(&s)) {
                self.at = save;
                return Ok(None);
            }
            if prefix.contains('f') {
                s = s.replace("{{", "{").replace("}}", "}");
            }
            out.get_or_insert_with(String::new).push_str(&s);
        }
    }

    fn hex_escape(&mut self, digits: usize) -> Result<char, String> {
        let hex = self
            .text
            .get(self.at..self.at + digits)
            .unwrap_or_default()
            .to_string();
        self.at += digits;
        u32::from_str_radix(&hex, 16)
            .ok()
            .and_then(char::from_u32)
            .map_or_else(|| self.error("a bad \\x, \\u or \\U escape"), Ok)
    }

    /// A number, `True`, `False` or `None`; None (nothing consumed) otherwise.
    /// (`eval_int` covers constant arithmetic.)
    fn number_or_name(&mut self) -> Option<Value> {
        let start = self.at;
        while self
            .peek()
            .is_some_and(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-' | b'+'))
        {
            self.at += 1;
        }
        let word = self.text.get(start..self.at).unwrap_or_default();
        let value = match word {
            "True" => Some(Value::Bool(true)),
            "False" => Some(Value::Bool(false)),
            "None" => Some(Value::Null),
            _ => {
                let digits = word.replace('_', "");
                if let Ok(i) = digits.parse::<i64>() {
                    Some(Value::Number(i.into()))
                } else if let Some(hex) = digits.strip_prefix("0x") {
                    i64::from_str_radix(hex, 16)
                        .ok()
                        .map(|i| Value::Number(i.into()))
                } else if digits.starts_with(|c: char| c.is_ascii_digit() || c == '-' || c == '.') {
                    digits
                        .parse::<f64>()
                        .ok()
                        .and_then(Number::from_f64)
                        .map(Value::Number)
                } else {
                    None
                }
            }
        };
        if value.is_none() {
            self.at = start;
        }
        value
    }
}

/// True when an f-string's text has a `{field}` (not a doubled `{{`).
fn has_replacement_field(s: &str) -> bool {
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '{' {
            if chars.peek() == Some(&'{') {
                chars.next();
            } else {
                return true;
            }
        }
    }
    false
}

/// The value of constant integer arithmetic (`1024 * 1024 * 5`, `(2 ** 20) * 10`,
/// `7 // 2`); None for anything else.
fn eval_int(code: &str) -> Option<i64> {
    struct Ops<'a> {
        t: &'a [u8],
        i: usize,
    }
    impl Ops<'_> {
        fn ws(&mut self) {
            while self.t.get(self.i).is_some_and(u8::is_ascii_whitespace) {
                self.i += 1;
            }
        }
        fn eat(&mut self, s: &str) -> bool {
            self.ws();
            if self.t[self.i..].starts_with(s.as_bytes()) {
                self.i += s.len();
                true
            } else {
                false
            }
        }
        fn sum(&mut self, depth: u32) -> Option<i64> {
            let mut v = self.product(depth)?;
            loop {
                if self.eat("+") {
                    v = v.checked_add(self.product(depth)?)?;
                } else if self.eat("-") {
                    v = v.checked_sub(self.product(depth)?)?;
                } else {
                    return Some(v);
                }
            }
        }
        fn product(&mut self, depth: u32) -> Option<i64> {
            let mut v = self.factor(depth)?;
            loop {
                if self.eat("//") {
                    // Python's floor division
                    let d = self.factor(depth)?;
                    let q = v.checked_div(d)?;
                    v = if v.checked_rem(d)? != 0 && ((v < 0) != (d < 0)) {
                        q - 1
                    } else {
                        q
                    };
                } else if self.eat("*") {
                    v = v.checked_mul(self.factor(depth)?)?;
                } else {
                    return Some(v);
                }
            }
        }
        /// `-x` binds looser than `**`: `-2 ** 2` is -4, as in Python.
        fn factor(&mut self, depth: u32) -> Option<i64> {
            if depth > 32 {
                return None;
            }
            if self.eat("-") {
                return self.factor(depth + 1)?.checked_neg();
            }
            if self.eat("+") {
                return self.factor(depth + 1);
            }
            self.power(depth)
        }
        fn power(&mut self, depth: u32) -> Option<i64> {
            let base = self.atom(depth)?;
            if self.eat("**") {
                let e = self.factor(depth + 1)?;
                return base.checked_pow(u32::try_from(e).ok()?);
            }
            Some(base)
        }
        fn atom(&mut self, depth: u32) -> Option<i64> {
            if depth > 32 {
                return None;
            }
            if self.eat("(") {
                let v = self.sum(depth + 1)?;
                return self.eat(")").then_some(v);
            }
            self.ws();
            let start = self.i;
            while self
                .t
                .get(self.i)
                .is_some_and(|b| b.is_ascii_digit() || *b == b'_')
            {
                self.i += 1;
            }
            std::str::from_utf8(&self.t[start..self.i])
                .ok()?
                .replace('_', "")
                .parse()
                .ok()
        }
    }
    let mut ops = Ops {
        t: code.as_bytes(),
        i: 0,
    };
    let v = ops.sum(0)?;
    ops.ws();
    (ops.i == code.len()).then_some(v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literals_and_code() {
        let text = r#"
import os
BASE_DIR = Path(__file__).resolve().parent
LOGGING = {
    'version': 1,  # a comment
    "disable_existing_loggers": False,
    'formatters': {'v': {'format': '%(levelname)s ' '%(message)s', 'style': '%'}},
    'handlers': {
        'f': {'class': 'logging.FileHandler', 'filename': os.path.join(BASE_DIR, 'logs', "a.log"),
              'level': None, 'stream': sys.stdout, 'x': (1, 2), 'y': (3), 'z': -1.5,},
        'g': dict(level="INFO", delay=True),
        'h': {'filename': BASE_DIR / "logs" / "b.log", 'r': r'\d+', 'u': '\u00e9\n'},
    },
}
os.makedirs("logs", exist_ok=True)
"#;
        let v = parse_logging(text).unwrap().value;
        assert_eq!(v["version"], 1);
        assert_eq!(v["disable_existing_loggers"], false);
        assert_eq!(v["formatters"]["v"]["format"], "%(levelname)s %(message)s");
        let f = &v["handlers"]["f"];
        assert_eq!(
            code_of(&f["filename"]),
            Some("os.path.join(BASE_DIR, 'logs', \"a.log\")")
        );
        assert_eq!(f["level"], Value::Null);
        assert_eq!(code_of(&f["stream"]), Some("sys.stdout"));
        assert_eq!(f["x"], serde_json::json!([1, 2]));
        assert_eq!(f["y"], 3);
        assert_eq!(f["z"], -1.5);
        assert_eq!(v["handlers"]["g"]["delay"], true);
        let h = &v["handlers"]["h"];
        assert_eq!(
            code_of(&h["filename"]),
            Some("BASE_DIR / \"logs\" / \"b.log\"")
        );
        assert_eq!(h["r"], "\\d+");
        assert_eq!(h["u"], "é\n");
    }

    #[test]
    fn settings_files_as_django_projects_write_them() {
        let text = "LOGGING_CONFIG = None\nLOGGING_DIR = 'x'\nLOGGING = {'a': 1}\nLOGGING = {\n 'b': 1024 * 1024 * 5, 'c': '\\101\\x41\\a', 'd': f'{{x}} {Y}', 'e': f'{{x}}', 'f': (2 ** 3) // 3}\nLOGGING['loggers'] = {}\n";
        let p = parse_logging(text).unwrap();
        assert_eq!(p.value["b"], 5 << 20);
        assert_eq!(p.value["c"], "AA\u{7}");
        assert_eq!(code_of(&p.value["d"]), Some("f'{{x}} {Y}'"));
        assert_eq!(p.value["e"], "{x}");
        assert_eq!(p.value["f"], 2);
        assert!(p.notes[0].contains("lines 3, 4"), "{:?}", p.notes);
        assert!(
            p.problems[0].starts_with("line 6 changes LOGGING"),
            "{:?}",
            p.problems
        );
        let e = parse_logging("LOGGING = {'a': 1} if DEBUG else {}\n").unwrap_err();
        assert!(e.contains("built by code"), "{e}");
        let p = parse_logging("LOGGING = {'loggers': {NAME: {}}}").unwrap();
        assert!(
            p.problems[0].contains("the key `NAME` is code"),
            "{:?}",
            p.problems
        );
    }

    #[test]
    fn errors_say_where() {
        let e = parse_logging("LOGGING = {\n  'a': 1\n  'b': 2}").unwrap_err();
        assert!(e.starts_with("line 3, column 3"), "{e}");
        assert!(parse_logging("x = 1").is_err());
        let e = parse_logging("{'a': 'open").unwrap_err();
        assert!(e.contains("not closed"), "{e}");
        let deep = format!("{}1{}", "[".repeat(100_000), "]".repeat(100_000));
        let e = parse_logging(&format!("{{'a': {deep}}}")).unwrap_err();
        assert!(e.contains("brackets deep"), "{e}");
        // code holding an f-string with a field, or a \N{...} name: read past, as code
        let p = parse_logging("{'a': x(f'{y}') + \"\\N{BULLET}\", 'b': 2 ** 2 ** 3}").unwrap();
        assert_eq!(code_of(&p.value["a"]), Some("x(f'{y}') + \"\\N{BULLET}\""));
        assert_eq!(p.value["b"], 256);
        assert!(eval_int(&"2 ** ".repeat(10_000)).is_none());
        assert_eq!(eval_int("7 // -2"), Some(-4));
        assert_eq!(eval_int("-7 // 2"), Some(-4));
        assert_eq!(eval_int("-2 ** 2"), Some(-4));
        assert_eq!(eval_int("2 ** -1"), None);
        let p = parse_logging(
            "LOGGING = {'a': 1}\nif PROD:\n    LOGGING = {'a': 2}\n    # LOGGING['a'] = 3\n",
        )
        .unwrap();
        assert_eq!(p.problems.len(), 1, "{:?}", p.problems);
        assert!(p.problems[0].starts_with("line 3"), "{:?}", p.problems);
    }
}

//! Python values as logging.toml writes them: levels, sizes, streams, file names,
//! callables, and `default=str` texts (`<function f at 0x…>`, `<_io.TextIOWrapper
//! name='<stdout>' …>`).

use serde_json::Value;

use super::python::code_of;

/// Python's level names.
pub const LEVEL_NAMES: &[&str] = &[
    "CRITICAL", "FATAL", "ERROR", "WARN", "WARNING", "INFO", "DEBUG", "NOTSET",
];

/// A level: a name (upper-cased, with a note when Python would not have taken it as
/// written), a number, `logging.INFO`, or `os.getenv("NAME", "INFO")` as
/// `${NAME:-INFO}`. Err is a note: the value cannot be carried over.
pub fn level(v: &Value) -> Result<(toml::Value, Option<String>), String> {
    match v {
        Value::String(s) => {
            let upper = s.trim().to_ascii_uppercase();
            if LEVEL_NAMES.contains(&upper.as_str()) {
                let note = (upper != *s).then(|| {
                    format!("level \"{s}\" written \"{upper}\" (Python takes level names only as upper case)")
                });
                Ok((toml::Value::String(upper), note))
            } else if let Ok(n) = s.trim().parse::<i64>() {
                Ok((toml::Value::Integer(n), None))
            } else {
                Err(format!("level \"{s}\" is not a level name; left out"))
            }
        }
        Value::Number(n) => n
            .as_i64()
            .map(|n| (toml::Value::Integer(n), None))
            .ok_or_else(|| format!("level {n} is not a whole number; left out")),
        other => match code_of(other) {
            Some(code) => {
                if let Some(name) = code.strip_prefix("logging.") {
                    if LEVEL_NAMES.contains(&name) {
                        return Ok((toml::Value::String(name.into()), None));
                    }
                }
                if let Some((var, default)) = env_lookup(code) {
                    let value = format!("${{{var}:-{}}}", default.to_ascii_uppercase());
                    let note = format!("level `{code}` written \"{value}\": the environment variable still sets it");
                    return Ok((toml::Value::String(value), Some(note)));
                }
                Err(format!("level `{code}` is code; left out: set it by hand"))
            }
            None => Err(format!("level {other} is not a level; left out")),
        },
    }
}

/// `os.getenv("NAME", "default")` / `os.environ.get("NAME", "default")`: the name
/// and the default.
pub fn env_lookup(code: &str) -> Option<(String, String)> {
    let inner = code
        .strip_prefix("os.getenv(")
        .or_else(|| code.strip_prefix("os.environ.get("))
        .or_else(|| code.strip_prefix("getenv("))?
        .strip_suffix(')')?;
    let parts = string_literals(inner);
    match parts.as_slice() {
        [name, default] if is_env_name(name) => Some((name.clone(), default.clone())),
        _ => None,
    }
}

fn is_env_name(s: &str) -> bool {
    !s.is_empty()
        && !s.starts_with(|c: char| c.is_ascii_digit())
        && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
}

/// The string literals inside a piece of code, in order (`f"{X}/a.log"` gives
/// `/a.log`: an f-string's replacement fields are left out).
pub fn string_literals(code: &str) -> Vec<String> {
    let bytes = code.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b == b'\'' || b == b'"' {
            let fstring = i > 0 && matches!(bytes[i - 1], b'f' | b'F');
            let mut j = i + 1;
            let mut s: Vec<u8> = Vec::new();
            let mut depth = 0;
            while j < bytes.len() && bytes[j] != b {
                let c = bytes[j];
                if c == b'\\' && j + 1 < bytes.len() {
                    j += 1;
                }
                if fstring && c == b'{' {
                    depth += 1;
                } else if fstring && c == b'}' && depth > 0 {
                    depth -= 1;
                } else if depth == 0 {
                    s.push(bytes[j]);
                }
                j += 1;
            }
            let s = String::from_utf8_lossy(&s).into_owned();
            out.push(s);
            i = j + 1;
        } else {
            i += 1;
        }
    }
    out
}

/// A value as a note shows it: code as its source in backticks, else its JSON text.
pub fn show(v: &Value) -> String {
    match code_of(v) {
        Some(code) => format!("`{code}`"),
        None => v.to_string(),
    }
}

/// Python's truth of a literal (`0`, `""`, `[]`, `{}`, `None`, `False` are false;
/// `"False"` is a non-empty string, so true); None for code.
pub fn truth(v: &Value) -> Option<bool> {
    if code_of(v).is_some() {
        return None;
    }
    Some(match v {
        Value::Null => false,
        Value::Bool(b) => *b,
        Value::Number(n) => n.as_f64() != Some(0.0),
        Value::String(s) => !s.is_empty(),
        Value::Array(a) => !a.is_empty(),
        Value::Object(o) => !o.is_empty(),
    })
}

/// A size in bytes, as `"10MB"` when it is a whole number of KB, MB or GB.
pub fn size(n: i64) -> toml::Value {
    for (unit, div) in [("GB", 1i64 << 30), ("MB", 1 << 20), ("KB", 1 << 10)] {
        if n > 0 && n % div == 0 {
            return toml::Value::String(format!("{}{unit}", n / div));
        }
    }
    toml::Value::Integer(n)
}

/// A string logging.toml interpolates, with its `$` kept literal (`$$`).
pub fn literal_text(s: &str) -> toml::Value {
    toml::Value::String(s.replace('$', "$$"))
}

/// A list of names (handlers, filters); None when it is not a list of strings.
pub fn names(v: &Value) -> Option<Vec<String>> {
    match v {
        Value::Array(a) => a.iter().map(|x| x.as_str().map(String::from)).collect(),
        Value::String(s) => Some(vec![s.clone()]),
        _ => None,
    }
}

/// `"stdout"` or `"stderr"` for `ext://sys.stdout`, `sys.stdout` (code),
/// `<_io.TextIOWrapper name='<stdout>' …>` (`default=str`).
pub fn stream(v: &Value) -> Option<&'static str> {
    let text = v.as_str().or_else(|| code_of(v))?;
    if text.contains("stdout") {
        Some("stdout")
    } else if text.contains("stderr") {
        Some("stderr")
    } else {
        None
    }
}

/// The name of a callable: `<function skip at 0x…>`, `myapp.filters.skip`,
/// `ext://myapp.filters.skip`, or code naming it.
pub fn callable_name(v: &Value) -> Option<String> {
    let text = v.as_str().or_else(|| code_of(v))?;
    let text = text.trim();
    if let Some(rest) = text.strip_prefix("<function ") {
        let name = rest.split_whitespace().next()?;
        return Some(name.rsplit('.').next().unwrap_or(name).to_string());
    }
    if text.starts_with("lambda") {
        return None;
    }
    let path = text.strip_prefix("ext://").unwrap_or(text);
    let last = path.rsplit('.').next()?;
    is_env_name(last).then(|| last.to_string())
}

/// A `filename`: the text, and a note when it was code whose path is plain:
/// `os.path.join("logs", "a.log")` (literals only: the path they make, relative to the
/// working directory as in Python), or `os.path.join(BASE_DIR, "logs", "a.log")` /
/// `BASE_DIR / "logs" / "a.log"` (one name, then literals: under the log base dir,
/// which the note asks to point at BASE_DIR). Any other code is an error note.
pub fn filename(v: &Value) -> Result<(String, Option<String>), String> {
    if let Some(s) = v.as_str() {
        return Ok((s.to_string(), None));
    }
    let Some(code) = code_of(v) else {
        return Err(format!("filename {v} is not a path; left out"));
    };
    let cannot = || {
        format!("filename `{code}` is code whose path cannot be read without running it; left out: set filename by hand")
    };
    let code = code.trim();
    let code = code
        .strip_prefix("str(")
        .and_then(|c| c.strip_suffix(')'))
        .unwrap_or(code);
    let parts: Vec<&str> = if let Some(args) = code
        .strip_prefix("os.path.join(")
        .and_then(|c| c.strip_suffix(')'))
    {
        args.split(',').map(str::trim).collect()
    } else if code.contains(" / ") {
        code.split(" / ").map(str::trim).collect()
    } else {
        return Err(cannot());
    };
    let literal = |p: &str| -> Option<String> {
        // `Path("logs")` is its text
        let p = p
            .strip_prefix("Path(")
            .or_else(|| p.strip_prefix("pathlib.Path("))
            .and_then(|p| p.strip_suffix(')'))
            .unwrap_or(p);
        let q = p.chars().next().filter(|c| *c == '"' || *c == '\'')?;
        let inner = p.strip_prefix(q)?.strip_suffix(q)?;
        (!inner.contains(['\\', '{', '"', '\''])).then(|| inner.to_string())
    };
    let is_name = |p: &str| {
        !p.is_empty()
            && p.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'.')
            && !p.starts_with(|c: char| c.is_ascii_digit())
    };
    let (base, rest) = match parts.split_first() {
        Some((first, rest)) if is_name(first) && literal(first).is_none() => (Some(*first), rest),
        _ => (None, &parts[..]),
    };
    let pieces: Option<Vec<String>> = rest.iter().map(|p| literal(p)).collect();
    let Some(pieces) = pieces.filter(|p| !p.is_empty()) else {
        return Err(cannot());
    };
    // os.path.join drops what comes before an absolute part, as Python does
    let mut path = std::path::PathBuf::new();
    for p in &pieces {
        path.push(p);
    }
    let joined = path.display().to_string();
    match base {
        None => Ok((joined, None)),
        Some(name) if !path.is_absolute() => Ok((
            joined.clone(),
            Some(format!(
                "filename `{code}` is code: written \"{joined}\" under the log base dir; set log_base_dir (or LOG_BASE_DIR) to the folder `{name}` names"
            )),
        )),
        Some(_) => Ok((joined, None)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn code(s: &str) -> Value {
        json!({ super::super::python::CODE: s })
    }

    #[test]
    fn levels() {
        assert_eq!(level(&json!("INFO")).unwrap().0, "INFO".into());
        let (v, note) = level(&json!("info")).unwrap();
        assert_eq!(v, "INFO".into());
        assert!(note.unwrap().contains("upper case"));
        assert_eq!(level(&json!(15)).unwrap().0, toml::Value::Integer(15));
        assert_eq!(level(&code("logging.DEBUG")).unwrap().0, "DEBUG".into());
        assert_eq!(
            level(&code("os.getenv('DJANGO_LOG_LEVEL', 'info')"))
                .unwrap()
                .0,
            "${DJANGO_LOG_LEVEL:-INFO}".into()
        );
        assert!(level(&json!("LOUD")).is_err());
    }

    #[test]
    fn streams_callables_filenames() {
        assert_eq!(stream(&json!("ext://sys.stdout")), Some("stdout"));
        assert_eq!(
            stream(&json!(
                "<_io.TextIOWrapper name='<stderr>' mode='w' encoding='utf-8'>"
            )),
            Some("stderr")
        );
        assert_eq!(stream(&code("sys.stdout")), Some("stdout"));
        assert_eq!(
            callable_name(&json!("<function skip_health at 0x7f1>")).as_deref(),
            Some("skip_health")
        );
        assert_eq!(
            callable_name(&code("filters.skip")).as_deref(),
            Some("skip")
        );
        assert_eq!(callable_name(&code("lambda r: True")), None);
        let (path, note) = filename(&code("os.path.join(BASE_DIR, 'logs', \"a.log\")")).unwrap();
        assert_eq!(path, "logs/a.log");
        assert!(note.unwrap().contains("`BASE_DIR`"));
        assert_eq!(
            filename(&code("BASE_DIR / 'logs/b.log'")).unwrap().0,
            "logs/b.log"
        );
        assert_eq!(
            filename(&code("str(BASE_DIR / 'logs' / 'b.log')"))
                .unwrap()
                .0,
            "logs/b.log"
        );
        assert_eq!(
            filename(&code("str(Path(\"logs\") / \"e.log\")"))
                .unwrap()
                .0,
            "logs/e.log"
        );
        let (path, note) = filename(&code("os.path.join('logs', 'app.log')")).unwrap();
        assert_eq!((path.as_str(), note), ("logs/app.log", None));
        assert_eq!(
            filename(&code("os.path.join('/var/log/app', 'app.log')"))
                .unwrap()
                .0,
            "/var/log/app/app.log"
        );
        for bad in [
            "f\"{LOG_DIR}/c.log\"",
            "LOG_FILE",
            "os.path.join(BASE_DIR, 'logs', LOG_NAME)",
            "'%s.log' % APP",
        ] {
            assert!(filename(&code(bad)).is_err(), "{bad}");
        }
    }
}

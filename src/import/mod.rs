//! `logconf import`: a Django `LOGGING` dict, dumped as JSON
//! (`json.dumps(settings.LOGGING)`), converted to `logging.toml` key by key. Python class
//! paths become `class` names, camelCase keys snake_case, `ext://sys.stdout` a stream;
//! what has no counterpart is named in a note, never dropped silently.

use serde_json::{Map, Value};
use toml::Table;

/// The converted file and what could not be converted.
#[derive(Debug)]
pub struct Imported {
    /// The `logging.toml` text.
    pub toml: String,
    /// One line per thing that was left out or changed.
    pub notes: Vec<String>,
}

fn level(v: &Value) -> Option<toml::Value> {
    match v {
        Value::String(s) => Some(toml::Value::String(s.to_ascii_uppercase())),
        Value::Number(n) => n.as_i64().map(toml::Value::Integer),
        _ => None,
    }
}

fn size(n: i64) -> toml::Value {
    for (unit, div) in [("GB", 1i64 << 30), ("MB", 1 << 20), ("KB", 1 << 10)] {
        if n > 0 && n % div == 0 {
            return toml::Value::String(format!("{}{unit}", n / div));
        }
    }
    toml::Value::Integer(n)
}

fn strings(v: Option<&Value>) -> toml::Value {
    toml::Value::Array(
        v.and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(|x| x.as_str())
                    .map(|s| toml::Value::String(s.into()))
                    .collect()
            })
            .unwrap_or_default(),
    )
}

fn json_to_toml(v: &Value) -> Option<toml::Value> {
    Some(match v {
        Value::Bool(b) => toml::Value::Boolean(*b),
        Value::Number(n) => n
            .as_i64()
            .map(toml::Value::Integer)
            .or_else(|| n.as_f64().map(toml::Value::Float))?,
        Value::String(s) => toml::Value::String(s.clone()),
        _ => return None,
    })
}

struct Converter {
    notes: Vec<String>,
}

impl Converter {
    fn note(&mut self, s: String) {
        self.notes.push(s);
    }

    fn formatter(&mut self, name: &str, f: &Map<String, Value>) -> Table {
        let mut t = Table::new();
        if let Some(factory) = f
            .get("()")
            .or_else(|| f.get("class"))
            .and_then(Value::as_str)
        {
            if factory.to_ascii_lowercase().contains("json") {
                t.insert("class".into(), "json".into());
                self.note(format!(
                    "formatters.{name}: `{factory}` became class = \"json\"; check its fields"
                ));
            } else if factory != "logging.Formatter" {
                self.note(format!("formatters.{name}: the custom class `{factory}` has no counterpart; its format is kept"));
            }
        }
        let json = t.contains_key("class");
        for (k, v) in f {
            match k.as_str() {
                "format" | "fmt" if json => {}
                "format" | "fmt" => {
                    t.insert("format".into(), v.as_str().unwrap_or_default().into());
                }
                "datefmt" | "style" => {
                    if let Some(s) = v.as_str() {
                        t.insert(k.clone(), s.into());
                    }
                }
                "defaults" => {
                    let d: Table = v
                        .as_object()
                        .map(|o| {
                            o.iter()
                                .filter_map(|(k, v)| json_to_toml(v).map(|v| (k.clone(), v)))
                                .collect()
                        })
                        .unwrap_or_default();
                    t.insert("defaults".into(), toml::Value::Table(d));
                }
                "()" | "class" | "validate" => {}
                other => self.note(format!(
                    "formatters.{name}.{other}: no counterpart, left out"
                )),
            }
        }
        t
    }

    fn filter(&mut self, name: &str, f: &Map<String, Value>) -> Option<Table> {
        let mut t = Table::new();
        let factory = f.get("()").and_then(Value::as_str);
        match factory {
            Some(c) if c.ends_with("RequireDebugTrue") => {
                t.insert("class".into(), "require_debug_true".into());
            }
            Some(c) if c.ends_with("RequireDebugFalse") => {
                t.insert("class".into(), "require_debug_false".into());
            }
            None | Some("logging.Filter") => {
                t.insert("class".into(), "name".into());
                t.insert(
                    "name".into(),
                    f.get("name")
                        .and_then(Value::as_str)
                        .unwrap_or_default()
                        .into(),
                );
            }
            Some(other) => {
                let function = other.rsplit('.').next().unwrap_or(other);
                t.insert("class".into(), "custom".into());
                t.insert("function".into(), function.into());
                self.note(format!("filters.{name}: `{other}` became class = \"custom\", function = \"{function}\": register it with Builder::filter"));
            }
        }
        Some(t)
    }

    fn handler(&mut self, name: &str, h: &Map<String, Value>) -> Option<Table> {
        let class = h
            .get("class")
            .or_else(|| h.get("()"))
            .and_then(Value::as_str)
            .unwrap_or_default();
        let mut t = Table::new();
        let short = match class {
            "logging.StreamHandler" => "console",
            "logging.FileHandler" => "file",
            "logging.handlers.RotatingFileHandler" => "rotating_file",
            "logging.handlers.TimedRotatingFileHandler" => "timed_rotating_file",
            "logging.handlers.WatchedFileHandler" => "watched_file",
            "logging.handlers.SysLogHandler" => "syslog",
            "logging.NullHandler" => "null",
            "logging.handlers.QueueHandler" => "queue",
            other => {
                self.note(format!("handlers.{name}: `{other}` has no counterpart; the handler and references to it are left out"));
                return None;
            }
        };
        t.insert("class".into(), short.into());
        for (k, v) in h {
            match (k.as_str(), v) {
                ("class" | "()" | "encoding" | "errors", _) => {}
                ("level", v) => {
                    if let Some(l) = level(v) {
                        t.insert("level".into(), l);
                    }
                }
                ("formatter", Value::String(s)) => {
                    t.insert("formatter".into(), s.as_str().into());
                }
                ("filters", v) => {
                    t.insert("filters".into(), strings(Some(v)));
                }
                ("stream", Value::String(s)) => {
                    let stream = if s.contains("stdout") {
                        "stdout"
                    } else {
                        "stderr"
                    };
                    t.insert("stream".into(), stream.into());
                }
                ("filename", Value::String(s)) => {
                    t.insert("filename".into(), s.as_str().into());
                }
                ("mode", Value::String(s)) if s == "a" || s == "w" => {
                    t.insert("mode".into(), s.as_str().into());
                }
                ("delay" | "utc", Value::Bool(b)) => {
                    t.insert(k.clone(), toml::Value::Boolean(*b));
                }
                ("maxBytes", Value::Number(n)) => {
                    t.insert("max_bytes".into(), size(n.as_i64().unwrap_or(0)));
                }
                ("backupCount", Value::Number(n)) => {
                    t.insert(
                        "backup_count".into(),
                        toml::Value::Integer(n.as_i64().unwrap_or(0)),
                    );
                }
                ("when", Value::String(s)) => {
                    let when = if s.eq_ignore_ascii_case("midnight") {
                        "midnight".to_string()
                    } else {
                        s.to_ascii_uppercase()
                    };
                    t.insert("when".into(), when.into());
                }
                ("interval", Value::Number(n)) => {
                    t.insert(
                        "interval".into(),
                        toml::Value::Integer(n.as_i64().unwrap_or(1)),
                    );
                }
                ("atTime", Value::String(s)) => {
                    t.insert("at_time".into(), s.as_str().into());
                }
                ("address", Value::String(s)) => {
                    t.insert("address".into(), s.as_str().into());
                }
                ("address", Value::Array(a)) if a.len() == 2 => {
                    let host = a[0].as_str().unwrap_or("localhost");
                    t.insert("address".into(), format!("udp://{host}:{}", a[1]).into());
                }
                ("handlers", v) if short == "queue" => {
                    t.insert("handlers".into(), strings(Some(v)));
                }
                ("queue" | "listener", _) if short == "queue" => self.note(format!(
                    "handlers.{name}.{k}: logconf's queue and its worker are built in; `queue_size` (default 10000) and `overflow` set them"
                )),
                ("respect_handler_level", _) if short == "queue" => self.note(format!(
                    "handlers.{name}.respect_handler_level: logconf's queue worker always applies each target's level"
                )),
                ("facility", v) => {
                    if let Some(f) = v.as_str() {
                        t.insert("facility".into(), f.to_ascii_lowercase().into());
                    } else {
                        self.note(format!(
                            "handlers.{name}.facility: give a name such as \"local0\""
                        ));
                    }
                }
                (other, _) => {
                    self.note(format!("handlers.{name}.{other}: no counterpart, left out"))
                }
            }
        }
        Some(t)
    }

    fn logger(&mut self, name: &str, l: &Map<String, Value>, root: bool, kept: &[String]) -> Table {
        let mut t = Table::new();
        if let Some(v) = l.get("level").and_then(level) {
            t.insert("level".into(), v);
        }
        if let Some(hs) = l.get("handlers").and_then(Value::as_array) {
            let names: Vec<toml::Value> = hs
                .iter()
                .filter_map(Value::as_str)
                .filter(|h| {
                    let keep = kept.iter().any(|k| k == h);
                    if !keep {
                        self.notes.push(format!(
                            "{name}: the reference to handler `{h}` is left out with the handler"
                        ));
                    }
                    keep
                })
                .map(|h| toml::Value::String(h.into()))
                .collect();
            t.insert("handlers".into(), toml::Value::Array(names));
        }
        if !root {
            if let Some(Value::Bool(p)) = l.get("propagate") {
                t.insert("propagate".into(), toml::Value::Boolean(*p));
            }
        }
        if l.get("filters").is_some() {
            t.insert("filters".into(), strings(l.get("filters")));
        }
        t
    }
}

/// Converts a Django `LOGGING` dict (as JSON text) to `logging.toml` text.
pub fn import(json: &str) -> Result<Imported, String> {
    let value: Value = serde_json::from_str(json).map_err(|e| format!("not JSON: {e}"))?;
    let obj = value
        .as_object()
        .ok_or("expected a JSON object: the LOGGING dict")?;
    let mut c = Converter { notes: Vec::new() };
    let mut out = Table::new();
    out.insert("version".into(), toml::Value::Integer(1));
    if let Some(Value::Bool(b)) = obj.get("disable_existing_loggers") {
        out.insert("disable_existing_loggers".into(), toml::Value::Boolean(*b));
    }
    if obj.get("incremental").and_then(Value::as_bool) == Some(true) {
        c.note("incremental: logconf always applies the whole file; left out".into());
    }
    let section = |key: &str| {
        obj.get(key)
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_default()
    };
    let mut formatters = Table::new();
    for (name, f) in section("formatters") {
        if let Some(f) = f.as_object() {
            formatters.insert(name.clone(), toml::Value::Table(c.formatter(&name, f)));
        }
    }
    let mut filters = Table::new();
    for (name, f) in section("filters") {
        if let Some(t) = f.as_object().and_then(|f| c.filter(&name, f)) {
            filters.insert(name.clone(), toml::Value::Table(t));
        }
    }
    let mut handlers = Table::new();
    for (name, h) in section("handlers") {
        if let Some(t) = h.as_object().and_then(|h| c.handler(&name, h)) {
            handlers.insert(name.clone(), toml::Value::Table(t));
        }
    }
    let kept: Vec<String> = handlers.keys().cloned().collect();
    let mut loggers = Table::new();
    let mut root = obj
        .get("root")
        .and_then(Value::as_object)
        .map(|r| c.logger("root", r, true, &kept));
    for (name, l) in section("loggers") {
        let Some(l) = l.as_object() else { continue };
        if name.is_empty() || name == "root" {
            root = Some(c.logger("root", l, true, &kept));
            continue;
        }
        loggers.insert(
            name.clone(),
            toml::Value::Table(c.logger(&format!("loggers.{name}"), l, false, &kept)),
        );
    }
    for (key, table) in [
        ("formatters", formatters),
        ("filters", filters),
        ("handlers", handlers),
        ("loggers", loggers),
    ] {
        if !table.is_empty() {
            out.insert(key.into(), toml::Value::Table(table));
        }
    }
    if let Some(r) = root {
        out.insert("root".into(), toml::Value::Table(r));
    }
    let body = toml::to_string(&out).map_err(|e| e.to_string())?;
    let mut text = String::from("#:schema ./logging.schema.json\n# Converted from a Django LOGGING dict by `logconf import`.\n# `logconf schema --write --config THIS_FILE` puts the schema beside it for editors.\n");
    for n in &c.notes {
        text.push_str(&format!("# note: {n}\n"));
    }
    text.push('\n');
    text.push_str(&body);
    Ok(Imported {
        toml: text,
        notes: c.notes,
    })
}

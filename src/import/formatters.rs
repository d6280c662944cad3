//! `formatters`: Python's `logging.Formatter` keys carry over as they are; Django's
//! `ServerFormatter`, colorlog and python-json-logger map to their closest built-in;
//! any other class keeps its format, with a note naming each field that will print
//! its default.

use serde_json::{Map, Value};

use super::emit::Section;
use super::{factory_of, place, short_name, Converter};

/// The keys `dictConfig` reads for a formatter without `()`.
const KEYS: &[&str] = &[
    "format", "datefmt", "style", "validate", "defaults", "class",
];

/// A record's own attributes: fields that never print a default.
use crate::format::template::RECORD_ATTRIBUTES as RECORD_FIELDS;

/// What kind of formatter a class is.
enum Kind {
    Plain,
    /// Django's `ServerFormatter`: `server_time` is the record's time, as `asctime`.
    Server,
    /// colorlog: colour fields.
    Colour,
    /// python-json-logger and the like.
    Json,
    /// Anything else: its format is kept.
    Custom(String),
}

impl Converter {
    pub(super) fn formatter(&mut self, name: &str, f: &Map<String, Value>) -> Section {
        let mut s = Section::new(&["formatters", name]);
        let at = place(&s);
        let factory = factory_of(f, &["()", "class"]);
        let kind = match factory.as_deref() {
            None | Some("logging.Formatter") => Kind::Plain,
            Some(c) if short_name(c) == "ServerFormatter" => Kind::Server,
            Some(c) if c.starts_with("colorlog") || short_name(c).contains("ColoredFormatter") => {
                Kind::Colour
            }
            Some(c) if c.to_ascii_lowercase().contains("json") => Kind::Json,
            Some(c) => Kind::Custom(c.to_string()),
        };
        let custom = f.contains_key("()");
        let mut format: Option<String> = None;
        let mut style = "%".to_string();
        for (k, v) in f {
            match (k.as_str(), v) {
                ("()" | "class", _) => {}
                (_, Value::Null) => {}
                ("format", Value::String(text)) => format = Some(text.clone()),
                ("fmt", Value::String(text)) if custom => format = Some(text.clone()),
                ("datefmt", Value::String(text)) => s.set("datefmt", text.as_str()),
                ("style", Value::String(text)) => {
                    style = text.clone();
                    s.set("style", text.as_str());
                }
                ("validate", Value::Bool(_)) => self.note(
                    &at,
                    "validate: logconf always checks a format when it loads; left out",
                ),
                ("defaults", Value::Object(d)) => {
                    let mut table = toml::Table::new();
                    for (field, value) in d {
                        match json_scalar(value) {
                            // a default is interpolated like any string but format
                            Some(toml::Value::String(text)) => {
                                table.insert(field.clone(), super::values::literal_text(&text));
                            }
                            Some(v) => {
                                table.insert(field.clone(), v);
                            }
                            None => self.note(
                                &at,
                                format!("defaults.{field} = {} is not a string, number or boolean; left out", super::values::show(value)),
                            ),
                        }
                    }
                    s.set("defaults", toml::Value::Table(table));
                }
                ("log_colors" | "secondary_log_colors" | "reset" | "no_color" | "force_color", _)
                    if matches!(kind, Kind::Colour) =>
                {
                    self.note(&at, format!("{k}: logconf writes no colours; left out"))
                }
                (key, _) if custom => self.note(
                    &at,
                    format!("`{key}` is an argument of `{}`; logconf's formatter has no such setting, left out", factory.as_deref().unwrap_or_default()),
                ),
                (key, _) if KEYS.contains(&key) => {
                    let shown = super::values::show(v);
                    self.left_out(&at, v, format!("{key} = {shown} is not a value logconf can take; left out"));
                }
                (key, _) => self.ignored_by_python(&at, key, KEYS),
            }
        }
        match kind {
            Kind::Plain => {
                if let Some(class) = &factory {
                    self.note(&at, format!("`{class}` is logconf's text formatter, the default: no class written"));
                }
            }
            Kind::Server => {
                // Django: server_time = formatTime(record, datefmt), where the default
                // time format is "%d/%b/%Y %H:%M:%S" followed by ",msecs"
                let uses = style == "{" && format.as_deref().is_some_and(|f| f.contains("{server_time}"));
                if let (true, Some(text)) = (uses, format.as_mut()) {
                    if s.get("datefmt").is_some() {
                        *text = text.replace("{server_time}", "{asctime}");
                    } else {
                        *text = text.replace("{server_time}", "{asctime},{msecs:03.0f}");
                        s.set("datefmt", "%d/%b/%Y %H:%M:%S");
                    }
                }
                self.note(
                    &at,
                    "django.utils.log.ServerFormatter: its `{server_time}` is the record's time as `asctime` prints it with Django's date format (`%d/%b/%Y %H:%M:%S,mmm`), so the format names `asctime`; its terminal colours are left out (it writes none to files either)",
                );
            }
            Kind::Colour => {
                let fields = format
                    .as_deref()
                    .map(|f| fields_of(f, &style))
                    .unwrap_or_default();
                let colours: Vec<String> = fields
                    .into_iter()
                    .filter(|f| is_colour_field(f))
                    .collect();
                let mut defaults = match s.get("defaults") {
                    Some(toml::Value::Table(t)) => t.clone(),
                    _ => toml::Table::new(),
                };
                for c in &colours {
                    defaults.insert(c.clone(), "".into());
                }
                if !colours.is_empty() {
                    s.set("defaults", toml::Value::Table(defaults));
                }
                self.note(
                    &at,
                    format!(
                        "`{}` colours its text: logconf writes no colours, so its colour fields ({}) print nothing (defaults = \"\")",
                        factory.as_deref().unwrap_or("ColoredFormatter"),
                        if colours.is_empty() { "none in this format".to_string() } else { colours.join(", ") }
                    ),
                );
            }
            Kind::Json => {
                s.set("class", "json");
                s.remove("style");
                s.remove("datefmt");
                let fields: Vec<String> = format
                    .as_deref()
                    .map(|f| fields_of(f, &style))
                    .unwrap_or_default()
                    .into_iter()
                    .filter(|f| RECORD_FIELDS.contains(&f.as_str()) && f != "msg" && f != "args")
                    .collect();
                if !fields.is_empty() {
                    s.set(
                        "fields",
                        toml::Value::Array(fields.iter().map(|f| f.as_str().into()).collect()),
                    );
                }
                self.note(
                    &at,
                    format!(
                        "`{}` became class = \"json\"{}: one JSON object per line with every key-value and context field added; key order, spacing and the timestamp's form are logconf's",
                        factory.as_deref().unwrap_or_default(),
                        if fields.is_empty() { String::new() } else { format!(" with the fields of its format ({})", fields.join(", ")) }
                    ),
                );
                return s;
            }
            Kind::Custom(class) => match &format {
                Some(text) => {
                    let defaults: Vec<String> = match s.get("defaults") {
                        Some(toml::Value::Table(t)) => t.keys().cloned().collect(),
                        _ => Vec::new(),
                    };
                    let own: Vec<String> = fields_of(text, &style)
                        .into_iter()
                        .filter(|f| !RECORD_FIELDS.contains(&f.as_str()) && !defaults.contains(f))
                        .collect();
                    let fields = if own.is_empty() {
                        "every field of its format is a record attribute".to_string()
                    } else {
                        format!(
                            "the fields {} are the class's own and print `-` unless a record or the context has them (give them `defaults`)",
                            own.iter().map(|f| format!("`{f}`")).collect::<Vec<_>>().join(", ")
                        )
                    };
                    self.note(
                        &at,
                        format!("the class `{class}` has no counterpart: its format is kept as a plain formatter's; {fields}"),
                    );
                }
                None => self.note(
                    &at,
                    format!("the class `{class}` has no counterpart and no format: written as a plain formatter (`%(message)s`)"),
                ),
            },
        }
        if let Some(text) = format {
            // first, as in a hand-written file
            let mut entries = vec![("format".to_string(), toml::Value::String(text))];
            entries.append(&mut s.entries);
            s.entries = entries;
        }
        s
    }
}

/// colorlog's fields: `log_color`, `reset`, `bold_red`, `fg_cyan`, `message_log_color`...
fn is_colour_field(f: &str) -> bool {
    const COLOURS: &[&str] = &[
        "black", "red", "green", "yellow", "blue", "purple", "cyan", "white",
    ];
    f == "log_color"
        || f == "reset"
        || f.ends_with("_log_color")
        || [
            "bold_", "thin_", "fg_", "bg_", "light_", "fg_bold_", "bg_bold_",
        ]
        .iter()
        .any(|p| {
            f.strip_prefix(p)
                .is_some_and(|c| COLOURS.iter().any(|k| c.ends_with(k)))
        })
        || COLOURS.contains(&f)
}

/// The field names a format uses, in order, each once.
pub(super) fn fields_of(format: &str, style: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut push = |name: &str| {
        if !name.is_empty() && !out.iter().any(|f| f == name) {
            out.push(name.to_string());
        }
    };
    match style {
        "{" => {
            let mut rest = format;
            while let Some(i) = rest.find('{') {
                rest = &rest[i + 1..];
                if let Some(after) = rest.strip_prefix('{') {
                    rest = after;
                    continue;
                }
                let end = rest.find(['}', ':', '!', '.', '[']).unwrap_or(rest.len());
                push(&rest[..end]);
                rest = &rest[end..];
            }
        }
        "$" => {
            let mut rest = format;
            while let Some(i) = rest.find('$') {
                rest = &rest[i + 1..];
                if let Some(after) = rest.strip_prefix('$') {
                    rest = after;
                    continue;
                }
                let braced = rest.starts_with('{');
                let body = if braced { &rest[1..] } else { rest };
                let end = body
                    .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                    .unwrap_or(body.len());
                push(&body[..end]);
                rest = body;
            }
        }
        _ => {
            let mut rest = format;
            while let Some(i) = rest.find("%(") {
                rest = &rest[i + 2..];
                let end = rest.find(')').unwrap_or(rest.len());
                push(&rest[..end]);
                rest = &rest[end..];
            }
        }
    }
    out
}

/// A JSON scalar as a TOML value.
fn json_scalar(v: &Value) -> Option<toml::Value> {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_in_each_style() {
        assert_eq!(
            fields_of(
                "%(asctime)s %(log_color)s%(levelname)-8s%% %(message)s",
                "%"
            ),
            ["asctime", "log_color", "levelname", "message"]
        );
        assert_eq!(
            fields_of("[{server_time}] {{x}} {message!r:>10}", "{"),
            ["server_time", "message"]
        );
        assert_eq!(fields_of("$$ ${a}b $c", "$"), ["a", "c"]);
        assert!(is_colour_field("log_color") && is_colour_field("bold_red"));
        assert!(is_colour_field("message_log_color") && !is_colour_field("request_id"));
    }
}

//! `logconf import`: a Django `LOGGING` dict, as JSON (`json.dumps(settings.LOGGING,
//! default=str)`) or as the Python literal in a settings file (read, never run),
//! converted to `logging.toml` that behaves as the dict did under Python's `dictConfig`:
//! the same files, the same routing, every key carried over or named in a `# note`
//! beside where it was.
//!
//! One file per part of the dict: `formatters`, `filters`, `handlers`, `loggers`
//! (with `root`); `values` for levels, sizes, streams and file names; `python` reads
//! literals; `emit` writes the text. The output is loaded before it is returned: what
//! keeps it from loading is written into it as `# error:` lines.

mod emit;
mod filters;
mod formatters;
mod handlers;
mod loggers;
mod python;
mod values;

use serde_json::{Map, Value};

use crate::diagnostics::{did_you_mean, Severity};
use crate::load::{load_str, LoadOptions, UnregisteredFilters};
use emit::Section;

/// How to convert.
#[derive(Clone, Debug, Default)]
pub struct ImportOptions {
    /// Relative `filename`s are resolved against `LOG_BASE_DIR` (default `/tmp`)
    /// instead of the working directory, as Python does.
    pub base_dir: bool,
}

/// The converted file and what could not be carried over as it was.
#[derive(Debug)]
pub struct Imported {
    /// The `logging.toml` text.
    pub toml: String,
    /// One line per key that was left out or changed, with its place.
    pub notes: Vec<String>,
    /// Why the output does not load (empty when it loads).
    pub errors: Vec<String>,
    /// Why the output is not the dict Python ends up with (code that changes `LOGGING`
    /// after its literal, code as a key).
    pub problems: Vec<String>,
}

impl Imported {
    /// True when the output loads as it is.
    pub fn loads(&self) -> bool {
        self.errors.is_empty()
    }

    /// True when the output loads and is the dict that was read.
    pub fn ok(&self) -> bool {
        self.errors.is_empty() && self.problems.is_empty()
    }
}

/// The keys `dictConfig` reads at the top of the dict.
const TOP_KEYS: &[&str] = &[
    "version",
    "formatters",
    "filters",
    "handlers",
    "loggers",
    "root",
    "incremental",
    "disable_existing_loggers",
];

/// What the conversion has found so far.
struct Converter {
    options: ImportOptions,
    /// `(place, text)`: the place is a section's dotted path, or "" for the top.
    notes: Vec<(String, String)>,
    /// Handlers whose file name is relative.
    relative_files: Vec<String>,
    /// Handlers written as `null` placeholders.
    placeholders: Vec<String>,
    /// What makes the output differ from Python's dict for sure (code where the shape
    /// is): import exits 1 with them.
    problems: Vec<String>,
}

impl Converter {
    fn note(&mut self, place: &str, text: impl Into<String>) {
        self.notes.push((place.to_string(), text.into()));
    }

    /// A value that is left out: when it is code, the output cannot be what Python
    /// had, so it is a problem (import exits 1 and says to export the dict as JSON);
    /// otherwise a note.
    fn left_out(&mut self, place: &str, v: &Value, text: impl Into<String>) {
        let text = text.into();
        if python::code_of(v).is_some() {
            let at = if place.is_empty() {
                String::new()
            } else {
                format!("{place}: ")
            };
            self.problems.push(format!(
                "{at}{text} (the settings file computes it: export the dict as JSON, json.dumps(LOGGING, default=str), and import that)"
            ));
        } else {
            self.note(place, text);
        }
    }

    /// A formatter, filter, handler or logger that is not a dict: code (a constant)
    /// is a problem, since its table is unknown; anything else is a note.
    fn not_a_table(&mut self, section: &str, name: &str, v: &Value) {
        if python::code_of(v).is_some() {
            self.problems.push(format!(
                "{section}.{name} is code ({}), not a dict literal: it is left out; export the dict as JSON (json.dumps(LOGGING, default=str)) and import that",
                values::show(v)
            ));
        } else {
            self.note("", format!("{section}.{name} is {v}, not a dict; left out"));
        }
    }

    /// A note for a key that Python itself does not read here, with "did you mean".
    fn ignored_by_python(&mut self, place: &str, key: &str, known: &[&str]) {
        let hint = did_you_mean(key, known.iter().copied())
            .map(|h| format!(" ({h})"))
            .unwrap_or_default();
        self.note(
            place,
            format!("`{key}` is not a key Python reads here: dictConfig ignores it, and so does this file{hint}"),
        );
    }
}

/// Converts a Django `LOGGING` dict (JSON, or a Python literal) to `logging.toml`
/// text. Err when the input is neither.
pub fn import(text: &str, options: &ImportOptions) -> Result<Imported, String> {
    let parsed = read(text)?;
    let value = parsed.value;
    let Some(obj) = value.as_object() else {
        return Err(format!(
            "expected a dict (the LOGGING setting), found {}",
            values::show(&value)
        ));
    };
    let mut c = Converter {
        options: options.clone(),
        notes: Vec::new(),
        relative_files: Vec::new(),
        placeholders: Vec::new(),
        problems: parsed.problems,
    };
    for n in parsed.notes {
        c.note("", n);
    }
    let mut top: Vec<(String, toml::Value)> = vec![("version".into(), 1.into())];
    for (k, v) in obj {
        match (k.as_str(), v) {
            // Python compares with 1: 1.0 and True are 1 too
            ("version", Value::Number(n)) if n.as_f64() == Some(1.0) => {}
            ("version", Value::Bool(true)) => {}
            ("version", other) => c.note(
                "",
                format!("version {}: dictConfig knows only 1 (it refuses any other); written 1", values::show(other)),
            ),
            ("disable_existing_loggers", Value::Null) => {}
            ("disable_existing_loggers", Value::Bool(b)) => {
                top.push((k.clone(), (*b).into()));
            }
            ("disable_existing_loggers", other) => match values::truth(other) {
                Some(b) => {
                    top.push((k.clone(), b.into()));
                    c.note("", format!("disable_existing_loggers = {}: written {b}, its truth in Python", values::show(other)));
                }
                None => c.problems.push(format!(
                    "disable_existing_loggers = {}: code whose value decides which loggers a reconfiguration disables; set it by hand (written: the default, true)",
                    values::show(other)
                )),
            },
            ("incremental", v) if values::truth(v) == Some(false) => {}
            ("incremental", _) => c.note(
                "",
                "incremental: logconf applies the whole file every time (a reload is a restart); left out",
            ),
            ("formatters" | "filters" | "handlers" | "loggers" | "root", Value::Object(o))
                if python::code_of(v).is_none() || o.len() != 1 => {}
            ("formatters" | "filters" | "handlers" | "loggers" | "root", Value::Null) => {}
            (key @ ("formatters" | "filters" | "handlers" | "loggers" | "root"), other) => {
                if python::code_of(other).is_some() {
                    c.problems.push(format!(
                        "`{key}` is code ({}), not a dict literal: it is left out; export the dict as JSON (json.dumps(LOGGING, default=str)) and import that",
                        values::show(other)
                    ));
                } else {
                    c.note("", format!("`{key}` is {other}, not a dict; left out"));
                }
            }
            (key, _) => c.ignored_by_python("", key, TOP_KEYS),
        }
    }
    let section = |key: &str| {
        obj.get(key)
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_default()
    };
    let mut sections = Vec::new();
    let formatters = section("formatters");
    for (name, f) in &formatters {
        match f.as_object().filter(|_| python::code_of(f).is_none()) {
            Some(f) => sections.push(c.formatter(name, f)),
            None => c.note(
                "",
                format!("formatters.{name} is {f}, not a dict; left out"),
            ),
        }
    }
    for (name, f) in &section("filters") {
        match f.as_object().filter(|_| python::code_of(f).is_none()) {
            Some(f) => sections.push(c.filter(name, f)),
            None => c.not_a_table("filters", name, f),
        }
    }
    let handlers = section("handlers");
    let mut handler_sections = Vec::new();
    for (name, h) in &handlers {
        match h.as_object().filter(|_| python::code_of(h).is_none()) {
            Some(h) => handler_sections.push(c.handler(name, h, &handlers)),
            None => c.not_a_table("handlers", name, h),
        }
    }
    sections.extend(handler_sections);
    sections.extend(c.loggers(&section("loggers"), obj.get("root")));
    if !c.relative_files.is_empty() {
        let files = c.relative_files.join(", ");
        if c.options.base_dir {
            c.note(
                "",
                format!("relative file names ({files}) are resolved against LOG_BASE_DIR (default /tmp), as asked with --base-dir; Python resolved them against the working directory"),
            );
        } else {
            top.push(("log_base_dir".into(), ".".into()));
            c.note(
                "",
                format!("relative file names ({files}) stay relative to the working directory, as in Python: log_base_dir = \".\" (LOG_BASE_DIR in the environment still moves them); `logconf import --base-dir` resolves them against LOG_BASE_DIR instead"),
            );
        }
    }
    let header = [
        "#:schema ./logging.schema.json",
        "# Converted from a Django LOGGING dict by `logconf import`.",
        "# `logconf schema --write --config THIS_FILE` puts the schema beside it for editors.",
    ];
    let mut text = emit::render(&header, &top, &sections, &c.notes);
    let problems = std::mem::take(&mut c.problems);
    if !problems.is_empty() {
        text.push_str("\n# error: this file is not the dict Python ends up with:\n");
        for p in &problems {
            text.push_str(&format!("#   {p}\n"));
        }
    }
    let errors = load_errors(&text);
    if !errors.is_empty() {
        // at the end, so the line numbers in them stay right
        text.push_str(
            "\n# error: this file does not load yet (`logconf check` shows each place):\n",
        );
        for e in &errors {
            text.push_str(&format!("#   {e}\n"));
        }
    }
    let notes = c
        .notes
        .iter()
        .map(|(place, text)| {
            emit::visible(&if place.is_empty() {
                text.clone()
            } else {
                format!("{place}: {text}")
            })
        })
        .collect();
    Ok(Imported {
        toml: text,
        notes,
        errors,
        problems,
    })
}

/// The dict: JSON when the text parses as JSON, else a Python literal (with what
/// reading it found).
fn read(text: &str) -> Result<python::Parsed, String> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let json = serde_json::from_str::<Value>(text);
    if let Ok(v) = json {
        return Ok(python::Parsed {
            value: v,
            problems: Vec::new(),
            notes: Vec::new(),
        });
    }
    python::parse_logging(text).map_err(|python| match json {
        // what looks like JSON is told as JSON
        Err(e) if text.trim_start().starts_with('{') && !text.contains('\'') => {
            format!("not JSON: {e}")
        }
        _ => format!("not a LOGGING dict: {python}"),
    })
}

/// The errors of loading `text` as the CLI loads it (no environment, unregistered
/// custom filters passed through): empty when it loads.
fn load_errors(text: &str) -> Vec<String> {
    let options = LoadOptions {
        env: Some(Default::default()),
        unregistered_filters: UnregisteredFilters::PassThrough,
        ..LoadOptions::default()
    };
    match load_str(text, "logging.toml".as_ref(), &options) {
        Ok(_) => Vec::new(),
        Err(d) => d
            .items
            .iter()
            .filter(|e| e.severity == Severity::Error)
            .map(|e| {
                let at = e.span.as_ref().map_or(String::new(), |s| {
                    let (line, col) = d.line_col(s.start);
                    format!("line {line}, column {col}: ")
                });
                let help = e.help.as_ref().map_or(String::new(), |h| format!(" ({h})"));
                format!("{at}{}{help}", e.message)
            })
            .collect(),
    }
}

/// The `()` or `class` of a table, as text (a `default=str` class prints as
/// `<class 'a.B'>`).
fn factory_of(t: &Map<String, Value>, keys: &[&str]) -> Option<String> {
    keys.iter().find_map(|k| {
        let v = t.get(*k)?;
        let text = v.as_str().or_else(|| python::code_of(v))?;
        let text = text.trim();
        let text = text
            .strip_prefix("<class '")
            .and_then(|s| s.strip_suffix("'>"))
            .unwrap_or(text);
        Some(text.strip_prefix("ext://").unwrap_or(text).to_string())
    })
}

/// The last part of a dotted class path.
fn short_name(class: &str) -> &str {
    class.rsplit('.').next().unwrap_or(class)
}

/// A section whose notes are about it.
fn place(s: &Section) -> String {
    s.dotted()
}

//! `loggers` and `root`: level, handlers, propagate and filters carry over; a key that
//! `dictConfig` does not read (`propogate`, a logger's `formatter`) is noted as ignored
//! by Python and left out, so the logger behaves as it did.

use serde_json::{Map, Value};

use super::emit::Section;
use super::values::{self, names};
use super::{place, Converter};

const LOGGER_KEYS: &[&str] = &["level", "handlers", "propagate", "filters"];
const ROOT_KEYS: &[&str] = &["level", "handlers", "filters"];

impl Converter {
    /// The `[loggers.NAME]` tables, then `[root]` (from `root`, or a logger named ""
    /// or "root", which Python takes as the root logger too).
    pub(super) fn loggers(
        &mut self,
        loggers: &Map<String, Value>,
        root: Option<&Value>,
    ) -> Vec<Section> {
        let mut out = Vec::new();
        // Python configures the root once per entry that names it, in order (`""` and
        // `"root"` in `loggers`, then `root`): each one replaces the handlers, sets the
        // level when it has one, and adds its filters
        let mut root_section: Option<Section> = None;
        let mut root_entries = Vec::new();
        for (name, l) in loggers {
            let Some(l) = l
                .as_object()
                .filter(|_| super::python::code_of(l).is_none())
            else {
                self.not_a_table("loggers", name, l);
                continue;
            };
            if name.is_empty() || name == "root" {
                root_entries.push((format!("loggers.\"{name}\""), l));
                continue;
            }
            let mut s = Section::new(&["loggers", name]);
            self.logger(&mut s, l, false);
            out.push(s);
        }
        match root {
            // Python's `if root:`: an empty dict configures nothing
            Some(Value::Object(r)) if r.is_empty() => {}
            Some(Value::Object(r))
                if super::python::code_of(root.unwrap_or(&Value::Null)).is_none() =>
            {
                root_entries.push(("root".to_string(), r));
            }
            None | Some(Value::Null) => {}
            Some(other) => self.not_a_table("", "root", other),
        }
        let several = root_entries.len() > 1;
        for (from, l) in root_entries {
            let mut s = Section::new(&["root"]);
            self.logger(&mut s, l, true);
            if from != "root" {
                self.note(
                    "root",
                    format!(
                        "from {from}: Python's getLogger(\"{}\") is the root logger",
                        from.trim_start_matches("loggers.").trim_matches('"')
                    ),
                );
            }
            root_section = Some(match root_section.take() {
                None => s,
                Some(mut before) => {
                    merge_root(&mut before, s);
                    before
                }
            });
        }
        if several {
            self.note(
                "root",
                "the root logger is configured more than once: as in Python, each entry replaces its handlers, a level stays until an entry sets one, and filters add up",
            );
        }
        out.extend(root_section);
        out
    }

    fn logger(&mut self, s: &mut Section, l: &Map<String, Value>, root: bool) {
        let at = place(s);
        for (k, v) in l {
            match (k.as_str(), v) {
                (_, Value::Null) => {}
                ("level", v) => match values::level(v) {
                    Ok((level, note)) => {
                        s.set("level", level);
                        if let Some(n) = note {
                            self.note(&at, n);
                        }
                    }
                    Err(n) => self.left_out(&at, v, n),
                },
                ("handlers" | "filters", v) => match names(v) {
                    Some(list) => s.set(
                        k,
                        toml::Value::Array(list.into_iter().map(toml::Value::String).collect()),
                    ),
                    None => self.left_out(
                        &at,
                        v,
                        format!("{k} = {} is not a list of names; left out", values::show(v)),
                    ),
                },
                ("propagate", _) if root => self.note(
                    &at,
                    "propagate: the root logger has no parent; Python ignores it, left out",
                ),
                ("propagate", Value::Bool(b)) => s.set("propagate", *b),
                ("propagate", other) if values::truth(other).is_none() => self.left_out(
                    &at,
                    other,
                    format!("propagate = {}: code; left out", values::show(other)),
                ),
                ("propagate", other) => {
                    // Python takes any value for its truth
                    let truth = match other {
                        Value::Number(n) => n.as_f64() != Some(0.0),
                        Value::String(t) => !t.is_empty(),
                        Value::Array(a) => !a.is_empty(),
                        Value::Object(o) => !o.is_empty(),
                        Value::Bool(b) => *b,
                        Value::Null => false,
                    };
                    s.set("propagate", truth);
                    self.note(
                        &at,
                        format!("propagate = {other}: written {truth}, its truth in Python"),
                    );
                }
                (key, _) => {
                    self.ignored_by_python(&at, key, if root { ROOT_KEYS } else { LOGGER_KEYS })
                }
            }
        }
    }
}

/// The root after a second `dictConfig` entry for it, as Python applies one.
fn merge_root(before: &mut Section, next: Section) {
    let handlers = next
        .get("handlers")
        .cloned()
        .unwrap_or(toml::Value::Array(Vec::new()));
    before.set("handlers", handlers);
    if let Some(level) = next.get("level") {
        before.set("level", level.clone());
    }
    if let Some(toml::Value::Array(more)) = next.get("filters") {
        let mut all = match before.get("filters") {
            Some(toml::Value::Array(a)) => a.clone(),
            _ => Vec::new(),
        };
        all.extend(more.iter().cloned());
        before.set("filters", toml::Value::Array(all));
    }
}

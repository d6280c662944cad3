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
        let mut root_section: Option<Section> = None;
        for (name, l) in loggers {
            let Some(l) = l.as_object() else {
                self.note("", format!("loggers.{name} is {l}, not a dict; left out"));
                continue;
            };
            if name.is_empty() || name == "root" {
                let mut s = Section::new(&["root"]);
                self.logger(&mut s, l, true);
                self.note(
                    "root",
                    format!("from loggers.\"{name}\": Python's getLogger(\"{name}\") is the root logger"),
                );
                root_section = Some(s);
                continue;
            }
            let mut s = Section::new(&["loggers", name]);
            self.logger(&mut s, l, false);
            out.push(s);
        }
        match root {
            Some(Value::Object(r)) => {
                let mut s = root_section
                    .take()
                    .unwrap_or_else(|| Section::new(&["root"]));
                self.logger(&mut s, r, true);
                root_section = Some(s);
            }
            None | Some(Value::Null) => {}
            Some(other) => self.note("", format!("root is {other}, not a dict; left out")),
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
                    Err(n) => self.note(&at, n),
                },
                ("handlers" | "filters", v) => match names(v) {
                    Some(list) => s.set(
                        k,
                        toml::Value::Array(list.into_iter().map(toml::Value::String).collect()),
                    ),
                    None => self.note(&at, format!("{k} = {v} is not a list of names; left out")),
                },
                ("propagate", _) if root => self.note(
                    &at,
                    "propagate: the root logger has no parent; Python ignores it, left out",
                ),
                ("propagate", Value::Bool(b)) => s.set("propagate", *b),
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

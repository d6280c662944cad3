//! `filters`: Django's `RequireDebugTrue`/`False`, `logging.Filter(name)`, and any other
//! class or `CallbackFilter` as a declared `custom` filter that the application
//! registers (the CLI passes records through it, with a warning).

use serde_json::{Map, Value};

use super::emit::Section;
use super::values::{callable_name, show};
use super::{factory_of, place, short_name, Converter};

impl Converter {
    pub(super) fn filter(&mut self, name: &str, f: &Map<String, Value>) -> Section {
        let mut s = Section::new(&["filters", name]);
        let at = place(&s);
        let factory = factory_of(f, &["()"]);
        match factory.as_deref() {
            Some(c) if short_name(c) == "RequireDebugTrue" => {
                s.set("class", "require_debug_true");
                self.rest_are_arguments(&at, f, c, &[]);
            }
            Some(c) if short_name(c) == "RequireDebugFalse" => {
                s.set("class", "require_debug_false");
                self.rest_are_arguments(&at, f, c, &[]);
            }
            None | Some("logging.Filter") => {
                s.set("class", "name");
                let logger = match f.get("name") {
                    None | Some(Value::Null) => String::new(),
                    Some(Value::String(n)) => n.clone(),
                    Some(other) => {
                        self.note(
                            &at,
                            format!("name = {} is not a logger name; written \"\"", show(other)),
                        );
                        String::new()
                    }
                };
                s.set("name", logger);
                for k in f.keys() {
                    match k.as_str() {
                        "name" | "()" => {}
                        key if factory.is_some() => self.note(
                            &at,
                            format!("`{key}` is not an argument of logging.Filter (Python would refuse it); left out"),
                        ),
                        key => self.ignored_by_python(&at, key, &["name", "()"]),
                    }
                }
            }
            Some(c) if short_name(c) == "CallbackFilter" => {
                let function = f
                    .get("callback")
                    .and_then(callable_name)
                    .unwrap_or_else(|| name.to_string());
                s.set("class", "custom");
                s.set("function", function.as_str());
                self.note(
                    &at,
                    format!("CallbackFilter: its callback is Rust code now; register it as `Builder::new().filter(\"{function}\", |record| ...)` (logconf check/explain/test/replay pass records through it meanwhile)"),
                );
                self.rest_are_arguments(&at, f, c, &["callback"]);
            }
            Some(c) => {
                // a class path, or a function (`<function only_errors at 0x...>`)
                let function = f
                    .get("()")
                    .and_then(callable_name)
                    .unwrap_or_else(|| short_name(c).to_string());
                s.set("class", "custom");
                s.set("function", function.as_str());
                self.note(
                    &at,
                    format!("`{c}` is Python code: register its Rust counterpart as `Builder::new().filter(\"{function}\", |record| ...)` (logconf check/explain/test/replay pass records through it meanwhile)"),
                );
                self.rest_are_arguments(&at, f, c, &[]);
            }
        }
        s
    }

    /// Notes for the keys of a `()` table other than `()` and `used`: they were the
    /// class's arguments.
    fn rest_are_arguments(&mut self, at: &str, t: &Map<String, Value>, class: &str, used: &[&str]) {
        for k in t.keys() {
            if k != "()" && !used.contains(&k.as_str()) {
                self.note(
                    at,
                    format!(
                        "`{k}` is an argument of `{class}`: left out (give it to the Rust filter)"
                    ),
                );
            }
        }
    }
}

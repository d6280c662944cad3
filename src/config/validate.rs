//! Structural validation of a parsed `logging.toml` against the generated JSON Schema.
//!
//! This implements the part of JSON Schema (draft-07) that the generated schema uses:
//! `type`, `const`, `enum`, `pattern`, `minimum`/`maximum`, `properties`, `required`,
//! `additionalProperties`, `items`, `anyOf`/`oneOf` and `$ref`. Because the loader and
//! the editors check the very same schema, they accept and reject the same files.
//! Unlike a generic validator it reports every problem with its span and a hint.

use serde_json::Value;

use super::source::{Node, NodeValue, Span};
use crate::config::interpolate::has_reference;
use crate::config::values::INTERPOLATED_PATTERN;
use crate::diagnostics::{did_you_mean, Diagnostic};

/// Checks `node` (the whole document) against `root` (the whole schema), appending one
/// diagnostic per problem.
pub fn validate(root: &Value, node: &Node, diags: &mut Vec<Diagnostic>) {
    let checker = Checker { root };
    checker.check(root, node, "", &node.span, diags);
}

struct Checker<'a> {
    root: &'a Value,
}

/// The first sentence of a schema's description, for "expected ..." labels.
fn expected_text(schema: &Value) -> Option<String> {
    let d = schema.get("description")?.as_str()?;
    let flat = d.replace('\n', " ");
    let first = flat
        .split(". ")
        .next()
        .unwrap_or(&flat)
        .trim_end_matches('.');
    Some(first.to_string())
}

fn type_matches(ty: &str, node: &Node) -> bool {
    matches!(
        (ty, &node.value),
        ("string", NodeValue::Str(_))
            | ("integer", NodeValue::Int(_))
            | ("number", NodeValue::Int(_) | NodeValue::Float(_))
            | ("boolean", NodeValue::Bool(_))
            | ("array", NodeValue::Array(_))
            | ("object", NodeValue::Table(_))
    )
}

fn type_phrase(ty: &str) -> &str {
    match ty {
        "string" => "a string",
        "integer" => "an integer",
        "number" => "a number",
        "boolean" => "a boolean (true or false)",
        "array" => "an array",
        "object" => "a table",
        other => other,
    }
}

fn json_text(v: &Value) -> String {
    match v {
        Value::String(s) => format!("\"{s}\""),
        other => other.to_string(),
    }
}

fn describe_path(path: &str) -> String {
    if path.is_empty() {
        "the top level".to_string()
    } else {
        format!("`{path}`")
    }
}

use super::join_path as join;

impl<'a> Checker<'a> {
    fn deref(&self, schema: &'a Value) -> &'a Value {
        let mut s = schema;
        for _ in 0..16 {
            match s.get("$ref").and_then(Value::as_str) {
                Some(r) => match resolve(self.root, r) {
                    Some(t) => s = t,
                    None => return s,
                },
                None => return s,
            }
        }
        s
    }

    /// Checks one value; `key_span` is where its key is written (for missing keys).
    fn check(
        &self,
        schema: &'a Value,
        node: &Node,
        path: &str,
        key_span: &Span,
        diags: &mut Vec<Diagnostic>,
    ) {
        let schema = self.deref(schema);
        if let Some(alts) = schema
            .get("oneOf")
            .or_else(|| schema.get("anyOf"))
            .and_then(Value::as_array)
        {
            self.check_alternatives(schema, alts, node, path, key_span, diags);
            return;
        }
        if let Some(ty) = schema.get("type") {
            let types: Vec<&str> = match ty {
                Value::String(s) => vec![s.as_str()],
                Value::Array(a) => a.iter().filter_map(Value::as_str).collect(),
                _ => vec![],
            };
            if !types.is_empty() && !types.iter().any(|t| type_matches(t, node)) {
                let want: Vec<&str> = types.iter().map(|t| type_phrase(t)).collect();
                let mut d = Diagnostic::error(
                    format!(
                        "{} must be {}, found {}",
                        describe_path(path),
                        want.join(" or "),
                        node.type_name()
                    ),
                    Some(node.span.clone()),
                )
                .label(format!("expected {}", want.join(" or ")));
                if let Some(e) = expected_text(schema) {
                    d = d.help(e);
                }
                diags.push(d);
                return;
            }
        }
        if let Some(c) = schema.get("const") {
            if node.to_json() != *c {
                diags.push(
                    Diagnostic::error(
                        format!("{} must be {}", describe_path(path), json_text(c)),
                        Some(node.span.clone()),
                    )
                    .label(format!("expected {}", json_text(c))),
                );
            }
        }
        if let Some(Value::Array(options)) = schema.get("enum") {
            let v = node.to_json();
            if !options.contains(&v) {
                self.not_one_of(options.iter().collect(), node, path, schema, diags);
            }
        }
        self.check_number(schema, node, path, diags);
        self.check_pattern(schema, node, path, diags);
        match &node.value {
            NodeValue::Table(entries) => {
                self.check_table(schema, node, entries, path, key_span, diags)
            }
            NodeValue::Array(items) => {
                if let Some(item_schema) = schema.get("items") {
                    for (i, item) in items.iter().enumerate() {
                        self.check(
                            item_schema,
                            item,
                            &format!("{path}[{i}]"),
                            &item.span,
                            diags,
                        );
                    }
                }
            }
            _ => {}
        }
    }

    fn check_number(&self, schema: &Value, node: &Node, path: &str, diags: &mut Vec<Diagnostic>) {
        let n = match node.value {
            NodeValue::Int(i) => i as f64,
            NodeValue::Float(f) => f,
            _ => return,
        };
        let min = schema.get("minimum").and_then(Value::as_f64);
        let max = schema.get("maximum").and_then(Value::as_f64);
        let out = min.is_some_and(|m| n < m) || max.is_some_and(|m| n > m);
        if out {
            let range = match (min, max) {
                (Some(a), Some(b)) if a == b => format!("exactly {a}"),
                (Some(a), Some(b)) => format!("between {a} and {b}"),
                (Some(a), None) => format!("at least {a}"),
                (None, Some(b)) => format!("at most {b}"),
                (None, None) => String::new(),
            };
            let mut d = Diagnostic::error(
                format!(
                    "{} is out of range: it must be {range}",
                    describe_path(path)
                ),
                Some(node.span.clone()),
            )
            .label(match (min, max) {
                (Some(a), Some(b)) if a == b => format!("expected {a}"),
                _ => format!("expected a number {range}"),
            });
            if let Some(e) = expected_text(schema) {
                d = d.help(e);
            }
            diags.push(d);
        }
    }

    fn check_pattern(&self, schema: &Value, node: &Node, path: &str, diags: &mut Vec<Diagnostic>) {
        let (Some(pattern), NodeValue::Str(s)) =
            (schema.get("pattern").and_then(Value::as_str), &node.value)
        else {
            return;
        };
        let Ok(re) = regex::Regex::new(pattern) else {
            return;
        };
        if !re.is_match(s) {
            let mut d = Diagnostic::error(
                format!("{} has an invalid value \"{s}\"", describe_path(path)),
                Some(node.span.clone()),
            )
            .label("does not have the expected form");
            if let Some(e) = expected_text(schema) {
                d = d.help(e);
            }
            diags.push(d);
        }
    }

    fn not_one_of(
        &self,
        options: Vec<&Value>,
        node: &Node,
        path: &str,
        schema: &Value,
        diags: &mut Vec<Diagnostic>,
    ) {
        let texts: Vec<String> = options.iter().map(|v| json_text(v)).collect();
        let found = match &node.value {
            NodeValue::Str(s) => format!("\"{s}\""),
            _ => node.to_json().to_string(),
        };
        let hint = node
            .as_str()
            .and_then(|s| did_you_mean(s, options.iter().filter_map(|v| v.as_str())));
        let mut d = Diagnostic::error(
            format!("{} has an unknown value {found}", describe_path(path)),
            Some(node.span.clone()),
        )
        .label(format!("expected one of {}", texts.join(", ")));
        d = match hint {
            Some(h) => d.help(h),
            None => d.maybe_help(expected_text(schema)),
        };
        diags.push(d);
    }

    fn check_alternatives(
        &self,
        schema: &'a Value,
        alts: &'a [Value],
        node: &Node,
        path: &str,
        key_span: &Span,
        diags: &mut Vec<Diagnostic>,
    ) {
        let mut alts: Vec<&Value> = alts.iter().map(|a| self.deref(a)).collect();
        // The `${VAR}` alternative says nothing about a value without a reference: the
        // problems to show are those of the other alternatives ("did you mean").
        let plain_string = node.as_str().is_some_and(|s| !has_reference(s));
        if plain_string && alts.len() > 1 {
            alts.retain(|a| a.get("pattern").and_then(Value::as_str) != Some(INTERPOLATED_PATTERN));
            if alts.len() == 1 {
                let only = alts[0];
                // the description of the key, for labels and help
                if only.get("description").is_none() {
                    let mut with = only.clone();
                    if let (Value::Object(m), Some(d)) = (&mut with, schema.get("description")) {
                        m.insert("description".into(), d.clone());
                    }
                    let mut found = Vec::new();
                    self.check(&with, node, path, key_span, &mut found);
                    diags.extend(found);
                    return;
                }
                self.check(only, node, path, key_span, diags);
                return;
            }
        }
        // A tagged union: every alternative is a table with a `class` constant.
        let tags: Vec<Option<&Value>> = alts
            .iter()
            .map(|a| a.pointer("/properties/class/const"))
            .collect();
        if !tags.is_empty() && tags.iter().all(Option::is_some) {
            self.check_tagged(schema, &alts, &tags, node, path, key_span, diags);
            return;
        }
        let mut per_alt: Vec<Vec<Diagnostic>> = Vec::new();
        for alt in &alts {
            let mut d = Vec::new();
            self.check(alt, node, path, key_span, &mut d);
            if d.is_empty() {
                return;
            }
            per_alt.push(d);
        }
        // All constants: an enumeration.
        let consts: Vec<&Value> = alts.iter().filter_map(|a| a.get("const")).collect();
        if consts.len() == alts.len() {
            self.not_one_of(consts, node, path, schema, diags);
            return;
        }
        // Only one alternative has the right type: its problems are the ones to show.
        let typed: Vec<usize> = alts
            .iter()
            .enumerate()
            .filter(|(_, a)| {
                a.get("type")
                    .and_then(Value::as_str)
                    .is_some_and(|t| type_matches(t, node))
                    && a.get("pattern").is_none()
            })
            .map(|(i, _)| i)
            .collect();
        if typed.len() == 1 && !matches!(node.value, NodeValue::Str(_)) {
            diags.append(&mut per_alt[typed[0]]);
            return;
        }
        let found = match &node.value {
            NodeValue::Str(s) => format!("\"{s}\""),
            NodeValue::Table(_) | NodeValue::Array(_) => node.type_name().to_string(),
            _ => node.to_json().to_string(),
        };
        let expected = describe_alternatives(&alts).unwrap_or_else(|| "a valid value".into());
        let suggestion = node.as_str().and_then(|s| {
            let names: Vec<&str> = alts
                .iter()
                .filter_map(|a| a.get("enum").and_then(Value::as_array))
                .flatten()
                .filter_map(Value::as_str)
                .collect();
            did_you_mean(&s.to_ascii_uppercase(), names.iter().copied())
        });
        diags.push(
            Diagnostic::error(
                format!("{} has an invalid value {found}", describe_path(path)),
                Some(node.span.clone()),
            )
            .label(format!("expected {expected}"))
            .maybe_help(suggestion.or_else(|| expected_text(schema))),
        );
    }

    #[allow(clippy::too_many_arguments)]
    fn check_tagged(
        &self,
        schema: &Value,
        alts: &[&'a Value],
        tags: &[Option<&Value>],
        node: &Node,
        path: &str,
        key_span: &Span,
        diags: &mut Vec<Diagnostic>,
    ) {
        let names: Vec<&str> = tags.iter().flatten().filter_map(|t| t.as_str()).collect();
        let listed = names
            .iter()
            .map(|n| format!("\"{n}\""))
            .collect::<Vec<_>>()
            .join(", ");
        if !matches!(node.value, NodeValue::Table(_)) {
            diags.push(
                Diagnostic::error(
                    format!(
                        "{} must be a table, found {}",
                        describe_path(path),
                        node.type_name()
                    ),
                    Some(node.span.clone()),
                )
                .label("expected a table with a `class` key")
                .maybe_help(expected_text(schema)),
            );
            return;
        }
        let Some(class) = node.get("class") else {
            diags.push(
                Diagnostic::error(
                    format!("{} has no `class`", describe_path(path)),
                    Some(key_span.clone()),
                )
                .label(format!("add `class = ...`, one of {listed}")),
            );
            return;
        };
        let Some(class_name) = class.value.as_str() else {
            diags.push(
                Diagnostic::error(
                    format!(
                        "`{}` must be a string, found {}",
                        join(path, "class"),
                        class.value.type_name()
                    ),
                    Some(class.value.span.clone()),
                )
                .label(format!("expected one of {listed}")),
            );
            return;
        };
        // `class = "${VAR:-file}"`: the table is checked once the reference is resolved
        if crate::config::interpolate::has_reference(class_name) {
            return;
        }
        match names.iter().position(|n| *n == class_name) {
            Some(i) => self.check(alts[i], node, path, key_span, diags),
            None => diags.push(
                Diagnostic::error(
                    format!(
                        "{} has an unknown class \"{class_name}\"",
                        describe_path(path)
                    ),
                    Some(class.value.span.clone()),
                )
                .label(format!("expected one of {listed}"))
                .maybe_help(did_you_mean(class_name, names.iter().copied())),
            ),
        }
    }

    fn check_table(
        &self,
        schema: &'a Value,
        node: &Node,
        entries: &[crate::config::source::Entry],
        path: &str,
        key_span: &Span,
        diags: &mut Vec<Diagnostic>,
    ) {
        let props = schema.get("properties").and_then(Value::as_object);
        let additional = schema.get("additionalProperties");
        for entry in entries {
            let child_path = join(path, &entry.key);
            if let Some(prop) = props.and_then(|p| p.get(&entry.key)) {
                self.check(prop, &entry.value, &child_path, &entry.key_span, diags);
                continue;
            }
            match additional {
                Some(Value::Bool(false)) => {
                    let known: Vec<&str> = props
                        .map(|p| p.keys().map(String::as_str).collect())
                        .unwrap_or_default();
                    let what = match node.get("class").and_then(|c| c.value.as_str()) {
                        Some(class) if known.contains(&"class") => {
                            format!("a `{class}` table has no such key")
                        }
                        _ => "no such key here".to_string(),
                    };
                    let help = did_you_mean(&entry.key, known.iter().copied()).or_else(|| {
                        let mut sorted = known.clone();
                        sorted.sort_unstable();
                        Some(format!(
                            "the keys here are {}",
                            crate::diagnostics::backticked(sorted.iter().copied())
                        ))
                    });
                    diags.push(
                        Diagnostic::error(
                            format!("unknown key `{}` in {}", entry.key, describe_path(path)),
                            Some(entry.key_span.clone()),
                        )
                        .label(what)
                        .maybe_help(help),
                    );
                }
                Some(s @ Value::Object(_)) => {
                    self.check(s, &entry.value, &child_path, &entry.key_span, diags)
                }
                _ => {}
            }
        }
        if let Some(Value::Array(required)) = schema.get("required") {
            for key in required.iter().filter_map(Value::as_str) {
                if node.get(key).is_none() {
                    let mut d = Diagnostic::error(
                        format!(
                            "{} is missing the required key `{key}`",
                            describe_path(path)
                        ),
                        Some(key_span.clone()),
                    )
                    .label(format!("add `{key} = ...`"));
                    if let Some(e) = props.and_then(|p| p.get(key)).and_then(expected_text) {
                        d = d.help(format!("`{key}`: {e}"));
                    }
                    diags.push(d);
                }
            }
        }
    }
}

/// "one of A, B, or a number between 0 and 50": what the alternatives accept. A pattern
/// alternative is named by its description; one without a description is a variant
/// spelling and is left out.
fn describe_alternatives(alts: &[&Value]) -> Option<String> {
    let parts: Vec<String> = alts
        .iter()
        .filter_map(|a| {
            if let Some(Value::Array(options)) = a.get("enum") {
                let names: Vec<String> = options.iter().map(json_text).collect();
                return Some(format!("one of {}", names.join(", ")));
            }
            if let Some(c) = a.get("const") {
                return Some(json_text(c));
            }
            if a.get("pattern").is_some() {
                return a
                    .get("description")
                    .and_then(Value::as_str)
                    .map(str::to_string);
            }
            let ty = a.get("type").and_then(Value::as_str)?;
            let min = a.get("minimum").and_then(Value::as_f64);
            let max = a.get("maximum").and_then(Value::as_f64);
            Some(match (min, max) {
                (Some(lo), Some(hi)) => format!("a number between {lo} and {hi}"),
                (Some(lo), None) => format!("{} of at least {lo}", type_phrase(ty)),
                _ => type_phrase(ty).to_string(),
            })
        })
        .collect();
    (!parts.is_empty()).then(|| parts.join(", or "))
}

/// Looks up a `$ref` such as `#/definitions/Level` in the root schema.
fn resolve<'a>(root: &'a Value, reference: &str) -> Option<&'a Value> {
    let path = reference.strip_prefix("#")?;
    root.pointer(path)
}

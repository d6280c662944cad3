//! The configuration reference in Markdown, generated from the schema (and so from the
//! doc comments of the model): `logconf schema --markdown`, kept in
//! `docs/configuration.md` between the reference markers.

use serde_json::Value;

fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn type_of(schema: &Value) -> String {
    let desc = schema
        .get("description")
        .and_then(Value::as_str)
        .unwrap_or("");
    if let Some(Value::Array(options)) = schema.get("enum") {
        return options
            .iter()
            .map(|v| format!("`{v}`"))
            .collect::<Vec<_>>()
            .join(" \\| ");
    }
    if let Some(Value::Array(alts)) = schema.get("oneOf").or_else(|| schema.get("anyOf")) {
        let consts: Vec<String> = alts
            .iter()
            .filter_map(|a| a.get("const"))
            .map(|v| format!("`{v}`"))
            .collect();
        if consts.len() == alts.len() {
            return consts.join(" \\| ");
        }
        let has_pattern = |p: &str| {
            alts.iter()
                .any(|a| a.get("pattern").and_then(Value::as_str) == Some(p))
        };
        let has_level_names = alts.iter().any(|a| {
            a.get("enum")
                .and_then(Value::as_array)
                .is_some_and(|e| e.iter().any(|v| v == "NOTSET"))
        });
        let has_bool = alts
            .iter()
            .any(|a| a.get("type").and_then(Value::as_str) == Some("boolean"));
        if has_level_names {
            return "level (name or 0–50)".into();
        }
        if has_pattern(crate::config::values::SIZE_PATTERN) {
            return "size (bytes or \"10MB\")".into();
        }
        if has_bool && desc.starts_with("Hot reload") {
            return "bool or duration".into();
        }
        if has_pattern(crate::config::values::DURATION_PATTERN) {
            return "duration (\"2s\")".into();
        }
        let mut kinds: Vec<String> = alts.iter().map(type_of).collect();
        kinds.dedup();
        return kinds.join(" or ");
    }
    match schema.get("type").and_then(Value::as_str) {
        Some("array") => format!(
            "array of {}",
            schema.get("items").map(type_of).unwrap_or_default()
        ),
        Some("object") => "table".into(),
        Some(t) => t.to_string(),
        None => "any".into(),
    }
}

fn table(out: &mut String, schema: &Value, skip_class: bool) {
    let Some(props) = schema.get("properties").and_then(Value::as_object) else {
        return;
    };
    if props.keys().all(|k| skip_class && k == "class") {
        out.push_str("No keys besides `class`.\n\n");
        return;
    }
    let required: Vec<&str> = schema
        .get("required")
        .and_then(Value::as_array)
        .map(|r| r.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    out.push_str("| key | type | default | meaning |\n|---|---|---|---|\n");
    let mut keys: Vec<&String> = props.keys().collect();
    keys.sort_by_key(|k| {
        (
            !required.contains(&k.as_str()),
            *k != "class",
            k.to_string(),
        )
    });
    for key in keys {
        if skip_class && key == "class" {
            continue;
        }
        let p = &props[key];
        let default = if required.contains(&key.as_str()) {
            "required".to_string()
        } else {
            match p.get("default") {
                Some(v) if !(v.is_array() && v.as_array().is_some_and(Vec::is_empty)) => {
                    format!("`{v}`")
                }
                Some(_) => "empty".to_string(),
                None => "—".to_string(),
            }
        };
        let desc = one_line(p.get("description").and_then(Value::as_str).unwrap_or(""))
            .replace('|', "\\|");
        out.push_str(&format!(
            "| `{key}` | {} | {default} | {desc} |\n",
            type_of(p)
        ));
    }
    out.push('\n');
}

fn variants(out: &mut String, union: &Value, heading: &str) {
    for v in union
        .get("oneOf")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let class = v
            .pointer("/properties/class/const")
            .and_then(Value::as_str)
            .unwrap_or("?");
        out.push_str(&format!("### {heading} `class = \"{class}\"`\n\n"));
        if let Some(d) = v.get("description").and_then(Value::as_str) {
            out.push_str(&one_line(d));
            out.push_str("\n\n");
        }
        table(out, v, true);
    }
}

/// The reference, one section per table of `logging.toml`.
pub fn markdown() -> String {
    let schema = super::schema::schema();
    let defs = &schema["definitions"];
    let mut out = String::new();
    out.push_str("## Top level\n\n");
    table(&mut out, &schema, false);
    out.push_str("## `[formatters.NAME]`\n\n");
    out.push_str(&one_line(
        defs["FormatterConfig"]["description"]
            .as_str()
            .unwrap_or(""),
    ));
    out.push_str("\n\n");
    table(&mut out, &defs["FormatterConfig"], false);
    out.push_str("## `[filters.NAME]`\n\n");
    variants(&mut out, &defs["FilterConfig"], "filter");
    out.push_str("## `[handlers.NAME]`\n\n");
    variants(&mut out, &defs["HandlerConfig"], "handler");
    out.push_str("## `[loggers.\"NAME\"]`\n\n");
    table(&mut out, &defs["LoggerConfig"], false);
    out.push_str("## `[root]`\n\n");
    table(&mut out, &schema["properties"]["root"], false);
    out
}

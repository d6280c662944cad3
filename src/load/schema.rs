//! The JSON Schema of `logging.toml`, generated from the configuration model.
//!
//! The same schema drives editors (taplo: validation, completion, hover) and the
//! structural validation that [`crate::load`] runs on every file, so the two can never
//! disagree. Without the `schema` feature (a library built without the CLI) the
//! validation uses the committed `schema/logging.schema.json`, which a test keeps equal
//! to the generated one.

#[cfg(feature = "schema")]
use serde_json::Map;
use serde_json::Value;

#[cfg(feature = "schema")]
pub use super::reference::markdown as reference_markdown;

/// The schema as a JSON value (draft-07, the dialect taplo validates with).
#[cfg(feature = "schema")]
pub fn schema() -> Value {
    use schemars::generate::SchemaSettings;
    let generator = SchemaSettings::draft07().into_generator();
    let schema = generator.into_root_schema_for::<super::model::Config>();
    let mut value = schema.to_value();
    let definitions = value.get("definitions").cloned().unwrap_or(Value::Null);
    simplify(&mut value, &definitions);
    prune_definitions(&mut value);
    close_objects(&mut value);
    allow_references(&mut value);
    super::editor_schema::flatten_nested_any_of(&mut value);
    super::editor_schema::join_description_lines(&mut value);
    value
}

/// The schema as editors get it (`schema/logging.schema.json`, `logconf schema`): the
/// generated one reshaped for taplo's hover and error messages.
#[cfg(feature = "schema")]
pub fn editor_schema() -> Value {
    let mut value = schema();
    super::editor_schema::for_editors(&mut value);
    value
}

/// The schema, generated once per process (every load and reload checks against it),
/// read back from the editor shape as the committed file is without this feature.
#[cfg(feature = "schema")]
pub fn cached() -> &'static Value {
    static SCHEMA: once_cell::sync::Lazy<Value> =
        once_cell::sync::Lazy::new(|| super::editor_schema::for_validation(&editor_schema()));
    &SCHEMA
}

/// The committed schema, parsed once per process (every load and reload checks against
/// it).
#[cfg(not(feature = "schema"))]
pub fn cached() -> &'static Value {
    static SCHEMA: once_cell::sync::Lazy<Value> = once_cell::sync::Lazy::new(|| {
        let committed = serde_json::from_str(include_str!("../../schema/logging.schema.json"))
            .unwrap_or(Value::Bool(true));
        super::editor_schema::for_validation(&committed)
    });
    &SCHEMA
}

/// The schema as the text committed in `schema/logging.schema.json`.
#[cfg(feature = "schema")]
pub fn schema_text() -> String {
    let mut text = serde_json::to_string_pretty(&editor_schema()).unwrap_or_default();
    text.push('\n');
    text
}

#[cfg(feature = "schema")]
/// A key with a fixed set of values (`stream`, `mode`, `style`, `when`, ...) takes a
/// `${VAR}` reference too, as every interpolated string does: `{"oneOf": [constants]}`
/// becomes `{"anyOf": [{"oneOf": [constants]}, {"pattern": "${...}"}]}`, the shape of
/// levels and sizes. The value is checked again after interpolation.
fn allow_references(value: &mut Value) {
    match value {
        Value::Object(map) => {
            // a type that takes references already (levels, sizes, durations)
            let takes_references = map
                .get("anyOf")
                .and_then(Value::as_array)
                .is_some_and(|alts| {
                    alts.iter().any(|a| {
                        a.get("pattern").and_then(Value::as_str)
                            == Some(crate::config::values::INTERPOLATED_PATTERN)
                    })
                });
            if takes_references {
                return;
            }
            // `{"type": "string", "enum": [...]}` (constants without their own texts)
            let plain_enum = map.get("type").is_some_and(|t| t == "string")
                && map
                    .get("enum")
                    .and_then(Value::as_array)
                    .is_some_and(|e| !e.is_empty() && e.iter().all(Value::is_string));
            if plain_enum {
                let mut inner = serde_json::Map::new();
                for key in ["type", "enum"] {
                    if let Some(v) = map.remove(key) {
                        inner.insert(key.into(), v);
                    }
                }
                let reference = serde_json::json!({
                    "type": "string",
                    "pattern": crate::config::values::INTERPOLATED_PATTERN,
                });
                map.insert(
                    "anyOf".into(),
                    Value::Array(vec![Value::Object(inner), reference]),
                );
                return;
            }
            let string_consts = match map.get("oneOf") {
                Some(Value::Array(alts)) if !alts.is_empty() => alts
                    .iter()
                    .all(|a| a.get("const").is_some_and(Value::is_string)),
                _ => false,
            };
            if string_consts {
                if let Some(consts) = map.remove("oneOf") {
                    let reference = serde_json::json!({
                        "type": "string",
                        "pattern": crate::config::values::INTERPOLATED_PATTERN,
                    });
                    map.insert(
                        "anyOf".into(),
                        Value::Array(vec![serde_json::json!({ "oneOf": consts }), reference]),
                    );
                }
                return;
            }
            map.values_mut().for_each(allow_references);
        }
        Value::Array(items) => items.iter_mut().for_each(allow_references),
        _ => {}
    }
}

#[cfg(feature = "schema")]
/// Every object schema that lists `properties` rejects other keys: an unknown key in
/// a handler table is an error in the editor as well as at load.
fn close_objects(value: &mut Value) {
    match value {
        Value::Object(map) => {
            if map.contains_key("properties") && !map.contains_key("additionalProperties") {
                map.insert("additionalProperties".into(), Value::Bool(false));
            }
            for v in map.values_mut() {
                close_objects(v);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(close_objects),
        _ => {}
    }
}

#[cfg(feature = "schema")]
/// Rewrites the shapes that editors handle badly (see `tools/schema-check`):
/// `{"description", "allOf": [{"$ref"}]}` wrappers are replaced by the referenced
/// schema itself (taplo's completion recurses without end on them), and the `null`
/// alternatives of optional keys are dropped (TOML has no null).
fn simplify(value: &mut Value, definitions: &Value) {
    match value {
        Value::Object(map) => {
            if let Some(Value::Array(types)) = map.get_mut("type") {
                types.retain(|t| t != "null");
                if types.len() == 1 {
                    let only = types.remove(0);
                    map.insert("type".into(), only);
                }
            }
            for key in ["anyOf", "oneOf"] {
                if let Some(Value::Array(alts)) = map.get_mut(key) {
                    alts.retain(|a| a.get("type").and_then(Value::as_str) != Some("null"));
                    if alts.len() == 1 {
                        let only = alts.remove(0);
                        map.remove(key);
                        merge_under(map, only);
                    }
                }
            }
            if map.get("default") == Some(&Value::Null) {
                map.remove("default");
            }
            let single_ref = match map.get("allOf") {
                Some(Value::Array(all)) if all.len() == 1 => all[0]
                    .get("$ref")
                    .and_then(Value::as_str)
                    .map(str::to_owned),
                _ => None,
            };
            if let Some(reference) = single_ref {
                map.remove("allOf");
                let name = reference.rsplit('/').next().unwrap_or_default();
                if let Some(target) = definitions.get(name) {
                    merge_under(map, target.clone());
                }
            }
            if let Some(Value::String(reference)) = map.get("$ref").cloned() {
                if map.len() > 1 {
                    map.remove("$ref");
                    let name = reference.rsplit('/').next().unwrap_or_default();
                    if let Some(target) = definitions.get(name) {
                        merge_under(map, target.clone());
                    }
                }
            }
            for v in map.values_mut() {
                simplify(v, definitions);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|v| simplify(v, definitions)),
        _ => {}
    }
}

#[cfg(feature = "schema")]
/// Adds the keys of `lower` that `map` does not have (the outer description wins);
/// `properties` and `required` are united (a tagged variant's `class` beside the keys
/// of the table it refers to).
fn merge_under(map: &mut Map<String, Value>, lower: Value) {
    if let Value::Object(lower) = lower {
        for (k, v) in lower {
            match (k.as_str(), map.get_mut(&k), v) {
                ("properties", Some(Value::Object(outer)), Value::Object(inner)) => {
                    for (name, schema) in inner {
                        outer.entry(name).or_insert(schema);
                    }
                }
                ("required", Some(Value::Array(outer)), Value::Array(inner)) => {
                    for name in inner {
                        if !outer.contains(&name) {
                            outer.push(name);
                        }
                    }
                }
                (_, Some(_), _) => {}
                (_, None, v) => {
                    map.insert(k, v);
                }
            }
        }
    }
}

#[cfg(feature = "schema")]
/// Drops the definitions nothing refers to any more (those merged into their place).
fn prune_definitions(value: &mut Value) {
    loop {
        let text = serde_json::to_string(value).unwrap_or_default();
        let Some(Value::Object(defs)) = value.get_mut("definitions") else {
            return;
        };
        let unused: Vec<String> = defs
            .keys()
            .filter(|name| !text.contains(&format!("\"#/definitions/{name}\"")))
            .cloned()
            .collect();
        if unused.is_empty() {
            return;
        }
        for name in unused {
            defs.remove(&name);
        }
    }
}

//! The schema as editors read it, and back.
//!
//! taplo (VS Code's Even Better TOML) shows hover texts by joining the description of
//! every schema at a key, and reports a typo inside a `oneOf` of classes as "not valid
//! under any of the schemas listed in oneOf", never naming the key. So the committed
//! schema is the generated one reshaped (what `tools/schema-check` measured works):
//!
//! - a table tagged by `class` (handlers, filters) is one object: the keys of every
//!   class (one text each), `class` as an enum documented per value, and per class an
//!   `if class == C then only C's keys` rule, chained with `else` (`allOf` would empty
//!   key completion): a typo is reported as an unexpected key, by name, at the key;
//! - a `oneOf` of documented constants becomes an `enum` with taplo's per-value docs;
//! - the alternatives of a documented value (a level: a name, a number, a `${VAR}`) are
//!   marked `allOf: [true]` (taplo's hover skips them) and `properties: {}` (so value
//!   completion still offers their names).
//!
//! [`for_validation`] undoes all three, so logconf's own validator, which reports a
//! problem in a tagged table in the table's own terms, reads the same structure with or
//! without the `schema` feature. A test checks the round trip.

use serde_json::{json, Map, Value};

/// The tag key of the tables reshaped here.
const TAG: &str = "class";

/// Reshapes the generated schema for editors (see the module documentation).
#[cfg(feature = "schema")]
pub fn for_editors(schema: &mut Value) {
    if let Some(Value::Object(defs)) = schema.get_mut("definitions") {
        for (name, def) in defs.iter_mut() {
            let what = name.trim_end_matches("Config").to_ascii_lowercase();
            flatten_tagged_union(def, &what);
        }
    }
    consts_to_enum(schema);
    hide_alternatives(schema);
}

/// The variants of a `oneOf` of objects tagged by a constant `class`, if `schema` is one.
#[cfg(feature = "schema")]
fn tagged_variants(schema: &Value) -> Option<Vec<(String, &Map<String, Value>)>> {
    let Value::Array(variants) = schema.get("oneOf")? else {
        return None;
    };
    variants
        .iter()
        .map(|v| {
            let v = v.as_object()?;
            (v.get("type")? == "object").then_some(())?;
            let tag = v.get("properties")?.get(TAG)?.get("const")?.as_str()?;
            Some((tag.to_string(), v))
        })
        .collect()
}

#[cfg(feature = "schema")]
fn without_description(v: &Value) -> Value {
    let mut v = v.clone();
    if let Value::Object(m) = &mut v {
        m.remove("description");
    }
    v
}

#[cfg(feature = "schema")]
fn flatten_tagged_union(def: &mut Value, what: &str) {
    let Some(variants) = tagged_variants(def) else {
        return;
    };
    let mut union = Map::new();
    let mut differing: Vec<(usize, String)> = Vec::new();
    for (i, (_, v)) in variants.iter().enumerate() {
        let Some(Value::Object(props)) = v.get("properties") else {
            continue;
        };
        for (key, p) in props {
            if key == TAG {
                continue;
            }
            match union.get(key) {
                None => {
                    union.insert(key.clone(), p.clone());
                }
                Some(first) if without_description(first) != without_description(p) => {
                    differing.push((i, key.clone()));
                }
                Some(_) => {}
            }
        }
    }
    let names: Vec<&str> = variants.iter().map(|(t, _)| t.as_str()).collect();
    let docs: Vec<Value> = variants
        .iter()
        .map(|(_, v)| v.get("description").cloned().unwrap_or(Value::Null))
        .collect();
    let list = names
        .iter()
        .map(|n| format!("\"{n}\""))
        .collect::<Vec<_>>()
        .join(", ");
    let mut properties = Map::new();
    // `class = "${VAR:-file}"` is interpolated like any string, and checked after
    properties.insert(
        TAG.into(),
        json!({
            "description": format!("Which kind of {what}: {list}."),
            "anyOf": [
                {
                    "type": "string",
                    "enum": names,
                    "x-taplo": { "docs": { "enumValues": docs } },
                },
                { "type": "string", "pattern": crate::config::values::INTERPOLATED_PATTERN },
            ],
        }),
    );
    properties.extend(union);
    // the per-class rules, innermost (last class) first
    let mut chain: Option<Value> = None;
    for (i, (tag, v)) in variants.iter().enumerate().rev() {
        let keys: Map<String, Value> = v
            .get("properties")
            .and_then(Value::as_object)
            .map(|props| {
                props
                    .iter()
                    .map(|(k, p)| {
                        // a key whose schema differs in this class carries it here
                        let here = if differing.contains(&(i, k.clone())) {
                            p.clone()
                        } else {
                            Value::Bool(true)
                        };
                        (k.clone(), here)
                    })
                    .collect()
            })
            .unwrap_or_default();
        let required: Vec<Value> = v
            .get("required")
            .and_then(Value::as_array)
            .map(|r| r.iter().filter(|k| *k != TAG).cloned().collect())
            .unwrap_or_default();
        let mut then = Map::new();
        if !required.is_empty() {
            then.insert("required".into(), Value::Array(required));
        }
        then.insert("properties".into(), Value::Object(keys));
        then.insert("additionalProperties".into(), Value::Bool(false));
        let mut rule = json!({
            "if": { "properties": { TAG: { "const": tag } }, "required": [TAG] },
            "then": then,
        });
        if let Some(inner) = chain.take() {
            rule["else"] = inner;
        }
        chain = Some(rule);
    }
    let mut flat = Map::new();
    if let Some(d) = def.get("description") {
        flat.insert("description".into(), d.clone());
    }
    flat.insert("type".into(), "object".into());
    flat.insert("properties".into(), Value::Object(properties));
    flat.insert("required".into(), json!([TAG]));
    if let Some(Value::Object(rule)) = chain {
        flat.extend(rule);
    }
    *def = Value::Object(flat);
}

/// `{"oneOf": [{"const": "a", "description": ...}, ...]}`, every constant documented,
/// becomes `{"enum": ["a", ...]}` with taplo's per-value docs.
#[cfg(feature = "schema")]
fn consts_to_enum(node: &mut Value) {
    match node {
        Value::Object(map) => {
            let documented_consts = match map.get("oneOf") {
                Some(Value::Array(alts)) if !alts.is_empty() => alts.iter().all(|a| {
                    a.as_object().is_some_and(|a| {
                        a.contains_key("const")
                            && a.get("description").is_some_and(Value::is_string)
                            && a.keys()
                                .all(|k| matches!(k.as_str(), "type" | "const" | "description"))
                    })
                }),
                _ => false,
            };
            if documented_consts {
                if let Some(Value::Array(alts)) = map.remove("oneOf") {
                    let types: Vec<&Value> = alts.iter().filter_map(|a| a.get("type")).collect();
                    if types.len() == alts.len() && types.iter().all(|t| *t == types[0]) {
                        map.insert("type".into(), types[0].clone());
                    }
                    let values: Vec<Value> = alts
                        .iter()
                        .filter_map(|a| a.get("const"))
                        .cloned()
                        .collect();
                    let docs: Vec<Value> = alts
                        .iter()
                        .filter_map(|a| a.get("description"))
                        .cloned()
                        .collect();
                    map.insert("enum".into(), Value::Array(values));
                    map.insert("x-taplo".into(), json!({ "docs": { "enumValues": docs } }));
                }
            }
            map.values_mut().for_each(consts_to_enum);
        }
        Value::Array(items) => items.iter_mut().for_each(consts_to_enum),
        _ => {}
    }
}

/// Marks the alternatives of a documented value so that taplo's hover shows only the
/// value's own description.
#[cfg(feature = "schema")]
fn hide_alternatives(node: &mut Value) {
    match node {
        Value::Object(map) => {
            if map.get("description").is_some_and(Value::is_string) {
                for key in ["anyOf", "oneOf"] {
                    if let Some(Value::Array(alts)) = map.get_mut(key) {
                        alts.iter_mut().for_each(mark_hidden);
                    }
                }
            }
            map.values_mut().for_each(hide_alternatives);
        }
        Value::Array(items) => items.iter_mut().for_each(hide_alternatives),
        _ => {}
    }
}

#[cfg(feature = "schema")]
fn mark_hidden(alt: &mut Value) {
    let Value::Object(o) = alt else { return };
    if o.get("type").is_some_and(|t| t == "object") || o.contains_key("$ref") {
        return;
    }
    o.entry("allOf").or_insert_with(|| json!([true]));
    o.entry("properties").or_insert_with(|| json!({}));
    for key in ["anyOf", "oneOf"] {
        if let Some(Value::Array(inner)) = o.get_mut(key) {
            inner.iter_mut().for_each(mark_hidden);
        }
    }
}

/// An `anyOf` inside an `anyOf` alternative is the same set of values, one level up:
/// taplo shows the inner alternatives' texts unless they are lifted.
#[cfg(feature = "schema")]
pub fn flatten_nested_any_of(node: &mut Value) {
    match node {
        Value::Object(map) => {
            if let Some(Value::Array(alts)) = map.get_mut("anyOf") {
                let mut flat = Vec::new();
                for a in alts.drain(..) {
                    let nested = a.as_object().is_some_and(|o| {
                        o.get("anyOf").is_some_and(Value::is_array)
                            && o.keys()
                                .all(|k| matches!(k.as_str(), "anyOf" | "description" | "title"))
                    });
                    match a {
                        Value::Object(mut o) if nested => {
                            if let Some(Value::Array(inner)) = o.remove("anyOf") {
                                flat.extend(inner);
                            }
                        }
                        other => flat.push(other),
                    }
                }
                *alts = flat;
            }
            map.values_mut().for_each(flatten_nested_any_of);
        }
        Value::Array(items) => items.iter_mut().for_each(flatten_nested_any_of),
        _ => {}
    }
}

/// Doc comments are wrapped at 90 columns; a description is one paragraph per blank
/// line, so a single line break becomes a space.
#[cfg(feature = "schema")]
pub fn join_description_lines(node: &mut Value) {
    match node {
        Value::Object(map) => {
            for (k, v) in map.iter_mut() {
                match v {
                    Value::String(text) if k == "description" => {
                        let paragraphs: Vec<String> = text
                            .split("\n\n")
                            .map(|p| p.split_whitespace().collect::<Vec<_>>().join(" "))
                            .collect();
                        *text = paragraphs.join("\n\n");
                    }
                    other => join_description_lines(other),
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(join_description_lines),
        _ => {}
    }
}

/// The committed (editor) schema in the shape logconf's validator reads: tagged tables
/// as a `oneOf` of classes, documented constants as a `oneOf`, no hover markers.
pub fn for_validation(editor: &Value) -> Value {
    let mut v = editor.clone();
    undo(&mut v);
    v
}

fn undo(node: &mut Value) {
    match node {
        Value::Object(map) => {
            // hover markers
            if map.get("allOf") == Some(&json!([true])) {
                map.remove("allOf");
            }
            if map.get("properties") == Some(&json!({}))
                && map.get("type").is_none_or(|t| t != "object")
            {
                map.remove("properties");
            }
            // documented constants
            let docs = map
                .get("x-taplo")
                .and_then(|x| x.get("docs"))
                .and_then(|d| d.get("enumValues"))
                .and_then(Value::as_array)
                .cloned();
            if let (Some(docs), Some(Value::Array(values))) = (docs, map.get("enum").cloned()) {
                if docs.len() == values.len() {
                    map.remove("x-taplo");
                    map.remove("enum");
                    let ty = map.remove("type");
                    let alts: Vec<Value> = values
                        .into_iter()
                        .zip(docs)
                        .map(|(value, doc)| {
                            let mut alt = Map::new();
                            if let Some(t) = &ty {
                                alt.insert("type".into(), t.clone());
                            }
                            alt.insert("const".into(), value);
                            alt.insert("description".into(), doc);
                            Value::Object(alt)
                        })
                        .collect();
                    map.insert("oneOf".into(), Value::Array(alts));
                }
            }
            if map.contains_key("if") && map.get("type").is_some_and(|t| t == "object") {
                unflatten_tagged_union(map);
            }
            map.values_mut().for_each(undo);
        }
        Value::Array(items) => items.iter_mut().for_each(undo),
        _ => {}
    }
}

fn unflatten_tagged_union(map: &mut Map<String, Value>) {
    let Some(Value::Object(properties)) = map.get("properties").cloned() else {
        return;
    };
    let docs: Vec<Value> = properties
        .get(TAG)
        .map(|c| c.pointer("/anyOf/0").unwrap_or(c))
        .and_then(|c| c.get("x-taplo"))
        .and_then(|x| x.get("docs"))
        .and_then(|d| d.get("enumValues"))
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let mut variants = Vec::new();
    let mut rule = Some(Value::Object(map.clone()));
    let mut i = 0;
    while let Some(Value::Object(r)) = rule.take() {
        let (Some(cond), Some(then)) = (r.get("if"), r.get("then")) else {
            break;
        };
        let Some(tag) = cond
            .get("properties")
            .and_then(|p| p.get(TAG))
            .and_then(|c| c.get("const"))
            .cloned()
        else {
            return;
        };
        let mut props = Map::new();
        props.insert(TAG.into(), json!({ "type": "string", "const": tag }));
        if let Some(Value::Object(keys)) = then.get("properties") {
            for (k, here) in keys {
                if k == TAG {
                    continue;
                }
                let schema = match here {
                    Value::Bool(true) => properties.get(k).cloned().unwrap_or(Value::Bool(true)),
                    other => other.clone(),
                };
                props.insert(k.clone(), schema);
            }
        }
        let mut required = vec![Value::from(TAG)];
        if let Some(Value::Array(r)) = then.get("required") {
            required.extend(r.iter().cloned());
        }
        let mut variant = Map::new();
        if let Some(d) = docs.get(i).filter(|d| !d.is_null()) {
            variant.insert("description".into(), d.clone());
        }
        variant.insert("type".into(), "object".into());
        variant.insert("properties".into(), Value::Object(props));
        variant.insert("required".into(), Value::Array(required));
        variant.insert("additionalProperties".into(), Value::Bool(false));
        variants.push(Value::Object(variant));
        rule = r.get("else").cloned();
        i += 1;
    }
    let description = map.get("description").cloned();
    map.clear();
    map.insert("oneOf".into(), Value::Array(variants));
    if let Some(d) = description {
        map.insert("description".into(), d);
    }
}

#[cfg(all(test, feature = "schema"))]
mod tests {
    use super::*;

    #[test]
    fn the_validator_reads_what_was_generated() {
        let generated = crate::load::schema::schema();
        let editor = crate::load::schema::editor_schema();
        assert_ne!(editor, generated, "the editor shape is a different shape");
        assert_eq!(for_validation(&editor), generated);
    }
}

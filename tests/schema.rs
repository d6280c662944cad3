//! The committed schema is the generated one, and the loader and an independent JSON
//! Schema validator accept and reject the same files.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use logconf::__cli::{load_str, LoadOptions};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn committed_schema() -> serde_json::Value {
    let text = std::fs::read_to_string(root().join("schema/logging.schema.json"))
        .expect("schema/logging.schema.json");
    serde_json::from_str(&text).expect("committed schema is JSON")
}

#[test]
fn committed_schema_matches_the_model() {
    let committed = std::fs::read_to_string(root().join("schema/logging.schema.json")).unwrap();
    assert!(
        committed == logconf::__cli::schema_text(),
        "schema/logging.schema.json is stale: run `cargo run -- schema > schema/logging.schema.json`"
    );
}

/// The shapes tools/schema-check found to break taplo: `allOf` around a table (key
/// completion comes back empty) or an `allOf: [{$ref}]` wrapper (unbounded recursion).
/// The only `allOf` allowed is `[true]` on a value's alternatives (a hover marker); `if`
/// only on a tagged table, chained with `else`.
fn assert_editor_safe(node: &serde_json::Value, path: &str) {
    use serde_json::Value;
    match node {
        Value::Object(map) => {
            if let Some(all) = map.get("allOf") {
                assert_eq!(all, &serde_json::json!([true]), "{path}: allOf");
                assert_ne!(
                    map.get("type"),
                    Some(&Value::from("object")),
                    "{path}: allOf on a table"
                );
            }
            if map.contains_key("if") {
                assert!(map.get("then").is_some(), "{path}: if without then");
            }
            for (k, v) in map {
                assert_editor_safe(v, &format!("{path}/{k}"));
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                assert_editor_safe(v, &format!("{path}/{i}"));
            }
        }
        _ => {}
    }
}

#[test]
fn schema_has_no_shapes_that_break_editor_completion() {
    let schema = committed_schema();
    assert_editor_safe(&schema, "");
    let handler = &schema["definitions"]["HandlerConfig"];
    assert_eq!(handler["type"], "object");
    // the classes, and a `${VAR}` reference (checked after interpolation)
    let class = &handler["properties"]["class"];
    let classes = class["anyOf"][0]["enum"].as_array().unwrap();
    assert!(classes.contains(&"rotating_file".into()), "{classes:?}");
    assert_eq!(
        class["anyOf"][1]["pattern"],
        logconf::__cli::INTERPOLATED_PATTERN,
        "{class}"
    );
    let stream = &handler["properties"]["stream"];
    assert!(stream["anyOf"][0]["enum"]
        .as_array()
        .unwrap()
        .contains(&"stdout".into()));
    assert_eq!(
        stream["anyOf"][1]["pattern"],
        logconf::__cli::INTERPOLATED_PATTERN
    );
    // one text per key, for every class that has it
    for key in [
        "max_bytes",
        "backup_count",
        "filename",
        "level",
        "formatter",
        "filters",
        "debug_only",
    ] {
        let description = handler["properties"][key]["description"].as_str();
        assert!(
            description.is_some_and(|d| !d.starts_with(char::is_whitespace) && !d.contains('\n')),
            "{key}: {description:?}"
        );
    }
    // the rule of the rotating_file class names its keys, and only those
    let mut rule = handler.clone();
    let then = loop {
        if rule["if"]["properties"]["class"]["const"] == "rotating_file" {
            break rule["then"].clone();
        }
        rule = rule["else"].clone();
        assert!(rule.is_object(), "no rule for rotating_file");
    };
    assert_eq!(then["additionalProperties"], false);
    assert!(then["properties"].get("max_bytes").is_some());
    assert!(then["properties"].get("when").is_none());
}

fn toml_to_json(text: &str) -> serde_json::Value {
    let value: toml::Value = toml::from_str(text).expect("corpus files are valid TOML");
    serde_json::to_value(value).unwrap()
}

fn corpus(dir: &str) -> Vec<(PathBuf, String)> {
    let mut files: Vec<_> = std::fs::read_dir(root().join("tests/configs").join(dir))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .map(|p| {
            let text = std::fs::read_to_string(&p).unwrap();
            (p, text)
        })
        .collect();
    files.sort();
    assert!(files.len() >= 5, "corpus {dir} is too small");
    files
}

fn options(base: &Path) -> LoadOptions {
    LoadOptions {
        env: Some(HashMap::from([(
            "LOG_BASE_DIR".to_string(),
            base.display().to_string(),
        )])),
        ..LoadOptions::default()
    }
}

#[test]
fn loader_and_schema_agree_on_the_corpus() {
    let validator = jsonschema::validator_for(&committed_schema()).expect("the schema compiles");
    let base = tempfile::tempdir().unwrap();
    let mut with_shipped = corpus("valid");
    with_shipped.push((
        root().join("logging.toml"),
        std::fs::read_to_string(root().join("logging.toml")).unwrap(),
    ));
    for (path, text) in with_shipped {
        let schema_errors: Vec<String> = validator
            .iter_errors(&toml_to_json(&text))
            .map(|e| e.to_string())
            .collect();
        assert!(
            schema_errors.is_empty(),
            "{}: schema rejects: {schema_errors:?}",
            path.display()
        );
        if let Err(d) = load_str(&text, &path, &options(base.path())) {
            panic!("{}: loader rejects:\n{d}", path.display());
        }
    }
    for (path, text) in corpus("schema_invalid") {
        assert!(
            !validator.is_valid(&toml_to_json(&text)),
            "{}: schema accepts",
            path.display()
        );
        assert!(
            load_str(&text, &path, &options(base.path())).is_err(),
            "{}: loader accepts",
            path.display()
        );
    }
    // Errors the schema cannot see (references, formats, environment): the schema
    // accepts these files and the loader rejects them, with a located diagnostic.
    for (path, text) in corpus("semantic_invalid") {
        assert!(
            validator.is_valid(&toml_to_json(&text)),
            "{}: schema rejects",
            path.display()
        );
        let err =
            load_str(&text, &path, &options(base.path())).expect_err(&path.display().to_string());
        assert!(
            logconf::__cli::items(&err).iter().all(|d| d.span.is_some()),
            "{}: unlocated diagnostic:\n{err}",
            path.display()
        );
    }
}

#[test]
fn configuration_reference_is_generated_from_the_schema() {
    let doc = std::fs::read_to_string(root().join("docs/configuration.md")).unwrap();
    let start = doc
        .find("<!-- reference:start -->\n")
        .expect("start marker")
        + "<!-- reference:start -->\n".len();
    let end = doc.find("<!-- reference:end -->").expect("end marker");
    assert!(
        doc[start..end] == logconf::__cli::reference_markdown(),
        "docs/configuration.md is stale: regenerate the part between the markers with `logconf schema --markdown`"
    );
}

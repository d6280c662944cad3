//! The configurations the README and docs/getting-started.md show load as they are, and
//! the README's example writes the line it promises.

mod common;

use std::path::Path;

use logconf::{Level, Message, Record};

/// Every ```toml block of `file` that is a whole configuration (has `version = 1`).
fn configurations(file: &str) -> Vec<String> {
    let text = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(file))
        .unwrap_or_else(|e| panic!("{file}: {e}"));
    text.split("```toml\n")
        .skip(1)
        .filter_map(|rest| rest.split("```").next())
        .filter(|block| block.contains("version = 1"))
        .map(str::to_string)
        .collect()
}

#[test]
fn the_readme_example_writes_its_fields() {
    let found = configurations("README.md");
    assert_eq!(found.len(), 1, "the README's example");
    let dir = tempfile::tempdir().unwrap();
    let h = common::build(dir.path(), &found[0]).unwrap();
    let kv = [("user_id", 123)];
    h.log(
        "billing::api",
        &Record::new(Level::INFO, Message::Text("API Request started"))
            .logger("billing::api")
            .key_values(&kv),
    );
    h.flush();
    let line = common::read(&dir.path().join("app.log"));
    assert!(
        line.ends_with(" INFO [billing.api] API Request started user_id=123\n"),
        "{line}"
    );
}

#[test]
fn the_getting_started_configuration_loads() {
    let found = configurations("docs/getting-started.md");
    assert_eq!(found.len(), 1, "getting-started's logging.toml");
    let dir = tempfile::tempdir().unwrap();
    let h = common::build(dir.path(), &found[0]).unwrap();
    assert_eq!(
        h.handlers_reached("payments.db", Level::WARNING),
        ["app", "console"]
    );
}

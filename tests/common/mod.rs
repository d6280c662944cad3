//! Helpers shared by the integration tests.
#![allow(dead_code)]

use std::path::Path;
use std::time::SystemTime;

use logconf::{Builder, Handle, Level, Message, Record};

/// A configuration built in `base` with an empty environment (no LOG_* leaks in).
pub fn build(base: &Path, toml: &str) -> Result<Handle, logconf::Error> {
    Builder::new()
        .text(toml)
        .env(std::collections::HashMap::from([(
            "LOG_BASE_DIR".to_string(),
            base.display().to_string(),
        )]))
        .build()
}

/// Logs `msg` at `level` on `logger` through `handle`.
pub fn log(handle: &Handle, logger: &str, level: Level, msg: &str) {
    let rec = Record {
        level,
        logger,
        message: Message::Text(msg),
        kv: &logconf::record::NoKv,
        file: Some("src/billing/views.rs"),
        line: Some(42),
        time: SystemTime::now(),
    };
    handle.log(logger, &rec);
}

/// A file's text, or "" when it does not exist.
pub fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_default()
}

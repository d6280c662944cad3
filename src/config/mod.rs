//! Reading `logging.toml`: the model, its values, and the loading pipeline.

pub mod interpolate;
pub mod load;
pub mod model;
mod references;
pub mod source;
pub mod values;

pub use load::{load_file, load_str, LoadOptions, Loaded};

/// A table key as a dotted path writes it: bare when it can be, quoted otherwise.
pub fn quote_key(key: &str) -> String {
    if !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
    {
        key.to_string()
    } else {
        format!("\"{key}\"")
    }
}

/// `path.key`, with the key quoted when it needs to be (`loggers."billing.api"`).
pub fn join_path(path: &str, key: &str) -> String {
    let key = quote_key(key);
    if path.is_empty() {
        key
    } else {
        format!("{path}.{key}")
    }
}

//! The bottom layer of configuration: value types (levels, sizes, durations, syslog
//! addresses), the spanned TOML tree every diagnostic points into, `${...}`
//! interpolation, and checking a tree against the JSON Schema. It depends on nothing
//! else of logconf but diagnostics; the model of the file lives in [`crate::load`].

pub mod env_levels;
pub mod interpolate;
pub mod source;
pub mod validate;
pub mod values;

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

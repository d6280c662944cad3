//! Filters: decide per record whether a logger or handler goes on with it.

use std::sync::Arc;

use crate::config::model::FilterConfig;
use crate::config::values::Level;
use crate::record::Record;

/// A filter registered from Rust code, referenced as `class = "custom"`.
pub type CustomFilter = Arc<dyn Fn(&Record<'_>) -> bool + Send + Sync>;

/// A compiled filter.
#[derive(Clone)]
pub enum Filter {
    /// Python's `logging.Filter(name)`.
    Name(String),
    /// `require_debug_true` / `require_debug_false`, decided at configuration time.
    Constant(bool),
    /// `level_range`.
    LevelRange(Level, Level),
    /// A registered function.
    Custom(CustomFilter),
}

impl Filter {
    /// Builds the runtime filter; `debug` is the DEBUG mode of the configuration.
    pub fn compile(
        config: &FilterConfig,
        debug: bool,
        custom: &dyn Fn(&str) -> Option<CustomFilter>,
    ) -> Filter {
        match config {
            FilterConfig::Name { name } => Filter::Name(name.clone()),
            FilterConfig::RequireDebugTrue {} => Filter::Constant(debug),
            FilterConfig::RequireDebugFalse {} => Filter::Constant(!debug),
            FilterConfig::LevelRange { min, max } => {
                Filter::LevelRange(min.unwrap_or(Level::NOTSET), max.unwrap_or(Level::CRITICAL))
            }
            FilterConfig::Custom { function } => match custom(function) {
                Some(f) => Filter::Custom(f),
                None => Filter::Constant(true),
            },
            FilterConfig::Redact { .. } => Filter::Constant(true),
        }
    }

    /// True when the record passes.
    pub fn passes(&self, rec: &Record<'_>) -> bool {
        match self {
            Filter::Name(name) => {
                name.is_empty()
                    || rec.logger == name
                    || (rec.logger.starts_with(name.as_str())
                        && rec.logger.as_bytes().get(name.len()) == Some(&b'.'))
            }
            Filter::Constant(pass) => *pass,
            Filter::LevelRange(min, max) => *min <= rec.level && rec.level <= *max,
            Filter::Custom(f) => {
                // A panicking user filter must not take the logging call down.
                std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| f(rec))).unwrap_or(true)
            }
        }
    }
}

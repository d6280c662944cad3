//! What the `logconf` command (and logconf's own tests) use beyond the public API:
//! loading without installing, the dry-run tree `explain` asks, the schema text, the
//! Django import. Not a stable API: applications use the crate root.

use std::path::PathBuf;
use std::sync::Arc;

pub use crate::clock::{now, set_for_tests};
pub use crate::config::quote_key;
pub use crate::config::values::{Duration, Size, When, INTERPOLATED_PATTERN};
pub use crate::diagnostics::{Diagnostic, Severity};
pub use crate::filters::FilterConfig;
pub use crate::format::{FormatterClass, FormatterConfig, Style};
pub use crate::handlers::{
    Compress, ConsoleConfig, FileConfig, FileMode, HandlerConfig, HandlerPlan, NullConfig, Output,
    RotatingFileConfig, Stream, SyslogConfig, TimedRotatingFileConfig, WatchedFileConfig,
};
pub use crate::import::{import, ImportOptions, Imported};
pub use crate::load::model::{Config, LoggerConfig, RootConfig, Watch};
#[cfg(feature = "schema")]
pub use crate::load::schema::{reference_markdown, schema_text};
pub use crate::load::{
    check_paths, is_active, load_file, load_str, LoadOptions, Loaded, UnregisteredFilters,
};
pub use crate::record::NoKv;
pub use crate::router::{logger_name, Explanation};
pub use crate::structured::emit;

use crate::compile::{compile, CompileContext};
use crate::diagnostics::Diagnostics;

/// The configuration file `init()` reads: env `LOG_CONFIG`, else `./logging.toml`.
pub fn default_config_path() -> PathBuf {
    crate::api::default_config_path()
}

/// The loaded configuration in force behind a handle.
pub fn loaded(handle: &crate::Handle) -> Arc<Loaded> {
    handle.loaded()
}

/// Explains where records of `logger` go under `loaded`, asking a tree compiled
/// without opening anything.
pub fn explain(loaded: &Loaded, logger: &str) -> Result<Explanation, Diagnostics> {
    let existing = Default::default();
    let tree = compile(
        loaded,
        &CompileContext {
            existing: &existing,
            dry_run: true,
        },
    )?;
    Ok(tree.explain(logger))
}

/// `builder` for the `logconf` command: a `custom` filter that no code registered
/// passes every record (with a warning) unless `strict`.
pub fn cli_builder(builder: crate::Builder, strict: bool) -> crate::Builder {
    builder.unregistered_filters(if strict {
        crate::load::UnregisteredFilters::Error
    } else {
        crate::load::UnregisteredFilters::PassThrough
    })
}

/// The load options of the `logconf` command (see [`cli_builder`]).
pub fn cli_options(strict: bool) -> LoadOptions {
    LoadOptions {
        unregistered_filters: if strict {
            crate::load::UnregisteredFilters::Error
        } else {
            crate::load::UnregisteredFilters::PassThrough
        },
        ..LoadOptions::default()
    }
}

/// One warning line per custom filter passed through.
pub fn passed_filter_warnings(loaded: &Loaded) -> Vec<String> {
    loaded
        .passed_filters
        .iter()
        .map(|(name, function)| {
            format!("warning: filter `{name}`: the custom filter `{function}` is registered by the application; here every record passes it (--strict makes this an error)")
        })
        .collect()
}

/// The problems of a set, one by one (their spans, severities).
pub fn items(diagnostics: &Diagnostics) -> &[Diagnostic] {
    &diagnostics.items
}

/// `text` with control characters, line separators, bidirectional controls and
/// invisible characters written as visible escapes (what `escape = true` does), for
/// echoing input on a terminal.
pub fn printable(text: &str) -> String {
    let mut out = text.to_string();
    crate::format::escape_controls(&mut out, 0);
    out
}
pub use crate::rotation::BACKLOG_SLACK;

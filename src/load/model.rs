//! The top of the configuration model: the file itself, `[loggers]` and `[root]`. The
//! tables of formatters, filters and handlers are defined beside their code
//! ([`crate::format`], [`crate::filters`], [`crate::handlers`]).
//!
//! The doc comments here become the descriptions of `schema/logging.schema.json`,
//! which editors show on hover: they are written for someone editing the file.

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::config::values::{Duration, Level};
use crate::filters::FilterConfig;
use crate::format::FormatterConfig;
use crate::handlers::HandlerConfig;

/// logconf's `logging.toml`: Python's `logging.config.dictConfig` dictionary, in TOML.
#[derive(Clone, Debug, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "schema", schemars(title = "logconf logging.toml"))]
pub struct Config {
    /// Schema version of this file. Required, and must be 1 (as in dictConfig).
    #[cfg_attr(feature = "schema", schemars(range(min = 1, max = 1)))]
    pub version: u32,
    /// On (re)configuration, loggers that already exist and are not named in this file
    /// (nor descendants of a named one) are disabled. Default true, as in dictConfig.
    #[serde(default = "default_true")]
    pub disable_existing_loggers: bool,
    /// dictConfig's incremental mode: change only levels and propagate of existing
    /// loggers and handlers. Not supported yet: `true` is rejected with an error.
    #[serde(default)]
    pub incremental: bool,
    /// DEBUG mode (Django's `settings.DEBUG`): switches on `debug_only` handlers and the
    /// `require_debug_true` filter. Env `LOG_DEBUG` wins over the init API, which wins
    /// over this key. Default false.
    #[serde(default)]
    pub debug: bool,
    /// The log base directory: relative `filename`s resolve against it and
    /// `${LOG_BASE_DIR}` expands to it. Env `LOG_BASE_DIR` wins over the init API, which
    /// wins over this key. Default "/tmp".
    pub log_base_dir: Option<String>,
    /// Hot reload: `true` watches this file for changes, a duration such as "2s" also
    /// polls at that interval. Default false.
    #[serde(default)]
    pub watch: Watch,
    /// Let the `RUST_LOG` environment variable (env_logger's syntax, such as
    /// `info,billing::api=debug`) override logger levels on top of this file. Only
    /// levels change: handlers keep theirs. Default true.
    #[serde(default = "default_true")]
    pub env_levels: bool,
    /// Named formatters: how a record becomes a line.
    #[serde(default)]
    pub formatters: BTreeMap<String, FormatterConfig>,
    /// Named filters, referenced by handlers and loggers in their `filters` lists.
    #[serde(default)]
    pub filters: BTreeMap<String, FilterConfig>,
    /// Named handlers: where records go. Every handler listed here is created, referenced
    /// or not (a non-delayed file handler creates its file), as dictConfig does.
    #[serde(default)]
    pub handlers: BTreeMap<String, HandlerConfig>,
    /// Named loggers, by dotted name (`billing.api` is a child of `billing`). A Rust
    /// record's target is its module path, crate name first: `log::info!` in module
    /// `billing::api` of crate `app` reaches logger `app.billing.api` (`::` reads as `.`);
    /// a `target:` given in the call is used as written.
    #[serde(default)]
    pub loggers: BTreeMap<String, LoggerConfig>,
    /// The root logger: level WARNING and no handlers unless set here.
    #[serde(default)]
    pub root: RootConfig,
}

fn default_true() -> bool {
    true
}

/// Hot reload setting: `true`/`false`, or a poll interval such as "2s".
#[derive(Clone, Debug, Deserialize, Default, PartialEq)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(untagged)]
pub enum Watch {
    /// `true` watches the file, `false` (the default) does not.
    Enabled(bool),
    /// Watch the file and also poll it at this interval, such as "2s".
    Every(Duration),
    /// The default: no watching.
    #[default]
    #[serde(skip)]
    Off,
}

/// A logger `[loggers."NAME"]`.
#[derive(Clone, Debug, Deserialize, Default)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct LoggerConfig {
    /// The logger's level. Default NOTSET: the nearest level set up the hierarchy applies.
    #[serde(default)]
    pub level: Level,
    /// Handler names: records of this logger (and of its descendants that propagate)
    /// go to each of them.
    #[serde(default)]
    pub handlers: Vec<String>,
    /// Also pass records to the parent logger's handlers. Default true.
    #[serde(default = "default_true")]
    pub propagate: bool,
    /// Filter names; apply only to records logged at this very logger, not to those
    /// propagated from descendants (as in Python).
    #[serde(default)]
    pub filters: Vec<String>,
}

/// The root logger `[root]`.
#[derive(Clone, Debug, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct RootConfig {
    /// The root level. Default WARNING.
    #[serde(default = "root_level")]
    pub level: Level,
    /// Handler names.
    #[serde(default)]
    pub handlers: Vec<String>,
    /// Filter names; apply only to records logged at the root logger itself.
    #[serde(default)]
    pub filters: Vec<String>,
}

fn root_level() -> Level {
    Level::WARNING
}

impl Default for RootConfig {
    fn default() -> Self {
        RootConfig {
            level: Level::WARNING,
            handlers: Vec::new(),
            filters: Vec::new(),
        }
    }
}

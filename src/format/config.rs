//! The `[formatters.NAME]` table: what a user writes to shape a line.

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::value::Value;

/// A formatter `[formatters.NAME]`: Python's `logging.Formatter`.
#[derive(Clone, Debug, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct FormatterConfig {
    /// "text" (the default): a line built from `format`; "json": one JSON object per line.
    #[serde(default)]
    pub class: FormatterClass,
    /// The line, in `style`: `%(asctime)s %(levelname)s [%(name)s] %(message)s`.
    /// Fields: name levelname levelno message asctime created msecs relativeCreated
    /// module pathname filename lineno funcName thread threadName process processName,
    /// plus every key-value of the record and of the current context (in `%` style any
    /// text up to `)` names one, `%(http.method)s`; in `{` style letters of any script,
    /// digits and `_`, `{用户}`). Default `%(message)s`. Not interpolated: `$` here
    /// belongs to the `$` style.
    pub format: Option<String>,
    /// How `format` names fields: "%" (`%(name)s`, the default), "{" (`{name}`) or "$"
    /// (`${name}`), as Python's `logging.Formatter`.
    #[serde(default)]
    pub style: Style,
    /// strftime pattern for `asctime`, such as "%Y-%m-%d %H:%M:%S". Without it asctime is
    /// `2024-01-20 10:30:00,123`, exactly as Python. Not interpolated.
    pub datefmt: Option<String>,
    /// Values for custom fields that a record lacks, such as `{ request_id = "-" }`
    /// (Python 3.10's `defaults`). A missing field without a default prints `-`.
    #[serde(default)]
    pub defaults: BTreeMap<String, Value>,
    /// Render times in UTC instead of local time. Default false.
    #[serde(default)]
    pub utc: bool,
    /// json formatters: which record attributes become JSON keys (every key-value of the
    /// record and of the context is added too). Default: timestamp, level, logger,
    /// message (and process.pid, process.thread.name with `ecs`).
    pub fields: Option<Vec<String>>,
    /// json formatters: name keys as the Elastic Common Schema does (`@timestamp`,
    /// `log.level`, `log.logger`, `process.pid`, ...), so ELK, Datadog and Loki ingest
    /// the lines unchanged. Default false.
    #[serde(default)]
    pub ecs: bool,
    /// text formatters: write CR, LF, tabs, other control characters, ANSI escape
    /// sequences, U+2028/U+2029, bidirectional controls and zero-width spaces inside
    /// field values as visible escapes (`\n`, `\x1b`, `\u202e`), so no logged value can
    /// forge a line, recolour a terminal or reorder what a reader sees (CWE-117).
    /// Default false, as Python; the shipped logging.toml turns it on.
    #[serde(default)]
    pub escape: bool,
}

/// A formatter's class.
#[derive(Clone, Copy, Debug, Deserialize, Default, PartialEq, Eq)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "lowercase")]
pub enum FormatterClass {
    /// A line built from `format` (Python's `logging.Formatter`).
    #[default]
    Text,
    /// One JSON object per line.
    Json,
}

/// The syntax of a formatter's `format`.
#[derive(Clone, Copy, Debug, Deserialize, Default, PartialEq, Eq)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub enum Style {
    /// `%(name)s`, with printf-style specs such as `%(levelname)-8s`.
    #[default]
    #[serde(rename = "%")]
    Percent,
    /// `{name}`, with format specs such as `{levelname:<8}`.
    #[serde(rename = "{")]
    Brace,
    /// `$name` or `${name}` (Python's string.Template).
    #[serde(rename = "$")]
    Dollar,
}

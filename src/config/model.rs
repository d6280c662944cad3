//! The configuration model: one Rust type per table of `logging.toml`.
//!
//! The doc comments here become the descriptions of `schema/logging.schema.json`,
//! which editors show on hover: they are written for someone editing the file.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::Deserialize;

use super::values::{Duration, Level, Size};

/// logconf's `logging.toml`: Python's `logging.config.dictConfig` dictionary, in TOML.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "logconf logging.toml")]
pub struct Config {
    /// Schema version of this file. Required, and must be 1 (as in dictConfig).
    #[schemars(range(min = 1, max = 1))]
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
    /// Named loggers, by dotted name (`billing.api` is a child of `billing`). Rust module
    /// paths (`billing::api`) reach the logger of the same dotted name.
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
#[derive(Clone, Debug, Deserialize, JsonSchema, Default, PartialEq)]
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

/// A formatter `[formatters.NAME]`: Python's `logging.Formatter`.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FormatterConfig {
    /// "text" (the default): a line built from `format`; "json": one JSON object per line.
    #[serde(default)]
    pub class: FormatterClass,
    /// The line, in `style`: `%(asctime)s %(levelname)s [%(name)s] %(message)s`.
    /// Fields: name levelname levelno message asctime created msecs relativeCreated
    /// module pathname filename lineno funcName thread threadName process processName,
    /// plus every key-value of the record and of the current context. Default
    /// `%(message)s`. Not interpolated: `$` here belongs to the `$` style.
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
    pub defaults: BTreeMap<String, DefaultValue>,
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
}

/// A formatter's class.
#[derive(Clone, Copy, Debug, Deserialize, JsonSchema, Default, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum FormatterClass {
    /// A line built from `format` (Python's `logging.Formatter`).
    #[default]
    Text,
    /// One JSON object per line.
    Json,
}

/// The syntax of a formatter's `format`.
#[derive(Clone, Copy, Debug, Deserialize, JsonSchema, Default, PartialEq, Eq)]
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

/// A default value of a formatter field.
#[derive(Clone, Debug, Deserialize, JsonSchema, PartialEq)]
#[serde(untagged)]
pub enum DefaultValue {
    /// A text.
    Text(String),
    /// A whole number.
    Integer(i64),
    /// A number with a fraction.
    Float(f64),
    /// true or false.
    Bool(bool),
}

/// A filter `[filters.NAME]`, chosen by `class`.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(tag = "class", rename_all = "snake_case", deny_unknown_fields)]
pub enum FilterConfig {
    /// Passes records of the logger `name` and its descendants (Python's `logging.Filter`).
    Name {
        /// The logger name; "" passes every record.
        #[serde(default)]
        name: String,
    },
    /// Passes records only in DEBUG mode (Django's `RequireDebugTrue`).
    RequireDebugTrue {},
    /// Passes records only outside DEBUG mode (Django's `RequireDebugFalse`).
    RequireDebugFalse {},
    /// Passes records with `min <= level <= max`.
    LevelRange {
        /// The lowest level passed. Default NOTSET.
        min: Option<Level>,
        /// The highest level passed. Default CRITICAL.
        max: Option<Level>,
    },
    /// Passes every record, with secrets (card numbers, passwords, bearer tokens, JWTs)
    /// rewritten in the message and the key-values.
    Redact {
        /// Built-in pattern names ("card", "password", "bearer", "jwt") and/or regular
        /// expressions. Default: all built-in patterns.
        patterns: Option<Vec<String>>,
        /// The text a secret is replaced with. Default "[REDACTED]".
        replacement: Option<String>,
    },
    /// A filter registered by name from Rust code at init (`Builder::filter`).
    Custom {
        /// The name the filter was registered under.
        function: String,
    },
}

/// A handler `[handlers.NAME]`: where records go, chosen by `class`.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(tag = "class", rename_all = "snake_case")]
pub enum HandlerConfig {
    /// Writes to the process's stderr or stdout (Python's `logging.StreamHandler`).
    Console {
        /// Level, formatter, filters, debug_only.
        #[serde(flatten)]
        common: HandlerCommon,
        /// "stderr" (the default) or "stdout".
        #[serde(default)]
        stream: Stream,
    },
    /// Appends to (or rewrites) one file (Python's `logging.FileHandler`).
    File {
        /// Level, formatter, filters, debug_only.
        #[serde(flatten)]
        common: HandlerCommon,
        /// The file. A relative path resolves against the log base dir; missing parent
        /// directories are created.
        filename: String,
        /// "a" appends (the default), "w" truncates the file when the handler is created.
        #[serde(default)]
        mode: FileMode,
        /// Open the file at the first record instead of at startup. Default false.
        #[serde(default)]
        delay: bool,
    },
    /// A file that rolls over at a size into backups NAME.1 … NAME.N
    /// (Python's `logging.handlers.RotatingFileHandler`).
    RotatingFile {
        /// Level, formatter, filters, debug_only.
        #[serde(flatten)]
        common: HandlerCommon,
        /// The file. A relative path resolves against the log base dir.
        filename: String,
        /// Roll over before a record would make the file reach this size ("10MB", or
        /// bytes). 0 (the default) never rolls over.
        #[serde(default)]
        max_bytes: Size,
        /// How many backups to keep. 0 (the default) never rolls over.
        #[serde(default)]
        #[schemars(range(min = 0))]
        backup_count: u32,
        /// "gzip": backups become NAME.1.gz … NAME.N.gz, compressed off the logging thread.
        compress: Option<Compress>,
        /// gzip level 0–9. Default 6.
        #[schemars(range(min = 0, max = 9))]
        compress_level: Option<u32>,
        /// Open the file at the first record instead of at startup. Default false.
        #[serde(default)]
        delay: bool,
    },
    /// A file that is reopened when it is moved or removed, for external logrotate
    /// (Python's `logging.handlers.WatchedFileHandler`).
    WatchedFile {
        /// Level, formatter, filters, debug_only.
        #[serde(flatten)]
        common: HandlerCommon,
        /// The file. A relative path resolves against the log base dir.
        filename: String,
        /// "a" appends (the default), "w" truncates the file when the handler is created.
        #[serde(default)]
        mode: FileMode,
        /// Open the file at the first record instead of at startup. Default false.
        #[serde(default)]
        delay: bool,
    },
    /// A file that rolls over at times (Python's
    /// `logging.handlers.TimedRotatingFileHandler`).
    TimedRotatingFile {
        /// Level, formatter, filters, debug_only.
        #[serde(flatten)]
        common: HandlerCommon,
        /// The file. A relative path resolves against the log base dir.
        filename: String,
        /// The unit of the rollover interval: "S", "M", "H" (the default), "D",
        /// "midnight", or "W0"–"W6" (weekday, 0 = Monday).
        #[serde(default)]
        when: When,
        /// How many `when` units between rollovers. Default 1.
        #[schemars(range(min = 1))]
        interval: Option<u32>,
        /// How many backups to keep; older ones are deleted. 0 (the default) keeps all.
        #[serde(default)]
        #[schemars(range(min = 0))]
        backup_count: u32,
        /// Compute rollover times in UTC. Default false.
        #[serde(default)]
        utc: bool,
        /// For "midnight" and "W0"–"W6": the time of day of the rollover, "HH:MM[:SS]".
        #[schemars(regex(pattern = r"^([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9])?$"))]
        at_time: Option<String>,
        /// "gzip": backups are gzip-compressed off the logging thread.
        compress: Option<Compress>,
        /// gzip level 0–9. Default 6.
        #[schemars(range(min = 0, max = 9))]
        compress_level: Option<u32>,
        /// Open the file at the first record instead of at startup. Default false.
        #[serde(default)]
        delay: bool,
    },
    /// Sends records to a syslog daemon (Python's `logging.handlers.SysLogHandler`).
    Syslog {
        /// Level, formatter, filters, debug_only.
        #[serde(flatten)]
        common: HandlerCommon,
        /// "/dev/log" (the default), "udp://host:port" or "tcp://host:port".
        address: Option<String>,
        /// The syslog facility, such as "user" (the default), "daemon", "local0".
        facility: Option<Facility>,
        /// "rfc5424" or "rfc3164" (the default).
        protocol: Option<SyslogProtocol>,
        /// The APP-NAME / TAG. Default: the executable's name.
        app_name: Option<String>,
    },
    /// Discards records; keeps a logger from falling back to stderr
    /// (Python's `logging.NullHandler`).
    Null {
        /// Level, formatter, filters, debug_only.
        #[serde(flatten)]
        common: HandlerCommon,
    },
}

/// Keys that every handler has.
#[derive(Clone, Debug, Deserialize, JsonSchema, Default)]
pub struct HandlerCommon {
    /// Records below this level are not handled. Default NOTSET (all).
    #[serde(default)]
    pub level: Level,
    /// The formatter's name. Default: the bare message (`%(message)s`).
    pub formatter: Option<String>,
    /// Filter names; a record must pass each of them.
    #[serde(default)]
    pub filters: Vec<String>,
    /// The handler exists only in DEBUG mode: outside it no file is created and loggers'
    /// references to it are skipped silently. Default false.
    #[serde(default)]
    pub debug_only: bool,
}

impl HandlerConfig {
    /// The keys that every handler class has.
    pub fn common(&self) -> &HandlerCommon {
        match self {
            HandlerConfig::Console { common, .. }
            | HandlerConfig::File { common, .. }
            | HandlerConfig::RotatingFile { common, .. }
            | HandlerConfig::WatchedFile { common, .. }
            | HandlerConfig::TimedRotatingFile { common, .. }
            | HandlerConfig::Syslog { common, .. }
            | HandlerConfig::Null { common } => common,
        }
    }

    /// The `class` value of this handler, as written in the file.
    pub fn class_name(&self) -> &'static str {
        match self {
            HandlerConfig::Console { .. } => "console",
            HandlerConfig::File { .. } => "file",
            HandlerConfig::RotatingFile { .. } => "rotating_file",
            HandlerConfig::WatchedFile { .. } => "watched_file",
            HandlerConfig::TimedRotatingFile { .. } => "timed_rotating_file",
            HandlerConfig::Syslog { .. } => "syslog",
            HandlerConfig::Null { .. } => "null",
        }
    }

    /// The `filename` of a file-writing handler.
    pub fn filename(&self) -> Option<&str> {
        match self {
            HandlerConfig::File { filename, .. }
            | HandlerConfig::RotatingFile { filename, .. }
            | HandlerConfig::WatchedFile { filename, .. }
            | HandlerConfig::TimedRotatingFile { filename, .. } => Some(filename),
            _ => None,
        }
    }
}

/// A console handler's stream.
#[derive(Clone, Copy, Debug, Deserialize, JsonSchema, Default, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Stream {
    /// The process's standard error (the default).
    #[default]
    Stderr,
    /// The process's standard output.
    Stdout,
}

/// How a file handler opens its file.
#[derive(Clone, Copy, Debug, Deserialize, JsonSchema, Default, PartialEq, Eq)]
pub enum FileMode {
    /// Append (the default).
    #[default]
    #[serde(rename = "a")]
    Append,
    /// Truncate when the handler is created.
    #[serde(rename = "w")]
    Write,
}

/// Backup compression.
#[derive(Clone, Copy, Debug, Deserialize, JsonSchema, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Compress {
    /// gzip: backups end in `.gz`.
    Gzip,
}

/// The unit of a timed rotation.
#[derive(Clone, Copy, Debug, Deserialize, JsonSchema, Default, PartialEq, Eq)]
pub enum When {
    /// Seconds.
    S,
    /// Minutes.
    M,
    /// Hours (the default).
    #[default]
    H,
    /// Days.
    D,
    /// Every midnight (or `at_time`).
    #[serde(rename = "midnight")]
    Midnight,
    /// Mondays.
    W0,
    /// Tuesdays.
    W1,
    /// Wednesdays.
    W2,
    /// Thursdays.
    W3,
    /// Fridays.
    W4,
    /// Saturdays.
    W5,
    /// Sundays.
    W6,
}

/// A syslog facility.
#[derive(Clone, Copy, Debug, Deserialize, JsonSchema, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
#[allow(missing_docs)]
pub enum Facility {
    Kern,
    User,
    Mail,
    Daemon,
    Auth,
    Syslog,
    Lpr,
    News,
    Uucp,
    Cron,
    Authpriv,
    Ftp,
    Local0,
    Local1,
    Local2,
    Local3,
    Local4,
    Local5,
    Local6,
    Local7,
}

/// The syslog message format.
#[derive(Clone, Copy, Debug, Deserialize, JsonSchema, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum SyslogProtocol {
    /// RFC 5424 (structured, with a full timestamp).
    Rfc5424,
    /// RFC 3164 (BSD syslog).
    Rfc3164,
}

/// A logger `[loggers."NAME"]`.
#[derive(Clone, Debug, Deserialize, JsonSchema, Default)]
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
#[derive(Clone, Debug, Deserialize, JsonSchema)]
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

//! `class = "rotating_file"`: a file that rolls over at a size into NAME.1 … NAME.N,
//! optionally gzip-compressed (Python's `logging.handlers.RotatingFileHandler`).

use schemars::JsonSchema;
use serde::Deserialize;

use super::files::{self, BufferConfig, Compress, FileOptions};
use super::{HandlerClass, HandlerCommon, Output, PlanContext};
use crate::config::values::Size;
use crate::diagnostics::Diagnostic;
use crate::rotation::Policy;

/// A file that rolls over at a size into backups NAME.1 … NAME.N
/// (Python's `logging.handlers.RotatingFileHandler`).
#[derive(Clone, Debug, Deserialize, JsonSchema)]
pub struct RotatingFileConfig {
    /// Level, formatter, filters, debug_only.
    #[serde(flatten)]
    pub common: HandlerCommon,
    /// buffer, flush_interval, flush_level.
    #[serde(flatten)]
    pub buffering: BufferConfig,
    /// The file. A relative path resolves against the log base dir.
    pub filename: String,
    /// Roll over before a record would make the file reach this size ("10MB", or
    /// bytes). 0 (the default) never rolls over.
    #[serde(default)]
    pub max_bytes: Size,
    /// How many backups to keep. 0 (the default) never rolls over.
    #[serde(default)]
    #[schemars(range(min = 0, max = 4294967295u32))]
    pub backup_count: u32,
    /// "gzip": backups become NAME.1.gz … NAME.N.gz, compressed off the logging thread.
    pub compress: Option<Compress>,
    /// gzip level 0–9. Default 6.
    #[schemars(range(min = 0, max = 9))]
    pub compress_level: Option<u32>,
    /// Open the file at the first record instead of at startup. Default false.
    #[serde(default)]
    pub delay: bool,
    /// Several processes (pre-fork workers, a CLI beside the service, cron jobs) log
    /// to this file: each write and rollover takes an advisory lock (`flock`) on the
    /// side file NAME.lock, so exactly one process rolls over and every record lands
    /// once. Default false.
    #[serde(default)]
    pub lock: bool,
}

impl HandlerClass for RotatingFileConfig {
    fn name(&self) -> &'static str {
        "rotating_file"
    }

    fn common(&self) -> &HandlerCommon {
        &self.common
    }

    fn plan(&self, cx: &PlanContext<'_>, diags: &mut Vec<Diagnostic>) -> Option<Output> {
        let policy = Policy::Size {
            max_bytes: self.max_bytes.0,
            backup_count: self.backup_count,
        };
        let gzip = files::gzip_level(self.compress, self.compress_level);
        files::plan(
            cx,
            &self.filename,
            policy,
            FileOptions {
                compress: gzip,
                delay: self.delay,
                lock: self.lock,
                buffering: &self.buffering,
            },
            diags,
        )
        .map(Output::File)
    }
}

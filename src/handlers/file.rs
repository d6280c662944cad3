//! `class = "file"`: appends to (or rewrites) one file (Python's `logging.FileHandler`).

use schemars::JsonSchema;
use serde::Deserialize;

use super::files::{self, BufferConfig, FileMode, FileOptions};
use super::{HandlerClass, HandlerCommon, Output, PlanContext};
use crate::diagnostics::Diagnostic;
use crate::rotation::Policy;

/// Appends to (or rewrites) one file (Python's `logging.FileHandler`).
#[derive(Clone, Debug, Deserialize, JsonSchema)]
pub struct FileConfig {
    /// Level, formatter, filters, debug_only.
    #[serde(flatten)]
    pub common: HandlerCommon,
    /// buffer, flush_interval, flush_level.
    #[serde(flatten)]
    pub buffering: BufferConfig,
    /// The file. A relative path resolves against the log base dir; missing parent
    /// directories are created.
    pub filename: String,
    /// "a" appends (the default), "w" truncates the file when the handler is created.
    #[serde(default)]
    pub mode: FileMode,
    /// Open the file at the first record instead of at startup. Default false.
    #[serde(default)]
    pub delay: bool,
}

impl HandlerClass for FileConfig {
    fn name(&self) -> &'static str {
        "file"
    }

    fn common(&self) -> &HandlerCommon {
        &self.common
    }

    fn plan(&self, cx: &PlanContext<'_>, diags: &mut Vec<Diagnostic>) -> Option<Output> {
        let policy = Policy::Append {
            truncate: self.mode == FileMode::Write,
        };
        files::plan(
            cx,
            &self.filename,
            policy,
            FileOptions {
                compress: None,
                delay: self.delay,
                lock: false,
                buffering: &self.buffering,
            },
            diags,
        )
        .map(Output::File)
    }
}

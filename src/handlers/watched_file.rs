//! `class = "watched_file"`: a file reopened when it is moved or removed, for external
//! logrotate (Python's `logging.handlers.WatchedFileHandler`).

use serde::Deserialize;

use super::files::{FileKeys, FileMode};
use super::{HandlerClass, HandlerCommon, Output, PlanContext};
use crate::diagnostics::Diagnostic;
use crate::rotation::Policy;

/// A file that is reopened when it is moved or removed, for external logrotate
/// (Python's `logging.handlers.WatchedFileHandler`).
#[derive(Clone, Debug, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct WatchedFileConfig {
    /// Level, formatter, filters, debug_only.
    #[serde(flatten)]
    pub common: HandlerCommon,
    /// filename, delay, buffering.
    #[serde(flatten)]
    pub file: FileKeys,
    /// "a" appends (the default), "w" truncates the file when the handler is created.
    #[serde(default)]
    pub mode: FileMode,
}

impl HandlerClass for WatchedFileConfig {
    fn name(&self) -> &'static str {
        "watched_file"
    }

    fn common(&self) -> &HandlerCommon {
        &self.common
    }

    fn plan(&self, cx: &PlanContext<'_>, diags: &mut Vec<Diagnostic>) -> Option<Output> {
        let truncate = self.mode == FileMode::Write;
        self.file
            .plan(cx, Policy::Watched { truncate }, None, diags)
    }
}

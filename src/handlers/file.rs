//! `class = "file"`: appends to (or rewrites) one file (Python's `logging.FileHandler`).

use serde::Deserialize;

use super::files::{FileKeys, FileMode};
use super::{HandlerClass, HandlerCommon, Output, PlanContext};
use crate::diagnostics::Diagnostic;
use crate::rotation::Policy;

/// Appends to (or rewrites) one file (Python's `logging.FileHandler`).
#[derive(Clone, Debug, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct FileConfig {
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

impl HandlerClass for FileConfig {
    fn name(&self) -> &'static str {
        "file"
    }

    fn common(&self) -> &HandlerCommon {
        &self.common
    }

    fn plan(&self, cx: &PlanContext<'_>, diags: &mut Vec<Diagnostic>) -> Option<Output> {
        let truncate = self.mode == FileMode::Write;
        self.file.plan(cx, Policy::Append { truncate }, None, diags)
    }
}

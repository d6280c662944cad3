//! `class = "rotating_file"`: a file that rolls over at a size into NAME.1 … NAME.N,
//! optionally gzip-compressed (Python's `logging.handlers.RotatingFileHandler`).

use serde::Deserialize;

use super::files::{FileKeys, RotationKeys};
use super::{HandlerClass, HandlerCommon, Output, PlanContext};
use crate::config::values::Size;
use crate::diagnostics::Diagnostic;
use crate::rotation::Policy;

/// A file that rolls over at a size into backups NAME.1 … NAME.N
/// (Python's `logging.handlers.RotatingFileHandler`).
#[derive(Clone, Debug, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct RotatingFileConfig {
    /// Level, formatter, filters, debug_only.
    #[serde(flatten)]
    pub common: HandlerCommon,
    /// filename, delay, buffering.
    #[serde(flatten)]
    pub file: FileKeys,
    /// Roll over before a record would make the file reach this size ("10MB", or
    /// bytes). 0 (the default) never rolls over.
    #[serde(default)]
    pub max_bytes: Size,
    /// How many backups to keep; older ones are deleted. 0 (the default): a
    /// `rotating_file` never rolls over, a `timed_rotating_file` keeps every backup.
    #[serde(default)]
    #[cfg_attr(feature = "schema", schemars(range(min = 0, max = 4294967295u32)))]
    pub backup_count: u32,
    /// compress, compress_level, lock.
    #[serde(flatten)]
    pub rotation: RotationKeys,
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
        self.file.plan(cx, policy, Some(&self.rotation), diags)
    }
}

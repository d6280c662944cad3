//! `class = "null"`: discards records (Python's `logging.NullHandler`).

use serde::Deserialize;

use super::{HandlerClass, HandlerCommon, Output, PlanContext};
use crate::diagnostics::Diagnostic;

/// Discards records; keeps a logger from falling back to stderr
/// (Python's `logging.NullHandler`).
#[derive(Clone, Debug, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct NullConfig {
    /// Level, formatter, filters, debug_only.
    #[serde(flatten)]
    pub common: HandlerCommon,
}

impl HandlerClass for NullConfig {
    fn name(&self) -> &'static str {
        "null"
    }

    fn common(&self) -> &HandlerCommon {
        &self.common
    }

    fn plan(&self, _: &PlanContext<'_>, _: &mut Vec<Diagnostic>) -> Option<Output> {
        Some(Output::Null)
    }
}

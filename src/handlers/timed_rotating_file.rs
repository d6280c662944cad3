//! `class = "timed_rotating_file"`: a file that rolls over at times, optionally
//! gzip-compressed (Python's `logging.handlers.TimedRotatingFileHandler`).

use serde::Deserialize;

use super::files::{FileKeys, RotationKeys};
use super::{HandlerClass, HandlerCommon, Output, PlanContext};
use crate::config::values::When;
use crate::diagnostics::Diagnostic;
use crate::rotation::timed::{parse_at_time, Schedule};
use crate::rotation::Policy;

/// A file that rolls over at times (Python's
/// `logging.handlers.TimedRotatingFileHandler`).
#[derive(Clone, Debug, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct TimedRotatingFileConfig {
    /// Level, formatter, filters, debug_only.
    #[serde(flatten)]
    pub common: HandlerCommon,
    /// filename, delay, buffering.
    #[serde(flatten)]
    pub file: FileKeys,
    /// The unit of the rollover interval: "S", "M", "H" (the default), "D",
    /// "midnight", or "W0"–"W6" (weekday, 0 = Monday).
    #[serde(default)]
    pub when: When,
    /// How many `when` units between rollovers. Default 1.
    #[cfg_attr(feature = "schema", schemars(range(min = 1, max = 4294967295u32)))]
    pub interval: Option<u32>,
    /// How many backups to keep; older ones are deleted. 0 (the default): a
    /// `rotating_file` never rolls over, a `timed_rotating_file` keeps every backup.
    #[serde(default)]
    #[cfg_attr(feature = "schema", schemars(range(min = 0, max = 4294967295u32)))]
    pub backup_count: u32,
    /// Compute rollover times in UTC. Default false.
    #[serde(default)]
    pub utc: bool,
    /// For "midnight" and "W0"–"W6": the time of day of the rollover, `"HH:MM[:SS]"`.
    #[cfg_attr(
        feature = "schema",
        schemars(regex(pattern = r"^([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9])?$"))
    )]
    pub at_time: Option<String>,
    /// compress, compress_level, lock.
    #[serde(flatten)]
    pub rotation: RotationKeys,
}

impl HandlerClass for TimedRotatingFileConfig {
    fn name(&self) -> &'static str {
        "timed_rotating_file"
    }

    fn common(&self) -> &HandlerCommon {
        &self.common
    }

    fn plan(&self, cx: &PlanContext<'_>, diags: &mut Vec<Diagnostic>) -> Option<Output> {
        let at_time = match self.at_time.as_deref().map(|t| (t, parse_at_time(t))) {
            None => None,
            Some((_, Some(secs))) => Some(secs),
            Some((text, None)) => {
                diags.push(
                    cx.error(
                        "at_time",
                        format!("`at_time = \"{text}\"` is not a time of day"),
                    )
                    .label("expected \"HH:MM\" or \"HH:MM:SS\""),
                );
                return None;
            }
        };
        let policy = Policy::Time {
            schedule: Schedule::new(self.when, self.interval.unwrap_or(1), self.utc, at_time),
            backup_count: self.backup_count,
        };
        self.file.plan(cx, policy, Some(&self.rotation), diags)
    }
}

//! `class = "console"`: stderr or stdout (Python's `logging.StreamHandler`).

use std::io::Write;

use serde::Deserialize;

use super::{HandlerClass, HandlerCommon, Output, PlanContext};
use crate::diagnostics::Diagnostic;

/// Writes to the process's stderr or stdout (Python's `logging.StreamHandler`).
#[derive(Clone, Debug, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ConsoleConfig {
    /// Level, formatter, filters, debug_only.
    #[serde(flatten)]
    pub common: HandlerCommon,
    /// "stderr" (the default) or "stdout".
    #[serde(default)]
    pub stream: Stream,
}

/// A console handler's stream.
#[derive(Clone, Copy, Debug, Deserialize, Default, PartialEq, Eq)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "lowercase")]
pub enum Stream {
    /// The process's standard error (the default).
    #[default]
    Stderr,
    /// The process's standard output.
    Stdout,
}

impl HandlerClass for ConsoleConfig {
    fn name(&self) -> &'static str {
        "console"
    }

    fn common(&self) -> &HandlerCommon {
        &self.common
    }

    fn plan(&self, _: &PlanContext<'_>, _: &mut Vec<Diagnostic>) -> Option<Output> {
        Some(Output::Console(self.stream))
    }
}

/// Writes lines to stdout or stderr.
pub struct ConsoleSink {
    stream: Stream,
}

impl ConsoleSink {
    /// A sink for `stream`.
    pub fn new(stream: Stream) -> Self {
        ConsoleSink { stream }
    }

    /// True when the lines go to stderr.
    pub fn is_stderr(&self) -> bool {
        matches!(self.stream, Stream::Stderr)
    }

    /// Writes one line.
    pub fn write(&self, line: &[u8]) -> std::io::Result<()> {
        match self.stream {
            Stream::Stderr => crate::diagnostics::write_stderr(line),
            Stream::Stdout => {
                let mut out = std::io::stdout().lock();
                out.write_all(line)?;
                out.flush()
            }
        }
    }

    /// Flushes the stream.
    pub fn flush(&self) -> std::io::Result<()> {
        match self.stream {
            Stream::Stderr => std::io::stderr().flush(),
            Stream::Stdout => std::io::stdout().flush(),
        }
    }
}

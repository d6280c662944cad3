//! `console`: stderr or stdout (Python's `StreamHandler`).

use std::io::Write;

use crate::config::model::Stream;

/// Writes lines to stdout or stderr.
pub struct ConsoleSink {
    stream: Stream,
}

impl ConsoleSink {
    /// A sink for `stream`.
    pub fn new(stream: Stream) -> Self {
        ConsoleSink { stream }
    }

    /// Writes one line.
    pub fn write(&self, line: &[u8]) -> std::io::Result<()> {
        match self.stream {
            Stream::Stderr => std::io::stderr().lock().write_all(line),
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

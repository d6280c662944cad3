//! Where a handler's lines go: the planned [`Output`] (checked at load, nothing opened)
//! and the opened [`Sink`].

use std::path::Path;
use std::sync::Arc;

use super::console::{ConsoleSink, Stream};
use super::files;
use super::journald::{JournaldSink, JournaldTarget};
use super::queue::{QueuePlan, QueueSink};
use super::syslog::{SyslogSink, SyslogTarget};
use crate::record::Record;
use crate::rotation::{FileWriter, Settings};

/// Where a handler's lines go, as planned at load.
#[derive(Clone, Debug, PartialEq)]
pub enum Output {
    /// stdout or stderr.
    Console(Stream),
    /// A file; handlers whose settings are equal share one writer.
    File(Settings),
    /// A syslog daemon.
    Syslog(SyslogTarget),
    /// systemd's journal.
    Journald(JournaldTarget),
    /// Nowhere.
    Null,
    /// A queue written by a worker thread through other handlers.
    Queue(QueuePlan),
}

impl Output {
    /// Opens it: creates a file's directory and opens the file (unless delayed), or
    /// reuses the writer already open for the same file and settings.
    pub fn open(&self) -> std::io::Result<Sink> {
        Ok(match self {
            Output::Console(stream) => Sink::Console(ConsoleSink::new(*stream)),
            Output::File(settings) => Sink::File(files::open(settings)?),
            Output::Syslog(target) => Sink::Syslog(SyslogSink::new(target)),
            Output::Journald(target) => Sink::Journald(JournaldSink::new(target)),
            Output::Null => Sink::Null,
            Output::Queue(_) => {
                return Err(std::io::Error::other(
                    "a queue is started with its target handlers (compile)",
                ))
            }
        })
    }

    /// The file written, if any.
    pub fn path(&self) -> Option<&Path> {
        match self {
            Output::File(s) => Some(&s.path),
            Output::Console(_)
            | Output::Syslog(_)
            | Output::Journald(_)
            | Output::Null
            | Output::Queue(_) => None,
        }
    }

    /// The file's settings, for a file output.
    pub fn file_settings(&self) -> Option<&Settings> {
        match self {
            Output::File(s) => Some(s),
            Output::Console(_)
            | Output::Syslog(_)
            | Output::Journald(_)
            | Output::Null
            | Output::Queue(_) => None,
        }
    }

    /// Where lines end up, in words: `stderr`, a path, `syslog udp://...`, `discarded`.
    pub fn destination(&self) -> String {
        match self {
            Output::Console(Stream::Stderr) => "stderr".to_string(),
            Output::Console(Stream::Stdout) => "stdout".to_string(),
            Output::File(s) => s.path.display().to_string(),
            Output::Syslog(t) => format!("syslog {}", t.address_text),
            Output::Journald(t) => format!("journald {}", t.socket.display()),
            Output::Null => "discarded".to_string(),
            Output::Queue(q) => format!(
                "a queue of {} records (overflow {:?}), written by a worker to {}",
                q.size,
                q.overflow,
                q.targets.join(", ")
            ),
        }
    }

    /// True when the file is opened only at the first record (`delay = true`), so it
    /// may rightly not exist yet.
    pub fn opens_lazily(&self) -> bool {
        matches!(self, Output::File(s) if s.delay)
    }

    /// What `logconf check` should warn about the output (a shared log directory).
    pub fn warnings(&self) -> Vec<String> {
        match self {
            Output::File(s) => files::shared_directory(&s.path).into_iter().collect(),
            Output::Console(_)
            | Output::Syslog(_)
            | Output::Journald(_)
            | Output::Null
            | Output::Queue(_) => Vec::new(),
        }
    }

    /// Checks, without creating or opening anything, that the output could be opened
    /// (a file's directory exists or can be created, and is writable).
    pub fn check_writable(&self) -> Result<(), String> {
        match self {
            Output::File(s) => files::writable(&s.path),
            Output::Console(_)
            | Output::Syslog(_)
            | Output::Journald(_)
            | Output::Null
            | Output::Queue(_) => Ok(()),
        }
    }
}

/// Where a handler's lines go, opened.
pub enum Sink {
    /// stdout or stderr.
    Console(ConsoleSink),
    /// A file, shared with every handler that names it.
    File(Arc<FileWriter>),
    /// A syslog daemon.
    Syslog(SyslogSink),
    /// systemd's journal.
    Journald(JournaldSink),
    /// Nowhere.
    Null,
    /// A queue and its worker.
    Queue(QueueSink),
}

impl Sink {
    pub(super) fn write(&self, rec: &Record<'_>, line: &[u8]) -> std::io::Result<()> {
        match self {
            Sink::Console(c) => c.write(line),
            Sink::File(f) => f.write(line, rec.level),
            Sink::Syslog(s) => s.send(rec, line),
            Sink::Journald(j) => j.send(rec, line),
            Sink::Null | Sink::Queue(_) => Ok(()),
        }
    }

    pub(super) fn flush(&self) -> std::io::Result<()> {
        match self {
            Sink::Console(c) => c.flush(),
            Sink::File(f) => {
                f.flush();
                Ok(())
            }
            Sink::Queue(q) => {
                q.drain(std::time::Duration::from_secs(60));
                Ok(())
            }
            Sink::Syslog(_) | Sink::Journald(_) | Sink::Null => Ok(()),
        }
    }

    /// Writes what is buffered without waiting for anything else (compression, a queue
    /// that is draining): what a reload does with the handlers of the configuration it
    /// replaced.
    pub(super) fn write_out(&self) -> std::io::Result<()> {
        match self {
            Sink::File(f) => {
                f.write_out();
                Ok(())
            }
            Sink::Console(c) => c.flush(),
            Sink::Queue(_) | Sink::Syslog(_) | Sink::Journald(_) | Sink::Null => Ok(()),
        }
    }

    /// Records lost after the logging call returned: buffered records its file could
    /// not write (`buffer`), records a full queue dropped (`overflow = "drop"`).
    pub fn lost(&self) -> u64 {
        match self {
            Sink::File(f) => f.buffer_lost(),
            Sink::Queue(q) => q.dropped(),
            Sink::Console(_) | Sink::Syslog(_) | Sink::Journald(_) | Sink::Null => 0,
        }
    }

    /// The file this sink writes, if any.
    pub fn path(&self) -> Option<&Path> {
        match self {
            Sink::File(f) => Some(f.path()),
            Sink::Console(_)
            | Sink::Syslog(_)
            | Sink::Journald(_)
            | Sink::Null
            | Sink::Queue(_) => None,
        }
    }
}

//! `file`: one file, appended to or rewritten (Python's `FileHandler`).

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

use parking_lot::Mutex;

use crate::config::model::FileMode;

/// Opens `path` for appending, creating it; truncates it first when `truncate`.
pub fn open_append(path: &Path, truncate: bool) -> std::io::Result<File> {
    let file = OpenOptions::new().create(true).append(true).open(path)?;
    if truncate {
        file.set_len(0)?;
    }
    Ok(file)
}

/// Writes lines to one file.
pub struct FileSink {
    path: PathBuf,
    mode: FileMode,
    file: Mutex<Option<File>>,
}

impl FileSink {
    /// Opens the file now, or at the first record when `delay`. The file is not
    /// truncated here even in mode "w": [`FileSink::start`] does that once the whole
    /// configuration has been built, so a failed load leaves files untouched.
    pub fn new(path: PathBuf, mode: FileMode, delay: bool) -> std::io::Result<Self> {
        let file = if delay {
            None
        } else {
            Some(open_append(&path, false)?)
        };
        Ok(FileSink {
            path,
            mode,
            file: Mutex::new(file),
        })
    }

    /// Applies mode "w" to a file opened at creation.
    pub fn start(&self) -> std::io::Result<()> {
        if self.mode == FileMode::Write {
            if let Some(f) = self.file.lock().as_ref() {
                f.set_len(0)?;
            }
        }
        Ok(())
    }

    /// The file's path.
    pub fn path(&self) -> &PathBuf {
        &self.path
    }

    /// Writes one line (opening a delayed file first).
    pub fn write(&self, line: &[u8]) -> std::io::Result<()> {
        let mut guard = self.file.lock();
        if guard.is_none() {
            *guard = Some(open_append(&self.path, self.mode == FileMode::Write)?);
        }
        match guard.as_mut() {
            Some(f) => f.write_all(line),
            None => Ok(()),
        }
    }
}

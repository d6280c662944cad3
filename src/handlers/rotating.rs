//! `rotating_file`: Python's `RotatingFileHandler`, rolling over by size into
//! NAME.1 … NAME.N.

use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};

use parking_lot::Mutex;

use super::file::open_append;

struct State {
    file: Option<File>,
    size: u64,
}

/// Writes lines to a file that rolls over at `max_bytes`.
pub struct RotatingSink {
    path: PathBuf,
    max_bytes: u64,
    backup_count: u32,
    state: Mutex<State>,
}

/// `NAME.i`.
pub fn backup_name(path: &Path, i: u32) -> PathBuf {
    let mut s = path.as_os_str().to_os_string();
    s.push(format!(".{i}"));
    PathBuf::from(s)
}

impl RotatingSink {
    /// Opens the file now, or at the first record when `delay`.
    pub fn new(
        path: PathBuf,
        max_bytes: u64,
        backup_count: u32,
        delay: bool,
    ) -> std::io::Result<Self> {
        let mut state = State {
            file: None,
            size: 0,
        };
        if !delay {
            Self::open(&path, &mut state)?;
        }
        Ok(RotatingSink {
            path,
            max_bytes,
            backup_count,
            state: Mutex::new(state),
        })
    }

    fn open(path: &Path, state: &mut State) -> std::io::Result<()> {
        let file = open_append(path, false)?;
        state.size = file.metadata()?.len();
        state.file = Some(file);
        Ok(())
    }

    /// The file's path.
    pub fn path(&self) -> &PathBuf {
        &self.path
    }

    /// Writes one line, rolling over first when it would make the file reach
    /// `max_bytes` (an empty file never rolls over).
    pub fn write(&self, line: &[u8]) -> std::io::Result<()> {
        let mut state = self.state.lock();
        if state.file.is_none() {
            Self::open(&self.path, &mut state)?;
        }
        let len = line.len() as u64;
        if self.max_bytes > 0
            && self.backup_count > 0
            && state.size > 0
            && state.size + len >= self.max_bytes
            && self.is_regular_file()
        {
            self.roll_over(&mut state)?;
        }
        let result = match state.file.as_mut() {
            Some(f) => f.write_all(line),
            None => Ok(()),
        };
        if result.is_ok() {
            state.size += len;
        }
        result
    }

    fn is_regular_file(&self) -> bool {
        std::fs::metadata(&self.path).map_or(true, |m| m.is_file())
    }

    /// Shifts NAME.i to NAME.i+1 (dropping the oldest), moves NAME to NAME.1, reopens.
    fn roll_over(&self, state: &mut State) -> std::io::Result<()> {
        state.file = None;
        for i in (1..self.backup_count).rev() {
            let src = backup_name(&self.path, i);
            if src.exists() {
                let dst = backup_name(&self.path, i + 1);
                if dst.exists() {
                    std::fs::remove_file(&dst)?;
                }
                std::fs::rename(&src, &dst)?;
            }
        }
        let first = backup_name(&self.path, 1);
        if first.exists() {
            std::fs::remove_file(&first)?;
        }
        if self.path.exists() {
            std::fs::rename(&self.path, &first)?;
        }
        Self::open(&self.path, state)
    }
}

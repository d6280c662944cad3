//! A writer replaced by a reload. When a reload changes a file handler's settings, the
//! new configuration gets a new writer for the same file, and the old one may still
//! receive records from threads that took the old configuration just before the
//! switch. Two writers rolling one file over would lose records (one could keep
//! appending to a file the other renamed and handed to the compressor), so the old
//! writer is retired before the switch: it writes what its buffer holds (rolling over
//! as its rule says, while the new writer has not opened the file yet), and from then on
//! appends every record at once to whatever file the path names, never rolling it over.
//! The new writer opens the file at its first record (see [`super::FileWriter::shared`]),
//! so it starts from the file as the old writer left it, and rotation is its alone.

use std::sync::atomic::Ordering;

use super::buffer::hold;
use super::FileWriter;

impl FileWriter {
    /// Retires this writer before a reload switches to a configuration that writes
    /// the same file through another writer (or no longer writes it).
    pub fn retire(&self) {
        if self.settings.buffering.is_some() {
            let mut buf = hold(&self.buffer);
            let mut state = self.state.write();
            if let Err(e) = self.write_held(&mut state, &mut buf) {
                crate::diagnostics::report!(
                    "cannot write the buffered records of {}: {e}",
                    self.settings.path.display()
                );
            }
            // set with the buffer held: a thread waiting for it sees the flag
            self.retired.store(true, Ordering::Release);
        } else {
            // a line in flight may still roll the file over once: it holds the state,
            // which the flag is set after
            let _state = self.state.write();
            self.retired.store(true, Ordering::Release);
        }
    }

    /// True once [`FileWriter::retire`] was called.
    pub(super) fn is_retired(&self) -> bool {
        self.retired.load(Ordering::Acquire)
    }

    /// A retired writer's lines (`bytes`, each ending at its `ends` offset): appended
    /// at once to the file the path names now, without rolling it over. Returns how
    /// many lines were written, and the error that stopped the rest.
    pub(super) fn write_retired(
        &self,
        bytes: &[u8],
        ends: &[usize],
    ) -> (usize, Option<std::io::Error>) {
        let mut buf = self.settings.buffering.as_ref().map(|_| hold(&self.buffer));
        let mut state = self.state.write();
        if let Err(e) = self.reopen_if_moved(&mut state) {
            return (0, Some(e));
        }
        if let Some(buf) = buf.as_mut() {
            // nothing should be left (retiring wrote it), but whatever is goes first
            let _ = self.write_held(&mut state, buf);
        }
        match self.append(&mut state, bytes, ends, 0) {
            Ok(()) => (ends.len(), None),
            Err((written, e)) => (written, Some(e)),
        }
    }
}

//! A writer replaced by a reload. When a reload changes a file handler's settings, the
//! new configuration gets a new writer for the same file, and the old one may still
//! receive records from threads that took the old configuration just before the
//! switch. Two writers rolling one file over would lose records (one could append to a
//! file the other renamed and handed to the compressor), so one writer owns a file at
//! a time: before the switch the old writer is retired, and from then on it hands every
//! record, and what its buffer held, to the newest writer of the file, which writes and
//! rolls them over by its own rule. The new writer opens the file at its first record
//! (see `FileWriter::shared`), so it starts from the file as the old one left it.

use std::sync::atomic::Ordering;
use std::sync::{Arc, Weak};

use super::buffer::hold;
use super::{normalize, FileWriter, REGISTRY};

impl FileWriter {
    /// Retires this writer before a reload switches to a configuration that writes its
    /// file through another writer. A writer with no successor (its file is no longer
    /// written) goes on writing as before until its last record in flight.
    pub fn retire(&self) {
        let mut buf = self.settings.buffering.as_ref().map(|_| hold(&self.buffer));
        // with the state held, no record is half way through this writer
        let state = self.state.write();
        self.retired.store(true, Ordering::Release);
        drop(state);
        let Some(buf) = buf.as_mut() else {
            return;
        };
        let (bytes, ends) = buf.take();
        if ends.is_empty() {
            return;
        }
        let (written, error) = match self.successor() {
            Some(next) => next.write_many(&bytes, &ends),
            None => {
                let mut state = self.state.write();
                self.write_records(&mut state, &bytes, &ends)
            }
        };
        if let Some(e) = error {
            self.buffer_lost
                .fetch_add((ends.len() - written) as u64, Ordering::Relaxed);
            crate::diagnostics::report!(
                "cannot write the buffered records of {}: {e}",
                self.settings.path.display()
            );
        }
    }

    /// True once [`FileWriter::retire`] was called.
    pub(super) fn is_retired(&self) -> bool {
        self.retired.load(Ordering::Acquire)
    }

    /// For a retired writer: the newest writer of the same file that is not retired.
    pub(super) fn successor(&self) -> Option<Arc<FileWriter>> {
        if !self.is_retired() {
            return None;
        }
        let registry = REGISTRY.lock();
        registry
            .get(&normalize(&self.settings.path))?
            .iter()
            .rev()
            .filter_map(Weak::upgrade)
            .find(|w| !std::ptr::eq(Arc::as_ptr(w), self) && !w.is_retired())
    }
}

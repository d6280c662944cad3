//! A writer replaced by a reload. When a reload changes a file handler's settings, the
//! new configuration gets a new writer for the same file, and the old one may still
//! receive records from threads that took the old configuration just before the
//! switch. Two writers rolling one file over would lose records (one could append to a
//! file the other renamed and handed to the compressor), so one writer owns a file at
//! a time: before the switch the old writer is retired in favour of the new one, and
//! from then on it hands every record, and what its buffer held, to that successor,
//! which writes and rolls them over by its own rule. The new writer opens the file at
//! its first record (see `FileWriter::shared`), so it starts from the file as the old
//! one left it.

use std::sync::atomic::Ordering;
use std::sync::Arc;

use super::buffer::hold;
use super::lock_order;
use super::{normalize, FileWriter, State, REGISTRY};
use crate::fork::PerProcess;

impl FileWriter {
    /// Retires this writer before a reload switches trees: from now on its records go
    /// to `successor`, the writer of the same file in the new configuration. Without one
    /// (the file is no longer written) it goes on writing until its last record in
    /// flight; a successor can still be given later (the file comes back).
    pub fn retire(&self, successor: Option<Arc<FileWriter>>) {
        // one retirement at a time, process-wide: a retiring writer writes into its
        // successor with its own locks held, and two configurations (two `Handle`s on
        // one file) retiring each other's writer at once would wait for each other
        static ONE_AT_A_TIME: PerProcess<crate::sync::Mutex<()>> =
            PerProcess::new_static(crate::sync::Mutex::new(()));
        let _retire_held = lock_order::enter(lock_order::Kind::Retire, 0);
        let _one = ONE_AT_A_TIME.get().lock();
        // a successor whose chain leads back here would pass records round forever
        let successor = successor.filter(|next| !next.hands_on_to(self));
        let _buffer_held = self.held(lock_order::Kind::Buffer);
        let mut buf = self
            .settings
            .buffering
            .as_ref()
            .map(|_| hold(&self.core().buffer));
        // with the state held, no record is half way through this writer
        let _state_held = self.held(lock_order::Kind::State);
        let mut state = self.core().state.write();
        self.take_back_cuts(&mut state);
        let next = {
            let _successor_held = self.held(lock_order::Kind::Successor);
            let mut slot = self.core().successor.lock();
            if let Some(next) = successor {
                if slot.is_none() && !std::ptr::eq(Arc::as_ptr(&next), self) {
                    *slot = Some(next);
                }
            }
            slot.clone()
        };
        // what the buffer holds is written before this writer says it is retired and
        // lets go of the file: a thread with a record in the buffer, whose next record
        // goes to the successor, finds the first one written (old before new, the
        // order in which writers' locks are taken)
        if let Some(buf) = buf.as_mut() {
            let (bytes, ends) = buf.take();
            if !ends.is_empty() {
                let (written, error) = match &next {
                    Some(next) => next.write_many(&bytes, &ends),
                    None => {
                        let result = self.write_records(&mut state, &bytes, &ends);
                        self.follow(buf, &state);
                        result
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
        }
        self.retired.store(true, Ordering::Release);
    }

    /// True when this writer is `other`, or hands its records on to it through its
    /// chain of successors.
    fn hands_on_to(&self, other: &FileWriter) -> bool {
        let mut at: Option<Arc<FileWriter>> = None;
        let mut steps = 0;
        loop {
            let current: &FileWriter = at.as_deref().unwrap_or(self);
            if std::ptr::eq(current, other) {
                return true;
            }
            let next = current.core().successor.lock().clone();
            match next {
                Some(n) if steps < 1000 => {
                    at = Some(n);
                    steps += 1;
                }
                _ => return false,
            }
        }
    }

    /// True once [`FileWriter::retire`] was called.
    pub(super) fn is_retired(&self) -> bool {
        self.retired.load(Ordering::Acquire)
    }

    /// The one place that decides which writer writes a record now: this writer's
    /// state held exclusively, or the writer it was retired in favour of. `retire`
    /// marks a writer retired with its buffer and state held, so the answer given with
    /// the state held stands as long as the hold: every exclusive write goes through
    /// here (the concurrent path looks at `is_retired` under its shared hold, the
    /// buffered path under the buffer).
    pub(super) fn own(&self) -> Ownership<'_> {
        let held = self.held(lock_order::Kind::State);
        let state = self.core().state.write();
        match self.successor() {
            Some(next) => Ownership::HandedOn(next),
            None => Ownership::Mine(Owned { state, _held: held }),
        }
    }

    /// For a retired writer: the writer it hands its records to, if any.
    pub(super) fn successor(&self) -> Option<Arc<FileWriter>> {
        if !self.is_retired() {
            return None;
        }
        self.core().successor.lock().clone()
    }

    /// The other live writers of this writer's file (a reload's old ones, or ones of
    /// another configuration), for the reload to retire in favour of this one.
    pub fn others_of_file(&self) -> Vec<Arc<FileWriter>> {
        let others: Vec<Arc<FileWriter>>;
        let _registry_held = lock_order::enter(lock_order::Kind::Registry, 0);
        let registry = REGISTRY.get().lock();
        others = registry
            .get(&normalize(&self.settings.path))
            .map(|writers| {
                writers
                    .iter()
                    .filter_map(std::sync::Weak::upgrade)
                    .filter(|w| !std::ptr::eq(Arc::as_ptr(w), self))
                    .collect()
            })
            .unwrap_or_default();
        // the writers are dropped after the registry is released (a last reference's
        // drop may write)
        drop(registry);
        others
    }
}

/// Who writes a record now (see [`FileWriter::own`]).
pub(super) enum Ownership<'a> {
    /// This writer, with its state held exclusively.
    Mine(Owned<'a>),
    /// The writer this one was retired in favour of.
    HandedOn(Arc<FileWriter>),
}

/// A writer's state, held exclusively by the writer that owns the file.
pub(super) struct Owned<'a> {
    state: crate::sync::RwLockWriteGuard<'a, State>,
    _held: lock_order::Held,
}

impl std::ops::Deref for Owned<'_> {
    type Target = State;
    fn deref(&self) -> &State {
        &self.state
    }
}

impl std::ops::DerefMut for Owned<'_> {
    fn deref_mut(&mut self) -> &mut State {
        &mut self.state
    }
}

/// One line's result from a `write_many` of that line alone.
pub(super) fn one_line((_, error): (usize, Option<std::io::Error>)) -> std::io::Result<()> {
    error.map_or(Ok(()), Err)
}

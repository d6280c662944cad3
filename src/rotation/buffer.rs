//! Opt-in buffering (`buffer = "64KiB"`, docs/performance.md): records collect in memory and are
//! written when the buffer fills, at `flush_interval`, at a record at or above
//! `flush_level`, at rollover, reload, `Guard` drop, `Handle::flush`, and on a panic.
//!
//! One background thread (`logconf-flush`) flushes every buffered writer at its
//! interval; a panic hook, chained to the one installed before, flushes them all.
//!
//! A record is added under the buffer's own mutex alone, as with a `BufWriter` behind
//! a mutex: the file's state (its lock, its size, its next time rollover) is taken only
//! when the buffer is written. The buffer keeps the file's size and next rollover as of
//! its last write, so a record that might roll the file over is told apart without
//! the state; such a record, a full buffer and a record at `flush_level` take the
//! state and decide exactly, per record, as without a buffer.

use std::sync::atomic::Ordering;
use std::sync::{Arc, Once, Weak};
use std::time::{Duration, Instant};

use crate::sync::{Mutex, MutexGuard};
use once_cell::sync::Lazy;

use super::lock_order;
use super::retire::{one_line, Ownership};
use super::{size_rolls, FileWriter, Policy, State};
use crate::clock;
use crate::config::values::Level;
use crate::fork::{PerProcess, ThreadOnce};

/// The records held in memory, and what deciding a rollover needs of the file.
pub(super) struct Buffer {
    /// The records, back to back.
    bytes: Vec<u8>,
    /// Where each record ends in `bytes`.
    ends: Vec<usize>,
    /// When the buffer was last written.
    flushed_at: Instant,
    /// The file's size when the buffer was last written (the file's size changes only
    /// while the buffer is written; for a buffer being written with the buffer
    /// released, the size it will have, see `FileWriter::write_full_buffer`).
    size: u64,
    /// The file's next time rollover, likewise.
    rollover_at: i64,
}

impl Buffer {
    pub(super) fn new(state: &State) -> Buffer {
        Buffer {
            bytes: Vec::new(),
            ends: Vec::new(),
            flushed_at: Instant::now(),
            size: state.size.load(Ordering::Relaxed),
            rollover_at: state.rollover_at,
        }
    }

    /// Takes the records held: the bytes and where each record ends.
    pub(super) fn take(&mut self) -> (Vec<u8>, Vec<usize>) {
        (
            std::mem::take(&mut self.bytes),
            std::mem::take(&mut self.ends),
        )
    }

    /// Notes the file's size and next rollover after the state was held.
    pub(super) fn follow(&mut self, state: &State) {
        self.size = state.size.load(Ordering::Relaxed);
        self.rollover_at = state.rollover_at;
    }
}

/// A panic while the buffer was held leaves whole records in it: go on with them.
pub(super) fn hold(buffer: &Mutex<Buffer>) -> MutexGuard<'_, Buffer> {
    buffer.lock()
}

impl FileWriter {
    /// Keeps `line` in memory, writing what is held first when it would not fit or the
    /// file rolls over before it, and everything at once when `urgent`.
    pub(super) fn write_buffered(
        &self,
        line: &[u8],
        level: Level,
        buffering: &Buffering,
    ) -> std::io::Result<()> {
        let (urgent, capacity) = (level >= buffering.flush_level, buffering.size);
        let _buffer_held = self.held(lock_order::Kind::Buffer);
        let mut buf = hold(&self.core().buffer);
        if self.is_retired() {
            // retired while this thread waited for the buffer: the new writer writes it
            if let Some(next) = self.successor() {
                drop(buf);
                return next.write(line, level);
            }
        }
        let fits = buf.bytes.len() + line.len() <= capacity;
        if fits && !urgent && !self.may_roll(&buf, line.len() as u64) {
            buf.bytes.extend_from_slice(line);
            let end = buf.bytes.len();
            buf.ends.push(end);
            return Ok(());
        }
        let _state_held = self.held(lock_order::Kind::State);
        let mut state = self.core().state.write();
        if !fits
            && !urgent
            && line.len() <= capacity
            && !self.rolls_before(&mut state, buf.bytes.len() as u64, line.len() as u64)
        {
            return self.write_full_buffer(state, buf, line);
        }
        let result = self.write_buffered_exactly(&mut state, &mut buf, line, urgent, capacity);
        self.follow(&mut buf, &state);
        result
    }

    /// Notes the file's size and next rollover in the buffer, with the state held.
    pub(super) fn follow(&self, buf: &mut Buffer, state: &State) {
        buf.follow(state);
        self.core().mirror_stale.store(false, Ordering::Relaxed);
    }

    /// A full buffer and a line that rolls nothing over: the line starts a fresh buffer,
    /// and the records held are written with the file's state held but the buffer
    /// released, so that other threads go on adding records meanwhile instead of
    /// waiting for the write (they wait only when they need the file too; nothing
    /// takes the buffer while holding the state, so this cannot deadlock). The order
    /// is kept: these records reach the file before anything added after them.
    fn write_full_buffer(
        &self,
        mut state: crate::sync::RwLockWriteGuard<'_, State>,
        mut buf: MutexGuard<'_, Buffer>,
        line: &[u8],
    ) -> std::io::Result<()> {
        // the fresh buffer takes the allocations of the one written before
        let (spare_bytes, spare_ends) = self.core().spare.lock().take().unwrap_or_default();
        let mut bytes = std::mem::replace(&mut buf.bytes, spare_bytes);
        let mut ends = std::mem::replace(&mut buf.ends, spare_ends);
        buf.bytes.extend_from_slice(line);
        buf.ends.push(line.len());
        buf.flushed_at = Instant::now();
        // the file as it will be once the records held are written; a write that fails
        // or rolls the file over leaves it smaller or later, which only sends the next
        // records to the exact path
        let size = state.size.load(Ordering::Relaxed) + bytes.len() as u64;
        let rollover_at = state.rollover_at;
        buf.size = size;
        buf.rollover_at = rollover_at;
        self.core().mirror_stale.store(false, Ordering::Relaxed);
        drop(buf);
        let (written, error) = self.write_records(&mut state, &bytes, &ends);
        if state.size.load(Ordering::Relaxed) > size || state.rollover_at < rollover_at {
            // the file was bigger than known (opened only now, or written by another
            // process) or rolls over sooner: the buffer must learn it before a record
            // is added on the cheap path. Tried only, never waited for (the buffer is
            // taken before the state); failing that, the next record looks exactly
            match self.core().buffer.try_lock() {
                Some(mut buf) => self.follow(&mut buf, &state),
                None => {
                    self.core().mirror_stale.store(true, Ordering::Relaxed);
                }
            }
        }
        drop(state);
        let lost = (ends.len() - written) as u64;
        bytes.clear();
        ends.clear();
        *self.core().spare.lock() = Some((bytes, ends));
        match error {
            None => Ok(()),
            Some(e) => {
                // the caller counts one record lost with the error; this line is not
                // (it waits in the fresh buffer): one of the lost records is counted so
                self.buffer_lost
                    .fetch_add(lost.saturating_sub(1), Ordering::Relaxed);
                Err(e)
            }
        }
    }

    /// Whether `len` more bytes could roll the file over, from what the buffer knows:
    /// never false when the file's own rule would roll it (it may be true when the
    /// rule, which also looks at the path, would not).
    fn may_roll(&self, buf: &Buffer, len: u64) -> bool {
        if self.core().mirror_stale.load(Ordering::Relaxed) {
            return true;
        }
        match &self.settings.policy {
            Policy::Append { .. } | Policy::Watched { .. } => false,
            Policy::Size {
                max_bytes,
                backup_count,
            } => size_rolls(
                *max_bytes,
                *backup_count,
                buf.size + buf.bytes.len() as u64,
                len,
            ),
            Policy::Time { .. } => clock::now_secs() >= buf.rollover_at,
        }
    }

    /// [`FileWriter::write_buffered`] with the state held: the file's own rule decides.
    fn write_buffered_exactly(
        &self,
        state: &mut State,
        buf: &mut Buffer,
        line: &[u8],
        urgent: bool,
        capacity: usize,
    ) -> std::io::Result<()> {
        let held = buf.bytes.len() as u64;
        if self.rolls_before(state, held, line.len() as u64) {
            self.write_held(state, buf)?;
            let (_, error) = self.write_records(state, line, &[line.len()]);
            return error.map_or(Ok(()), Err);
        }
        if buf.bytes.len() + line.len() > capacity {
            self.write_held(state, buf)?;
        }
        if line.len() > capacity {
            let (_, error) = self.write_records(state, line, &[line.len()]);
            return error.map_or(Ok(()), Err);
        }
        buf.bytes.extend_from_slice(line);
        let end = buf.bytes.len();
        buf.ends.push(end);
        if urgent {
            if let Err(e) = self.write_held(state, buf) {
                // the line itself, last of those lost, is counted by the caller, which
                // gets the error: count it once
                self.buffer_lost.fetch_sub(1, Ordering::Relaxed);
                return Err(e);
            }
        }
        Ok(())
    }

    /// Writes what the buffer holds now.
    pub(super) fn flush_buffer(&self) -> std::io::Result<()> {
        let _buffer_held = self.held(lock_order::Kind::Buffer);
        let mut buf = hold(&self.core().buffer);
        match self.own() {
            Ownership::Mine(mut state) => self.write_held(&mut state, &mut buf),
            // retired: `retire` wrote what the buffer held, and nothing was added since
            Ownership::HandedOn(next) => {
                let (bytes, ends) = buf.take();
                drop(buf);
                one_line(next.write_many(&bytes, &ends))
            }
        }
    }

    /// Writes what the buffer holds (whole lines; what cannot be written is dropped,
    /// counted as a failure of this call), and notes the file's size and rollover.
    pub(super) fn write_held(&self, state: &mut State, buf: &mut Buffer) -> std::io::Result<()> {
        buf.flushed_at = Instant::now();
        if buf.bytes.is_empty() {
            self.follow(buf, state);
            return Ok(());
        }
        let bytes = std::mem::take(&mut buf.bytes);
        let ends = std::mem::take(&mut buf.ends);
        let (written, error) = self.write_records(state, &bytes, &ends);
        let lost = ends.len() - written;
        // keep the allocations for the next records
        buf.bytes = bytes;
        buf.bytes.clear();
        buf.ends = ends;
        buf.ends.clear();
        self.follow(buf, state);
        match error {
            None => Ok(()),
            Some(e) => {
                self.buffer_lost.fetch_add(lost as u64, Ordering::Relaxed);
                Err(e)
            }
        }
    }

    /// For the flusher thread: writes the buffer when its interval has passed (or
    /// always, with `all`); never waits for a buffer or a file another thread holds.
    fn flush_buffer_if(&self, all: bool) {
        let Some(b) = &self.settings.buffering else {
            return;
        };
        let Some(mut buf) = self.core().buffer.try_lock() else {
            return;
        };
        if !all && buf.flushed_at.elapsed() < b.interval {
            return;
        }
        let Some(mut state) = self.core().state.try_write() else {
            return;
        };
        if let Err(e) = self.write_held(&mut state, &mut buf) {
            crate::diagnostics::report!(
                "cannot write the buffered records of {}: {e}",
                self.settings.path.display()
            );
        }
    }

    /// At the writer's end: writes what the buffer still holds.
    pub(super) fn write_buffer_at_drop(&mut self) {
        // a core inherited from a parent process and never used here holds the
        // parent's records: the parent writes them
        if self.settings.buffering.is_none() {
            return;
        }
        let Some(core) = self.core.get_mut() else {
            return;
        };
        let buf = core.buffer.get_mut();
        let bytes = std::mem::take(&mut buf.bytes);
        let ends = std::mem::take(&mut buf.ends);
        if !bytes.is_empty() {
            let _ = match self.own() {
                Ownership::Mine(mut state) => self.write_records(&mut state, &bytes, &ends),
                Ownership::HandedOn(next) => next.write_many(&bytes, &ends),
            };
        }
    }
}

/// How a file handler buffers.
#[derive(Clone, Debug, PartialEq)]
pub struct Buffering {
    /// The most bytes held in memory.
    pub size: usize,
    /// The longest a record waits.
    pub interval: Duration,
    /// A record at or above this level is written at once, with everything before it.
    pub flush_level: Level,
}

/// The buffered writers, for the flusher thread: a forked child inherits the list.
struct Writers(Mutex<Vec<Weak<FileWriter>>>);

impl crate::fork::Renew for Writers {
    fn renew(&mut self) -> Self {
        // a list a parent thread was changing at the fork is not read (see `Registry`)
        Writers(Mutex::new(
            self.0.try_lock().map(|w| w.clone()).unwrap_or_default(),
        ))
    }
}

static WRITERS: Lazy<PerProcess<Writers>> =
    Lazy::new(|| PerProcess::new(Writers(Mutex::new(Vec::new()))));

/// The shortest wait of the flusher thread.
const TICK: Duration = Duration::from_millis(50);

/// Flushes `writer` at its interval from now on, and on a panic.
pub fn register(writer: &Arc<FileWriter>) {
    {
        let _writers_held = lock_order::enter(lock_order::Kind::BufferedWriters, 0);
        let mut writers = WRITERS.get().0.lock();
        writers.retain(|w| w.strong_count() > 0);
        writers.push(Arc::downgrade(writer));
    }
    static HOOK: Once = Once::new();
    HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            flush_all(true);
            previous(info);
        }));
    });
    start_flusher();
}

/// Starts the flusher thread, once per process (a forked child starts its own).
pub(super) fn start_flusher() {
    static FLUSHER: ThreadOnce = ThreadOnce::new();
    // under the model checker (tests/model_core.rs) buffers are written by the
    // threads themselves: a thread that never ends would never let a schedule end
    if cfg!(shuttle) || !FLUSHER.first_in_this_process() {
        return;
    }
    let spawned = crate::threads::spawn("logconf-flush", || loop {
        std::thread::sleep(TICK);
        flush_all(false);
    });
    if let Err(e) = spawned {
        crate::diagnostics::report!(
            "cannot start the buffer flushing thread: {e}; buffers are written when full"
        );
    }
}

/// Flushes the buffers that are due (every buffer when `all`). From a panic hook the
/// writers are only tried: a panicking thread may hold one of them.
fn flush_all(all: bool) {
    let writers: Vec<Arc<FileWriter>> = match WRITERS.get().0.try_lock() {
        Some(w) => w.iter().filter_map(Weak::upgrade).collect(),
        None => return,
    };
    for w in writers {
        w.flush_buffer_if(all);
    }
}

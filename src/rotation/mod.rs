//! File writing and rotation: one writer per file, shared by every handler that names
//! it, with Python's size and time rollover, `watched_file` reopening, and gzip
//! backups compressed off the logging thread.
//!
//! Every record is handed to the operating system in one `write` before the logging
//! call returns. Threads append to a file at once under a shared lock; rollover,
//! `lock = true`, `watched_file`, buffers and recovery from a failed write hold it
//! alone, with group commit for the lines that arrive meanwhile. A rollover on the
//! logging thread only renames files; compression (and the shifting of numbered
//! backups that has to follow it) runs on the `logconf-compress` thread,
//! crash-safely (see [`compress`]); [`backups`] names them, never over anything.
//!
//! The locks and the order they are taken in are written in [`lock_order`], which
//! checks it in debug builds.

pub mod backups;
mod buffer;
pub mod compress;
mod concurrent;
mod exclusive;
mod group;
mod lock_order;
mod open;
mod planted;
mod retire;
mod rollover;
pub mod timed;

use std::collections::HashMap;
use std::fs::File;
use std::io::Write;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Weak};
use std::time::Duration;

use crate::sync::{Mutex, RwLock};
use once_cell::sync::Lazy;

use crate::clock;
use crate::config::values::Level;
use crate::fork::{PerProcess, Renew};
use open::*;
pub use open::{lock_path, open_own_file, FlockGuard, LockFile};
use retire::{one_line, Ownership};
use rollover::*;
use timed::Schedule;

/// The mark in the name of a file rolled over and waiting for compression.
pub const PENDING_MARK: &str = "pending-";
/// How many files beyond `backup_count` a log's family may hold on disk while
/// compression is behind (the file being compressed, the one just rolled over).
pub const BACKLOG_SLACK: usize = 2;

/// How long a rollover over that bound waits for the compressor's lock before it
/// deletes waiting files itself (another user may hold the directory's lock for ever).
pub const BACKLOG_LOCK_WAIT: std::time::Duration = std::time::Duration::from_millis(20);
/// The suffix of a `.gz` being written.
pub const TMP_SUFFIX: &str = ".tmp";

/// How a file is rolled over.
#[derive(Clone, Debug, PartialEq)]
pub enum Policy {
    /// Never (`file`); `truncate` is mode "w".
    Append {
        /// Truncate when the writer is created (mode "w").
        truncate: bool,
    },
    /// Never, but reopen the file when it is moved or removed (`watched_file`).
    Watched {
        /// Truncate when the writer is created (mode "w").
        truncate: bool,
    },
    /// By size (`rotating_file`).
    Size {
        /// Roll over before a record would make the file reach this size.
        max_bytes: u64,
        /// Backups kept.
        backup_count: u32,
    },
    /// By time (`timed_rotating_file`).
    Time {
        /// When.
        schedule: Schedule,
        /// Backups kept (0: all).
        backup_count: u32,
    },
}

/// Everything that decides how a file is written. Two handlers whose settings are
/// equal share one writer; handlers that name one file with different settings are an
/// error at load. Derived: a new key here takes part in both without further code.
#[derive(Clone, Debug, PartialEq)]
pub struct Settings {
    /// The file.
    pub path: PathBuf,
    /// Rollover.
    pub policy: Policy,
    /// gzip level of backups, when compressed.
    pub compress: Option<u32>,
    /// Open at the first record.
    pub delay: bool,
    /// Several processes share the file: every write and rollover happens under an
    /// advisory lock (`flock`) on the side file `NAME.lock`.
    pub lock: bool,
    /// Records collect in memory before they are written (`buffer = ...`).
    pub buffering: Option<Buffering>,
}

pub use buffer::Buffering;

impl Settings {
    fn base_name(&self) -> String {
        file_name(&self.path)
    }

    /// The backups kept (0 for the classes that keep none).
    fn backup_count(&self) -> u32 {
        match &self.policy {
            Policy::Size { backup_count, .. } | Policy::Time { backup_count, .. } => *backup_count,
            Policy::Append { .. } | Policy::Watched { .. } => 0,
        }
    }

    fn dir(&self) -> PathBuf {
        dir_of(&self.path)
    }
}

/// The directory a log file is in (`.` for a bare name).
fn dir_of(path: &Path) -> PathBuf {
    match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// A path's last component, lossily as text.
fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// `NAME.i`.
pub fn numbered(path: &Path, i: u32) -> PathBuf {
    with_suffix(path, &format!(".{i}"))
}

/// `path` with `suffix` appended to its name.
pub fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut s = path.as_os_str().to_os_string();
    s.push(suffix);
    PathBuf::from(s)
}

struct State {
    file: Option<File>,
    /// The file's size as this process wrote it. Atomic: appenders reserve their
    /// line's bytes in it under the shared lock (see [`FileWriter::append_concurrently`]).
    size: AtomicU64,
    rollover_at: i64,
    period_start: i64,
    identity: Option<(u64, u64)>,
    truncate_next_open: bool,
    /// The open file is a regular file opened readable too: lines may be appended
    /// under the shared lock (see [`FileWriter::append_concurrently`]).
    shared_appends: bool,
    /// `NAME.lock`, open while `lock = true`.
    lock_file: Option<LockFile>,
    /// When the path was last compared with the open file (without `lock`).
    checked_at: i64,
    /// Opened after the writer it replaces was retired: the time schedule starts from
    /// the file as found then (it may have rolled over since this writer was made).
    schedule_at_open: bool,
}

impl State {
    /// Closes the open file. `None` is stored before the descriptor is closed, so a
    /// `fork` at any moment gives the child either an open descriptor or none, never
    /// the number of a closed one (which the child may reuse for another file).
    fn close_file(&mut self) {
        drop(self.file.take());
    }
}

/// The part of a line a full disk let through, and the file it went to.
struct Cut {
    file: File,
    part: Vec<u8>,
}

/// Writes the lines of every handler that names one file.
pub struct FileWriter {
    settings: Arc<Settings>,
    /// Everything that belongs to one process (locks, the open file, queued lines): a
    /// forked child renews it at its first use (see [`crate::fork`]).
    core: PerProcess<Core>,
    /// Lines may be appended under the shared lock: no `lock`, no `buffer`, not a
    /// `watched_file` (which looks at the path before every record, as Python does).
    concurrent: bool,
    started: std::sync::atomic::AtomicBool,
    /// Set once the leftover pass was queued ([`FileWriter::resume_compression`]).
    compressing: std::sync::atomic::AtomicBool,
    /// Buffered records that could not be written.
    buffer_lost: AtomicU64,
    /// Replaced by a reload (see [`FileWriter::retire`]): records go to `successor`.
    retired: std::sync::atomic::AtomicBool,
}

/// The part of a [`FileWriter`] that belongs to one process.
struct Core {
    settings: Arc<Settings>,
    /// Shared by threads appending a line that rolls nothing over; exclusive for
    /// opening, rolling over, writing a buffer and recovering from a failed write.
    state: RwLock<State>,
    /// With `buffer`: the records held in memory. Taken before `state`, which a record
    /// needs only when the buffer is written (see [`buffer`]).
    buffer: Mutex<buffer::Buffer>,
    /// A write failed and no exclusive write has succeeded since: every line takes the
    /// exclusive path, where a line cut short is taken back before the next one.
    failing: std::sync::atomic::AtomicBool,
    /// The last rollover failed (said once until one succeeds).
    roll_failing: std::sync::atomic::AtomicBool,
    /// Rollovers are deleting files compression did not reach (said once a streak).
    backlog_retiring: std::sync::atomic::AtomicBool,
    /// Lines failed concurrent appends left cut short, to take back first.
    cuts: Mutex<Vec<Cut>>,
    pending: Arc<compress::Pending>,
    /// With `buffer`: the buffer's note of the file's size or rollover may be behind
    /// (see `FileWriter::write_full_buffer`); every record looks exactly until the
    /// next note.
    mirror_stale: std::sync::atomic::AtomicBool,
    /// With `buffer`: the allocations of the last buffer written, for the next one.
    spare: Mutex<Option<(Vec<u8>, Vec<usize>)>>,
    group: group::Group,
    /// The writer of the same file that replaced this one.
    successor: Mutex<Option<Arc<FileWriter>>>,
}

impl Core {
    fn new(settings: Arc<Settings>, state: State) -> Core {
        Core {
            settings,
            buffer: Mutex::new(buffer::Buffer::new(&state)),
            state: RwLock::new(state),
            failing: std::sync::atomic::AtomicBool::new(false),
            roll_failing: std::sync::atomic::AtomicBool::new(false),
            backlog_retiring: std::sync::atomic::AtomicBool::new(false),
            cuts: Mutex::new(Vec::new()),
            pending: Arc::new(compress::Pending::default()),
            mirror_stale: std::sync::atomic::AtomicBool::new(false),
            spare: Mutex::new(None),
            group: group::Group::default(),
            successor: Mutex::new(None),
        }
    }
}

impl Renew for Core {
    /// In a forked child: fresh locks, the open log file kept (appends through the
    /// inherited descriptor go to the same file), the lock file reopened at the next
    /// write (an inherited `flock` descriptor does not exclude the parent), nothing
    /// held for writing (the parent's buffered or queued lines are the parent's), and
    /// with `lock`, what is waiting for compression taken up by this process's own
    /// compression thread.
    fn renew(&mut self) -> Core {
        // the inherited core is never dropped or used again: the descriptors it owns
        // are moved out of it
        let successor = self.successor.try_lock().and_then(|s| s.clone());
        let old = self.state.get_mut();
        let file = old.file.take();
        drop(old.lock_file.take());
        // the identity is the open file's own: a thread of the parent may have been
        // between storing the file and its identity at the fork
        let identity = file
            .as_ref()
            .and_then(|f| f.metadata().ok())
            .map(|m| (m.dev(), m.ino()));
        let file = match (file, identity) {
            (Some(f), Some(_)) => Some(f),
            (Some(f), None) => {
                std::mem::forget(f); // not a descriptor this process may close
                None
            }
            (None, _) => None,
        };
        let state = State {
            file,
            size: AtomicU64::new(old.size.load(Ordering::Relaxed)),
            rollover_at: old.rollover_at,
            period_start: old.period_start,
            identity,
            truncate_next_open: old.truncate_next_open,
            shared_appends: old.shared_appends,
            lock_file: None,
            // look at the path at the next record: the parent may have rolled over
            checked_at: 0,
            schedule_at_open: old.schedule_at_open,
        };
        let core = Core::new(self.settings.clone(), state);
        *core.successor.lock() = successor.clone();
        core.mirror_stale.store(true, Ordering::Relaxed);
        if self.settings.buffering.is_some() {
            buffer::start_flusher();
        }
        // with `lock`, processes take turns compressing (`NAME.compress.lock`): this
        // one takes up what is waiting, and its `flush` waits for that too (a child
        // that exits in the middle would leave a half-written archive until the next
        // round). Without `lock`, the parent's thread does.
        if self.settings.compress.is_some() && self.settings.lock {
            compress::enqueue(self.settings.clone(), core.pending.clone());
        }
        core
    }
}

/// The writers of each file, oldest first: after a reload that changed a file's
/// settings, the old writer (retired, see [`retire`]) and the new one are both alive
/// until the last record in flight in the old one is done.
static REGISTRY: Lazy<PerProcess<Registry>> =
    Lazy::new(|| PerProcess::new(Registry(Mutex::new(HashMap::new()))));

/// The writers of each file (see [`REGISTRY`]).
struct Registry(Mutex<HashMap<PathBuf, Vec<Weak<FileWriter>>>>);

impl Registry {
    fn lock(&self) -> crate::sync::MutexGuard<'_, HashMap<PathBuf, Vec<Weak<FileWriter>>>> {
        self.0.lock()
    }
}

impl Renew for Registry {
    /// A forked child keeps the parent's writers (the list changes only at a load).
    fn renew(&mut self) -> Registry {
        // a lock held at the fork was held by a thread that is not in this process:
        // its map may be half changed, and the child starts with none (writers made
        // from then on register again)
        let writers = self.0.try_lock().map(|w| w.clone()).unwrap_or_default();
        Registry(Mutex::new(writers))
    }
}

/// The registry key of a path: absolute, without `.` and `..` parts.
pub fn normalize(path: &Path) -> PathBuf {
    let abs = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let mut out = PathBuf::new();
    for c in abs.components() {
        match c {
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

impl FileWriter {
    /// This process's part of the writer.
    #[inline]
    fn core(&self) -> &Core {
        self.core.get()
    }

    /// Checks (in debug builds) that taking this writer's lock `kind` keeps the lock
    /// order; declare it before the lock's guard.
    #[inline]
    fn held(&self, kind: lock_order::Kind) -> lock_order::Held {
        lock_order::enter(kind, self as *const FileWriter as usize)
    }

    /// The writer of `settings.path`: the one already open for it when its settings
    /// are the same (no reopen, no truncation), else a new one.
    pub fn shared(settings: Settings) -> std::io::Result<Arc<FileWriter>> {
        let key = normalize(&settings.path);
        // declared first, dropped last: after the registry is released (a last
        // reference's drop may write)
        let live: Vec<Arc<FileWriter>>;
        let _registry_held = lock_order::enter(lock_order::Kind::Registry, 0);
        let mut registry = REGISTRY.get().lock();
        registry.retain(|_, writers| {
            writers.retain(|w| w.strong_count() > 0);
            !writers.is_empty()
        });
        live = registry
            .get(&key)
            .map(|writers| writers.iter().filter_map(Weak::upgrade).collect())
            .unwrap_or_default();
        if let Some(same) = live
            .iter()
            .find(|w| *w.settings == settings && !w.is_retired())
        {
            return Ok(same.clone());
        }
        let writer = Arc::new(FileWriter::open(settings, !live.is_empty())?);
        if writer.settings.buffering.is_some() {
            buffer::register(&writer);
        }
        registry
            .entry(key)
            .or_default()
            .push(Arc::downgrade(&writer));
        Ok(writer)
    }

    /// Opens a writer; one `replacing` another for the same file (a reload changed its
    /// settings) checks that it can open the file, then opens it again at its first
    /// record, once the writer it replaces is retired (see [`retire`]).
    fn open(settings: Settings, replacing: bool) -> std::io::Result<FileWriter> {
        let truncate = matches!(
            settings.policy,
            Policy::Append { truncate: true } | Policy::Watched { truncate: true }
        );
        let mut state = State {
            file: None,
            size: AtomicU64::new(0),
            rollover_at: 0,
            period_start: 0,
            identity: None,
            truncate_next_open: truncate && settings.delay,
            shared_appends: false,
            lock_file: None,
            checked_at: 0,
            schedule_at_open: false,
        };
        // Python starts the schedule at the file's mtime when the file exists already
        let existing_mtime = std::fs::metadata(&settings.path).ok().map(|m| m.mtime());
        if !settings.delay {
            open_into(&settings.path, &mut state, false)?;
            if replacing {
                state.close_file();
                state.identity = None;
                state.truncate_next_open = truncate;
            }
        }
        state.schedule_at_open = replacing;
        if let Policy::Time { schedule, .. } = &settings.policy {
            state.period_start = existing_mtime.unwrap_or_else(clock::now_secs);
            state.rollover_at = schedule.compute_rollover(state.period_start);
        }
        let concurrent = !settings.lock
            && settings.buffering.is_none()
            && !matches!(settings.policy, Policy::Watched { .. });
        let settings = Arc::new(settings);
        let writer = FileWriter {
            core: PerProcess::new(Core::new(settings.clone(), state)),
            settings,
            concurrent,
            started: std::sync::atomic::AtomicBool::new(false),
            compressing: std::sync::atomic::AtomicBool::new(false),
            buffer_lost: AtomicU64::new(0),
            retired: std::sync::atomic::AtomicBool::new(false),
        };
        Ok(writer)
    }

    /// Applies mode "w" once the whole configuration has been built — only to a new
    /// writer: one kept from the previous configuration is not truncated again.
    pub fn start(&self) -> std::io::Result<()> {
        if self.started.swap(true, Ordering::Relaxed) {
            return Ok(());
        }
        let truncate = matches!(
            self.settings.policy,
            Policy::Append { truncate: true } | Policy::Watched { truncate: true }
        );
        let _state_held = self.held(lock_order::Kind::State);
        let state = self.core().state.write();
        if truncate && !self.settings.delay {
            if let Some(f) = state.file.as_ref() {
                if f.metadata()?.len() > 0 {
                    f.set_len(0)?;
                }
                state.size.store(0, Ordering::Relaxed);
            }
        }
        Ok(())
    }

    /// Starts finishing what a previous run left (pending backups, uncompressed
    /// leftovers), once the whole configuration has been built and started: a
    /// configuration that fails to load touches no backup. Once per writer.
    pub fn resume_compression(&self) {
        if self.settings.compress.is_some() && !self.compressing.swap(true, Ordering::Relaxed) {
            compress::enqueue(self.settings.clone(), self.core().pending.clone());
        }
    }

    /// Buffered records that could not be written when their buffer was.
    pub fn buffer_lost(&self) -> u64 {
        self.buffer_lost.load(Ordering::Relaxed)
    }

    /// The file's path.
    pub fn path(&self) -> &Path {
        &self.settings.path
    }

    /// The writer's settings.
    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    /// Writes one line, rolling the file over first when its policy says so. A line
    /// that rolls nothing over is appended beside other threads' lines (see
    /// [`FileWriter::append_concurrently`]); otherwise, when another thread holds the
    /// file, the line is handed to it and written in the same system call as the others
    /// waiting (group commit). The call returns once the line was handed to the
    /// operating system either way.
    pub fn write(&self, line: &[u8], level: Level) -> std::io::Result<()> {
        if let Some(next) = self.successor() {
            return next.write(line, level);
        }
        if let Some(b) = &self.settings.buffering {
            return self.write_buffered(line, level, b);
        }
        if let Some(result) = self.append_concurrently(line) {
            return result;
        }
        match self.core().group.submit(line) {
            group::Turn::Written(result) => result,
            group::Turn::Lead => {
                let mut owner = self.own();
                let mine = match &mut owner {
                    Ownership::Mine(state) => self.write_exclusive(state, line),
                    Ownership::HandedOn(next) => one_line(next.write_many(line, &[line.len()])),
                };
                // the lines that queued meanwhile go where this one went
                let mut batch = group::Batch::default();
                while self.core().group.take(&mut batch) {
                    let (ok, error) = match &mut owner {
                        Ownership::Mine(state) => {
                            self.write_records(state, &batch.bytes, &batch.ends)
                        }
                        Ownership::HandedOn(next) => next.write_many(&batch.bytes, &batch.ends),
                    };
                    self.core().group.finish(&batch, ok, error.as_ref());
                }
                mine
            }
        }
    }

    /// Writes many lines (`bytes`, each ending at its `ends` offset), in order, with as
    /// few system calls as rollover allows (a queue's worker; a retired writer's records),
    /// after what a buffer holds. Returns how many lines were written, and the error that stopped the rest.
    pub fn write_many(&self, bytes: &[u8], ends: &[usize]) -> (usize, Option<std::io::Error>) {
        if ends.is_empty() {
            return (0, None);
        }
        if let Some(next) = self.successor() {
            return next.write_many(bytes, ends);
        }
        // a buffer's records go first
        let _buffer_held = self.held(lock_order::Kind::Buffer);
        let mut buf = self
            .settings
            .buffering
            .as_ref()
            .map(|_| buffer::hold(&self.core().buffer));
        let mut state = match self.own() {
            Ownership::Mine(state) => state,
            Ownership::HandedOn(next) => {
                drop(buf);
                return next.write_many(bytes, ends);
            }
        };
        if let Some(buf) = buf.as_mut() {
            if let Err(e) = self.write_held(&mut state, buf) {
                return (0, Some(e));
            }
        }
        let (written, error) = self.write_records(&mut state, bytes, ends);
        if let Some(buf) = buf.as_mut() {
            self.follow(buf, &state);
        }
        if error.is_none() {
            self.core().failing.store(false, Ordering::Release);
        }
        (written, error)
    }

    /// Writes the buffer (and the buffer of the writer that replaced this one), without
    /// waiting for compression: what a reload does with the writers it leaves.
    pub fn write_out(&self) {
        if self.settings.buffering.is_some() {
            let _ = self.flush_buffer();
        }
        if let Some(next) = self.successor() {
            next.write_out();
        }
    }

    /// Writes the buffer, then waits (bounded) until every backup handed to the
    /// compressor is finished.
    pub fn flush(&self) {
        if self.settings.buffering.is_some() {
            let _ = self.flush_buffer();
        }
        self.core().pending.wait_idle(Duration::from_secs(60));
        if let Some(next) = self.successor() {
            next.flush();
        }
    }
}

impl Drop for FileWriter {
    fn drop(&mut self) {
        self.write_buffer_at_drop();
    }
}

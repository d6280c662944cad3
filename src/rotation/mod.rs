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
mod group;
mod lock_order;
mod planted;
mod retire;
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
use timed::Schedule;

/// The mark in the name of a file rolled over and waiting for compression.
pub const PENDING_MARK: &str = "pending-";
/// How many files beyond `backup_count` a log's family may hold on disk while
/// compression is behind (the file being compressed, the one just rolled over).
pub const BACKLOG_SLACK: usize = 2;
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
    lock_file: Option<File>,
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
    buffer: std::sync::Mutex<buffer::Buffer>,
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
            buffer: std::sync::Mutex::new(buffer::Buffer::new(&state)),
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
        let successor = self.successor.get_mut().clone();
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
        // one takes up what is waiting (without holding up its `flush`, which waits
        // for its own rollovers only). Without `lock`, the parent's thread does.
        if self.settings.compress.is_some() && self.settings.lock {
            compress::enqueue(self.settings.clone(), Arc::default());
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
        Registry(Mutex::new(self.0.get_mut().clone()))
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
                let _state_held = self.held(lock_order::Kind::State);
                let mut state = self.core().state.write();
                let mine = self.write_exclusive(&mut state, line);
                let mut batch = group::Batch::default();
                while self.core().group.take(&mut batch) {
                    let (ok, error) = self.write_records(&mut state, &batch.bytes, &batch.ends);
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
        let _state_held = self.held(lock_order::Kind::State);
        let mut state = self.core().state.write();
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

    /// The common case, without waiting for other threads: when the line rolls nothing
    /// over, it is appended (`O_APPEND`, one `write`) under the shared lock, its bytes
    /// reserved in the size first so that concurrent lines never take the file past
    /// `max_bytes`. None: the exclusive path must take it (nothing open yet, a rollover
    /// due, the once-a-second look at the path due).
    fn append_concurrently(&self, line: &[u8]) -> Option<std::io::Result<()>> {
        if !self.concurrent {
            return None;
        }
        let shared_held = self.held(lock_order::Kind::State);
        let state = self.core().state.read();
        // looked at under the lock: a thread that failed set it before releasing its own;
        // a writer retired meanwhile hands the line on from the exclusive path
        if !state.shared_appends || self.core().failing.load(Ordering::Acquire) || self.is_retired()
        {
            return None;
        }
        let file = state.file.as_ref()?;
        let len = line.len() as u64;
        let mut reserved = false;
        match &self.settings.policy {
            Policy::Append { .. } => {}
            Policy::Watched { .. } => return None,
            Policy::Size {
                max_bytes,
                backup_count,
            } => {
                if clock::now_secs() != state.checked_at {
                    return None;
                }
                let mut size = state.size.load(Ordering::Relaxed);
                loop {
                    if size_rolls(*max_bytes, *backup_count, size, len) {
                        return None;
                    }
                    match state.size.compare_exchange_weak(
                        size,
                        size + len,
                        Ordering::Relaxed,
                        Ordering::Relaxed,
                    ) {
                        Ok(_) => break,
                        Err(now) => size = now,
                    }
                }
                reserved = true;
            }
            Policy::Time { .. } => {
                let now = clock::now_secs();
                if now != state.checked_at || now >= state.rollover_at {
                    return None;
                }
            }
        }
        let written = match (&*file).write(line) {
            Ok(n) if n == line.len() => return Some(Ok(())),
            Ok(n) => n,
            Err(_) => 0,
        };
        // before any other thread can write alone: new lines take the exclusive path,
        // the size no longer counts what was not written, and the cut part is noted
        // with the file it went to, for the next exclusive write to take back first
        self.core().failing.store(true, Ordering::Release);
        if reserved {
            state
                .size
                .fetch_sub((line.len() - written) as u64, Ordering::Relaxed);
        }
        if written > 0 {
            if let Ok(target) = file.try_clone() {
                self.core().cuts.lock().push(Cut {
                    file: target,
                    part: line[..written].to_vec(),
                });
            }
        }
        drop(state);
        drop(shared_held);
        let _state_held = self.held(lock_order::Kind::State);
        let mut state = self.core().state.write();
        Some(self.write_exclusive(&mut state, line))
    }

    /// Under the exclusive lock (no append in flight), before anything is written:
    /// takes back each line a failed concurrent append left cut short, when its part is
    /// still the last thing in its file (best effort: a file that refuses truncation,
    /// `chattr +a`, keeps it), and takes the size from the file.
    fn take_back_cuts(&self, state: &mut State) {
        if !self.core().failing.load(Ordering::Acquire) {
            return;
        }
        let cuts = std::mem::take(&mut *self.core().cuts.lock());
        if cuts.is_empty() {
            return;
        }
        for cut in cuts.iter().rev() {
            if let Ok(meta) = cut.file.metadata() {
                if ends_with_at(&cut.file, meta.len(), &cut.part) {
                    let _ = cut.file.set_len(meta.len() - cut.part.len() as u64);
                }
            }
        }
        if let Some(meta) = state.file.as_ref().and_then(|f| f.metadata().ok()) {
            state.size.store(meta.len(), Ordering::Relaxed);
        }
    }

    /// Writes one line holding the file alone; a success ends a failure streak, so
    /// lines may be appended under the shared lock again.
    fn write_exclusive(&self, state: &mut State, line: &[u8]) -> std::io::Result<()> {
        let (_, error) = self.write_records(state, line, &[line.len()]);
        match error {
            None => {
                self.core().failing.store(false, Ordering::Release);
                Ok(())
            }
            Some(e) => Err(e),
        }
    }

    /// Writes lines (`bytes`, each ending at its `ends` offset) in order, with as few
    /// system calls as rollover allows: a batch is split at each record that rolls the
    /// file over, so rotation stays exact per record. Returns how many lines were
    /// written, and the error that stopped the rest.
    fn write_records(
        &self,
        state: &mut State,
        bytes: &[u8],
        ends: &[usize],
    ) -> (usize, Option<std::io::Error>) {
        // retired while this thread waited for the file: the new writer writes it
        if let Some(next) = self.successor() {
            return next.write_many(bytes, ends);
        }
        self.take_back_cuts(state);
        // with `lock`, the other processes wait while this one looks, rolls and writes
        let _shared = if self.settings.lock {
            match self.lock_shared_file(state) {
                Ok(g) => Some(g),
                Err(e) => return (0, Some(e)),
            }
        } else {
            None
        };
        if let Err(e) = self.prepare(state) {
            return (0, Some(e));
        }
        let mut chunk_start = 0; // the first byte not written yet
        let mut chunk_first = 0; // the first line not written yet
        let mut start = 0;
        for (i, &end) in ends.iter().enumerate() {
            let pending = (start - chunk_start) as u64;
            let roll = self.rolls_before(state, pending, (end - start) as u64);
            if roll {
                if let Err((written, e)) = self.append(
                    state,
                    &bytes[chunk_start..start],
                    &ends[chunk_first..i],
                    chunk_start,
                ) {
                    return (chunk_first + written, Some(e));
                }
                chunk_start = start;
                chunk_first = i;
                if let Err(e) = self.roll_or_go_on(state) {
                    return (i, Some(e));
                }
            }
            start = end;
        }
        match self.append(
            state,
            &bytes[chunk_start..start],
            &ends[chunk_first..],
            chunk_start,
        ) {
            Ok(()) => (ends.len(), None),
            Err((written, e)) => (chunk_first + written, Some(e)),
        }
    }

    /// Opens the file if needed and follows other processes (with `lock`: reopens when
    /// another one rolled the file over, and takes its rollover as this period's).
    fn prepare(&self, state: &mut State) -> std::io::Result<()> {
        if state.file.is_none() {
            let truncate = std::mem::take(&mut state.truncate_next_open);
            open_into(&self.settings.path, state, truncate)?;
            if std::mem::take(&mut state.schedule_at_open) {
                if let Policy::Time { schedule, .. } = &self.settings.policy {
                    state.period_start = std::fs::metadata(&self.settings.path)
                        .map_or_else(|_| clock::now_secs(), |m| m.mtime());
                    state.rollover_at = schedule.compute_rollover(state.period_start);
                }
            }
        }
        let mut rolled_elsewhere = false;
        if self.settings.lock {
            rolled_elsewhere = self.follow_other_processes(state)?;
        } else if matches!(
            self.settings.policy,
            Policy::Size { .. } | Policy::Time { .. }
        ) {
            // another process may have rolled the file over: look once a second
            let now = clock::now_secs();
            if now != state.checked_at {
                state.checked_at = now;
                self.reopen_if_moved(state)?;
            }
        }
        if let Policy::Watched { .. } = self.settings.policy {
            self.reopen_if_moved(state)?;
        }
        if let Policy::Time { schedule, .. } = &self.settings.policy {
            let now = clock::now_secs();
            if now >= state.rollover_at && rolled_elsewhere {
                // another process rolled this period over already
                state.period_start = now;
                state.rollover_at = schedule.compute_rollover(now);
            }
        }
        Ok(())
    }

    /// True when the file must roll over before a line of `len` bytes, with `pending`
    /// bytes of this batch not written yet (Python's `shouldRollover`).
    fn rolls_before(&self, state: &mut State, pending: u64, len: u64) -> bool {
        match &self.settings.policy {
            Policy::Append { .. } | Policy::Watched { .. } => false,
            Policy::Size {
                max_bytes,
                backup_count,
            } => {
                let size = state.size.load(Ordering::Relaxed) + pending;
                if !size_rolls(*max_bytes, *backup_count, size, len) {
                    return false;
                }
                // a file cut down by someone else (logrotate's `copytruncate`) is
                // smaller than counted: its real size decides, as Python's
                // `shouldRollover` seeks to the end and asks
                let actual = state.file.as_ref().and_then(|f| f.metadata().ok());
                if let Some(actual) = actual.map(|m| m.len()) {
                    if actual < state.size.load(Ordering::Relaxed) {
                        state.size.store(actual, Ordering::Relaxed);
                        if !size_rolls(*max_bytes, *backup_count, actual + pending, len) {
                            return false;
                        }
                    }
                }
                is_regular(&self.settings.path)
            }
            Policy::Time { schedule, .. } => {
                let now = clock::now_secs();
                if now < state.rollover_at {
                    return false;
                }
                if is_regular(&self.settings.path) {
                    true
                } else {
                    state.rollover_at = schedule.compute_rollover(now);
                    false
                }
            }
        }
    }

    /// Rolls the file over; when that fails (a name it would rename is taken, another
    /// process rolled over at the same moment, a directory it cannot change), says so
    /// once per streak and goes on writing into the file as it is, reopened by its
    /// name: records are not lost for a rollover. Fails only when no file can be
    /// opened.
    fn roll_or_go_on(&self, state: &mut State) -> std::io::Result<()> {
        let core = self.core();
        match self.roll(state) {
            Ok(()) => {
                core.roll_failing.store(false, Ordering::Relaxed);
                Ok(())
            }
            Err(e) => {
                if !core.roll_failing.swap(true, Ordering::Relaxed) {
                    crate::diagnostics::report!(
                        "cannot roll {} over: {e}; records go on into it",
                        self.settings.path.display()
                    );
                }
                if state.file.is_none() {
                    open_into(&self.settings.path, state, false)?;
                }
                Ok(())
            }
        }
    }

    /// Keeps the log's family on disk within `backup_count` + [`BACKLOG_SLACK`] files
    /// when compression falls behind (it runs at the lowest priority, and a busy
    /// service can roll over faster than one core compresses), on the logging thread at
    /// the rollover. With the family lock free (the compressor is compressing, not
    /// renaming) the rule is retention's own: the oldest go, backups first. When the
    /// compressor holds it, only files still waiting for compression are deleted, the
    /// oldest first, which is said once per streak. One directory read when nothing is
    /// over the bound.
    fn hold_backlog(&self, schedule: Option<&Schedule>, backup_count: u32) {
        if backup_count == 0 {
            return;
        }
        let bound = backup_count as usize + BACKLOG_SLACK;
        let (backups, pending) = backups::census(&self.settings.path, schedule, backup_count);
        if backups + pending.len() <= bound {
            self.core().backlog_retiring.store(false, Ordering::Relaxed);
            return;
        }
        if let Some(_family) = compress::FamilyLock::try_acquire(&self.settings) {
            let _ = compress::retain(&self.settings, bound);
            return;
        }
        let excess = (backups + pending.len()).saturating_sub(bound);
        // the newest waiting file is never the one to go
        let retire = excess.min(pending.len().saturating_sub(1));
        for p in &pending[..retire] {
            let _ = backups::remove_ours(p);
        }
        if retire > 0 && !self.core().backlog_retiring.swap(true, Ordering::Relaxed) {
            crate::diagnostics::report!(
                "compression of {} backups is behind: files waiting for it are deleted \
                 uncompressed to keep backup_count ({retire} now)",
                self.settings.path.display()
            );
        }
    }

    /// Rolls the file over by its policy.
    fn roll(&self, state: &mut State) -> std::io::Result<()> {
        match &self.settings.policy {
            Policy::Size { backup_count, .. } => self.roll_by_size(state, *backup_count),
            Policy::Time {
                schedule,
                backup_count,
            } => self.roll_by_time(state, schedule, *backup_count, clock::now_secs()),
            Policy::Append { .. } | Policy::Watched { .. } => Ok(()),
        }
    }

    /// Appends a chunk of whole lines in one write; on failure, how many of its lines
    /// were written whole (a line cut short is rolled back).
    fn append(
        &self,
        state: &mut State,
        chunk: &[u8],
        ends: &[usize],
        offset: usize,
    ) -> Result<(), (usize, std::io::Error)> {
        if chunk.is_empty() {
            return Ok(());
        }
        let Some(f) = state.file.as_mut() else {
            return Ok(());
        };
        match write_lines(f, chunk, ends, offset) {
            Ok(()) => {
                state.size.fetch_add(chunk.len() as u64, Ordering::Relaxed);
                Ok(())
            }
            Err((whole_bytes, lines, e)) => {
                state.size.fetch_add(whole_bytes as u64, Ordering::Relaxed);
                Err((lines, e))
            }
        }
    }

    /// Takes the advisory lock on `NAME.lock`, opening it the first time.
    fn lock_shared_file(&self, state: &mut State) -> std::io::Result<FlockGuard> {
        if state.lock_file.is_none() {
            state.lock_file = Some(open_append(&lock_path(&self.settings.path), false)?);
        }
        let file = state
            .lock_file
            .as_ref()
            .ok_or_else(|| std::io::Error::other("the lock file is not open"))?;
        FlockGuard::exclusive(file)
    }

    /// Under the lock: reopens the file when another process rolled it over (true
    /// then), and takes its size from the file, which every process appends to.
    fn follow_other_processes(&self, state: &mut State) -> std::io::Result<bool> {
        let on_disk = std::fs::metadata(&self.settings.path)
            .ok()
            .map(|m| (m.dev(), m.ino()));
        let moved = on_disk.is_none() || on_disk != state.identity;
        if moved {
            state.close_file();
            open_into(&self.settings.path, state, false)?;
        } else if let Some(f) = state.file.as_ref() {
            state.size.store(f.metadata()?.len(), Ordering::Relaxed);
        }
        Ok(moved)
    }

    fn reopen_if_moved(&self, state: &mut State) -> std::io::Result<()> {
        let now = std::fs::metadata(&self.settings.path)
            .ok()
            .map(|m| (m.dev(), m.ino()));
        if now.is_none() || now != state.identity {
            state.close_file();
            open_into(&self.settings.path, state, false)?;
        }
        Ok(())
    }

    fn roll_by_size(&self, state: &mut State, backup_count: u32) -> std::io::Result<()> {
        let mode = state.file.as_ref().and_then(file_mode);
        state.close_file();
        let path = &self.settings.path;
        if self.settings.compress.is_some() {
            rename_if_present(path, compress::pending_name(path, ""))?;
            reopen_rolled(path, state, mode)?;
            self.hold_backlog(None, backup_count);
            compress::enqueue(self.settings.clone(), self.core().pending.clone());
            return Ok(());
        }
        let found = backups::Numbered::read(path)?;
        let first = found.make_room(path, backup_count)?;
        match backups::rename_noreplace(path, &numbered(path, first)) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {} // another process did
            other => other?,
        }
        reopen_rolled(path, state, mode)
    }

    fn roll_by_time(
        &self,
        state: &mut State,
        schedule: &Schedule,
        backup_count: u32,
        now: i64,
    ) -> std::io::Result<()> {
        let mode = state.file.as_ref().and_then(file_mode);
        state.close_file();
        let path = &self.settings.path;
        let suffix = format!(
            ".{}",
            schedule.suffix(state.rollover_at, state.period_start, now)
        );
        state.period_start = state.rollover_at;
        state.rollover_at = schedule.next_rollover(now);
        if self.settings.compress.is_some() {
            rename_if_present(path, compress::pending_name(path, &suffix))?;
            reopen_rolled(path, state, mode)?;
            self.hold_backlog(Some(schedule), backup_count);
            compress::enqueue(self.settings.clone(), self.core().pending.clone());
            return Ok(());
        }
        let dst = backups::free_timed_name(path, &suffix[1..]);
        match backups::rename_noreplace(path, &dst) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {} // another process did
            other => other?,
        }
        if backup_count > 0 {
            for old in timed_backups_to_delete(&self.settings, schedule, backup_count) {
                backups::remove_ours(&old)?;
            }
        }
        reopen_rolled(path, state, mode)
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

/// The oldest time-rotation backups beyond `keep`, by name order (dates sort).
pub fn timed_backups_to_delete(
    settings: &Settings,
    schedule: &Schedule,
    keep: u32,
) -> Vec<PathBuf> {
    let mut backups = backups::timed_oldest_first(&settings.path, schedule);
    let excess = backups.len().saturating_sub(keep as usize);
    backups.truncate(excess);
    backups
}

/// Python's size rule: a file of `size` bytes rolls over before a line of `len` bytes
/// that would make it reach `max_bytes` (never with `max_bytes` or `backup_count` 0,
/// never when empty).
fn size_rolls(max_bytes: u64, backup_count: u32, size: u64, len: u64) -> bool {
    max_bytes > 0 && backup_count > 0 && size > 0 && size + len >= max_bytes
}

/// True when the `len` bytes of `file` end with `tail` (false when it cannot be read).
fn ends_with_at(file: &File, len: u64, tail: &[u8]) -> bool {
    use std::os::unix::fs::FileExt;
    let Some(start) = len.checked_sub(tail.len() as u64) else {
        return false;
    };
    let mut found = vec![0; tail.len()];
    file.read_exact_at(&mut found, start).is_ok() && found == tail
}

fn is_regular(path: &Path) -> bool {
    std::fs::metadata(path).map_or(true, |m| m.is_file())
}

/// Writes whole lines (`chunk`, each line ending at `ends[i] - offset`) in one call
/// where the kernel takes it. A write cut short (a full disk, a quota) is rolled back to
/// the last whole line by truncating the file, so the next record never continues half
/// a line: the file is opened for appending, so the chunk began at the end of the file
/// less what was written of it. On failure: the bytes and the lines written whole.
pub fn write_lines(
    file: &mut File,
    chunk: &[u8],
    ends: &[usize],
    offset: usize,
) -> Result<(), (usize, usize, std::io::Error)> {
    let mut written = 0;
    let error = loop {
        if written == chunk.len() {
            return Ok(());
        }
        match file.write(&chunk[written..]) {
            Ok(0) => break std::io::Error::from(std::io::ErrorKind::WriteZero),
            Ok(n) => written += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => break e,
        }
    };
    let lines = ends.iter().take_while(|&&e| e - offset <= written).count();
    let whole = ends.get(lines.wrapping_sub(1)).map_or(0, |&e| e - offset);
    let cut = (written - whole) as u64;
    if cut > 0 {
        if let Ok(meta) = file.metadata() {
            let _ = file.set_len(meta.len().saturating_sub(cut));
        }
    }
    Err((whole, lines, error))
}

/// The error for a file logconf will not touch, and why.
fn refused(path: &Path, why: &str) -> std::io::Error {
    std::io::Error::new(
        std::io::ErrorKind::PermissionDenied,
        format!(
            "refusing {}: it {why} (another user may have planted it)",
            path.display()
        ),
    )
}

fn effective_uid() -> u32 {
    // SAFETY: geteuid has no preconditions and cannot fail.
    unsafe { libc::geteuid() }
}

/// Opens `path` for appending, creating it; truncates it first when `truncate`.
///
/// A symbolic link is followed only when it belongs to this process's user or to
/// root; one of another user (planted in a shared directory such as /tmp) is refused,
/// and when no link was found none is followed (`O_NOFOLLOW`), so one swapped in
/// meanwhile is refused too.
pub fn open_append(path: &Path, truncate: bool) -> std::io::Result<File> {
    open_append_with(path, truncate, false)
}

/// [`open_append`] for a log file: also readable when it is a regular file this user
/// may read (so that a line a full disk cut short can be recognised and taken back),
/// and whether it is. A FIFO, a terminal or a file the user may only write is opened
/// for writing alone: reading a pipe it writes would keep it open when its reader
/// leaves.
fn open_log_file(path: &Path, truncate: bool) -> std::io::Result<(File, bool)> {
    let regular_or_new = std::fs::metadata(path).map_or(true, |m| m.is_file());
    if regular_or_new {
        match open_append_with(path, truncate, true) {
            Ok(file) if file.metadata()?.is_file() => return Ok((file, true)),
            Ok(_) => {} // swapped for something else meanwhile
            Err(e) if e.kind() == std::io::ErrorKind::PermissionDenied => {}
            Err(e) => return Err(e),
        }
    }
    Ok((open_append_with(path, truncate, false)?, false))
}

fn open_append_with(path: &Path, truncate: bool, read: bool) -> std::io::Result<File> {
    use std::os::unix::fs::OpenOptionsExt;
    planted::check_parents(path)?;
    let trusted_link = match std::fs::symlink_metadata(path) {
        Ok(m) if m.file_type().is_symlink() => {
            if m.uid() != effective_uid() && m.uid() != 0 {
                return Err(refused(
                    path,
                    &format!("is a symbolic link of another user (uid {})", m.uid()),
                ));
            }
            true
        }
        _ => false,
    };
    // a FIFO is opened with O_NONBLOCK: without a reader that fails at once instead of
    // waiting, maybe forever, for one (in a logging call, for a file opened at its first
    // record). Only a FIFO: on a regular file it would make an open that meets a lease
    // (an NFS delegation, a Samba oplock) fail instead of waiting
    use std::os::unix::fs::FileTypeExt as _;
    let fifo = std::fs::metadata(path).is_ok_and(|m| m.file_type().is_fifo());
    let mut flags = if trusted_link { 0 } else { libc::O_NOFOLLOW };
    if fifo {
        flags |= libc::O_NONBLOCK;
    }
    let mut options = std::fs::OpenOptions::new();
    options
        .create(true)
        .append(true)
        .read(read)
        .custom_flags(flags);
    let file = options.open(path).map_err(|e| match e.raw_os_error() {
        Some(libc::ELOOP) => refused(path, "became a symbolic link while it was being opened"),
        Some(libc::ENXIO) => not_connected(path, e),
        _ => e,
    })?;
    planted::check_owner(&file, path)?;
    if fifo {
        // once open, a FIFO is written as Python writes it, waiting when it is full
        use std::os::fd::AsRawFd as _;
        let fd = file.as_raw_fd();
        // SAFETY: fcntl on a descriptor this function owns; no pointer is passed.
        let cleared = unsafe {
            let flags = libc::fcntl(fd, libc::F_GETFL);
            flags >= 0 && libc::fcntl(fd, libc::F_SETFL, flags & !libc::O_NONBLOCK) == 0
        };
        if !cleared {
            return Err(std::io::Error::last_os_error());
        }
    }
    if truncate {
        file.set_len(0)?;
    }
    Ok(file)
}

/// ENXIO from an open, said for what the path is: a FIFO nobody reads, or a socket
/// (which a file handler cannot open at all).
fn not_connected(path: &Path, error: std::io::Error) -> std::io::Error {
    use std::os::unix::fs::FileTypeExt as _;
    let kind = std::fs::metadata(path).map(|m| m.file_type()).ok();
    let why = match kind {
        Some(k) if k.is_fifo() => "is a FIFO that no process reads: start its reader first",
        Some(k) if k.is_socket() => {
            "is a socket, which a file handler cannot open: use a `syslog` or `journald` handler, or `console` for the process's own output"
        }
        _ => return error,
    };
    std::io::Error::new(
        std::io::ErrorKind::NotConnected,
        format!("{} {why}", path.display()),
    )
}

/// Opens for reading a file logconf made itself (a rotated or pending backup, a
/// `.gz`), refusing anything else: a symbolic link, a FIFO or device, a file of
/// another user. Compressing through a planted link would copy any file the process
/// can read into a backup.
pub fn open_own_file(path: &Path) -> std::io::Result<File> {
    use std::os::unix::fs::OpenOptionsExt;
    let file = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK)
        .open(path)
        .map_err(|e| {
            if e.raw_os_error() == Some(libc::ELOOP) {
                refused(path, "is a symbolic link")
            } else {
                e
            }
        })?;
    let meta = file.metadata()?;
    if !meta.file_type().is_file() {
        return Err(refused(path, "is not a regular file"));
    }
    let me = effective_uid();
    if meta.uid() != me {
        return Err(refused(
            path,
            &format!(
                "belongs to uid {}, not to this process's user (uid {me})",
                meta.uid()
            ),
        ));
    }
    Ok(file)
}

/// Renames `from` to `to`; nothing to do when `from` is gone (another process rolled
/// it over first).
fn rename_if_present(from: &Path, to: impl AsRef<Path>) -> std::io::Result<()> {
    match std::fs::rename(from, to) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        other => other,
    }
}

/// `NAME.lock`: the side file processes sharing `NAME` lock (`lock = true`).
pub fn lock_path(path: &Path) -> PathBuf {
    with_suffix(path, ".lock")
}

/// An exclusive `flock` on a file, released when dropped.
pub struct FlockGuard(std::os::fd::RawFd);

impl FlockGuard {
    /// Waits for the lock (other processes hold it only while they write one line or
    /// roll the file over).
    pub fn exclusive(file: &File) -> std::io::Result<FlockGuard> {
        use std::os::fd::AsRawFd;
        let fd = file.as_raw_fd();
        loop {
            // SAFETY: `fd` is an open descriptor owned by `file`, which outlives the guard
            // (the guard is dropped before the writer's state).
            if unsafe { libc::flock(fd, libc::LOCK_EX) } == 0 {
                return Ok(FlockGuard(fd));
            }
            let e = std::io::Error::last_os_error();
            if e.kind() != std::io::ErrorKind::Interrupted {
                return Err(e);
            }
        }
    }
}

impl FlockGuard {
    /// The lock if no other open file holds it now (never waits).
    pub fn try_exclusive(file: &File) -> Option<FlockGuard> {
        use std::os::fd::AsRawFd;
        let fd = file.as_raw_fd();
        // SAFETY: as in `exclusive`.
        (unsafe { libc::flock(fd, libc::LOCK_EX | libc::LOCK_NB) } == 0).then_some(FlockGuard(fd))
    }
}

impl Drop for FlockGuard {
    fn drop(&mut self) {
        // SAFETY: unlocking a descriptor this guard locked; errors leave nothing to undo.
        unsafe {
            libc::flock(self.0, libc::LOCK_UN);
        }
    }
}

/// The permission bits of an open file.
fn file_mode(file: &File) -> Option<u32> {
    use std::os::unix::fs::PermissionsExt;
    file.metadata()
        .ok()
        .map(|m| m.permissions().mode() & 0o7777)
}

/// Opens the new file after a rollover with the permissions of the one rolled over, as
/// logrotate's `create` does (a 0600 log stays 0600, and so do its backups), but never
/// more open than a file this process creates (see [`planted::no_more_open`]).
fn reopen_rolled(path: &Path, state: &mut State, mode: Option<u32>) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    open_into(path, state, false)?;
    let mode = mode.map(planted::no_more_open);
    if let (Some(mode), Some(file)) = (mode, state.file.as_ref()) {
        if file_mode(file) != Some(mode) {
            file.set_permissions(std::fs::Permissions::from_mode(mode))?;
        }
    }
    Ok(())
}

fn open_into(path: &Path, state: &mut State, truncate: bool) -> std::io::Result<()> {
    let (file, readable) = open_log_file(path, truncate)?;
    state.shared_appends = readable;
    let meta = file.metadata()?;
    state.size.store(meta.len(), Ordering::Relaxed);
    state.identity = Some((meta.dev(), meta.ino()));
    state.file = Some(file);
    Ok(())
}

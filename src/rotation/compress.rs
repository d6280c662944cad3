//! gzip backups, on one background thread, crash-safe.
//!
//! At a rollover the logging thread only renames the file to
//! `NAME[.SUFFIX].pending-SEQ` and queues a job. The `logconf-compress` thread then,
//! for each pending file in order:
//! 1. writes `TARGET.gz.PID-SEQ.tmp` (its gzip header names the pending file), syncs
//!    it, and renames it to `TARGET.gz`, never over anything — for size rotation after
//!    shifting the numbered backups up by one (only up to the first free number, so a
//!    shift cut short by a crash resumes);
//! 2. removes the pending file.
//!
//! A crash at any point loses nothing: a `.tmp` is discarded at the next start and its
//! source compressed again; a `TARGET.gz` whose header names a pending file that still
//! exists means only step 2 was missing. Uncompressed backups left by a run without
//! `compress` are compressed in place at the next start.

use std::collections::HashMap;
use std::io::{BufReader, BufWriter};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{channel, Sender};
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::sync::{Condvar, Mutex};
use flate2::read::GzDecoder;
use flate2::{Compression, GzBuilder};
use once_cell::sync::Lazy;

use crate::fork::PerProcess;

use super::{numbered, open_own_file, with_suffix, Policy, Settings, PENDING_MARK, TMP_SUFFIX};

/// Jobs queued and not finished yet, for one writer.
#[derive(Default)]
pub struct Pending {
    count: Mutex<usize>,
    idle: Condvar,
}

impl Pending {
    fn add(&self) {
        *self.count.lock() += 1;
    }

    fn done(&self) {
        let mut n = self.count.lock();
        *n = n.saturating_sub(1);
        if *n == 0 {
            self.idle.notify_all();
        }
    }

    /// Waits until no job is queued, at most `limit`.
    pub fn wait_idle(&self, limit: Duration) {
        let deadline = Instant::now() + limit;
        let mut n = self.count.lock();
        while *n > 0 {
            if self.idle.wait_until(&mut n, deadline).timed_out() {
                return;
            }
        }
    }
}

/// Compression is background work: the thread runs at the lowest priority (nice 19),
/// so a service's request threads get the CPU first and compressing a backup does not
/// show in their latency. Under full load it still gets a share, and backups keep
/// being compressed.
fn lower_priority() {
    #[cfg(target_os = "linux")]
    // SAFETY: plain system calls on this thread's own id; a failure leaves the default
    // priority, which is only slower for the service.
    unsafe {
        let tid = libc::syscall(libc::SYS_gettid) as libc::id_t;
        libc::setpriority(libc::PRIO_PROCESS, tid, 19);
    }
}

struct Job {
    settings: Arc<Settings>,
    pending: Arc<Pending>,
}

/// The channel to this process's compression thread (a forked child starts its own:
/// the parent's thread is not in it).
static QUEUE: Lazy<PerProcess<Mutex<Option<Sender<Job>>>>> =
    Lazy::new(|| PerProcess::new(Mutex::new(None)));

/// Queues the processing of `settings`' pending and leftover backups.
pub fn enqueue(settings: Arc<Settings>, pending: Arc<Pending>) {
    pending.add();
    let mut queue = QUEUE.get().lock();
    let job = Job { settings, pending };
    let job = match queue.as_ref() {
        Some(tx) => match tx.send(job) {
            Ok(()) => return,
            Err(e) => e.0,
        },
        None => job,
    };
    let (tx, rx) = channel::<Job>();
    let spawned = crate::threads::spawn("logconf-compress", move || {
        lower_priority();
        // the same failure again and again (a full disk) is said once, until
        // compression works again or fails otherwise
        let mut last_failure: Option<String> = None;
        // a log whose family lock another process held past FAMILY_LOCK_LIMIT: its
        // next jobs are skipped until then (each would wait as long again; the
        // files wait for the next round, and retention is held by the rollovers)
        let mut held_elsewhere: HashMap<PathBuf, Instant> = HashMap::new();
        for job in rx {
            if held_elsewhere
                .get(&job.settings.path)
                .is_some_and(|until| Instant::now() < *until)
            {
                job.pending.done();
                continue;
            }
            let result =
                std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| process(&job.settings)));
            if let Ok(Err(e)) = &result {
                if e.kind() == std::io::ErrorKind::TimedOut {
                    held_elsewhere.insert(
                        job.settings.path.clone(),
                        Instant::now() + FAMILY_LOCK_LIMIT,
                    );
                }
            }
            let failure = match result {
                Ok(Ok(())) => None,
                Ok(Err(e)) => Some(format!(
                    "compressing backups of {}: {e}; uncompressed files are kept",
                    job.settings.path.display()
                )),
                Err(_) => Some(format!(
                    "compressing backups of {} failed; uncompressed files are kept",
                    job.settings.path.display()
                )),
            };
            if let Some(f) = &failure {
                if last_failure.as_ref() != Some(f) {
                    crate::diagnostics::report!("{f}");
                }
            }
            last_failure = failure;
            job.pending.done();
        }
    });
    match spawned {
        Ok(_) => {
            let _ = tx.send(job);
            *queue = Some(tx);
        }
        Err(e) => {
            crate::diagnostics::report!(
                "cannot start the compression thread: {e}; backups stay uncompressed"
            );
            job.pending.done();
        }
    }
}

static SEQ: AtomicU64 = AtomicU64::new(0);

/// `NAME{suffix}.pending-TIME-PID-SEQ`, sortable in rollover order and unique across
/// the processes that share a file.
pub fn pending_name(path: &Path, suffix: &str) -> PathBuf {
    let nanos = crate::clock::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    let seq = SEQ.fetch_add(1, Ordering::Relaxed);
    let pid = std::process::id();
    with_suffix(
        path,
        &format!("{suffix}.{PENDING_MARK}{nanos:024}-{pid:010}-{seq:08}"),
    )
}

fn file_name(p: &Path) -> String {
    p.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// The file name recorded in a gzip file's header, if it can be read.
fn gz_source_name(gz: &Path) -> Option<String> {
    let file = open_own_file(gz).ok()?;
    let decoder = GzDecoder::new(BufReader::new(file));
    decoder
        .header()?
        .filename()
        .map(|b| String::from_utf8_lossy(b).into_owned())
}

/// Compresses `src` into `target`, never over anything (see [`gzip_to_tmp`]).
fn gzip(src: &Path, target: &Path, level: u32) -> std::io::Result<()> {
    let tmp = gzip_to_tmp(src, level)?;
    let result = super::backups::rename_noreplace(&tmp, target);
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

/// Compresses `src` into `SRC.gz.PID-SEQ.tmp` (a name of this process's own: nothing
/// another user or process left is touched), naming `src` in the gzip header, synced
/// to disk; returns that name. The archive gets the permissions of `src` (a 0600 log
/// keeps 0600 backups), never more open than the umask; `src` is not opened through
/// a symbolic link.
fn gzip_to_tmp(src: &Path, level: u32) -> std::io::Result<PathBuf> {
    use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
    let tmp = with_suffix(
        src,
        &format!(
            ".gz.{}-{}{TMP_SUFFIX}",
            std::process::id(),
            SEQ.fetch_add(1, Ordering::Relaxed)
        ),
    );
    let input = open_own_file(src)?;
    let mode = super::planted::no_more_open(input.metadata()?.permissions().mode());
    let result = (|| {
        let mut input = BufReader::new(input);
        let out = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(mode)
            .open(&tmp)?;
        out.set_permissions(std::fs::Permissions::from_mode(mode))?;
        let mut encoder = GzBuilder::new()
            .filename(file_name(src))
            .write(BufWriter::new(out), Compression::new(level.min(9)));
        std::io::copy(&mut input, &mut encoder)?;
        let out = encoder.finish()?.into_inner().map_err(|e| e.into_error())?;
        out.sync_all()
    })();
    match result {
        Ok(()) => Ok(tmp),
        Err(e) => {
            let _ = std::fs::remove_file(&tmp);
            Err(e)
        }
    }
}

/// The longest the compressor waits for a log's [`FamilyLock`] before it gives up
/// this round (said once; the next rollover tries again).
pub const FAMILY_LOCK_LIMIT: Duration = Duration::from_secs(10);

/// The lock under which a log's backups are shifted, renamed and deleted: by the
/// compressor when it puts a finished archive in place, and by a rollover that holds
/// the backlog (see `FileWriter::hold_backlog`). `NAME.compress.lock` with
/// `lock = true` (every process sharing the file takes it), else the directory itself
/// (a forked child and its parent compressing at once for a moment), so no file of
/// logconf's is added. Released explicitly, so a child forked meanwhile does not keep
/// it held.
pub struct FamilyLock {
    _guard: super::FlockGuard,
    _file: super::LockFile,
}

impl FamilyLock {
    fn open(settings: &Settings) -> std::io::Result<std::fs::File> {
        if settings.lock {
            super::open::open_lock_file(&with_suffix(&settings.path, ".compress.lock"))
        } else {
            std::fs::File::open(settings.dir())
        }
    }

    /// Waits for the lock, at most [`FAMILY_LOCK_LIMIT`]: a directory can be locked by
    /// any user who can read it, and the compressor must not wait for one for ever.
    pub fn acquire(settings: &Settings) -> std::io::Result<FamilyLock> {
        FamilyLock::acquire_within(settings, FAMILY_LOCK_LIMIT)
    }

    /// Waits for the lock, at most `limit`.
    pub fn acquire_within(settings: &Settings, limit: Duration) -> std::io::Result<FamilyLock> {
        let file = super::LockFile::new(FamilyLock::open(settings)?);
        let guard = super::FlockGuard::exclusive_within(file.file(), limit)?;
        Ok(FamilyLock {
            _guard: guard,
            _file: file,
        })
    }
}

/// Processes everything waiting for `settings.path`, then holds retention whatever
/// happened: when compression fails (a full disk), uncompressed pending files would
/// otherwise pile up beyond `backup_count`.
fn process(settings: &Settings) -> std::io::Result<()> {
    if !settings.dir().is_dir() {
        return Ok(()); // the log directory was removed: nothing left to compress
    }
    let result = compress_all(settings);
    if matches!(&result, Err(e) if e.kind() == std::io::ErrorKind::TimedOut) {
        return result;
    }
    let keep = settings.backup_count() as usize;
    let retained = FamilyLock::acquire(settings).and_then(|_family| retain(settings, keep));
    result.and(retained.map(|_| ()))
}

/// Deletes the oldest of the log's family (its backups, then the files still waiting
/// for compression) beyond `bound` files; returns how many. The caller holds the
/// [`FamilyLock`]. Names are counted first (one directory read), so a family within
/// its bound costs no other system call, whatever `backup_count` is.
pub fn retain(settings: &Settings, bound: usize) -> std::io::Result<usize> {
    let keep = settings.backup_count();
    if keep == 0 {
        return Ok(0);
    }
    let schedule = match &settings.policy {
        Policy::Time { schedule, .. } => Some(schedule),
        Policy::Size { .. } => None,
        Policy::Append { .. } | Policy::Watched { .. } => return Ok(0),
    };
    let (backups, pending) = super::backups::census(&settings.path, schedule, keep);
    if backups + pending.len() <= bound {
        return Ok(0);
    }
    // oldest first: the backups, then the files still waiting for compression
    let mut family: Vec<PathBuf> = match schedule {
        Some(schedule) => super::backups::timed_oldest_first(&settings.path, schedule),
        None => super::backups::Numbered::read(&settings.path)?.oldest_first(&settings.path, keep),
    };
    // a planted pending name is not the log's (reported, left alone, not counted)
    family.extend(
        pending
            .into_iter()
            .filter(|p| match super::backups::occupant(p) {
                super::backups::Occupant::Ours => true,
                super::backups::Occupant::Foreign => {
                    super::backups::report_foreign(p);
                    false
                }
                super::backups::Occupant::Free => false,
            }),
    );
    let excess = family.len().saturating_sub(bound);
    for old in family.iter().take(excess) {
        super::backups::remove_ours(old)?;
    }
    Ok(excess)
}

fn compress_all(settings: &Settings) -> std::io::Result<()> {
    let level = settings.compress.unwrap_or(1);
    let dir = settings.dir();
    let base = settings.base_name();
    let prefix = format!("{base}.");
    let mut names: Vec<String> = std::fs::read_dir(&dir)?
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(&prefix))
        .collect();
    names.sort();
    // 1. half-written archives of this log's own names, left by this process or one
    //    that is gone: their sources still exist and are compressed again
    for n in names
        .iter()
        .filter(|n| is_stale_own_tmp(settings, &base, n))
    {
        let _ = super::backups::remove_ours(&dir.join(n));
    }
    // 2. uncompressed backups from a run without compression
    let leftovers: Vec<PathBuf> = match &settings.policy {
        Policy::Size { backup_count, .. } => {
            let found = super::backups::Numbered::read(&settings.path)?;
            found
                .oldest_first(&settings.path, *backup_count)
                .into_iter()
                .filter(|p| p.extension().is_none_or(|e| e != "gz"))
                .collect()
        }
        Policy::Time { schedule, .. } => {
            super::backups::timed_oldest_first(&settings.path, schedule)
                .into_iter()
                .filter(|p| p.extension().is_none_or(|e| e != "gz"))
                .collect()
        }
        Policy::Append { .. } | Policy::Watched { .. } => Vec::new(),
    };
    // a file logconf would not have made (a link, another user's) is left alone and
    // reported; the others go on
    let mut refused = None;
    for src in leftovers {
        match compress_in_place(&src, level) {
            Err(e) if e.kind() == std::io::ErrorKind::PermissionDenied => {
                refused.get_or_insert(e);
            }
            other => other?,
        }
    }
    // 3. pending rollovers, oldest first: each compressed outside the family lock,
    //    then put in place under it (a rollover may retire it meanwhile)
    let pendings: Vec<PathBuf> = names
        .iter()
        .filter(|n| is_pending(settings, &base, n))
        .map(|n| dir.join(n))
        .collect();
    let gone = |e: &std::io::Error| e.kind() == std::io::ErrorKind::NotFound;
    for p in pendings {
        let tmp = match gzip_to_tmp(&p, level) {
            Ok(tmp) => tmp,
            Err(e) if gone(&e) => continue,
            Err(e) if e.kind() == std::io::ErrorKind::PermissionDenied => {
                refused.get_or_insert(e);
                continue;
            }
            Err(e) => return Err(e),
        };
        let _family = match FamilyLock::acquire(settings) {
            Ok(lock) => lock,
            Err(e) => {
                // the archive waits for the next round, made again from its source
                let _ = std::fs::remove_file(&tmp);
                return Err(e);
            }
        };
        let placed = put_in_place(settings, &p, &tmp);
        if !matches!(placed, Ok(true)) {
            let _ = std::fs::remove_file(&tmp);
        }
        placed?;
    }
    refused.map_or(Ok(()), Err)
}

fn compress_in_place(src: &Path, level: u32) -> std::io::Result<()> {
    let target = with_suffix(src, ".gz");
    if target.exists() {
        if gz_source_name(&target).as_deref() == Some(file_name(src).as_str()) {
            std::fs::remove_file(src)?;
        }
        // else: two different backups share a number; keep both rather than lose one
        return Ok(());
    }
    gzip(src, &target, level)?;
    std::fs::remove_file(src)
}

/// Under the family lock: renames the archive `tmp` of the pending file `p` to its
/// backup name and removes `p`. False (nothing renamed) when `p` is gone (retired by
/// a rollover, or put in place by another process) or its archive is there already.
fn put_in_place(settings: &Settings, p: &Path, tmp: &Path) -> std::io::Result<bool> {
    if std::fs::symlink_metadata(p).is_err() {
        return Ok(false);
    }
    let pname = file_name(p);
    let dir = settings.dir();
    let target = match &settings.policy {
        Policy::Size { backup_count, .. } => {
            let found = super::backups::Numbered::read(&settings.path)?;
            let first = found.slots(&settings.path, 1).first().copied().unwrap_or(1);
            let done = with_suffix(&numbered(&settings.path, first), ".gz");
            if gz_source_name(&done).as_deref() == Some(pname.as_str()) {
                None // only the removal of `p` was missing (a crash)
            } else {
                let first = found.make_room(&settings.path, *backup_count)?;
                Some(with_suffix(&numbered(&settings.path, first), ".gz"))
            }
        }
        Policy::Time { .. } | Policy::Append { .. } | Policy::Watched { .. } => {
            // NAME.SUFFIX.pending-SEQ -> NAME.SUFFIX.gz, or NAME.SUFFIX.N.gz when that
            // is taken
            let cut = pname
                .rfind(&format!(".{PENDING_MARK}"))
                .unwrap_or(pname.len());
            timed_target(&dir, &pname[..cut], &pname)?
        }
    };
    let placed = match target {
        Some(target) => {
            super::backups::rename_noreplace(tmp, &target)?;
            true
        }
        None => false,
    };
    match std::fs::remove_file(p) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(e),
        _ => {}
    }
    Ok(placed)
}

/// Where the pending file `pname` (rolled over as `stem`, `NAME.SUFFIX`) is
/// compressed to: `stem.gz`, or `stem.N.gz` when that name (compressed or not) is
/// taken; None when one of them already holds this pending file; an error when
/// [`super::backups::MOST_TAKEN`] names are taken.
fn timed_target(dir: &Path, stem: &str, pname: &str) -> std::io::Result<Option<PathBuf>> {
    for n in 0..=super::backups::MOST_TAKEN {
        let name = if n == 0 {
            stem.to_string()
        } else {
            format!("{stem}.{n}")
        };
        let gz = dir.join(format!("{name}.gz"));
        if std::fs::symlink_metadata(&gz).is_ok() {
            if gz_source_name(&gz).as_deref() == Some(pname) {
                return Ok(None);
            }
            continue;
        }
        if std::fs::symlink_metadata(dir.join(&name)).is_err() {
            return Ok(Some(gz));
        }
    }
    // the pending file stays, and is tried again at the next rollover
    Err(std::io::Error::new(
        std::io::ErrorKind::AlreadyExists,
        format!(
            "{stem}.gz and {} more names after it are taken",
            super::backups::MOST_TAKEN
        ),
    ))
}

/// A file of this log waiting for compression (see [`super::backups::is_pending_of`]).
fn is_pending(settings: &Settings, base: &str, name: &str) -> bool {
    let schedule = match &settings.policy {
        Policy::Time { schedule, .. } => Some(schedule),
        _ => None,
    };
    super::backups::is_pending_of(base, schedule, name)
}

/// A half-written archive this log's compression left, `X.gz.PID-SEQ.tmp` (or
/// `X.gz.tmp`, from earlier versions) where `X` is one of its backups' or pending
/// files' names, by this process (whose compressor is the caller) or by one that is no
/// longer running. Any other `.tmp` is someone else's, or in use.
fn is_stale_own_tmp(settings: &Settings, base: &str, name: &str) -> bool {
    let Some(rest) = name.strip_suffix(TMP_SUFFIX) else {
        return false;
    };
    let (gz, pid) = match rest.rsplit_once('.') {
        Some((gz, id)) if gz.ends_with(".gz") => match id.split_once('-') {
            Some((p, q)) if !q.is_empty() && q.bytes().all(|b| b.is_ascii_digit()) => {
                match p.parse::<i32>() {
                    Ok(pid) if pid > 0 => (gz, Some(pid)),
                    _ => return false,
                }
            }
            _ => return false,
        },
        _ if rest.ends_with(".gz") => (rest, None),
        _ => return false,
    };
    let Some(x) = gz.strip_suffix(".gz") else {
        return false;
    };
    let ours = is_pending(settings, base, x)
        || match &settings.policy {
            Policy::Size { .. } => x
                .strip_prefix(base)
                .and_then(|r| r.strip_prefix('.'))
                .is_some_and(|d| super::backups::backup_number(d).is_some()),
            Policy::Time { schedule, .. } => schedule.is_backup(base, x),
            Policy::Append { .. } | Policy::Watched { .. } => false,
        };
    ours && pid.is_none_or(|pid| pid as u32 == std::process::id() || !alive(pid))
}

/// True when a process `pid` exists (or cannot be told apart from one that does).
fn alive(pid: i32) -> bool {
    // SAFETY: signal 0 only checks that the process exists.
    let rc = unsafe { libc::kill(pid, 0) };
    rc == 0 || std::io::Error::last_os_error().raw_os_error() != Some(libc::ESRCH)
}

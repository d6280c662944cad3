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

use std::io::{BufReader, BufWriter};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{channel, Sender};
use std::sync::Arc;
use std::time::{Duration, Instant};

use flate2::read::GzDecoder;
use flate2::{Compression, GzBuilder};
use once_cell::sync::Lazy;
use parking_lot::{Condvar, Mutex};

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
    let spawned = std::thread::Builder::new()
        .name("logconf-compress".into())
        .spawn(move || {
            lower_priority();
            // the same failure again and again (a full disk) is said once, until
            // compression works again or fails otherwise
            let mut last_failure: Option<String> = None;
            for job in rx {
                let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                    process(&job.settings)
                }));
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

/// Compresses `src` into `target` (via a `.tmp` of this process's own), naming `src` in the header. The
/// `.gz` gets the permissions of `src` (a 0600 log keeps 0600 backups); neither file is
/// opened through a symbolic link.
fn gzip(src: &Path, target: &Path, level: u32) -> std::io::Result<()> {
    use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
    // a name of this process's own: nothing another user (or process) left is touched
    let tmp = with_suffix(
        target,
        &format!(
            ".{}-{}{TMP_SUFFIX}",
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
        out.sync_all()?;
        super::backups::rename_noreplace(&tmp, target)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

/// Processes everything waiting for `settings.path`, then holds retention whatever
/// happened: when compression fails (a full disk), uncompressed pending files would
/// otherwise pile up beyond `backup_count`.
fn process(settings: &Settings) -> std::io::Result<()> {
    if !settings.dir().is_dir() {
        return Ok(()); // the log directory was removed: nothing left to compress
    }
    // processes sharing a file (`lock = true`) compress one at a time; writers are not
    // held up, they only rename to pending names
    let _one_compressor = if settings.lock {
        let lock = super::open_append(&with_suffix(&settings.path, ".compress.lock"), false)?;
        let guard = super::FlockGuard::exclusive(&lock)?;
        (guard, lock)
    } else {
        // without `lock` a forked child and its parent may still both compress for a
        // moment (the parent's thread finishing, the child's starting): the
        // directory's own `flock` makes them take turns, without a file of logconf's
        let dir = std::fs::File::open(settings.dir())?;
        let guard = super::FlockGuard::exclusive(&dir)?;
        (guard, dir)
    };
    let result = compress_all(settings);
    let retained = hold_retention(settings);
    result.and(retained)
}

/// Deletes the oldest backups, compressed or still pending, beyond `backup_count`.
fn hold_retention(settings: &Settings) -> std::io::Result<()> {
    let keep = match &settings.policy {
        Policy::Size { backup_count, .. } | Policy::Time { backup_count, .. } => *backup_count,
        Policy::Append { .. } | Policy::Watched { .. } => return Ok(()),
    };
    if keep == 0 {
        return Ok(());
    }
    let names = list(settings)?;
    // oldest first: the backups, then the files still waiting for compression
    let mut backups: Vec<PathBuf> = match &settings.policy {
        Policy::Time { schedule, .. } => {
            super::backups::timed_oldest_first(&settings.path, schedule)
        }
        _ => super::backups::Numbered::read(&settings.path)?.oldest_first(&settings.path, keep),
    };
    let mut pendings: Vec<&String> = names
        .iter()
        .filter(|n| n.contains(&format!(".{PENDING_MARK}")) && !n.ends_with(TMP_SUFFIX))
        .collect();
    pendings.sort();
    backups.extend(pendings.into_iter().map(|n| settings.dir().join(n)));
    let excess = backups.len().saturating_sub(keep as usize);
    for old in backups.into_iter().take(excess) {
        super::backups::remove_ours(&old)?;
    }
    Ok(())
}

/// The names in the log directory that start with the log file's name and a dot.
fn list(settings: &Settings) -> std::io::Result<Vec<String>> {
    let prefix = format!("{}.", settings.base_name());
    Ok(std::fs::read_dir(settings.dir())?
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(&prefix))
        .collect())
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
    // 1. half-written archives of this log's own names: their sources still exist
    //    and are compressed again
    for n in names.iter().filter(|n| is_own_tmp(settings, &base, n)) {
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
    // 3. pending rollovers, oldest first
    let pendings: Vec<PathBuf> = names
        .iter()
        .filter(|n| is_pending(&base, n))
        .map(|n| dir.join(n))
        .collect();
    for p in pendings {
        // a rollover may have retired it meanwhile (see `hold_backlog`)
        let gone = |e: &std::io::Error| e.kind() == std::io::ErrorKind::NotFound;
        if let Err(e) = open_own_file(&p) {
            if !gone(&e) {
                refused.get_or_insert(e);
            }
            continue;
        }
        let pname = file_name(&p);
        let target = match &settings.policy {
            Policy::Size { backup_count, .. } => {
                let found = super::backups::Numbered::read(&settings.path)?;
                let first = found.slots(&settings.path, 1).first().copied().unwrap_or(1);
                let target = with_suffix(&numbered(&settings.path, first), ".gz");
                if gz_source_name(&target).as_deref() == Some(pname.as_str()) {
                    std::fs::remove_file(&p)?;
                    continue;
                }
                let first = found.make_room(&settings.path, *backup_count)?;
                with_suffix(&numbered(&settings.path, first), ".gz")
            }
            Policy::Time { .. } | Policy::Append { .. } | Policy::Watched { .. } => {
                // NAME.SUFFIX.pending-SEQ -> NAME.SUFFIX.gz, or NAME.SUFFIX.N.gz when
                // that is taken
                let cut = pname
                    .rfind(&format!(".{PENDING_MARK}"))
                    .unwrap_or(pname.len());
                match timed_target(&dir, &pname[..cut], &pname) {
                    Some(target) => target,
                    None => {
                        std::fs::remove_file(&p)?; // compressed already
                        continue;
                    }
                }
            }
        };
        match gzip(&p, &target, level) {
            Err(e) if gone(&e) => continue,
            other => other?,
        }
        match std::fs::remove_file(&p) {
            Err(e) if gone(&e) => {}
            other => other?,
        }
    }
    // 4. retention of time rotation
    if let Policy::Time {
        schedule,
        backup_count,
    } = &settings.policy
    {
        if *backup_count > 0 {
            for old in super::timed_backups_to_delete(settings, schedule, *backup_count) {
                super::backups::remove_ours(&old)?;
            }
        }
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

/// Where the pending file `pname` (rolled over as `stem`, `NAME.SUFFIX`) is
/// compressed to: `stem.gz`, or `stem.N.gz` when that name (compressed or not) is
/// taken; None when one of them already holds this pending file.
fn timed_target(dir: &Path, stem: &str, pname: &str) -> Option<PathBuf> {
    for n in 0..=u32::MAX {
        let name = if n == 0 {
            stem.to_string()
        } else {
            format!("{stem}.{n}")
        };
        let gz = dir.join(format!("{name}.gz"));
        if std::fs::symlink_metadata(&gz).is_ok() {
            if gz_source_name(&gz).as_deref() == Some(pname) {
                return None;
            }
            continue;
        }
        if std::fs::symlink_metadata(dir.join(&name)).is_err() {
            return Some(gz);
        }
    }
    None
}

/// A file waiting for compression: `BASE.[SUFFIX.]pending-…`.
fn is_pending(base: &str, name: &str) -> bool {
    name.strip_prefix(base).is_some_and(|rest| {
        rest.starts_with('.')
            && rest.contains(&format!(".{PENDING_MARK}"))
            && !rest.ends_with(TMP_SUFFIX)
    })
}

/// A half-written archive this log's compression left: `X.gz.PID-SEQ.tmp` where
/// `X.gz` is one of its backups' names. Any other `.tmp` is someone else's.
fn is_own_tmp(settings: &Settings, base: &str, name: &str) -> bool {
    let Some(rest) = name.strip_suffix(TMP_SUFFIX) else {
        return false;
    };
    // `X.gz.PID-SEQ.tmp` (or `X.gz.tmp`, from earlier versions)
    let gz = match rest.rsplit_once('.') {
        Some((gz, id))
            if gz.ends_with(".gz")
                && id.split_once('-').is_some_and(|(p, q)| {
                    !p.is_empty()
                        && !q.is_empty()
                        && p.bytes().chain(q.bytes()).all(|b| b.is_ascii_digit())
                }) =>
        {
            gz
        }
        _ if rest.ends_with(".gz") => rest,
        _ => return false,
    };
    match &settings.policy {
        Policy::Size { .. } => gz
            .strip_prefix(base)
            .and_then(|r| r.strip_prefix('.'))
            .and_then(|r| r.strip_suffix(".gz"))
            .is_some_and(|d| {
                !d.is_empty() && !d.starts_with('0') && d.bytes().all(|b| b.is_ascii_digit())
            }),
        Policy::Time { schedule, .. } => schedule.is_backup(base, gz),
        Policy::Append { .. } | Policy::Watched { .. } => false,
    }
}

//! Opening the files a log writes: the log file (never through another user's link,
//! never another user's file in a directory others can write), its lock file, the
//! backups compression reads; the `flock` that `lock = true` takes.

use super::planted::check_owner;
use super::*;

pub(super) fn is_regular(path: &Path) -> bool {
    std::fs::metadata(path).map_or(true, |m| m.is_file())
}

/// The error for a file logconf will not touch, and why.
pub(super) fn refused(path: &Path, why: &str) -> std::io::Error {
    std::io::Error::new(
        std::io::ErrorKind::PermissionDenied,
        format!(
            "refusing {}: it {why} (another user may have planted it)",
            path.display()
        ),
    )
}

pub(super) fn effective_uid() -> u32 {
    // SAFETY: geteuid has no preconditions and cannot fail.
    unsafe { libc::geteuid() }
}

/// [`open_append`] for a log file: also readable when it is a regular file this user
/// may read (so that a line a full disk cut short can be recognised and taken back),
/// and whether it is. A FIFO, a terminal or a file the user may only write is opened
/// for writing alone: reading a pipe it writes would keep it open when its reader
/// leaves.
pub(super) fn open_log_file(path: &Path, truncate: bool) -> std::io::Result<(File, bool)> {
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

/// Opens `path` for appending (and reading when `read`), creating it; truncates it
/// first when `truncate`.
///
/// A symbolic link is followed only when it belongs to this process's user or to
/// root; one of another user (planted in a shared directory such as /tmp) is refused,
/// and when no link was found none is followed (`O_NOFOLLOW`), so one swapped in
/// meanwhile is refused too. The parent directories are looked at the same way, and an
/// existing file of another user in a directory others can write is refused (see
/// [`super::planted`]).
pub(super) fn open_append_with(path: &Path, truncate: bool, read: bool) -> std::io::Result<File> {
    let (dir, name) = planted::open_parent(path)?;
    let trusted_link = match planted::stat_in(&dir, &name, false) {
        Some(st) if st.st_mode & libc::S_IFMT == libc::S_IFLNK => {
            if st.st_uid != effective_uid() && st.st_uid != 0 {
                return Err(refused(
                    path,
                    &format!("is a symbolic link of another user (uid {})", st.st_uid),
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
    let fifo = planted::stat_in(&dir, &name, true)
        .is_some_and(|st| st.st_mode & libc::S_IFMT == libc::S_IFIFO);
    let mut flags = libc::O_CREAT | libc::O_APPEND;
    flags |= if read { libc::O_RDWR } else { libc::O_WRONLY };
    if !trusted_link {
        flags |= libc::O_NOFOLLOW;
    }
    if fifo {
        flags |= libc::O_NONBLOCK;
    }
    let file = planted::open_in(&dir, &name, flags, 0o666).map_err(|e| match e.raw_os_error() {
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
pub(super) fn not_connected(path: &Path, error: std::io::Error) -> std::io::Error {
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
pub(super) fn rename_if_present(from: &Path, to: impl AsRef<Path>) -> std::io::Result<()> {
    match std::fs::rename(from, to) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        other => other,
    }
}

/// `NAME.lock`: the side file processes sharing `NAME` lock (`lock = true`).
pub fn lock_path(path: &Path) -> PathBuf {
    with_suffix(path, ".lock")
}

/// The permission bits of an open file.
pub(super) fn file_mode(file: &File) -> Option<u32> {
    use std::os::unix::fs::PermissionsExt;
    file.metadata()
        .ok()
        .map(|m| m.permissions().mode() & 0o7777)
}

/// Opens the new file after a rollover with the permissions of the one rolled over, as
/// logrotate's `create` does (a 0600 log stays 0600, and so do its backups), but never
/// more open than a file this process creates (see [`planted::no_more_open`]).
pub(super) fn reopen_rolled(
    path: &Path,
    state: &mut State,
    mode: Option<u32>,
) -> std::io::Result<()> {
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

pub(super) fn open_into(path: &Path, state: &mut State, truncate: bool) -> std::io::Result<()> {
    let (file, readable) = open_log_file(path, truncate)?;
    state.shared_appends = readable;
    let meta = file.metadata()?;
    state.size.store(meta.len(), Ordering::Relaxed);
    state.identity = Some((meta.dev(), meta.ino()));
    state.file = Some(file);
    Ok(())
}

/// An exclusive `flock` on a file, released when dropped.
pub struct FlockGuard(std::os::fd::RawFd);

/// Opens (creating) a lock file: `NAME.lock`, `NAME.compress.lock`. Mode 0600, so no
/// other user can open it and hold its `flock` for ever; one made more open by an
/// earlier version is narrowed. Never another user's, nor through a link (see [`open_append_with`]).
pub fn open_lock_file(path: &Path) -> std::io::Result<File> {
    use std::os::unix::fs::PermissionsExt;
    let (dir, name) = planted::open_parent(path)?;
    let flags = libc::O_CREAT | libc::O_APPEND | libc::O_WRONLY | libc::O_NOFOLLOW;
    let file = planted::open_in(&dir, &name, flags, 0o600).map_err(|e| match e.raw_os_error() {
        Some(libc::ELOOP) => refused(path, "is a symbolic link"),
        _ => e,
    })?;
    check_owner(&file, path)?;
    let meta = file.metadata()?;
    if meta.uid() == effective_uid() && meta.permissions().mode() & 0o077 != 0 {
        file.set_permissions(std::fs::Permissions::from_mode(0o600))?;
    }
    Ok(file)
}

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
    /// Waits for the lock at most `limit` (a `TimedOut` error then): for a lock that a
    /// process of another user can take too (a directory).
    pub fn exclusive_within(
        file: &File,
        limit: std::time::Duration,
    ) -> std::io::Result<FlockGuard> {
        let deadline = std::time::Instant::now() + limit;
        let mut pause = std::time::Duration::from_micros(100);
        loop {
            if let Some(guard) = FlockGuard::try_exclusive(file) {
                return Ok(guard);
            }
            if std::time::Instant::now() >= deadline {
                return Err(std::io::Error::new(
                    std::io::ErrorKind::TimedOut,
                    format!(
                        "its lock was held by another process for {} s",
                        limit.as_secs()
                    ),
                ));
            }
            std::thread::sleep(pause);
            pause = (pause * 2).min(std::time::Duration::from_millis(50));
        }
    }

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

/// An open lock file (or a directory locked for compression) whose descriptor a forked
/// child closes at once (see [`crate::fork::register_lock_fd`]): in that child, dropping
/// it does not close the number again.
pub struct LockFile {
    file: std::mem::ManuallyDrop<File>,
    registered: bool,
    made_in: u64,
}

impl LockFile {
    /// Takes `file` over and registers its descriptor.
    pub fn new(file: File) -> LockFile {
        use std::os::fd::AsRawFd;
        let registered = crate::fork::register_lock_fd(file.as_raw_fd());
        LockFile {
            file: std::mem::ManuallyDrop::new(file),
            registered,
            made_in: crate::fork::epoch(),
        }
    }

    /// The open file.
    pub fn file(&self) -> &File {
        &self.file
    }
}

impl Drop for LockFile {
    fn drop(&mut self) {
        use std::os::fd::AsRawFd;
        if self.registered {
            if self.made_in != crate::fork::epoch() {
                return; // a child's copy, closed by the fork hook already
            }
            crate::fork::unregister_lock_fd(self.file.as_raw_fd());
        }
        // SAFETY: dropped once, here, and never used again.
        unsafe { std::mem::ManuallyDrop::drop(&mut self.file) };
    }
}

//! Files and directories another user could have planted where a log goes: a
//! symbolic link of theirs among the log path's parent directories, a log file of
//! theirs in a directory they can write. logconf writes into neither, and the files it
//! creates are never more open than its own umask allows (a mode is never copied
//! from a file someone else made more open).

use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

use once_cell::sync::Lazy;

use super::{effective_uid, refused};

/// A user whose files and links logconf trusts: its own, or root's.
fn trusted(uid: u32) -> bool {
    uid == effective_uid() || uid == 0
}

/// Refuses an open log file that belongs to another user when its directory is one
/// that user (or anybody) can write: they may have made it first, as a trap (mode
/// 0666 to read what is logged, or to fill it). A file of another user in a directory
/// only this user or root can write was put there by an administrator and is used.
pub fn check_owner(file: &std::fs::File, path: &Path) -> std::io::Result<()> {
    let meta = file.metadata()?;
    if trusted(meta.uid()) {
        return Ok(());
    }
    let dir = super::dir_of(path);
    let open_dir = std::fs::metadata(&dir)
        .map(|d| d.mode() & 0o022 != 0 || !trusted(d.uid()))
        .unwrap_or(true);
    if open_dir {
        return Err(refused(
            path,
            &format!(
                "belongs to another user (uid {}) and its directory is writable by others",
                meta.uid()
            ),
        ));
    }
    Ok(())
}

/// The permission bits this process gives the files it creates (its umask, read once
/// from /proc; 022 where that cannot be read).
fn umask() -> u32 {
    static UMASK: Lazy<u32> = Lazy::new(|| {
        std::fs::read_to_string("/proc/self/status")
            .ok()
            .and_then(|s| {
                s.lines()
                    .find_map(|l| l.strip_prefix("Umask:"))
                    .and_then(|v| u32::from_str_radix(v.trim(), 8).ok())
            })
            .unwrap_or(0o022)
    });
    *UMASK
}

/// The mode for a file made after one of `mode` (a rollover's new file, a `.gz`): the
/// same, but never more open than a file this process creates (`0666 & !umask`), and
/// never with set-id or sticky bits.
pub fn no_more_open(mode: u32) -> u32 {
    mode & 0o666 & !umask()
}

/// The directory `path` is in, opened by walking its parents one at a time from `/`
/// (`openat` with `O_NOFOLLOW`): a symbolic link among them is followed only when it
/// belongs to this process's user or to root, and one of another user swapped in
/// while the walk runs is not followed either. Returns the directory and the last
/// component's name, for an `openat` of the file itself.
pub fn open_parent(path: &Path) -> std::io::Result<(std::os::fd::OwnedFd, std::ffi::OsString)> {
    use std::collections::VecDeque;
    use std::ffi::{CString, OsStr, OsString};
    use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
    use std::os::unix::ffi::OsStrExt;
    let abs = std::path::absolute(path)?;
    let name = abs
        .file_name()
        .map(OsStr::to_os_string)
        .ok_or_else(|| std::io::Error::other(format!("{} names no file", path.display())))?;
    let c = |s: &OsStr| {
        CString::new(s.as_bytes()).map_err(|_| std::io::Error::other("a path holds a NUL byte"))
    };
    let root = || -> std::io::Result<OwnedFd> {
        // SAFETY: a valid NUL-terminated path; the descriptor is owned at once.
        let fd = unsafe {
            libc::open(
                c"/".as_ptr(),
                libc::O_PATH | libc::O_DIRECTORY | libc::O_CLOEXEC,
            )
        };
        if fd < 0 {
            return Err(std::io::Error::last_os_error());
        }
        // SAFETY: `fd` was just opened and is owned by nobody else.
        Ok(unsafe { OwnedFd::from_raw_fd(fd) })
    };
    let parts = |p: &Path| -> VecDeque<OsString> {
        p.components()
            .filter_map(|part| match part {
                std::path::Component::Normal(n) => Some(n.to_os_string()),
                std::path::Component::ParentDir => Some(OsString::from("..")),
                _ => None,
            })
            .collect()
    };
    let mut todo = parts(abs.parent().unwrap_or(Path::new("/")));
    let mut dir = root()?;
    let mut seen = PathBuf::from("/");
    let mut links = 0;
    while let Some(part) = todo.pop_front() {
        let cpart = c(&part)?;
        // SAFETY: `dir` is an open directory, `cpart` a valid NUL-terminated name.
        let fd = unsafe {
            libc::openat(
                dir.as_raw_fd(),
                cpart.as_ptr(),
                libc::O_PATH | libc::O_DIRECTORY | libc::O_NOFOLLOW | libc::O_CLOEXEC,
            )
        };
        if fd >= 0 {
            // SAFETY: `fd` was just opened and is owned by nobody else.
            dir = unsafe { OwnedFd::from_raw_fd(fd) };
            seen.push(&part);
            continue;
        }
        let error = std::io::Error::last_os_error();
        if !matches!(error.raw_os_error(), Some(libc::ENOTDIR | libc::ELOOP)) {
            return Err(error);
        }
        // SAFETY: as above; `st` is a live local the call fills.
        let mut st: libc::stat = unsafe { std::mem::zeroed() };
        let looked = unsafe {
            libc::fstatat(
                dir.as_raw_fd(),
                cpart.as_ptr(),
                &mut st,
                libc::AT_SYMLINK_NOFOLLOW,
            )
        };
        if looked != 0 || st.st_mode & libc::S_IFMT != libc::S_IFLNK {
            return Err(error); // not a directory, and not a link to one
        }
        seen.push(&part);
        if !trusted(st.st_uid) {
            return Err(refused(
                path,
                &format!(
                    "goes through {}, a symbolic link of another user (uid {})",
                    seen.display(),
                    st.st_uid
                ),
            ));
        }
        links += 1;
        if links > 40 {
            return Err(std::io::Error::from_raw_os_error(libc::ELOOP));
        }
        let mut target = vec![0u8; libc::PATH_MAX as usize];
        // SAFETY: the buffer is `target.len()` bytes long.
        let n = unsafe {
            libc::readlinkat(
                dir.as_raw_fd(),
                cpart.as_ptr(),
                target.as_mut_ptr().cast(),
                target.len(),
            )
        };
        if n < 0 {
            return Err(std::io::Error::last_os_error());
        }
        target.truncate(n as usize);
        let target = PathBuf::from(OsStr::from_bytes(&target));
        seen.pop();
        if target.is_absolute() {
            dir = root()?;
            seen = PathBuf::from("/");
        }
        let mut rest = parts(&target);
        rest.extend(todo);
        todo = rest;
    }
    Ok((dir, name))
}

/// What `name` in `dir` is (`follow`: what a link there points to).
pub fn stat_in(
    dir: &std::os::fd::OwnedFd,
    name: &std::ffi::OsStr,
    follow: bool,
) -> Option<libc::stat> {
    use std::os::fd::AsRawFd;
    use std::os::unix::ffi::OsStrExt;
    let cname = std::ffi::CString::new(name.as_bytes()).ok()?;
    // SAFETY: an open directory, a valid name, a live local for the result.
    let mut st: libc::stat = unsafe { std::mem::zeroed() };
    let flags = if follow { 0 } else { libc::AT_SYMLINK_NOFOLLOW };
    (unsafe { libc::fstatat(dir.as_raw_fd(), cname.as_ptr(), &mut st, flags) } == 0).then_some(st)
}

/// Opens `name` in `dir` with `flags` (creating it with `mode`, the umask applied).
pub fn open_in(
    dir: &std::os::fd::OwnedFd,
    name: &std::ffi::OsStr,
    flags: libc::c_int,
    mode: libc::c_uint,
) -> std::io::Result<std::fs::File> {
    use std::os::fd::{AsRawFd, FromRawFd};
    use std::os::unix::ffi::OsStrExt;
    let cname = std::ffi::CString::new(name.as_bytes())
        .map_err(|_| std::io::Error::other("a path holds a NUL byte"))?;
    // SAFETY: an open directory, a valid name; the descriptor is owned at once.
    let fd = unsafe {
        libc::openat(
            dir.as_raw_fd(),
            cname.as_ptr(),
            flags | libc::O_CLOEXEC,
            mode,
        )
    };
    if fd < 0 {
        return Err(std::io::Error::last_os_error());
    }
    // SAFETY: `fd` was just opened and is owned by nobody else.
    Ok(unsafe { std::fs::File::from_raw_fd(fd) })
}

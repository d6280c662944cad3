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

/// Refuses a path that goes through a symbolic link of another user: each parent
/// directory of `path` is looked at without following it (`/tmp/shared/appdir ->
/// /root-only` planted by another user would make logconf create, rotate and delete
/// files in a directory that user cannot write).
pub fn check_parents(path: &Path) -> std::io::Result<()> {
    let abs = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let mut seen = PathBuf::new();
    let Some(parent) = abs.parent() else {
        return Ok(());
    };
    for part in parent.components() {
        seen.push(part);
        if let Ok(m) = std::fs::symlink_metadata(&seen) {
            if m.file_type().is_symlink() && !trusted(m.uid()) {
                return Err(refused(
                    path,
                    &format!(
                        "goes through {}, a symbolic link of another user (uid {})",
                        seen.display(),
                        m.uid()
                    ),
                ));
            }
        }
    }
    Ok(())
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

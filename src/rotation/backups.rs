//! A log's backups on disk: which names in its directory are its backups, which are
//! someone else's (skipped, never renamed over or deleted), and renames that never
//! replace anything.
//!
//! Numbered backups (`NAME.1` … `NAME.N`, `.gz` or not) are shifted up to the first
//! free number only, reading the directory once; a number held by something logconf
//! would not have made (a directory, a link, another user's file) is skipped, and the
//! N backups use the first N numbers that are not. A timed backup whose name is taken
//! (the hour repeated when the clocks go back, two rollovers in one `when` unit, a
//! file someone left) gets `NAME.SUFFIX.1`, `.2`, … instead.

use std::collections::{BTreeMap, HashSet};
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

use crate::sync::Mutex;
use once_cell::sync::Lazy;

use super::timed::Schedule;
use super::{numbered, with_suffix, PENDING_MARK, TMP_SUFFIX};

/// What is at a backup's name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Occupant {
    /// Nothing.
    Free,
    /// A regular file of this process's user: a backup logconf may rename or delete.
    Ours,
    /// Anything else (a directory, a link, a FIFO, another user's file): left alone.
    Foreign,
}

/// What is at `path`, without following a link.
pub fn occupant(path: &Path) -> Occupant {
    match std::fs::symlink_metadata(path) {
        Err(_) => Occupant::Free,
        Ok(m) if m.file_type().is_file() && m.uid() == super::effective_uid() => Occupant::Ours,
        Ok(_) => Occupant::Foreign,
    }
}

/// A backup's number as logconf writes it (`1`, `2`, …: digits, no leading zero).
pub fn backup_number(text: &str) -> Option<u32> {
    if text.starts_with('0') || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

/// Says once per name, for the life of the process, that a name of the log's family
/// holds something logconf did not make and leaves alone.
pub fn report_foreign(path: &Path) {
    static SAID: Lazy<Mutex<HashSet<PathBuf>>> = Lazy::new(|| Mutex::new(HashSet::new()));
    let mut said = SAID.lock();
    if said.len() < 10_000 && said.insert(path.to_path_buf()) {
        crate::diagnostics::report!(
            "{} has a backup's name but is not a file of this user (another user may have \
             planted it): it is skipped, never renamed over or deleted",
            path.display()
        );
    }
}

/// Renames `from` to `to` only if nothing is at `to` (an `AlreadyExists` error then):
/// `renameat2(RENAME_NOREPLACE)`, or a hard link and an unlink where the file system
/// lacks it.
pub fn rename_noreplace(from: &Path, to: &Path) -> std::io::Result<()> {
    use std::os::unix::ffi::OsStrExt as _;
    let c = |p: &Path| {
        std::ffi::CString::new(p.as_os_str().as_bytes())
            .map_err(|_| std::io::Error::other("a path holds a NUL byte"))
    };
    let (cf, ct) = (c(from)?, c(to)?);
    #[cfg(any(target_os = "linux", target_os = "android"))]
    {
        // SAFETY: two valid NUL-terminated paths; no other pointer is passed.
        let rc = unsafe {
            libc::syscall(
                libc::SYS_renameat2,
                libc::AT_FDCWD,
                cf.as_ptr(),
                libc::AT_FDCWD,
                ct.as_ptr(),
                libc::RENAME_NOREPLACE,
            )
        };
        if rc == 0 {
            return Ok(());
        }
        let e = std::io::Error::last_os_error();
        if !matches!(e.raw_os_error(), Some(libc::EINVAL | libc::ENOSYS)) {
            return Err(taken(e, to));
        }
    }
    // SAFETY: valid NUL-terminated paths.
    if unsafe { libc::link(cf.as_ptr(), ct.as_ptr()) } == 0 {
        return std::fs::remove_file(from);
    }
    let e = std::io::Error::last_os_error();
    if e.raw_os_error() == Some(libc::EEXIST) {
        return Err(taken(e, to));
    }
    // no hard links here either (a FAT or SMB mount): look, then rename
    if std::fs::symlink_metadata(to).is_ok() {
        return Err(taken(std::io::Error::from_raw_os_error(libc::EEXIST), to));
    }
    std::fs::rename(from, to)
}

fn taken(e: std::io::Error, to: &Path) -> std::io::Error {
    if e.raw_os_error() == Some(libc::EEXIST) {
        std::io::Error::new(
            std::io::ErrorKind::AlreadyExists,
            format!(
                "{} exists already; nothing is renamed over it",
                to.display()
            ),
        )
    } else {
        e
    }
}

/// The numbered backups of `path` found in its directory, by number: which of
/// `NAME.i` and `NAME.i.gz` are there.
#[derive(Default)]
pub struct Numbered {
    found: BTreeMap<u32, [bool; 2]>,
}

impl Numbered {
    /// Reads the directory once.
    pub fn read(path: &Path) -> std::io::Result<Numbered> {
        let dir = super::dir_of(path);
        let prefix = format!("{}.", super::file_name(path));
        let mut found: BTreeMap<u32, [bool; 2]> = BTreeMap::new();
        for entry in std::fs::read_dir(dir)?.filter_map(Result::ok) {
            let name = entry.file_name();
            let Some(rest) = name.to_str().and_then(|n| n.strip_prefix(&prefix)) else {
                continue;
            };
            let (digits, gz) = match rest.strip_suffix(".gz") {
                Some(d) => (d, 1),
                None => (rest, 0),
            };
            if let Some(i) = backup_number(digits) {
                found.entry(i).or_default()[gz] = true;
            }
        }
        Ok(Numbered { found })
    }

    /// The names at number `i` that exist.
    fn present(&self, path: &Path, i: u32) -> Vec<PathBuf> {
        let [plain, gz] = self.found.get(&i).copied().unwrap_or_default();
        let mut out = Vec::new();
        if plain {
            out.push(numbered(path, i));
        }
        if gz {
            out.push(with_suffix(&numbered(path, i), ".gz"));
        }
        out
    }

    /// The first `count` numbers not held by something foreign (reported once), in
    /// order: the numbers this log's backups use — up to the first number above every
    /// one on disk, which is free (the rest, up to `count`, are free too).
    pub fn slots(&self, path: &Path, count: u32) -> Vec<u32> {
        // beyond the highest number on disk every number is free: the list stops at
        // the first of them, so its length follows the directory, not `backup_count`
        let highest = self.found.keys().next_back().copied().unwrap_or(0);
        let mut slots = Vec::with_capacity(count.min(1 << 16) as usize);
        let mut i = 1u32;
        while (slots.len() as u32) < count {
            if i > highest {
                slots.push(i);
                break;
            }
            let foreign: Vec<PathBuf> = self
                .present(path, i)
                .into_iter()
                .filter(|p| occupant(p) == Occupant::Foreign)
                .collect();
            if foreign.is_empty() {
                slots.push(i);
            } else {
                foreign.iter().for_each(|p| report_foreign(p));
            }
            match i.checked_add(1) {
                Some(next) => i = next,
                None => break,
            }
        }
        slots
    }

    /// This log's backups, oldest first (the highest numbers first), within its
    /// `count` slots.
    pub fn oldest_first(&self, path: &Path, count: u32) -> Vec<PathBuf> {
        let mut out = Vec::new();
        for i in self.slots(path, count).into_iter().rev() {
            if self.found.contains_key(&i) {
                // of two sharing a number, the compressed one goes first
                let mut names = self.present(path, i);
                names.reverse();
                out.extend(names.into_iter().filter(|p| occupant(p) == Occupant::Ours));
            }
        }
        out
    }

    /// Makes room for a new backup at the first slot: shifts the backups up to the
    /// first free slot (deleting the oldest when all `count` are taken) and returns the
    /// first slot's number. Nothing is renamed over anything: a name that appears
    /// meanwhile stops the shift with an `AlreadyExists` error, and what was moved stays
    /// moved (the next rollover goes on from there).
    pub fn make_room(&self, path: &Path, count: u32) -> std::io::Result<u32> {
        let slots = self.slots(path, count);
        let Some(&first) = slots.first() else {
            return Err(std::io::Error::other("backup_count is 0"));
        };
        let free = slots
            .iter()
            .position(|i| !self.found.contains_key(i))
            .unwrap_or_else(|| {
                let last = slots.len() - 1;
                for p in self.present(path, slots[last]) {
                    let _ = remove_ours(&p);
                }
                last
            });
        for k in (0..free).rev() {
            for src in self.present(path, slots[k]) {
                let gz = src.extension().is_some_and(|e| e == "gz");
                let dst = numbered(path, slots[k + 1]);
                let dst = if gz { with_suffix(&dst, ".gz") } else { dst };
                match rename_noreplace(&src, &dst) {
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => {} // moved meanwhile
                    other => other?,
                }
            }
        }
        Ok(first)
    }
}

/// Deletes `path` if it is still a file of ours (gone already is fine).
pub fn remove_ours(path: &Path) -> std::io::Result<()> {
    match occupant(path) {
        Occupant::Ours => match std::fs::remove_file(path) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            other => other,
        },
        Occupant::Free => Ok(()),
        Occupant::Foreign => {
            report_foreign(path);
            Ok(())
        }
    }
}

/// How a timed backup's name sorts: its date, then its collision number.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct TimedKey {
    date: String,
    n: u32,
    gz: bool,
}

/// When `name` is a timed backup of `base` (`base.DATE`, `base.DATE.N`, either with
/// `.gz`, DATE in the schedule's format), its sort key. Pending and temporary files
/// and any other name (`base.DATE.important`) are not backups.
pub fn timed_key(schedule: &Schedule, base: &str, name: &str) -> Option<TimedKey> {
    let rest = name.strip_prefix(base)?.strip_prefix('.')?;
    if rest.contains(PENDING_MARK) || rest.ends_with(TMP_SUFFIX) {
        return None;
    }
    let (rest, gz) = match rest.strip_suffix(".gz") {
        Some(r) => (r, true),
        None => (rest, false),
    };
    if schedule.is_date(rest) {
        return Some(TimedKey {
            date: rest.to_string(),
            n: 0,
            gz,
        });
    }
    let (date, n) = rest.rsplit_once('.')?;
    let n = backup_number(n)?;
    schedule.is_date(date).then(|| TimedKey {
        date: date.to_string(),
        n,
        gz,
    })
}

/// How many taken names a timed backup tries (`NAME.SUFFIX.1` … this) before giving up.
pub const MOST_TAKEN: u32 = 10_000;

/// `NAME.SUFFIX` when neither it nor `NAME.SUFFIX.gz` exists, else the first free
/// `NAME.SUFFIX.N` (N from 1).
pub fn free_timed_name(path: &Path, suffix: &str) -> PathBuf {
    let taken = |p: &Path| {
        std::fs::symlink_metadata(p).is_ok()
            || std::fs::symlink_metadata(with_suffix(p, ".gz")).is_ok()
    };
    let plain = with_suffix(path, &format!(".{suffix}"));
    if !taken(&plain) {
        return plain;
    }
    // bounded: a directory filled with planted names must not make a rollover endless
    // (then the plain name is tried, the rename fails, and records go on into the file)
    (1..=MOST_TAKEN)
        .map(|n| with_suffix(path, &format!(".{suffix}.{n}")))
        .find(|p| !taken(p))
        .unwrap_or(plain)
}

/// The timed backups of the log at `path` in its directory, oldest first (foreign
/// ones reported and left out).
pub fn timed_oldest_first(path: &Path, schedule: &Schedule) -> Vec<PathBuf> {
    let dir = super::dir_of(path);
    let base = super::file_name(path);
    let mut found: Vec<(TimedKey, PathBuf)> = std::fs::read_dir(&dir)
        .map(|rd| {
            rd.filter_map(Result::ok)
                .filter_map(|e| {
                    let name = e.file_name().to_string_lossy().into_owned();
                    timed_key(schedule, &base, &name).map(|k| (k, dir.join(&name)))
                })
                .collect()
        })
        .unwrap_or_default();
    found.sort();
    found
        .into_iter()
        .map(|(_, p)| p)
        .filter(|p| match occupant(p) {
            Occupant::Ours => true,
            Occupant::Foreign => {
                report_foreign(p);
                false
            }
            Occupant::Free => false,
        })
        .collect()
}

/// The log's family as names only (one directory read, no other system call): how
/// many backups (numbered within `count`, or timed) and which files wait for
/// compression, oldest first.
pub fn census(path: &Path, schedule: Option<&Schedule>, count: u32) -> (usize, Vec<PathBuf>) {
    let dir = super::dir_of(path);
    let base = super::file_name(path);
    let prefix = format!("{base}.");
    let mut backups = 0;
    let mut pending = Vec::new();
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return (0, pending);
    };
    for entry in entries.filter_map(Result::ok) {
        let name = entry.file_name().to_string_lossy().into_owned();
        let Some(rest) = name.strip_prefix(&prefix) else {
            continue;
        };
        if is_pending_of(&base, schedule, &name) {
            pending.push(dir.join(&name));
            continue;
        }
        let is_backup = match schedule {
            Some(s) => timed_key(s, &base, &name).is_some(),
            None => {
                let digits = rest.strip_suffix(".gz").unwrap_or(rest);
                backup_number(digits).is_some_and(|i| i <= count)
            }
        };
        if is_backup {
            backups += 1;
        }
    }
    pending.sort();
    (backups, pending)
}

/// True when `name` is a file of the log `base` waiting for compression, exactly as
/// `compress::pending_name` makes it: `BASE.pending-ID` for size rotation,
/// `BASE.DATE.pending-ID` for time rotation (DATE in the schedule's format), ID being
/// digits (`TIME-PID-SEQ`, or the shorter forms of earlier versions). Another log's (`app.log.err.pending-…` beside
/// `app.log`) or a name someone chose is not.
pub fn is_pending_of(base: &str, schedule: Option<&Schedule>, name: &str) -> bool {
    let Some(rest) = name.strip_prefix(base).and_then(|r| r.strip_prefix('.')) else {
        return false;
    };
    let Some((stem, id)) = rest.rsplit_once(PENDING_MARK) else {
        return false;
    };
    // `TIME-PID-SEQ` now; `TIME-SEQ` and `SEQ` from earlier versions
    let groups: Vec<&str> = id.split('-').collect();
    let id_ok = (1..=3).contains(&groups.len())
        && groups
            .iter()
            .all(|g| !g.is_empty() && g.len() <= 24 && g.bytes().all(|b| b.is_ascii_digit()));
    id_ok
        && match schedule {
            None => stem.is_empty(),
            Some(s) => stem.strip_suffix('.').is_some_and(|date| s.is_date(date)),
        }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::values::When;

    #[test]
    fn pending_names_are_the_logs_own_only() {
        let id = "000000000000000000000001-0000000042-00000007";
        assert!(is_pending_of(
            "app.log",
            None,
            &format!("app.log.pending-{id}")
        ));
        // another log whose name starts with this one's
        assert!(!is_pending_of(
            "app.log",
            None,
            &format!("app.log.err.pending-{id}")
        ));
        assert!(!is_pending_of("app.log", None, "app.log.pending-notes"));
        assert!(!is_pending_of(
            "app.log",
            None,
            &format!("app.log.pending-{id}.gz.1-2.tmp")
        ));
        let hourly = Schedule::new(When::H, 1, true, None);
        assert!(is_pending_of(
            "app.log",
            Some(&hourly),
            &format!("app.log.2024-01-20_10.pending-{id}")
        ));
        assert!(!is_pending_of(
            "app.log",
            Some(&hourly),
            &format!("app.log.err.2024-01-20_10.pending-{id}")
        ));
        assert!(!is_pending_of(
            "app.log",
            Some(&hourly),
            &format!("app.log.pending-{id}")
        ));
    }
}

//! Rolling the file over: when (Python's size and time rules), how (renames only, on
//! the logging thread; never over anything), and the backlog a rollover keeps
//! bounded when compression falls behind.

use super::*;

impl FileWriter {
    /// True when the file must roll over before a line of `len` bytes, with `pending`
    /// bytes of this batch not written yet (Python's `shouldRollover`).
    pub(super) fn rolls_before(&self, state: &mut State, pending: u64, len: u64) -> bool {
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
    pub(super) fn roll_or_go_on(&self, state: &mut State) -> std::io::Result<()> {
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
    /// compressor holds it past [`BACKLOG_LOCK_WAIT`], only files still waiting for compression are deleted, the
    /// oldest first, which is said once per streak. One directory read when nothing is
    /// over the bound.
    pub(super) fn hold_backlog(&self, schedule: Option<&Schedule>, backup_count: u32) {
        if backup_count == 0 {
            return;
        }
        let bound = backup_count as usize + BACKLOG_SLACK;
        let (backups, pending) = backups::census(&self.settings.path, schedule, backup_count);
        if backups + pending.len() <= bound {
            self.core().backlog_retiring.store(false, Ordering::Relaxed);
            return;
        }
        // the compressor holds the lock only to put an archive in place, but at nice 19
        // it can be preempted holding it: a short wait lets it finish
        if let Ok(_family) = compress::FamilyLock::acquire_within(&self.settings, BACKLOG_LOCK_WAIT)
        {
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
    pub(super) fn roll(&self, state: &mut State) -> std::io::Result<()> {
        match &self.settings.policy {
            Policy::Size { backup_count, .. } => self.roll_by_size(state, *backup_count),
            Policy::Time {
                schedule,
                backup_count,
            } => self.roll_by_time(state, schedule, *backup_count, clock::now_secs()),
            Policy::Append { .. } | Policy::Watched { .. } => Ok(()),
        }
    }

    pub(super) fn roll_by_size(&self, state: &mut State, backup_count: u32) -> std::io::Result<()> {
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

    pub(super) fn roll_by_time(
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
}

/// The oldest time-rotation backups beyond `keep`, by name order (dates sort).
fn timed_backups_to_delete(settings: &Settings, schedule: &Schedule, keep: u32) -> Vec<PathBuf> {
    let mut backups = backups::timed_oldest_first(&settings.path, schedule);
    let excess = backups.len().saturating_sub(keep as usize);
    backups.truncate(excess);
    backups
}

/// Python's size rule: a file of `size` bytes rolls over before a line of `len` bytes
/// that would make it reach `max_bytes` (never with `max_bytes` or `backup_count` 0,
/// never when empty).
pub(super) fn size_rolls(max_bytes: u64, backup_count: u32, size: u64, len: u64) -> bool {
    max_bytes > 0 && backup_count > 0 && size > 0 && size + len >= max_bytes
}

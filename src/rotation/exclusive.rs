//! The exclusive write path: one thread holds the file (a rollover, `lock = true`,
//! `watched_file`, a buffer written out, recovery from a failed write) and writes
//! lines in as few system calls as rollover allows; a line cut short by a failed write
//! is taken back first.

use super::*;

impl FileWriter {
    /// Under the exclusive lock (no append in flight), before anything is written:
    /// takes back each line a failed concurrent append left cut short, when its part is
    /// still the last thing in its file (best effort: a file that refuses truncation,
    /// `chattr +a`, keeps it), and takes the size from the file.
    pub(super) fn take_back_cuts(&self, state: &mut State) {
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
    pub(super) fn write_exclusive(&self, state: &mut State, line: &[u8]) -> std::io::Result<()> {
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
    pub(super) fn write_records(
        &self,
        state: &mut State,
        bytes: &[u8],
        ends: &[usize],
    ) -> (usize, Option<std::io::Error>) {
        // who writes was decided where the state was taken (`own`), or by `retire`
        debug_assert!(
            self.successor().is_none(),
            "records written by a retired writer"
        );
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
    pub(super) fn prepare(&self, state: &mut State) -> std::io::Result<()> {
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

    /// Appends a chunk of whole lines in one write; on failure, how many of its lines
    /// were written whole (a line cut short is rolled back).
    pub(super) fn append(
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
    pub(super) fn lock_shared_file(&self, state: &mut State) -> std::io::Result<FlockGuard> {
        if state.lock_file.is_none() {
            state.lock_file = Some(LockFile::new(open_lock_file(&lock_path(
                &self.settings.path,
            ))?));
        }
        let file = state
            .lock_file
            .as_ref()
            .ok_or_else(|| std::io::Error::other("the lock file is not open"))?;
        FlockGuard::exclusive(file.file())
    }

    /// Under the lock: reopens the file when another process rolled it over (true
    /// then), and takes its size from the file, which every process appends to.
    pub(super) fn follow_other_processes(&self, state: &mut State) -> std::io::Result<bool> {
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

    pub(super) fn reopen_if_moved(&self, state: &mut State) -> std::io::Result<()> {
        let now = std::fs::metadata(&self.settings.path)
            .ok()
            .map(|m| (m.dev(), m.ino()));
        if now.is_none() || now != state.identity {
            state.close_file();
            open_into(&self.settings.path, state, false)?;
        }
        Ok(())
    }
}

/// True when the `len` bytes of `file` end with `tail` (false when it cannot be read).
pub(super) fn ends_with_at(file: &File, len: u64, tail: &[u8]) -> bool {
    use std::os::unix::fs::FileExt;
    let Some(start) = len.checked_sub(tail.len() as u64) else {
        return false;
    };
    let mut found = vec![0; tail.len()];
    file.read_exact_at(&mut found, start).is_ok() && found == tail
}

/// Writes whole lines (`chunk`, each line ending at `ends[i] - offset`) in one call
/// where the kernel takes it. A write cut short (a full disk, a quota) is rolled back to
/// the last whole line by truncating the file, so the next record never continues half
/// a line: the file is opened for appending, so the chunk began at the end of the file
/// less what was written of it. On failure: the bytes and the lines written whole.
fn write_lines(
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

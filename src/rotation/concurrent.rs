//! The common write path, without waiting for other threads: a line that rolls
//! nothing over is appended (`O_APPEND`, one `write`) under the shared hold of the
//! writer's state, its bytes reserved in the size first.

use super::*;

impl FileWriter {
    /// The common case, without waiting for other threads: when the line rolls nothing
    /// over, it is appended (`O_APPEND`, one `write`) under the shared lock, its bytes
    /// reserved in the size first so that concurrent lines never take the file past
    /// `max_bytes`. None: the exclusive path must take it (nothing open yet, a rollover
    /// due, the once-a-second look at the path due).
    pub(super) fn append_concurrently(&self, line: &[u8]) -> Option<std::io::Result<()>> {
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
        Some(match self.own() {
            Ownership::Mine(mut state) => self.write_exclusive(&mut state, line),
            Ownership::HandedOn(next) => one_line(next.write_many(line, &[line.len()])),
        })
    }
}

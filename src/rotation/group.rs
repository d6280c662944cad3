//! Group commit (SPEC §2.9): threads that find a file busy hand their formatted line
//! to the thread writing it, which writes every waiting line in one system call; each
//! call still returns only once its own line was handed to the operating system.
//!
//! One thread at a time is the leader: it holds the file and takes batches from the
//! queue until the queue is empty. Lines are written in the order they were queued, so
//! each thread's records stay in its own order. Memory is bounded by the waiting
//! threads: each waits for its own line.

use std::collections::VecDeque;
use std::io::{Error, ErrorKind};

use parking_lot::{Condvar, Mutex};

/// The queue of one file's waiting lines.
#[derive(Default)]
pub struct Group {
    queue: Mutex<Queue>,
    written: Condvar,
}

#[derive(Default)]
struct Queue {
    /// The waiting lines, back to back.
    bytes: Vec<u8>,
    /// Where each waiting line ends in `bytes`.
    ends: Vec<usize>,
    /// The ticket of the first waiting line.
    first: u64,
    /// The ticket the next line gets.
    next: u64,
    /// Every ticket below this one is written (or failed).
    completed: u64,
    /// A leader is writing.
    leader: bool,
    /// Recent failed tickets, `[start, end)`, with the error.
    failures: VecDeque<(u64, u64, ErrorKind, String)>,
}

/// What a submitted line became.
pub enum Turn {
    /// Another thread wrote it: its result.
    Written(std::io::Result<()>),
    /// This thread leads: it must write batches (`take`, `finish`) until none is left;
    /// its own line has this ticket.
    Lead(u64),
}

/// A batch taken by the leader: the lines, where each ends, and the first's ticket.
#[derive(Default)]
pub struct Batch {
    /// The lines, back to back.
    pub bytes: Vec<u8>,
    /// Where each line ends in `bytes`.
    pub ends: Vec<usize>,
    /// The ticket of the first line.
    pub first: u64,
}

const FAILURES_KEPT: usize = 256;

impl Group {
    /// Queues `line`. Returns once another thread wrote it, or makes this thread the
    /// leader when none is writing.
    pub fn submit(&self, line: &[u8]) -> Turn {
        let mut q = self.queue.lock();
        let ticket = q.next;
        q.next += 1;
        if q.ends.is_empty() {
            q.first = ticket;
        }
        q.bytes.extend_from_slice(line);
        let end = q.bytes.len();
        q.ends.push(end);
        if !q.leader {
            q.leader = true;
            return Turn::Lead(ticket);
        }
        while q.completed <= ticket {
            self.written.wait(&mut q);
        }
        Turn::Written(q.result_of(ticket))
    }

    /// For the leader: swaps the waiting lines into `batch` (its old contents are
    /// cleared and reused). False when none is waiting: leadership ends then.
    pub fn take(&self, batch: &mut Batch) -> bool {
        batch.bytes.clear();
        batch.ends.clear();
        let mut q = self.queue.lock();
        if q.ends.is_empty() {
            q.leader = false;
            return false;
        }
        std::mem::swap(&mut q.bytes, &mut batch.bytes);
        std::mem::swap(&mut q.ends, &mut batch.ends);
        batch.first = q.first;
        q.first = q.next;
        true
    }

    /// For the leader: the batch is done; its first `ok` lines were written, the rest
    /// failed with `error`. Wakes the threads waiting for them.
    pub fn finish(&self, batch: &Batch, ok: usize, error: Option<&Error>) {
        let mut q = self.queue.lock();
        let end = batch.first + batch.ends.len() as u64;
        if let Some(e) = error {
            q.failures
                .push_back((batch.first + ok as u64, end, e.kind(), e.to_string()));
            if q.failures.len() > FAILURES_KEPT {
                q.failures.pop_front();
            }
        }
        q.completed = end;
        drop(q);
        self.written.notify_all();
    }
}

impl Queue {
    fn result_of(&self, ticket: u64) -> std::io::Result<()> {
        match self
            .failures
            .iter()
            .rev()
            .find(|(start, end, _, _)| (*start..*end).contains(&ticket))
        {
            Some((_, _, kind, message)) => Err(Error::new(*kind, message.clone())),
            None => Ok(()),
        }
    }
}

/// The result of the line with `ticket` in a batch whose first `ok` lines were
/// written (for the leader's own line).
pub fn own_result(
    batch: &Batch,
    ticket: u64,
    ok: usize,
    error: Option<&Error>,
) -> Option<std::io::Result<()>> {
    let index = ticket.checked_sub(batch.first)? as usize;
    if index >= batch.ends.len() {
        return None;
    }
    Some(match error {
        Some(e) if index >= ok => Err(Error::new(e.kind(), e.to_string())),
        _ => Ok(()),
    })
}

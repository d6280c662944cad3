//! Group commit (docs/performance.md), on the exclusive path (a rollover, `lock = true`,
//! `watched_file`, recovery from a failed write): threads that find the file held hand
//! their formatted line to the thread writing it, which writes every waiting line in one system call; each
//! call still returns only once its own line was handed to the operating system.
//!
//! One thread at a time is the leader: it holds the file and takes batches from the
//! queue until the queue is empty. Lines are written in the order they were queued, so
//! each thread's records stay in its own order. Memory is bounded by the waiting
//! threads: each waits for its own line.

use std::collections::VecDeque;
use std::io::{Error, ErrorKind};
use std::sync::atomic::Ordering;

use crate::sync::{spin, AtomicU64, Condvar, Mutex, SPINS};

/// The queue of one file's waiting lines.
#[derive(Default)]
pub struct Group {
    queue: Mutex<Queue>,
    written: Condvar,
    /// `Queue::completed`, readable without the lock: a waiting thread spins on it a
    /// little ([`SPINS`] looks) before it sleeps.
    completed: AtomicU64,
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
    /// This thread leads: it writes its own line (not queued), then the batches that
    /// queued meanwhile (`take`, `finish`) until none is left. Only the leader touches
    /// the file, so a thread never waits for the file's lock, only for its line.
    Lead,
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
        if !q.leader {
            q.leader = true;
            return Turn::Lead;
        }
        let ticket = q.next;
        q.next += 1;
        if q.ends.is_empty() {
            q.first = ticket;
        }
        q.bytes.extend_from_slice(line);
        let end = q.bytes.len();
        q.ends.push(end);
        drop(q);
        for i in 0..SPINS {
            if self.completed.load(Ordering::Acquire) > ticket {
                break;
            }
            spin(i);
        }
        let mut q = self.queue.lock();
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
        self.completed.store(end, Ordering::Release);
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

//! The hand-over between a configuration's queues and the ones that replace them at a
//! reload: each old queue's worker says when it has written its last record, and a
//! new queue's worker writes nothing before every old one has (at most
//! [`HANDOVER_LIMIT`]), so that a thread's records still in an old queue reach their
//! files before its later ones. tests/model.rs explores it with shuttle (this file,
//! compiled against shuttle's primitives).

use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::sync::{AtomicBool, Condvar, Mutex};

/// Set when a queue's worker has written its last record (its queue closed, which
/// happens when the configuration it belongs to is dropped): after a reload, the new
/// configuration's queues may write from then on.
#[derive(Default)]
pub struct Finished {
    set: AtomicBool,
    /// Taken to wait for `set`, and to wake the waiters.
    lock: Mutex<()>,
    changed: Condvar,
}

impl Finished {
    /// True once set.
    pub fn is_set(&self) -> bool {
        self.set.load(Ordering::Acquire)
    }

    pub fn set(&self) {
        if self.set.swap(true, Ordering::AcqRel) {
            return;
        }
        let _held = self.lock.lock();
        self.changed.notify_all();
    }

    /// Waits until set, or until `deadline`.
    pub fn wait_until(&self, deadline: Instant) {
        let mut held = self.lock.lock();
        // set before the lock is taken to wake: read under the lock, no wake-up is missed
        while !self.is_set() {
            if self.changed.wait_until(&mut held, deadline).timed_out() {
                return;
            }
        }
    }
}

/// Waits until every one of `queues` has written its last record, at most
/// [`HANDOVER_LIMIT`] from now in all (or until `deadline`, if sooner).
pub fn wait_for_all(queues: Vec<Arc<Finished>>, deadline: Option<Instant>) {
    let limit = Instant::now() + HANDOVER_LIMIT;
    let deadline = deadline.map_or(limit, |d| d.min(limit));
    for f in queues {
        f.wait_until(deadline);
    }
}

/// The longest a new worker waits for the queues of the configuration it replaced.
pub const HANDOVER_LIMIT: Duration = Duration::from_secs(2);

//! Fork safety: after `fork`, the child logs, rotates, compresses, flushes and drains
//! queues as the parent did.
//!
//! `fork` copies one thread. Locks another thread held at that moment stay held in the
//! child for ever, and the background threads (compression, buffer flushing, queue
//! workers) do not exist there. Python resets its handlers' locks in the child
//! (`_at_fork_reinit`); logconf does the same, lazily and for everything that belongs
//! to one process:
//!
//! - A `pthread_atfork` child hook adds one to the process's *fork epoch* ([`epoch`]).
//! - Every part of logconf that holds locks or threads is a [`PerProcess`] value: the
//!   per-process half of a file writer (its locks, its group-commit queue, its buffer,
//!   its lock file), of a queue handler (its channel and worker), the compression
//!   thread's channel, the buffer flusher. Its first use in a child finds the epoch
//!   changed and replaces the value inherited from the parent with a fresh one built
//!   from it ([`Renew`]): fresh locks, the open log file kept, the lock file reopened
//!   (an inherited `flock` descriptor does not exclude the parent), queued records and
//!   buffered ones left to the parent (they are the parent's: written once, by it),
//!   background threads started again when first needed.
//!
//! The value inherited is never dropped: dropping it could take a lock a dead thread
//! holds or join a thread that does not exist. It is leaked, once per fork and per
//! part (a few hundred bytes; a writer's open log file is moved to the new value).
//!
//! Not supported: a `fork` from inside a logging call (a `Display` implementation that
//! forks). The forking thread's own guards then refer to replaced locks.

use std::cell::UnsafeCell;
use std::mem::ManuallyDrop;
use std::sync::atomic::{AtomicI32, AtomicU64, AtomicUsize, Ordering};

/// The process's fork epoch: 0 in the process that loaded logconf, one more in each
/// generation of children forked after [`watch`].
static EPOCH: AtomicU64 = AtomicU64::new(0);

/// The thread renewing values, by its token ([`my_token`]); 0 when none. A spin lock
/// the child hook resets, so a fork in the middle of a renewal cannot leave it held;
/// re-entrant, since renewing one value may use another.
static RENEWER: AtomicUsize = AtomicUsize::new(0);

thread_local! {
    static TOKEN: u8 = const { 0 };
}

/// A number unique to the calling thread among live threads, never 0.
fn my_token() -> usize {
    TOKEN.with(|t| t as *const u8 as usize)
}

/// The current fork epoch.
#[inline]
pub fn epoch() -> u64 {
    EPOCH.load(Ordering::Acquire)
}

/// Descriptors that hold a `flock` (`NAME.lock`, a compressor's lock): a forked child
/// closes its copies at once, in the fork hook, so that a parent that dies holding
/// one does not leave it held by a child that keeps the copy (a lock belongs to the
/// open file, which any copy keeps open). -1: a free slot.
static LOCK_FDS: [AtomicI32; 64] = [const { AtomicI32::new(-1) }; 64];

/// Notes `fd` as one the child closes at the fork; false when every slot is taken
/// (the child then closes it when it renews what holds it).
pub fn register_lock_fd(fd: i32) -> bool {
    LOCK_FDS.iter().any(|slot| {
        slot.compare_exchange(-1, fd, Ordering::AcqRel, Ordering::Relaxed)
            .is_ok()
    })
}

/// Forgets `fd` (it is being closed).
pub fn unregister_lock_fd(fd: i32) {
    for slot in &LOCK_FDS {
        if slot
            .compare_exchange(fd, -1, Ordering::AcqRel, Ordering::Relaxed)
            .is_ok()
        {
            return;
        }
    }
}

extern "C" fn in_child() {
    // close(2) is async-signal-safe, as a fork hook must be
    for slot in &LOCK_FDS {
        let fd = slot.swap(-1, Ordering::AcqRel);
        if fd >= 0 {
            // SAFETY: a descriptor registered as a lock's; the child's copy is closed
            // once here, and its owner knows not to close it again (see `LockFile`)
            unsafe { libc::close(fd) };
        }
    }
    // the only thread of the child runs this: no other thread can be renewing
    RENEWER.store(0, Ordering::Release);
    EPOCH.fetch_add(1, Ordering::AcqRel);
}

/// Installs the child hook, once per process (idempotent, cheap after the first call).
/// Called before any [`PerProcess`] value is made, so that a fork after it is seen.
pub fn watch() {
    static INSTALLED: std::sync::Once = std::sync::Once::new();
    INSTALLED.call_once(|| {
        // SAFETY: registers a hook that only stores to two atomics (async-signal-safe).
        // It fails only without memory for the hook (ENOMEM), when nothing could say so.
        unsafe { libc::pthread_atfork(None, None, Some(in_child)) };
    });
}

/// A value that can be rebuilt in a forked child from the one the child inherited.
pub trait Renew {
    /// Builds the child's value from the inherited one, which is never used again
    /// (nor dropped).
    ///
    /// `self` may be in any state a thread of the parent left it in: its locks may be
    /// marked held (by threads that do not exist in the child) and must not be taken;
    /// `&mut self` reaches what they guard without them (`get_mut`). Start anything
    /// that collects records or runs a thread afresh.
    fn renew(&mut self) -> Self;
}

/// A value that belongs to one process: in a forked child it is replaced, at its
/// first use there, by [`Renew::renew`] of the value inherited.
pub struct PerProcess<T: Renew> {
    /// The epoch `value` was made or renewed in.
    made_in: AtomicU64,
    /// Dropped only when made (or renewed) in the current process: an inherited value
    /// may hold locks or senders whose drop would wait for a thread of the parent.
    value: UnsafeCell<ManuallyDrop<T>>,
}

// SAFETY: `value` is shared as `&T` (which needs T: Sync) and sent with the wrapper
// (T: Send). It is written only in `renew_now`, in a forked child, by one thread at a time (RENEWER), for
// a value made in an earlier epoch: no thread of the child holds a reference to that
// value (the threads that took references before the fork do not exist in the child;
// the forking thread does not hold one, see the module's note), and every thread of
// the child that uses it comes through `get`, which waits for the renewal.
unsafe impl<T: Renew + Send + Sync> Sync for PerProcess<T> {}
// SAFETY: as above; the wrapper owns its value.
unsafe impl<T: Renew + Send> Send for PerProcess<T> {}

impl<T: Renew> PerProcess<T> {
    /// A value of the current process.
    pub fn new(value: T) -> PerProcess<T> {
        watch();
        PerProcess {
            made_in: AtomicU64::new(epoch()),
            value: UnsafeCell::new(ManuallyDrop::new(value)),
        }
    }

    /// A value for a `static`: made in epoch 0, renewed in every child. The hook must
    /// be installed ([`watch`]) before a fork for the child to see it.
    pub const fn new_static(value: T) -> PerProcess<T> {
        PerProcess {
            made_in: AtomicU64::new(0),
            value: UnsafeCell::new(ManuallyDrop::new(value)),
        }
    }

    /// This process's value, renewed first when it was inherited from a parent.
    #[inline]
    pub fn get(&self) -> &T {
        if self.made_in.load(Ordering::Acquire) != epoch() {
            self.renew_now();
        }
        // SAFETY: see the `Sync` impl: written only in `renew_now`, which has finished.
        unsafe { &*self.value.get() }
    }

    /// This process's value when it was made (or renewed) in this process; None for
    /// a value inherited and not used since (a drop must then leave it alone).
    pub fn get_if_current(&self) -> Option<&T> {
        if self.made_in.load(Ordering::Acquire) != epoch() {
            return None;
        }
        // SAFETY: as in `get`.
        Some(unsafe { &*self.value.get() })
    }

    /// The value, for a drop, when it was made (or renewed) in this process.
    pub fn get_mut(&mut self) -> Option<&mut T> {
        if *self.made_in.get_mut() != epoch() {
            return None;
        }
        Some(self.value.get_mut())
    }

    #[cold]
    fn renew_now(&self) {
        let me = my_token();
        let nested = RENEWER.load(Ordering::Acquire) == me;
        while !nested
            && RENEWER
                .compare_exchange_weak(0, me, Ordering::Acquire, Ordering::Relaxed)
                .is_err()
        {
            std::thread::yield_now();
        }
        // released however the renewal ends (a panic in `renew` included: the other
        // threads must not wait for it for ever)
        struct Release(bool);
        impl Drop for Release {
            fn drop(&mut self) {
                if self.0 {
                    RENEWER.store(0, Ordering::Release);
                }
            }
        }
        let _release = Release(!nested);
        let now = epoch();
        if self.made_in.load(Ordering::Acquire) != now {
            // SAFETY: see the `Sync` impl. The inherited value is read, then overwritten
            // without being dropped (leaked on purpose: dropping it could wait for a
            // lock or a thread that is not in this process).
            unsafe {
                let fresh = (*self.value.get()).renew();
                std::ptr::write(self.value.get(), ManuallyDrop::new(fresh));
            }
            self.made_in.store(now, Ordering::Release);
        }
    }
}

impl<T: Renew> Drop for PerProcess<T> {
    fn drop(&mut self) {
        if *self.made_in.get_mut() == epoch() {
            // SAFETY: dropped once, here, and never used again.
            unsafe { ManuallyDrop::drop(self.value.get_mut()) }
        }
    }
}

impl<T: Renew + Default> Default for PerProcess<T> {
    fn default() -> Self {
        PerProcess::new(T::default())
    }
}

/// The most common per-process value: a lock around something that starts empty in
/// a child.
impl<T: Default> Renew for crate::sync::Mutex<T> {
    fn renew(&mut self) -> Self {
        crate::sync::Mutex::new(T::default())
    }
}

/// A background thread of one process: true once started in the current epoch.
pub struct ThreadOnce {
    started_in: AtomicU64,
}

impl ThreadOnce {
    /// Not started.
    pub const fn new() -> ThreadOnce {
        ThreadOnce {
            started_in: AtomicU64::new(u64::MAX),
        }
    }

    /// True for exactly one caller per process (per fork epoch): that caller starts the
    /// thread.
    pub fn first_in_this_process(&self) -> bool {
        let now = epoch();
        let seen = self.started_in.load(Ordering::Acquire);
        seen != now
            && self
                .started_in
                .compare_exchange(seen, now, Ordering::AcqRel, Ordering::Acquire)
                .is_ok()
    }
}

impl Default for ThreadOnce {
    fn default() -> Self {
        ThreadOnce::new()
    }
}

/// A mutex whose value a forked child keeps: a copy of the value as the parent left it,
/// behind a fresh lock. For state that changes rarely (a configuration, a status),
/// never for records.
pub struct Mutex<T: Clone>(PerProcess<Kept<T>>);

/// The lock of a [`Mutex`].
struct Kept<T>(crate::sync::Mutex<T>);

impl<T: Clone> Renew for Kept<T> {
    fn renew(&mut self) -> Self {
        // taken when free (the value is whole); a lock held at the fork was held by a
        // thread that is not in this process, which may have been changing the value:
        // as Python's `_at_fork_reinit`, the child goes on with it as it is
        let whole = self.0.try_lock().map(|v| v.clone());
        let value = match whole {
            Some(v) => v,
            None => self.0.get_mut().clone(),
        };
        Kept(crate::sync::Mutex::new(value))
    }
}

impl<T: Clone> Mutex<T> {
    /// A mutex of the current process.
    pub fn new(value: T) -> Self {
        Mutex(PerProcess::new(Kept(crate::sync::Mutex::new(value))))
    }

    /// A mutex for a `static` (see [`PerProcess::new_static`]).
    pub const fn new_static(value: T) -> Self {
        Mutex(PerProcess::new_static(Kept(crate::sync::Mutex::new(value))))
    }

    /// Locks it.
    pub fn lock(&self) -> crate::sync::MutexGuard<'_, T> {
        self.0.get().0.lock()
    }
}

impl<T: Clone + Default> Default for Mutex<T> {
    fn default() -> Self {
        Mutex::new(T::default())
    }
}

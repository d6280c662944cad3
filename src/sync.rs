//! The locks logconf uses, in one place.
//!
//! They are the standard library's (a futex in the lock itself on Linux), behind the
//! shape of parking_lot's API (no poisoning: a panic while a lock was held leaves the
//! data as it was, and the next thread goes on with it). Not parking_lot's own: its
//! waiting threads queue in one process-wide table whose bucket locks a thread of
//! the parent may hold at a `fork`, so a child that waits for or releases a contended
//! lock can hang for ever (parking_lot issue 515); a forked child gets fresh locks
//! here (see [`crate::fork`]) and nothing else it could inherit held.
//!
//! Built with `--cfg shuttle` (tests/model_core.rs, run by `.ci/run`), every take of a
//! lock is a point where the shuttle model checker may switch threads: a lock is
//! taken by trying, with a shuttle yield before each try, and a condition variable's
//! wait releases, yields and takes again (every wait may wake; every caller looks at
//! its condition in a loop). The real write core then runs under shuttle's schedules.
//! tests/model.rs compiles the real group commit (`rotation/group.rs`) and queue
//! hand-over (`handlers/handover.rs`) against shuttle's own primitives instead.

use std::ops::{Deref, DerefMut};
use std::sync::PoisonError;
use std::time::Instant;

pub use std::sync::atomic::{AtomicBool, AtomicU64};
pub use std::sync::{RwLockReadGuard, RwLockWriteGuard};

/// How many times a waiting thread looks before it sleeps (a leader's write takes
/// microseconds; a sleep and a wake-up cost more than that).
pub const SPINS: u32 = if cfg!(shuttle) { 2 } else { 2_000 };

/// One turn of a spin wait: a CPU hint, and every 256th turn a yield.
#[inline]
pub fn spin(turn: u32) {
    if cfg!(shuttle) {
        switch_point();
    } else if turn % 256 == 255 {
        std::thread::yield_now();
    } else {
        std::hint::spin_loop();
    }
}

/// Under the model checker, a point where it may switch threads; nothing otherwise.
#[inline(always)]
fn switch_point() {
    #[cfg(shuttle)]
    shuttle::thread::yield_now();
}

/// A mutual-exclusion lock.
#[derive(Default)]
pub struct Mutex<T: ?Sized>(std::sync::Mutex<T>);

/// A held [`Mutex`].
pub struct MutexGuard<'a, T: ?Sized> {
    lock: &'a std::sync::Mutex<T>,
    held: Option<std::sync::MutexGuard<'a, T>>,
}

impl<T> Mutex<T> {
    /// A lock around `value`.
    pub const fn new(value: T) -> Mutex<T> {
        Mutex(std::sync::Mutex::new(value))
    }
}

impl<T: ?Sized> Mutex<T> {
    /// Waits for the lock.
    pub fn lock(&self) -> MutexGuard<'_, T> {
        if cfg!(shuttle) {
            loop {
                switch_point();
                if let Some(held) = self.try_lock() {
                    return held;
                }
            }
        }
        MutexGuard {
            lock: &self.0,
            held: Some(self.0.lock().unwrap_or_else(PoisonError::into_inner)),
        }
    }

    /// The value, without the lock: `&mut self` shows nobody else can hold it (a
    /// forked child renewing what it inherited, where the lock may be marked held by
    /// a thread that is not in the process).
    pub fn get_mut(&mut self) -> &mut T {
        self.0.get_mut().unwrap_or_else(PoisonError::into_inner)
    }

    /// The lock if nobody holds it now.
    pub fn try_lock(&self) -> Option<MutexGuard<'_, T>> {
        match self.0.try_lock() {
            Ok(g) => Some(MutexGuard {
                lock: &self.0,
                held: Some(g),
            }),
            Err(std::sync::TryLockError::Poisoned(p)) => Some(MutexGuard {
                lock: &self.0,
                held: Some(p.into_inner()),
            }),
            Err(std::sync::TryLockError::WouldBlock) => None,
        }
    }
}

impl<T: ?Sized> Deref for MutexGuard<'_, T> {
    type Target = T;
    fn deref(&self) -> &T {
        self.held.as_deref().expect("a guard holds its lock")
    }
}

impl<T: ?Sized> DerefMut for MutexGuard<'_, T> {
    fn deref_mut(&mut self) -> &mut T {
        self.held.as_deref_mut().expect("a guard holds its lock")
    }
}

/// A lock shared by readers or held by one writer.
#[derive(Default)]
pub struct RwLock<T>(std::sync::RwLock<T>);

impl<T> RwLock<T> {
    /// A lock around `value`.
    pub const fn new(value: T) -> RwLock<T> {
        RwLock(std::sync::RwLock::new(value))
    }

    /// The value, without the lock (see [`Mutex::get_mut`]).
    pub fn get_mut(&mut self) -> &mut T {
        self.0.get_mut().unwrap_or_else(PoisonError::into_inner)
    }

    /// Waits for a shared hold.
    pub fn read(&self) -> RwLockReadGuard<'_, T> {
        if cfg!(shuttle) {
            loop {
                switch_point();
                match self.0.try_read() {
                    Ok(held) => return held,
                    Err(std::sync::TryLockError::Poisoned(p)) => return p.into_inner(),
                    Err(std::sync::TryLockError::WouldBlock) => {}
                }
            }
        }
        self.0.read().unwrap_or_else(PoisonError::into_inner)
    }

    /// Waits for the exclusive hold.
    pub fn write(&self) -> RwLockWriteGuard<'_, T> {
        if cfg!(shuttle) {
            loop {
                switch_point();
                if let Some(held) = self.try_write() {
                    return held;
                }
            }
        }
        self.0.write().unwrap_or_else(PoisonError::into_inner)
    }

    /// The exclusive hold if nobody holds the lock now.
    pub fn try_write(&self) -> Option<RwLockWriteGuard<'_, T>> {
        match self.0.try_write() {
            Ok(g) => Some(g),
            Err(std::sync::TryLockError::Poisoned(p)) => Some(p.into_inner()),
            Err(std::sync::TryLockError::WouldBlock) => None,
        }
    }
}

/// What a timed wait ended with.
pub struct WaitTimeoutResult(bool);

impl WaitTimeoutResult {
    /// True when the deadline passed.
    pub fn timed_out(&self) -> bool {
        self.0
    }
}

/// A condition variable, waited on with a held [`Mutex`].
#[derive(Default)]
pub struct Condvar(std::sync::Condvar);

impl Condvar {
    /// Releases the lock, waits for a notification, takes the lock again.
    pub fn wait<T>(&self, guard: &mut MutexGuard<'_, T>) {
        let held = guard.held.take().expect("a guard holds its lock");
        if cfg!(shuttle) {
            // every wait may wake: release, let the others run, take the lock again
            drop(held);
            loop {
                switch_point();
                match guard.lock.try_lock() {
                    Ok(again) => {
                        guard.held = Some(again);
                        return;
                    }
                    Err(std::sync::TryLockError::Poisoned(p)) => {
                        guard.held = Some(p.into_inner());
                        return;
                    }
                    Err(std::sync::TryLockError::WouldBlock) => {}
                }
            }
        }
        guard.held = Some(self.0.wait(held).unwrap_or_else(PoisonError::into_inner));
    }

    /// As [`Condvar::wait`], at most until `deadline`.
    pub fn wait_until<T>(
        &self,
        guard: &mut MutexGuard<'_, T>,
        deadline: Instant,
    ) -> WaitTimeoutResult {
        if cfg!(shuttle) {
            self.wait(guard);
            return WaitTimeoutResult(Instant::now() >= deadline);
        }
        let held = guard.held.take().expect("a guard holds its lock");
        let left = deadline.saturating_duration_since(Instant::now());
        let (held, result) = self
            .0
            .wait_timeout(held, left)
            .unwrap_or_else(PoisonError::into_inner);
        guard.held = Some(held);
        WaitTimeoutResult(result.timed_out() || Instant::now() >= deadline)
    }

    /// Wakes every waiting thread.
    pub fn notify_all(&self) {
        self.0.notify_all();
    }
}

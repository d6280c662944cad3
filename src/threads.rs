//! Starting logconf's own threads: queue workers, the compression thread, the buffer
//! flusher, the configuration watcher and the SIGHUP listener.
//!
//! They are started with `pthread_create`, not `std::thread::spawn`. As a thread starts
//! and as it ends, the standard library takes one process-wide lock (its registry of
//! stack guard pages, `stack_overflow::thread_info`, Rust 1.95). A child forked while
//! another thread of the parent was starting or ending inherits that lock held, and
//! every thread the child then starts through the standard library waits for it for
//! ever. logconf starts threads in forked children ([`crate::fork`]): CI saw one child
//! in a thousand hang so, its new queue worker stuck before its first line.
//!
//! What the library's threads lose: the standard library's message on a stack
//! overflow (it is then a plain SIGSEGV) and a name in panic messages (the name is the
//! kernel's thread name, seen by `top -H` and `gdb`).

use std::ffi::{c_void, CString};
use std::io;
use std::sync::{Arc, OnceLock};
use std::thread::Thread;

/// Stack of each thread: what `std::thread::spawn` gives.
const STACK_SIZE: usize = 2 * 1024 * 1024;

/// A thread started by [`spawn`]. Dropped without [`Worker::join`], the thread goes on
/// on its own (detached).
pub struct Worker {
    id: libc::pthread_t,
    /// The process that started it: a forked child holds a copy of the parent's
    /// workers, which are not in the child and are never joined or detached there.
    pid: u32,
    waker: Waker,
    done_with: bool,
}

/// Wakes a [`Worker`] parked in `std::thread::park`.
#[derive(Clone, Default)]
pub struct Waker(Arc<OnceLock<Thread>>);

impl Waker {
    /// Unparks the thread. Before the thread has run, nothing to do: it has not parked.
    pub fn wake(&self) {
        if let Some(t) = self.0.get() {
            t.unpark();
        }
    }
}

/// What the new thread receives.
struct Start {
    name: CString,
    waker: Waker,
    run: Box<dyn FnOnce() + Send>,
}

extern "C" fn thread_main(arg: *mut c_void) -> *mut c_void {
    // SAFETY: `arg` is the `Box<Start>` that `spawn` leaked for this thread alone
    let start = unsafe { Box::from_raw(arg.cast::<Start>()) };
    // SAFETY: a NUL-terminated name of at most 15 bytes, for the calling thread
    unsafe { libc::pthread_setname_np(libc::pthread_self(), start.name.as_ptr()) };
    let _ = start.waker.0.set(std::thread::current());
    // a panic is reported by the panic hook; it must not unwind into C
    let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(start.run));
    std::ptr::null_mut()
}

/// Starts `run` on a new thread named `name` (cut to the kernel's 15 bytes).
pub fn spawn<F>(name: &str, run: F) -> io::Result<Worker>
where
    F: FnOnce() + Send + 'static,
{
    let mut short: Vec<u8> = name.bytes().filter(|b| *b != 0).take(15).collect();
    while std::str::from_utf8(&short).is_err() {
        short.pop();
    }
    let waker = Waker::default();
    let start = Box::new(Start {
        name: CString::new(short).unwrap_or_default(),
        waker: waker.clone(),
        run: Box::new(run),
    });
    let arg = Box::into_raw(start).cast::<c_void>();
    // SAFETY: the attribute is initialised before use and destroyed after; on success
    // the new thread owns `arg`, on failure it is taken back here
    unsafe {
        let mut attr: libc::pthread_attr_t = std::mem::zeroed();
        let rc = libc::pthread_attr_init(&mut attr);
        if rc != 0 {
            drop(Box::from_raw(arg.cast::<Start>()));
            return Err(io::Error::from_raw_os_error(rc));
        }
        libc::pthread_attr_setstacksize(&mut attr, STACK_SIZE);
        let mut id: libc::pthread_t = std::mem::zeroed();
        let rc = libc::pthread_create(&mut id, &attr, thread_main, arg);
        libc::pthread_attr_destroy(&mut attr);
        if rc != 0 {
            drop(Box::from_raw(arg.cast::<Start>()));
            return Err(io::Error::from_raw_os_error(rc));
        }
        Ok(Worker {
            id,
            pid: std::process::id(),
            waker,
            done_with: false,
        })
    }
}

impl Worker {
    /// What wakes this thread from `park`.
    pub fn waker(&self) -> Waker {
        self.waker.clone()
    }

    /// True on the thread itself.
    pub fn is_current(&self) -> bool {
        // SAFETY: compares two thread ids
        unsafe { libc::pthread_equal(self.id, libc::pthread_self()) != 0 }
    }

    /// Waits for the thread to end. On the thread itself, or in a forked child (where
    /// the thread does not exist), it returns at once.
    pub fn join(mut self) {
        if self.pid != std::process::id() {
            self.done_with = true;
            return;
        }
        if !self.is_current() {
            // SAFETY: a thread of this process, joined once (`done_with`)
            unsafe { libc::pthread_join(self.id, std::ptr::null_mut()) };
            self.done_with = true;
        }
    }
}

impl Drop for Worker {
    fn drop(&mut self) {
        if !self.done_with && self.pid == std::process::id() {
            // SAFETY: a thread of this process, neither joined nor detached before
            unsafe { libc::pthread_detach(self.id) };
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicBool, Ordering};

    #[test]
    fn runs_joins_and_wakes() {
        let ran = Arc::new(AtomicBool::new(false));
        let flag = ran.clone();
        let w = spawn("logconf-test-thread-long-name", move || {
            std::thread::park();
            flag.store(true, Ordering::SeqCst);
        })
        .unwrap();
        assert!(!w.is_current());
        while w.waker.0.get().is_none() {
            std::thread::yield_now();
        }
        w.waker().wake();
        w.join();
        assert!(ran.load(Ordering::SeqCst));
    }

    #[test]
    fn a_panic_ends_only_the_thread() {
        let w = spawn("logconf-panics", || panic!("expected in this test")).unwrap();
        w.join();
    }
}

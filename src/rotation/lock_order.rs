//! The order in which the write core takes its locks, checked in debug builds: a
//! thread that takes one out of order stops the process at once (with a backtrace),
//! in any test, instead of deadlocking one day under load. Release builds compile the
//! checks away, and so does the model checker's build (its threads share one thread-local).
//!
//! Per writer, outer to inner: its buffer (`Core::buffer`), its state (`Core::state`,
//! shared or exclusive), then the leaves (`successor`, `cuts`, `spare`, the group
//! queue), which are never held while another lock is taken. A retired writer takes
//! its successor's locks with its own held (old before new, along the successor
//! chain, which `retire` keeps free of cycles). Process-wide locks come before any
//! writer's: the retirement lock (one retirement at a time), then the registry of
//! writers, then the registry of buffered writers; a writer's locks are never held
//! while one of them is taken.

#[cfg(all(debug_assertions, not(shuttle)))]
use std::cell::RefCell;

/// A lock of the write core, outer to inner.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Kind {
    /// `retire`'s process-wide lock.
    Retire,
    /// The registry of writers by path.
    Registry,
    /// The registry of buffered writers (the flusher's list).
    BufferedWriters,
    /// A writer's buffer.
    Buffer,
    /// A writer's state.
    State,
    /// A writer's successor slot (a leaf).
    Successor,
}

impl Kind {
    #[cfg_attr(not(debug_assertions), allow(dead_code))]
    fn per_writer(self) -> bool {
        self >= Kind::Buffer
    }
}

#[cfg(all(debug_assertions, not(shuttle)))]
thread_local! {
    /// The locks this thread holds: kind and writer (0 for process-wide ones).
    static HELD: RefCell<Vec<(Kind, usize)>> = const { RefCell::new(Vec::new()) };
}

/// Marks a lock held until dropped (declare it before the lock's guard, so that it is
/// dropped after it).
#[must_use]
pub struct Held {
    #[cfg(all(debug_assertions, not(shuttle)))]
    entry: (Kind, usize),
}

/// Checks that taking `kind` (of the writer at `writer`, 0 for process-wide locks)
/// keeps the order, and marks it held.
#[inline]
pub fn enter(kind: Kind, writer: usize) -> Held {
    #[cfg(all(debug_assertions, not(shuttle)))]
    {
        HELD.with(|held| {
            let mut held = held.borrow_mut();
            for &(k, w) in held.iter() {
                let ok = if !kind.per_writer() {
                    !k.per_writer() && k < kind
                } else if w == writer {
                    k < kind
                } else {
                    // another writer's: a successor is entered from its predecessor's
                    // buffer or state, never from a leaf
                    !k.per_writer() || k <= Kind::State
                };
                if !ok {
                    // not a panic, which a logging call would catch and report: the
                    // test run must stop here
                    eprintln!(
                        "logconf: lock order: {kind:?} (writer {writer:#x}) taken while holding {k:?} (writer {w:#x}); see rotation/lock_order.rs\n{}",
                        std::backtrace::Backtrace::force_capture()
                    );
                    std::process::abort();
                }
            }
            held.push((kind, writer));
        });
        Held {
            entry: (kind, writer),
        }
    }
    #[cfg(not(all(debug_assertions, not(shuttle))))]
    {
        let _ = (kind, writer);
        Held {}
    }
}

#[cfg(all(debug_assertions, not(shuttle)))]
impl Drop for Held {
    fn drop(&mut self) {
        HELD.with(|held| {
            let mut held = held.borrow_mut();
            if let Some(i) = held.iter().rposition(|e| *e == self.entry) {
                held.remove(i);
            }
        });
    }
}

#[cfg(all(test, debug_assertions, not(shuttle)))]
mod tests {
    use super::*;

    #[test]
    fn the_order_is_what_the_module_says() {
        let _retire = enter(Kind::Retire, 0);
        let _registry = enter(Kind::Registry, 0);
        let _buffer = enter(Kind::Buffer, 1);
        let _state = enter(Kind::State, 1);
        // a successor's, from its predecessor's state
        let _next_buffer = enter(Kind::Buffer, 2);
        let _next_state = enter(Kind::State, 2);
        let _leaf = enter(Kind::Successor, 2);
        drop(_leaf);
        HELD.with(|h| assert_eq!(h.borrow().len(), 6));
    }

    #[test]
    fn a_lock_out_of_order_stops_the_process() {
        if std::env::var_os("LOGCONF_LOCK_ORDER_CHILD").is_some() {
            let _state = enter(Kind::State, 1);
            let _buffer = enter(Kind::Buffer, 1); // aborts
            return;
        }
        let out = std::process::Command::new(std::env::current_exe().unwrap())
            .args([
                "--exact",
                "rotation::lock_order::tests::a_lock_out_of_order_stops_the_process",
                "--nocapture",
            ])
            .env("LOGCONF_LOCK_ORDER_CHILD", "1")
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{text}");
        assert!(text.contains("lock order: Buffer"), "{text}");
    }
}

//! Model checking of the real group commit (src/rotation/group.rs) and the queues'
//! hand-over at a reload (src/handlers/handover.rs), compiled here as they are against
//! shuttle's primitives through this file's `sync` module. Shuttle runs the threads one
//! step at a time and tries their interleavings: random schedules, PCT schedules (which
//! find a bug of a given depth with a known probability), and the first schedules of
//! the smallest case in depth-first order. Group commit: a leader writes alone, every
//! line is written once and in its thread's order, a call returns only once its own
//! line is written (or with the error that cost it). Hand-over: a thread's records in
//! the old queue reach the file before its records in the new one. Everywhere: no
//! thread waits for ever (shuttle reports a deadlock).
//!
//! `LOGCONF_MODEL_ITERATIONS` sets the schedules per check (default 2,000; `.ci/run`
//! runs 20,000).

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

/// What group.rs imports as `crate::sync`: shuttle's primitives behind parking_lot's
/// shape.
mod sync {
    pub use shuttle::sync::atomic::{AtomicBool, AtomicU64};

    /// A waiting thread looks twice, then sleeps (every look is a scheduling point).
    pub const SPINS: u32 = 2;

    pub fn spin(_turn: u32) {
        shuttle::thread::yield_now();
    }

    #[derive(Default)]
    pub struct Mutex<T>(shuttle::sync::Mutex<T>);

    pub struct MutexGuard<'a, T>(Option<shuttle::sync::MutexGuard<'a, T>>);

    impl<T> Mutex<T> {
        pub fn lock(&self) -> MutexGuard<'_, T> {
            MutexGuard(Some(self.0.lock().unwrap_or_else(|e| e.into_inner())))
        }
    }

    impl<T> std::ops::Deref for MutexGuard<'_, T> {
        type Target = T;
        fn deref(&self) -> &T {
            self.0.as_ref().expect("held")
        }
    }

    impl<T> std::ops::DerefMut for MutexGuard<'_, T> {
        fn deref_mut(&mut self) -> &mut T {
            self.0.as_mut().expect("held")
        }
    }

    #[derive(Default)]
    pub struct Condvar(shuttle::sync::Condvar);

    impl Condvar {
        pub fn wait<T>(&self, guard: &mut MutexGuard<'_, T>) {
            let held = guard.0.take().expect("held");
            guard.0 = Some(self.0.wait(held).unwrap_or_else(|e| e.into_inner()));
        }

        /// In the model the deadline never passes (shuttle does not model time): a
        /// wait ends only when notified.
        pub fn wait_until<T>(
            &self,
            guard: &mut MutexGuard<'_, T>,
            _deadline: std::time::Instant,
        ) -> WaitTimeoutResult {
            self.wait(guard);
            WaitTimeoutResult
        }

        pub fn notify_all(&self) {
            self.0.notify_all();
        }
    }

    pub struct WaitTimeoutResult;

    impl WaitTimeoutResult {
        pub fn timed_out(&self) -> bool {
            false
        }
    }
}

#[path = "../src/rotation/group.rs"]
#[allow(dead_code)]
mod group;

#[path = "../src/handlers/handover.rs"]
#[allow(dead_code)]
mod handover;

use group::{Batch, Group, Turn};

fn iterations() -> usize {
    std::env::var("LOGCONF_MODEL_ITERATIONS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(2_000)
}

/// The "file": lines in the order they were written, and who is writing now.
#[derive(Default)]
struct File {
    lines: shuttle::sync::Mutex<Vec<String>>,
    writers: shuttle::sync::atomic::AtomicUsize,
}

impl File {
    /// Writes `lines` as one system call would; only one thread may be in here.
    fn write(&self, lines: &[String]) {
        assert_eq!(
            self.writers.fetch_add(1, Ordering::SeqCst),
            0,
            "two leaders write at once"
        );
        shuttle::thread::yield_now();
        self.lines.lock().unwrap().extend_from_slice(lines);
        self.writers.fetch_sub(1, Ordering::SeqCst);
    }

    fn holds(&self, line: &str) -> bool {
        self.lines.lock().unwrap().iter().any(|l| l == line)
    }
}

/// `threads` threads submit `each` lines; with `fail_second`, every batch of two or
/// more lines fails from its second line on (a full disk in the middle of a batch).
fn scenario(threads: usize, each: usize, fail_second: bool) {
    let group = Arc::new(Group::default());
    let file = Arc::new(File::default());
    let failed = Arc::new(shuttle::sync::Mutex::new(Vec::<String>::new()));
    let handles: Vec<_> = (0..threads)
        .map(|t| {
            let (group, file, failed) = (group.clone(), file.clone(), failed.clone());
            shuttle::thread::spawn(move || {
                for k in 0..each {
                    let line = format!("{t}:{k}");
                    match group.submit(line.as_bytes()) {
                        Turn::Lead => {
                            file.write(std::slice::from_ref(&line));
                            let mut batch = Batch::default();
                            while group.take(&mut batch) {
                                let mut lines = Vec::new();
                                let mut start = 0;
                                for &end in &batch.ends {
                                    lines.push(
                                        String::from_utf8(batch.bytes[start..end].to_vec())
                                            .unwrap(),
                                    );
                                    start = end;
                                }
                                let ok = if fail_second && lines.len() > 1 {
                                    1
                                } else {
                                    lines.len()
                                };
                                file.write(&lines[..ok]);
                                let error =
                                    (ok < lines.len()).then(|| std::io::Error::other("disk full"));
                                group.finish(&batch, ok, error.as_ref());
                            }
                        }
                        Turn::Written(result) => {
                            // returned only once its fate is known, and it is the truth
                            assert_eq!(
                                result.is_ok(),
                                file.holds(&line),
                                "{line}: told {result:?}"
                            );
                            if result.is_err() {
                                failed.lock().unwrap().push(line);
                            }
                        }
                    }
                }
            })
        })
        .collect();
    for h in handles {
        h.join().unwrap();
    }
    let lines = file.lines.lock().unwrap().clone();
    let failed = failed.lock().unwrap().clone();
    for t in 0..threads {
        let mine: Vec<&String> = lines
            .iter()
            .filter(|l| l.starts_with(&format!("{t}:")))
            .collect();
        let expected: Vec<String> = (0..each)
            .map(|k| format!("{t}:{k}"))
            .filter(|l| !failed.contains(l))
            .collect();
        assert_eq!(
            mine,
            expected.iter().collect::<Vec<_>>(),
            "thread {t}'s lines, once each and in order"
        );
    }
    if !fail_second {
        assert!(failed.is_empty());
    }
}

/// A scenario that counts the schedules it is run in.
fn counting(
    ran: &Arc<AtomicUsize>,
    threads: usize,
    each: usize,
    fail_second: bool,
) -> impl Fn() + Send + Sync + 'static {
    let ran = ran.clone();
    move || {
        ran.fetch_add(1, Ordering::Relaxed);
        scenario(threads, each, fail_second);
    }
}

#[test]
fn group_commit_random_schedules() {
    let ran = Arc::new(AtomicUsize::new(0));
    shuttle::check_random(counting(&ran, 3, 2, false), iterations());
    shuttle::check_random(counting(&ran, 4, 1, true), iterations());
    eprintln!("model: random: {} schedules", ran.load(Ordering::Relaxed));
}

#[test]
fn group_commit_pct_schedules() {
    let ran = Arc::new(AtomicUsize::new(0));
    shuttle::check_pct(counting(&ran, 3, 2, false), iterations(), 3);
    shuttle::check_pct(counting(&ran, 3, 2, true), iterations(), 3);
    eprintln!(
        "model: PCT, depth 3: {} schedules",
        ran.load(Ordering::Relaxed)
    );
}

#[test]
fn group_commit_depth_first_schedules_of_the_smallest_case() {
    // the first schedules in depth-first order (all of them is beyond reach: every
    // atomic and lock operation is a point where shuttle may switch threads)
    let ran = Arc::new(AtomicUsize::new(0));
    shuttle::check_dfs(counting(&ran, 2, 1, false), Some(iterations() * 5));
    eprintln!(
        "model: depth-first, two threads: {} schedules",
        ran.load(Ordering::Relaxed)
    );
}

/// A reload in the middle of two threads' logging: each thread's records in the old
/// configuration's queue (worker as `handlers::queue::work` runs it: write each record,
/// then say it is finished once the queue is closed) reach the file before its records
/// in the new queue, whose worker waits for the old one before its first record (the
/// real `Finished` and `wait_for_all`).
fn handover_scenario() {
    use shuttle::sync::mpsc::channel;
    let file = Arc::new(shuttle::sync::Mutex::new(Vec::<String>::new()));
    let (old_tx, old_rx) = channel::<String>();
    let (new_tx, new_rx) = channel::<String>();
    let old_finished = Arc::new(handover::Finished::default());
    let old_worker = {
        let (file, finished) = (file.clone(), old_finished.clone());
        shuttle::thread::spawn(move || {
            while let Ok(r) = old_rx.recv() {
                file.lock().unwrap().push(r);
            }
            finished.set();
        })
    };
    let new_worker = {
        let file = file.clone();
        let after = vec![old_finished.clone()];
        shuttle::thread::spawn(move || {
            let mut after = Some(after);
            while let Ok(r) = new_rx.recv() {
                if let Some(old) = after.take() {
                    handover::wait_for_all(old, None);
                }
                file.lock().unwrap().push(r);
            }
        })
    };
    let threads: Vec<_> = (0..2)
        .map(|t| {
            let (old_tx, new_tx) = (old_tx.clone(), new_tx.clone());
            shuttle::thread::spawn(move || {
                old_tx.send(format!("{t}:old")).unwrap();
                drop(old_tx); // its call returns: it lets go of the old configuration
                new_tx.send(format!("{t}:new")).unwrap();
            })
        })
        .collect();
    // the reload drops the old configuration (its queue closes once no call holds it)
    drop(old_tx);
    drop(new_tx);
    for t in threads {
        t.join().unwrap();
    }
    old_worker.join().unwrap();
    new_worker.join().unwrap();
    let lines = file.lock().unwrap().clone();
    assert_eq!(lines.len(), 4, "{lines:?}");
    for t in 0..2 {
        let old = lines.iter().position(|l| *l == format!("{t}:old"));
        let new = lines.iter().position(|l| *l == format!("{t}:new"));
        assert!(old < new, "thread {t}: {lines:?}");
    }
}

#[test]
fn queue_hand_over_at_a_reload() {
    let ran = Arc::new(AtomicUsize::new(0));
    let counted = {
        let ran = ran.clone();
        move || {
            ran.fetch_add(1, Ordering::Relaxed);
            handover_scenario();
        }
    };
    shuttle::check_random(counted.clone(), iterations());
    shuttle::check_pct(counted.clone(), iterations(), 3);
    shuttle::check_dfs(counted, Some(iterations() * 5));
    eprintln!(
        "model: queue hand-over: {} schedules",
        ran.load(Ordering::Relaxed)
    );
}

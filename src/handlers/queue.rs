//! `class = "queue"`: the logging call only enqueues the record; one worker thread
//! formats it and writes it through the target handlers (Python's `QueueHandler` and
//! `QueueListener`, as dictConfig 3.12 configures them). Bounded: when the queue is
//! full the call waits (`overflow = "block"`, nothing lost) or drops the record and
//! counts it (`overflow = "drop"`, reported at most once a second).
//!
//! The worker takes what the queue holds, up to [`BATCH`] records at a time, and
//! writes each target file's lines of them with one system call (where no rollover
//! falls between them), so it keeps up with many threads logging at once. The logging
//! call takes no lock of its own: the channel's, and two counters.
//!
//! While records come, the logging call does not wake the worker: the worker looks at
//! the queue every [`IDLE_WAIT`] (a wake-up per record would cost the logging thread a
//! system call and, on a busy machine, a context switch), so a record waits about
//! [`IDLE_WAIT`] in the queue unless the worker is busy. It is woken when the queue is
//! half full, at a flush and when the queue closes. After [`IDLE_LOOKS`] looks that
//! found nothing, the worker sleeps until the next record wakes it: an idle queue costs
//! no CPU.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{sync_channel, Receiver, SyncSender, TryRecvError, TrySendError};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use crate::sync::{Condvar, Mutex};

use super::handover::{wait_for_all, Finished};
use serde::Deserialize;

use super::{Handler, HandlerClass, HandlerCommon, Output, PlanContext};
use crate::config::values::Level;
use crate::diagnostics::Diagnostic;
use crate::fork::{PerProcess, Renew};
use crate::format::value::OwnedKv;
use crate::record::{Message, Origin, Record};
use crate::threads::{Waker, Worker};

/// Hands records to a worker thread that writes them through other handlers (Python's
/// `logging.handlers.QueueHandler` with its `QueueListener`): the logging call only
/// enqueues.
#[derive(Clone, Debug, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct QueueConfig {
    /// Level, formatter (unused: the targets format), filters, debug_only.
    #[serde(flatten)]
    pub common: HandlerCommon,
    /// The handlers the worker writes each record to, by name (not queues).
    pub handlers: Vec<String>,
    /// How many records the queue holds. Default 10000.
    #[cfg_attr(feature = "schema", schemars(range(min = 1, max = 10000000)))]
    pub queue_size: Option<u32>,
    /// When the queue is full: "block" (the default) waits for room, losing nothing;
    /// "drop" drops the record and reports how many were dropped, at most once a second.
    #[serde(default)]
    pub overflow: Overflow,
}

/// What a full queue does with a new record.
#[derive(Clone, Copy, Debug, Deserialize, Default, PartialEq, Eq)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "lowercase")]
pub enum Overflow {
    /// The logging call waits for room: nothing is lost (the default).
    #[default]
    Block,
    /// The record is dropped and counted; the logging call never waits.
    Drop,
}

/// A queue handler as planned at load.
#[derive(Clone, Debug, PartialEq)]
pub struct QueuePlan {
    /// The target handlers' names.
    pub targets: Vec<String>,
    /// Records the queue holds.
    pub size: usize,
    /// What a full queue does.
    pub overflow: Overflow,
}

impl HandlerClass for QueueConfig {
    fn name(&self) -> &'static str {
        "queue"
    }

    fn common(&self) -> &HandlerCommon {
        &self.common
    }

    fn plan(&self, cx: &PlanContext<'_>, diags: &mut Vec<Diagnostic>) -> Option<Output> {
        if self.handlers.is_empty() {
            diags.push(
                cx.error("handlers", "a queue needs at least one target handler")
                    .label("empty"),
            );
            return None;
        }
        if self.handlers.iter().any(|h| h == cx.name) {
            diags.push(
                cx.error("handlers", "a queue cannot write to itself")
                    .label("here"),
            );
            return None;
        }
        Some(Output::Queue(QueuePlan {
            targets: self.handlers.clone(),
            size: self.queue_size.unwrap_or(10_000).max(1) as usize,
            overflow: self.overflow,
        }))
    }
}

/// A record copied out of its logging call.
struct Queued {
    level: Level,
    logger: String,
    message: String,
    kv: OwnedKv,
    file: Option<String>,
    line: Option<u32>,
    time: SystemTime,
    origin: Origin,
}

/// The most records the worker takes from the queue at a time. Memory holds at most
/// `queue_size` records in the queue and this many in the worker's hands.
pub const BATCH: usize = 512;

/// How often a worker that found the queue empty looks again.
pub const IDLE_WAIT: Duration = Duration::from_millis(1);

/// Empty looks (about 100 ms) before the worker sleeps until a record wakes it.
pub const IDLE_LOOKS: u32 = 100;

/// Counts records in and out, so a flush can wait for the queue to drain.
#[derive(Default)]
struct Progress {
    /// Records handed to the queue (or dropped), ever.
    queued: AtomicU64,
    /// Records written (or dropped), ever.
    done: AtomicU64,
    /// Taken to wait for `done`, and by the worker to wake the waiters.
    lock: Mutex<()>,
    drained: Condvar,
    /// The worker sleeps until a record wakes it.
    sleeping: std::sync::atomic::AtomicBool,
}

impl Progress {
    /// `n` more records are done: wakes the threads waiting for the queue to drain.
    fn finish(&self, n: u64) {
        self.done.fetch_add(n, Ordering::AcqRel);
        let _held = self.lock.lock();
        self.drained.notify_all();
    }
}

/// The queue and its worker.
pub struct QueueSink {
    /// The channel and its worker, of this process: a forked child starts its own at
    /// its first record (the parent's worker is not in it; what the parent queued
    /// is the parent's to write).
    lane: PerProcess<Lane>,
    overflow: Overflow,
    /// Shared: a reload reads it once the queue's last record is done.
    dropped: Arc<AtomicU64>,
    reported_dropped: AtomicU64,
    /// Records the queue holds.
    size: u64,
    name: String,
}

/// A queue's channel and worker, in one process.
struct Lane {
    /// None once the sink is dropped: the worker then writes what is left and stops.
    sender: Option<SyncSender<Queued>>,
    progress: Arc<Progress>,
    last_report: Mutex<Option<Instant>>,
    worker: Mutex<Option<Worker>>,
    /// The worker, to wake it.
    worker_thread: Option<Waker>,
    /// Set when the worker has stopped.
    finished: Arc<Finished>,
    /// The workers of the configuration this one replaced: this worker writes nothing
    /// before they have stopped (at most [`HANDOVER_LIMIT`](super::handover::HANDOVER_LIMIT)), so that a thread's
    /// records still in an old queue are written before its later ones.
    after: Arc<Mutex<Vec<Arc<Finished>>>>,
    /// What a child needs to start the worker again.
    name: String,
    size: usize,
    targets: Vec<Arc<Handler>>,
}

impl Lane {
    fn start(name: &str, size: usize, targets: Vec<Arc<Handler>>) -> std::io::Result<Lane> {
        let (sender, receiver) = sync_channel::<Queued>(size);
        let progress = Arc::new(Progress::default());
        let worker_progress = progress.clone();
        let finished = Arc::new(Finished::default());
        let after: Arc<Mutex<Vec<Arc<Finished>>>> = Arc::default();
        let (worker_finished, worker_after) = (finished.clone(), after.clone());
        let worker_targets = targets.clone();
        let worker = crate::threads::spawn(&format!("logconf-queue-{name}"), move || {
            /// Says the worker is done however it ends (a panic included).
            struct SetOnDrop(Arc<Finished>);
            impl Drop for SetOnDrop {
                fn drop(&mut self) {
                    self.0.set();
                }
            }
            let finished = SetOnDrop(worker_finished);
            work(
                &receiver,
                &worker_targets,
                &worker_progress,
                &worker_after,
                &finished.0,
            );
        })?;
        Ok(Lane {
            sender: Some(sender),
            progress,
            last_report: Mutex::new(None),
            worker_thread: Some(worker.waker()),
            worker: Mutex::new(Some(worker)),
            finished,
            after,
            name: name.to_string(),
            size,
            targets,
        })
    }

    fn wake(&self) {
        if let Some(t) = &self.worker_thread {
            t.wake();
        }
    }
}

impl Renew for Lane {
    /// In a forked child: a new channel and worker for the same targets. The records
    /// the parent had queued stay the parent's.
    fn renew(&mut self) -> Lane {
        Lane::start(&self.name, self.size, self.targets.clone()).unwrap_or_else(|e| {
            crate::diagnostics::report!(
                "queue handler `{}`: cannot start its worker in this forked process: {e}; its records are dropped",
                self.name
            );
            Lane {
                sender: None,
                progress: Arc::default(),
                last_report: Mutex::new(None),
                worker: Mutex::new(None),
                worker_thread: None,
                finished: Arc::default(),
                after: Arc::default(),
                name: self.name.clone(),
                size: self.size,
                targets: self.targets.clone(),
            }
        })
    }
}

impl QueueSink {
    /// Starts the worker that writes to `targets`.
    pub fn start(
        name: &str,
        plan: &QueuePlan,
        targets: Vec<Arc<Handler>>,
    ) -> std::io::Result<QueueSink> {
        Ok(QueueSink {
            lane: PerProcess::new(Lane::start(name, plan.size, targets)?),
            overflow: plan.overflow,
            dropped: Arc::new(AtomicU64::new(0)),
            reported_dropped: AtomicU64::new(0),
            size: plan.size as u64,
            name: name.to_string(),
        })
    }

    /// Enqueues a copy of `rec` (waiting for room, or dropping it, when full).
    pub fn push(&self, rec: &Record<'_>) {
        let origin = match rec.origin {
            Some(o) => o.clone(),
            None => {
                let (thread_id, thread_name) = crate::format::current_thread();
                Origin {
                    thread_id,
                    thread_name,
                    context: if crate::context::is_empty() {
                        Vec::new()
                    } else {
                        crate::context::snapshot()
                    },
                }
            }
        };
        let mut message = String::new();
        rec.message.write_to(&mut message);
        let queued = Queued {
            level: rec.level,
            logger: rec.logger.to_string(),
            message,
            kv: OwnedKv::capture(rec.kv),
            file: rec.file.map(str::to_string),
            line: rec.line,
            time: rec.time,
            origin,
        };
        let lane = self.lane.get();
        let Some(sender) = &lane.sender else {
            // no worker in this process (it could not be started): counted, said
            self.dropped.fetch_add(1, Ordering::Relaxed);
            self.report_dropped();
            return;
        };
        let in_all = lane.progress.queued.fetch_add(1, Ordering::AcqRel) + 1;
        // half full: the worker is woken rather than left to its next look
        if in_all.saturating_sub(lane.progress.done.load(Ordering::Acquire)) > self.size / 2 {
            lane.wake();
        }
        let sent = match self.overflow {
            Overflow::Block => sender.send(queued).is_ok(),
            Overflow::Drop => match sender.try_send(queued) {
                Ok(()) => true,
                Err(TrySendError::Full(_)) => {
                    self.dropped.fetch_add(1, Ordering::Relaxed);
                    self.report_dropped();
                    false
                }
                Err(TrySendError::Disconnected(_)) => false,
            },
        };
        if !sent {
            lane.progress.finish(1);
        } else {
            // a sleeping worker is woken by the record; a busy one looks by itself
            std::sync::atomic::fence(Ordering::SeqCst);
            if lane.progress.sleeping.load(Ordering::Relaxed)
                && lane.progress.sleeping.swap(false, Ordering::SeqCst)
            {
                lane.wake();
            }
        }
    }

    /// Says how many records were dropped since the last report, at most once a second.
    fn report_dropped(&self) {
        let mut last = self.lane.get().last_report.lock();
        if last.is_some_and(|t| t.elapsed() < Duration::from_secs(1)) {
            return;
        }
        *last = Some(Instant::now());
        drop(last);
        let total = self.dropped.load(Ordering::Relaxed);
        let since = total - self.reported_dropped.swap(total, Ordering::Relaxed);
        let message = format!(
            "queue handler `{}` is full: dropped {since} record{} ({total} in all; overflow = \"drop\")",
            self.name,
            if since == 1 { "" } else { "s" }
        );
        crate::diagnostics::report!("{message}");
        log::logger().log(
            &log::Record::builder()
                .args(format_args!("{message}"))
                .level(log::Level::Warn)
                .target("logconf")
                .build(),
        );
    }

    /// Records dropped because the queue was full.
    pub fn dropped(&self) -> u64 {
        self.dropped.load(Ordering::Relaxed)
    }

    /// The count of records dropped, to read after the queue is gone.
    pub fn dropped_counter(&self) -> Arc<AtomicU64> {
        self.dropped.clone()
    }

    /// The worker, to wait for after the queue is closed (taken once).
    pub fn take_worker(&self) -> Option<Worker> {
        self.lane.get_if_current()?.worker.lock().take()
    }

    /// Set when this queue's worker has stopped.
    pub fn finished(&self) -> Arc<Finished> {
        self.lane.get().finished.clone()
    }

    /// Before a reload switches to the configuration of this queue: its worker writes
    /// nothing before the old configuration's queues (`old`) have written their last
    /// record (at most [`HANDOVER_LIMIT`](super::handover::HANDOVER_LIMIT)).
    pub fn start_after(&self, old: Vec<Arc<Finished>>) {
        self.lane.get().after.lock().extend(old);
    }

    /// Waits (at most `limit`) until every record queued so far was written.
    pub fn drain(&self, limit: Duration) {
        let deadline = Instant::now() + limit;
        let lane = self.lane.get();
        // after a reload, records of this thread may still be in the old queues
        wait_for_all(lane.after.lock().clone(), Some(deadline));
        let target = lane.progress.queued.load(Ordering::Acquire);
        lane.wake();
        let mut held = lane.progress.lock.lock();
        // the worker adds to `done` before it takes the lock to wake: read under the
        // lock, no wake-up is missed
        // in slices: a wake-up lost anyway (a forked child inherits the parking
        // lot's tables as the parent's threads left them) costs one slice, not the
        // whole limit
        while lane.progress.done.load(Ordering::Acquire) < target {
            let now = Instant::now();
            if now >= deadline {
                return;
            }
            let slice = deadline.min(now + Duration::from_millis(20));
            lane.progress.drained.wait_until(&mut held, slice);
            lane.wake();
        }
    }
}

impl Drop for QueueSink {
    fn drop(&mut self) {
        // a lane inherited from a parent process and not used here is left alone
        let Some(lane) = self.lane.get_mut() else {
            return;
        };
        // closing the queue lets the worker write what is left and stop
        lane.sender.take();
        lane.wake();
        if let Some(worker) = lane.worker.lock().take() {
            // never the worker itself (a record its targets log can hold the last
            // reference to the configuration)
            worker.join();
        }
    }
}

impl Queued {
    fn record(&self) -> Record<'_> {
        Record {
            level: self.level,
            logger: &self.logger,
            message: Message::Text(&self.message),
            kv: &self.kv,
            file: self.file.as_deref(),
            line: self.line,
            time: self.time,
            origin: Some(&self.origin),
        }
    }
}

fn work(
    receiver: &Receiver<Queued>,
    targets: &[Arc<Handler>],
    progress: &Progress,
    after: &Mutex<Vec<Arc<Finished>>>,
    finished: &Finished,
) {
    let mut batch: Vec<Queued> = Vec::with_capacity(BATCH);
    while let Some(first) = next_record(receiver, progress) {
        // the first record after a reload: the old queues go first
        wait_for_all(std::mem::take(&mut *after.lock()), None);
        batch.push(first);
        while batch.len() < BATCH {
            match receiver.try_recv() {
                Ok(q) => batch.push(q),
                Err(_) => break,
            }
        }
        let records: Vec<Record<'_>> = batch.iter().map(Queued::record).collect();
        for t in targets {
            // a panic costs one record (`handle_many` catches each); this is the net
            let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                t.handle_many(&records);
            }));
        }
        drop(records);
        progress.finish(batch.len() as u64);
        batch.clear();
    }
    // the queues this one followed go first, also when it wrote nothing
    wait_for_all(std::mem::take(&mut *after.lock()), None);
    // everything is written: the new queues need not wait for the flush (which may
    // wait for compression)
    finished.set();
    for t in targets {
        t.flush();
    }
}

/// The next record, waiting for one as the module says; None once the queue is closed
/// and empty.
fn next_record(receiver: &Receiver<Queued>, progress: &Progress) -> Option<Queued> {
    let mut empty_looks = 0;
    loop {
        match receiver.try_recv() {
            Ok(q) => return Some(q),
            Err(TryRecvError::Disconnected) => return None,
            Err(TryRecvError::Empty) => {}
        }
        if empty_looks < IDLE_LOOKS {
            empty_looks += 1;
            std::thread::park_timeout(IDLE_WAIT);
            continue;
        }
        // say so before the last look: a record sent after it sees the flag and wakes us
        progress.sleeping.store(true, Ordering::SeqCst);
        std::sync::atomic::fence(Ordering::SeqCst);
        match receiver.try_recv() {
            Ok(q) => {
                progress.sleeping.store(false, Ordering::SeqCst);
                return Some(q);
            }
            Err(TryRecvError::Disconnected) => return None,
            Err(TryRecvError::Empty) => {
                // a record, a flush or the queue's end wakes it; the timeout is a net
                std::thread::park_timeout(Duration::from_secs(1));
                progress.sleeping.store(false, Ordering::SeqCst);
            }
        }
    }
}

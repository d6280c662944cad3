//! Opt-in buffering (`buffer = "64KiB"`, SPEC §2.9): records collect in memory and are
//! written when the buffer fills, at `flush_interval`, at a record at or above
//! `flush_level`, at rollover, reload, `Guard` drop, `Handle::flush`, and on a panic.
//!
//! One background thread (`logconf-flush`) flushes every buffered writer at its
//! interval; a panic hook, chained to the one installed before, flushes them all.

use std::sync::{Arc, Once, Weak};
use std::time::Duration;

use once_cell::sync::Lazy;
use parking_lot::Mutex;

use super::FileWriter;
use crate::config::values::Level;

/// How a file handler buffers.
#[derive(Clone, Debug, PartialEq)]
pub struct Buffering {
    /// The most bytes held in memory.
    pub size: usize,
    /// The longest a record waits.
    pub interval: Duration,
    /// A record at or above this level is written at once, with everything before it.
    pub flush_level: Level,
}

static WRITERS: Lazy<Mutex<Vec<Weak<FileWriter>>>> = Lazy::new(|| Mutex::new(Vec::new()));

/// The shortest wait of the flusher thread.
const TICK: Duration = Duration::from_millis(50);

/// Flushes `writer` at its interval from now on, and on a panic.
pub fn register(writer: &Arc<FileWriter>) {
    {
        let mut writers = WRITERS.lock();
        writers.retain(|w| w.strong_count() > 0);
        writers.push(Arc::downgrade(writer));
    }
    static START: Once = Once::new();
    START.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            flush_all(true);
            previous(info);
        }));
        let spawned = std::thread::Builder::new()
            .name("logconf-flush".into())
            .spawn(|| loop {
                std::thread::sleep(TICK);
                flush_all(false);
            });
        if let Err(e) = spawned {
            crate::diagnostics::report!(
                "cannot start the buffer flushing thread: {e}; buffers are written when full"
            );
        }
    });
}

/// Flushes the buffers that are due (every buffer when `all`). From a panic hook the
/// writers are only tried: a panicking thread may hold one of them.
fn flush_all(all: bool) {
    let writers: Vec<Arc<FileWriter>> = match WRITERS.try_lock() {
        Some(w) => w.iter().filter_map(Weak::upgrade).collect(),
        None => return,
    };
    for w in writers {
        w.flush_buffer_if(all);
    }
}

//! Hot reload triggers: a watcher thread per configuration file (file-system events
//! with a polling fallback), and SIGHUP.
//!
//! The watcher watches the file's directory, not the file: editors replace files by
//! renaming a temporary file over them, and Kubernetes swaps a `..data` symlink in the
//! directory of a ConfigMap volume. Whatever the event (or none, on file systems
//! without events), the file's content decides: a reload happens when it differs from
//! what was last seen. A watcher whose file disappears keeps polling for it.

use std::path::{Path, PathBuf};
use std::sync::atomic::Ordering;
use std::sync::mpsc::{channel, RecvTimeoutError};
use std::sync::{Arc, Weak};
use std::time::Duration;

use notify::{RecursiveMode, Watcher};
use once_cell::sync::Lazy;
use parking_lot::Mutex;

use super::{Logging, Source};

/// Settle time after a file event before the file is read (editors write in steps).
const DEBOUNCE: Duration = Duration::from_millis(50);

fn content_hash(path: &Path) -> Option<u64> {
    use std::hash::{Hash, Hasher};
    let bytes = std::fs::read(path).ok()?;
    let mut h = std::collections::hash_map::DefaultHasher::new();
    bytes.hash(&mut h);
    Some(h.finish())
}

fn text_hash(text: &str) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    text.as_bytes().hash(&mut h);
    h.finish()
}

/// Starts the watcher of `logging` when its configuration asks for one and none runs.
pub fn ensure_watcher(logging: &Arc<Logging>) {
    let Source::Path(path) = logging.source().clone() else {
        return;
    };
    if logging.watch_interval().is_none() || logging.watcher_running.swap(true, Ordering::SeqCst) {
        return;
    }
    let weak = Arc::downgrade(logging);
    let seen = Some(text_hash(&logging.loaded().source));
    let spawned = std::thread::Builder::new()
        .name("logconf-watch".into())
        .spawn(move || watch_loop(weak, path, seen));
    if let Err(e) = spawned {
        logging.watcher_running.store(false, Ordering::SeqCst);
        eprintln!(
            "logconf: cannot start the configuration watcher: {e}; use SIGHUP or Handle::reload"
        );
    }
}

fn watch_loop(weak: Weak<Logging>, path: PathBuf, mut seen: Option<u64>) {
    let (tx, rx) = channel::<()>();
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    // Events make reloads prompt; without them (network file systems, no inotify
    // slots left) polling alone finds every change.
    let _events = notify::recommended_watcher(move |_event: notify::Result<notify::Event>| {
        let _ = tx.send(());
    })
    .and_then(|mut w| w.watch(&dir, RecursiveMode::NonRecursive).map(|()| w))
    .ok();
    let mut missing_reported = false;
    while let Some(poll) = weak.upgrade().and_then(|l| l.watch_interval()) {
        match rx.recv_timeout(poll) {
            Ok(()) => {
                std::thread::sleep(DEBOUNCE);
                while rx.try_recv().is_ok() {}
            }
            Err(RecvTimeoutError::Timeout) | Err(RecvTimeoutError::Disconnected) => {}
        }
        let Some(logging) = weak.upgrade() else { break };
        let now = content_hash(&path);
        match now {
            None => {
                if !missing_reported {
                    eprintln!("logconf: {} cannot be read; the current configuration stays, and the file is watched for", path.display());
                    missing_reported = true;
                }
            }
            Some(hash) if Some(hash) != seen => {
                missing_reported = false;
                seen = Some(hash);
                logging.reload_and_report("a change of the file");
            }
            Some(_) => missing_reported = false,
        }
        if logging.watch_interval().is_none() {
            break;
        }
    }
    if let Some(l) = weak.upgrade() {
        l.watcher_running.store(false, Ordering::SeqCst);
    }
}

static SIGHUP_TARGETS: Lazy<Mutex<Vec<Weak<Logging>>>> = Lazy::new(|| Mutex::new(Vec::new()));

/// Reloads `logging` on SIGHUP (Unix), as `systemctl reload` and `kill -HUP` expect.
pub fn reload_on_sighup(logging: &Arc<Logging>) {
    let mut targets = SIGHUP_TARGETS.lock();
    targets.retain(|w| w.strong_count() > 0);
    let first = targets.is_empty();
    targets.push(Arc::downgrade(logging));
    drop(targets);
    static STARTED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);
    if !first || STARTED.swap(true, Ordering::SeqCst) {
        return;
    }
    match signal_hook::iterator::Signals::new([signal_hook::consts::SIGHUP]) {
        Ok(mut signals) => {
            let spawned = std::thread::Builder::new()
                .name("logconf-sighup".into())
                .spawn(move || {
                    for _ in signals.forever() {
                        let live: Vec<Arc<Logging>> = SIGHUP_TARGETS
                            .lock()
                            .iter()
                            .filter_map(Weak::upgrade)
                            .collect();
                        for l in live {
                            l.reload_and_report("SIGHUP");
                        }
                    }
                });
            if let Err(e) = spawned {
                eprintln!("logconf: cannot listen for SIGHUP: {e}");
            }
        }
        Err(e) => eprintln!("logconf: cannot listen for SIGHUP: {e}"),
    }
}

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

use crate::sync::Mutex;
use once_cell::sync::Lazy;

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

/// A running configuration as the reload triggers see it: the one type this module
/// uses. It holds the configuration weakly, so a trigger never keeps it alive.
#[derive(Clone)]
pub struct ReloadTarget(Weak<Logging>);

impl ReloadTarget {
    /// The trigger's view of `logging`.
    pub fn of(logging: &Arc<Logging>) -> ReloadTarget {
        ReloadTarget(Arc::downgrade(logging))
    }

    /// The file to watch, while the configuration lives, is read from a file and has
    /// hot reload on; with the poll interval.
    fn watched(&self) -> Option<(PathBuf, Duration)> {
        let logging = self.0.upgrade()?;
        let Source::Path(path) = logging.source() else {
            return None;
        };
        Some((path.clone(), logging.watch_interval()?))
    }

    /// A hash of the text in force.
    fn text_hash(&self) -> Option<u64> {
        self.0.upgrade().map(|l| text_hash(&l.loaded().source))
    }

    /// Reloads after `trigger`, reporting a failure; false when the configuration is gone.
    fn reload_after(&self, trigger: &str) -> bool {
        match self.0.upgrade() {
            Some(l) => {
                l.reload_and_report(trigger);
                true
            }
            None => false,
        }
    }

    /// Marks the watcher as running; false when one runs already.
    fn claim_watcher(&self) -> bool {
        self.0
            .upgrade()
            .is_some_and(|l| !l.watcher_running.swap(true, Ordering::SeqCst))
    }

    /// Marks the watcher as stopped.
    fn release_watcher(&self) {
        if let Some(l) = self.0.upgrade() {
            l.watcher_running.store(false, Ordering::SeqCst);
        }
    }

    fn is_alive(&self) -> bool {
        self.0.strong_count() > 0
    }
}

/// Starts the watcher of `target` when its configuration asks for one and none runs.
pub fn ensure_watcher(target: ReloadTarget) {
    let Some((path, _)) = target.watched() else {
        return;
    };
    if !target.claim_watcher() {
        return;
    }
    let seen = target.text_hash();
    let thread_target = target.clone();
    let spawned = crate::threads::spawn("logconf-watch", move || {
        watch_loop(thread_target, path, seen)
    });
    if let Err(e) = spawned {
        target.release_watcher();
        crate::diagnostics::report!(
            "cannot start the configuration watcher: {e}; use SIGHUP or Handle::reload"
        );
    }
}

fn watch_loop(target: ReloadTarget, path: PathBuf, mut seen: Option<u64>) {
    let (tx, rx) = channel::<()>();
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let _events = file_events(&dir, tx);
    let mut missing_reported = false;
    while let Some((_, poll)) = target.watched() {
        match rx.recv_timeout(poll) {
            Ok(()) => {
                std::thread::sleep(DEBOUNCE);
                while rx.try_recv().is_ok() {}
            }
            Err(RecvTimeoutError::Timeout) | Err(RecvTimeoutError::Disconnected) => {}
        }
        if !target.is_alive() {
            break;
        }
        match content_hash(&path) {
            None => {
                if !missing_reported {
                    crate::diagnostics::report!("{} cannot be read; the current configuration stays, and the file is watched for", path.display());
                    missing_reported = true;
                }
            }
            Some(hash) if Some(hash) != seen => {
                missing_reported = false;
                seen = Some(hash);
                if !target.reload_after("a change of the file") {
                    break;
                }
            }
            Some(_) => missing_reported = false,
        }
    }
    target.release_watcher();
}

/// Events make reloads prompt; without them (network file systems, no inotify slots
/// left, a build without the `reload` feature) polling alone finds every change.
#[cfg(feature = "reload")]
fn file_events(dir: &Path, tx: std::sync::mpsc::Sender<()>) -> Option<impl Sized> {
    use notify::{RecursiveMode, Watcher};
    notify::recommended_watcher(move |_event: notify::Result<notify::Event>| {
        let _ = tx.send(());
    })
    .and_then(|mut w| w.watch(dir, RecursiveMode::NonRecursive).map(|()| w))
    .ok()
}

/// Without the `reload` feature the watcher polls.
#[cfg(not(feature = "reload"))]
fn file_events(_dir: &Path, tx: std::sync::mpsc::Sender<()>) -> Option<impl Sized> {
    Some(tx)
}

static SIGHUP_TARGETS: Lazy<Mutex<Vec<ReloadTarget>>> = Lazy::new(|| Mutex::new(Vec::new()));

/// Reloads `target` on SIGHUP (Unix), as `systemctl reload` and `kill -HUP` expect, in
/// every build (the `reload` feature adds file events only).
pub fn reload_on_sighup(target: ReloadTarget) {
    let mut targets = SIGHUP_TARGETS.lock();
    targets.retain(ReloadTarget::is_alive);
    let first = targets.is_empty();
    targets.push(target);
    drop(targets);
    static STARTED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);
    if !first || STARTED.swap(true, Ordering::SeqCst) {
        return;
    }
    match signal_hook::iterator::Signals::new([signal_hook::consts::SIGHUP]) {
        Ok(mut signals) => {
            let spawned = crate::threads::spawn("logconf-sighup", move || {
                for _ in signals.forever() {
                    let live: Vec<ReloadTarget> = SIGHUP_TARGETS.lock().clone();
                    for t in live {
                        t.reload_after("SIGHUP");
                    }
                }
            });
            if let Err(e) = spawned {
                crate::diagnostics::report!("cannot listen for SIGHUP: {e}");
            }
        }
        Err(e) => crate::diagnostics::report!("cannot listen for SIGHUP: {e}"),
    }
}

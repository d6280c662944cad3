//! The running configuration: the current tree behind an atomic pointer, the set of
//! logger names that exist, reconfiguration, and the `log::Log` implementation.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use crate::fork::Mutex;
use arc_swap::ArcSwap;

mod reload;

use crate::compile::{compile, CompileContext};
use crate::config::values::Level;
use crate::diagnostics::Diagnostics;
use crate::load::model::Watch;
use crate::load::{load_file, load_str, LoadOptions, Loaded};
use crate::record::{from_log_level, level_of, Message, Record};
use crate::router::Tree;

/// Where the configuration comes from.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub enum Source {
    /// A file, read at load and at every reload.
    Path(PathBuf),
    /// Text given from code.
    Text(String),
}

/// What an operator wants to know about the configuration in force.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct Status {
    /// Where the configuration is read from.
    pub source: Source,
    /// When the configuration in force was loaded.
    pub loaded_at: SystemTime,
    /// How many configurations have been applied (1 after start).
    pub generation: u64,
    /// The last failed reload: when, and every problem, as `logconf check` prints them.
    /// Cleared by the next successful one.
    pub last_error: Option<(SystemTime, String)>,
    /// Each handler of the configuration in force: records it could not write, its
    /// last error.
    pub handlers: Vec<crate::handlers::HandlerHealth>,
    /// Records no handler could write since logging started, replaced configurations
    /// included (a write that failed on two handlers counts twice).
    pub records_dropped: u64,
}

/// How hot reload is set from code (wins over the file's `watch`).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub enum WatchOverride {
    /// The file's `watch` key decides.
    #[default]
    FromFile,
    /// Off whatever the file says.
    Off,
    /// On, polling at this interval as well as listening for file events.
    Every(Duration),
}

/// The poll interval of `watch = true`.
pub const DEFAULT_POLL: Duration = Duration::from_secs(2);

/// The running logging system.
pub struct Logging {
    tree: ArcSwap<Tree>,
    loaded: Mutex<Arc<Loaded>>,
    names: Arc<Mutex<Names>>,
    options: LoadOptions,
    source: Source,
    installed: AtomicBool,
    status: Mutex<Status>,
    reload_lock: Mutex<()>,
    watch_override: WatchOverride,
    pub(crate) watcher_running: AtomicBool,
    this: once_cell::sync::OnceCell<std::sync::Weak<Logging>>,
    last_reported: Mutex<Option<u64>>,
    /// Records dropped by the handlers of replaced configurations.
    retired_dropped: AtomicU64,
    /// The queues of earlier configurations that may still be writing (see
    /// `queue_after_old_queues`).
    unfinished_queues:
        crate::fork::PerProcess<crate::sync::Mutex<Vec<Arc<crate::handlers::Finished>>>>,
}

impl Logging {
    /// Loads and compiles `source`.
    pub fn new(
        source: Source,
        options: LoadOptions,
        watch_override: WatchOverride,
    ) -> Result<Logging, Diagnostics> {
        let _ = *crate::format::START;
        crate::fork::watch();
        let names = Arc::new(Mutex::new(Names::default()));
        let loaded = load(&source, &options)?;
        let tree = build(&loaded, &names, Reconfiguration::Explicit)?;
        report_env_warnings(&loaded);
        Ok(Logging {
            tree: ArcSwap::from_pointee(tree),
            loaded: Mutex::new(Arc::new(loaded)),
            names,
            options,
            status: Mutex::new(Status {
                source: source.clone(),
                loaded_at: SystemTime::now(),
                generation: 1,
                last_error: None,
                handlers: Vec::new(),
                records_dropped: 0,
            }),
            retired_dropped: AtomicU64::new(0),
            unfinished_queues: crate::fork::PerProcess::default(),
            source,
            installed: AtomicBool::new(false),
            reload_lock: Mutex::new(()),
            watch_override,
            watcher_running: AtomicBool::new(false),
            this: once_cell::sync::OnceCell::new(),
            last_reported: Mutex::new(None),
        })
    }

    /// The status of the configuration in force.
    pub fn status(&self) -> Status {
        let mut status = self.status.lock().clone();
        let tree = self.tree.load();
        status.handlers = tree.handlers.iter().map(|h| h.health()).collect();
        status.records_dropped = self.retired_dropped.load(Ordering::Relaxed)
            + status
                .handlers
                .iter()
                .map(|h| h.records_dropped)
                .sum::<u64>();
        status
    }

    /// The poll interval of hot reload, None when it is off.
    pub fn watch_interval(&self) -> Option<Duration> {
        if !matches!(self.source, Source::Path(_)) {
            return None;
        }
        match self.watch_override {
            WatchOverride::Off => None,
            WatchOverride::Every(d) => Some(d),
            WatchOverride::FromFile => match &self.loaded().config.watch {
                Watch::Enabled(true) => Some(DEFAULT_POLL),
                Watch::Every(d) => Some(d.0.max(Duration::from_millis(10))),
                Watch::Enabled(false) | Watch::Off => None,
            },
        }
    }

    /// Reloads the source for a trigger (file change, SIGHUP): on failure the running
    /// tree stays, and the problems go to stderr and to the `logconf` logger at ERROR,
    /// once for each distinct content of the file.
    pub fn reload_and_report(&self, trigger: &str) {
        let Err(diags) = self.reload() else {
            *self.last_reported.lock() = None;
            return;
        };
        let text = diags.to_string();
        let key = {
            use std::hash::{Hash, Hasher};
            let mut h = std::collections::hash_map::DefaultHasher::new();
            diags.source.hash(&mut h);
            text.hash(&mut h);
            h.finish()
        };
        {
            let mut last = self.last_reported.lock();
            if *last == Some(key) {
                return;
            }
            *last = Some(key);
        }
        let message = format!(
            "reload after {trigger} failed; the previous configuration stays in force\n{}",
            text.trim_end()
        );
        self.report_own(Level::ERROR, &message);
    }

    /// Reports a problem of logconf's own: a record on the `logconf` logger, and the
    /// text on stderr unless that record is written there already (a console handler
    /// on stderr). Without a handler for the `logconf` logger, stderr only: Python's
    /// lastResort would print the same text a second time.
    fn report_own(&self, level: Level, message: &str) {
        let (on_stderr, has_handlers) = {
            let tree = self.tree.load();
            let on_stderr = tree
                .reached("logconf", level)
                .iter()
                .any(|h| h.writes_to_stderr());
            (on_stderr, !tree.route("logconf").handlers.is_empty())
        };
        if !on_stderr {
            crate::diagnostics::report!("{message}");
        }
        if has_handlers {
            self.log_own(level, message);
        }
    }

    /// Logs a record of logconf's own on the `logconf` logger.
    fn log_own(&self, level: Level, message: &str) {
        let rec = Record {
            logger: "logconf",
            ..Record::new(level, Message::Text(message))
        };
        self.dispatch("logconf", &rec);
    }

    /// The configuration in force.
    pub fn loaded(&self) -> Arc<Loaded> {
        self.loaded.lock().clone()
    }

    /// The source given at start.
    pub(crate) fn source(&self) -> &Source {
        &self.source
    }

    /// Reloads the original source: a hot reload, which gives what a restart with the
    /// new file gives.
    pub fn reload(&self) -> Result<(), Diagnostics> {
        let result = load(&self.source, &self.options)
            .and_then(|loaded| self.apply(loaded, Reconfiguration::HotReload));
        if let Err(d) = &result {
            self.status.lock().last_error = Some((SystemTime::now(), d.to_string()));
        }
        result
    }

    /// Replaces the configuration with the file at `path` (the reconfigure of
    /// `logconf replay`). On error the running tree stays.
    pub fn reconfigure_file(&self, path: &Path) -> Result<(), Diagnostics> {
        let loaded = load_file(path, &self.options)?;
        self.apply(loaded, Reconfiguration::Explicit)
    }

    fn apply(&self, loaded: Loaded, kind: Reconfiguration) -> Result<(), Diagnostics> {
        let _one_at_a_time = self.reload_lock.lock();
        let tree = Arc::new(build(&loaded, &self.names, kind)?);
        report_env_warnings(&loaded);
        let max = tree.max_level();
        retire_replaced_writers(&self.tree.load(), &tree);
        {
            let mut unfinished = self.unfinished_queues.get().lock();
            queue_after_old_queues(&self.tree.load(), &tree, &mut unfinished);
        }
        let old = self.tree.swap(tree.clone());
        let changed = if kind == Reconfiguration::HotReload {
            let routed: Vec<String> = self.names.lock().routed.iter().cloned().collect();
            changes(&old, &tree, &routed)
        } else {
            None
        };
        let dropped = close_old_tree(old, &tree);
        self.retired_dropped.fetch_add(dropped, Ordering::Relaxed);
        // only now may this thread log into a new queue (were it full, it would wait)
        if let Some(line) = changed {
            self.log_own(Level::WARNING, &line);
        }
        if self.installed.load(Ordering::Relaxed) {
            log::set_max_level(max);
        }
        *self.loaded.lock() = Arc::new(loaded);
        // `tracing` call sites ask the new tree whether they are enabled
        #[cfg(feature = "tracing")]
        tracing_core::callsite::rebuild_interest_cache();
        {
            let mut status = self.status.lock();
            status.loaded_at = SystemTime::now();
            status.generation += 1;
            status.last_error = None;
        }
        if let Some(me) = self.this.get().and_then(std::sync::Weak::upgrade) {
            reload::ensure_watcher(reload::ReloadTarget::of(&me));
        }
        Ok(())
    }

    /// Starts the triggers of hot reload that apply to this configuration.
    pub(crate) fn start_triggers(self: &Arc<Self>, sighup: bool) {
        let _ = self.this.set(Arc::downgrade(self));
        reload::ensure_watcher(reload::ReloadTarget::of(self));
        if sighup {
            reload::reload_on_sighup(reload::ReloadTarget::of(self));
        }
    }

    /// The tree in force.
    pub fn tree(&self) -> arc_swap::Guard<Arc<Tree>> {
        self.tree.load()
    }

    /// Routes a record for `target` (a dotted name or a Rust module path). A panic
    /// inside (a bug, a user's filter or `Display`) never reaches the caller.
    pub fn dispatch(&self, target: &str, rec: &Record<'_>) {
        let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            self.tree.load().dispatch(target, rec);
        }));
    }

    /// Flushes every handler.
    pub fn flush(&self) {
        self.tree.load().flush();
    }

    /// Every logger name a record has been routed for so far, sorted.
    pub fn routed_names(&self) -> Vec<String> {
        let mut names: Vec<String> = self.names.lock().routed.iter().cloned().collect();
        names.sort();
        names
    }

    /// Marks this instance as the `log` logger, so level changes follow reloads.
    pub(crate) fn mark_installed(&self) {
        self.installed.store(true, Ordering::Relaxed);
        log::set_max_level(self.tree.load().max_level());
    }
}

/// A `RUST_LOG` that cannot be read all, on stderr once per process for each problem
/// (the next reload reads the same environment).
fn report_env_warnings(loaded: &Loaded) {
    static REPORTED: Mutex<Vec<String>> = Mutex::new_static(Vec::new());
    for w in loaded.env_warnings() {
        let mut reported = REPORTED.lock();
        if !reported.iter().any(|r| r == w) {
            reported.push(w.to_string());
            crate::diagnostics::report!("warning: {w}");
        }
    }
}

fn load(source: &Source, options: &LoadOptions) -> Result<Loaded, Diagnostics> {
    match source {
        Source::Path(p) => load_file(p, options),
        Source::Text(t) => load_str(t, Path::new("<string>"), options),
    }
}

/// The logger names that exist, in the two senses of docs/hot-reload.md ("What a reload does").
#[derive(Clone, Default)]
struct Names {
    /// Named by a configuration applied so far.
    configured: HashSet<String>,
    /// A record has been routed for them.
    routed: HashSet<String>,
}

/// The two kinds of reconfiguration.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Reconfiguration {
    /// File watch, SIGHUP, `Handle::reload`: what a restart with the new file gives, so
    /// a logger that exists only because it logged is never disabled.
    HotReload,
    /// `Handle::reconfigure_file`, replay's `reconfigure`: Python's second `dictConfig`,
    /// where a logger that logged exists and `disable_existing_loggers` disables it.
    Explicit,
}

/// Before a reload switches trees: every other live writer of a file the new tree
/// writes (the old tree's, whose settings changed) is retired in favour of the new
/// tree's writer, and the old tree's writers of files no longer written are retired
/// without a successor (see `rotation::FileWriter::retire`).
fn retire_replaced_writers(old: &Tree, new: &Tree) {
    let writers = |t: &Tree| -> Vec<Arc<crate::rotation::FileWriter>> {
        t.handlers
            .iter()
            .filter_map(|h| match &h.sink {
                crate::handlers::Sink::File(w) => Some(w.clone()),
                _ => None,
            })
            .collect()
    };
    let kept = writers(new);
    let in_new = |w: &Arc<crate::rotation::FileWriter>| kept.iter().any(|k| Arc::ptr_eq(k, w));
    for w in &kept {
        for other in w.others_of_file() {
            if !in_new(&other) {
                other.retire(Some(w.clone()));
            }
        }
    }
    for w in writers(old) {
        if !in_new(&w) {
            w.retire(None);
        }
    }
}

/// After a reload's swap: lets go of the old tree, waits for its queues' workers to
/// write what they hold and stop (here, not in whichever logging call lets go of the
/// old tree last), flushes its other handlers, and returns the records its handlers
/// dropped (a file writer the new tree kept reports its own losses there).
fn close_old_tree(old: Arc<Tree>, new: &Tree) -> u64 {
    // the old tree goes first: its queues' workers write what they hold and stop
    // (once no call in flight holds the old tree), which lets the new queues start
    // writing; its other handlers are flushed after
    let others: Vec<Arc<crate::handlers::Handler>> = old
        .handlers
        .iter()
        .filter(|h| !matches!(h.sink, crate::handlers::Sink::Queue(_)))
        .cloned()
        .collect();
    // a queue's count is read once it is gone (a call in flight may still add); its
    // worker is waited for here, not by whichever thread lets go of the old tree
    // last (a logging call)
    let mut queues_dropped = 0;
    let mut queue_counters = Vec::new();
    let mut workers = Vec::new();
    for h in &old.handlers {
        if let crate::handlers::Sink::Queue(q) = &h.sink {
            queues_dropped += h.health().records_dropped.saturating_sub(q.dropped());
            queue_counters.push(q.dropped_counter());
            workers.extend(q.take_worker());
        }
    }
    drop(old);
    for w in workers {
        w.join();
    }
    // written out, not flushed: a reload never waits for compression (the backups of
    // a writer left behind are compressed by the same thread as ever)
    for h in &others {
        h.write_out();
    }
    // a file writer the new tree kept reports its own losses there
    let kept = |w: &Arc<crate::rotation::FileWriter>| {
        new.handlers
            .iter()
            .any(|n| matches!(&n.sink, crate::handlers::Sink::File(k) if Arc::ptr_eq(k, w)))
    };
    others
        .iter()
        .map(|h| match &h.sink {
            crate::handlers::Sink::File(w) if kept(w) => {
                h.health().records_dropped.saturating_sub(w.buffer_lost())
            }
            _ => h.health().records_dropped,
        })
        .sum::<u64>()
        + queues_dropped
        + queue_counters
            .iter()
            .map(|c| c.load(Ordering::Relaxed))
            .sum::<u64>()
}

/// Before a reload switches trees: the new tree's queue workers write nothing before
/// the old tree's have written their last record and stopped (see
/// `QueueSink::start_after`), so a record a thread left in an old queue is written
/// before its later records.
/// `unfinished` keeps every earlier queue still writing, so that a reload without
/// queues between two with queues, or a queue that got no record, keeps the order too.
fn queue_after_old_queues(
    old: &Tree,
    new: &Tree,
    unfinished: &mut Vec<Arc<crate::handlers::Finished>>,
) {
    unfinished.retain(|f| !f.is_set());
    for h in &old.handlers {
        if let crate::handlers::Sink::Queue(q) = &h.sink {
            unfinished.push(q.finished());
        }
    }
    if unfinished.is_empty() {
        return;
    }
    for h in &new.handlers {
        if let crate::handlers::Sink::Queue(q) = &h.sink {
            q.start_after(unfinished.clone());
        }
    }
}

fn build(
    loaded: &Loaded,
    names: &Arc<Mutex<Names>>,
    kind: Reconfiguration,
) -> Result<Tree, Diagnostics> {
    let existing = {
        let n = names.lock();
        match kind {
            Reconfiguration::HotReload => n.configured.clone(),
            Reconfiguration::Explicit => n.configured.union(&n.routed).cloned().collect(),
        }
    };
    let tree = compile(
        loaded,
        &CompileContext {
            existing: &existing,
            dry_run: false,
        },
    )?;
    names
        .lock()
        .configured
        .extend(loaded.named_loggers().cloned());
    let names = names.clone();
    Ok(tree.on_new_name(Box::new(move |name: &str| {
        names.lock().routed.insert(name.to_string());
    })))
}

/// One line saying which loggers a hot reload disabled or re-routed, if any.
fn changes(old: &Tree, new: &Tree, routed: &[String]) -> Option<String> {
    let mut disabled: Vec<&str> = new
        .disabled
        .iter()
        .filter(|n| !old.disabled.contains(*n))
        .map(String::as_str)
        .collect();
    disabled.sort_unstable();
    let handler_names = |t: &Tree, name: &str| -> Vec<String> {
        let route = t.compute_route(name);
        if route.disabled {
            return Vec::new();
        }
        route
            .handlers
            .iter()
            .map(|h| h.name().to_string())
            .collect()
    };
    let mut rerouted: Vec<&str> = routed
        .iter()
        .filter(|n| !new.disabled.contains(*n))
        .filter(|n| handler_names(old, n) != handler_names(new, n))
        .map(String::as_str)
        .collect();
    rerouted.sort_unstable();
    let list = |names: &[&str]| -> String {
        let shown: Vec<&str> = names.iter().take(5).copied().collect();
        let more = names.len().saturating_sub(5);
        if more > 0 {
            format!("{} and {more} more", shown.join(", "))
        } else {
            shown.join(", ")
        }
    };
    let mut parts = Vec::new();
    if !disabled.is_empty() {
        parts.push(format!(
            "disabled {} (disable_existing_loggers; no longer named)",
            list(&disabled)
        ));
    }
    if !rerouted.is_empty() {
        parts.push(format!("re-routed {} (other handlers)", list(&rerouted)));
    }
    (!parts.is_empty()).then(|| format!("configuration reloaded: {}", parts.join("; ")))
}

/// The `log` facade's view of a [`Logging`].
pub(crate) struct GlobalLogger(pub Arc<Logging>);

impl log::Log for GlobalLogger {
    fn enabled(&self, metadata: &log::Metadata<'_>) -> bool {
        self.0
            .tree()
            .enabled(from_log_level(metadata.level()), metadata.target())
    }

    fn log(&self, record: &log::Record<'_>) {
        let rec = Record {
            level: level_of(record),
            logger: "",
            message: Message::Args(*record.args()),
            kv: record.key_values(),
            file: record.file(),
            line: record.line(),
            time: crate::clock::now(),
            origin: None,
        };
        // dispatch keeps any panic inside
        self.0.dispatch(record.target(), &rec);
    }

    fn flush(&self) {
        self.0.flush();
    }
}

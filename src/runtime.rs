//! The running configuration: the current tree behind an atomic pointer, the set of
//! logger names that exist, reconfiguration, and the `log::Log` implementation.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use arc_swap::ArcSwap;
use parking_lot::Mutex;

use crate::compile::{compile, CompileContext};
use crate::config::{load_file, load_str, LoadOptions, Loaded};
use crate::diagnostics::Diagnostics;
use crate::filters::CustomFilter;
use crate::record::{Message, Record};
use crate::router::{from_log_level, Tree};

/// Where the configuration comes from.
#[derive(Clone, Debug)]
pub enum Source {
    /// A file, read at load and at every reload.
    Path(PathBuf),
    /// Text given from code.
    Text(String),
}

/// The running logging system.
pub struct Logging {
    tree: ArcSwap<Tree>,
    loaded: Mutex<Arc<Loaded>>,
    existing: Arc<Mutex<HashSet<String>>>,
    options: LoadOptions,
    custom_filters: HashMap<String, CustomFilter>,
    source: Source,
    installed: std::sync::atomic::AtomicBool,
}

impl Logging {
    /// Loads and compiles `source`.
    pub fn new(
        source: Source,
        options: LoadOptions,
        custom_filters: HashMap<String, CustomFilter>,
    ) -> Result<Logging, Diagnostics> {
        let _ = *crate::format::START;
        let existing = Arc::new(Mutex::new(HashSet::new()));
        let loaded = load(&source, &options)?;
        let tree = build(&loaded, &existing, &custom_filters)?;
        Ok(Logging {
            tree: ArcSwap::from_pointee(tree),
            loaded: Mutex::new(Arc::new(loaded)),
            existing,
            options,
            custom_filters,
            source,
            installed: std::sync::atomic::AtomicBool::new(false),
        })
    }

    /// The configuration in force.
    pub fn loaded(&self) -> Arc<Loaded> {
        self.loaded.lock().clone()
    }

    /// The source given at start.
    pub(crate) fn source(&self) -> &Source {
        &self.source
    }

    /// Reloads the original source.
    pub fn reload(&self) -> Result<(), Diagnostics> {
        let loaded = load(&self.source, &self.options)?;
        self.apply(loaded)
    }

    /// Replaces the configuration with the file at `path` (the reconfigure of
    /// `logconf replay`). On error the running tree stays.
    pub fn reconfigure_file(&self, path: &Path) -> Result<(), Diagnostics> {
        let loaded = load_file(path, &self.options)?;
        self.apply(loaded)
    }

    fn apply(&self, loaded: Loaded) -> Result<(), Diagnostics> {
        let tree = build(&loaded, &self.existing, &self.custom_filters)?;
        let max = tree.max_level();
        let old = self.tree.swap(Arc::new(tree));
        old.flush();
        drop(old);
        if self.installed.load(std::sync::atomic::Ordering::Relaxed) {
            log::set_max_level(max);
        }
        *self.loaded.lock() = Arc::new(loaded);
        Ok(())
    }

    /// The tree in force.
    pub fn tree(&self) -> arc_swap::Guard<Arc<Tree>> {
        self.tree.load()
    }

    /// Routes a record for `target` (a dotted name or a Rust module path).
    pub fn dispatch(&self, target: &str, rec: &Record<'_>) {
        self.tree.load().dispatch(target, rec);
    }

    /// Flushes every handler.
    pub fn flush(&self) {
        self.tree.load().flush();
    }

    /// Marks this instance as the `log` logger, so level changes follow reloads.
    pub(crate) fn mark_installed(&self) {
        self.installed
            .store(true, std::sync::atomic::Ordering::Relaxed);
        log::set_max_level(self.tree.load().max_level());
    }
}

fn load(source: &Source, options: &LoadOptions) -> Result<Loaded, Diagnostics> {
    match source {
        Source::Path(p) => load_file(p, options),
        Source::Text(t) => load_str(t, Path::new("<string>"), options),
    }
}

fn build(
    loaded: &Loaded,
    existing: &Arc<Mutex<HashSet<String>>>,
    custom_filters: &HashMap<String, CustomFilter>,
) -> Result<Tree, Diagnostics> {
    let snapshot = existing.lock().clone();
    let tree = compile(
        loaded,
        &CompileContext {
            existing: &snapshot,
            custom_filters,
        },
    )?;
    {
        let mut set = existing.lock();
        set.extend(loaded.config.loggers.keys().cloned());
    }
    let names = existing.clone();
    Ok(tree.on_new_name(Box::new(move |name: &str| {
        names.lock().insert(name.to_string());
    })))
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
        let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            let rec = Record {
                level: from_log_level(record.level()),
                logger: "",
                message: Message::Args(*record.args()),
                kv: record.key_values(),
                file: record.file(),
                line: record.line(),
                time: crate::clock::now(),
            };
            self.0.dispatch(record.target(), &rec);
        }));
    }

    fn flush(&self) {
        self.0.flush();
    }
}

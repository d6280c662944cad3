//! The library API: `logconf::init()`, the [`Builder`], the [`Handle`] and the
//! flush-on-drop [`Guard`].

use std::collections::HashMap;
use std::fmt;
use std::path::PathBuf;
use std::sync::Arc;

use crate::diagnostics::Diagnostics;
use crate::load::{LoadOptions, Loaded};
use crate::record::Record;
use crate::runtime::{GlobalLogger, Logging, Source, Status, WatchOverride};

/// Why logging could not be set up. Its `Debug` prints what `Display` prints (the
/// located diagnostics), so `fn main() -> Result<(), Box<dyn Error>>` shows them.
#[non_exhaustive]
pub enum Error {
    /// The configuration has problems (every one of them, located).
    Config(Diagnostics),
    /// Another `log` logger is installed already.
    AlreadyInstalled,
    /// Another global `tracing` subscriber is installed already (feature `tracing`).
    /// Compose logconf into it instead: [`Builder::tracing_subscriber`]`(false)` and
    /// `Handle::tracing_layer`.
    TracingAlreadyInstalled,
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Config(d) => write!(f, "{d}"),
            Error::AlreadyInstalled => {
                f.write_str("a `log` logger is already installed in this process")
            }
            Error::TracingAlreadyInstalled => f.write_str(
                "a global `tracing` subscriber is already installed in this process; \
                 add logconf to it with `Handle::tracing_layer()` and \
                 `Builder::tracing_subscriber(false)`",
            ),
        }
    }
}

/// What `fn main() -> Result<(), Box<dyn Error>>` prints after `Error: `: a line that
/// names the file and the count, then every problem as `logconf check` shows it.
impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Config(d) => {
                let n = d.error_count();
                writeln!(
                    f,
                    "{} did not load ({n} error{})",
                    d.file().display(),
                    if n == 1 { "" } else { "s" }
                )?;
                write!(f, "{d}")
            }
            other => fmt::Display::fmt(other, f),
        }
    }
}

impl std::error::Error for Error {}

impl From<Diagnostics> for Error {
    fn from(d: Diagnostics) -> Self {
        Error::Config(d)
    }
}

/// The configuration file `init()` reads: env `LOG_CONFIG`, else `./logging.toml`.
pub fn default_config_path() -> PathBuf {
    std::env::var_os("LOG_CONFIG")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("logging.toml"))
}

/// Loads `logging.toml` (env `LOG_CONFIG`, else `./logging.toml`) and installs it as
/// the `log` logger. Keep the guard alive: dropping it flushes.
pub fn init() -> Result<Guard, Error> {
    Builder::new().init()
}

/// Sets logging up with more control than [`init`].
pub struct Builder {
    source: Source,
    options: LoadOptions,
    watch: WatchOverride,
    sighup: Option<bool>,
    tracing_subscriber: bool,
}

impl Default for Builder {
    fn default() -> Self {
        Builder::new()
    }
}

impl Builder {
    /// For the `logconf` command (`__cli::cli_builder`): what a `custom` filter that no
    /// code registered does.
    pub(crate) fn unregistered_filters(mut self, mode: crate::load::UnregisteredFilters) -> Self {
        self.options.unregistered_filters = mode;
        self
    }

    /// A builder for the default file (env `LOG_CONFIG`, else `./logging.toml`).
    pub fn new() -> Self {
        Builder {
            source: Source::Path(default_config_path()),
            options: LoadOptions::default(),
            watch: WatchOverride::FromFile,
            sighup: None,
            tracing_subscriber: true,
        }
    }

    /// Hot reload on or off, whatever the file's `watch` says (on: file events, and
    /// polling every 2 s).
    pub fn watch(mut self, on: bool) -> Self {
        self.watch = if on {
            WatchOverride::Every(crate::runtime::DEFAULT_POLL)
        } else {
            WatchOverride::Off
        };
        self
    }

    /// Hot reload on, polling the file at this interval as well as listening for events.
    pub fn watch_every(mut self, interval: std::time::Duration) -> Self {
        self.watch = WatchOverride::Every(interval);
        self
    }

    /// Reload on SIGHUP (Unix), as `systemctl reload` and `kill -HUP` expect. Default:
    /// on for [`Builder::init`], off for [`Builder::build`]. Every build handles it (the
    /// `reload` feature adds file-system events only); once logconf handles SIGHUP, the
    /// signal no longer ends the process.
    pub fn reload_on_sighup(mut self, on: bool) -> Self {
        self.sighup = Some(on);
        self
    }

    /// With the `tracing` feature: whether [`Builder::init`] also installs logconf as the
    /// global `tracing` subscriber (default: yes). Say no to compose
    /// `Handle::tracing_layer` into a subscriber of your own (with OpenTelemetry, say).
    pub fn tracing_subscriber(mut self, install: bool) -> Self {
        self.tracing_subscriber = install;
        self
    }

    /// Reads the configuration from this file.
    pub fn path(mut self, path: impl Into<PathBuf>) -> Self {
        self.source = Source::Path(path.into());
        self
    }

    /// Uses this TOML text as the configuration.
    pub fn text(mut self, text: impl Into<String>) -> Self {
        self.source = Source::Text(text.into());
        self
    }

    /// The log base dir (env `LOG_BASE_DIR` still wins; this wins over the file).
    pub fn base_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.options.base_dir = Some(dir.into());
        self
    }

    /// DEBUG mode (env `LOG_DEBUG` still wins; this wins over the file).
    pub fn debug(mut self, on: bool) -> Self {
        self.options.debug = Some(on);
        self
    }

    /// Uses this environment instead of the process's (for tests and tools).
    pub fn env(mut self, env: HashMap<String, String>) -> Self {
        self.options.env = Some(env);
        self
    }

    /// Registers a filter that `[filters.X] class = "custom", function = NAME` uses.
    pub fn filter<F>(mut self, name: impl Into<String>, f: F) -> Self
    where
        F: Fn(&Record<'_>) -> bool + Send + Sync + 'static,
    {
        self.options.custom_filters.insert(name.into(), Arc::new(f));
        self
    }

    /// Loads and compiles without installing as the `log` logger.
    pub fn build(self) -> Result<Handle, Error> {
        let sighup = self.sighup.unwrap_or(false);
        self.build_with(sighup)
    }

    fn build_with(self, sighup: bool) -> Result<Handle, Error> {
        let logging = Arc::new(Logging::new(self.source, self.options, self.watch)?);
        logging.start_triggers(sighup);
        Ok(Handle(logging))
    }

    /// Loads, compiles and installs as the `log` logger (and, with the `tracing`
    /// feature, as the global `tracing` subscriber), so that `log` records and `tracing`
    /// events go to the same files.
    ///
    /// Fails with [`Error::TracingAlreadyInstalled`] before anything is opened when
    /// another global `tracing` subscriber is installed, and with
    /// [`Error::AlreadyInstalled`] when another `log` logger is (the configuration's
    /// files are created by then, as Python's `dictConfig` creates them). Should another
    /// thread install a `tracing` subscriber between the check and the installation,
    /// `log` records still go through logconf and the error says what happened.
    pub fn init(self) -> Result<Guard, Error> {
        let sighup = self.sighup.unwrap_or(true);
        let install_tracing = self.tracing_subscriber;
        #[cfg(feature = "tracing")]
        if install_tracing && tracing_core::dispatcher::has_been_set() {
            return Err(Error::TracingAlreadyInstalled);
        }
        let handle = self.build_with(sighup)?;
        log::set_boxed_logger(Box::new(GlobalLogger(handle.0.clone())))
            .map_err(|_| Error::AlreadyInstalled)?;
        handle.0.mark_installed();
        #[cfg(feature = "tracing")]
        if install_tracing {
            use tracing_subscriber::layer::SubscriberExt as _;
            let subscriber = tracing_subscriber::registry().with(handle.tracing_layer());
            tracing_core::dispatcher::set_global_default(tracing_core::Dispatch::new(subscriber))
                .map_err(|_| Error::TracingAlreadyInstalled)?;
        }
        #[cfg(not(feature = "tracing"))]
        let _ = install_tracing;
        Ok(Guard { handle })
    }
}

/// Control over a running configuration.
#[derive(Clone)]
pub struct Handle(Arc<Logging>);

impl fmt::Debug for Handle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Handle")
            .field("source", self.0.source())
            .finish()
    }
}

impl Handle {
    /// Flushes every handler.
    pub fn flush(&self) {
        self.0.flush();
    }

    /// Reads the configuration source again and swaps the new tree in; on error the
    /// running configuration stays and every problem is returned.
    pub fn reload(&self) -> Result<(), Error> {
        self.0.reload().map_err(Error::Config)
    }

    /// Replaces the configuration with another file (as `logconf replay` does).
    pub fn reconfigure_file(&self, path: impl AsRef<std::path::Path>) -> Result<(), Error> {
        self.0
            .reconfigure_file(path.as_ref())
            .map_err(Error::Config)
    }

    /// The configuration in force: its file, text, DEBUG mode, base dir, warnings.
    pub fn config(&self) -> ActiveConfig {
        ActiveConfig(self.0.loaded())
    }

    /// The loaded configuration, for the `logconf` command.
    pub(crate) fn loaded(&self) -> Arc<Loaded> {
        self.0.loaded()
    }

    /// Where the configuration comes from, when it was loaded, how many have been
    /// applied, and the last reload error.
    pub fn status(&self) -> Status {
        self.0.status()
    }

    /// Where the configuration is read from at a reload.
    pub fn source(&self) -> &Source {
        self.0.source()
    }

    /// The names of the handlers that would write a record of `logger` at `level`.
    pub fn handlers_reached(&self, logger: &str, level: crate::Level) -> Vec<String> {
        self.0
            .tree()
            .reached(logger, level)
            .iter()
            .map(|h| h.name().to_string())
            .collect()
    }

    /// Every file a handler of the configuration in force writes: (handler, path).
    pub fn files(&self) -> Vec<(String, std::path::PathBuf)> {
        self.0
            .tree()
            .handlers
            .iter()
            .filter_map(|h| {
                h.sink
                    .path()
                    .map(|p| (h.name().to_string(), p.to_path_buf()))
            })
            .collect()
    }

    /// A `tracing_subscriber` layer that writes `tracing` events through this
    /// configuration (feature `tracing`), for a subscriber you build yourself:
    ///
    /// ```ignore
    /// use tracing_subscriber::prelude::*;
    /// let guard = logconf::Builder::new().tracing_subscriber(false).init()?;
    /// let subscriber = tracing_subscriber::registry()
    ///     .with(guard.handle().tracing_layer())
    ///     .with(my_opentelemetry_layer);
    /// // not `.init()`: with tracing-subscriber's default `tracing-log` feature it also
    /// // installs a `log` logger, and logconf is that logger already
    /// tracing::subscriber::set_global_default(subscriber)?;
    /// ```
    ///
    /// It filters only itself: the other layers still see every event.
    #[cfg(feature = "tracing")]
    #[cfg_attr(docsrs, doc(cfg(feature = "tracing")))]
    pub fn tracing_layer<S>(&self) -> impl tracing_subscriber::Layer<S> + Send + Sync + 'static
    where
        S: tracing_core::Subscriber + for<'a> tracing_subscriber::registry::LookupSpan<'a>,
    {
        crate::tracing_layer::layer(self.0.clone())
    }

    /// This configuration as a `log` logger, to be one output among others: a chain of
    /// an existing `fern::Dispatch` (`.chain(handle.logger())`) or of any `log`
    /// multiplexer. Records keep their target, level and key-values; the levels of
    /// logging.toml still apply after the multiplexer's own.
    pub fn logger(&self) -> Box<dyn log::Log> {
        Box::new(GlobalLogger(self.0.clone()))
    }

    /// Every logger a record has been logged to so far (Python's
    /// `logging.root.manager.loggerDict` habit), with its effective level and the
    /// handlers a record at that level reaches: where the names your code and its
    /// dependencies really use go.
    pub fn loggers_seen(&self) -> Vec<SeenLogger> {
        let tree = self.0.tree();
        let loaded = self.0.loaded();
        self.0
            .routed_names()
            .into_iter()
            .map(|name| {
                let explained = tree.explain(&name);
                let level = explained.level;
                // a record at the effective level (NOTSET lets level 1 up through; a
                // level above CRITICAL, RUST_LOG's `off`, lets nothing through)
                let handlers = if level > crate::Level::CRITICAL {
                    Vec::new()
                } else {
                    tree.reached(&name, level.max(crate::Level::custom(1)))
                        .iter()
                        .map(|h| h.name().to_string())
                        .collect()
                };
                SeenLogger {
                    handlers,
                    configured: explained.configured && !loaded.env_only.contains(&name),
                    level,
                    name,
                }
            })
            .collect()
    }

    /// Routes one record through the tree without the `log` facade (any level 0–50).
    pub fn log(&self, target: &str, rec: &Record<'_>) {
        self.0.dispatch(target, rec);
    }
}

/// A logger name records have been logged to, as [`Handle::loggers_seen`] lists it.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct SeenLogger {
    /// The dotted name (a Rust target with `::` read as `.`, crate name first).
    pub name: String,
    /// True when logging.toml has a `[loggers."NAME"]` table for it.
    pub configured: bool,
    /// Its effective level.
    pub level: crate::Level,
    /// The handlers a record at that level reaches, in order.
    pub handlers: Vec<String>,
}

/// The configuration in force, as [`Handle::config`] shows it.
#[derive(Clone)]
pub struct ActiveConfig(Arc<Loaded>);

impl fmt::Debug for ActiveConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ActiveConfig")
            .field("file", &self.file())
            .field("debug", &self.debug())
            .field("base_dir", &self.base_dir())
            .finish()
    }
}

impl ActiveConfig {
    /// The file it was read from (`<string>` for text given from code).
    pub fn file(&self) -> &std::path::Path {
        &self.0.file
    }

    /// Its text, as read.
    pub fn text(&self) -> &str {
        &self.0.source
    }

    /// DEBUG mode, after precedence (env `LOG_DEBUG` > init API > file > false).
    pub fn debug(&self) -> bool {
        self.0.debug
    }

    /// The log base dir, after precedence (env `LOG_BASE_DIR` > init API > file > /tmp).
    pub fn base_dir(&self) -> &std::path::Path {
        &self.0.base_dir
    }

    /// The names of the configured loggers (dotted), in order.
    pub fn loggers(&self) -> Vec<String> {
        self.0.config.loggers.keys().cloned().collect()
    }

    /// The names of the declared handlers, in order (debug_only ones included).
    pub fn handlers(&self) -> Vec<String> {
        self.0.config.handlers.keys().cloned().collect()
    }

    /// The warnings of loading it, each as `logconf check` prints one message.
    pub fn warnings(&self) -> Vec<String> {
        self.0.warnings.iter().map(|d| d.message.clone()).collect()
    }
}

/// Flushes logging when dropped; returned by [`init`].
#[derive(Debug)]
pub struct Guard {
    handle: Handle,
}

impl Guard {
    /// The handle of the installed configuration.
    pub fn handle(&self) -> &Handle {
        &self.handle
    }
}

impl Drop for Guard {
    fn drop(&mut self) {
        self.handle.flush();
    }
}

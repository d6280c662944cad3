//! The compiled tree and Python's routing: effective level, logger filters at the
//! origin only, handler levels and filters, `propagate`, and `lastResort`. The route of
//! each logger name is computed once and cached; a record only follows its route.

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::io::Write;
use std::sync::Arc;

use crate::append_only::{AppendOnly, Token};
use crate::fork::{PerProcess, Renew};

use crate::config::values::Level;
use crate::filters::Filter;
use crate::handlers::Handler;
use crate::record::Record;

/// A configured logger.
#[derive(Clone, Default)]
pub struct LoggerNode {
    /// Its own level (NOTSET: inherit).
    pub level: Level,
    /// Pass records on to the parent's handlers.
    pub propagate: bool,
    /// Its handlers, in order.
    pub handlers: Vec<Arc<Handler>>,
    /// The names of its handlers as written, including those that do not exist in
    /// this mode (debug_only ones outside DEBUG mode, which records skip silently).
    pub handler_names: Vec<String>,
    /// Filters for records created at this logger.
    pub filters: Vec<Arc<Filter>>,
    /// The names of those filters, as written.
    pub filter_names: Vec<String>,
}

/// Where a logger's records go and why, for `logconf explain`: what the router itself
/// computes, with the logger that decided each part.
pub struct Explanation {
    /// The dotted logger name (`root` for the root logger).
    pub name: String,
    /// True when the configuration names this logger.
    pub configured: bool,
    /// The effective level.
    pub level: Level,
    /// The logger whose level that is (`root` when none up the hierarchy sets one).
    pub level_from: String,
    /// The names of the logger's own filters.
    pub filters: Vec<String>,
    /// Disabled by `disable_existing_loggers`.
    pub disabled: bool,
    /// The logger whose `propagate = false` ended the chain, if one did.
    pub stopped_at: Option<String>,
    /// Every handler of the chain, in order, with the logger it belongs to; an `Err`
    /// with its name for a handler that does not exist in this mode (debug_only).
    pub handlers: Vec<(String, Result<Arc<Handler>, String>)>,
}

/// Everything a record of one logger name needs, computed once per name.
pub struct Route {
    /// The dotted logger name (`root` for the root logger).
    pub name: Box<str>,
    /// The effective level.
    pub level: Level,
    /// Disabled by `disable_existing_loggers`.
    pub disabled: bool,
    /// The origin logger's filters.
    pub filters: Vec<Arc<Filter>>,
    /// The handlers of the logger and of each ancestor it propagates to, in order
    /// (a handler on two loggers of the chain appears twice, as in Python).
    pub handlers: Vec<Arc<Handler>>,
}

/// The dotted name of a `log` target: `::` becomes `.`; "" and "root" are the root.
pub fn logger_name(target: &str) -> std::borrow::Cow<'_, str> {
    if target.is_empty() {
        return "root".into();
    }
    if target.contains("::") {
        target.replace("::", ".").into()
    } else {
        target.into()
    }
}

/// The last route a thread used: its target, and where it is in its tree's routes (a
/// token keeps nothing alive — a thread that stops logging must not keep a replaced
/// configuration's handlers and files open — and only the map that issued it follows
/// it; see [`AppendOnly`]).
struct LastRoute {
    target: Box<str>,
    token: Token<Route>,
}

/// Called with each logger name the first time a record is routed for it.
pub type NameObserver = Box<dyn Fn(&str) + Send + Sync>;

thread_local! {
    static LAST_ROUTE: RefCell<Option<LastRoute>> = const { RefCell::new(None) };
}

/// The routes computed so far, by `log` target: added once, never replaced or removed.
#[derive(Default)]
struct Routes(AppendOnly<Route>);

impl Renew for Routes {
    /// A forked child computes its routes again in a map of its own (the parent's may
    /// be half updated; it is kept, never dropped).
    fn renew(&mut self) -> Routes {
        Routes::default()
    }
}

/// A compiled configuration.
pub struct Tree {
    /// Every handler created by the configuration, by name.
    pub handlers: Vec<Arc<Handler>>,
    /// The configured loggers by dotted name.
    pub loggers: HashMap<String, LoggerNode>,
    /// The root logger.
    pub root: LoggerNode,
    /// Names disabled when this configuration was applied.
    pub disabled: HashSet<String>,
    routes: PerProcess<Routes>,
    /// Called with each logger name the first time a record is routed for it.
    on_new_name: Option<NameObserver>,
}

impl Tree {
    /// A tree from its parts.
    pub fn new(
        handlers: Vec<Arc<Handler>>,
        loggers: HashMap<String, LoggerNode>,
        root: LoggerNode,
        disabled: HashSet<String>,
    ) -> Tree {
        Tree {
            handlers,
            loggers,
            root,
            disabled,
            routes: PerProcess::new(Routes::default()),
            on_new_name: None,
        }
    }

    /// Sets the callback that records names as they are first routed.
    pub fn on_new_name(mut self, f: NameObserver) -> Self {
        self.on_new_name = Some(f);
        self
    }

    /// The most verbose level any logger lets through: `log::set_max_level` follows it.
    pub fn max_level(&self) -> log::LevelFilter {
        let mut min = self.root.level.0;
        for (name, node) in &self.loggers {
            if self.disabled.contains(name) {
                continue;
            }
            let effective = if node.level.0 > 0 {
                node.level.0
            } else {
                self.effective_level(name).0
            };
            min = min.min(effective);
        }
        to_level_filter(Level(min))
    }

    /// The effective level of a dotted name.
    pub fn effective_level(&self, name: &str) -> Level {
        let mut current = Some(name);
        while let Some(n) = current {
            if let Some(node) = self.loggers.get(n) {
                if node.level.0 > 0 {
                    return node.level;
                }
            }
            current = parent(n);
        }
        self.root.level
    }

    /// The logger whose level is the effective level of a dotted name.
    fn level_source(&self, name: &str) -> (Level, String) {
        let mut current = Some(name);
        while let Some(n) = current {
            if let Some(node) = self.loggers.get(n) {
                if node.level.0 > 0 {
                    return (node.level, n.to_string());
                }
            }
            current = parent(n);
        }
        (self.root.level, "root".to_string())
    }

    /// The chain of loggers whose handlers a record of `name` reaches, and the logger
    /// whose `propagate = false` ended it (Python's `callHandlers` walk).
    fn chain<'a>(&'a self, name: &'a str) -> (Vec<(&'a str, &'a LoggerNode)>, Option<&'a str>) {
        if name == "root" {
            return (vec![("root", &self.root)], None);
        }
        let mut chain = Vec::new();
        let mut current = Some(name);
        while let Some(n) = current {
            if let Some(node) = self.loggers.get(n) {
                chain.push((n, node));
                if !node.propagate {
                    return (chain, Some(n));
                }
            }
            current = parent(n);
        }
        chain.push(("root", &self.root));
        (chain, None)
    }

    /// Explains the route of a dotted name: level and where it is set, filters,
    /// propagation, and every handler reached, each with its logger.
    pub fn explain(&self, target: &str) -> Explanation {
        let name = logger_name(target).into_owned();
        let route = self.compute_route(&name);
        let (level, level_from) = if name == "root" {
            (self.root.level, "root".to_string())
        } else {
            self.level_source(&name)
        };
        let (chain, stopped_at) = self.chain(&name);
        let mut handlers = Vec::new();
        for (owner, node) in &chain {
            for written in &node.handler_names {
                let built = node.handlers.iter().find(|h| h.name() == written.as_str());
                let entry = built.cloned().ok_or_else(|| written.clone());
                handlers.push((owner.to_string(), entry));
            }
        }
        let own = if name == "root" {
            Some(&self.root)
        } else {
            self.loggers.get(&name)
        };
        Explanation {
            configured: own.is_some(),
            filters: own.map(|n| n.filter_names.clone()).unwrap_or_default(),
            level,
            level_from,
            disabled: route.disabled,
            stopped_at: stopped_at.map(str::to_string),
            handlers,
            name,
        }
    }

    /// Computes the route of a dotted name (uncached).
    pub fn compute_route(&self, name: &str) -> Route {
        if name == "root" {
            return Route {
                name: "root".into(),
                level: self.root.level,
                disabled: false,
                filters: self.root.filters.clone(),
                handlers: self.root.handlers.clone(),
            };
        }
        let (chain, _) = self.chain(name);
        let handlers = chain
            .iter()
            .flat_map(|(_, node)| node.handlers.iter().cloned())
            .collect();
        let own = self.loggers.get(name);
        Route {
            name: name.into(),
            level: self.effective_level(name),
            disabled: self.disabled.contains(name),
            filters: own.map(|n| n.filters.clone()).unwrap_or_default(),
            handlers,
        }
    }

    /// The route of a `log` target, borrowed from the tree: no reference count is
    /// touched (threads logging at once would contend for it), and a thread logging
    /// to one target again and again finds it without a lookup.
    pub fn route(&self, target: &str) -> &Route {
        let routes = &self.routes.get().0;
        let last = LAST_ROUTE.with(|last| {
            last.borrow()
                .as_ref()
                .filter(|l| &*l.target == target)
                .map(|l| l.token)
        });
        if let Some(route) = last.and_then(|token| routes.by_token(token)) {
            return route;
        }
        let (route, token) = match routes.get(target) {
            Some(found) => found,
            None => {
                let name = logger_name(target);
                let computed = self.compute_route(&name);
                if let Some(f) = &self.on_new_name {
                    f(&name);
                }
                routes.get_or_insert_with(target, || computed)
            }
        };
        LAST_ROUTE.with(|last| {
            if let Ok(mut last) = last.try_borrow_mut() {
                *last = Some(LastRoute {
                    target: target.into(),
                    token,
                });
            }
        });
        route
    }

    /// True when a record of this level and target would be handled by anything.
    pub fn enabled(&self, level: Level, target: &str) -> bool {
        let route = self.route(target);
        !route.disabled && level >= route.level
    }

    /// Routes one record (Python's `Logger.handle` and `callHandlers`).
    pub fn dispatch(&self, target: &str, rec: &Record<'_>) {
        let route = self.route(target);
        // Python drops records at level 0 before anything else (`logging.disable`'s floor)
        if route.disabled || rec.level < route.level || rec.level.0 == 0 {
            return;
        }
        let rec = Record {
            logger: &route.name,
            ..*rec
        };
        crate::filters::apply(&route.filters, &rec, |r| call_handlers(route, r));
    }

    /// The handlers a record of `target` at `level` would be written by (levels and
    /// filters applied to a probe record), in order.
    pub fn reached(&self, target: &str, level: Level) -> Vec<Arc<Handler>> {
        let route = self.route(target);
        let probe = Record {
            logger: &route.name,
            ..Record::new(level, crate::record::Message::Text("probe"))
        };
        if route.disabled || level < route.level || !route.filters.iter().all(|f| f.passes(&probe))
        {
            return Vec::new();
        }
        route
            .handlers
            .iter()
            .filter(|h| level >= h.level && h.filters.iter().all(|f| f.passes(&probe)))
            .cloned()
            .collect()
    }

    /// Flushes every handler.
    pub fn flush(&self) {
        // queues first: what they write reaches the other handlers before those flush
        let is_queue = |h: &Arc<Handler>| matches!(h.sink, crate::handlers::Sink::Queue(_));
        for h in self.handlers.iter().filter(|h| is_queue(h)) {
            h.flush();
        }
        for h in self.handlers.iter().filter(|h| !is_queue(h)) {
            h.flush();
        }
    }
}

/// Python's `callHandlers`: every handler of the chain whose level the record reaches,
/// else `lastResort` for WARNING and above.
fn call_handlers(route: &Route, rec: &Record<'_>) {
    for h in &route.handlers {
        if rec.level >= h.level {
            h.handle(rec);
        }
    }
    if route.handlers.is_empty() && rec.level >= Level::WARNING {
        last_resort(rec);
    }
}

/// Python's `lastResort`: the bare message on stderr.
fn last_resort(rec: &Record<'_>) {
    let mut line = String::new();
    rec.message.write_to(&mut line);
    line.push('\n');
    let _ = std::io::stderr().lock().write_all(line.as_bytes());
}

/// The parent of a dotted name (None for a top-level name: its parent is the root).
pub fn parent(name: &str) -> Option<&str> {
    name.rfind('.').map(|i| &name[..i])
}

/// The `log` level filter that lets every record at or above `level` through.
pub fn to_level_filter(level: Level) -> log::LevelFilter {
    match level.0 {
        0..=5 => log::LevelFilter::Trace,
        6..=10 => log::LevelFilter::Debug,
        11..=20 => log::LevelFilter::Info,
        21..=30 => log::LevelFilter::Warn,
        _ => log::LevelFilter::Error,
    }
}
